//! Background jobs claimed across instances: several `sikube serve` processes on one
//! database each wake up, and the one whose claim succeeds runs the job for the period.
use crate::store::{Result, Store};

impl Store {
    /// Claims `job` for `instance` when its last run began before `due_before` (RFC 3339
    /// UTC), or it never ran; whether this instance got it. One statement, so two
    /// instances claiming at once cannot both succeed.
    pub async fn job_claim(&self, job: &str, instance: &str, due_before: &str) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO job_runs (name, last_run_at, instance) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at,
                                              instance = excluded.instance
              WHERE job_runs.last_run_at < $4",
        )
        .bind(job)
        .bind(self.now())
        .bind(instance)
        .bind(due_before)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }
}
