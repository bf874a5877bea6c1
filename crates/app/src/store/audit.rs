//! The audit log: who changed what, when, with the values before and after.
//! Every write records its entry inside the same transaction as the change.
use crate::store::sql::Where;
use crate::store::{Page, Paging, Result, Store};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// Who is acting, and when: a logged-in user, or the command line, at the instant the
/// request or command arrived (read from the store's [`Clock`](crate::store::Clock)).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    /// When the action happened. The demo loader, replaying a city's past years, sets it
    /// to past days: the steps of a proposal then carry the dates they had.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Where the request came from (the client's address), for the access log.
    pub client: Option<String>,
}

impl Actor {
    pub fn new(
        user_id: Option<i64>,
        username: impl Into<String>,
        clock: &crate::store::Clock,
    ) -> Actor {
        Actor {
            user_id,
            username: username.into(),
            at: clock.now(),
            client: None,
        }
    }
    pub fn cli(clock: &crate::store::Clock) -> Actor {
        Actor::new(None, "(cli)", clock)
    }
    /// The time of the action (RFC 3339, UTC).
    pub fn now(&self) -> String {
        crate::store::ts(self.at)
    }
    /// The day of the action where the office is (WIB, UTC+7).
    pub fn today(&self) -> chrono::NaiveDate {
        crate::store::day_in_jakarta(self.at)
    }
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    #[serde(serialize_with = "as_json")]
    pub before_json: Option<String>,
    #[serde(serialize_with = "as_json")]
    pub after_json: Option<String>,
    /// The account's full name now, if it has one (the entry keeps the user name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// The full name, now, of the account a row's `user_id` column names (an audit entry, a
/// proposal's step, an exception), as `full_name`.
pub(crate) fn full_name_of(user_id: &str) -> String {
    format!("(SELECT u.full_name FROM users u WHERE u.id = {user_id}) AS full_name")
}

impl AuditEntry {
    /// Who, as an office names them: the full name, else the user name.
    pub fn who(&self) -> &str {
        self.full_name.as_deref().unwrap_or(&self.username)
    }
}

fn as_json<S: serde::Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    let value: serde_json::Value = v
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null);
    serde::Serialize::serialize(&value, s)
}

pub async fn record<B: Serialize, A: Serialize>(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    let q = sqlx::query(RECORD);
    bind_entry(q, actor, action, entity, entity_id, before, after)
        .execute(conn)
        .await?;
    Ok(())
}

/// The statement that writes one entry; its values are bound by [`bind_entry`].
pub(crate) const RECORD: &str =
    "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, before_json, after_json)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Binds one entry's values to [`RECORD`], on a pooled connection or (a PostgreSQL import
/// by `COPY`, whose transaction is on a connection of its own) a `PgConnection`.
pub(crate) fn bind_entry<'q, DB: sqlx::Database, B: Serialize, A: Serialize>(
    q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<&B>,
    after: Option<&A>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.bind(actor.now())
        .bind(actor.user_id)
        .bind(actor.username.clone())
        .bind(action.to_string())
        .bind(entity.to_string())
        .bind(entity_id.to_string())
        .bind(before.and_then(|b| serde_json::to_string(b).ok()))
        .bind(after.and_then(|a| serde_json::to_string(a).ok()))
}

/// The audit list's filters: the query string of its page, API list and export.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Entity kind, e.g. `user`, `person`, `kube`.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// User name of whoever made the change.
    pub username: Option<String>,
    /// `create`, `update`, `delete`, ...
    pub action: Option<String>,
    /// From this day (inclusive), a day in Asia/Jakarta: `20-11-2026` or `2026-11-20`.
    /// (Read by the audit list into the UTC instant it starts at.)
    #[param(format = Date)]
    pub from: Option<String>,
    /// Up to this day (inclusive), a day in Asia/Jakarta. (Read into the UTC instant the
    /// next day starts at.)
    #[param(format = Date)]
    pub to: Option<String>,
}

impl Store {
    pub async fn audit_list(&self, f: &AuditFilter, paging: Paging) -> Result<Page<AuditEntry>> {
        let mut w = Where::new();
        w.eq("entity", &f.entity);
        w.eq("entity_id", &f.entity_id);
        w.eq("username", &f.username);
        w.eq("action", &f.action);
        if let Some(v) = crate::store::sql::nonempty(&f.from) {
            w.cond("at >= ?", v);
        }
        if let Some(v) = crate::store::sql::nonempty(&f.to) {
            // `at` is fixed-width RFC 3339 UTC text: it sorts as the instants do.
            w.cond("at < ?", v);
        }
        w.page(&self.pool, &entry_cols(), "audit_log", NEWEST_FIRST, paging)
            .await
    }

    /// Distinct entity names, for the filter of the audit page.
    pub async fn audit_entities(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT entity FROM audit_log ORDER BY entity")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

impl Store {
    /// Records an event that changes no row, such as an export of personal data.
    pub async fn audit_event<A: Serialize>(
        &self,
        actor: &Actor,
        action: &str,
        entity: &str,
        entity_id: &str,
        after: &A,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        record::<(), A>(
            &mut conn,
            actor,
            action,
            entity,
            entity_id,
            None,
            Some(after),
        )
        .await
    }
}

/// In the order things happened (the demo replays past years after today's registry
/// entries); entries of one second in the order they were written.
const NEWEST_FIRST: &str = "at DESC, id DESC";

/// The columns of an [`AuditEntry`].
fn entry_cols() -> String {
    format!(
        "id, at, user_id, username, action, entity, entity_id, before_json, after_json, {}",
        full_name_of("user_id")
    )
}

/// The newest `limit` entries about one object, without counting them all.
pub(crate) fn recent(
    entity: &str,
    entity_id: i64,
    limit: i64,
) -> crate::store::batch::Read<AuditEntry> {
    crate::store::batch::Read::new(
        format!(
            "SELECT {} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY {NEWEST_FIRST} LIMIT $3",
            entry_cols()
        ),
        vec![entity.into(), entity_id.to_string().into(), limit.into()],
    )
}

/// The newest `limit` entries of the whole trail, without counting them all.
pub(crate) fn newest(limit: i64) -> crate::store::batch::Read<AuditEntry> {
    crate::store::batch::Read::new(
        format!(
            "SELECT {} FROM audit_log ORDER BY {NEWEST_FIRST} LIMIT $1",
            entry_cols()
        ),
        vec![limit.into()],
    )
}

#[cfg(test)]
mod tests {
    use super::Actor;
    use chrono::TimeZone;

    #[test]
    fn the_day_of_an_action_is_jakartas() {
        let mut a = Actor::cli(&crate::store::Clock::system());
        a.at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 20, 0, 0).unwrap();
        assert_eq!(
            a.today().to_string(),
            "2026-12-02",
            "03:00 WIB is the next day"
        );
        a.at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 1, 16, 59, 0)
            .unwrap();
        assert_eq!(a.today().to_string(), "2026-12-01");
    }
}
