//! The facilitator's monthly report (laporan bulanan pendamping), read from the visits:
//! each group of their caseload — visited or not in the month, its status at the month's
//! start and end, its level at the end, the month's figures, problems found and actions
//! agreed — and the plan for the next month they write themselves. A facilitator reads
//! their own; the head of division, the administrator and the auditor read anyone's, and a
//! summary of all facilitators for the month (visits made against visits due).
use crate::store::monthly::GroupRow;
use crate::store::visits::Visit;
use crate::{Caller, Context, Error, Result};
use chrono::NaiveDate;
use domain::dates::Month;
use domain::health::Level;
use domain::kube::Status;
use domain::{Msg, Role};

/// A group's month.
pub struct GroupMonth {
    pub kube: GroupRow,
    /// The month's visits, in date order.
    pub visits: Vec<Visit>,
    /// The status as assessed before the month began, and at its end.
    pub status_start: Option<Status>,
    pub status_end: Option<Status>,
    /// The latest stage checklist's level at the month's end (None: not assessed, or
    /// below Tumbuh).
    pub level_end: Option<Level>,
    /// When its next visit was due as the month began: within the month (or before), the
    /// month owed it a visit.
    pub due_on: NaiveDate,
}

impl GroupMonth {
    pub fn visited(&self) -> bool {
        !self.visits.is_empty()
    }
    /// The month's last visit: its figures stand for the month.
    pub fn last(&self) -> Option<&Visit> {
        self.visits.last()
    }
}

pub struct Report {
    pub month: Month,
    /// The facilitator: (id, user name, full name).
    pub facilitator: (i64, String, Option<String>),
    pub groups: Vec<GroupMonth>,
    pub plan: Option<String>,
}

impl Report {
    pub fn name(&self) -> &str {
        self.facilitator.2.as_deref().unwrap_or(&self.facilitator.1)
    }
    pub fn visited(&self) -> usize {
        self.groups.iter().filter(|g| g.visited()).count()
    }
    /// Groups whose visit fell due by the month's end.
    pub fn due(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| g.due_on <= self.month.last())
            .count()
    }
    /// Visits made in the month (to the facilitator's groups).
    pub fn visits(&self) -> usize {
        self.groups.iter().map(|g| g.visits.len()).sum()
    }
}

/// Who reads every facilitator's report.
fn reads_all(r: Role) -> bool {
    matches!(r, Role::Admin | Role::KepalaBidang | Role::Auditor)
}

/// The facilitator `user_id`'s report for `month` (the caller's own when none is named: a
/// facilitator's). A facilitator reads only their own — another's reads as not found.
pub async fn report(
    cx: &Context,
    c: &Caller,
    user_id: Option<i64>,
    month: Month,
) -> Result<Report> {
    c.require(|r| reads_all(r) || r == Role::Pendamping)?;
    let own = c.actor.user_id;
    let target = match (user_id, c.role) {
        (Some(u), Role::Pendamping) if Some(u) != own => return Err(Error::NotFound),
        (Some(u), _) => u,
        (None, Role::Pendamping) => own.ok_or(Error::NotFound)?,
        // An office account has no caseload of its own: no report of its own.
        (None, _) => return Err(Error::NotFound),
    };
    let facilitator = cx
        .store
        .monthly_facilitators()
        .await?
        .into_iter()
        .find(|f| f.0 == target)
        .ok_or(Error::NotFound)?;
    month_of(cx, facilitator, month).await
}

/// A facilitator's month, read from their groups' visits, assessments and checklists.
async fn month_of(
    cx: &Context,
    facilitator: crate::store::monthly::Facilitator,
    month: Month,
) -> Result<Report> {
    let target = facilitator.0;
    let schedule = cx.settings.visits;
    let mut groups = Vec::new();
    for kube in cx.store.monthly_groups(target, month.last().into()).await? {
        let all = cx.store.visit_list(kube.id).await?; // newest first
        let before = all.iter().find(|v| *v.visited_on < month.first());
        let due_on = schedule.due(before.map(|v| *v.visited_on), *kube.formed_on);
        let mut visits: Vec<Visit> = all
            .iter()
            .filter(|v| month.contains(*v.visited_on))
            .cloned()
            .collect();
        visits.reverse();
        let health = cx.store.monthly_health(kube.id).await?; // newest first
        let status_at = |pred: &dyn Fn(NaiveDate) -> bool| {
            health
                .iter()
                .find(|h| h.assessed_on.is_some_and(|d| pred(*d)))
                .map(|h| h.status)
        };
        let status_start = status_at(&|d| d < month.first());
        let status_end = status_at(&|d| d <= month.last());
        let level_end = cx
            .store
            .checklists(kube.id)
            .await?
            .into_iter()
            .filter(|k| *k.assessed_on <= month.last())
            .max_by_key(|k| (*k.assessed_on, k.id))
            .and_then(|k| k.level.map(|l| l.0));
        groups.push(GroupMonth {
            kube,
            visits,
            status_start,
            status_end,
            level_end,
            due_on,
        });
    }
    let plan = cx.store.monthly_plan(target, &month.to_string()).await?;
    Ok(Report {
        month,
        facilitator,
        groups,
        plan,
    })
}

/// Every active facilitator's month, for those who read all.
pub async fn summary(cx: &Context, c: &Caller, month: Month) -> Result<Vec<Report>> {
    c.require(reads_all)?;
    let mut out = Vec::new();
    for f in cx.store.monthly_facilitators().await? {
        out.push(month_of(cx, f, month).await?);
    }
    Ok(out)
}

/// The active facilitators (id, user name, full name), to choose one (those who read all).
pub async fn facilitators(
    cx: &Context,
    c: &Caller,
) -> Result<Vec<crate::store::monthly::Facilitator>> {
    c.require(reads_all)?;
    Ok(cx.store.monthly_facilitators().await?)
}

/// The longest plan kept.
const PLAN_MAX: usize = 4000;

/// The facilitator writes the plan for the month after `month` on `month`'s report.
pub async fn save_plan(cx: &Context, c: &Caller, month: Month, plan: &str) -> Result<()> {
    c.require(|r| r == Role::Pendamping)?;
    let own = c.actor.user_id.ok_or(Error::Forbidden)?;
    if plan.chars().count() > PLAN_MAX {
        return Err(Error::invalid(
            "plan",
            Msg::new("common.too_long").arg(PLAN_MAX),
        ));
    }
    Ok(cx
        .store
        .monthly_plan_save(&c.actor, own, &month.to_string(), plan.trim())
        .await?)
}
