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
    /// When the request arrived, by the server's clock: the instant its actions carry.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Session {
    pub fn user(&self) -> &User {
        &self.info.user
    }
    pub fn role(&self) -> Role {
        self.info.user.role
    }
    pub fn actor(&self) -> app::Actor {
        // The command line acts as no account (id 0).
        app::Actor {
            user_id: Some(self.info.user.id).filter(|id| *id > 0),
            username: self.info.user.username.clone(),
            at: self.at,
        }
    }
    /// The caller as the application layer knows it.
    pub fn caller(&self) -> app::Caller {
        app::Caller {
            actor: self.actor(),
            role: self.role(),
            districts: self.info.user.districts.clone(),
            lang: self.info.user.lang,
        }
    }
    /// Refuses unless the caller's role passes `allowed`.
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> AppResult<()> {
        if allowed(self.role()) {
            Ok(())
        } else {
            Err(AppError::App(app::Error::Forbidden))
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
