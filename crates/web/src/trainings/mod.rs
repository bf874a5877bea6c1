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

mod api;
pub(crate) use api::*;
mod pages;
pub(crate) use pages::*;

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
    let bytes = crate::documents::certificate_pdf(
        state,
        &d.training,
        &p.name,
        &village,
        &d.partner_agencies,
    );
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
