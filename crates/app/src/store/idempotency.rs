//! Idempotency keys: what a request sent with a key recorded, so that the same request
//! sent again (its answer lost on the way back to a phone) records nothing more.
use super::Result;
use sqlx::AnyConnection;

/// A key as the store keeps it: the caller's key and the digest of the request it came with.
#[derive(Debug, Clone)]
pub struct Once {
    pub key: String,
    pub operation: &'static str,
    pub fingerprint: String,
}

/// What an earlier request with the same key did.
#[derive(Debug, Clone, PartialEq)]
pub enum Prior {
    /// Nothing: the request is new.
    None,
    /// The same request recorded this entity.
    Same(i64),
    /// The key came with another request.
    Other,
}

pub(crate) async fn prior_in(conn: &mut AnyConnection, user_id: i64, once: &Once) -> Result<Prior> {
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT operation, fingerprint, entity_id FROM idempotency WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(&once.key)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        None => Prior::None,
        Some((op, f, id)) if op == once.operation && f == once.fingerprint => Prior::Same(id),
        Some(_) => Prior::Other,
    })
}

/// Keeps the key with what its request recorded, in the transaction that recorded it (so
/// both or neither are kept).
pub(crate) async fn remember(
    conn: &mut AnyConnection,
    user_id: i64,
    once: &Once,
    entity_id: i64,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO idempotency (user_id, key, operation, fingerprint, entity_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(&once.key)
    .bind(once.operation)
    .bind(&once.fingerprint)
    .bind(entity_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl super::Store {
    /// What an earlier request of `user_id` with this key did.
    pub async fn idempotency_prior(&self, user_id: i64, once: &Once) -> Result<Prior> {
        let mut conn = self.pool.acquire().await?;
        prior_in(&mut conn, user_id, once).await
    }
}
