//! Files attached to proposals (documents, photos), to monitoring visits (photos) and
//! photos of a person (with their consent).
//! Access follows the record: whoever may see the proposal or the KUBE may see its files.
use crate::error::AppResult;
use crate::page::{self, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::attachments::AttachmentInfo;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::attachment::MAX_BYTES;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/attachments/{id}", get(download))
        .route("/proposals/{id}/attachments", post(proposal_form))
        .route("/visits/{id}/photos", post(visit_form))
        .route("/persons/{id}/photos", post(person_form))
        .layer_body_limit(MAX_BYTES + 64 * 1024)
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_add).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)))
        .routes(routes!(api_visit_photo).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)))
        .routes(
            routes!(api_person_photos, api_person_photo)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .routes(routes!(api_download))
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub created_at: String,
}

impl From<AttachmentInfo> for AttachmentOut {
    fn from(a: AttachmentInfo) -> Self {
        AttachmentOut {
            id: a.id,
            filename: a.filename,
            mime: a.mime,
            size: a.size,
            created_at: a.created_at,
        }
    }
}

async fn add(
    state: &AppState,
    s: &Session,
    entity: &str,
    id: i64,
    name: &str,
    bytes: &[u8],
) -> AppResult<AttachmentInfo> {
    Ok(app::attachments::add(&state.app(), &s.caller(), entity, id, name, bytes).await?)
}

pub(crate) async fn list(
    state: &AppState,
    s: &Session,
    entity: &str,
    id: i64,
) -> AppResult<Vec<AttachmentOut>> {
    Ok(
        app::attachments::list(&state.app(), &s.caller(), entity, id)
            .await?
            .into_iter()
            .map(AttachmentOut::from)
            .collect(),
    )
}

async fn file(state: &AppState, s: &Session, id: i64) -> AppResult<Response> {
    let (info, content) = app::attachments::get(&state.app(), &s.caller(), id).await?;
    // Served as an attachment with its sniffed type: never rendered as a page.
    Ok((
        [
            (header::CONTENT_TYPE, info.mime.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", info.filename),
            ),
            (header::CACHE_CONTROL, "private, no-store".into()),
        ],
        content,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NameQuery {
    /// The file's name (the type is decided by the content).
    pub filename: Option<String>,
}

/// Attach a file (raw body: JPEG, PNG or PDF, at most 5 MB) to a proposal.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/attachments", tag = "aid", params(("id" = i64, Path), NameQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_add(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<NameQuery>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    created(&state, &s, "proposal", id, &q, &body, None).await
}

/// An upload through the API: the file attached to `entity` `id`, answered 201.
async fn created(
    state: &AppState,
    s: &Session,
    entity: &str,
    id: i64,
    q: &NameQuery,
    body: &[u8],
    key: Option<&app::idempotency::Key>,
) -> AppResult<Response> {
    let name = q.filename.as_deref().unwrap_or("");
    let a =
        app::attachments::add_once(&state.app(), &s.caller(), entity, id, name, body, key).await?;
    Ok((StatusCode::CREATED, Json(AttachmentOut::from(a))).into_response())
}

/// The files of a proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/attachments", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AttachmentOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AttachmentOut>>> {
    Ok(Json(list(&state, &s, "proposal", id).await?))
}

/// Attach a photo (JPEG or PNG) to a monitoring visit. Sent with an `Idempotency-Key` (a
/// phone's queued photo), the same photo sent again is stored once.
#[utoipa::path(post, path = "/api/v1/visits/{id}/photos", tag = "monitoring",
    params(("id" = i64, Path), NameQuery, ("Idempotency-Key" = Option<String>, Header, description = "1–100 visible ASCII characters, e.g. a UUID; one per queued photo")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_visit_photo(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<NameQuery>,
    crate::idempotency::IdempotencyKey(key): crate::idempotency::IdempotencyKey,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    created(&state, &s, "visit", id, &q, &body, key.as_ref()).await
}

/// Attach a photo (JPEG or PNG) of the person: only while their consent to photos is in
/// force (`POST /api/v1/persons/{id}/consents`); withdrawing it deletes them.
#[utoipa::path(post, path = "/api/v1/persons/{id}/photos", tag = "persons",
    params(("id" = i64, Path), NameQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_person_photo(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Query(q): Query<NameQuery>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    created(&state, &s, "person", id, &q, &body, None).await
}

/// The photos of a person.
#[utoipa::path(get, path = "/api/v1/persons/{id}/photos", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AttachmentOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_person_photos(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AttachmentOut>>> {
    Ok(Json(list(&state, &s, "person", id).await?))
}

/// Download an attached file.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_download(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    file(&state, &s, id).await
}

async fn download(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    file(&state, &s, id).await
}

/// The file of a multipart form (`file` field).
async fn form_file(mut mp: Multipart) -> Option<(String, Vec<u8>)> {
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            return field.bytes().await.ok().map(|b| (name, b.to_vec()));
        }
    }
    None
}

async fn upload_form(
    state: &AppState,
    s: &Session,
    ctx: &crate::page::Ctx,
    entity: &str,
    id: i64,
    back: &str,
    mp: Multipart,
) -> AppResult<Response> {
    let (name, bytes) = form_file(mp).await.unwrap_or_default();
    let msg = match page::outcome(add(state, s, entity, id, &name, &bytes).await)? {
        page::Outcome::Done(a) => ctx.tf("attachment.added", &[a.filename]),
        page::Outcome::Again(inv) => inv
            .fields
            .values()
            .map(|m| m.text(ctx.lang))
            .collect::<Vec<_>>()
            .join("; "),
    };
    page::redirect_with_flash(state, s, back, msg).await
}

async fn proposal_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> AppResult<Response> {
    upload_form(
        &state,
        &s,
        &ctx,
        "proposal",
        id,
        &format!("/proposals/{id}"),
        mp,
    )
    .await
}

async fn visit_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> AppResult<Response> {
    let kube_id = app::scope::visit_kube(&state.app(), &s.caller(), id)
        .await?
        .id;
    upload_form(
        &state,
        &s,
        &ctx,
        "visit",
        id,
        &format!("/kube/{kube_id}"),
        mp,
    )
    .await
}

async fn person_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> AppResult<Response> {
    upload_form(
        &state,
        &s,
        &ctx,
        "person",
        id,
        &format!("/persons/{id}#protection"),
        mp,
    )
    .await
}
