//! "Tugas saya": what waits for the caller, by role, each item one click from being
//! done — the head of division's approvals, the operator's verifications, drafts, faulty
//! uploads and duplicates, the pendamping's visits due, the administrator's accounts.
//! Counted within the caller's area; nothing here is decided, only found.
use crate::protection::{incidents::Incident, requests::DataRequest};
use crate::store::batch::{Batch, Counted, Rows, Slot};
use crate::store::tasks::{IdleAccount, PendingUpload, WaitingBenefits};
use crate::store::visits::CaseRow;
use crate::store::Paging;
use crate::visits::Case;
use crate::{Caller, Context, Result};
use domain::health::Urgency;
use domain::{Msg, Role};

/// One kind of work waiting.
#[derive(Debug, Clone)]
pub struct Task {
    /// `proposals_to_approve`, `benefits_to_approve`, `proposals_to_verify`,
    /// `proposal_drafts`, `uploads_with_errors`, `duplicates`, `visits_overdue`,
    /// `visits_due_soon`, `accounts_locked`, `accounts_unused`, `data_requests_overdue`,
    /// `incidents_overdue`.
    pub code: &'static str,
    /// How many; `None` where it is not known without a long computation (duplicates
    /// not looked for since the registry changed).
    pub count: Option<i64>,
    /// Where the work is done.
    pub href: String,
    /// What waits, in a sentence with its count.
    pub title: Msg,
    /// The first of them, each with its own link.
    pub items: Vec<TaskItem>,
}

#[derive(Debug, Clone)]
pub struct TaskItem {
    pub label: String,
    pub note: Option<Msg>,
    pub href: String,
}

/// Items shown under a task; the task's link leads to all of them.
const ITEMS: usize = 5;
/// An active account unused this many days is worth a look (leavers keep access otherwise).
pub const UNUSED_DAYS: i64 = 90;

/// The caller's to-do list: kinds of work with something waiting, the most pressing first.
pub async fn list(cx: &Context, c: &Caller) -> Result<Vec<Task>> {
    let mut b = Batch::new(cx.store.backend());
    let plan = plan(c, cx, &mut b)?;
    let mut rows = cx.store.read_batch(b).await?;
    plan.finish(cx, c, &mut rows)
}

/// The reads of a caller's to-do list, placed in a batch (the home page sends them with
/// its own): which ones depends on the role.
#[derive(Default)]
pub(crate) struct Plan {
    requests: Option<Slot<Counted<DataRequest>>>,
    incidents: Option<Slot<Counted<Incident>>>,
    visits: Option<Slot<CaseRow>>,
    proposals: Option<(Slot<(String, i64)>, Wanted)>,
    benefits: Option<Slot<WaitingBenefits>>,
    uploads: Option<Slot<PendingUpload>>,
    duplicates: Option<Slot<(i64, i64)>>,
    locked: Option<Slot<(i64, String)>>,
    idle: Option<Slot<IdleAccount>>,
}

/// Proposal states a role acts on, each with its task's code.
type Wanted = &'static [(&'static str, &'static str)];

/// Data subjects' requests and breaches past their deadlines: the first of them shown.
fn protection_page() -> Paging {
    Paging::new(Some(ITEMS as i64), None)
}

/// Places the reads of the caller's to-do list in `b`.
pub(crate) fn plan(c: &Caller, cx: &Context, b: &mut Batch) -> Result<Plan> {
    let mut p = Plan::default();
    let scope = c.district_scope();
    // Data subjects' requests past their deadline, and breaches whose notifications are
    // past theirs (admin, head of division): the law counts these in hours.
    if matches!(c.role, Role::KepalaBidang | Role::Admin) {
        p.requests = Some(b.add(crate::protection::requests::overdue_read(
            c,
            protection_page(),
        )?)?);
        p.incidents = Some(b.add(crate::protection::incidents::overdue_read(c)?)?);
    }
    let wanted: Wanted = match c.role {
        Role::KepalaBidang => &[("verified", "proposals_to_approve")],
        Role::Operator => &[
            ("submitted", "proposals_to_verify"),
            ("draft", "proposal_drafts"),
        ],
        Role::Pendamping => &[("draft", "proposal_drafts")],
        _ => &[],
    };
    if !wanted.is_empty() {
        p.proposals = Some((b.add(crate::store::tasks::proposals(scope))?, wanted));
    }
    match c.role {
        Role::KepalaBidang => {
            // Not the payments the caller recorded (they may not approve them) unless
            // the office allows one person both steps.
            let own = (!cx.settings.allow_same_person)
                .then_some(c.actor.user_id)
                .flatten();
            p.benefits = Some(b.add(crate::store::tasks::benefits(scope, own))?);
        }
        Role::Operator => {
            if let Some(user) = c.actor.user_id {
                p.uploads = Some(b.add(crate::store::tasks::uploads(user))?);
            }
            if crate::duplicates::may_decide(c.role) {
                p.duplicates = Some(b.add(crate::store::duplicates::pairs_waiting(scope))?);
            }
        }
        Role::Pendamping => p.visits = Some(b.add(crate::visits::queue_read(c, true))?),
        Role::Admin => {
            let clock = cx.clock();
            let window = clock.stamp_in(-chrono::Duration::minutes(
                crate::sessions::FAILURE_WINDOW_MIN,
            ));
            p.locked = Some(b.add(crate::store::tasks::locked_accounts(
                &window,
                crate::sessions::MAX_ATTEMPTS_ACCOUNT_ADDRESS,
            ))?);
            let since = clock.stamp_in(-chrono::Duration::days(UNUSED_DAYS));
            p.idle = Some(b.add(crate::store::tasks::idle_accounts(&since))?);
        }
        Role::Auditor | Role::Interop => {}
    }
    Ok(p)
}

impl Plan {
    /// The to-do list from the batch's rows, the most pressing first.
    pub(crate) fn finish(self, cx: &Context, c: &Caller, rows: &mut Rows) -> Result<Vec<Task>> {
        let mut tasks = Vec::new();
        if let Some(s) = self.requests {
            let late = crate::protection::requests::overdue_of(c, rows.all(s)?, protection_page());
            requests(c, late, &mut tasks);
        }
        if let Some(s) = self.incidents {
            incidents(
                crate::protection::incidents::overdue_of(c, rows.all(s)?),
                &mut tasks,
            );
        }
        if let Some(s) = self.visits {
            visits(
                cx,
                crate::visits::queue_of(cx, rows.all(s)?, None),
                &mut tasks,
            );
        }
        if let Some((s, wanted)) = self.proposals {
            proposals(rows.all(s)?, wanted, &mut tasks);
        }
        if let Some(s) = self.benefits {
            benefits(rows.all(s)?, &mut tasks);
        }
        if let Some(s) = self.uploads {
            uploads(rows.all(s)?, &mut tasks);
        }
        if let Some(s) = self.duplicates {
            let waiting = rows
                .optional(s)?
                .and_then(crate::store::duplicates::waiting_of);
            duplicates(waiting, &mut tasks);
        }
        if let Some(s) = self.locked {
            locked(rows.all(s)?, &mut tasks);
        }
        if let Some(s) = self.idle {
            idle(c, rows.all(s)?, &mut tasks);
        }
        Ok(tasks)
    }
}

fn task(code: &'static str, count: i64, href: String, items: Vec<TaskItem>) -> Task {
    Task {
        code,
        count: Some(count),
        href,
        // Every code has its sentence, `tasks.<code>`, in the catalogue (checked by the tests).
        title: Msg::new(domain::i18n::key(&format!("tasks.{code}")).unwrap_or("tasks.title"))
            .arg(count),
        items,
    }
}

/// Data subjects' requests past their deadline.
fn requests(c: &Caller, late: crate::Page<DataRequest>, tasks: &mut Vec<Task>) {
    if late.total == 0 {
        return;
    }
    let items = late
        .items
        .iter()
        .map(|r| TaskItem {
            label: format!(
                "#{} · {}",
                r.id,
                c.lang.t(&format!("protection.request.{}", r.kind))
            ),
            note: Some(Msg::new("tasks.item_due").arg(crate::local_time(&r.due_at))),
            href: format!("/data-requests/{}", r.id),
        })
        .collect();
    tasks.push(task(
        "data_requests_overdue",
        late.total,
        "/data-requests?overdue=1".into(),
        items,
    ));
}

/// Breaches whose notifications are past due.
fn incidents(breaches: Vec<Incident>, tasks: &mut Vec<Task>) {
    if breaches.is_empty() {
        return;
    }
    let items = breaches
        .iter()
        .take(ITEMS)
        .map(|i| TaskItem {
            label: i.title.clone(),
            note: Some(Msg::new("tasks.item_due").arg(crate::local_time(
                &crate::protection::incidents::notice_due(i),
            ))),
            href: format!("/incidents/{}", i.id),
        })
        .collect();
    tasks.push(task(
        "incidents_overdue",
        breaches.len() as i64,
        "/incidents".into(),
        items,
    ));
}

/// Proposals of the caller's area in the given states, each state its own task.
fn proposals(counts: Vec<(String, i64)>, wanted: &[(&str, &'static str)], tasks: &mut Vec<Task>) {
    for (state, code) in wanted {
        let n = counts
            .iter()
            .find(|(s, _)| s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        if n > 0 {
            tasks.push(task(
                code,
                n,
                format!("/proposals?state={state}"),
                Vec::new(),
            ));
        }
    }
}

/// Payments recorded and not approved, per programme.
fn benefits(waiting: Vec<WaitingBenefits>, tasks: &mut Vec<Task>) {
    let n: i64 = waiting.iter().map(|w| w.n).sum();
    if n == 0 {
        return;
    }
    let items = waiting
        .iter()
        .take(ITEMS)
        .map(|w| TaskItem {
            label: w.programme_name.clone(),
            note: Some(Msg::new("tasks.item_payments").arg(w.n)),
            href: format!("/programmes/{}#benefits", w.programme_id),
        })
        .collect();
    let href = match waiting.as_slice() {
        [one] => format!("/programmes/{}#benefits", one.programme_id),
        _ => "/programmes".into(),
    };
    tasks.push(task("benefits_to_approve", n, href, items));
}

/// The caller's uploads (kept a day) whose check found faulty rows or an unreadable file.
fn uploads(pending: Vec<PendingUpload>, tasks: &mut Vec<Task>) {
    let faulty: Vec<(PendingUpload, Option<Msg>)> = pending
        .into_iter()
        .filter_map(|u| {
            let check: crate::import::Check =
                serde_json::from_str(u.result_json.as_deref()?).ok()?;
            let note = if !check.file_error.is_empty() {
                Msg::new("tasks.item_file_error")
            } else if check.rejected_rows > 0 {
                Msg::new("tasks.item_rows").arg(check.rejected_rows)
            } else {
                return None;
            };
            Some((u, Some(note)))
        })
        .collect();
    if faulty.is_empty() {
        return;
    }
    let items = faulty
        .iter()
        .take(ITEMS)
        .map(|(u, note)| TaskItem {
            label: u.filename.clone(),
            note: note.clone(),
            href: format!("/import/{}", u.id),
        })
        .collect();
    tasks.push(task(
        "uploads_with_errors",
        faulty.len() as i64,
        "/import".into(),
        items,
    ));
}

/// Pairs the duplicate finder proposes in the caller's area, when it has looked (`None`:
/// never yet; looking is the background job's work, not the home page's).
fn duplicates(waiting: Option<i64>, tasks: &mut Vec<Task>) {
    match waiting {
        Some(0) => {}
        Some(n) => tasks.push(task(
            "duplicates",
            n,
            "/persons/duplicates".into(),
            Vec::new(),
        )),
        None => tasks.push(Task {
            code: "duplicates",
            count: None,
            href: "/persons/duplicates".into(),
            title: Msg::new("tasks.duplicates_unchecked"),
            items: Vec::new(),
        }),
    }
}

/// The pendamping's own groups whose visit is overdue, then those due this week.
fn visits(cx: &Context, q: crate::visits::Queue, tasks: &mut Vec<Task>) {
    for (urgency, code) in [
        (Urgency::Overdue, "visits_overdue"),
        (Urgency::DueSoon, "visits_due_soon"),
    ] {
        let cases: Vec<&Case> = q.cases.iter().filter(|k| k.urgency == urgency).collect();
        if cases.is_empty() {
            continue;
        }
        let items = cases
            .iter()
            .take(ITEMS)
            .map(|k| TaskItem {
                label: format!("{} — {}", k.kube.name, cx.areas.name(&k.kube.village_code)),
                note: Some(if k.never_visited() {
                    Msg::new("mentoring.never")
                } else if k.overdue_days > 0 {
                    Msg::new("mentoring.overdue").arg(k.overdue_days)
                } else {
                    Msg::new("tasks.item_due").arg(k.due_on.format("%d-%m-%Y"))
                }),
                href: format!("/kube/{}/visits/new", k.kube.id),
            })
            .collect();
        tasks.push(task(code, cases.len() as i64, "/mentoring".into(), items));
    }
}

/// Accounts locked after repeated wrong passwords.
fn locked(mut locked: Vec<(i64, String)>, tasks: &mut Vec<Task>) {
    locked.dedup();
    if locked.is_empty() {
        return;
    }
    let items = locked
        .iter()
        .take(ITEMS)
        .map(|(id, name)| TaskItem {
            label: name.clone(),
            note: None,
            href: format!("/users/{id}"),
        })
        .collect();
    tasks.push(task(
        "accounts_locked",
        locked.len() as i64,
        "/users".into(),
        items,
    ));
}

/// Active accounts nobody uses (the caller's own aside).
fn idle(c: &Caller, idle: Vec<IdleAccount>, tasks: &mut Vec<Task>) {
    let idle: Vec<_> = idle
        .into_iter()
        .filter(|u| Some(u.id) != c.actor.user_id)
        .collect();
    if idle.is_empty() {
        return;
    }
    let items = idle
        .iter()
        .take(ITEMS)
        .map(|u| TaskItem {
            label: u.username.clone(),
            note: Some(match &u.last_login_at {
                None => Msg::new("tasks.item_never_logged_in"),
                Some(at) => Msg::new("tasks.item_last_login").arg(crate::local_time(at)),
            }),
            href: format!("/users/{}", u.id),
        })
        .collect();
    let mut t = task("accounts_unused", idle.len() as i64, "/users".into(), items);
    t.title = t.title.arg(UNUSED_DAYS);
    tasks.push(t);
}

#[cfg(test)]
mod tests {
    /// Every kind of task has its sentence in both languages.
    #[test]
    fn every_task_has_its_title() {
        for code in [
            "proposals_to_approve",
            "benefits_to_approve",
            "proposals_to_verify",
            "proposal_drafts",
            "uploads_with_errors",
            "duplicates",
            "visits_overdue",
            "visits_due_soon",
            "accounts_locked",
            "accounts_unused",
        ] {
            assert!(
                domain::i18n::key(&format!("tasks.{code}")).is_some(),
                "{code}"
            );
        }
    }
}
