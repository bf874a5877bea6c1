//! One error type for pages and API. A handler returns `AppError`; the response
//! carries it as an extension and `auth::middleware` renders it in the caller's
//! language: JSON under `/api`, an HTML page elsewhere.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Invalid, Lang, Msg};
use serde_json::json;

#[derive(Debug, Clone)]
pub enum AppError {
    Unauthorized,
    Forbidden,
    NotFound,
    Invalid(Invalid),
    Conflict { field: String, msg: Msg },
    TooManyRequests(Msg),
    Csrf,
    BadRequest(Msg),
    Internal,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal => "internal",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        let key = match self {
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::Csrf => "error.csrf",
            AppError::NotFound => "error.not_found",
            AppError::Invalid(_) => "error.validation",
            AppError::Conflict { msg, .. } => return msg.text(lang),
            AppError::TooManyRequests(m) | AppError::BadRequest(m) => return m.text(lang),
            AppError::Internal => "error.internal",
        };
        lang.t(key).to_string()
    }
    pub fn fields(&self, lang: Lang) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        match self {
            AppError::Invalid(inv) => {
                for (f, m) in &inv.fields {
                    out.insert(f.clone(), m.text(lang).into());
                }
            }
            AppError::Conflict { field, msg } => {
                out.insert(field.clone(), msg.text(lang).into());
            }
            _ => {}
        }
        out
    }
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let mut e = json!({ "code": self.code(), "message": self.message(lang) });
        let fields = self.fields(lang);
        if !fields.is_empty() {
            e["fields"] = serde_json::Value::Object(fields);
        }
        json!({ "error": e })
    }
    /// For a form that comes back with messages: validation and conflict errors become
    /// field errors; anything else stays an error.
    pub fn into_form_errors(self) -> Result<Invalid, AppError> {
        match self {
            AppError::Invalid(i) => Ok(i),
            AppError::Conflict { field, msg } => Ok(Invalid::field(&field, msg)),
            e => Err(e),
        }
    }

    pub fn invalid(field: &str, msg: Msg) -> AppError {
        AppError::Invalid(Invalid::field(field, msg))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), self.code()).into_response();
        r.extensions_mut().insert(self);
        r
    }
}

impl From<app::Error> for AppError {
    fn from(e: app::Error) -> Self {
        match e {
            app::Error::Forbidden => AppError::Forbidden,
            app::Error::NotFound => AppError::NotFound,
            app::Error::Invalid(i) => AppError::Invalid(i),
            app::Error::Conflict { field, msg } => AppError::Conflict { field, msg },
            app::Error::Busy(msg) | app::Error::Limited(msg) => AppError::TooManyRequests(msg),
            app::Error::Internal => AppError::Internal,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(i)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
