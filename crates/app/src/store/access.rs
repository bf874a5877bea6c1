//! The access log of personal data: appended to, listed, purged after the configured
//! period — never changed.
use crate::store::sql::Where;
use crate::store::{Actor, Page, Paging, Result, Store};
use serde::Serialize;
use sqlx::FromRow;

/// One access: a read of a person's record, a NIK lookup, an export.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Access {
    pub id: i64,
    /// RFC 3339 UTC
    pub at: String,
    /// The account (absent for the command line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    pub username: String,
    /// `read`, `lookup` or `export`.
    pub action: String,
    /// The person read or looked up; absent for an export (and a lookup of a NIK not
    /// registered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
    /// A lookup's source, or an export's list, filter and row count.
    pub detail: Option<String>,
    /// The client's address.
    pub client: Option<String>,
}

/// What the log is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    pub person_id: Option<i64>,
    pub user_id: Option<i64>,
    /// From this instant (RFC 3339 UTC).
    pub since: Option<String>,
}

impl Store {
    /// Appends accesses of `actor` (one per person, or one without a person).
    pub async fn access_record(
        &self,
        actor: &Actor,
        action: &str,
        persons: &[Option<i64>],
        detail: Option<&str>,
    ) -> Result<()> {
        // One statement per 500 entries: a page's single read is one round trip (a
        // statement is atomic), and an import's lookups stay within every backend's
        // bound on values.
        if persons.len() <= ACCESS_ROWS {
            if !persons.is_empty() {
                insert_access(
                    &mut *self.pool.acquire().await?,
                    actor,
                    action,
                    persons,
                    detail,
                )
                .await?;
            }
            return Ok(());
        }
        let mut tx = self.tx().await?;
        for chunk in persons.chunks(ACCESS_ROWS) {
            insert_access(&mut tx, actor, action, chunk, detail).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The persons the NIKs are registered to (None: not registered), in order.
    pub async fn access_persons_by_nik(&self, niks: &[&str]) -> Result<Vec<Option<i64>>> {
        let mut found = std::collections::HashMap::new();
        // An import looks up hundreds at once: a query per few hundred, not per NIK.
        for chunk in niks.chunks(500) {
            let mut w = Where::new();
            let marks = vec!["?"; chunk.len()].join(", ");
            w.cond_seq(
                &format!("nik IN ({marks})"),
                chunk.iter().map(|n| n.trim().to_string()).collect(),
            );
            let rows: Vec<(String, i64)> = sqlx::query_as_with(
                &format!("SELECT nik, id FROM persons {}", w.sql()),
                w.args(),
            )
            .fetch_all(&self.pool)
            .await?;
            found.extend(rows);
        }
        Ok(niks.iter().map(|n| found.get(n.trim()).copied()).collect())
    }

    /// The log, newest first.
    pub async fn access_list(&self, f: &AccessFilter, paging: Paging) -> Result<Page<Access>> {
        let mut w = Where::new();
        if let Some(p) = f.person_id {
            w.cond_int("person_id = ?", p);
        }
        if let Some(u) = f.user_id {
            w.cond_int("user_id = ?", u);
        }
        if let Some(s) = &f.since {
            w.cond("at >= ?", s.clone());
        }
        w.page(
            &self.pool,
            "id, at, user_id, username, action, person_id, detail, client",
            "access_log",
            "at DESC, id DESC",
            paging,
        )
        .await
    }

    /// Removes the entries older than `before` (RFC 3339 UTC); how many.
    pub async fn access_purge(&self, before: &str) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM access_log WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}

const ACCESS_ROWS: usize = 500;

async fn insert_access(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: &str,
    persons: &[Option<i64>],
    detail: Option<&str>,
) -> Result<()> {
    let rows: Vec<String> = (0..persons.len())
        .map(|i| format!("($1, $2, $3, $4, $5, $6, ${})", i + 7))
        .collect();
    let sql = format!(
        "INSERT INTO access_log (at, user_id, username, action, detail, client, person_id) VALUES {}",
        rows.join(", ")
    );
    let mut q = sqlx::query(&sql)
        .bind(actor.now())
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(action)
        .bind(detail)
        .bind(actor.client.as_deref());
    for p in persons {
        q = q.bind(*p);
    }
    q.execute(conn).await?;
    Ok(())
}
