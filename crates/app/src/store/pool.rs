//! How a pool lends its connections (the primary's and a replica's alike).
use std::time::Duration;

use sqlx::any::AnyPoolOptions;

/// How many connections a pool keeps when not told. SQLite: a few readers beside its one
/// writer. PostgreSQL: twice this machine's cores — on two cores shared with the database
/// server, 4 connections answered the KUBE page at 32 concurrent requests with a p99 of
/// 23 ms against 36–42 ms with 16 (the server's backends fought for the cores; a request
/// waiting in the pool's queue waits its turn in order). A separate database server
/// wants `--database-connections` sized from its cores and the number of instances.
pub fn connections_default(backend: crate::store::Backend) -> u32 {
    match backend {
        crate::store::Backend::Sqlite => 8,
        crate::store::Backend::Postgres => std::thread::available_parallelism()
            .map(|n| 2 * n.get() as u32)
            .unwrap_or(4)
            .max(4),
    }
}

/// A pool of `max` connections that checks a connection before lending it only when it
/// sat idle long enough to have been dropped by the server or a firewall: the check is a
/// round trip of its own (on SQLite a hand-off to the connection's thread), and made at
/// every lending it doubled the round trips of every page.
///
/// A connection still inside a transaction is closed, not kept: a request whose client
/// went away while its `BEGIN` was under way is dropped after the `BEGIN` ran but before
/// the transaction existed to roll it back (sqlx 0.8), and on SQLite that connection
/// kept the database's write lock — idle in the pool, it refused every later write.
/// Checked as a connection comes back (on SQLite after a ping, which queues behind a
/// `BEGIN` still on its way to the connection's thread) and again before it is lent.
pub(crate) fn pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .test_before_acquire(false)
        .after_release(|conn, _| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(!left_in_transaction(conn))
            })
        })
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if left_in_transaction(conn) {
                    return Ok(false);
                }
                if meta.idle_for >= Duration::from_secs(30) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

fn left_in_transaction(conn: &sqlx::AnyConnection) -> bool {
    let left = sqlx::Connection::is_in_transaction(conn);
    if left {
        tracing::warn!("a connection left inside a transaction is closed");
    }
    left
}
