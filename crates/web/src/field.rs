//! The field app for facilitators' phones: `/field/` (installable: a web app manifest and
//! a service worker scoped to `/field/`), which keeps the caseload on the phone
//! (`GET /api/v1/field/caseload`) and queues visits and attendance while there is no
//! signal, sending them with idempotency keys (`crate::idempotency`) when it returns.
//! The page works without JavaScript as a list of the caseload linking to the visit form.
use crate::error::AppResult;
use crate::page::{html, Ctx, PageAuth};
use crate::session::Authed;
use crate::visits::VisitOut;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/field", get(|_: Authed| async { Redirect::to("/field/") }))
        .route("/field/", get(page))
        .route("/field/manifest.webmanifest", get(manifest))
        .route("/field/sw.js", get(worker))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_caseload))
}

#[derive(Serialize, ToSchema)]
pub struct MemberRef {
    pub person_id: i64,
    pub name: String,
    /// `ketua`, `sekretaris`, `bendahara` or `anggota`.
    pub role: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldKubeOut {
    pub id: i64,
    pub name: String,
    pub registration_number: String,
    pub village_name: String,
    pub status: String,
    /// The latest checklist's level, if assessed.
    pub level: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub due_on: app::Date,
    /// `overdue`, `due_soon` (within 7 days) or `later`.
    pub urgency: String,
    pub overdue_days: i64,
    pub members: Vec<MemberRef>,
    pub last_visit: Option<VisitOut>,
}

#[derive(Serialize, ToSchema)]
pub struct PresentOut {
    pub person_id: i64,
    #[schema(format = Date)]
    pub day: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldTrainingOut {
    pub id: i64,
    pub title: String,
    pub village_name: String,
    #[schema(value_type = String, format = Date)]
    pub starts_on: app::Date,
    #[schema(value_type = String, format = Date)]
    pub ends_on: app::Date,
    /// The days attendance is taken on.
    pub days: Vec<String>,
    pub participants: Vec<MemberRef>,
    /// Who was recorded present on which day.
    pub present: Vec<PresentOut>,
}

/// What the phone keeps: whose caseload it is (a phone may change hands), the caseload,
/// and the events taking attendance.
#[derive(Serialize, ToSchema)]
pub struct CaseloadOut {
    pub username: String,
    /// The session's CSRF token, for the photo uploads of a browser session.
    pub csrf: String,
    #[schema(value_type = String, format = Date)]
    pub today: app::Date,
    /// When the server read it (RFC 3339 UTC): the phone keeps the newer copy.
    pub served_at: String,
    pub kube: Vec<FieldKubeOut>,
    pub trainings: Vec<FieldTrainingOut>,
}

async fn caseload_out(state: &AppState, s: &crate::session::Session) -> AppResult<CaseloadOut> {
    let cx = state.app();
    let load = app::field::caseload(&cx, &s.caller()).await?;
    let name = |code: &str| state.areas.name(code).to_string();
    let kube = load
        .kube
        .into_iter()
        .map(|k| FieldKubeOut {
            id: k.case.kube.id,
            village_name: name(&k.case.kube.village_code),
            status: k.case.kube.status.code().into(),
            level: k.case.kube.level.map(|l| l.0.code().to_string()),
            due_on: k.case.due_on.into(),
            urgency: k.case.urgency.code().into(),
            overdue_days: k.case.overdue_days,
            members: k
                .members
                .into_iter()
                .map(|(person_id, name, role)| MemberRef {
                    person_id,
                    name,
                    role: role.into(),
                })
                .collect(),
            last_visit: k.last_visit.map(VisitOut::from),
            name: k.case.kube.name,
            registration_number: k.case.kube.registration_number,
        })
        .collect();
    let trainings = load
        .trainings
        .into_iter()
        .map(|t| FieldTrainingOut {
            id: t.training.id,
            village_name: name(&t.training.village_code),
            starts_on: t.training.starts_on,
            ends_on: t.training.ends_on,
            title: t.training.title,
            days: t.days,
            participants: t
                .participants
                .into_iter()
                .map(|(person_id, name)| MemberRef {
                    person_id,
                    name,
                    role: String::new(),
                })
                .collect(),
            present: t
                .present
                .into_iter()
                .map(|(person_id, day)| PresentOut { person_id, day })
                .collect(),
        })
        .collect();
    Ok(CaseloadOut {
        username: s.user().username.clone(),
        csrf: s.info.csrf.clone(),
        today: cx.today().into(),
        served_at: app::ts(state.clock().now()),
        kube,
        trainings,
    })
}

/// The caller's caseload for the field app: their groups (a pendamping's own; an office
/// role's whole area) with members and the last visit, most urgent first, and the
/// guidance events of their area taking attendance (a fortnight back to a week ahead).
/// Names only: no NIK or birth date goes to the phone.
#[utoipa::path(get, path = "/api/v1/field/caseload", tag = "monitoring",
    responses((status = 200, body = CaseloadOut), (status = 403, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_caseload(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Json<CaseloadOut>> {
    Ok(Json(caseload_out(&state, &s).await?))
}

#[derive(askama::Template)]
#[template(path = "field.html")]
struct FieldPage {
    ctx: Ctx,
    load: CaseloadOut,
    /// The texts the script shows, in the page's language (JSON).
    texts: String,
    /// The caseload as the API answers it (JSON).
    data: String,
}

/// The texts `static/field.js` shows, by key: the page carries them, so the app works
/// offline in the language it was opened in.
const TEXTS: &[&str] = &[
    "field.online",
    "field.offline",
    "field.updated",
    "field.queue_empty",
    "field.sending",
    "field.sent",
    "field.refused",
    "field.discard",
    "field.discard_confirm",
    "field.location_failed",
    "field.attendance",
    "field.queued",
    "field.members",
    "field.none",
    "field.trainings",
    "field.visit_of",
    "field.attendance_of",
    "visit.new",
    "visit.profit",
    "visit.revenue",
    "visit.savings_balance",
    "mentoring.due",
    "mentoring.last_visit",
    "mentoring.never",
    "mentoring.overdue",
    "mentoring.band.overdue",
    "mentoring.band.due_soon",
    "mentoring.band.later",
    "status.berjalan",
    "status.perlu_pendampingan",
    "status.tidak_aktif",
    "status.bubar",
    "status.belum_dinilai",
    "level.tumbuh",
    "level.berkembang",
    "level.maju",
    "member_role.ketua",
    "member_role.sekretaris",
    "member_role.bendahara",
    "member_role.anggota",
    "error.internal",
];

/// JSON to place inside a `<script>` element: a `</` must not end it.
fn script_json(v: &impl Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_default()
        .replace("</", "<\\/")
}

async fn page(State(state): State<AppState>, PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    let load = caseload_out(&state, &s).await?;
    let texts: serde_json::Map<String, serde_json::Value> = TEXTS
        .iter()
        .map(|k| (k.to_string(), serde_json::json!(ctx.t(k))))
        .collect();
    let texts = script_json(&texts);
    // The caseload rides in the page (read once): the script keeps it on the phone.
    let data = script_json(&load);
    let mut r = html(&FieldPage {
        ctx,
        load,
        texts,
        data,
    })?
    .into_response();
    // The service worker keeps its own copy for work offline; the browser's cache must
    // not serve another account's.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
    Ok(r)
}

async fn manifest(ctx: crate::session::ReqLang) -> Response {
    let crate::session::ReqLang(lang) = ctx;
    let body = serde_json::json!({
        "name": lang.t("field.app_name"),
        "short_name": "SIKUBE",
        "lang": lang.code(),
        "start_url": "/field/",
        "scope": "/field/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#2e7d32",
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"}
        ]
    });
    (
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
        .into_response()
}

/// The service worker, from its own path so that its scope is `/field/`; never cached by
/// the browser (a new version must reach the phones).
async fn worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../static/field-sw.js"),
    )
        .into_response()
}
