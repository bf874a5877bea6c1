//! The trainings JSON API: events, participants, attendance, certificates, partner agencies.
use super::*;
use crate::list::Listed;
use crate::page::Outcome::Again;
pub(crate) use app::trainings::Trainings;

// ---------- API ----------

/// Record presence or absence of a participant on one day.
/// Sent with an `Idempotency-Key` (a phone's queued attendance), the same request sent
/// again records nothing more; the key with another request is 422.
#[utoipa::path(post, path = "/api/v1/trainings/{id}/attendance", tag = "trainings",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 visible ASCII characters, e.g. a UUID; one per queued record")),
    request_body = AttendanceIn,
    responses((status = 200, body = TrainingOut), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_attendance(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::idempotency::IdempotencyKey(key): crate::idempotency::IdempotencyKey,
    crate::json::JsonIn(b): crate::json::JsonIn<AttendanceIn>,
) -> AppResult<Json<TrainingOut>> {
    app::trainings::attendance(&state.app(), &s.caller(), id, &b, key.as_ref()).await?;
    Ok(Json(out(&state, visible(&state, &s, id).await?)))
}

/// The participation certificate of an attending participant (PDF).
#[utoipa::path(get, path = "/api/v1/trainings/{id}/participants/{person_id}/certificate.pdf", tag = "trainings",
    params(("id" = i64, Path), ("person_id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 409, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_certificate(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, Some(person_id)).await
}

pub(super) async fn certificate(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, Some(person_id)).await
}

/// The certificates of every participant who attended, a page each, in one PDF (of the
/// caller's area).
#[utoipa::path(get, path = "/api/v1/trainings/{id}/certificates.pdf", tag = "trainings",
    params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 409, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_certificates(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, None).await
}

pub(super) async fn certificates(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    certificate_response(&state, &s, id, None).await
}

/// A day's attendance: the day and the participants ticked present.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct AttendanceForm {
    day: String,
    present: Vec<i64>,
}

pub(super) async fn attendance_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    page::Form(AttendanceForm { day, present }): page::Form<AttendanceForm>,
) -> AppResult<Response> {
    s.require_write()?;
    let d = visible(&state, &s, id).await?.d;
    for p in &d.participants {
        let b = AttendanceIn {
            person_id: p.person_id,
            day: day.clone(),
            present: present.contains(&p.person_id),
        };
        if let Again(inv) = page::outcome(
            app::trainings::attendance(&state.app(), &s.caller(), id, &b, None).await,
        )? {
            return render_detail(&state, &s, ctx, id, "", Some(&inv)).await;
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

/// List guidance and training events, newest first.
#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings", params(TrainingFilter, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<TrainingOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    l: Listed<Trainings>,
) -> Json<crate::schema::ListOf<TrainingOut>> {
    l.json(|t| {
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
    })
}

crate::export::api_export!(
    api_export,
    Trainings,
    "/api/v1/trainings/export",
    TrainingFilter,
    "Export the filtered guidance and training events as XLSX or CSV; audited."
);

/// Record a guidance or training event.
#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", request_body = TrainingCreate,
    responses((status = 201, body = TrainingOut), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<TrainingCreate>,
) -> AppResult<Response> {
    let d = app::trainings::create(&state.app(), &s.caller(), &b).await?;
    Ok((StatusCode::CREATED, Json(out(&state, seen(&s, d)))).into_response())
}

/// Read an event with its participants.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", params(("id" = i64, Path)),
    responses((status = 200, body = TrainingOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<TrainingOut>> {
    Ok(Json(out(&state, visible(&state, &s, id).await?)))
}

/// Record a participant and whether they attended (again: changes the attendance).
#[utoipa::path(post, path = "/api/v1/trainings/{id}/participants", tag = "trainings", params(("id" = i64, Path)), request_body = ParticipantIn,
    responses((status = 201, body = TrainingOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_participant(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<ParticipantIn>,
) -> AppResult<Response> {
    let d = app::trainings::add_participant(&state.app(), &s.caller(), id, &b).await?;
    Ok((StatusCode::CREATED, Json(out(&state, seen(&s, d)))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct VillageSummary {
    /// Empty for the row of participants from outside the caller's area.
    pub village_code: String,
    pub name: String,
    pub participants: i64,
    pub attended: i64,
}

pub(super) async fn summary(
    state: &AppState,
    s: &Session,
    id: i64,
    lang: domain::Lang,
) -> AppResult<Vec<VillageSummary>> {
    Ok(app::trainings::summary(&state.app(), &s.caller(), id)
        .await?
        .into_iter()
        .map(|v| VillageSummary {
            name: if v.village_code.is_empty() {
                lang.t("training.from_elsewhere").to_string()
            } else {
                state.areas.name(&v.village_code).to_string()
            },
            village_code: v.village_code,
            participants: v.participants,
            attended: v.attended,
        })
        .collect())
}

/// Participants and attendance by their village of origin.
#[utoipa::path(get, path = "/api/v1/trainings/{id}/summary", tag = "trainings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VillageSummary>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_summary(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<VillageSummary>>> {
    Ok(Json(summary(&state, &s, id, lang).await?))
}

/// The managed list of partner agencies.
#[utoipa::path(get, path = "/api/v1/partner-agencies", tag = "trainings", responses((status = 200, body = Vec<String>)))]
pub(crate) async fn api_agencies(
    State(state): State<AppState>,
    Authed(s): Authed,
) -> AppResult<Json<Vec<String>>> {
    Ok(Json(
        app::trainings::partner_agencies(&state.app(), &s.caller()).await?,
    ))
}
