//! DTSEN on the pages and the API: the persons the office proposes (*usulan*), by
//! kecamatan, and their spreadsheet.
use crate::error::AppResult;
use crate::page::{html, Ctx, PageAuth};
use crate::session::Authed;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/dtsen", get(usulan_page))
        .route("/dtsen/usulan.xlsx", get(usulan_file))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_usulan))
        .routes(routes!(api_usulan_xlsx))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UsulanQuery {
    /// A kecamatan of the caller's area; empty: all of it.
    pub district_code: String,
}

impl UsulanQuery {
    fn district(&self) -> Option<&str> {
        Some(self.district_code.trim()).filter(|d| !d.is_empty())
    }
}

/// A person to propose to DTSEN.
#[derive(Serialize, ToSchema)]
pub struct UsulanOut {
    pub person_id: i64,
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    pub village_code: String,
    pub village_name: String,
    pub district_name: String,
    /// The decile of the latest extract; null: not in it.
    pub dtsen_decile: Option<i64>,
    pub dtsen_period: Option<String>,
    pub kube: Option<String>,
    pub programme: Option<String>,
}

async fn usulan_of(
    state: &AppState,
    s: &crate::session::Session,
    q: &UsulanQuery,
) -> AppResult<Vec<UsulanOut>> {
    Ok(app::dtsen::usulan(&state.app(), &s.caller(), q.district())
        .await?
        .into_iter()
        .map(|r| UsulanOut {
            village_name: state.areas.name(&r.village_code).to_string(),
            district_name: state.areas.name(&r.district_code).to_string(),
            person_id: r.id,
            nik: r.nik,
            kk_number: r.kk_number,
            name: r.name,
            village_code: r.village_code,
            dtsen_decile: r.dtsen_decile,
            dtsen_period: r.dtsen_period,
            kube: r.kube,
            programme: r.programme,
        })
        .collect())
}

/// KUBE members and programme beneficiaries the latest DTSEN extract does not list, or
/// lists above the decile bound: whom the office proposes. Office roles only.
#[utoipa::path(get, path = "/api/v1/dtsen/usulan", tag = "persons", params(UsulanQuery),
    responses((status = 200, body = Vec<UsulanOut>), (status = 403, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_usulan(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<UsulanQuery>,
) -> AppResult<Json<Vec<UsulanOut>>> {
    Ok(Json(usulan_of(&state, &s, &q).await?))
}

/// The same list as the spreadsheet the office sends (the export is audited).
#[utoipa::path(get, path = "/api/v1/dtsen/usulan.xlsx", tag = "persons", params(UsulanQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_usulan_xlsx(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<UsulanQuery>,
) -> AppResult<Response> {
    usulan_file(State(state), Authed(s), Query(q)).await
}

async fn usulan_file(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<UsulanQuery>,
) -> AppResult<Response> {
    let bytes = app::dtsen::usulan_xlsx(&state.app(), &s.caller(), q.district()).await?;
    let date = state.today().format("%Y-%m-%d");
    Ok(crate::import::file_response(
        bytes,
        &format!("usulan-dtsen-{date}.xlsx"),
    ))
}

#[derive(askama::Template)]
#[template(path = "dtsen.html")]
struct UsulanPage {
    ctx: Ctx,
    rows: Vec<UsulanOut>,
    districts: Vec<(String, String)>,
    district: String,
    xlsx: String,
}

async fn usulan_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<UsulanQuery>,
) -> AppResult<Response> {
    let rows = usulan_of(&state, &s, &q).await?;
    let xlsx = format!(
        "/dtsen/usulan.xlsx?{}",
        serde_urlencoded::to_string([("district_code", q.district_code.as_str())])
            .unwrap_or_default()
    );
    Ok(html(&UsulanPage {
        rows,
        districts: crate::persons::district_options(&state, &s),
        district: q.district_code,
        xlsx,
        ctx,
    })?
    .into_response())
}
