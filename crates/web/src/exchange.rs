//! The exchange files on the pages and the API: the rekap and the groups' file the office
//! sends to the province and the ministry (layouts in the README).
use crate::error::AppResult;
use crate::page::{html, Ctx, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::exchange::ExchangeFilter;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/exchange", get(page))
        .route("/exchange/rekap.xlsx", get(rekap_file))
        .route("/exchange/kube.xlsx", get(groups_file))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_rekap)).routes(routes!(api_groups))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ExchangeQuery {
    /// A kecamatan of the caller's area (`32.79.04`); empty: all of it.
    pub district_code: String,
    /// Groups formed in this year only.
    #[serde(deserialize_with = "blank_or_number")]
    pub year: Option<i64>,
    /// One group only.
    #[serde(deserialize_with = "blank_or_number")]
    pub kube_id: Option<i64>,
}

/// A number from a query string, where a form's empty field means none.
fn blank_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl ExchangeQuery {
    fn filter(&self) -> ExchangeFilter<'_> {
        ExchangeFilter {
            district: Some(self.district_code.trim()).filter(|d| !d.is_empty()),
            year: self.year,
            kube_id: self.kube_id,
        }
    }
}

async fn rekap(state: &AppState, s: &Session, q: &ExchangeQuery) -> AppResult<Response> {
    let bytes = app::exchange::rekap_xlsx(&state.app(), &s.caller(), q.filter()).await?;
    let date = state.today().format("%Y-%m-%d");
    Ok(crate::import::file_response(
        bytes,
        &format!("rekap-kube-{date}.xlsx"),
    ))
}

async fn groups(state: &AppState, s: &Session, q: &ExchangeQuery) -> AppResult<Response> {
    let bytes = app::exchange::groups_xlsx(&state.app(), &s.caller(), q.filter()).await?;
    let date = state.today().format("%Y-%m-%d");
    Ok(crate::import::file_response(
        bytes,
        &format!("data-kube-{date}.xlsx"),
    ))
}

/// The rekap: KUBE counted by kecamatan, business type, funding source, year of forming,
/// status and level (national region codes; columns in the README). Audited.
#[utoipa::path(get, path = "/api/v1/exchange/rekap.xlsx", tag = "reports", params(ExchangeQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_rekap(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ExchangeQuery>,
) -> AppResult<Response> {
    rekap(&state, &s, &q).await
}

/// The groups' file: sheet KUBE (each group with its officers and their NIK, level and
/// the value of the goods received), Anggota (members' NIK, KK, role), Bantuan (goods
/// handed over). Office roles only (NIKs in full); audited.
#[utoipa::path(get, path = "/api/v1/exchange/kube.xlsx", tag = "reports", params(ExchangeQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_groups(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ExchangeQuery>,
) -> AppResult<Response> {
    groups(&state, &s, &q).await
}

async fn rekap_file(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ExchangeQuery>,
) -> AppResult<Response> {
    rekap(&state, &s, &q).await
}

async fn groups_file(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ExchangeQuery>,
) -> AppResult<Response> {
    groups(&state, &s, &q).await
}

#[derive(askama::Template)]
#[template(path = "exchange.html")]
struct ExchangePage {
    ctx: Ctx,
    districts: Vec<(String, String)>,
    district: String,
    year: String,
    query: String,
    /// The groups' file carries NIKs: for the office's roles.
    full_identity: bool,
}

async fn page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<ExchangeQuery>,
) -> AppResult<Response> {
    let year = q.year.map(|y| y.to_string()).unwrap_or_default();
    // Only what was chosen: an empty year is no year.
    let chosen: Vec<(&str, &str)> = [
        ("district_code", q.district_code.as_str()),
        ("year", year.as_str()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let query = serde_urlencoded::to_string(chosen).unwrap_or_default();
    Ok(html(&ExchangePage {
        districts: crate::persons::district_options(&state, &s),
        district: q.district_code,
        year,
        query,
        full_identity: s.role().sees_full_identity(),
        ctx,
    })?
    .into_response())
}
