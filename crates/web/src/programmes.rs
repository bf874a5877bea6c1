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

#[derive(Deserialize, ToSchema)]
pub struct ItemIn {
    pub name: String,
    pub unit: String,
    /// Integer rupiah.
    pub unit_price: i64,
    pub category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub category: Option<String>,
}

async fn item_create(state: &AppState, s: &Session, b: &ItemIn) -> AppResult<store::aid::Item> {
    require_office(s)?;
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.unit.trim().is_empty() {
        inv.add("unit", Msg::new("common.required"));
    }
    if b.unit_price <= 0 {
        inv.add("unit_price", Msg::new("item.price_positive"));
    }
    inv.into_result()?;
    let cat = b
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    Ok(state
        .store
        .item_create(
            &s.actor(),
            b.name.trim(),
            b.unit.trim(),
            Rupiah::new(b.unit_price),
            cat,
        )
        .await?)
}

fn item_out(i: store::aid::Item) -> ItemOut {
    ItemOut {
        id: i.id,
        name: i.name,
        unit: i.unit,
        unit_price: i.unit_price,
        category: i.category,
    }
}

/// The goods catalogue.
#[utoipa::path(get, path = "/api/v1/items", tag = "aid", responses((status = 200, body = Vec<ItemOut>)))]
pub(crate) async fn api_items(
    State(state): State<AppState>,
    Authed(_caller): Authed,
) -> AppResult<Json<Vec<ItemOut>>> {
    Ok(Json(
        state
            .store
            .items()
            .await?
            .into_iter()
            .map(item_out)
            .collect(),
    ))
}

/// Add an item to the catalogue.
#[utoipa::path(post, path = "/api/v1/items", tag = "aid", request_body = ItemIn,
    responses((status = 201, body = ItemOut), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_item_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<ItemIn>,
) -> AppResult<Response> {
    let i = item_create(&state, &s, &b).await?;
    Ok((StatusCode::CREATED, Json(item_out(i))).into_response())
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PackageItem {
    pub item_id: i64,
    pub quantity: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct PackageIn {
    pub name: String,
    pub business_type: Option<String>,
    pub items: Vec<PackageItem>,
}

#[derive(Serialize, ToSchema)]
pub struct PackageOut {
    pub id: i64,
    pub name: String,
    pub business_type: Option<String>,
    pub items: Vec<PackageItem>,
}

/// Package templates (e.g. a goat package) that fill a proposal in one click.
#[utoipa::path(get, path = "/api/v1/packages", tag = "aid", responses((status = 200, body = Vec<PackageOut>)))]
pub(crate) async fn api_packages(
    State(state): State<AppState>,
    Authed(_caller): Authed,
) -> AppResult<Json<Vec<PackageOut>>> {
    Ok(Json(
        state
            .store
            .packages()
            .await?
            .into_iter()
            .map(|(id, name, business_type, items)| PackageOut {
                id,
                name,
                business_type,
                items: items
                    .into_iter()
                    .map(|(item_id, quantity)| PackageItem { item_id, quantity })
                    .collect(),
            })
            .collect(),
    ))
}

/// Create a package template.
#[utoipa::path(post, path = "/api/v1/packages", tag = "aid", request_body = PackageIn,
    responses((status = 201, description = "created"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_package_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<PackageIn>,
) -> AppResult<Response> {
    require_office(&s)?;
    let known: Vec<i64> = state
        .store
        .items()
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    for i in &b.items {
        if !known.contains(&i.item_id) {
            inv.add("items", Msg::new("item.unknown").arg(i.item_id));
        } else if let Err(m) = domain::aid::check_quantity(i.quantity) {
            inv.add("items", m);
        }
    }
    inv.into_result()?;
    let items: Vec<(i64, i64)> = b.items.iter().map(|i| (i.item_id, i.quantity)).collect();
    let id = state
        .store
        .package_create(
            &s.actor(),
            b.name.trim(),
            b.business_type.as_deref(),
            &items,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct EnrolIn {
    pub person_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub enrolled_on: String,
}

/// Enrols a person after checking the programme's eligibility (age, sex, category).
async fn enrol(state: &AppState, s: &Session, programme_id: i64, person_id: i64) -> AppResult<i64> {
    s.require_write()?;
    let (p, _) = state.store.programme(programme_id).await?;
    if p.target != Target::Individual.code() {
        return Err(AppError::invalid(
            "programme_id",
            Msg::new("programme.wrong_target"),
        ));
    }
    let person = crate::persons::visible(state, s, person_id)
        .await
        .map_err(|_| {
            AppError::invalid("person_id", Msg::new("kube.person_unknown").arg(person_id))
        })?;
    if let Some(e) = p
        .eligibility_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Eligibility>(j).ok())
    {
        let sex =
            domain::nik::Sex::parse(&person.sex).map_err(|m| AppError::invalid("person_id", m))?;
        let age = domain::person::parse_date(&person.birth_date)
            .map(|b| age_on(b, today()))
            .unwrap_or(0);
        let cats: Vec<Category> = person
            .categories
            .iter()
            .filter_map(|c| Category::parse(c).ok())
            .collect();
        e.check(sex, age, &cats)
            .map_err(|m| AppError::invalid("person_id", m))?;
    }
    Ok(state
        .store
        .enrol(
            &s.actor(),
            programme_id,
            person_id,
            &today().format("%Y-%m-%d").to_string(),
        )
        .await?)
}

/// Enrol a person in an individual programme (eligibility checked; 422 with the reason).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), request_body = EnrolIn,
    responses((status = 201, description = "enrolled"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_enrol(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<EnrolIn>,
) -> AppResult<Response> {
    let eid = enrol(&state, &s, id, b.person_id).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": eid}))).into_response())
}

/// Persons enrolled (in the caller's area).
#[utoipa::path(get, path = "/api/v1/programmes/{id}/enrolments", tag = "aid", params(("id" = i64, Path)), responses((status = 200, body = Vec<EnrolmentOut>)))]
pub(crate) async fn api_enrolments(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<EnrolmentOut>>> {
    state.store.programme(id).await?;
    Ok(Json(
        state
            .store
            .enrolments(id, s.district_scope())
            .await?
            .into_iter()
            .map(|e| EnrolmentOut {
                id: e.id,
                person_id: e.person_id,
                name: e.name,
                enrolled_on: e.enrolled_on,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct BenefitIn {
    pub person_id: i64,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    pub kind: String,
    /// `YYYY-MM`
    pub period: String,
    /// Integer rupiah.
    pub amount: i64,
    pub description: Option<String>,
}

async fn benefit(
    state: &AppState,
    s: &Session,
    programme_id: i64,
    b: &BenefitIn,
) -> AppResult<i64> {
    s.require_write()?;
    let mut inv = Invalid::new();
    if !matches!(b.kind.as_str(), "barang" | "pelatihan" | "bantuan_bulanan") {
        inv.add("kind", Msg::new("benefit.kind_invalid"));
    }
    if chrono::NaiveDate::parse_from_str(&format!("{}-01", b.period.trim()), "%Y-%m-%d").is_err() {
        inv.add("period", Msg::new("benefit.period_invalid"));
    }
    if b.amount < 0 {
        inv.add("amount", Msg::new("money.negative"));
    }
    inv.into_result()?;
    crate::persons::visible(state, s, b.person_id).await?;
    Ok(state
        .store
        .benefit_add(
            &s.actor(),
            programme_id,
            b.person_id,
            &b.kind,
            b.period.trim(),
            Rupiah::new(b.amount),
            b.description.as_deref(),
            &today().format("%Y-%m-%d").to_string(),
        )
        .await?)
}

/// Record a benefit (goods, training, monthly assistance) within the budget.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path)), request_body = BenefitIn,
    responses((status = 201, description = "recorded"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefit(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<BenefitIn>,
) -> AppResult<Response> {
    let bid = benefit(&state, &s, id, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": bid}))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct BenefitOut {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// `barang`, `pelatihan`, `bantuan_bulanan`
    pub kind: String,
    pub period: String,
    pub amount: i64,
    pub given_on: String,
    /// Who approved the payment and when; null while a cash benefit awaits the head of
    /// division.
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl From<store::aid::Benefit> for BenefitOut {
    fn from(b: store::aid::Benefit) -> Self {
        BenefitOut {
            id: b.id,
            person_id: b.person_id,
            name: b.name,
            kind: b.kind,
            period: b.period,
            amount: b.amount,
            given_on: b.given_on,
            approved_by: b.approved_by,
            approved_at: b.approved_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The benefits given under a programme to persons the caller may see, awaiting
/// approval first.
#[utoipa::path(get, path = "/api/v1/programmes/{id}/benefits", tag = "aid", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = crate::api::ListOf<BenefitOut>), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefits(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Json<crate::api::ListOf<BenefitOut>>> {
    state.store.programme(id).await?;
    let page = state
        .store
        .benefits(
            id,
            s.district_scope(),
            store::Paging::new(q.limit, q.offset),
        )
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, BenefitOut::from)))
}

/// The head of division approves a recorded cash benefit (not the person who recorded it).
async fn approve_benefit(
    state: &AppState,
    s: &Session,
    id: i64,
    bid: i64,
) -> AppResult<store::aid::Benefit> {
    s.require(|r| r == Role::KepalaBidang)?;
    Ok(state
        .store
        .benefit_approve(&s.actor(), id, bid, state.config.allow_same_person)
        .await?)
}

/// Approve a recorded cash benefit (kepala bidang; not its recorder).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/benefits/{bid}/approve", tag = "aid", params(("id" = i64, Path), ("bid" = i64, Path)),
    responses((status = 200, body = BenefitOut), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody)))]
pub(crate) async fn api_benefit_approve(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Json<BenefitOut>> {
    Ok(Json(approve_benefit(&state, &s, id, bid).await?.into()))
}

async fn approve_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, bid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match approve_benefit(&state, &s, id, bid).await {
        Ok(_) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.t("benefit.approved").into(),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(&state, &s, ctx, id, Some(&inv)).await
        }
    }
}

// ---------- pages ----------

pub struct ProgrammeRow {
    pub p: ProgrammeOut,
    pub funding: &'static str,
    pub target: &'static str,
}

#[derive(askama::Template)]
#[template(path = "programmes.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ProgrammeRow>,
    can_manage: bool,
    v: ProgrammeCreate,
    funding: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl ListPage {
    fn rp(&self, v: &Option<i64>) -> String {
        v.map(|x| Rupiah::new(x).to_string())
            .unwrap_or_else(|| "–".into())
    }
    fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
    fn opt_num(&self, v: &Option<i64>) -> String {
        v.map(|x| x.to_string()).unwrap_or_default()
    }
}

fn row(p: ProgrammeOut, lang: Lang) -> ProgrammeRow {
    ProgrammeRow {
        funding: FundingSource::parse(&p.funding_source)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        target: lang.t(if p.target == "kube" {
            "programme.target.kube"
        } else {
            "programme.target.individual"
        }),
        p,
    }
}

async fn render_list(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    v: ProgrammeCreate,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let rows = state
        .store
        .programmes(None)
        .await?
        .into_iter()
        .map(|(p, f)| row(programme_out(p, f), lang))
        .collect();
    let errors = FormErrors::new(errors, lang);
    let page = ListPage {
        rows,
        can_manage: require_office(s).is_ok(),
        v,
        funding: FundingSource::ALL
            .iter()
            .map(|f| (f.code(), lang.t(f.label_key())))
            .collect(),
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    let v = ProgrammeCreate {
        year: chrono::Datelike::year(&today()) as i64,
        target: "kube".into(),
        funding_source: "apbd_kota".into(),
        ..Default::default()
    };
    render_list(&state, &s, ctx, v, None).await
}

fn num(inv: &mut Invalid, field: &str, s: &str) -> Option<i64> {
    if s.trim().is_empty() {
        return None;
    }
    match Rupiah::parse(s) {
        Ok(r) => Some(r.value()),
        Err(m) => {
            inv.add(field, m);
            None
        }
    }
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut v = ProgrammeCreate::default();
    let mut inv = Invalid::new();
    for (k, val) in page::form_pairs(&body) {
        match k.as_str() {
            "name" => v.name = val,
            "year" => v.year = val.trim().parse().unwrap_or(0),
            "funding_source" => v.funding_source = val,
            "target" => v.target = val,
            "budget" => v.budget = num(&mut inv, "budget", &val),
            "quota" => v.quota = num(&mut inv, "quota", &val),
            "package_value" => v.package_value = num(&mut inv, "package_value", &val),
            "eligibility" => v.eligibility = Some(serde_json::Value::String(val)),
            _ => {}
        }
    }
    let r = if inv.is_empty() {
        create(&state, &s, &v).await
    } else {
        Err(inv.into())
    };
    match r {
        Ok(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{}", p.id),
                ctx.tf("programme.created", &[p.name]),
            )
            .await
        }
        Err(AppError::Invalid(inv)) => render_list(&state, &s, ctx, v, Some(&inv)).await,
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "programme_detail.html")]
struct DetailPage {
    ctx: Ctx,
    r: ProgrammeRow,
    proposals: Vec<(i64, String, String, &'static str)>,
    enrolments: Vec<EnrolmentOut>,
    candidates: Vec<(i64, String, String)>,
    can_write: bool,
    errors: FormErrors,
    /// Committed and delivered by month against the budget line (SVG), and the figures.
    chart: String,
    months: Vec<(&'static str, i64, i64)>,
    /// The latest benefits, awaiting approval first, and whether the caller approves.
    benefits: Vec<BenefitOut>,
    can_approve: bool,
}

impl DetailPage {
    fn rp(&self, v: &Option<i64>) -> String {
        v.map(|x| Rupiah::new(x).to_string())
            .unwrap_or_else(|| "–".into())
    }
    fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
}

async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (p, f) = state.store.programme(id).await?;
    let individual = p.target == "individual";
    let flows = state.store.programme_flows(&p).await?;
    let (chart, months) = budget_chart(&p, &flows, lang);
    let benefits = if individual {
        state
            .store
            .benefits(id, s.district_scope(), store::Paging::new(Some(100), None))
            .await?
            .items
            .into_iter()
            .map(BenefitOut::from)
            .collect()
    } else {
        Vec::new()
    };
    let r = row(programme_out(p, f), lang);
    let proposals = state
        .store
        .proposals(
            &store::aid::ProposalFilter {
                programme_id: Some(id),
                ..Default::default()
            },
            s.district_scope(),
            store::Paging::new(Some(200), None),
        )
        .await?
        .items
        .into_iter()
        .map(|p| {
            let st = domain::aid::ProposalState::parse(&p.state)
                .map(|x| lang.t(x.label_key()))
                .unwrap_or("");
            (
                p.id,
                format!("#{} · KUBE {}", p.id, p.kube_id),
                Rupiah::new(p.total).to_string(),
                st,
            )
        })
        .collect();
    let enrolments: Vec<EnrolmentOut> = if individual {
        state
            .store
            .enrolments(id, s.district_scope())
            .await?
            .into_iter()
            .map(|e| EnrolmentOut {
                id: e.id,
                person_id: e.person_id,
                name: e.name,
                enrolled_on: e.enrolled_on,
            })
            .collect()
    } else {
        Vec::new()
    };
    let candidates = if individual && s.role().can_write() {
        let taken: Vec<i64> = enrolments.iter().map(|e| e.person_id).collect();
        state
            .store
            .person_list(
                &Default::default(),
                s.district_scope(),
                store::Paging::new(Some(500), None),
            )
            .await?
            .items
            .into_iter()
            .filter(|p| !taken.contains(&p.id))
            .map(|p| (p.id, p.name, p.birth_date))
            .collect()
    } else {
        Vec::new()
    };
    let errors = FormErrors::new(errors, lang);
    let page = DetailPage {
        r,
        proposals,
        enrolments,
        candidates,
        can_write: s.role().can_write(),
        errors,
        chart,
        months,
        benefits,
        can_approve: s.role() == Role::KepalaBidang,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

/// The month (1–12) of a flow in the programme's year, in Jakarta time; flows before or
/// after the year count in its first or last month.
fn month_of(when: &str, year: i64) -> usize {
    let day = chrono::DateTime::parse_from_rfc3339(when)
        .map(|t| (t.naive_utc() + chrono::Duration::hours(7)).date())
        .or_else(|_| chrono::NaiveDate::parse_from_str(when, "%Y-%m-%d"));
    match day {
        Ok(d) if (d.year() as i64) < year => 1,
        Ok(d) if (d.year() as i64) > year => 12,
        Ok(d) => d.month() as usize,
        Err(_) => 12,
    }
}

/// Committed and delivered, cumulated by month over the programme's year, against its
/// budget; months still to come are left open.
fn budget_chart(
    p: &Programme,
    flows: &[(String, i64, i64)],
    lang: Lang,
) -> (String, Vec<(&'static str, i64, i64)>) {
    let names: Vec<&'static str> = lang.t("chart.months").split(',').collect();
    let mut by_month = [(0i64, 0i64); 12];
    for (when, c, d) in flows {
        let m = month_of(when, p.year) - 1;
        by_month[m].0 += c;
        by_month[m].1 += d;
    }
    let today = today();
    let last = match (today.year() as i64).cmp(&p.year) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Equal => today.month() as usize,
        std::cmp::Ordering::Greater => 12,
    };
    let (mut c, mut d) = (0, 0);
    let mut committed = Vec::new();
    let mut delivered = Vec::new();
    for (i, (mc, md)) in by_month.iter().enumerate() {
        c += mc;
        d += md;
        let open = i >= last && *mc == 0 && *md == 0;
        committed.push((!open).then_some(c));
        delivered.push((!open).then_some(d));
    }
    let labels: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let delivered = crate::chart::Series {
        label: lang.t("chart.delivered").into(),
        colour: "#2e7d32",
        values: delivered,
    };
    // Benefits to persons are committed as they are given: one line says it.
    let series = if p.target == "individual" {
        vec![delivered]
    } else {
        let committed = crate::chart::Series {
            label: lang.t("chart.committed").into(),
            colour: "#1e88e5",
            values: committed,
        };
        vec![committed, delivered]
    };
    let budget_line = lang.t("chart.budget_line");
    let chart = crate::chart::lines(
        &format!("{} {}", lang.t("chart.budget_year"), p.year),
        &labels,
        &series,
        p.budget.map(|b| (budget_line, b)),
    );
    let months = names
        .into_iter()
        .zip(by_month)
        .filter(|(_, (c, d))| *c != 0 || *d != 0)
        .map(|(n, (c, d))| (n, c, d))
        .collect();
    (chart, months)
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, None).await
}

async fn enrol_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let person_id = page::FormData::parse(&body)
        .get("person_id")
        .parse::<i64>()
        .unwrap_or(0);
    match enrol(&state, &s, id, person_id).await {
        Ok(_) => {
            let name = state
                .store
                .person_get(person_id)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.tf("enrolment.done", &[name]),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(&state, &s, ctx, id, Some(&inv)).await
        }
    }
}

async fn benefit_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let mut inv = Invalid::new();
    let amount = num(&mut inv, "amount", &get("amount")).unwrap_or(0);
    let b = BenefitIn {
        person_id: get("person_id").parse().unwrap_or(0),
        kind: get("kind"),
        period: get("period"),
        amount,
        description: Some(get("description")).filter(|d| !d.is_empty()),
    };
    let r = if inv.is_empty() {
        benefit(&state, &s, id, &b).await
    } else {
        Err(inv.into())
    };
    match r {
        Ok(_) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/programmes/{id}"),
                ctx.t("common.save").into(),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(&state, &s, ctx, id, Some(&inv)).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "items.html")]
struct ItemsPage {
    ctx: Ctx,
    items: Vec<ItemOut>,
    can_manage: bool,
    errors: FormErrors,
}

impl ItemsPage {
    fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
}

async fn render_items(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let items = state
        .store
        .items()
        .await?
        .into_iter()
        .map(item_out)
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let page = ItemsPage {
        items,
        can_manage: require_office(s).is_ok(),
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

async fn items_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    render_items(&state, &s, ctx, None).await
}

async fn item_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let mut inv = Invalid::new();
    let price = num(&mut inv, "unit_price", &get("unit_price")).unwrap_or(0);
    let b = ItemIn {
        name: get("name"),
        unit: get("unit"),
        unit_price: price,
        category: Some(get("category")),
    };
    let r = if inv.is_empty() {
        item_create(&state, &s, &b).await
    } else {
        Err(inv.into())
    };
    match r {
        Ok(i) => {
            page::redirect_with_flash(&state, &s, "/items", ctx.tf("item.created", &[i.name])).await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_items(&state, &s, ctx, Some(&inv)).await
        }
    }
}
