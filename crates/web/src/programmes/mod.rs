//! Programmes with budget and quota, the goods catalogue and package templates, and
//! enrolment of persons in individual programmes with their benefits.
//! Pages `/programmes…`, `/items`; API `/api/v1/programmes…`, `/api/v1/items`, `/api/v1/packages`.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::persons::today;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Datelike;
use domain::aid::{Eligibility, Target};
use domain::kube::FundingSource;
use domain::money::Rupiah;
use domain::person::{age_on, Category};
use domain::{Invalid, Lang, Msg, Role};
use serde::{Deserialize, Serialize};
use store::aid::{Figures, NewProgramme, Programme};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

mod items;
pub(crate) use items::*;
mod enrolments;
pub(crate) use enrolments::*;
mod pages;
pub(crate) use pages::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/programmes", get(list_page).post(create_form))
        .route("/programmes/{id}", get(detail_page))
        .route("/programmes/{id}/enrol", post(enrol_form))
        .route("/programmes/{id}/benefit", post(benefit_form))
        .route(
            "/programmes/{id}/benefits/{bid}/approve",
            post(approve_form),
        )
        .route("/items", get(items_page).post(item_form))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_enrolments, api_enrol))
        .routes(routes!(api_benefits, api_benefit))
        .routes(routes!(api_benefit_approve))
        .routes(routes!(api_items, api_item_create))
        .routes(routes!(api_packages, api_package_create))
}

/// Programmes and the catalogue are managed by the office, not in the field.
fn require_office(s: &Session) -> AppResult<()> {
    s.require(|r| matches!(r, Role::Admin | Role::KepalaBidang | Role::Operator))
}

#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct ProgrammeCreate {
    pub name: String,
    pub year: i64,
    /// `apbd_kota`, `apbd_provinsi`, `apbn`, `lainnya`
    pub funding_source: String,
    /// `kube` or `individual`
    pub target: String,
    /// Integer rupiah.
    pub budget: Option<i64>,
    /// Number of groups or persons.
    pub quota: Option<i64>,
    /// Standard package value (rupiah).
    pub package_value: Option<i64>,
    /// For individual programmes: a preset (`wrse`, `lansia`, `aslut`, `anak`, `fakir_miskin`)
    /// or `{categories, min_age, max_age, sex}`.
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeOut {
    pub id: i64,
    pub name: String,
    pub year: i64,
    pub funding_source: String,
    pub target: String,
    pub budget: Option<i64>,
    /// Approved (and delivered) amounts; for individual programmes the benefits given.
    pub committed: i64,
    pub delivered: i64,
    pub remaining: Option<i64>,
    pub quota: Option<i64>,
    pub quota_used: i64,
    pub package_value: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<serde_json::Value>,
}

pub(crate) fn programme_out(p: Programme, f: Figures) -> ProgrammeOut {
    ProgrammeOut {
        eligibility: p
            .eligibility_json
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        id: p.id,
        name: p.name,
        year: p.year,
        funding_source: p.funding_source,
        target: p.target,
        budget: p.budget,
        committed: f.committed,
        delivered: f.delivered,
        remaining: f.remaining,
        quota: p.quota,
        quota_used: f.quota_used,
        package_value: p.package_value,
    }
}

fn parse_eligibility(inv: &mut Invalid, v: &Option<serde_json::Value>) -> Option<Eligibility> {
    match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
        Some(serde_json::Value::String(s)) => {
            let e = Eligibility::preset(s.trim());
            if e.is_none() {
                inv.add("eligibility", Msg::new("error.validation"));
            }
            e
        }
        Some(o) => match serde_json::from_value::<Eligibility>(o.clone()) {
            Ok(e) => Some(e),
            Err(_) => {
                inv.add("eligibility", Msg::new("error.validation"));
                None
            }
        },
    }
}

async fn create(state: &AppState, s: &Session, b: &ProgrammeCreate) -> AppResult<Programme> {
    require_office(s)?;
    let mut inv = Invalid::new();
    let name = b.name.trim().to_string();
    if name.is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    let this_year = chrono::Datelike::year(&today()) as i64;
    if !(2000..=this_year + 2).contains(&b.year) {
        inv.add("year", Msg::new("programme.year_invalid"));
    }
    let funding = inv.check("funding_source", FundingSource::parse(&b.funding_source));
    let target = inv.check("target", Target::parse(&b.target));
    for (f, v) in [
        ("budget", b.budget),
        ("quota", b.quota),
        ("package_value", b.package_value),
    ] {
        if v.is_some_and(|v| v < 0) {
            inv.add(f, Msg::new("money.negative"));
        }
    }
    if b.budget.is_none() && b.quota.is_none() {
        inv.add("budget", Msg::new("programme.needs_budget_or_quota"));
    }
    let elig = parse_eligibility(&mut inv, &b.eligibility);
    inv.into_result()?;
    let (Some(funding), Some(target)) = (funding, target) else {
        return Err(AppError::Internal);
    };
    let p = NewProgramme {
        name,
        year: b.year,
        funding_source: funding.code().into(),
        target: target.code().into(),
        budget: b.budget,
        quota: b.quota,
        package_value: b.package_value,
        eligibility_json: elig
            .filter(|_| target == Target::Individual)
            .and_then(|e| serde_json::to_string(&e).ok()),
    };
    Ok(state.store.programme_create(&s.actor(), &p).await?)
}

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    pub year: Option<i64>,
}

/// Programmes with their live figures.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "aid", params(YearQuery), responses((status = 200, body = Vec<ProgrammeOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Vec<ProgrammeOut>>> {
    Ok(Json(
        state
            .store
            .programmes(q.year)
            .await?
            .into_iter()
            .map(|(p, f)| programme_out(p, f))
            .collect(),
    ))
}

/// Create a programme with a budget and/or a quota.
#[utoipa::path(post, path = "/api/v1/programmes", tag = "aid", request_body = ProgrammeCreate,
    responses((status = 201, body = ProgrammeOut), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<ProgrammeCreate>,
) -> AppResult<Response> {
    let p = create(&state, &s, &b).await?;
    let (p, f) = state.store.programme(p.id).await?;
    Ok((StatusCode::CREATED, Json(programme_out(p, f))).into_response())
}

/// A programme with budget, committed, delivered, remaining, quota and quota used.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = ProgrammeOut), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<ProgrammeOut>> {
    let (p, f) = state.store.programme(id).await?;
    Ok(Json(programme_out(p, f)))
}
