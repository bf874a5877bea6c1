//! Consent to optional data on the person's page and in the API: recorded (day, how, by
//! whom), and withdrawn in one step that blanks the phone or deletes the person's photos.
use crate::error::AppResult;
use crate::page::PageAuth;
use crate::session::{Authed, Session};
use crate::AppState;
use app::protection::consents::Consent;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons/{id}/consents", post(record_form))
        .route("/persons/{id}/consents/withdraw", post(withdraw_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_record))
        .routes(routes!(api_withdraw))
}

/// A consent as given.
#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct ConsentIn {
    /// `phone` or `photos`
    #[schema(pattern = "^(phone|photos)$")]
    pub kind: String,
    /// The day it was given (not in the future); required.
    #[schema(format = Date)]
    pub given_on: Option<String>,
    /// `written`, `oral`, `form`
    #[schema(pattern = "^(written|oral|form)$")]
    pub method: String,
}

/// Which consent is withdrawn.
#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct WithdrawIn {
    /// `phone` or `photos`
    #[schema(pattern = "^(phone|photos)$")]
    pub kind: String,
}

/// What a withdrawal removed.
#[derive(Serialize, ToSchema)]
pub struct Withdrawn {
    /// Photo files deleted (a phone withdrawal blanks the number and deletes none).
    pub files_deleted: u64,
}

async fn record(
    state: &AppState,
    s: &Session,
    id: i64,
    b: &ConsentIn,
) -> Result<Consent, app::Error> {
    app::protection::consents::record(
        &state.app(),
        &s.caller(),
        id,
        &b.kind,
        b.given_on.as_deref().unwrap_or(""),
        &b.method,
    )
    .await
}

async fn flash_back(state: &AppState, s: &Session, id: i64, msg: String) -> AppResult<Response> {
    crate::page::redirect_with_flash(state, s, &format!("/persons/{id}#protection"), msg).await
}

/// A refused form comes back to the person's page with the reason as its message.
fn reasons(inv: &domain::Invalid, lang: domain::Lang) -> String {
    inv.fields
        .values()
        .map(|m| m.text(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn record_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    crate::page::Form(b): crate::page::Form<ConsentIn>,
) -> AppResult<Response> {
    let msg = match crate::page::outcome(record(&state, &s, id, &b).await)? {
        crate::page::Outcome::Done(_) => ctx.t("protection.consent_recorded").to_string(),
        crate::page::Outcome::Again(inv) => reasons(&inv, ctx.lang),
    };
    flash_back(&state, &s, id, msg).await
}

async fn withdraw_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    crate::page::Form(b): crate::page::Form<WithdrawIn>,
) -> AppResult<Response> {
    let done = app::protection::consents::withdraw(&state.app(), &s.caller(), id, &b.kind).await;
    let msg = match crate::page::outcome(done)? {
        crate::page::Outcome::Done(n) => ctx.tf("protection.consent_withdrawn", &[n.to_string()]),
        crate::page::Outcome::Again(inv) => reasons(&inv, ctx.lang),
    };
    flash_back(&state, &s, id, msg).await
}

/// The consents recorded for a person, the newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/consents", tag = "protection", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Consent>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<Consent>>> {
    Ok(Json(
        app::protection::consents::list(&state.app(), &s.caller(), id).await?,
    ))
}

/// Records a person's consent to optional data (a consent of the same kind in force is
/// replaced).
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents", tag = "protection", params(("id" = i64, Path)),
    request_body = ConsentIn,
    responses((status = 201, body = Consent), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_record(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<ConsentIn>,
) -> AppResult<Response> {
    let c = record(&state, &s, id, &b).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// Withdraws a consent in force and removes what it covered in one audited step: the
/// phone number blanked, or the person's photos deleted. No consent in force: 422.
#[utoipa::path(post, path = "/api/v1/persons/{id}/consents/withdraw", tag = "protection", params(("id" = i64, Path)),
    request_body = WithdrawIn,
    responses((status = 200, body = Withdrawn), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_withdraw(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<WithdrawIn>,
) -> AppResult<Json<Withdrawn>> {
    let files_deleted =
        app::protection::consents::withdraw(&state.app(), &s.caller(), id, &b.kind).await?;
    Ok(Json(Withdrawn { files_deleted }))
}
