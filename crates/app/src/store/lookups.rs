//! NIK lookups of roles that see identity masked: each answer that tells such a role
//! whether a NIK is registered is counted (distinct NIKs per account and office day),
//! limited, and audited with its count.
use crate::store::{audit, Actor, Backend, Result, Store};
use chrono::NaiveDate;

/// What a lookup request found against the day's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Allowed; distinct NIKs looked up today, these included.
    Counted(i64),
    /// Refused: it would pass the limit; distinct NIKs looked up today before it.
    Refused(i64),
}

impl Store {
    /// Records the lookup of `hashes` (hashed NIKs) by `actor` on `day`, unless the NIKs
    /// new today would take the account past `limit`; audited with the count and `source`.
    /// One account's lookups are counted one at a time (its user row is held), so a burst
    /// cannot pass the limit.
    pub async fn nik_lookup(
        &self,
        actor: &Actor,
        day: NaiveDate,
        hashes: &[String],
        limit: i64,
        source: &str,
    ) -> Result<Lookup> {
        let Some(user_id) = actor.user_id else {
            return Ok(Lookup::Counted(0));
        };
        let mut tx = self.tx().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        let day = crate::store::Date(day);
        let (used,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM nik_lookups WHERE user_id = $1 AND day = $2",
        )
        .bind(user_id)
        .bind(day)
        .fetch_one(&mut *tx)
        .await?;
        let mut wanted: Vec<&String> = hashes.iter().collect();
        wanted.sort();
        wanted.dedup();
        // At most `used` of them can be known already: a request of more NIKs than the
        // limit is refused without looking each one up (a file of 100,000 rows).
        if wanted.len() as i64 > limit {
            return refuse(tx, actor, wanted.len(), source, used, limit).await;
        }
        let mut new = Vec::new();
        for chunk in wanted.chunks(500) {
            let marks = (0..chunk.len())
                .map(|i| format!("${}", i + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT nik_hash FROM nik_lookups WHERE user_id = $1 AND day = $2 AND nik_hash IN ({marks})"
            );
            let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(user_id).bind(day);
            for h in chunk {
                q = q.bind(h.as_str());
            }
            let known: std::collections::HashSet<String> = q
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|r| r.0)
                .collect();
            new.extend(
                chunk
                    .iter()
                    .filter(|h| !known.contains(h.as_str()))
                    .cloned(),
            );
        }
        let after = used + new.len() as i64;
        if after > limit {
            return refuse(tx, actor, new.len(), source, used, limit).await;
        }
        for h in &new {
            sqlx::query("INSERT INTO nik_lookups (user_id, day, nik_hash) VALUES ($1, $2, $3)")
                .bind(user_id)
                .bind(day)
                .bind(h.as_str())
                .execute(&mut *tx)
                .await?;
        }
        let counted = serde_json::json!({"count": new.len(), "source": source, "today": after});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "nik_lookup",
            "person",
            "-",
            None,
            Some(&counted),
        )
        .await?;
        tx.commit().await?;
        Ok(Lookup::Counted(after))
    }
}

/// Records a refused lookup (the count it asked for) and answers with the day's use.
async fn refuse(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    count: usize,
    source: &str,
    used: i64,
    limit: i64,
) -> Result<Lookup> {
    let refused =
        serde_json::json!({"count": count, "source": source, "today": used, "limit": limit});
    audit::record::<(), _>(
        &mut tx,
        actor,
        "nik_lookup_refused",
        "person",
        "-",
        None,
        Some(&refused),
    )
    .await?;
    tx.commit().await?;
    Ok(Lookup::Refused(used))
}
