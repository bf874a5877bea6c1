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

impl Store {
    /// Keeps `job` claimed by `instance` while it runs (a claim older than the job's
    /// period is free for another instance to take: the holder is taken for dead).
    pub async fn job_renew(&self, job: &str, instance: &str) -> Result<()> {
        sqlx::query("UPDATE job_runs SET last_run_at = $1 WHERE name = $2 AND instance = $3")
            .bind(self.now())
            .bind(job)
            .bind(instance)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Frees `job` for the next run at once, on any instance (a job that runs whenever
    /// there is work, not once per period).
    pub async fn job_release(&self, job: &str, instance: &str) -> Result<()> {
        // The empty stamp is older than every claim's `due_before`.
        sqlx::query("UPDATE job_runs SET last_run_at = '' WHERE name = $1 AND instance = $2")
            .bind(job)
            .bind(instance)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
