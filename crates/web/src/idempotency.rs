//! The `Idempotency-Key` header of the changes a phone may send twice (a visit, a day's
//! attendance): read into `app::idempotency::Key`, which the application layer keeps
//! with what the request recorded.
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// Extractor: the request's idempotency key, if it sent one (a malformed one is 422).
pub struct IdempotencyKey(pub Option<app::idempotency::Key>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let Some(v) = parts.headers.get(app::idempotency::FIELD) else {
            return Ok(IdempotencyKey(None));
        };
        let text = v.to_str().unwrap_or("\u{0}");
        Ok(IdempotencyKey(Some(app::idempotency::Key::parse(text)?)))
    }
}
