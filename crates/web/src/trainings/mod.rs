//! Guidance and training events: pages `/trainings…` and `/api/v1/trainings…`.
use crate::error::AppResult;
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::village_options;
use crate::session::{Authed, Session};
use crate::AppState;
use app::trainings::{TrainingDetail, TrainingFilter};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::trainings::TrainingKind;
use domain::{Invalid, Lang};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub(crate) use app::trainings::{days, AttendanceIn, ParticipantIn, Seen, TrainingCreate};

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<Seen> {
    Ok(app::trainings::training(&state.app(), &s.caller(), id).await?)
}

fn seen(s: &Session, d: TrainingDetail) -> Seen {
    app::trainings::seen(&s.caller(), d)
}

mod api;
pub(crate) use api::*;
mod pages;
pub(crate) use pages::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/trainings", get(list_page).post(create_form))
        .route("/trainings/new", get(new_page))
        .route("/trainings/export", get(crate::export::export::<Trainings>))
        .route("/trainings/{id}", get(detail_page))
        .route("/trainings/{id}/participants", post(participant_form))
        .route("/trainings/{id}/attendance", post(attendance_form))
        .route("/trainings/{id}/certificates", get(certificates))
        .route("/trainings/{id}/certificates/{person_id}", get(certificate))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get))
        .routes(routes!(api_participant))
        .routes(routes!(api_summary))
        .routes(routes!(api_attendance))
        .routes(routes!(api_certificate))
        .routes(routes!(api_certificates))
        .routes(routes!(api_agencies))
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct ParticipantOut {
    pub person_id: i64,
    pub name: String,
    pub sex: String,
    pub village_code: String,
    pub attended: bool,
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct TrainingOut {
    pub id: i64,
    pub title: String,
    #[schema(value_type = String)]
    pub kind: TrainingKind,
    pub topic: Option<String>,
    pub business_type: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub starts_on: app::Date,
    #[schema(value_type = String, format = Date)]
    pub ends_on: app::Date,
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
                sex: p.sex.code().to_string(),
                village_code: p.village_code,
                attended: *p.attended,
            })
            .collect(),
    }
}

/// One participant's certificate, or all of the event's (`person_id` none), as a PDF
/// download.
async fn certificate_response(
    state: &AppState,
    s: &Session,
    id: i64,
    person_id: Option<i64>,
) -> AppResult<Response> {
    let (bytes, file) = match person_id {
        Some(p) => (
            app::trainings::certificate(&state.app(), &s.caller(), id, p).await?,
            format!("sertifikat-{id}-{p}.pdf"),
        ),
        None => (
            app::trainings::certificates(&state.app(), &s.caller(), id).await?,
            format!("sertifikat-{id}.pdf"),
        ),
    };
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
