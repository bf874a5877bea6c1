//! A PostgreSQL streaming replica for reads (PostgreSQL's own replication, set up with
//! `pg_basebackup -R`; nothing here copies data). Dashboards, reports, lists, searches and
//! exports read from it when the request allows it (`allowing_replica`: the web allows it
//! for reads of a user who has not written in the last seconds) and it is no further
//! behind the primary than the configured bound; otherwise, and whenever it is down, they
//! read from the primary. Writes always go to the primary.
use crate::store::{Result, Store};
use sqlx::AnyPool;
use std::collections::VecDeque;
use std::future::Future;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

tokio::task_local! {
    static REPLICA_ALLOWED: bool;
}

/// Runs `f` with its reads of lists and figures allowed to go to the replica.
pub async fn allowing_replica<F: Future>(f: F) -> F::Output {
    REPLICA_ALLOWED.scope(true, f).await
}

/// How the replica stands, as `/readyz` tells it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ReplicaState {
    /// Not checked yet.
    Starting,
    /// Caught up within the bound: reads go to it.
    Ok { lag_ms: i64 },
    /// Further behind than the bound: reads go to the primary.
    Lagging { lag_ms: i64 },
    /// Not answering: reads go to the primary.
    Down,
}

pub struct Replica {
    pool: AnyPool,
    max_lag: Duration,
    inner: Mutex<Inner>,
}

struct Inner {
    state: ReplicaState,
    /// The primary's WAL position as sampled, the newest last.
    samples: VecDeque<(Instant, u64)>,
}

/// A WAL position (`16/B374D848`) as a number.
fn lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.split_once('/')?;
    Some((u64::from_str_radix(hi, 16).ok()? << 32) | u64::from_str_radix(lo, 16).ok()?)
}

impl Replica {
    fn usable(&self) -> bool {
        matches!(
            self.inner.lock().unwrap_or_else(|p| p.into_inner()).state,
            ReplicaState::Ok { .. }
        )
    }
}

impl Store {
    /// This store, reading lists and figures from the replica at `url` when it is within
    /// `max_lag` of the primary. Connects lazily: a replica that is down does not keep
    /// the server from starting.
    pub fn with_replica(mut self, url: &str, max_lag: Duration) -> Result<Store> {
        let opts = sqlx::any::AnyConnectOptions::from_str(url)?;
        // As many as the primary's: the same requests read from either.
        let pool = crate::store::pool::pool_options(self.pool.options().get_max_connections())
            .acquire_timeout(Duration::from_secs(2))
            .connect_lazy_with(opts);
        self.replica = Some(std::sync::Arc::new(Replica {
            pool,
            max_lag,
            inner: Mutex::new(Inner {
                state: ReplicaState::Starting,
                samples: VecDeque::new(),
            }),
        }));
        Ok(self)
    }

    /// Where a read of lists and figures goes: the replica when this request allows it
    /// and the replica is usable, else the primary.
    pub(crate) fn reading(&self) -> &AnyPool {
        match &self.replica {
            Some(r) if REPLICA_ALLOWED.try_with(|a| *a).unwrap_or(false) && r.usable() => &r.pool,
            _ => &self.pool,
        }
    }

    /// How long after a session's own write its reads stay on the primary: the lag the
    /// replica may have (none: no replica configured).
    pub fn replica_window(&self) -> Option<Duration> {
        self.replica.as_ref().map(|r| r.max_lag)
    }

    /// The replica's state (none: no replica configured).
    pub fn replica_state(&self) -> Option<ReplicaState> {
        self.replica.as_ref().map(|r| {
            r.inner
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .state
                .clone()
        })
    }

    /// One check: the primary's WAL position now, and how far the replica has replayed.
    /// The lag is the time since the oldest sampled position it has not replayed yet.
    pub async fn replica_check(&self) {
        let Some(r) = &self.replica else { return };
        let now = Instant::now();
        let primary: Option<String> =
            sqlx::query_scalar("SELECT CAST(pg_current_wal_lsn() AS TEXT)")
                .fetch_one(&self.pool)
                .await
                .ok();
        let replica: std::result::Result<(i64, Option<String>), _> = sqlx::query_as(
            "SELECT CAST(CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS BIGINT),
                    CAST(pg_last_wal_replay_lsn() AS TEXT)",
        )
        .fetch_one(&r.pool)
        .await;
        let mut g = r.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = primary.as_deref().and_then(lsn) {
            g.samples.push_back((now, p));
        }
        // Enough history to tell a lag of twice the bound.
        let keep = r.max_lag * 2 + Duration::from_secs(2);
        while g
            .samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > keep)
        {
            g.samples.pop_front();
        }
        g.state = match replica {
            Err(e) => {
                if g.state != ReplicaState::Down {
                    tracing::warn!(error = %e, "read replica down: reads go to the primary");
                }
                ReplicaState::Down
            }
            // Not a standby (the primary itself, or a copy kept otherwise): never behind.
            Ok((0, _)) => ReplicaState::Ok { lag_ms: 0 },
            Ok((_, replayed)) => {
                let replayed = replayed.as_deref().and_then(lsn).unwrap_or(0);
                let lag = g
                    .samples
                    .iter()
                    .find(|(_, p)| *p > replayed)
                    .map(|(t, _)| now.duration_since(*t))
                    .unwrap_or_default();
                let lag_ms = lag.as_millis() as i64;
                if lag <= r.max_lag {
                    ReplicaState::Ok { lag_ms }
                } else {
                    ReplicaState::Lagging { lag_ms }
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wal_positions_compare_as_numbers() {
        assert_eq!(super::lsn("0/16B3748"), Some(0x16B3748));
        assert!(super::lsn("1/0").unwrap() > super::lsn("0/FFFFFFFF").unwrap());
        assert_eq!(super::lsn("x"), None);
    }
}
