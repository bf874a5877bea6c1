//! The register of data subjects' requests: list (open ones by due date, overdue marked),
//! registering one, closing it with its outcome; lifting a person's restriction.
use crate::error::AppResult;
use crate::list::PageQuery;
use crate::page::{html, Ctx, FormErrors, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::protection::requests::{DataRequest, RequestFilter};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::protection::RequestKind;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/data-requests", get(list_page).post(create_form))
        .route("/data-requests/{id}", get(detail_page))
        .route("/data-requests/{id}/close", post(close_form))
        .route("/persons/{id}/restriction/lift", post(lift_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_close))
        .routes(routes!(api_lift))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RequestQuery {
    /// `open`, `done`, `refused`
    #[param(pattern = "^(open|done|refused)$")]
    pub status: Option<String>,
    /// Only open requests past their due date.
    pub overdue: Option<bool>,
    /// The requests about this person.
    pub person_id: Option<i64>,
}

impl RequestQuery {
    fn filter(&self, s: &Session) -> RequestFilter {
        RequestFilter {
            status: self.status.clone().filter(|v| !v.is_empty()),
            person_id: self.person_id,
            overdue_at: self
                .overdue
                .unwrap_or(false)
                .then(|| s.caller().actor.now()),
        }
    }
}

/// A request as entered.
#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct RequestIn {
    /// The registered person it is about (none: the requester is not registered).
    pub person_id: Option<i64>,
    /// `access`, `correction`, `restriction`, `erasure`, `objection`, `withdrawal`
    #[schema(pattern = "^(access|correction|restriction|erasure|objection|withdrawal)$")]
    pub kind: String,
    /// Who asked (the person, or who acts for them).
    #[schema(min_length = 1, max_length = 200)]
    pub requester: String,
    /// What was asked, in the requester's words.
    #[schema(max_length = 4000)]
    pub details: String,
    /// RFC 3339: when it reached the office (default: now); the deadline runs from here.
    #[schema(format = DateTime)]
    pub received_at: Option<String>,
}

/// How a request ends.
#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct CloseIn {
    /// `done` or `refused`
    #[schema(pattern = "^(done|refused)$")]
    pub status: String,
    /// What was done, or why it was refused.
    #[schema(min_length = 1, max_length = 4000)]
    pub outcome: String,
    /// For a correction: the audit entry of the change it led to.
    pub audit_id: Option<i64>,
}

async fn register(state: &AppState, s: &Session, b: &RequestIn) -> Result<DataRequest, app::Error> {
    app::protection::requests::register(
        &state.app(),
        &s.caller(),
        b.person_id,
        &b.kind,
        &b.requester,
        &b.details,
        b.received_at.as_deref(),
    )
    .await
}

async fn close(
    state: &AppState,
    s: &Session,
    id: i64,
    b: &CloseIn,
) -> Result<DataRequest, app::Error> {
    app::protection::requests::close(
        &state.app(),
        &s.caller(),
        id,
        &b.status,
        &b.outcome,
        b.audit_id,
    )
    .await
}

// ---------- pages ----------

/// A request as a row shows it.
struct Row {
    r: DataRequest,
    kind: String,
    status: String,
    overdue: bool,
}

fn row(ctx: &Ctx, now: &str, r: DataRequest) -> Row {
    Row {
        kind: crate::page::label("protection.request.", &r.kind, ctx.lang),
        status: crate::page::label("protection.status.", &r.status, ctx.lang),
        overdue: r.status == "open" && r.due_at.as_str() < now,
        r,
    }
}

#[derive(askama::Template)]
#[template(path = "data_requests.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    total: i64,
    status: String,
    overdue: bool,
    /// Registers requests.
    officer: bool,
    kinds: Vec<(&'static str, &'static str)>,
    v: RequestIn,
    errors: FormErrors,
    deadlines: String,
    prev: Option<String>,
    next: Option<String>,
}

impl ListPage {
    fn status_label(&self, code: &str) -> String {
        crate::page::label("protection.status.", code, self.ctx.lang)
    }
}

const ROWS: i64 = 50;

async fn list_view(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    q: &RequestQuery,
    offset: i64,
    v: RequestIn,
    errors: Option<&domain::Invalid>,
) -> AppResult<Response> {
    let page = app::protection::requests::list(
        &state.app(),
        &s.caller(),
        &q.filter(s),
        app::Paging::new(Some(ROWS), Some(offset)),
    )
    .await?;
    let now = s.caller().actor.now();
    let base = format!(
        "/data-requests?{}{}",
        q.status
            .as_deref()
            .map(|v| format!("status={v}&"))
            .unwrap_or_default(),
        if q.overdue.unwrap_or(false) {
            "overdue=true&"
        } else {
            ""
        },
    );
    let policy = &state.settings.protection;
    let deadlines = RequestKind::ALL
        .iter()
        .map(|k| format!("{} {} h", ctx.t(k.label_key()), policy.deadline_hours(*k)))
        .collect::<Vec<_>>()
        .join(" · ");
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let (prev, next) = crate::list::prev_next(&base, offset, ROWS, page.total);
    let page_view = ListPage {
        prev,
        next,
        rows: page.items.into_iter().map(|r| row(&ctx, &now, r)).collect(),
        total: page.total,
        status: q.status.clone().unwrap_or_default(),
        overdue: q.overdue.unwrap_or(false),
        officer: s.role().sees_full_identity(),
        kinds: RequestKind::options(ctx.lang),
        v,
        errors,
        deadlines,
        ctx,
    };
    Ok((status, html(&page_view)?).into_response())
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<RequestQuery>,
    Query(p): Query<PageQuery>,
) -> AppResult<Response> {
    let v = RequestIn {
        person_id: q.person_id,
        ..Default::default()
    };
    list_view(&state, &s, ctx, &q, p.offset.unwrap_or(0).max(0), v, None).await
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(b): crate::page::Form<RequestIn>,
) -> AppResult<Response> {
    match crate::page::outcome(register(&state, &s, &b).await)? {
        crate::page::Outcome::Done(r) => {
            let msg = ctx.tf("protection.request_registered", &[r.id.to_string()]);
            crate::page::redirect_with_flash(&state, &s, &format!("/data-requests/{}", r.id), msg)
                .await
        }
        crate::page::Outcome::Again(inv) => {
            list_view(&state, &s, ctx, &RequestQuery::default(), 0, b, Some(&inv)).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "data_request.html")]
struct DetailPage {
    ctx: Ctx,
    row: Row,
    /// Closes requests (admin, head of division).
    decider: bool,
    v: CloseIn,
    errors: FormErrors,
    restricted: bool,
}

async fn detail_view(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    v: CloseIn,
    errors: Option<&domain::Invalid>,
) -> AppResult<Response> {
    let cx = state.app();
    let r = app::protection::requests::get(&cx, &s.caller(), id).await?;
    let restricted = match r.person_id {
        // Whether the person is restricted: not a read of their record (not access-logged).
        Some(p) => app::scope::person(&cx, &s.caller(), p)
            .await
            .map(|p| p.restricted_at.is_some())
            .unwrap_or(false),
        None => false,
    };
    let now = s.caller().actor.now();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let page = DetailPage {
        row: row(&ctx, &now, r),
        decider: matches!(s.role(), domain::Role::Admin | domain::Role::KepalaBidang),
        v,
        errors,
        restricted,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    detail_view(&state, &s, ctx, id, CloseIn::default(), None).await
}

async fn close_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    crate::page::Form(b): crate::page::Form<CloseIn>,
) -> AppResult<Response> {
    match crate::page::outcome(close(&state, &s, id, &b).await)? {
        crate::page::Outcome::Done(_) => {
            let msg = ctx.t("protection.request_closed");
            crate::page::redirect_with_flash(&state, &s, &format!("/data-requests/{id}"), msg).await
        }
        crate::page::Outcome::Again(inv) => detail_view(&state, &s, ctx, id, b, Some(&inv)).await,
    }
}

async fn lift_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    app::protection::requests::lift_restriction(&state.app(), &s.caller(), id).await?;
    let msg = ctx.t("protection.restriction_lifted");
    crate::page::redirect_with_flash(&state, &s, &format!("/persons/{id}"), msg).await
}

// ---------- API ----------

/// The register of data subjects' requests: open ones first, the soonest due first
/// (admin, head of division, operator, auditor).
#[utoipa::path(get, path = "/api/v1/data-requests", tag = "protection", params(RequestQuery, PageQuery),
    responses((status = 200, body = crate::schema::ListOf<DataRequest>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<RequestQuery>,
    Query(p): Query<PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<DataRequest>>> {
    let page =
        app::protection::requests::list(&state.app(), &s.caller(), &q.filter(&s), p.paging()?)
            .await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |r| r)))
}

/// Registers a data subject's request; its due date is the time received plus the kind's
/// deadline (default 3 × 24 hours). Admin, head of division, operator.
#[utoipa::path(post, path = "/api/v1/data-requests", tag = "protection", request_body = RequestIn,
    responses((status = 201, body = DataRequest), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<RequestIn>,
) -> AppResult<Response> {
    let r = register(&state, &s, &b).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// One request.
#[utoipa::path(get, path = "/api/v1/data-requests/{id}", tag = "protection", params(("id" = i64, Path)),
    responses((status = 200, body = DataRequest), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<DataRequest>> {
    Ok(Json(
        app::protection::requests::get(&state.app(), &s.caller(), id).await?,
    ))
}

/// Closes an open request as done or refused, with the outcome. A correction done names
/// the audit entry of the change (`audit_id`); a restriction done takes the person's
/// record out of lists, exports and reports until lifted. Admin, head of division.
#[utoipa::path(post, path = "/api/v1/data-requests/{id}/close", tag = "protection", params(("id" = i64, Path)),
    request_body = CloseIn,
    responses((status = 200, body = DataRequest), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_close(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<CloseIn>,
) -> AppResult<Json<DataRequest>> {
    Ok(Json(close(&state, &s, id, &b).await?))
}

/// Lifts a person's restriction: the record is back in lists, exports and reports.
/// Admin, head of division; lifting a record not restricted changes nothing.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/restriction", tag = "protection", params(("id" = i64, Path)),
    responses((status = 204, description = "Lifted (or not restricted)"), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_lift(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    app::protection::requests::lift_restriction(&state.app(), &s.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
