//! The person's own copy: an officer types the NIK from the card the person brought and
//! gets one PDF (the page), or the same as JSON (the API). Audited and access-logged.
use crate::error::{AppError, AppResult};
use crate::page::PageAuth;
use crate::session::{Authed, ReqLang};
use crate::AppState;
use app::protection::copy::PersonalCopy;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new().route("/protection/copy", post(form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_copy)).routes(routes!(api_copy_pdf))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CopyIn {
    /// The NIK on the person's card (16 digits).
    #[schema(pattern = "^[0-9]{16}$")]
    pub nik: String,
}

fn file_name(copy: &PersonalCopy) -> String {
    format!(
        "salinan-data-pribadi-{}-{}.pdf",
        copy.identity.id,
        &copy.produced_at[..10.min(copy.produced_at.len())]
    )
}

async fn form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(b): crate::page::Form<CopyIn>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    match app::protection::copy::produce(&state.app(), &s.caller(), &b.nik, lang).await {
        Ok(copy) => {
            let bytes = app::protection::copy::pdf(&state.app(), &copy, lang);
            Ok(crate::import::file_response(bytes, &file_name(&copy)))
        }
        Err(app::Error::Invalid(inv)) => {
            let error = inv
                .fields
                .values()
                .map(|m| m.text(lang))
                .collect::<Vec<_>>()
                .join("; ");
            super::hub(
                &state,
                &s,
                ctx,
                b.nik,
                error,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(AppError::from(e)),
    }
}

/// The person's own copy ("Salinan data pribadi") as JSON: everything held about the
/// person registered under the NIK — identity, categories and sources, memberships,
/// programmes and benefits, trainings, visits, photos, consents, requests, who accessed
/// the record in the last 12 months, and each kind of data's purpose and legal basis.
/// Admin, head of division, operator; audited. A NIK not registered (or outside the
/// caller's area): 422 on `nik`.
#[utoipa::path(post, path = "/api/v1/personal-copy", tag = "protection", request_body = CopyIn,
    responses((status = 200, body = PersonalCopy), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_copy(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    crate::json::JsonIn(b): crate::json::JsonIn<CopyIn>,
) -> AppResult<Json<PersonalCopy>> {
    Ok(Json(
        app::protection::copy::produce(&state.app(), &s.caller(), &b.nik, lang).await?,
    ))
}

/// The person's own copy as one PDF (the same content as `POST /api/v1/personal-copy`).
#[utoipa::path(post, path = "/api/v1/personal-copy.pdf", tag = "protection", request_body = CopyIn,
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_copy_pdf(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    crate::json::JsonIn(b): crate::json::JsonIn<CopyIn>,
) -> AppResult<Response> {
    let copy = app::protection::copy::produce(&state.app(), &s.caller(), &b.nik, lang).await?;
    let bytes = app::protection::copy::pdf(&state.app(), &copy, lang);
    Ok(crate::import::file_response(bytes, &file_name(&copy)).into_response())
}
