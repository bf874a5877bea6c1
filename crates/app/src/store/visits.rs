//! Monitoring visits and the health they decide. Each visit re-assesses its KUBE in
//! the same transaction; the assessment is kept as history.
use crate::store::batch::Read;
use crate::store::idempotency::{self, Once};
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{audit, Actor, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::health::{assess, Health, Level, Thresholds, VisitFacts};
use domain::kube::{Stage, Status};
use domain::visit::ValidVisit;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, PartialEq, FromRow)]
pub struct Visit {
    pub id: i64,
    pub kube_id: i64,
    pub visited_on: crate::store::Date,
    pub operating: crate::store::Flag,
    pub meetings_held: i64,
    pub members_present: i64,
    pub books_up_to_date: crate::store::Flag,
    pub revenue: i64,
    pub expenses: i64,
    pub savings_balance: i64,
    pub asset_count: i64,
    pub asset_value: i64,
    pub problems: Option<String>,
    pub actions: Option<String>,
    pub gps: Option<String>,
    pub user_id: Option<i64>,
    pub created_at: String,
}

const COLS: &str = "id, kube_id, visited_on, operating, meetings_held, members_present, books_up_to_date, revenue, \
    expenses, savings_balance, asset_count, asset_value, problems, actions, gps, user_id, created_at";

impl Visit {
    pub fn facts(&self) -> VisitFacts {
        VisitFacts {
            visited_on: *self.visited_on,
            operating: *self.operating,
            meetings_held: self.meetings_held,
            members_present: self.members_present,
            books_up_to_date: *self.books_up_to_date,
            revenue: self.revenue,
            expenses: self.expenses,
            savings_balance: self.savings_balance,
            asset_value: self.asset_value,
        }
    }
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct HealthRecord {
    pub assessed_at: String,
    pub assessed_on: Option<crate::store::Date>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub level: Option<crate::store::Code<Level>>,
    pub reasons_json: String,
}

/// A KUBE in a mentoring list: what the queue needs to order it.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub name: String,
    pub registration_number: String,
    pub village_code: String,
    pub district_code: String,
    pub formed_on: crate::store::Date,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub level: Option<crate::store::Code<Level>>,
    pub last_visit_on: Option<crate::store::Date>,
    pub health_reasons: i64,
    pub pendamping_id: Option<i64>,
}

/// A KUBE's visits, newest first.
pub(crate) fn visits_of(kube_id: i64) -> Read<Visit> {
    Read::new(
        format!("SELECT {COLS} FROM visits WHERE kube_id = $1 ORDER BY visited_on DESC, id DESC"),
        vec![kube_id.into()],
    )
}

pub(crate) async fn visits_in(conn: &mut AnyConnection, kube_id: i64) -> Result<Vec<Visit>> {
    visits_of(kube_id).all(conn).await
}

/// A KUBE's fifty newest health assessments.
pub(crate) fn health_history_of(kube_id: i64) -> Read<HealthRecord> {
    Read::new(
        "SELECT assessed_at, assessed_on, status, level, reasons_json FROM kube_health WHERE kube_id = $1 ORDER BY id DESC LIMIT 50",
        vec![kube_id.into()],
    )
}

/// What is stored of a KUBE's health with what it is judged from: stage, members,
/// status, level, last visit, number of reasons.
pub(crate) type HealthRow = (String, i64, String, Option<String>, Option<String>, i64);

pub(crate) fn stored_health_of(kube_id: i64) -> Read<HealthRow> {
    Read::new(
        "SELECT stage, member_count, status, level, last_visit_on, health_reasons FROM kube WHERE id = $1",
        vec![kube_id.into()],
    )
}

/// What is stored of a KUBE's health: status, level, last visit, number of reasons.
type Stored = (String, Option<String>, Option<String>, i64);

/// A KUBE's health as of `today` from its visits, and what is stored of it now.
async fn assess_in(
    conn: &mut AnyConnection,
    kube_id: i64,
    t: &Thresholds,
    today: NaiveDate,
) -> Result<(Health, Stored, Stored, Vec<Visit>)> {
    let row = stored_health_of(kube_id)
        .all(&mut *conn)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    let visits = visits_in(conn, kube_id).await?;
    let (h, stored, now) = assess_stored(row, &visits, t, today)?;
    Ok((h, stored, now, visits))
}

/// A KUBE's health as of `today` from its visits (newest first), and what is stored of
/// it now: the two differ when the health moved since it was stored.
pub(crate) fn assess_stored(
    (stage, member_count, status, level, last_visit, reasons): HealthRow,
    visits: &[Visit],
    t: &Thresholds,
    today: NaiveDate,
) -> Result<(Health, Stored, Stored)> {
    // `visits` are newest first (for pages); the assessment takes them in recording order.
    let facts: Vec<VisitFacts> = visits.iter().rev().map(Visit::facts).collect();
    // The level is the latest stage checklist's (kept on the group), carried through.
    let checklist_level = level
        .as_deref()
        .map(|l| Level::parse(l).map_err(|m| sqlx::Error::Decode(Box::new(m))))
        .transpose()?;
    let h = assess(
        &facts,
        member_count,
        stage == Stage::Bubar.code(),
        checklist_level,
        today,
        t,
    );
    let last = facts
        .iter()
        .map(|f| f.visited_on)
        .max()
        .map(|d| d.to_string());
    let now = (
        h.status.code().to_string(),
        h.level.map(|l| l.code().to_string()),
        last,
        h.reasons.len() as i64,
    );
    Ok((h, (status, level, last_visit, reasons), now))
}

/// Re-assesses a KUBE from its visits; stores the result (and history when it changed).
async fn reassess(
    conn: &mut AnyConnection,
    kube_id: i64,
    t: &Thresholds,
    today: NaiveDate,
    always_record: bool,
    at: &str,
) -> Result<Health> {
    let (h, (status, ..), (_, _, last, _), _) = assess_in(conn, kube_id, t, today).await?;
    sqlx::query("UPDATE kube SET status = $1, level = $2, last_visit_on = $3, health_reasons = $4 WHERE id = $5")
        .bind(h.status.code())
        .bind(h.level.map(|l| l.code()))
        .bind(&last)
        .bind(h.reasons.len() as i64)
        .bind(kube_id)
        .execute(&mut *conn)
        .await?;
    if always_record || status != h.status.code() {
        let reasons: Vec<serde_json::Value> = h
            .reasons
            .iter()
            .map(|m| serde_json::json!({"key": m.key, "args": m.args}))
            .collect();
        sqlx::query(
            "INSERT INTO kube_health (kube_id, assessed_at, assessed_on, status, level, reasons_json) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kube_id)
        .bind(at)
        .bind(h.assessed_on.map(crate::store::Date))
        .bind(h.status.code())
        .bind(h.level.map(|l| l.code()))
        .bind(serde_json::Value::Array(reasons).to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(h)
}

impl Store {
    /// Records a visit and re-assesses the KUBE in one transaction.
    pub async fn visit_create(
        &self,
        actor: &Actor,
        kube_id: i64,
        v: &ValidVisit,
        t: &Thresholds,
        today: NaiveDate,
        once: Option<&Once>,
    ) -> Result<(Visit, Health)> {
        let mut tx = self.tx().await?;
        let f = &v.facts;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO visits (kube_id, visited_on, operating, meetings_held, members_present, books_up_to_date, revenue,
               expenses, savings_balance, asset_count, asset_value, problems, actions, gps, user_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(kube_id)
        .bind(crate::store::Date(f.visited_on))
        .bind(f.operating as i64)
        .bind(f.meetings_held)
        .bind(f.members_present)
        .bind(f.books_up_to_date as i64)
        .bind(f.revenue)
        .bind(f.expenses)
        .bind(f.savings_balance)
        .bind(v.asset_count)
        .bind(f.asset_value)
        .bind(&v.problems)
        .bind(&v.actions)
        .bind(v.gps.map(|(a, b)| format!("{a},{b}")))
        .bind(actor.user_id)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await?;
        let h = reassess(&mut tx, kube_id, t, today, true, &actor.now()).await?;
        let visit: Visit = sqlx::query_as(&format!("SELECT {COLS} FROM visits WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let after = serde_json::json!({"visit": visit, "status": h.status.code(), "level": h.level.map(|l| l.code())});
        audit::record::<(), _>(&mut tx, actor, "visit", "kube", kube_id, None, Some(&after))
            .await?;
        if let (Some(once), Some(user)) = (once, actor.user_id) {
            idempotency::remember(&mut tx, user, once, id, &actor.now()).await?;
        }
        tx.commit().await?;
        Ok((visit, h))
    }

    /// One visit by its id.
    pub async fn visit_get(&self, id: i64) -> Result<Option<Visit>> {
        let mut conn = self.pool.acquire().await?;
        Ok(
            sqlx::query_as(&format!("SELECT {COLS} FROM visits WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    pub async fn visit_list(&self, kube_id: i64) -> Result<Vec<Visit>> {
        let mut conn = self.pool.acquire().await?;
        visits_in(&mut conn, kube_id).await
    }

    /// The health of a KUBE as of today (a last visit can grow too old), and the visits
    /// it was judged from (newest first), which the KUBE page shows too.
    pub async fn kube_health(
        &self,
        kube_id: i64,
        t: &Thresholds,
        today: NaiveDate,
    ) -> Result<(Health, Vec<Visit>)> {
        // Reading is enough unless the health moved since it was stored: a page view
        // must not take SQLite's single write lock. The reading connection goes back to
        // the pool before the write takes one.
        let (h, stored, now, visits) =
            assess_in(&mut *self.pool.acquire().await?, kube_id, t, today).await?;
        if stored == now {
            return Ok((h, visits));
        }
        Ok((self.kube_health_settle(kube_id, t, today).await?, visits))
    }

    /// Stores a KUBE's health judged anew as of `today` (with its history when the
    /// status changed), for a page that found it moved.
    pub async fn kube_health_settle(
        &self,
        kube_id: i64,
        t: &Thresholds,
        today: NaiveDate,
    ) -> Result<Health> {
        let mut tx = self.tx().await?;
        let h = reassess(&mut tx, kube_id, t, today, false, &self.now()).await?;
        tx.commit().await?;
        Ok(h)
    }

    /// Re-assesses every KUBE whose last visit may have grown too old; returns how
    /// many changed status. Run daily.
    pub async fn kube_reassess_all(&self, t: &Thresholds, today: NaiveDate) -> Result<usize> {
        let cutoff = crate::store::Date(today - chrono::Duration::days(t.stale_after_days));
        let ids: Vec<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM kube WHERE status IN {} AND (last_visit_on IS NULL OR last_visit_on < $1)",
            crate::store::sql::codes_in(&Status::ALL, Status::ages, Status::code)
        ))
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?;
        let mut changed = 0;
        for (id,) in ids {
            let mut tx = self.tx().await?;
            let before: (String,) = sqlx::query_as("SELECT status FROM kube WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let h = reassess(&mut tx, id, t, today, false, &self.now()).await?;
            tx.commit().await?;
            if h.status.code() != before.0 {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// KUBE for the mentoring queue: not dissolved, in scope, optionally one
    /// pendamping's caseload.
    /// How many KUBE of the mentoring queue are overdue for a visit as of `today`:
    /// [`domain::health::VisitSchedule::due`] in SQL (a last visit more than the
    /// interval ago, or never visited and formed more than the first visit's days ago),
    /// counted where the data is instead of reading every group.
    pub async fn visit_list_overdue(
        &self,
        scope: Scope<'_>,
        today: NaiveDate,
        schedule: &domain::health::VisitSchedule,
    ) -> Result<i64> {
        let (last_before, formed_before) = schedule.overdue_bounds(today);
        let mut w = Where::new();
        w.raw(&format!("stage <> '{}'", Stage::Bubar.code()));
        w.cond_seq(
            "((last_visit_on IS NOT NULL AND last_visit_on < ?) OR (last_visit_on IS NULL AND formed_on < ?))",
            vec![
                crate::store::Date(last_before).to_string(),
                crate::store::Date(formed_before).to_string(),
            ],
        );
        scope_filter(&mut w, "district_code", scope);
        Ok(w.count(&self.pool, "kube").await?)
    }
}

/// The groups (not dissolved) of a scope, or of one pendamping, for the mentoring queue.
pub(crate) fn mentoring_cases(scope: Scope<'_>, pendamping_id: Option<i64>) -> Read<CaseRow> {
    let mut w = Where::new();
    w.raw(&format!("stage <> '{}'", Stage::Bubar.code()));
    if let Some(p) = pendamping_id {
        w.cond_int("pendamping_id = ?", p);
    }
    scope_filter(&mut w, "district_code", scope);
    w.read(
        "id, name, registration_number, village_code, district_code, formed_on, status, level, \
         last_visit_on, health_reasons, pendamping_id",
        "kube",
        "id",
    )
}
