//! Guidance and training events: pages `/trainings…` and `/api/v1/trainings…`.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::{today, village_options};
use crate::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::guidance::TrainingKind;
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use store::trainings::{NewTraining, TrainingDetail, TrainingFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/trainings", get(list_page).post(create_form))
        .route("/trainings/new", get(new_page))
        .route("/trainings/{id}", get(detail_page))
        .route("/trainings/{id}/participants", post(participant_form))
        .route("/trainings/{id}/attendance", post(attendance_form))
        .route("/trainings/{id}/certificates/{person_id}", get(certificate))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_participant))
        .routes(routes!(api_summary))
        .routes(routes!(api_attendance))
        .routes(routes!(api_certificate))
        .routes(routes!(api_agencies))
}

#[derive(Deserialize, ToSchema, Default, Clone)]
pub struct TrainingCreate {
    pub title: String,
    /// `bimbingan_sosial`, `bimbingan_teknis` or `pelatihan`
    pub kind: String,
    pub topic: Option<String>,
    /// Required for `bimbingan_teknis`: the business the guidance is about.
    pub business_type: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    /// Venue: a village of the region.
    pub village_code: String,
    pub organiser: Option<String>,
    pub trainers: Option<String>,
    /// Names; a new name is added to the managed list.
    #[serde(default)]
    pub partner_agencies: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantOut {
    pub person_id: i64,
    pub name: String,
    pub sex: String,
    pub village_code: String,
    pub attended: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TrainingOut {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub topic: Option<String>,
    pub business_type: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub village_code: String,
    pub village_name: String,
    pub organiser: Option<String>,
    pub trainers: Option<String>,
    pub partner_agencies: Vec<String>,
    pub participants: Vec<ParticipantOut>,
    /// Participants from outside the caller's area: counted, not listed.
    pub participants_elsewhere: usize,
}

fn out(state: &AppState, Seen { d, elsewhere }: Seen) -> TrainingOut {
    let t = d.training;
    TrainingOut {
        participants_elsewhere: elsewhere,
        village_name: state.areas.name(&t.village_code).to_string(),
        id: t.id,
        title: t.title,
        kind: t.kind,
        topic: t.topic,
        business_type: t.business_type,
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        village_code: t.village_code,
        organiser: t.organiser,
        trainers: t.trainers,
        partner_agencies: d.partner_agencies,
        participants: d
            .participants
            .into_iter()
            .map(|p| ParticipantOut {
                person_id: p.person_id,
                name: p.name,
                sex: p.sex,
                village_code: p.village_code,
                attended: p.attended != 0,
            })
            .collect(),
    }
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

async fn create(state: &AppState, s: &Session, b: &TrainingCreate) -> AppResult<TrainingDetail> {
    s.require_write()?;
    let mut inv = Invalid::new();
    let title = b.title.trim().to_string();
    if title.is_empty() {
        inv.add("title", Msg::new("common.required"));
    } else if title.chars().count() > 200 {
        inv.add("title", Msg::new("common.too_long").arg(200));
    }
    let kind = inv.check("kind", TrainingKind::parse(&b.kind));
    let starts = inv.check("starts_on", domain::person::parse_date(&b.starts_on));
    let ends = inv.check("ends_on", domain::person::parse_date(&b.ends_on));
    if let (Some(a), Some(z)) = (starts, ends) {
        if z < a {
            inv.add("ends_on", Msg::new("training.ends_before_start"));
        }
    }
    let village = inv.check(
        "village_code",
        state
            .areas
            .village_in(&state.config.region, &b.village_code),
    );
    if let Some(v) = &village {
        if !s.sees_district(v.district().as_str()) {
            inv.add("village_code", Msg::new("area.outside_scope"));
        }
    }
    let business_type = opt(&b.business_type);
    let codes: Vec<String> = state
        .store
        .business_types()
        .await?
        .into_iter()
        .map(|b| b.code)
        .collect();
    match (&business_type, kind) {
        (Some(bt), _) if !codes.contains(bt) => {
            inv.add("business_type", Msg::new("kube.business_type_invalid"))
        }
        (None, Some(TrainingKind::BimbinganTeknis)) => inv.add(
            "business_type",
            Msg::new("training.business_type_for_teknis"),
        ),
        _ => {}
    }
    let mut agencies: Vec<String> = Vec::new();
    for a in b
        .partner_agencies
        .iter()
        .flat_map(|a| a.split(','))
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        if a.chars().count() > 120 {
            inv.add("partner_agencies", Msg::new("common.too_long").arg(120));
        } else if !agencies.iter().any(|x| x.eq_ignore_ascii_case(a)) {
            agencies.push(a.to_string());
        }
    }
    inv.into_result()?;
    let (Some(kind), Some(starts), Some(ends), Some(village)) = (kind, starts, ends, village)
    else {
        return Err(AppError::Internal);
    };
    let t = NewTraining {
        title,
        kind: kind.code().into(),
        topic: opt(&b.topic),
        business_type,
        starts_on: starts.format("%Y-%m-%d").to_string(),
        ends_on: ends.format("%Y-%m-%d").to_string(),
        district_code: village.district().as_str().into(),
        village_code: village.as_str().into(),
        organiser: opt(&b.organiser),
        trainers: opt(&b.trainers),
        agencies,
    };
    Ok(state.store.training_create(&s.actor(), &t).await?)
}

/// An event as the caller sees it: participants from outside their area are only
/// counted, never named (an event in their kecamatan may gather the whole city).
struct Seen {
    d: TrainingDetail,
    elsewhere: usize,
}

fn seen(s: &Session, mut d: TrainingDetail) -> Seen {
    let before = d.participants.len();
    d.participants
        .retain(|p| s.sees_district(p.village_code.get(..8).unwrap_or("")));
    let elsewhere = before - d.participants.len();
    Seen { d, elsewhere }
}

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<Seen> {
    Ok(seen(
        s,
        app::scope::training(&state.app(), &s.caller(), id).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ParticipantIn {
    pub person_id: i64,
    #[serde(default)]
    pub attended: bool,
}

async fn add_participant(
    state: &AppState,
    s: &Session,
    id: i64,
    p: &ParticipantIn,
) -> AppResult<TrainingDetail> {
    s.require_write()?;
    visible(state, s, id).await?;
    // Participants come from the caller's area like every other record they touch.
    let person = state.store.person_get(p.person_id).await.map_err(|_| {
        AppError::invalid(
            "person_id",
            Msg::new("kube.person_unknown").arg(p.person_id),
        )
    })?;
    if !s.sees_district(&person.district_code) {
        return Err(AppError::invalid(
            "person_id",
            Msg::new("area.outside_scope"),
        ));
    }
    Ok(state
        .store
        .training_participant(&s.actor(), id, p.person_id, p.attended)
        .await?)
}

/// The days of an event (at most 31).
fn days(t: &store::trainings::Training) -> Vec<String> {
    let (Ok(a), Ok(z)) = (
        domain::person::parse_date(&t.starts_on),
        domain::person::parse_date(&t.ends_on),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut d = a;
    while d <= z && out.len() < 31 {
        out.push(d.format("%Y-%m-%d").to_string());
        d += chrono::Duration::days(1);
    }
    out
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceIn {
    pub person_id: i64,
    /// `YYYY-MM-DD`, a day of the event.
    pub day: String,
    pub present: bool,
}

async fn attendance(state: &AppState, s: &Session, id: i64, b: &AttendanceIn) -> AppResult<()> {
    s.require_write()?;
    let d = visible(state, s, id).await?.d;
    if !days(&d.training).contains(&b.day.trim().to_string()) {
        return Err(AppError::invalid("day", Msg::new("training.day_outside")));
    }
    if !d.participants.iter().any(|p| p.person_id == b.person_id) {
        return Err(AppError::invalid(
            "person_id",
            Msg::new("training.not_participant"),
        ));
    }
    Ok(state
        .store
        .training_attendance(&s.actor(), id, b.person_id, b.day.trim(), b.present)
        .await?)
}

/// A participant's participation certificate, as PDF.
pub fn certificate_pdf(
    state: &AppState,
    t: &store::trainings::Training,
    name: &str,
    village: &str,
    agencies: &[String],
) -> Vec<u8> {
    use pdf::{Align, Font};
    let mut doc = crate::documents::document(state, &format!("Sertifikat {name}"));
    let mut pg = doc.page();
    let mid = pdf::WIDTH / 2.0;
    let cfg = &state.config;
    pg.rect(36.0, 36.0, pdf::WIDTH - 72.0, pdf::HEIGHT - 72.0, 2.0);
    pg.rect(44.0, 44.0, pdf::WIDTH - 88.0, pdf::HEIGHT - 88.0, 0.5);
    let mut y = 740.0;
    pg.text(
        mid,
        y,
        12.0,
        Font::Bold,
        Align::Center,
        &format!(
            "PEMERINTAH {}",
            state.areas.name(cfg.region.as_str()).to_uppercase()
        ),
    );
    y -= 16.0;
    pg.text(
        mid,
        y,
        13.0,
        Font::Bold,
        Align::Center,
        &cfg.office_name.to_uppercase(),
    );
    y -= 80.0;
    pg.text(mid, y, 26.0, Font::Bold, Align::Center, "SERTIFIKAT");
    y -= 40.0;
    pg.text(
        mid,
        y,
        12.0,
        Font::Regular,
        Align::Center,
        "diberikan kepada",
    );
    y -= 36.0;
    pg.text(mid, y, 20.0, Font::Bold, Align::Center, name);
    y -= 20.0;
    pg.text(mid, y, 11.0, Font::Regular, Align::Center, village);
    y -= 40.0;
    let kind = TrainingKind::parse(&t.kind)
        .map(|k| Lang::Id.t(k.label_key()))
        .unwrap_or("");
    let period = match (
        domain::person::parse_date(&t.starts_on),
        domain::person::parse_date(&t.ends_on),
    ) {
        (Ok(a), Ok(z)) if a == z => domain::aid::tanggal(a),
        (Ok(a), Ok(z)) => format!(
            "{} s.d. {}",
            domain::aid::tanggal(a),
            domain::aid::tanggal(z)
        ),
        _ => t.starts_on.clone(),
    };
    for line in pdf::wrap(
        &format!(
            "sebagai peserta {kind} \"{}\" yang diselenggarakan pada {period} di {}.",
            t.title,
            state.areas.name(&t.village_code)
        ),
        420.0,
        12.0,
        Font::Regular,
    ) {
        pg.text(mid, y, 12.0, Font::Regular, Align::Center, &line);
        y -= 18.0;
    }
    if !agencies.is_empty() {
        y -= 6.0;
        pg.text(
            mid,
            y,
            10.0,
            Font::Regular,
            Align::Center,
            &format!("bekerja sama dengan {}", agencies.join(", ")),
        );
    }
    pg.text(
        mid + 120.0,
        210.0,
        11.0,
        Font::Regular,
        Align::Center,
        &cfg.office_name,
    );
    pg.line(mid + 50.0, 140.0, mid + 190.0, 140.0, 0.5);
    pg.text(
        mid + 120.0,
        126.0,
        10.0,
        Font::Regular,
        Align::Center,
        "Kepala Bidang",
    );
    pg.finish();
    doc.to_bytes()
}

async fn certificate_response(
    state: &AppState,
    s: &Session,
    id: i64,
    person_id: i64,
) -> AppResult<Response> {
    let d = visible(state, s, id).await?.d;
    let p = d
        .participants
        .iter()
        .find(|p| p.person_id == person_id)
        .ok_or(AppError::NotFound)?;
    if p.attended == 0 {
        return Err(AppError::Conflict {
            field: "person_id".into(),
            msg: Msg::new("training.certificate_not_attended"),
        });
    }
    let village = state.areas.name(&p.village_code).to_string();
    let bytes = certificate_pdf(state, &d.training, &p.name, &village, &d.partner_agencies);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"sertifikat-{id}-{person_id}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------- API ----------

/// Record presence or absence of a participant on one day.
#[utoipa::path(post, path = "/api/v1/trainings/{id}/attendance", tag = "trainings", params(("id" = i64, Path)), request_body = AttendanceIn,
    responses((status = 200, body = TrainingOut), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_attendance(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<AttendanceIn>,
) -> AppResult<Json<TrainingOut>> {
    attendance(&state, &s, id, &b).await?;
    Ok(Json(out(&state, visible(&state, &s, id).await?)))
}

/// The participation certificate of an attending participant (PDF).
#[utoipa::path(get, path = "/api/v1/trainings/{id}/participants/{person_id}/certificate.pdf", tag = "trainings",
    params(("id" = i64, Path), ("person_id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 409, body = crate::api::ErrorBody)))]
pub(crate) async fn api_certificate(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, person_id).await
}

async fn certificate(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, person_id).await
}

async fn attendance_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    s.require_write()?;
    let f = page::FormData::parse(&body);
    let day = f.get("day");
    let present: Vec<i64> = f
        .all("present")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let d = visible(&state, &s, id).await?.d;
    for p in &d.participants {
        let b = AttendanceIn {
            person_id: p.person_id,
            day: day.clone(),
            present: present.contains(&p.person_id),
        };
        if let Err(AppError::Invalid(inv)) = attendance(&state, &s, id, &b).await {
            return render_detail(&state, &s, ctx, id, Some(&inv)).await;
        }
    }
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/trainings/{id}"),
        ctx.tf("training.attendance_saved", &[day]),
    )
    .await
}

// ---------- API (events) ----------

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// List guidance and training events, newest first.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", params(ListQuery),
    responses((status = 200, body = crate::api::ListOf<TrainingOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::api::ListOf<TrainingOut>>> {
    let f = TrainingFilter {
        kind: q.kind.clone(),
        year: q.year,
        q: q.q.clone(),
    };
    let page = state
        .store
        .training_list(&f, s.district_scope(), Paging::new(q.limit, q.offset))
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, |t| {
        out(
            &state,
            Seen {
                d: TrainingDetail {
                    training: t,
                    partner_agencies: Vec::new(),
                    participants: Vec::new(),
                },
                elsewhere: 0,
            },
        )
    })))
}

/// Record a guidance or training event.
#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", request_body = TrainingCreate,
    responses((status = 201, body = TrainingOut), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<TrainingCreate>,
) -> AppResult<Response> {
    let d = create(&state, &s, &b).await?;
    Ok((StatusCode::CREATED, Json(out(&state, seen(&s, d)))).into_response())
}

/// Read an event with its participants.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", params(("id" = i64, Path)),
    responses((status = 200, body = TrainingOut), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<TrainingOut>> {
    Ok(Json(out(&state, visible(&state, &s, id).await?)))
}

/// Record a participant and whether they attended (again: changes the attendance).
#[utoipa::path(post, path = "/api/v1/trainings/{id}/participants", tag = "trainings", params(("id" = i64, Path)), request_body = ParticipantIn,
    responses((status = 201, body = TrainingOut), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_participant(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<ParticipantIn>,
) -> AppResult<Response> {
    let d = add_participant(&state, &s, id, &b).await?;
    Ok((StatusCode::CREATED, Json(out(&state, seen(&s, d)))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct VillageSummary {
    pub village_code: String,
    pub name: String,
    pub participants: i64,
    pub attended: i64,
}

async fn summary(state: &AppState, s: &Session, id: i64) -> AppResult<Vec<VillageSummary>> {
    visible(state, s, id).await?;
    Ok(state
        .store
        .training_summary(id)
        .await?
        .into_iter()
        .map(|v| VillageSummary {
            name: state.areas.name(&v.village_code).to_string(),
            village_code: v.village_code,
            participants: v.participants,
            attended: v.attended,
        })
        .collect())
}

/// Participants and attendance by their village of origin.
#[utoipa::path(get, path = "/api/v1/trainings/{id}/summary", tag = "trainings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VillageSummary>), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_summary(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<VillageSummary>>> {
    Ok(Json(summary(&state, &s, id).await?))
}

/// The managed list of partner agencies.
#[utoipa::path(get, path = "/api/v1/partner-agencies", tag = "trainings", responses((status = 200, body = Vec<String>)))]
pub(crate) async fn api_agencies(
    State(state): State<AppState>,
    Authed(_caller): Authed,
) -> AppResult<Json<Vec<String>>> {
    Ok(Json(state.store.partner_agencies().await?))
}

// ---------- pages ----------

fn kind_label(lang: Lang, code: &str) -> &'static str {
    TrainingKind::parse(code)
        .map(|k| lang.t(k.label_key()))
        .unwrap_or("")
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub dates: String,
    pub village: String,
}

#[derive(askama::Template)]
#[template(path = "trainings_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    pager: Pager,
    can_write: bool,
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let f = TrainingFilter {
        kind: q.kind.clone(),
        year: q.year,
        q: q.q.clone(),
    };
    let page = state
        .store
        .training_list(&f, s.district_scope(), Paging::new(Some(50), q.offset))
        .await?;
    let pager = Pager::new(&page, "/trainings", &page::query_pairs(&uri));
    let rows = page
        .items
        .into_iter()
        .map(|t| Row {
            id: t.id,
            kind: kind_label(ctx.lang, &t.kind),
            dates: if t.starts_on == t.ends_on {
                t.starts_on.clone()
            } else {
                format!("{} – {}", t.starts_on, t.ends_on)
            },
            village: state.areas.name(&t.village_code).to_string(),
            title: t.title,
        })
        .collect();
    Ok(html(&ListPage {
        rows,
        pager,
        can_write: s.role().can_write(),
        ctx,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "training_form.html")]
struct FormPage {
    ctx: Ctx,
    v: TrainingCreate,
    kinds: Vec<(&'static str, &'static str)>,
    business_types: Vec<(String, String)>,
    villages: Vec<(String, String, String)>,
    agencies: Vec<String>,
    errors: FormErrors,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    v: TrainingCreate,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let errors = FormErrors::new(errors, lang);
    let page = FormPage {
        kinds: TrainingKind::ALL
            .iter()
            .map(|k| (k.code(), lang.t(k.label_key())))
            .collect(),
        business_types: state
            .store
            .business_types()
            .await?
            .into_iter()
            .map(|b| (b.code, if lang == Lang::En { b.name_en } else { b.name }))
            .collect(),
        villages: village_options(state, s),
        agencies: state.store.partner_agencies().await?,
        v,
        ctx,
        errors,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    s.require_write()?;
    let today = today().format("%Y-%m-%d").to_string();
    let v = TrainingCreate {
        kind: "bimbingan_teknis".into(),
        starts_on: today.clone(),
        ends_on: today,
        ..Default::default()
    };
    form_page(&state, &s, ctx, v, None).await
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let mut v = TrainingCreate::default();
    let some = |x: String| if x.trim().is_empty() { None } else { Some(x) };
    for (k, val) in page::form_pairs(&body) {
        match k.as_str() {
            "title" => v.title = val,
            "kind" => v.kind = val,
            "topic" => v.topic = some(val),
            "business_type" => v.business_type = some(val),
            "starts_on" => v.starts_on = val,
            "ends_on" => v.ends_on = val,
            "village_code" => v.village_code = val,
            "organiser" => v.organiser = some(val),
            "trainers" => v.trainers = some(val),
            "partner_agencies" => v.partner_agencies.push(val),
            _ => {}
        }
    }
    match create(&state, &s, &v).await {
        Ok(d) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/trainings/{}", d.training.id),
                ctx.tf("training.created", &[d.training.title]),
            )
            .await
        }
        Err(AppError::Invalid(inv)) => form_page(&state, &s, ctx, v, Some(&inv)).await,
        Err(e) => Err(e),
    }
}

#[derive(askama::Template)]
#[template(path = "training_detail.html")]
struct DetailPage {
    ctx: Ctx,
    t: TrainingOut,
    kind: &'static str,
    summary: Vec<VillageSummary>,
    candidates: Vec<(i64, String, String)>,
    can_write: bool,
    errors: FormErrors,
    days: Vec<String>,
    present: Vec<(i64, String)>,
}

impl DetailPage {
    fn was_present(&self, person_id: &i64, day: &str) -> bool {
        self.present.iter().any(|(p, d)| p == person_id && d == day)
    }
}

async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let seen = visible(state, s, id).await?;
    let d = &seen.d;
    let summary = summary(state, s, id).await?;
    let can_write = s.role().can_write();
    // Persons of the caller's area who are not participants yet: (id, name, village).
    let candidates = if can_write {
        let taken: std::collections::HashSet<i64> =
            d.participants.iter().map(|p| p.person_id).collect();
        let page = state
            .store
            .person_list(
                &store::persons::PersonFilter {
                    district_code: Some(d.training.district_code.clone()),
                    ..Default::default()
                },
                s.district_scope(),
                Paging::new(Some(500), None),
            )
            .await?;
        page.items
            .into_iter()
            .filter(|p| !taken.contains(&p.id))
            .map(|p| (p.id, p.name, state.areas.name(&p.village_code).to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let days = days(&d.training);
    let present = state.store.training_days(id).await?;
    let t = out(state, seen);
    let errors = FormErrors::new(errors, ctx.lang);
    let page = DetailPage {
        kind: kind_label(ctx.lang, &t.kind),
        t,
        summary,
        candidates,
        can_write,
        errors,
        days,
        present,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, None).await
}

async fn participant_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let Ok(person_id) = get("person_id").parse::<i64>() else {
        return render_detail(
            &state,
            &s,
            ctx,
            id,
            Some(&Invalid::field("person_id", Msg::new("common.required"))),
        )
        .await;
    };
    let attended = !get("attended").is_empty();
    match add_participant(
        &state,
        &s,
        id,
        &ParticipantIn {
            person_id,
            attended,
        },
    )
    .await
    {
        Ok(d) => {
            let name = d
                .participants
                .iter()
                .find(|p| p.person_id == person_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/trainings/{id}"),
                ctx.tf("training.participant_added", &[name]),
            )
            .await
        }
        Err(AppError::Invalid(inv)) => render_detail(&state, &s, ctx, id, Some(&inv)).await,
        Err(e) => Err(e),
    }
}
