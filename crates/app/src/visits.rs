//! Monitoring visits: recording one for a KUBE in the caller's area, and the health of
//! a group judged from its visits (`domain::health`).
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
pub async fn record(
    cx: &Context,
    c: &Caller,
    kube_id: i64,
    input: &VisitInput,
) -> Result<(Visit, Health)> {
    c.require_write()?;
    let k = crate::scope::kube(cx, c, kube_id).await?;
    if k.stage == Stage::Bubar {
        return Err(Error::Conflict {
            field: "kube".into(),
            msg: Msg::new("visit.dissolved"),
        });
    }
    let v = input.validate(cx.today(), *k.formed_on, k.member_count)?;
    Ok(cx
        .store
        .visit_create(&c.actor, kube_id, &v, &cx.settings.health, cx.today())
        .await?)
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

/// A KUBE in the mentoring queue: when its next visit is due, how late it is, and its
/// risk (falling status, overdue visit, problems found).
pub struct Case {
    pub kube: CaseRow,
    pub due_on: chrono::NaiveDate,
    /// Days past the due date (0 when not overdue).
    pub overdue_days: i64,
    pub risk: i64,
}

/// The mentoring queue: the caller's KUBE, riskiest first; with `caseload` a pendamping
/// sees only the groups assigned to them.
pub async fn queue(cx: &Context, c: &Caller, caseload: bool) -> Result<Vec<Case>> {
    let mine = if caseload && c.role.is_area_scoped() {
        c.actor.user_id
    } else {
        None
    };
    let today = cx.today();
    let mut cases: Vec<Case> = cx
        .store
        .mentoring_cases(c.district_scope(), mine)
        .await?
        .into_iter()
        .map(|k| {
            let due = domain::health::next_visit_due(
                k.last_visit_on.map(|d| *d),
                *k.formed_on,
                cx.settings.visit_interval_days,
            );
            let overdue = (today - due).num_days().max(0);
            Case {
                risk: domain::health::risk_score(k.status, overdue, k.health_reasons as usize),
                kube: k,
                due_on: due,
                overdue_days: overdue,
            }
        })
        .collect();
    cases.sort_by(|a, b| {
        b.risk
            .cmp(&a.risk)
            .then(b.overdue_days.cmp(&a.overdue_days))
            .then(a.kube.id.cmp(&b.kube.id))
    });
    Ok(cases)
}
