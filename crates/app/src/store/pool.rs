//! How a pool lends its connections (the primary's and a replica's alike).
use std::time::Duration;

use sqlx::any::AnyPoolOptions;

/// A pool of `max` connections that checks a connection before lending it only when it
/// sat idle long enough to have been dropped by the server or a firewall: the check is a
/// round trip of its own (on SQLite a hand-off to the connection's thread), and made at
/// every lending it doubled the round trips of every page.
pub(crate) fn pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= Duration::from_secs(30) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}
