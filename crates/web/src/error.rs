//! One error type for pages and API. A handler returns `AppError`; the response
//! carries it as an extension and `auth::middleware` renders it in the caller's
//! language: JSON under `/api`, an HTML page elsewhere.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{Invalid, Lang, Msg};
use serde_json::json;

/// The application layer's error, or what only HTTP knows: no session, no CSRF token, a
/// body that is not a request at all.
#[derive(Debug, Clone)]
pub enum AppError {
    App(app::Error),
    Unauthorized,
    Csrf,
    BadRequest(Msg),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::App(e) => match e {
                app::Error::Forbidden => StatusCode::FORBIDDEN,
                app::Error::NotFound => StatusCode::NOT_FOUND,
                app::Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                app::Error::Conflict { .. } => StatusCode::CONFLICT,
                app::Error::Busy(_) | app::Error::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
                app::Error::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Csrf => "csrf",
            AppError::BadRequest(_) => "bad_request",
            AppError::App(e) => match e {
                app::Error::Forbidden => "forbidden",
                app::Error::NotFound => "not_found",
                app::Error::Invalid(_) => "validation",
                app::Error::Conflict { .. } => "conflict",
                app::Error::Busy(_) | app::Error::Limited(_) => "too_many_requests",
                app::Error::Internal => "internal",
            },
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthorized => lang.t("error.unauthorized").into(),
            AppError::Csrf => lang.t("error.csrf").into(),
            AppError::BadRequest(m) => m.text(lang),
            // The fields carry the reasons; the message says what kind of refusal it is.
            AppError::App(app::Error::Invalid(_)) => lang.t("error.validation").into(),
            AppError::App(e) => e.message(lang),
        }
    }
    pub fn fields(&self, lang: Lang) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        match self {
            AppError::App(app::Error::Invalid(inv)) => {
                for (f, m) in &inv.fields {
                    out.insert(f.clone(), m.text(lang).into());
                }
            }
            AppError::App(app::Error::Conflict { field, msg }) => {
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
            AppError::App(e) => e.into_form_errors().map_err(AppError::App),
            e => Err(e),
        }
    }

    pub fn invalid(field: &str, msg: Msg) -> AppError {
        AppError::App(app::Error::invalid(field, msg))
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
        AppError::App(e)
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::App(app::Error::Invalid(i))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template error");
        AppError::App(app::Error::Internal)
    }
}

pub type AppResult<T> = Result<T, AppError>;
