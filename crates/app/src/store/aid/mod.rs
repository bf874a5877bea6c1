//! Programmes with budget and quota, the goods catalogue, proposals of KUBE through
//! their states to delivery (with the group's asset register), and enrolments of
//! persons in individual programmes with the benefits they receive.
//!
//! Money is committed when a proposal is approved. The check and the state change
//! happen in one transaction that holds the programme's row (PostgreSQL `FOR UPDATE`;
//! SQLite's write lock), so two approvals at once cannot overspend.
use crate::store::backend::Backend;
use crate::store::error::unique_as_conflict;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::Where;
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::aid::{check_budget, check_quota, Action, ProposalState};
use domain::aid::{BenefitKind, Target};
use domain::kube::FundingSource;
use domain::money::Rupiah;
use domain::Msg;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

mod items;

mod proposals;

mod benefits;
pub use benefits::Benefit;

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub funding_source: FundingSource,
    #[sqlx(try_from = "String")]
    pub target: Target,
    pub budget: Option<i64>,
    pub quota: Option<i64>,
    pub package_value: Option<i64>,
    pub eligibility_json: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const PCOLS: &str = "id, name, year, funding_source, target, budget, quota, package_value, eligibility_json, created_at, updated_at";

/// A programme's money and quota, live.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub committed: i64,
    pub delivered: i64,
    pub remaining: Option<i64>,
    pub quota_used: i64,
}

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub name: String,
    pub year: i64,
    pub funding_source: FundingSource,
    pub target: Target,
    pub budget: Option<i64>,
    pub quota: Option<i64>,
    pub package_value: Option<i64>,
    pub eligibility_json: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Proposal {
    pub id: i64,
    pub kube_id: i64,
    pub programme_id: i64,
    #[sqlx(try_from = "String")]
    pub state: ProposalState,
    pub total: i64,
    pub delivered_total: i64,
    pub justification: String,
    pub reason: Option<String>,
    pub delivered_on: Option<crate::store::Date>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    pub bast_number: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const RCOLS: &str = "id, kube_id, programme_id, state, total, delivered_total, justification, reason, delivered_on, \
    receiver, place, bast_number, created_at, updated_at";

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProposalItem {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub delivered_quantity: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProposalEvent {
    #[sqlx(try_from = "String")]
    pub action: Action,
    #[sqlx(try_from = "String")]
    pub from_state: ProposalState,
    #[sqlx(try_from = "String")]
    pub to_state: ProposalState,
    pub user_id: Option<i64>,
    pub username: String,
    pub note: Option<String>,
    pub at: String,
    /// The same person took the step it checks (allowed by the office's option).
    pub same_person: crate::store::Flag,
    /// The account's full name now, if it has one.
    pub full_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalDetail {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub items: Vec<ProposalItem>,
    pub events: Vec<ProposalEvent>,
}

/// The same item listed twice counts once, with the quantities added.
fn merge_items(items: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &(item, qty) in items {
        match out.iter_mut().find(|(i, _)| *i == item) {
            Some(e) => e.1 = e.1.saturating_add(qty),
            None => out.push((item, qty)),
        }
    }
    out
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Asset {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub acquired_on: crate::store::Date,
    pub proposal_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Enrolment {
    pub id: i64,
    pub programme_id: i64,
    pub person_id: i64,
    pub name: String,
    pub enrolled_on: crate::store::Date,
}

/// The proposals list's filters, read straight from its query string.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalFilter {
    pub state: Option<String>,
    pub programme_id: Option<i64>,
    pub kube_id: Option<i64>,
    /// `created_at`, `total`, `kube`, `state` (`-` before: descending); newest first by default.
    pub sort: Option<String>,
}

/// How the proposals list sorts.
pub const PROPOSAL_SORTS: crate::store::sql::Sorts = crate::store::sql::Sorts {
    columns: &[
        ("created_at", "p.id"),
        ("total", "p.total"),
        ("kube", "k.name_lower"),
        ("state", "p.state"),
    ],
    tie: "p.id",
    default: "p.id DESC",
};

/// A proposal of a list, with the names its row shows.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProposalListed {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub proposal: Proposal,
    pub kube_name: String,
    pub registration_number: String,
    pub district_code: String,
    pub programme_name: String,
}

async fn programme_in(
    conn: &mut AnyConnection,
    id: i64,
    lock: Option<Backend>,
) -> Result<Programme> {
    let suffix = if lock == Some(Backend::Postgres) {
        " FOR UPDATE"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "SELECT {PCOLS} FROM programmes WHERE id = $1{suffix}"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// `('approved', 'delivered', 'closed')`: the proposal states whose money is committed,
/// as the domain decides them.
pub(crate) fn committing_states() -> String {
    crate::store::sql::codes_in(
        &ProposalState::ALL,
        ProposalState::commits_budget,
        ProposalState::code,
    )
}

/// `('delivered', 'closed')`: the states in which the goods have been handed over.
pub(crate) fn delivered_states() -> String {
    crate::store::sql::codes_in(
        &ProposalState::ALL,
        ProposalState::delivered,
        ProposalState::code,
    )
}

async fn figures_in(conn: &mut AnyConnection, p: &Programme) -> Result<Figures> {
    let (committed, delivered, proposals): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT), CAST(COALESCE(SUM(delivered_total), 0) AS BIGINT),
                CAST(COUNT(*) AS BIGINT)
         FROM proposals WHERE programme_id = $1 AND state IN {}",
        committing_states()
    ))
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await?;
    // A benefit holds budget from when it is recorded; it is paid once approved.
    let (benefits, paid, enrolled): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(b.amount) FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                                WHERE e.programme_id = $1), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(b.amount) FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                                WHERE e.programme_id = $1 AND b.approved_at IS NOT NULL), 0) AS BIGINT),
                CAST((SELECT COUNT(*) FROM enrolments WHERE programme_id = $1) AS BIGINT)",
    )
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await?;
    let individual = p.target == Target::Individual;
    let committed = committed + benefits;
    Ok(Figures {
        committed,
        delivered: delivered + paid,
        remaining: p.budget.map(|b| b - committed),
        quota_used: if individual { enrolled } else { proposals },
    })
}

async fn proposal_in(
    conn: &mut AnyConnection,
    id: i64,
    lock: Option<Backend>,
) -> Result<ProposalDetail> {
    let suffix = if lock == Some(Backend::Postgres) {
        " FOR UPDATE"
    } else {
        ""
    };
    let proposal: Proposal = sqlx::query_as(&format!(
        "SELECT {RCOLS} FROM proposals WHERE id = $1{suffix}"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let items = sqlx::query_as(
        "SELECT pi.item_id, i.name, i.unit, pi.quantity, pi.unit_price, pi.delivered_quantity
         FROM proposal_items pi JOIN items i ON i.id = pi.item_id WHERE pi.proposal_id = $1 ORDER BY i.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as(
        &format!("SELECT action, from_state, to_state, user_id, username, note, at, same_person, {} FROM proposal_events WHERE proposal_id = $1 ORDER BY id", crate::store::audit::full_name_of("user_id")),
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ProposalDetail {
        proposal,
        items,
        events,
    })
}

impl Store {
    pub async fn programme_create(&self, actor: &Actor, p: &NewProgramme) -> Result<Programme> {
        let mut tx = self.tx().await?;
        let now = actor.now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO programmes (name, year, funding_source, target, budget, quota, package_value, eligibility_json, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(&p.name)
        .bind(p.year)
        .bind(p.funding_source.code())
        .bind(p.target.code())
        .bind(p.budget)
        .bind(p.quota)
        .bind(p.package_value)
        .bind(&p.eligibility_json)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let created = programme_in(&mut tx, id, None).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "create",
            "programme",
            id,
            None,
            Some(&created),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn programme_get(&self, id: i64) -> Result<(Programme, Figures)> {
        let mut conn = self.pool.acquire().await?;
        let p = programme_in(&mut conn, id, None).await?;
        let f = figures_in(&mut conn, &p).await?;
        Ok((p, f))
    }

    pub async fn programme_list(&self, year: Option<i64>) -> Result<Vec<(Programme, Figures)>> {
        let mut w = Where::new();
        if let Some(y) = year {
            w.cond_int("year = ?", y);
        }
        let sql = format!(
            "SELECT {PCOLS} FROM programmes {} ORDER BY year DESC, name",
            w.sql()
        );
        let ps: Vec<Programme> = sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?;
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for p in ps {
            let f = figures_in(&mut conn, &p).await?;
            out.push((p, f));
        }
        Ok(out)
    }

    /// How a programme's money moved: `(when, committed, delivered)` — a proposal's amount
    /// at the time it was approved and its delivered value on the day of delivery; an
    /// individual benefit is both on the day it was given. `when` is an RFC 3339 time or a
    /// date.
    pub async fn programme_flows(&self, p: &Programme) -> Result<Vec<(String, i64, i64)>> {
        let mut conn = self.pool.acquire().await?;
        if p.target == Target::Individual {
            // Recorded, a benefit holds budget; approved, it is paid — as the figures
            // count them, so the months add up to the cards.
            let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                "SELECT b.given_on, b.amount,
                        CAST(CASE WHEN b.approved_at IS NULL THEN 0 ELSE b.amount END AS BIGINT)
                 FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                 WHERE e.programme_id = $1",
            )
            .bind(p.id)
            .fetch_all(&mut *conn)
            .await?;
            return Ok(rows);
        }
        let states = committing_states();
        let approved: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT e.at, p.total FROM proposals p JOIN proposal_events e ON e.proposal_id = p.id
             WHERE p.programme_id = $1 AND e.action = '{approve}' AND p.state IN {states}",
            approve = domain::aid::Action::Approve.code()
        ))
        .bind(p.id)
        .fetch_all(&mut *conn)
        .await?;
        let delivered: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT delivered_on, delivered_total FROM proposals
             WHERE programme_id = $1 AND delivered_on IS NOT NULL AND state IN {states}"
        ))
        .bind(p.id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(approved
            .into_iter()
            .map(|(t, v)| (t, v, 0))
            .chain(delivered.into_iter().map(|(d, v)| (d, 0, v)))
            .collect())
    }
}

impl From<Msg> for StoreError {
    fn from(m: Msg) -> Self {
        StoreError::conflict("state", m)
    }
}

/// A KUBE's asset register.
pub(crate) fn assets_of(kube_id: i64) -> crate::store::batch::Read<Asset> {
    crate::store::batch::Read::new(
        "SELECT a.item_id, i.name, i.unit, a.quantity, a.unit_price, a.acquired_on, a.proposal_id
         FROM kube_assets a JOIN items i ON i.id = a.item_id WHERE a.kube_id = $1 ORDER BY a.id",
        vec![kube_id.into()],
    )
}

pub(crate) async fn assets_in(conn: &mut AnyConnection, kube_id: i64) -> Result<Vec<Asset>> {
    assets_of(kube_id).all(conn).await
}
