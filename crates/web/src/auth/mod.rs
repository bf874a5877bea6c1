//! Who is calling: sessions (cookie or bearer token), CSRF protection, login with rate
//! limiting, logout, and the role checks every handler uses.
use crate::error::{AppError, AppResult};
use crate::page::{self, Ctx};
use crate::AppState;
use app::sessions::{new_token, SessionInfo, SESSION_DAYS};
use app::users::User;
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
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa_axum::routes;

pub const SESSION_COOKIE: &str = "sikube_session";
/// Carries the CSRF token of the login form before there is a session.
pub const PRE_CSRF_COOKIE: &str = "sikube_csrf";
pub const LANG_COOKIE: &str = "sikube_lang";
// ---------- passwords and tokens ----------

pub use app::passwords::hash_password;

mod middleware;
pub(crate) use middleware::*;
mod login;
pub(crate) use login::*;

// ---------- the caller ----------

/// The logged-in caller, put into the request by [`middleware`].
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
    if state.settings.trust_forwarded_for {
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
