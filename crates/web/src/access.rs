//! The access log of personal data on the web (`app::access`): page `/access-log` and
//! `GET /api/v1/access-log`, by person or by account, for the administrator and the
//! auditor. Nothing changes or deletes an entry.
use crate::error::AppResult;
use crate::list::PageQuery;
use crate::page::{html, Ctx, PageAuth};
use crate::session::Authed;
use crate::AppState;
use app::access::{Access, AccessFilter};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new().route("/access-log", get(page))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AccessQuery {
    /// Who has read this person's record (and looked their NIK up).
    pub person_id: Option<i64>,
    /// What this account has read.
    pub user_id: Option<i64>,
    /// Only the last this many days (e.g. 365).
    #[param(minimum = 1, maximum = 36500)]
    pub days: Option<i64>,
}

impl AccessQuery {
    fn filter(&self, state: &AppState) -> Result<AccessFilter, crate::error::AppError> {
        if self.days.is_some_and(|d| !(1..=36500).contains(&d)) {
            let msg = domain::Msg::new("access.days_invalid");
            return Err(app::Error::Invalid(domain::Invalid::field("days", msg)).into());
        }
        Ok(AccessFilter {
            person_id: self.person_id,
            user_id: self.user_id,
            since: self
                .days
                .map(|d| app::ts(state.clock().now() - chrono::Duration::days(d))),
        })
    }
}

/// The access log of personal data, newest first: every read of a person's full record,
/// NIK lookup and export — by person (`person_id`) or by account (`user_id`).
/// Administrator and auditor; append-only.
#[utoipa::path(get, path = "/api/v1/access-log", tag = "audit", params(AccessQuery, PageQuery),
    responses((status = 200, body = crate::schema::ListOf<Access>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<AccessQuery>,
    Query(p): Query<PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<Access>>> {
    let page =
        app::access::list(&state.app(), &s.caller(), &q.filter(&state)?, p.paging()?).await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |a| a)))
}

#[derive(askama::Template)]
#[template(path = "access.html")]
struct AccessPage {
    ctx: Ctx,
    rows: Vec<(Access, String)>,
    total: i64,
    days: i64,
    heading: Option<String>,
    prev: Option<String>,
    next: Option<String>,
}

const ROWS: i64 = 100;

async fn page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<AccessQuery>,
    Query(p): Query<PageQuery>,
) -> AppResult<Response> {
    let offset = p.offset.unwrap_or(0).max(0);
    let page = app::access::list(
        &state.app(),
        &s.caller(),
        &q.filter(&state)?,
        app::Paging::new(Some(ROWS), Some(offset)),
    )
    .await?;
    let heading = match (q.person_id, q.user_id) {
        (Some(id), _) => Some(format!("{} · #{id}", ctx.t("access.of_person"))),
        (_, Some(id)) => Some(format!("{} · #{id}", ctx.t("access.of_user"))),
        _ => None,
    };
    let base = format!(
        "/access-log?{}{}{}",
        q.person_id
            .map(|v| format!("person_id={v}&"))
            .unwrap_or_default(),
        q.user_id
            .map(|v| format!("user_id={v}&"))
            .unwrap_or_default(),
        q.days.map(|v| format!("days={v}&")).unwrap_or_default(),
    );
    let (prev, next) = crate::list::prev_next(&base, offset, ROWS, page.total);
    let rows = page
        .items
        .into_iter()
        .map(|a| {
            let label = ctx.t(&format!("access.action.{}", a.action)).to_string();
            (a, label)
        })
        .collect();
    Ok(html(&AccessPage {
        days: state.settings.access_log_days,
        total: page.total,
        rows,
        heading,
        prev,
        next,
        ctx,
    })?
    .into_response())
}
