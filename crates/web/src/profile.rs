//! The caller's own account: language, password, integration tokens
//! (page `/profile`, `GET/POST /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`).
use crate::error::{AppError, AppResult};
use crate::page::Outcome::{Again, Done};
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::session::ClientAddr;
use crate::session::{Authed, Session};
use crate::AppState;
use app::sessions::TokenRequest;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use domain::{Invalid, Lang};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/profile", get(profile_page))
        .route("/profile/lang", post(lang_form))
        .route("/profile/password", post(password_form))
        .route("/profile/tokens", post(token_form))
        .route("/profile/tokens/{id}/revoke", post(revoke_form))
        .route("/profile/logout-everywhere", post(logout_everywhere_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_tokens_list, api_tokens_create))
        .routes(routes!(api_tokens_revoke))
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TokenCreate {
    /// What the token is for, e.g. "SIKS-NG sync".
    #[schema(pattern = "\\S")]
    pub label: String,
    /// The account's current password: a stolen session cannot mint lasting tokens.
    pub password: String,
    /// Days until the token expires: 1–365, default 90.
    #[schema(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: i64,
    pub label: String,
    /// Shown once: only its hash is stored.
    pub token: String,
}

async fn tokens(state: &AppState, s: &Session) -> AppResult<Vec<TokenOut>> {
    Ok(app::sessions::tokens(&state.app(), &s.caller())
        .await?
        .into_iter()
        .map(|t| TokenOut {
            id: t.id,
            label: t.label,
            created_at: t.created_at,
            last_used_at: t.last_seen_at,
            expires_at: t.expires_at,
        })
        .collect())
}

/// The caller's integration tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth",
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_tokens_list(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Json<Vec<TokenOut>>> {
    Ok(Json(tokens(&state, &s).await?))
}

/// Create an integration token: needs the current password; expires after `days`
/// (default 90, at most 365).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenCreate,
    responses((status = 201, body = TokenCreated), (status = 422, body = crate::schema::ErrorBody),
              (status = 429, body = crate::schema::ErrorBody, description = "Too many password checks (the login limits)")))]
pub(crate) async fn api_tokens_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    crate::json::JsonIn(b): crate::json::JsonIn<TokenCreate>,
) -> AppResult<Response> {
    let r = TokenRequest {
        label: &b.label,
        password: &b.password,
        days: b.days,
    };
    let (id, label, token) =
        app::sessions::token_request(&state.app(), &s.caller(), r, &addr.0).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { id, label, token })).into_response())
}

/// Revoke one of the caller's integration tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 204, description = "revoked"), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_tokens_revoke(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    app::sessions::token_revoke(&state.app(), &s.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(askama::Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    ctx: Ctx,
    districts: String,
    tokens: Vec<TokenOut>,
    new_token: Option<String>,
    errors: FormErrors,
}

async fn render(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    new_token: Option<String>,
    errors: Option<Invalid>,
) -> AppResult<Response> {
    let errors = FormErrors::new(errors.as_ref(), ctx.lang);
    let status = errors.status();
    let districts = s
        .user()
        .districts
        .iter()
        .map(|d| state.areas.name(d))
        .collect::<Vec<_>>()
        .join(", ");
    let page = ProfilePage {
        tokens: tokens(state, s).await?,
        districts,
        new_token,
        errors,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

async fn profile_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    render(&state, &s, ctx, None, None).await
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
}

async fn lang_form(
    State(state): State<AppState>,
    Authed(s): Authed,
    Form(f): Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&f.lang).map_err(|m| AppError::invalid("lang", m))?;
    app::sessions::set_language(&state.app(), &s.caller(), lang).await?;
    let mut resp =
        page::redirect_with_flash(&state, &s, "/profile", lang.t("profile.language_saved")).await?;
    if let Ok(v) = crate::session::set_cookie(
        crate::session::LANG_COOKIE,
        lang.code(),
        365 * 86400,
        state.settings.https,
    )
    .parse()
    {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
}

async fn password_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let changed = app::sessions::change_password(
        &state.app(),
        &s.caller(),
        &f.current,
        &f.new,
        &addr.0,
        s.info.session_id,
    )
    .await;
    if let Again(inv) = page::outcome(changed)? {
        return render(&state, &s, ctx, None, Some(inv)).await;
    }
    page::redirect_with_flash(&state, &s, "/profile", ctx.t("profile.password_changed")).await
}

#[derive(Deserialize)]
struct TokenForm {
    label: String,
    password: String,
    days: Option<String>,
}

async fn token_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Form(f): Form<TokenForm>,
) -> AppResult<Response> {
    // An empty or unreadable number of days is the default.
    let days = f.days.as_deref().and_then(|d| d.trim().parse().ok());
    let r = TokenRequest {
        label: &f.label,
        password: &f.password,
        days,
    };
    match page::outcome(app::sessions::token_request(&state.app(), &s.caller(), r, &addr.0).await)?
    {
        Done((_, _, token)) => render(&state, &s, ctx, Some(token), None).await,
        Again(inv) => render(&state, &s, ctx, None, Some(inv)).await,
    }
}

/// Ends every session and API token of the caller, this one included.
async fn logout_everywhere_form(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Response> {
    app::sessions::sign_out_everywhere(&state.app(), &s.caller()).await?;
    let mut resp = axum::response::Redirect::to("/login").into_response();
    if let Ok(v) =
        crate::session::set_cookie(crate::session::SESSION_COOKIE, "", 0, state.settings.https)
            .parse()
    {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn revoke_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    app::sessions::token_revoke(&state.app(), &s.caller(), id).await?;
    page::redirect_with_flash(&state, &s, "/profile", ctx.t("profile.token_revoked")).await
}
