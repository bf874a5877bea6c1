//! Who is calling: sessions (cookie or bearer token), CSRF protection, login with rate
//! limiting, logout, and the role checks every handler uses.
use crate::error::{AppError, AppResult};
use crate::page::{self, Ctx};
use crate::AppState;
use argon2::password_hash::rand_core::OsRng;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use domain::{Lang, Msg, Role};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use store::sessions::{NewSession, SessionInfo, SessionKind};
use store::users::User;
use utoipa_axum::routes;

pub const SESSION_COOKIE: &str = "sikube_session";
/// Carries the CSRF token of the login form before there is a session.
pub const PRE_CSRF_COOKIE: &str = "sikube_csrf";
pub const LANG_COOKIE: &str = "sikube_lang";
/// A web session ends after this long in any case…
const SESSION_DAYS: i64 = 7;
/// …or after this long unused.
const IDLE_HOURS: i64 = 8;
/// Login attempts allowed in the window: for an account from one address (a guesser at
/// one PC), from one address in all (a guesser trying many accounts), and for an account
/// from everywhere (a guesser spread over many addresses) — the last high enough that an
/// attack from elsewhere does not lock the owner out at their own office.
const MAX_ATTEMPTS_ACCOUNT_ADDRESS: i64 = 5;
const MAX_ATTEMPTS_ADDRESS: i64 = 30;
const MAX_ATTEMPTS_ACCOUNT: i64 = 100;
const FAILURE_WINDOW_MIN: i64 = 15;

// ---------- passwords and tokens ----------

pub use app::passwords::{bounded_hashing, hash_password, verify_password};

/// A short, stable tag of a typed user name for the log: what was typed in the user name
/// box is often a password typed in the wrong box, so it is never logged as such.
pub fn log_tag(username: &str) -> String {
    hex::encode(&Sha256::digest(username.trim().to_lowercase().as_bytes())[..4])
}

/// A hash to verify against when the account does not exist, so that the answer
/// takes as long as for a wrong password.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("not-a-real-password-0"))
}

pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::RngCore::fill_bytes(&mut OsRng, &mut b);
    hex::encode(b)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn ts_in(d: chrono::Duration) -> String {
    store::ts(chrono::Utc::now() + d)
}

// ---------- the caller ----------

/// The logged-in caller, put into the request by [`middleware`].
#[derive(Clone, Debug)]
pub struct Session {
    pub info: Arc<SessionInfo>,
    /// Authenticated by cookie (a browser) rather than by a bearer token.
    pub via_cookie: bool,
}

impl Session {
    pub fn user(&self) -> &User {
        &self.info.user
    }
    pub fn role(&self) -> Role {
        self.info.user.role
    }
    pub fn actor(&self) -> store::Actor {
        // The command line acts as no account (id 0).
        store::Actor::new(
            Some(self.info.user.id).filter(|id| *id > 0),
            self.info.user.username.clone(),
        )
    }
    /// The caller as the application layer knows it.
    pub fn caller(&self) -> app::Caller {
        app::Caller {
            actor: self.actor(),
            role: self.role(),
            districts: self.info.user.districts.clone(),
        }
    }
    /// Refuses unless the caller's role passes `allowed`.
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> AppResult<()> {
        if allowed(self.role()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
    pub fn require_write(&self) -> AppResult<()> {
        self.require(Role::can_write)
    }
    /// Whether the caller may see data of this kecamatan: pendamping only their own.
    pub fn sees_district(&self, district_code: &str) -> bool {
        !self.role().is_area_scoped() || self.info.user.districts.iter().any(|d| d == district_code)
    }
    /// The kecamatan a caller is confined to, or `None` for the whole region.
    pub fn district_scope(&self) -> Option<&[String]> {
        if self.role().is_area_scoped() {
            Some(&self.info.user.districts)
        } else {
            None
        }
    }
}

/// Extractor: a logged-in caller, else 401 (pages: redirect to the login page).
pub struct Authed(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for Authed {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .map(Authed)
            .ok_or(AppError::Unauthorized)
    }
}

/// Extractor: an administrator (checked before the request body is read, so others get
/// 403 whatever they send).
pub struct AdminOnly(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for AdminOnly {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Authed(s) = Authed::from_request_parts(parts, state).await?;
        s.require(Role::manages_users)?;
        Ok(AdminOnly(s))
    }
}

/// Extractor: the caller's language.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(
            parts.extensions.get::<Lang>().copied().unwrap_or_default(),
        ))
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn client_addr(state: &AppState, req: &Request) -> String {
    // Behind the office's own proxy: the address that proxy appended (the rightmost);
    // everything left of it came from the client and can say anything.
    if state.config.trust_forwarded_for {
        if let Some(ip) = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|ip| !ip.is_empty())
        {
            return ip.to_string();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Resolves the caller's session and language, enforces CSRF on state-changing
/// requests, and renders every error in the caller's language (JSON or HTML).
pub async fn middleware(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = is_api(&path);
    let headers = req.headers().clone();

    let mut session = None;
    let (token, via_cookie) = match bearer(&headers) {
        Some(t) => (Some(t), false),
        None => (cookie(&headers, SESSION_COOKIE), true),
    };
    if let Some(token) = token {
        let idle_cutoff = ts_in(-chrono::Duration::hours(IDLE_HOURS));
        match state
            .store
            .session_lookup(&hash_token(token), &idle_cutoff)
            .await
        {
            Ok(Some(info)) => {
                // Touch at most once a minute: a write per request would be wasted.
                if info.last_seen_at < ts_in(-chrono::Duration::minutes(1)) {
                    let _ = state.store.session_touch(info.session_id).await;
                }
                session = Some(Session {
                    info: Arc::new(info),
                    via_cookie,
                });
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return render_error(&state, None, Lang::Id, api, &path, AppError::Internal);
            }
        }
    }

    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let user_lang = session.as_ref().map(|s| s.user().lang);
    let cookie_lang = cookie(&headers, LANG_COOKIE).and_then(Lang::parse);
    // The API follows Accept-Language (api.md). Pages follow the user's own choice:
    // Bahasa Indonesia unless they chose English (many office PCs run English browsers).
    let lang = if api {
        accept.or(user_lang)
    } else {
        user_lang.or(cookie_lang)
    }
    .unwrap_or_default();

    if !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        match check_csrf(req, session.as_ref(), api).await {
            Ok(r) => req = r,
            Err(e) => return render_error(&state, session.as_ref(), lang, api, &path, e),
        }
    }

    req.extensions_mut().insert(lang);
    let addr = ClientAddr(client_addr(&state, &req));
    req.extensions_mut().insert(addr);
    if let Some(s) = &session {
        req.extensions_mut().insert(s.clone());
    }
    let resp = next.run(req).await;

    if let Some(err) = resp.extensions().get::<AppError>().cloned() {
        let mut out = render_error(&state, session.as_ref(), lang, api, &path, err);
        for c in resp.headers().get_all(header::SET_COOKIE) {
            out.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        return out;
    }
    // Rejections of axum's own extractors (bad JSON, wrong content type, ...) arrive
    // as plain text; give API callers the documented error shape.
    let status = resp.status();
    if api && (status.is_client_error() || status.is_server_error()) {
        let is_json = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if !is_json {
            let err = match status {
                StatusCode::NOT_FOUND => AppError::NotFound,
                StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::BadRequest(Msg::new("error.payload_too_large"))
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    AppError::BadRequest(Msg::new("error.json_content_type"))
                }
                s if s.is_server_error() => AppError::Internal,
                _ => AppError::BadRequest(Msg::new("error.bad_request")),
            };
            let mut r = (status, Json(err.to_json(lang))).into_response();
            if status == StatusCode::METHOD_NOT_ALLOWED {
                if let Some(allow) = resp.headers().get(header::ALLOW) {
                    r.headers_mut().insert(header::ALLOW, allow.clone());
                }
            }
            return r;
        }
    } else if !api && status.is_client_error() {
        // A page request the extractors refused (bad query, body too large) gets the
        // error page in the user's language instead of axum's plain text.
        let is_html = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if !is_html && status != StatusCode::NOT_MODIFIED {
            let err = match status {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::BadRequest(Msg::new("error.payload_too_large"))
                }
                StatusCode::NOT_FOUND => AppError::NotFound,
                _ => AppError::BadRequest(Msg::new("error.bad_request")),
            };
            let mut out = render_error(&state, session.as_ref(), lang, api, &path, err);
            *out.status_mut() = status;
            return out;
        }
    }
    resp
}

/// The client address as seen by the server (for rate limiting).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// Browsers send forms; a form from another site carries our cookie but cannot know
/// the token. Pages: the token must come as the `_csrf` form field, the `X-CSRF-Token`
/// header (htmx) or the `_csrf` query parameter (file uploads). API: bearer tokens are
/// not sent by browsers on their own; a cookie-authenticated call must be JSON (which a
/// cross-site form cannot send) or carry the header.
/// The boundary of a `multipart/form-data` request.
fn multipart_boundary(req: &Request) -> Option<String> {
    let ct = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    let b = ct
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?;
    Some(b.trim_matches('"').to_string())
}

/// The `_csrf` field of a multipart form. The upload forms put it first, so only the
/// start of the body is read (at most 64 KB); the whole body is passed on unchanged.
async fn multipart_csrf(
    req: Request,
    boundary: &str,
) -> Result<(Request, Option<String>), AppError> {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let delimiter = format!("--{boundary}");
    let mut head: Vec<u8> = Vec::new();
    let seen = |h: &[u8]| {
        h.windows(delimiter.len())
            .filter(|w| *w == delimiter.as_bytes())
            .count()
    };
    while head.len() < 64 * 1024 && seen(&head) < 2 {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(AppError::BadRequest(Msg::new("error.payload_too_large"))),
            None => break,
        }
    }
    let token = first_part_field(&head, &delimiter, "_csrf");
    let first =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(head)) },
        );
    let body = Body::from_stream(first.chain(stream));
    Ok((Request::from_parts(parts, body), token))
}

/// The value of the first part of a multipart body when that part is the field `name`.
fn first_part_field(head: &[u8], delimiter: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let start = text.find(delimiter)? + delimiter.len();
    let part = &text[start..];
    let (headers, rest) = part.split_once("\r\n\r\n")?;
    let disposition = headers.to_ascii_lowercase();
    if !disposition.contains(&format!("name=\"{name}\"")) {
        return None;
    }
    let end = rest.find(&format!("\r\n{delimiter}"))?;
    Some(rest[..end].to_string())
}

async fn check_csrf(
    req: Request,
    session: Option<&Session>,
    api: bool,
) -> Result<Request, AppError> {
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let expected: Option<String> = match session {
        Some(s) if !s.via_cookie => return Ok(req),
        Some(s) => Some(s.info.csrf.clone()),
        None => cookie(req.headers(), PRE_CSRF_COOKIE).map(String::from),
    };
    if api {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        // Without a session cookie there is nothing to forge: login itself is JSON-only.
        if session.is_none() || json || (header_token.is_some() && header_token == expected) {
            return Ok(req);
        }
        return Err(AppError::Csrf);
    }
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return Err(AppError::Csrf);
    };
    if header_token.as_deref() == Some(expected.as_str()) {
        return Ok(req);
    }
    // Never from the URL: proxies and browser histories keep URLs.
    if let Some(boundary) = multipart_boundary(&req) {
        let (req, token) = multipart_csrf(req, &boundary).await?;
        return if token.as_deref() == Some(expected.as_str()) {
            Ok(req)
        } else {
            Err(AppError::Csrf)
        };
    }
    let is_form = req.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| AppError::BadRequest(Msg::new("error.payload_too_large")))?;
    let form_token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|v| v.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v));
    if form_token.as_deref() != Some(expected.as_str()) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn render_error(
    state: &AppState,
    session: Option<&Session>,
    lang: Lang,
    api: bool,
    path: &str,
    err: AppError,
) -> Response {
    if let AppError::Internal = err {
        tracing::error!(path, "internal error");
    }
    if api {
        return (err.status(), Json(err.to_json(lang))).into_response();
    }
    if let (AppError::Unauthorized, _) | (AppError::Csrf, None) = (&err, session) {
        let next = if path == "/" || path.starts_with("/login") {
            String::new()
        } else {
            format!("?next={}", urlencode(path))
        };
        if matches!(err, AppError::Unauthorized) {
            return Redirect::to(&format!("/login{next}")).into_response();
        }
    }
    let ctx = Ctx::new(state, session, lang, path, None);
    page::error_page(ctx, &err)
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}

/// Only same-origin relative paths may be redirect targets: one `/`, then no second `/`
/// or `\` (browsers read `/\t/host` and `/\host` as `//host`), and no control or
/// whitespace characters anywhere. Anything else goes to `/`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let ok = |n: &str| {
        let mut c = n.chars();
        c.next() == Some('/')
            && !matches!(c.next(), Some('/' | '\\'))
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    match next {
        Some(n) if ok(n) => n.to_string(),
        _ => "/".into(),
    }
}

// ---------- login and logout ----------

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/login", get(login_page).post(login_form))
        .route("/logout", post(logout_form))
        .route("/lang/{code}", get(set_lang))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_login))
        .routes(routes!(api_logout))
        .routes(routes!(api_logout_all))
        .routes(routes!(api_me))
}

enum LoginOutcome {
    Ok { user: User, token: String },
    Failed,
    Locked,
}

/// Checks the limits, then the password; a success opens a new web session
/// (a fresh id at every login, so a planted session id is worthless).
async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    addr: &str,
) -> AppResult<LoginOutcome> {
    let uname = username.trim().to_lowercase();
    let pair_key = format!("user:{uname}@{addr}");
    let addr_key = format!("addr:{addr}");
    let user_key = format!("user:{uname}");
    let since = ts_in(-chrono::Duration::minutes(FAILURE_WINDOW_MIN));
    // Counted before the password is checked: a parallel burst cannot outrun the limit.
    // The account's count across addresses takes only attempts that passed their
    // address's limits, so one guessing PC cannot lock the owner out elsewhere.
    let (mut attempt, counts) = state
        .store
        .login_attempt(&[&pair_key, &addr_key], &since)
        .await?;
    let mut locked = counts[0] > MAX_ATTEMPTS_ACCOUNT_ADDRESS || counts[1] > MAX_ATTEMPTS_ADDRESS;
    if !locked {
        let (ids, counts) = state.store.login_attempt(&[&user_key], &since).await?;
        attempt.extend(ids);
        locked = counts[0] > MAX_ATTEMPTS_ACCOUNT;
    }
    if locked {
        tracing::warn!(user = %log_tag(&uname), "login refused: too many attempts");
        return Ok(LoginOutcome::Locked);
    }
    let creds = state.store.user_credentials(&uname).await?;
    let password = password.to_string();
    let hash = creds
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let Some(ok) = bounded_hashing(move || verify_password(&password, &hash)).await else {
        return Ok(LoginOutcome::Locked);
    };
    match creds {
        Some((user, _)) if ok && !user.disabled => {
            let forget = ts_in(-chrono::Duration::days(1));
            state
                .store
                .login_attempt_succeeded(&attempt, &pair_key, &forget)
                .await?;
            let token = new_token();
            state
                .store
                .session_create(NewSession {
                    token_hash: &hash_token(&token),
                    user_id: user.id,
                    kind: SessionKind::Web,
                    label: "",
                    csrf: &new_token(),
                    expires_at: ts_in(chrono::Duration::days(SESSION_DAYS)),
                })
                .await?;
            state.store.user_mark_login(user.id).await?;
            tracing::info!(user = %user.username, "login");
            Ok(LoginOutcome::Ok { user, token })
        }
        _ => {
            tracing::warn!(user = %log_tag(&uname), "login failed");
            Ok(LoginOutcome::Failed)
        }
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    next: String,
    username: String,
    error: Option<String>,
    first_start: bool,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
    session: Option<axum::Extension<Session>>,
) -> AppResult<Response> {
    if session.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render_login(
        &state,
        &headers,
        lang,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render_login(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    next: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let existing = cookie(headers, PRE_CSRF_COOKIE).map(String::from);
    let pre = existing.clone().unwrap_or_else(new_token);
    let mut ctx = Ctx::new(state, None, lang, "/login", None);
    ctx.csrf = pre.clone();
    let first_start = state.store.user_count().await? == 0;
    let page = LoginPage {
        ctx,
        next,
        username,
        error,
        first_start,
    };
    let mut resp = (status, page::html(&page)?).into_response();
    if existing.is_none() {
        if let Ok(v) = set_cookie(PRE_CSRF_COOKIE, &pre, 3600 * 12, state.config.https).parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    ReqLang(lang): ReqLang,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    match login(&state, &f.username, &f.password, &addr.0).await? {
        LoginOutcome::Ok { user, token } => {
            // The old session, if any, ends: the new one gets a new id.
            if let Some(old) = cookie(&headers, SESSION_COOKIE) {
                state.store.session_delete(&hash_token(old)).await?;
            }
            let mut resp = Redirect::to(&next).into_response();
            let c = set_cookie(
                SESSION_COOKIE,
                &token,
                SESSION_DAYS * 86400,
                state.config.https,
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(
                LANG_COOKIE,
                user.lang.code(),
                365 * 86400,
                state.config.https,
            )
            .parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        LoginOutcome::Failed => {
            render_login(
                &state,
                &headers,
                lang,
                next,
                f.username,
                Some(lang.t("login.failed").into()),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        LoginOutcome::Locked => {
            render_login(
                &state,
                &headers,
                lang,
                next,
                f.username,
                Some(lang.t("login.too_many").into()),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
    }
}

async fn logout_form(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        state.store.session_delete(&hash_token(t)).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.config.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Language choice before login (after login it is saved in the profile).
async fn set_lang(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> AppResult<Response> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let mut resp = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    if let Ok(v) = set_cookie(LANG_COOKIE, lang.code(), 365 * 86400, state.config.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

// ---------- API ----------

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoginUser {
    pub username: String,
    pub role: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`; the same login also sets the session cookie.
    pub token: String,
    pub user: LoginUser,
}

/// Log in with user name and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::api::ErrorBody),
              (status = 429, body = crate::api::ErrorBody)),
    security(()))]
pub(crate) async fn api_login(
    State(state): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    Json(body): Json<LoginRequest>,
) -> AppResult<Response> {
    match login(&state, &body.username, &body.password, &addr.0).await? {
        LoginOutcome::Ok { user, token } => {
            let mut resp = Json(LoginResponse {
                token: token.clone(),
                user: LoginUser {
                    username: user.username,
                    role: user.role.as_str().into(),
                },
            })
            .into_response();
            let c = set_cookie(
                SESSION_COOKIE,
                &token,
                SESSION_DAYS * 86400,
                state.config.https,
            );
            if let Ok(v) = c.parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        LoginOutcome::Failed => Err(AppError::Unauthorized),
        LoginOutcome::Locked => Err(AppError::TooManyRequests(Msg::new("login.too_many"))),
    }
}

/// End the current session (cookie or bearer token).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "logged out"), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Authed(_caller): Authed,
) -> AppResult<Response> {
    let token = bearer(&headers).or_else(|| cookie(&headers, SESSION_COOKIE));
    if let Some(t) = token {
        state.store.session_delete(&hash_token(t)).await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.config.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// End every session and API token of the caller's account ("log out everywhere").
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth",
    responses((status = 204, description = "every session and token ended"), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_logout_all(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Response> {
    state
        .store
        .sessions_end_all(&s.actor(), s.user().id, None)
        .await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, state.config.https).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = crate::users::UserOut), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_me(Authed(s): Authed) -> Json<crate::users::UserOut> {
    Json(crate::users::UserOut::from(s.user().clone()))
}

/// Issues a long-lived integration token for a user (profile page, API).
pub(crate) async fn create_api_token(
    state: &AppState,
    s: &Session,
    label: &str,
    days: i64,
) -> AppResult<String> {
    let token = new_token();
    let id = state
        .store
        .session_create(NewSession {
            token_hash: &hash_token(&token),
            user_id: s.user().id,
            kind: SessionKind::Api,
            label,
            csrf: &new_token(),
            expires_at: ts_in(chrono::Duration::days(days)),
        })
        .await?;
    state.store.api_token_created(&s.actor(), id, label).await?;
    Ok(token)
}

#[cfg(test)]
mod redirect_tests {
    use super::safe_next;

    #[test]
    fn only_same_origin_paths_are_redirect_targets() {
        for ok in [
            "/",
            "/kube/5",
            "/persons?q=asep&offset=50",
            "/guide/operator",
        ] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example".replace("%09", "\t").as_str(),
            "/ /evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil.example",
            "/kube\\..\\x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
