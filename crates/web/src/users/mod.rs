//! User administration (admin only): pages and `GET/POST /api/v1/users`,
//! `GET/PATCH /api/v1/users/{id}`.
use crate::error::AppResult;
use crate::list::Listed;
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::session::Authed;
use crate::session::Session;
use crate::AppState;
pub(crate) use app::users::Users;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;

use app::users::{User, UserFilter};
use domain::{Invalid, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub(crate) use app::users::{UserCreate, UserPatch};

mod pages;
pub(crate) use pages::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/users", get(list_page).post(create_form))
        .route("/users/new", get(new_page))
        .route("/users/export", get(crate::export::export::<Users>))
        .route("/users/{id}", get(edit_page).post(update_form))
        .route(
            "/users/{id}/sessions/end",
            axum::routing::post(sessions_end_form),
        )
        .route(
            "/users/{id}/sessions/{sid}/end",
            axum::routing::post(session_end_form),
        )
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_sessions, api_sessions_end))
        .routes(routes!(api_session_end))
}

/// A session or API token of an account: when it was made and last used.
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    /// `web` (a browser login) or `api` (an integration token)
    #[schema(value_type = String)]
    pub kind: domain::role::SessionKind,
    /// The token's name (empty for browser logins).
    pub label: String,
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
}

impl From<app::users::SessionRow> for SessionOut {
    fn from(r: app::users::SessionRow) -> Self {
        SessionOut {
            id: r.id,
            kind: r.kind,
            label: r.label,
            created_at: r.created_at,
            last_used_at: r.last_seen_at,
            expires_at: r.expires_at,
        }
    }
}

async fn sessions_of(state: &AppState, s: &Session, id: i64) -> AppResult<Vec<SessionOut>> {
    Ok(app::users::sessions(&state.app(), &s.caller(), id)
        .await?
        .into_iter()
        .map(SessionOut::from)
        .collect())
}

/// A user's sessions and API tokens with their last use (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}/sessions", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SessionOut>), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_sessions(
    State(state): State<AppState>,
    crate::session::AdminOnly(s): crate::session::AdminOnly,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<SessionOut>>> {
    Ok(Json(sessions_of(&state, &s, id).await?))
}

/// End one session or API token of a user (admin).
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions/{sid}", tag = "users", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 204, description = "ended"), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_session_end(
    State(state): State<AppState>,
    crate::session::AdminOnly(s): crate::session::AdminOnly,
    Path((id, sid)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    app::users::end_session(&state.app(), &s.caller(), id, sid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session and API token of a user (admin).
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "users", params(("id" = i64, Path)),
    responses((status = 204, description = "ended"), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_sessions_end(
    State(state): State<AppState>,
    crate::session::AdminOnly(s): crate::session::AdminOnly,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    app::users::end_sessions(&state.app(), &s.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn session_end_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, sid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    app::users::end_session(&state.app(), &s.caller(), id, sid).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/users/{id}"),
        ctx.t("users.sessions_ended"),
    )
    .await
}

async fn sessions_end_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    app::users::end_sessions(&state.app(), &s.caller(), id).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/users/{id}"),
        ctx.t("users.sessions_ended"),
    )
    .await
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    /// `admin`, `kepala_bidang`, `operator`, `pendamping`, `auditor`, `interop` (another
    /// system: the registry interface only)
    pub role: String,
    /// `id` or `en`
    pub lang: String,
    pub disabled: bool,
    /// Kecamatan codes that scope a `pendamping` or an `interop` account.
    pub districts: Vec<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
    /// Full name with titles, as letters and signature blocks write it.
    pub full_name: Option<String>,
    /// 18 digits (civil servants).
    pub nip: Option<String>,
    pub position: Option<String>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id,
            username: u.username,
            role: u.role.code().into(),
            lang: u.lang.code().into(),
            disabled: u.disabled,
            districts: u.districts,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
            full_name: u.identity.full_name,
            nip: u.identity.nip.map(|n| n.as_str().to_string()),
            position: u.identity.position,
        }
    }
}

// ---------- API ----------

/// List users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserFilter, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<UserOut>), (status = 403, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(l: Listed<Users>) -> Json<crate::schema::ListOf<UserOut>> {
    l.json(UserOut::from)
}

crate::export::api_export!(
    api_export,
    Users,
    "/api/v1/users/export",
    UserFilter,
    "Export the accounts (admin) as XLSX or CSV; audited."
);

/// Create a user (admin). `districts` scopes a `pendamping` or an `interop` account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserOut), (status = 403, body = crate::schema::ErrorBody),
              (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    crate::session::AdminOnly(s): crate::session::AdminOnly,
    crate::json::JsonIn(body): crate::json::JsonIn<UserCreate>,
) -> AppResult<Response> {
    let u = app::users::create(&state.app(), &s.caller(), &body).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(u))).into_response())
}

/// Read a user (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 403, body = crate::schema::ErrorBody),
              (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<UserOut>> {
    s.require(Role::manages_users)?;
    Ok(Json(
        app::users::get(&state.app(), &s.caller(), id).await?.into(),
    ))
}

/// Change a user's role, areas, language, password or disable the account (admin).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    request_body = UserPatch,
    responses((status = 200, body = UserOut), (status = 403, body = crate::schema::ErrorBody),
              (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    crate::session::AdminOnly(s): crate::session::AdminOnly,
    Path(id): Path<i64>,
    crate::json::JsonIn(body): crate::json::JsonIn<UserPatch>,
) -> AppResult<Json<UserOut>> {
    Ok(Json(
        app::users::update(&state.app(), &s.caller(), id, &body)
            .await?
            .into(),
    ))
}
