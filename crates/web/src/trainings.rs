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
use axum::{Json, Router};
use domain::guidance::TrainingKind;
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use store::trainings::{NewTraining, TrainingDetail, TrainingFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(list_page).post(create_form))
        .route("/trainings/new", get(new_page))
        .route("/trainings/{id}", get(detail_page))
        .route("/trainings/{id}/participants", post(participant_form))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.route("/trainings", get(api_list).post(api_create))
        .route("/trainings/{id}", get(api_get))
        .route("/trainings/{id}/participants", post(api_participant))
        .route("/trainings/{id}/summary", get(api_summary))
        .route("/partner-agencies", get(api_agencies))
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
}

fn out(state: &AppState, d: TrainingDetail) -> TrainingOut {
    let t = d.training;
    TrainingOut {
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

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<TrainingDetail> {
    let d = state.store.training_get(id).await?;
    if s.sees_district(&d.training.district_code) {
        Ok(d)
    } else {
        Err(AppError::NotFound)
    }
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

// ---------- API ----------

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
            TrainingDetail {
                training: t,
                partner_agencies: Vec::new(),
                participants: Vec::new(),
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
    Ok((StatusCode::CREATED, Json(out(&state, d))).into_response())
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
    Ok((StatusCode::CREATED, Json(out(&state, d))).into_response())
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
}

async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let d = visible(state, s, id).await?;
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
    let t = out(state, d);
    let errors = FormErrors::new(errors, ctx.lang);
    let page = DetailPage {
        kind: kind_label(ctx.lang, &t.kind),
        t,
        summary,
        candidates,
        can_write,
        errors,
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
    let f = page::form_pairs(&body);
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
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
