//! How a pool lends its connections (the primary's and a replica's alike).
use std::time::Duration;

use sqlx::any::AnyPoolOptions;

/// A pool of `max` connections that checks a connection before lending it only when it
/// sat idle long enough to have been dropped by the server or a firewall: the check is a
/// round trip of its own (on SQLite a hand-off to the connection's thread), and made at
/// every lending it doubled the round trips of every page.
///
/// A connection still inside a transaction is closed instead of lent: a request whose
/// client went away while its `BEGIN` was under way is dropped after the `BEGIN` ran
/// but before the transaction existed to roll it back (sqlx 0.8), and on SQLite that
/// connection kept the database's write lock, refusing every later write and every
/// transaction begun on it. (sqlx pings a connection as it comes back, so the `BEGIN` has
/// run by the time it is lent again; closing rolls it back.)
pub(crate) fn pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if sqlx::Connection::is_in_transaction(conn) {
                    tracing::warn!("a connection left inside a transaction was closed");
                    return Ok(false);
                }
                if meta.idle_for >= Duration::from_secs(30) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}
