//! Failed logins, counted in the database so that every instance sees them.
use crate::{Result, Store};

impl Store {
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

    /// Records a failure for each key; forgets failures older than `forget_before`.
    pub async fn login_failure_add(&self, keys: &[&str], forget_before: &str) -> Result<()> {
        let mut tx = self.tx().await?;
        let now = crate::now();
        for k in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(*k)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn login_failures_clear(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
