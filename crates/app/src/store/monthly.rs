//! The facilitator's monthly report: their groups, and the plan they write for the next
//! month (the visits, health and checklists are read through their own modules).
use crate::store::visits::{health_history_of, HealthRecord};
use crate::store::{audit, Actor, Result, Store};
use sqlx::FromRow;

/// A group assigned to a facilitator.
#[derive(Debug, Clone, FromRow)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub registration_number: String,
    pub village_code: String,
    pub formed_on: crate::store::Date,
}

/// A facilitator's account: (id, user name, full name).
pub type Facilitator = (i64, String, Option<String>);

impl Store {
    /// The groups assigned to a facilitator, formed by `until`, by registration number.
    pub async fn monthly_groups(
        &self,
        user_id: i64,
        until: crate::store::Date,
    ) -> Result<Vec<GroupRow>> {
        Ok(sqlx::query_as(
            "SELECT id, name, registration_number, village_code, formed_on FROM kube
             WHERE pendamping_id = $1 AND formed_on <= $2 ORDER BY registration_number",
        )
        .bind(user_id)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A group's assessments, newest first.
    pub async fn monthly_health(&self, kube_id: i64) -> Result<Vec<HealthRecord>> {
        let mut conn = self.pool.acquire().await?;
        health_history_of(kube_id).all(&mut *conn).await
    }

    /// The active facilitators' accounts, by user name.
    pub async fn monthly_facilitators(&self) -> Result<Vec<Facilitator>> {
        Ok(sqlx::query_as(
            "SELECT id, username, full_name FROM users
             WHERE role = 'pendamping' AND disabled = 0 ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// A facilitator's plan for the month after `month`, as written for `month`'s report.
    pub async fn monthly_plan(&self, user_id: i64, month: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT plan FROM monthly_plans WHERE user_id = $1 AND month = $2")
                .bind(user_id)
                .bind(month)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// Writes (or rewrites) the plan of `month`'s report; audited.
    pub async fn monthly_plan_save(
        &self,
        actor: &Actor,
        user_id: i64,
        month: &str,
        plan: &str,
    ) -> Result<()> {
        let mut tx = self.tx().await?;
        let before: Option<(String,)> =
            sqlx::query_as("SELECT plan FROM monthly_plans WHERE user_id = $1 AND month = $2")
                .bind(user_id)
                .bind(month)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM monthly_plans WHERE user_id = $1 AND month = $2")
            .bind(user_id)
            .bind(month)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO monthly_plans (user_id, month, plan, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(month)
        .bind(plan)
        .bind(actor.now())
        .execute(&mut *tx)
        .await?;
        let key = format!("{user_id}/{month}");
        audit::record(
            &mut tx,
            actor,
            "update",
            "monthly_plan",
            key,
            before.map(|b| serde_json::json!({"plan": b.0})).as_ref(),
            Some(&serde_json::json!({"plan": plan})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
