//! Who is calling, as a request knows it: the session (cookie or bearer token) the
//! middleware found, the extractors handlers take it by, the language, the client's
//! address, and the cookies. A leaf: pages, the API and the middleware all use it.
use crate::error::{AppError, AppResult};
use app::sessions::SessionInfo;
use app::users::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use domain::{Lang, Role};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "sikube_session";
/// Carries the CSRF token of the login form before there is a session.
pub const PRE_CSRF_COOKIE: &str = "sikube_csrf";
pub const LANG_COOKIE: &str = "sikube_lang";
/// The logged-in caller, put into the request by the middleware (`auth`).
#[derive(Clone, Debug)]
pub struct Session {
    pub info: Arc<SessionInfo>,
    /// Authenticated by cookie (a browser) rather than by a bearer token.
    pub via_cookie: bool,
    /// Who acts, with the instant the request arrived: every rule of role and area is
    /// the application layer's (`app::Caller`); the session only carries it.
    caller: app::Caller,
}

impl Session {
    /// The session found for a request that arrived at `at`.
    pub fn new(info: SessionInfo, via_cookie: bool, at: chrono::DateTime<chrono::Utc>) -> Session {
        let u = &info.user;
        let caller = app::Caller {
            // The command line acts as no account (id 0).
            actor: app::Actor {
                user_id: Some(u.id).filter(|id| *id > 0),
                username: u.username.clone(),
                at,
                client: None,
            },
            role: u.role,
            districts: u.districts.clone(),
            lang: u.lang,
        };
        Session {
            info: Arc::new(info),
            via_cookie,
            caller,
        }
    }
    pub fn user(&self) -> &User {
        &self.info.user
    }
    /// The session with where its request came from (the access log records it).
    pub fn from_client(mut self, client: String) -> Session {
        self.caller.actor.client = Some(client);
        self
    }
    pub fn role(&self) -> Role {
        self.caller.role
    }
    pub fn actor(&self) -> app::Actor {
        self.caller.actor.clone()
    }
    /// The caller as the application layer knows it.
    pub fn caller(&self) -> app::Caller {
        self.caller.clone()
    }
    /// Refuses unless the caller's role passes `allowed`.
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> AppResult<()> {
        Ok(self.caller.require(allowed)?)
    }
    pub fn require_write(&self) -> AppResult<()> {
        Ok(self.caller.require_write()?)
    }
    /// Whether the caller may see data of this kecamatan: pendamping only their own.
    pub fn sees_district(&self, district_code: &str) -> bool {
        self.caller.sees_district(district_code)
    }
    /// The kecamatan a caller is confined to, or `None` for the whole region.
    pub fn district_scope(&self) -> Option<&[String]> {
        self.caller.district_scope()
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

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
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

/// The client address as seen by the server (for rate limiting).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);
