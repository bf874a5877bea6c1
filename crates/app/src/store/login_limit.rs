//! Login attempts, counted in the database so that every instance sees them.
//!
//! An attempt is recorded *before* the password is checked and removed again when it
//! succeeds. Each insert commits on its own before counting, so of N parallel attempts
//! the k-th to commit counts at least k: a burst cannot pass the limit.
use crate::store::{Result, Store};

impl Store {
    /// Records an attempt under each key now; returns the ids of the rows written and,
    /// per key, the attempts since `since` (RFC 3339) including this one.
    pub async fn login_attempt(&self, keys: &[&str], since: &str) -> Result<(Vec<i64>, Vec<i64>)> {
        let now = self.now();
        let mut ids = Vec::with_capacity(keys.len());
        for k in keys {
            let (id,): (i64,) =
                sqlx::query_as("INSERT INTO login_failures (key, at) VALUES ($1, $2) RETURNING id")
                    .bind(*k)
                    .bind(&now)
                    .fetch_one(&self.pool)
                    .await?;
            ids.push(id);
        }
        let mut counts = Vec::with_capacity(keys.len());
        for k in keys {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                    .bind(*k)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?;
            counts.push(n);
        }
        Ok((ids, counts))
    }

    /// A successful login: its attempt rows go, and so do the earlier failures of
    /// `clear_key` (the account from this address); failures older than `forget_before`
    /// are dropped.
    pub async fn login_attempt_succeeded(
        &self,
        ids: &[i64],
        clear_key: &str,
        forget_before: &str,
    ) -> Result<()> {
        let mut tx = self.tx().await?;
        for id in ids {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM login_failures WHERE key = $1 OR at < $2")
            .bind(clear_key)
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Failures of `key` since `since` (RFC 3339).
    pub async fn login_failures(&self, key: &str, since: &str) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(n)
    }
}
