//! User administration (admin only): pages and `GET/POST /api/v1/users`,
//! `GET/PATCH /api/v1/users/{id}`.
use crate::auth::{hash_password, Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::user::{check_districts, check_password, Username};
use domain::{DistrictCode, Invalid, Lang, Msg, Role};
use serde::{Deserialize, Serialize};
use store::users::{NewUser, User, UserChange, UserFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

mod pages;
pub(crate) use pages::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/users", get(list_page).post(create_form))
        .route("/users/new", get(new_page))
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

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_sessions, api_sessions_end))
        .routes(routes!(api_session_end))
}

/// A session or API token of an account: when it was made and last used.
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    /// `web` (a browser login) or `api` (an integration token)
    pub kind: String,
    /// The token's name (empty for browser logins).
    pub label: String,
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
}

impl From<store::sessions::SessionRow> for SessionOut {
    fn from(r: store::sessions::SessionRow) -> Self {
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

async fn sessions_of(state: &AppState, id: i64) -> AppResult<Vec<SessionOut>> {
    state.store.user_get(id).await?;
    Ok(state
        .store
        .user_sessions(id)
        .await?
        .into_iter()
        .map(SessionOut::from)
        .collect())
}

/// A user's sessions and API tokens with their last use (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}/sessions", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SessionOut>), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_sessions(
    State(state): State<AppState>,
    crate::auth::AdminOnly(_admin): crate::auth::AdminOnly,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<SessionOut>>> {
    Ok(Json(sessions_of(&state, id).await?))
}

/// End one session or API token of a user (admin).
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions/{sid}", tag = "users", params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 204, description = "ended"), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_session_end(
    State(state): State<AppState>,
    crate::auth::AdminOnly(s): crate::auth::AdminOnly,
    Path((id, sid)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    state.store.session_end(&s.actor(), id, sid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every session and API token of a user (admin).
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "users", params(("id" = i64, Path)),
    responses((status = 204, description = "ended"), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_sessions_end(
    State(state): State<AppState>,
    crate::auth::AdminOnly(s): crate::auth::AdminOnly,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    state.store.user_get(id).await?;
    state.store.sessions_end_all(&s.actor(), id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn session_end_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, sid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    state.store.session_end(&s.actor(), id, sid).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/users/{id}"),
        ctx.t("users.sessions_ended").into(),
    )
    .await
}

async fn sessions_end_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    state.store.user_get(id).await?;
    state.store.sessions_end_all(&s.actor(), id, None).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/users/{id}"),
        ctx.t("users.sessions_ended").into(),
    )
    .await
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    /// `admin`, `kepala_bidang`, `operator`, `pendamping`, `auditor`
    pub role: String,
    /// `id` or `en`
    pub lang: String,
    pub disabled: bool,
    /// Kecamatan codes that scope a `pendamping`.
    pub districts: Vec<String>,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id,
            username: u.username,
            role: u.role.as_str().into(),
            lang: u.lang.code().into(),
            disabled: u.disabled,
            districts: u.districts,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

// ---------- the rules shared by pages and API ----------

fn parse_districts(state: &AppState, inv: &mut Invalid, codes: &[String]) -> Vec<DistrictCode> {
    let mut out = Vec::new();
    for c in codes.iter().filter(|c| !c.trim().is_empty()) {
        if let Some(d) = inv.check(
            "districts",
            state.areas.district_in(&state.config.region, c),
        ) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

fn parse_lang(inv: &mut Invalid, s: Option<&str>) -> Option<Lang> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => inv.check(
            "lang",
            Lang::parse(v).ok_or_else(|| Msg::new("error.validation")),
        ),
    }
}

/// Input of a new account, as both the form and the API send it.
#[derive(Deserialize, ToSchema, Default)]
pub struct UserCreate {
    pub username: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub districts: Vec<String>,
    pub lang: Option<String>,
}

async fn create(state: &AppState, s: &Session, input: &UserCreate) -> AppResult<User> {
    s.require(Role::manages_users)?;
    let mut inv = Invalid::new();
    let username = inv.check("username", Username::parse(&input.username));
    let role = inv.check("role", Role::parse(&input.role));
    inv.check(
        "password",
        check_password(&input.password, input.username.trim()),
    );
    let districts = parse_districts(state, &mut inv, &input.districts);
    let lang = parse_lang(&mut inv, input.lang.as_deref());
    if let Some(role) = role {
        if let Err(e) = check_districts(role, &districts) {
            inv.fields.extend(e.fields);
        }
    }
    let (Some(username), Some(role), true) = (username, role, inv.is_empty()) else {
        return Err(inv.into());
    };
    let password = input.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?;
    Ok(state
        .store
        .user_create(
            &s.actor(),
            NewUser {
                username,
                password_hash,
                role,
                districts,
                lang: lang.unwrap_or_default(),
            },
        )
        .await?)
}

/// A change of an account; absent fields stay as they are.
#[derive(Deserialize, ToSchema, Default)]
pub struct UserPatch {
    pub role: Option<String>,
    pub districts: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password (the policy applies).
    pub password: Option<String>,
    pub lang: Option<String>,
}

async fn update(state: &AppState, s: &Session, id: i64, p: &UserPatch) -> AppResult<User> {
    s.require(Role::manages_users)?;
    let current = state.store.user_get(id).await?;
    let mut inv = Invalid::new();
    let role = match p.role.as_deref() {
        Some(r) => inv.check("role", Role::parse(r)),
        None => None,
    };
    let districts = p
        .districts
        .as_ref()
        .map(|d| parse_districts(state, &mut inv, d));
    let lang = parse_lang(&mut inv, p.lang.as_deref());
    let password = p.password.as_deref().filter(|p| !p.is_empty());
    if let Some(pw) = password {
        inv.check("password", check_password(pw, &current.username));
    }
    // An admin locking themselves out would leave the office without one.
    if id == s.user().id && (p.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin)) {
        inv.add("role", Msg::new("user.cannot_disable_self"));
    }
    let final_role = role.unwrap_or(current.role);
    let final_districts: Vec<DistrictCode> = match &districts {
        Some(d) => d.clone(),
        None if final_role.is_area_scoped() => current
            .districts
            .iter()
            .filter_map(|d| DistrictCode::parse(d).ok())
            .collect(),
        None => Vec::new(),
    };
    if inv.is_empty() {
        if let Err(e) = check_districts(final_role, &final_districts) {
            inv.fields.extend(e.fields);
        }
    }
    inv.into_result()?;
    let password_hash = match password {
        Some(pw) => {
            let pw = pw.to_string();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&pw))
                    .await
                    .map_err(|_| AppError::Internal)?,
            )
        }
        None => None,
    };
    let change = UserChange {
        role,
        // A role change away from pendamping drops the areas with it.
        districts: if districts.is_some() || role.is_some() {
            Some(final_districts)
        } else {
            None
        },
        disabled: p.disabled,
        // A reset by the admin ends every session and token of the account.
        password_hash,
        lang,
        keep_session: None,
    };
    Ok(state.store.user_update(&s.actor(), id, change).await?)
}

// ---------- API ----------

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    /// Part of the user name.
    pub q: Option<String>,
    pub role: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// List users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListQuery),
    responses((status = 200, body = crate::api::ListOf<UserOut>), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::api::ListOf<UserOut>>> {
    s.require(Role::manages_users)?;
    let page = state
        .store
        .user_list(
            &UserFilter {
                q: q.q,
                role: q.role,
            },
            Paging::new(q.limit, q.offset),
        )
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, UserOut::from)))
}

/// Create a user (admin). `districts` scopes a `pendamping`.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserOut), (status = 403, body = crate::api::ErrorBody),
              (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    crate::auth::AdminOnly(s): crate::auth::AdminOnly,
    Json(body): Json<UserCreate>,
) -> AppResult<Response> {
    let u = create(&state, &s, &body).await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(u))).into_response())
}

/// Read a user (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<UserOut>> {
    s.require(Role::manages_users)?;
    Ok(Json(state.store.user_get(id).await?.into()))
}

/// Change a user's role, areas, language, password or disable the account (admin).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    request_body = UserPatch,
    responses((status = 200, body = UserOut), (status = 403, body = crate::api::ErrorBody),
              (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    crate::auth::AdminOnly(s): crate::auth::AdminOnly,
    Path(id): Path<i64>,
    Json(body): Json<UserPatch>,
) -> AppResult<Json<UserOut>> {
    Ok(Json(update(&state, &s, id, &body).await?.into()))
}
