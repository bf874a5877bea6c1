//! The caller's own account: language, password, integration tokens
//! (page `/profile`, `GET/POST /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`).
use crate::auth::ClientAddr;
use crate::auth::{create_api_token, hash_password, Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::AppState;
use app::users::UserChange;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use domain::user::check_password;
use domain::{Invalid, Lang, Msg};
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

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
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
    pub label: String,
    /// The account's current password: a stolen session cannot mint lasting tokens.
    pub password: String,
    /// Days until the token expires: 1–365, default 90.
    pub days: Option<i64>,
}

/// Default and longest lifetime of an integration token.
const TOKEN_DAYS_DEFAULT: i64 = 90;
const TOKEN_DAYS_MAX: i64 = 365;

/// Whether `password` is the caller's current password: counted against the login limits
/// like a login from the caller's address (a 429 once they are reached), checked off the
/// request threads within the bound on concurrent password checks.
async fn is_current_password(
    state: &AppState,
    s: &Session,
    password: &str,
    addr: &ClientAddr,
) -> AppResult<bool> {
    match crate::auth::counted_check(state, &s.user().username, password, &addr.0).await? {
        crate::auth::Checked::Right(u) => Ok(u.id == s.user().id),
        crate::auth::Checked::Wrong => Ok(false),
        crate::auth::Checked::Locked => Err(AppError::TooManyRequests(Msg::new("login.too_many"))),
    }
}

/// Checks a token request: a name, the current password, a lifetime within a year.
async fn check_token(
    state: &AppState,
    s: &Session,
    label: &str,
    password: &str,
    days: Option<i64>,
    addr: &ClientAddr,
) -> AppResult<(String, i64)> {
    let mut inv = Invalid::new();
    let label = match check_label(label) {
        Ok(l) => Some(l),
        Err(AppError::Invalid(i)) => {
            inv.fields.extend(i.fields);
            None
        }
        Err(e) => return Err(e),
    };
    let days = days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        inv.add("days", Msg::new("profile.token_days").arg(TOKEN_DAYS_MAX));
    }
    if !is_current_password(state, s, password, addr).await? {
        inv.add("password", Msg::new("user.password_wrong"));
    }
    inv.into_result()?;
    Ok((label.unwrap_or_default(), days))
}

#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: i64,
    pub label: String,
    /// Shown once: only its hash is stored.
    pub token: String,
}

fn check_label(label: &str) -> AppResult<String> {
    let l = label.trim();
    if l.is_empty() {
        return Err(AppError::invalid("label", Msg::new("common.required")));
    }
    if l.chars().count() > 80 {
        return Err(AppError::invalid(
            "label",
            Msg::new("common.too_long").arg(80),
        ));
    }
    Ok(l.to_string())
}

async fn tokens(state: &AppState, s: &Session) -> AppResult<Vec<TokenOut>> {
    Ok(state
        .store
        .api_token_list(s.user().id)
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
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_tokens_list(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Json<Vec<TokenOut>>> {
    Ok(Json(tokens(&state, &s).await?))
}

/// Create an integration token: needs the current password; expires after `days`
/// (default 90, at most 365).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = TokenCreate,
    responses((status = 201, body = TokenCreated), (status = 422, body = crate::api::ErrorBody),
              (status = 429, body = crate::api::ErrorBody, description = "Too many password checks (the login limits)")))]
pub(crate) async fn api_tokens_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Json(b): Json<TokenCreate>,
) -> AppResult<Response> {
    let (label, days) = check_token(&state, &s, &b.label, &b.password, b.days, &addr).await?;
    let token = create_api_token(&state, &s, &label, days).await?;
    let id = state
        .store
        .api_token_list(s.user().id)
        .await?
        .last()
        .map(|t| t.id)
        .unwrap_or_default();
    Ok((StatusCode::CREATED, Json(TokenCreated { id, label, token })).into_response())
}

/// Revoke one of the caller's integration tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", params(("id" = i64, Path)),
    responses((status = 204, description = "revoked"), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_tokens_revoke(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    state
        .store
        .api_token_revoke(&s.actor(), s.user().id, id)
        .await?;
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
    state
        .store
        .user_update(
            &s.actor(),
            s.user().id,
            UserChange {
                lang: Some(lang),
                ..Default::default()
            },
        )
        .await?;
    let mut resp =
        page::redirect_with_flash(&state, &s, "/profile", lang.t("profile.language_saved")).await?;
    if let Ok(v) = crate::auth::set_cookie(
        crate::auth::LANG_COOKIE,
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
    let mut inv = Invalid::new();
    if !is_current_password(&state, &s, &f.current, &addr).await? {
        inv.add("current", Msg::new("user.password_wrong"));
    }
    inv.check("new", check_password(&f.new, &s.user().username));
    if !inv.is_empty() {
        return render(&state, &s, ctx, None, Some(inv)).await;
    }
    let new = f.new.clone();
    let new_hash = crate::auth::bounded_hashing(move || hash_password(&new))
        .await
        .ok_or_else(|| AppError::TooManyRequests(Msg::new("login.busy")))?;
    // Every other session and every API token of the account ends with it.
    state
        .store
        .user_update(
            &s.actor(),
            s.user().id,
            UserChange {
                password_hash: Some(new_hash),
                keep_session: Some(s.info.session_id),
                ..Default::default()
            },
        )
        .await?;
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
    match check_token(&state, &s, &f.label, &f.password, days, &addr).await {
        Ok((label, days)) => {
            let token = create_api_token(&state, &s, &label, days).await?;
            render(&state, &s, ctx, Some(token), None).await
        }
        Err(AppError::Invalid(inv)) => render(&state, &s, ctx, None, Some(inv)).await,
        Err(e) => Err(e),
    }
}

/// Ends every session and API token of the caller, this one included.
async fn logout_everywhere_form(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Response> {
    state
        .store
        .session_end_all(&s.actor(), s.user().id, None)
        .await?;
    let mut resp = axum::response::Redirect::to("/login").into_response();
    if let Ok(v) =
        crate::auth::set_cookie(crate::auth::SESSION_COOKIE, "", 0, state.settings.https).parse()
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
    state
        .store
        .api_token_revoke(&s.actor(), s.user().id, id)
        .await?;
    page::redirect_with_flash(&state, &s, "/profile", ctx.t("profile.token_revoked")).await
}
