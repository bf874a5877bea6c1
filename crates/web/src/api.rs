//! The JSON API under `/api/v1`: its router, the OpenAPI document and its docs page.
//! Each handler is registered once, with `routes!`, which takes its path and methods from
//! its `#[utoipa::path]`: a route cannot exist undocumented or be documented elsewhere.
use crate::page::{html, Ctx};
use crate::session::Authed;
use crate::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::routes;

pub use crate::schema::{ApiRouter, ErrorBody, ErrorDetail, ListOf, PREFIX};

fn build() -> ApiRouter {
    let r = ApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(crate::healthz))
        .routes(routes!(crate::readyz));
    let r = crate::auth::api_routes(r);
    let r = crate::areas::api_routes(r);
    let r = crate::users::api_routes(r);
    let r = crate::audit::api_routes(r);
    let r = crate::persons::api_routes(r);
    let r = crate::duplicates::api_routes(r);
    let r = crate::dtsen::api_routes(r);
    let r = crate::checklist::api_routes(r);
    let r = crate::exchange::api_routes(r);
    let r = crate::registry::api_routes(r);
    let r = crate::kube::api_routes(r);
    let r = crate::import::api_routes(r);
    let r = crate::trainings::api_routes(r);
    let r = crate::visits::api_routes(r);
    let r = crate::field::api_routes(r);
    let r = crate::monthly::api_routes(r);
    let r = crate::access::api_routes(r);
    let r = crate::protection::api_routes(r);
    let r = crate::dashboard::api_routes(r);
    let r = crate::tasks::api_routes(r);
    let r = crate::programmes::api_routes(r);
    let r = crate::proposals::api_routes(r);
    let r = crate::attachments::api_routes(r);
    let r = crate::reports::api_routes(r);
    crate::profile::api_routes(r)
}

/// Every registered `/api/v1` path (with `{param}` placeholders).
pub fn api_paths() -> Vec<String> {
    openapi()
        .paths
        .paths
        .keys()
        .filter(|p| p.starts_with(PREFIX))
        .cloned()
        .collect()
}

/// The API, the health checks, the OpenAPI document and its docs page.
pub fn routes() -> Router<AppState> {
    build()
        .split_for_parts()
        .0
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs", get(docs_page))
}

/// The API's answers as Rust types: for clients written in Rust, and the tests read the
/// server's answers through them rather than by field names in untyped JSON.
pub mod types {
    pub use crate::audit::AuditOut;
    pub use crate::kube::{KubeOut, MemberOut};
    pub use crate::persons::PersonOut;
    pub use crate::proposals::{AssetOut, EventOut, ProposalItemOut, ProposalOut};
    pub use crate::schema::ListOf;
    pub use crate::trainings::{ParticipantOut, TrainingOut};
    pub use crate::visits::HealthOut;
}

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new(crate::session::SESSION_COOKIE),
            )),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "SIKUBE API", version = "1",
         description = "Sistem Informasi Kelompok Usaha Bersama. Authenticate with `POST /api/v1/auth/login` \
                        and send `Authorization: Bearer <token>`. Errors: `{\"error\": {code, message, fields}}`; \
                        messages follow `Accept-Language` (id, en)."),
    components(schemas(ErrorBody, ErrorDetail, crate::import::Mode)),
    modifiers(&Security),
    security(("bearer" = []), ("cookie" = [])),
    tags((name = "auth"), (name = "areas"), (name = "users"), (name = "audit"), (name = "persons"), (name = "kube"), (name = "import"), (name = "export"), (name = "trainings"), (name = "monitoring"), (name = "dashboard"), (name = "aid"), (name = "system"))
)]
pub struct ApiDoc;

/// The document, collected from the routes once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| build().into_openapi())
}

/// The document as served: the routes' operations completed with what they all share
/// (`crate::contract`).
pub fn served() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut v = serde_json::to_value(openapi()).unwrap_or_default();
        crate::contract::complete(&mut v);
        v
    })
}

async fn openapi_json() -> Json<&'static serde_json::Value> {
    Json(served())
}

pub struct DocOp {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<String>,
    pub body: String,
    pub responses: String,
}

#[derive(askama::Template)]
#[template(path = "api_docs.html")]
struct DocsPage {
    ctx: Ctx,
    ops: Vec<DocOp>,
}

/// A readable list of the operations, rendered from the same document on the server.
async fn docs_page(
    axum::extract::State(state): axum::extract::State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
) -> crate::error::AppResult<Response> {
    let doc = served();
    let mut ops = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
                let params = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .map(|p| format!("{} ({})", text(&p["name"]), text(&p["in"])))
                            .collect()
                    })
                    .unwrap_or_default();
                let body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .map(|r| r.rsplit('/').next().unwrap_or_default().to_string())
                    .unwrap_or_default();
                let responses = op["responses"]
                    .as_object()
                    .map(|r| r.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                ops.push(DocOp {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    params,
                    body,
                    responses,
                });
            }
        }
    }
    let ctx = Ctx::new(&state, Some(&s), lang, "/api/docs", None);
    Ok(html(&DocsPage { ctx, ops })?.into_response())
}
