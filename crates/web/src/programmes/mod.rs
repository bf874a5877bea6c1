//! Programmes with budget and quota, the goods catalogue and package templates, and
//! enrolment of persons in individual programmes with their benefits.
//! Pages `/programmes…`, `/items`; API `/api/v1/programmes…`, `/api/v1/items`, `/api/v1/packages`.
use crate::error::AppResult;
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::programmes::{Figures, Programme};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Datelike;
use domain::kube::FundingSource;
use domain::money::Rupiah;
use domain::{Invalid, Lang, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub(crate) use app::programmes::{
    BenefitIn, EnrolIn, ItemIn, PackageIn, PackageItem, ProgrammeCreate,
};

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
        .route(
            "/programmes/{id}/benefits/approve",
            post(approve_selected_form),
        )
        .route("/items", get(items_page).post(item_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_enrolments, api_enrol))
        .routes(routes!(api_benefits, api_benefit))
        .routes(routes!(api_benefit_approve))
        .routes(routes!(api_benefits_approve))
        .routes(routes!(api_items, api_item_create))
        .routes(routes!(api_packages, api_package_create))
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
        funding_source: p.funding_source.code().to_string(),
        target: p.target.code().to_string(),
        budget: p.budget,
        committed: f.committed,
        delivered: f.delivered,
        remaining: f.remaining,
        quota: p.quota,
        quota_used: f.quota_used,
        package_value: p.package_value,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    pub year: Option<i64>,
}

/// Programmes with their live figures, a page at a time (the shape of every list).
#[utoipa::path(get, path = "/api/v1/programmes", tag = "aid", params(YearQuery, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<ProgrammeOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<YearQuery>,
    Query(page): Query<crate::list::PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<ProgrammeOut>>> {
    let all = app::programmes::list(&state.app(), &s.caller(), q.year).await?;
    // A year holds dozens of programmes: paged after reading them with their figures.
    let paging = page.paging()?;
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(paging.offset as usize)
        .take(paging.limit as usize)
        .map(|(p, f)| programme_out(p, f))
        .collect();
    Ok(Json(crate::schema::ListOf {
        items,
        total,
        limit: paging.limit,
        offset: paging.offset,
    }))
}

/// Create a programme with a budget and/or a quota.
#[utoipa::path(post, path = "/api/v1/programmes", tag = "aid", request_body = ProgrammeCreate,
    responses((status = 201, body = ProgrammeOut), (status = 403, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<ProgrammeCreate>,
) -> AppResult<Response> {
    let p = app::programmes::create(&state.app(), &s.caller(), &b).await?;
    let (p, f) = app::programmes::get(&state.app(), &s.caller(), p.id).await?;
    Ok((StatusCode::CREATED, Json(programme_out(p, f))).into_response())
}

/// A programme with budget, committed, delivered, remaining, quota and quota used.
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = ProgrammeOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<ProgrammeOut>> {
    let (p, f) = app::programmes::get(&state.app(), &s.caller(), id).await?;
    Ok(Json(programme_out(p, f)))
}
