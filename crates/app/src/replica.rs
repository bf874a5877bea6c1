//! Reads from a streaming replica (`store::replica`): which requests may read from it, a
//! session's own writes (read back from the primary for as long as the replica may lag),
//! and how it stands.
pub use crate::store::replica::{allowing_replica as allowing, ReplicaState};
use crate::{Context, Result};

/// How the replica stands (none: no replica configured).
pub fn state(cx: &Context) -> Option<ReplicaState> {
    cx.store.replica_state()
}

/// Whether a session that last wrote at `last_write_at` (RFC 3339 UTC) may read from the
/// replica now: a replica is configured and the write is older than the lag it may have.
pub fn may_read(cx: &Context, last_write_at: Option<&str>) -> bool {
    let Some(window) = cx.store.replica_window() else {
        return false;
    };
    match last_write_at.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
        None => true,
        Some(t) => {
            let since = cx.clock().now() - t.with_timezone(&chrono::Utc);
            since.to_std().is_ok_and(|d| d > window)
        }
    }
}

/// Records that a session wrote (only when there is a replica to read around).
pub async fn wrote(cx: &Context, session_id: i64) -> Result<()> {
    if cx.store.replica_window().is_some() {
        cx.store.session_wrote(session_id).await?;
    }
    Ok(())
}
