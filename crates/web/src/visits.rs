//! Monitoring visits, the health of each KUBE, its technical-guidance status and the
//! mentoring queue: pages `/kube/{id}/visits/new`, `/mentoring`, and the API.
use crate::error::AppResult;
use crate::page::Outcome::{Again, Done};
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::kube::Kube;
use app::visits::Visit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::health::Health;
use domain::kube::Status;
use domain::money::Rupiah;
use domain::visit::VisitInput;
use domain::{Invalid, Lang, Msg};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub(crate) use app::visits::{input_of, VisitIn};

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/kube/{id}/visits/new", get(new_page).post(create_form))
        .route("/mentoring", get(queue_page))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_health))
        .routes(routes!(api_guidance))
        .routes(routes!(api_queue))
}

#[derive(Serialize, serde::Deserialize, ToSchema, Clone)]
pub struct HealthOut {
    /// `berjalan`, `perlu_pendampingan`, `tidak_aktif`, `bubar`, `belum_dinilai`
    #[schema(value_type = String)]
    pub status: Status,
    /// `tumbuh`, `berkembang`, `maju`, or null
    #[schema(value_type = Option<String>)]
    pub level: Option<domain::health::Level>,
    /// Why, in the caller's language.
    pub reasons: Vec<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub assessed_on: Option<app::Date>,
}

pub(crate) fn health_out(h: &Health, lang: Lang) -> HealthOut {
    HealthOut {
        status: h.status,
        level: h.level,
        reasons: h.reasons.iter().map(|m| m.text(lang)).collect(),
        assessed_on: h.assessed_on.map(app::Date),
    }
}

#[derive(Serialize, ToSchema)]
pub struct VisitOut {
    pub id: i64,
    pub kube_id: i64,
    #[schema(value_type = String, format = Date)]
    pub visited_on: app::Date,
    pub operating: bool,
    pub meetings_held: i64,
    pub members_present: i64,
    pub books_up_to_date: bool,
    pub revenue: i64,
    pub expenses: i64,
    /// revenue − expenses
    pub profit: i64,
    pub savings_balance: i64,
    pub asset_count: i64,
    pub asset_value: i64,
    pub problems: Option<String>,
    pub actions: Option<String>,
    pub gps: Option<String>,
}

/// Revenue, profit and savings over a KUBE's visits, oldest first, so a facilitator sees
/// the trend at a glance (nothing under two visits).
pub(crate) fn trend_chart(newest_first: &[VisitOut], lang: domain::Lang) -> String {
    if newest_first.len() < 2 {
        return String::new();
    }
    let vs: Vec<&VisitOut> = newest_first.iter().rev().collect();
    let labels: Vec<String> = vs
        .iter()
        .map(|v| {
            use chrono::Datelike;
            let d = v.visited_on;
            format!(
                "{:02}/{:02}/{:02}",
                d.day(),
                d.month(),
                d.year().rem_euclid(100)
            )
        })
        .collect();
    let series = |key: &str, colour: &'static str, f: fn(&VisitOut) -> i64| crate::chart::Series {
        label: lang.t(key).to_string(),
        colour,
        values: vs.iter().map(|v| Some(f(v))).collect(),
    };
    crate::chart::lines(
        lang.t("chart.trend"),
        &labels,
        &[
            series("chart.revenue", "#1e88e5", |v| v.revenue),
            series("chart.profit", "#2e7d32", |v| v.profit),
            series("chart.savings", "#f9a825", |v| v.savings_balance),
        ],
        None,
    )
}

impl From<Visit> for VisitOut {
    fn from(v: Visit) -> Self {
        VisitOut {
            id: v.id,
            kube_id: v.kube_id,
            visited_on: v.visited_on,
            operating: *v.operating,
            meetings_held: v.meetings_held,
            members_present: v.members_present,
            books_up_to_date: *v.books_up_to_date,
            profit: v.revenue - v.expenses,
            revenue: v.revenue,
            expenses: v.expenses,
            savings_balance: v.savings_balance,
            asset_count: v.asset_count,
            asset_value: v.asset_value,
            problems: v.problems,
            actions: v.actions,
            gps: v.gps,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VisitCreated {
    pub visit: VisitOut,
    /// The KUBE's health after this visit.
    pub health: HealthOut,
}

/// Record a monitoring visit; returns the KUBE's new health.
/// Sent with an `Idempotency-Key` (a phone's queued visit), the same request sent again
/// records nothing more and answers as the first did; the key with another request is 422.
#[utoipa::path(post, path = "/api/v1/kube/{id}/visits", tag = "monitoring",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 visible ASCII characters, e.g. a UUID; one per queued visit")),
    request_body = VisitIn,
    responses((status = 201, body = VisitCreated), (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
    crate::idempotency::IdempotencyKey(key): crate::idempotency::IdempotencyKey,
    crate::json::JsonIn(b): crate::json::JsonIn<VisitIn>,
) -> AppResult<Response> {
    let (v, h) =
        app::visits::record(&state.app(), &s.caller(), id, &input_of(&b), key.as_ref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(VisitCreated {
            visit: v.into(),
            health: health_out(&h, lang),
        }),
    )
        .into_response())
}

/// Visits of a KUBE, newest first.
#[utoipa::path(get, path = "/api/v1/kube/{id}/visits", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VisitOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<VisitOut>>> {
    Ok(Json(
        app::visits::list(&state.app(), &s.caller(), id)
            .await?
            .into_iter()
            .map(VisitOut::from)
            .collect(),
    ))
}

/// The KUBE's health as of today, with reasons.
#[utoipa::path(get, path = "/api/v1/kube/{id}/health", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = HealthOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_health(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<HealthOut>> {
    Ok(Json(health_out(
        &app::visits::health(&state.app(), &s.caller(), id).await?.0,
        lang,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct GuidanceOut {
    /// The officers and the configured share of members attended a `bimbingan_teknis`
    /// of the KUBE's business type.
    pub completed: bool,
    pub attended: usize,
    pub members: usize,
    pub reasons: Vec<String>,
}

/// Whether the KUBE completed technical guidance (aid delivery depends on it).
#[utoipa::path(get, path = "/api/v1/kube/{id}/guidance", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = GuidanceOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_guidance(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<GuidanceOut>> {
    crate::kube_in_scope(&state, &s, id).await?;
    let g = app::trainings::status(&state.app(), id).await?;
    Ok(Json(GuidanceOut {
        completed: g.completed,
        attended: g.attended,
        members: g.members,
        reasons: g.reasons.iter().map(|m| m.text(lang)).collect(),
    }))
}

#[derive(Serialize, ToSchema, Clone)]
pub struct QueueItem {
    pub kube_id: i64,
    pub name: String,
    pub registration_number: String,
    pub village_code: String,
    pub village_name: String,
    #[schema(value_type = String)]
    pub status: Status,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_visit_on: Option<app::Date>,
    /// No visit recorded yet (its first is due a set number of days after forming).
    pub never_visited: bool,
    /// When the next visit is due.
    #[schema(value_type = String, format = Date)]
    pub due_on: app::Date,
    /// `overdue`, `due_soon` (within 7 days) or `later`: the queue's order.
    pub urgency: String,
    /// Days past the due date (0 when not overdue).
    pub overdue_days: i64,
    pub risk: i64,
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct QueueQuery {
    /// Only this village's KUBE (`32.79.04.2002`).
    pub village_code: Option<String>,
}

/// The mentoring queue, most urgent first, and the villages it spans; with `caseload` a
/// pendamping sees only the groups assigned to them.
pub(crate) async fn queue(
    state: &AppState,
    s: &Session,
    caseload: bool,
    village: Option<&str>,
) -> AppResult<(Vec<QueueItem>, Vec<String>)> {
    let q = app::visits::queue(&state.app(), &s.caller(), caseload, village).await?;
    let items = q
        .cases
        .into_iter()
        .map(|c| QueueItem {
            kube_id: c.kube.id,
            village_name: state.areas.name(&c.kube.village_code).to_string(),
            never_visited: c.never_visited(),
            urgency: c.urgency.code().into(),
            risk: c.risk,
            name: c.kube.name,
            registration_number: c.kube.registration_number,
            village_code: c.kube.village_code,
            status: c.kube.status,
            last_visit_on: c.kube.last_visit_on,
            due_on: c.due_on.into(),
            overdue_days: c.overdue_days,
        })
        .collect();
    Ok((items, q.villages))
}

/// KUBE by urgency: overdue visits first, then those due within the week, then the rest;
/// within each, by risk (falling status, problems found).
#[utoipa::path(get, path = "/api/v1/mentoring", tag = "monitoring", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItem>)))]
pub(crate) async fn api_queue(
    State(state): State<AppState>,
    Authed(s): Authed,
    axum::extract::Query(q): axum::extract::Query<QueueQuery>,
) -> AppResult<Json<Vec<QueueItem>>> {
    Ok(Json(
        queue(&state, &s, true, q.village_code.as_deref()).await?.0,
    ))
}

// ---------- pages ----------

/// One band of the queue, under its heading.
struct Band {
    code: &'static str,
    items: Vec<QueueItem>,
}

#[derive(askama::Template)]
#[template(path = "mentoring.html")]
struct QueuePage {
    ctx: Ctx,
    bands: Vec<Band>,
    total: usize,
    shown: usize,
    caseload: bool,
    /// (code, name) of the villages to choose from, and the one chosen.
    villages: Vec<(String, String)>,
    village: String,
}

/// The page shows at most this many groups (the API gives all).
const QUEUE_PAGE_ITEMS: usize = 200;

async fn queue_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    axum::extract::Query(q): axum::extract::Query<QueueQuery>,
) -> AppResult<Response> {
    let village = q.village_code.filter(|v| !v.is_empty());
    let (mut items, codes) = queue(&state, &s, true, village.as_deref()).await?;
    let total = items.len();
    items.truncate(QUEUE_PAGE_ITEMS);
    let shown = items.len();
    let bands = ["overdue", "due_soon", "later"]
        .into_iter()
        .map(|code| Band {
            code,
            items: items
                .iter()
                .filter(|i| i.urgency == code)
                .cloned()
                .collect(),
        })
        .filter(|b| !b.items.is_empty())
        .collect();
    Ok(html(&QueuePage {
        bands,
        total,
        shown,
        villages: codes
            .into_iter()
            .map(|c| {
                let n = state.areas.name(&c).to_string();
                (c, n)
            })
            .collect(),
        village: village.unwrap_or_default(),
        caseload: s.role().is_area_scoped(),
        ctx,
    })?
    .into_response())
}

/// The visit form as typed (numbers as people write them), kept to show it again.
#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct VisitForm {
    pub visited_on: String,
    #[serde(deserialize_with = "domain::yes_no")]
    pub operating: bool,
    pub meetings_held: String,
    pub members_present: String,
    #[serde(deserialize_with = "domain::yes_no")]
    pub books_up_to_date: bool,
    pub revenue: String,
    pub expenses: String,
    pub savings_balance: String,
    pub asset_count: String,
    pub asset_value: String,
    pub problems: String,
    pub actions: String,
    pub gps: String,
}

#[derive(askama::Template)]
#[template(path = "visit_form.html")]
struct FormPage {
    ctx: Ctx,
    k: Kube,
    v: VisitForm,
    errors: FormErrors,
}

async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let k = crate::kube_in_scope(&state, &s, id).await?;
    let v = VisitForm {
        visited_on: state.today().format("%Y-%m-%d").to_string(),
        operating: true,
        ..Default::default()
    };
    Ok(html(&FormPage {
        ctx,
        k,
        v,
        errors: FormErrors::default(),
    })?
    .into_response())
}

fn parse_count(inv: &mut Invalid, field: &str, s: &str) -> i64 {
    let t = s.trim();
    if t.is_empty() {
        return 0;
    }
    t.parse::<i64>().unwrap_or_else(|_| {
        inv.add(field, Msg::new("visit.number_invalid"));
        0
    })
}

fn parse_money(inv: &mut Invalid, field: &str, s: &str) -> Rupiah {
    inv.check(field, Rupiah::parse(s)).unwrap_or(Rupiah::ZERO)
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(f): page::Form<VisitForm>,
) -> AppResult<Response> {
    let mut inv = Invalid::new();
    let some = |x: &str| {
        if x.trim().is_empty() {
            None
        } else {
            Some(x.to_string())
        }
    };
    let input = VisitInput {
        visited_on: f.visited_on.clone(),
        operating: f.operating,
        meetings_held: parse_count(&mut inv, "meetings_held", &f.meetings_held),
        members_present: parse_count(&mut inv, "members_present", &f.members_present),
        books_up_to_date: f.books_up_to_date,
        revenue: parse_money(&mut inv, "revenue", &f.revenue),
        expenses: parse_money(&mut inv, "expenses", &f.expenses),
        savings_balance: parse_money(&mut inv, "savings_balance", &f.savings_balance),
        asset_count: parse_count(&mut inv, "asset_count", &f.asset_count),
        asset_value: parse_money(&mut inv, "asset_value", &f.asset_value),
        problems: some(&f.problems),
        actions: some(&f.actions),
        gps: some(&f.gps),
    };
    let result = if inv.is_empty() {
        app::visits::record(&state.app(), &s.caller(), id, &input, None).await
    } else {
        Err(inv.into())
    };
    match page::outcome(result)? {
        Done((_, h)) => {
            let msg = ctx.tf("visit.recorded", &[ctx.t(h.status.label_key()).to_string()]);
            page::redirect_with_flash(&state, &s, &format!("/kube/{id}"), msg).await
        }
        Again(inv) => {
            let k = crate::kube_in_scope(&state, &s, id).await?;
            let errors = FormErrors::new(Some(&inv), ctx.lang);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                html(&FormPage {
                    ctx,
                    k,
                    v: f,
                    errors,
                })?,
            )
                .into_response())
        }
    }
}
