//! Monitoring visits: recording one for a KUBE in the caller's area, and the health of
//! a group judged from its visits (`domain::health`).
use crate::idempotency::{earlier, Key};
pub use crate::store::visits::Visit;
use crate::{Caller, Context, Error, Result};
use domain::health::Health;
use domain::kube::Stage;
use domain::money::Rupiah;
use domain::visit::VisitInput;
use domain::Msg;
use serde::Deserialize;

/// A KUBE's health as of today, and the visits it was judged from (newest first).
/// Access is decided first: re-assessing may write, and a caller who may not see the
/// KUBE must cause nothing.
pub async fn health(
    cx: &Context,
    c: &Caller,
    kube_id: i64,
) -> Result<(Health, Vec<crate::store::visits::Visit>)> {
    crate::scope::kube(cx, c, kube_id).await?;
    Ok(cx
        .store
        .kube_health(kube_id, &cx.settings.health, cx.today())
        .await?)
}

/// A visit as the API takes it (money in integer rupiah).
#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct VisitIn {
    /// `YYYY-MM-DD`
    #[schema(format = Date)]
    pub visited_on: String,
    pub operating: bool,
    #[serde(default)]
    pub meetings_held: i64,
    #[serde(default)]
    pub members_present: i64,
    #[serde(default)]
    pub books_up_to_date: bool,
    #[serde(default)]
    pub revenue: i64,
    #[serde(default)]
    pub expenses: i64,
    #[serde(default)]
    pub savings_balance: i64,
    #[serde(default)]
    pub asset_count: i64,
    #[serde(default)]
    pub asset_value: i64,
    pub notes: Option<String>,
    pub problems: Option<String>,
    pub actions: Option<String>,
    /// `lat,long`
    pub gps: Option<String>,
}

/// Records a monitoring visit to a KUBE the caller may see; returns the visit and the
/// group's health after it.
/// With a key, a request sent again records nothing more and answers the visit the
/// first one recorded, with the group's health now (`crate::idempotency`).
pub async fn record(
    cx: &Context,
    c: &Caller,
    kube_id: i64,
    input: &VisitInput,
    key: Option<&Key>,
) -> Result<(Visit, Health)> {
    c.require_write()?;
    let once = key.map(|k| k.once("visit", &(kube_id, input)));
    if let Some(id) = earlier(cx, c, once.as_ref()).await? {
        return recorded(cx, c, kube_id, id).await;
    }
    let k = crate::scope::kube(cx, c, kube_id).await?;
    if k.stage == Stage::Bubar {
        return Err(Error::Conflict {
            field: "kube".into(),
            msg: Msg::new("visit.dissolved"),
        });
    }
    let v = input.validate(cx.today(), *k.formed_on, k.member_count)?;
    let made = cx
        .store
        .visit_create(
            &c.actor,
            kube_id,
            &v,
            &cx.settings.health,
            cx.today(),
            once.as_ref(),
        )
        .await;
    match made {
        Ok(m) => Ok(m),
        // The same request, sent twice at once: the other one recorded it.
        Err(e) => match earlier(cx, c, once.as_ref()).await? {
            Some(id) => recorded(cx, c, kube_id, id).await,
            None => Err(e.into()),
        },
    }
}

/// A visit recorded earlier under a key, as its request's answer (the group in the
/// caller's area still).
async fn recorded(cx: &Context, c: &Caller, kube_id: i64, id: i64) -> Result<(Visit, Health)> {
    let (h, _) = health(cx, c, kube_id).await?;
    let v = cx.store.visit_get(id).await?.ok_or(Error::NotFound)?;
    Ok((v, h))
}

/// The visit as the domain checks it.
pub fn input_of(b: &VisitIn) -> VisitInput {
    VisitInput {
        visited_on: b.visited_on.clone(),
        operating: b.operating,
        meetings_held: b.meetings_held,
        members_present: b.members_present,
        books_up_to_date: b.books_up_to_date,
        revenue: Rupiah::new(b.revenue),
        expenses: Rupiah::new(b.expenses),
        savings_balance: Rupiah::new(b.savings_balance),
        asset_count: b.asset_count,
        asset_value: Rupiah::new(b.asset_value),
        problems: b.problems.clone().or(b.notes.clone()),
        actions: b.actions.clone(),
        gps: b.gps.clone(),
    }
}

/// The visits of a KUBE of the caller's area, newest first.
pub async fn list(cx: &Context, c: &Caller, kube_id: i64) -> Result<Vec<Visit>> {
    crate::scope::kube(cx, c, kube_id).await?;
    Ok(cx.store.visit_list(kube_id).await?)
}

pub use crate::store::visits::CaseRow;

/// A KUBE in the mentoring queue: when its next visit is due, how urgent that is, how
/// late, and its risk (falling status, overdue visit, problems found).
pub struct Case {
    pub kube: CaseRow,
    pub due_on: chrono::NaiveDate,
    pub urgency: domain::health::Urgency,
    /// Days past the due date (0 when not overdue).
    pub overdue_days: i64,
    pub risk: i64,
}

impl Case {
    /// No visit recorded yet: the queue says so rather than counting days since forming.
    pub fn never_visited(&self) -> bool {
        self.kube.last_visit_on.is_none()
    }
}

/// The mentoring queue, and the villages it spans (for choosing one).
pub struct Queue {
    pub cases: Vec<Case>,
    /// Village codes of the whole queue, in code order.
    pub villages: Vec<String>,
}

/// The mentoring queue: the caller's KUBE, the most urgent first — overdue, then due
/// within the week, then the rest; within each, riskiest first. With `caseload` a
/// pendamping sees only the groups assigned to them; `village` keeps one village's.
pub async fn queue(
    cx: &Context,
    c: &Caller,
    caseload: bool,
    village: Option<&str>,
) -> Result<Queue> {
    let rows = cx.store.read(queue_read(c, caseload)).await?;
    Ok(queue_of(cx, rows, village))
}

/// What [`queue`] reads: the groups of the caller's area, or of their caseload.
pub(crate) fn queue_read(
    c: &Caller,
    caseload: bool,
) -> crate::store::batch::Read<crate::store::visits::CaseRow> {
    let mine = if caseload && c.role.is_area_scoped() {
        c.actor.user_id
    } else {
        None
    };
    crate::store::visits::mentoring_cases(c.district_scope(), mine)
}

/// The queue of these groups: each with its next visit's date, urgency and risk.
pub(crate) fn queue_of(
    cx: &Context,
    rows: Vec<crate::store::visits::CaseRow>,
    village: Option<&str>,
) -> Queue {
    let today = cx.today();
    let schedule = cx.settings.visits;
    let mut villages: Vec<String> = rows.iter().map(|k| k.village_code.clone()).collect();
    villages.sort();
    villages.dedup();
    let mut cases: Vec<Case> = rows
        .into_iter()
        .filter(|k| village.is_none_or(|v| k.village_code == v))
        .map(|k| {
            let due = schedule.due(k.last_visit_on.map(|d| *d), *k.formed_on);
            let overdue = (today - due).num_days().max(0);
            Case {
                risk: domain::health::risk_score(k.status, overdue, k.health_reasons as usize),
                urgency: domain::health::VisitSchedule::urgency(due, today),
                kube: k,
                due_on: due,
                overdue_days: overdue,
            }
        })
        .collect();
    cases.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then(b.risk.cmp(&a.risk))
            .then(a.due_on.cmp(&b.due_on))
            .then(a.kube.id.cmp(&b.kube.id))
    });
    Queue { cases, villages }
}
