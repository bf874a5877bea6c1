//! The office's duties as controller of personal data on the web (`app::protection`):
//! the page `/protection` (the person's copy, and where each register stands), the
//! request register, consent on the person's page, retention, the breach register.
use crate::error::AppResult;
use crate::page::{html, Ctx, PageAuth};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::Role;

mod consents;
mod copy;
mod incidents;
mod requests;
mod retention;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/protection", get(page))
        .merge(copy::routes())
        .merge(requests::routes())
        .merge(consents::routes())
        .merge(retention::routes())
        .merge(incidents::routes())
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    let r = copy::api_routes(r);
    let r = requests::api_routes(r);
    let r = consents::api_routes(r);
    let r = retention::api_routes(r);
    incidents::api_routes(r)
}

#[derive(askama::Template)]
#[template(path = "protection.html")]
struct HubPage {
    ctx: Ctx,
    /// Produces the person's copy (handles identity documents).
    officer: bool,
    open_requests: i64,
    overdue_requests: i64,
    incidents: i64,
    incidents_overdue: usize,
    /// Persons and photos due under retention (administrator, auditor).
    due: Option<(i64, i64)>,
    nik: String,
    error: String,
}

/// Where the office's duties stand, and the copy's form.
async fn page(State(state): State<AppState>, PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    hub(
        &state,
        &s,
        ctx,
        String::new(),
        String::new(),
        axum::http::StatusCode::OK,
    )
    .await
}

async fn hub(
    state: &AppState,
    s: &crate::session::Session,
    ctx: Ctx,
    nik: String,
    error: String,
    status: axum::http::StatusCode,
) -> AppResult<Response> {
    let cx = state.app();
    let c = s.caller();
    let one = app::Paging::new(Some(1), None);
    let open = app::protection::requests::list(
        &cx,
        &c,
        &app::protection::requests::RequestFilter {
            status: Some("open".into()),
            ..Default::default()
        },
        one,
    )
    .await?;
    let overdue = app::protection::requests::overdue(&cx, &c, one).await?;
    let incidents = app::protection::incidents::list(&cx, &c, one).await?;
    let incidents_overdue = app::protection::incidents::overdue(&cx, &c).await?.len();
    let due = if matches!(s.role(), Role::Admin | Role::Auditor) {
        Some((
            app::protection::retention::due_persons(&cx, &c, one)
                .await?
                .total,
            app::protection::retention::due_photos(&cx, &c, one)
                .await?
                .total,
        ))
    } else {
        None
    };
    let page = HubPage {
        officer: s.role().sees_full_identity(),
        open_requests: open.total,
        overdue_requests: overdue.total,
        incidents: incidents.total,
        incidents_overdue,
        due,
        nik,
        error,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}
