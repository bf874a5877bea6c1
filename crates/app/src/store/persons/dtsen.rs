//! The DTSEN status of the registry from the national extract the office imports.
use crate::store::{audit, Actor, Result, Store};

impl Store {
    /// Applies an extract: every current person is first marked "not in DTSEN" for
    /// `period`, then each matched person (person id, decile, period) gets their decile
    /// — in one transaction. Returns (matched, not in the extract).
    pub async fn dtsen_apply(
        &self,
        actor: &Actor,
        period: &str,
        matched: &[(i64, i32, String)],
    ) -> Result<(usize, usize)> {
        let mut tx = self.tx().await?;
        let all = sqlx::query(
            "UPDATE persons SET dtsen_decile = NULL, dtsen_period = $1 WHERE merged_into IS NULL",
        )
        .bind(period)
        .execute(&mut *tx)
        .await?
        .rows_affected() as usize;
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
                    "UPDATE persons SET dtsen_decile = $1, dtsen_period = $2 WHERE id IN ({})",
                    list.join(",")
                ))
                .bind(*decile as i64)
                .bind(*p)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
            }
        }
        let after = serde_json::json!({"period": period, "matched": n, "not_in_dtsen": all.saturating_sub(n)});
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
        Ok((n, all.saturating_sub(n)))
    }
}
