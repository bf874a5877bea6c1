//! The DTSEN status of the registry from the national extract the office imports.
use crate::store::{audit, Actor, Result, Store};

impl Store {
    /// Applies an extract: it becomes the latest, and each matched person (person id,
    /// decile, period) gets their decile from it; every other person is thereby not in
    /// DTSEN for its period (see `DTSEN_DECILE`) — one transaction, writing only the
    /// persons it lists. Returns (matched, not in the extract).
    pub async fn dtsen_apply(
        &self,
        actor: &Actor,
        period: &str,
        matched: &[(i64, i32, String)],
    ) -> Result<(usize, usize)> {
        let mut tx = self.tx().await?;
        let (import,): (i64,) = sqlx::query_as(
            "INSERT INTO dtsen_imports (period, rows_matched, user_id, username, at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(period)
        .bind(matched.len() as i64)
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await?;
        // Few deciles and periods: one statement per (decile, period) and thousand ids.
        let mut groups: std::collections::BTreeMap<(i32, &str), Vec<i64>> = Default::default();
        for (id, d, p) in matched {
            groups.entry((*d, p.as_str())).or_default().push(*id);
        }
        let mut n = 0;
        for ((decile, p), ids) in &groups {
            for chunk in ids.chunks(1000) {
                // Integers from the database, not user text.
                let list: Vec<String> = chunk.iter().map(|i| i.to_string()).collect();
                n += sqlx::query(&format!(
                    "UPDATE persons SET dtsen_decile = $1, dtsen_period = $2, dtsen_import = $3 WHERE id IN ({})",
                    list.join(",")
                ))
                .bind(*decile as i64)
                .bind(*p)
                .bind(import)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
        }
        let (all,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE merged_into IS NULL",
        )
        .fetch_one(&mut *tx)
        .await?;
        let absent = (all as usize).saturating_sub(n);
        let after = serde_json::json!({"period": period, "matched": n, "not_in_dtsen": absent});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "dtsen_import",
            "person",
            "-",
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((n, absent))
    }
}
