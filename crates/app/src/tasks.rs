//! "Tugas saya": what waits for the caller, by role, each item one click from being
//! done — the head of division's approvals, the operator's verifications, drafts, faulty
//! uploads and duplicates, the pendamping's visits due, the administrator's accounts.
//! Counted within the caller's area; nothing here is decided, only found.
use crate::store::tasks::PendingUpload;
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
    let mut tasks = Vec::new();
    match c.role {
        Role::KepalaBidang => {
            protection(cx, c, &mut tasks).await?;
            proposals(cx, c, &mut tasks, &[("verified", "proposals_to_approve")]).await?;
            benefits(cx, c, &mut tasks).await?;
        }
        Role::Operator => {
            proposals(
                cx,
                c,
                &mut tasks,
                &[
                    ("submitted", "proposals_to_verify"),
                    ("draft", "proposal_drafts"),
                ],
            )
            .await?;
            uploads(cx, c, &mut tasks).await?;
            duplicates(cx, c, &mut tasks).await?;
        }
        Role::Pendamping => {
            visits(cx, c, &mut tasks).await?;
            proposals(cx, c, &mut tasks, &[("draft", "proposal_drafts")]).await?;
        }
        Role::Admin => {
            protection(cx, c, &mut tasks).await?;
            accounts(cx, c, &mut tasks).await?;
        }
        Role::Auditor | Role::Interop => {}
    }
    Ok(tasks)
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

/// Data subjects' requests past their deadline, and breaches whose notifications are
/// past theirs (admin, head of division): the law counts these in hours.
async fn protection(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    let late =
        crate::protection::requests::overdue(cx, c, crate::Paging::new(Some(ITEMS as i64), None))
            .await?;
    if late.total > 0 {
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
    let breaches = crate::protection::incidents::overdue(cx, c).await?;
    if !breaches.is_empty() {
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
    Ok(())
}

/// Proposals of the caller's area in the given states, each state its own task.
async fn proposals(
    cx: &Context,
    c: &Caller,
    tasks: &mut Vec<Task>,
    wanted: &[(&str, &'static str)],
) -> Result<()> {
    let counts = cx.store.tasks_proposals(c.district_scope()).await?;
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
    Ok(())
}

/// Payments recorded and not approved, per programme; not those the caller recorded
/// (they may not approve them) unless the office allows one person both steps.
async fn benefits(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    let own = (!cx.settings.allow_same_person)
        .then_some(c.actor.user_id)
        .flatten();
    let waiting = cx.store.tasks_benefits(c.district_scope(), own).await?;
    let n: i64 = waiting.iter().map(|w| w.n).sum();
    if n > 0 {
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
    Ok(())
}

/// The caller's uploads (kept a day) whose check found faulty rows or an unreadable file.
async fn uploads(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    let Some(user) = c.actor.user_id else {
        return Ok(());
    };
    let faulty: Vec<(PendingUpload, Option<Msg>)> = cx
        .store
        .tasks_uploads(user)
        .await?
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
    if !faulty.is_empty() {
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
    Ok(())
}

/// Pairs the duplicate finder proposes in the caller's area, when it has looked since the
/// registry last changed (looking is seconds of work on a large registry: the home page
/// does not start it; the review page does).
async fn duplicates(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    if !crate::duplicates::may_decide(c.role) {
        return Ok(());
    }
    match crate::duplicates::waiting(cx, c).await? {
        Some(0) => {}
        Some(n) => tasks.push(task(
            "duplicates",
            n as i64,
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
    Ok(())
}

/// The pendamping's own groups whose visit is overdue, then those due this week.
async fn visits(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    let q = crate::visits::queue(cx, c, true, None).await?;
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
    Ok(())
}

/// Accounts locked after repeated wrong passwords, and active accounts nobody uses.
async fn accounts(cx: &Context, c: &Caller, tasks: &mut Vec<Task>) -> Result<()> {
    let clock = cx.clock();
    let window = clock.stamp_in(-chrono::Duration::minutes(
        crate::sessions::FAILURE_WINDOW_MIN,
    ));
    let mut locked = cx
        .store
        .tasks_locked_accounts(&window, crate::sessions::MAX_ATTEMPTS_ACCOUNT_ADDRESS)
        .await?;
    locked.dedup();
    if !locked.is_empty() {
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
    let since = clock.stamp_in(-chrono::Duration::days(UNUSED_DAYS));
    let idle: Vec<_> = cx
        .store
        .tasks_idle_accounts(&since)
        .await?
        .into_iter()
        .filter(|u| Some(u.id) != c.actor.user_id)
        .collect();
    if !idle.is_empty() {
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
    Ok(())
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
