//! What every part of the API shares — its prefix, the router type, the error shape and
//! a page of a list — in a module that imports none of them, so that each capability can
//! use it while `api` assembles the capabilities.
use crate::AppState;
use serde::Serialize;
use utoipa::ToSchema;

pub const PREFIX: &str = "/api/v1";

/// Routes with their OpenAPI operations.
pub type ApiRouter = utoipa_axum::router::OpenApiRouter<AppState>;

/// The documented error shape.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `unauthorized`, `forbidden`, `not_found`, `validation`, `conflict`,
    /// `too_many_requests`, `bad_request`, `csrf`, `internal`
    pub code: String,
    /// In the caller's language (`Accept-Language`, default Bahasa Indonesia).
    pub message: String,
    /// Field name → reason, for `validation` and `conflict`.
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

/// A page of a list.
#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct ListOf<T: ToSchema> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T: ToSchema> ListOf<T> {
    pub fn from_page<U>(p: app::Page<U>, f: impl Fn(U) -> T) -> ListOf<T> {
        ListOf {
            items: p.items.into_iter().map(f).collect(),
            total: p.total,
            limit: p.limit,
            offset: p.offset,
        }
    }
}
