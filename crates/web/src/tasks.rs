//! "Tugas saya": the caller's to-do list, on the home page and at `GET /api/v1/tasks`.
use crate::error::AppResult;
use crate::session::{Authed, ReqLang, Session};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::Lang;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_tasks))
}

/// One kind of work waiting for the caller.
#[derive(Serialize, ToSchema, Clone)]
pub struct TaskOut {
    /// `proposals_to_approve`, `benefits_to_approve`, `proposals_to_verify`,
    /// `proposal_drafts`, `uploads_with_errors`, `duplicates`, `visits_overdue`,
    /// `visits_due_soon`, `accounts_locked`, `accounts_unused`.
    pub code: String,
    /// How many; null where not known yet (duplicates not looked for since the last change).
    pub count: Option<i64>,
    /// The page where the work is done.
    pub href: String,
    /// What waits, in the caller's language.
    pub title: String,
    /// The first of them, each with its page.
    pub items: Vec<TaskItemOut>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct TaskItemOut {
    pub label: String,
    pub note: Option<String>,
    pub href: String,
}

/// The caller's to-do list in their language.
pub(crate) async fn tasks(state: &AppState, s: &Session, lang: Lang) -> AppResult<Vec<TaskOut>> {
    Ok(out(
        app::tasks::list(&state.app(), &s.caller()).await?,
        lang,
    ))
}

/// A to-do list in the caller's language.
pub(crate) fn out(tasks: Vec<app::tasks::Task>, lang: Lang) -> Vec<TaskOut> {
    tasks
        .into_iter()
        .map(|t| TaskOut {
            code: t.code.into(),
            count: t.count,
            href: t.href,
            title: t.title.text(lang),
            items: t
                .items
                .into_iter()
                .map(|i| TaskItemOut {
                    label: i.label,
                    note: i.note.map(|m| m.text(lang)),
                    href: i.href,
                })
                .collect(),
        })
        .collect()
}

/// What waits for the caller, by role: approvals for the head of division; verifications,
/// drafts, faulty uploads and duplicates for operators; visits due for a pendamping;
/// locked and unused accounts for an administrator. Empty when nothing waits.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "dashboard", responses((status = 200, body = Vec<TaskOut>)))]
pub(crate) async fn api_tasks(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
) -> AppResult<Json<Vec<TaskOut>>> {
    Ok(Json(tasks(&state, &s, lang).await?))
}
