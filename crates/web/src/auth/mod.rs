//! Who is calling: sessions (cookie or bearer token), CSRF protection, login with rate
//! limiting, logout, and the role checks every handler uses.
use crate::error::{AppError, AppResult};
use crate::page::{self, Ctx};
use crate::session::*;
use crate::AppState;
use app::sessions::{new_token, SESSION_DAYS};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use domain::{Lang, Msg};
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa_axum::routes;

// ---------- passwords and tokens ----------

pub use app::passwords::hash_password;

mod middleware;
pub(crate) use middleware::*;
mod login;
pub(crate) use login::*;

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
