//! A JSON request body as JSON Schema reads it: a whole number may be written `3.0`
//! (JSON does not tell the two apart; the OpenAPI document's `integer` allows both), so
//! such numbers are read as integers before the body is read into its type; and a field
//! the type does not know is refused by name.
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;
use domain::{Invalid, Msg};

/// Extractor: the body as `T`, whole numbers written with a fraction of zero included.
pub struct JsonIn<T>(pub T);

/// A NUL character (`%00`) in a URL-encoded text: no field holds one, and PostgreSQL
/// refuses it in text, so a request carrying one is refused as unreadable (400).
pub fn has_encoded_nul(text: &[u8]) -> bool {
    text.windows(3).any(|w| w == b"%00")
}

pub(crate) fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(has_nul),
        Value::Object(m) => m.iter().any(|(k, x)| k.contains('\0') || has_nul(x)),
        _ => false,
    }
}

/// The largest whole number a double holds exactly (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

fn whole_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() <= EXACT {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_numbers),
        Value::Object(m) => m.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Reads a body's JSON value into `T`: NUL characters refused (400), whole numbers read
/// as integers, a field the type does not read refused by name (422).
fn read<T: DeserializeOwned>(mut v: Value) -> Result<T, Box<Response>> {
    if has_nul(&v) {
        return Err(Box::new(
            (StatusCode::BAD_REQUEST, "a NUL character").into_response(),
        ));
    }
    whole_numbers(&mut v);
    // A field the type does not read is refused by name, not ignored: a misspelt
    // optional field would otherwise be lost without a word (the document says
    // `additionalProperties: false`).
    let mut unknown = None;
    let read = serde_ignored::deserialize(v, |path| {
        unknown.get_or_insert_with(|| path.to_string());
    });
    match (read, unknown) {
        (Ok(_), Some(field)) => Err(Box::new(
            AppError::App(app::Error::Invalid(Invalid::field(
                &field,
                Msg::new("error.unknown_field"),
            )))
            .into_response(),
        )),
        (Ok(t), None) => Ok(t),
        // A body of the wrong shape: as axum answers it (the middleware gives it the
        // documented error body).
        (Err(e), _) => Err(Box::new(
            (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
        )),
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonIn<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Axum's own checks first: the content type (415) and the syntax (400).
        let Json(v) = Json::<Value>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        read(v).map(JsonIn).map_err(|e| *e)
    }
}

/// Extractor: a body that may be left out — no body or `null` is `None` — read as
/// [`JsonIn`] reads one.
pub struct JsonOpt<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOpt<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if bytes.is_empty() {
            return Ok(JsonOpt(None));
        }
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|_| AppError::BadRequest(Msg::new("error.bad_request")).into_response())?;
        if v.is_null() {
            return Ok(JsonOpt(None));
        }
        read(v).map(|t| JsonOpt(Some(t))).map_err(|e| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_characters_are_found() {
        assert!(has_nul(&json!({"a": ["x\u{0}y"]})));
        assert!(has_nul(&json!({"a\u{0}": 1})));
        assert!(!has_nul(&json!({"a": "x0"})));
        assert!(has_encoded_nul(b"q=a%00b") && !has_encoded_nul(b"q=a%20b%0"));
    }

    #[test]
    fn whole_numbers_with_a_zero_fraction_are_integers() {
        let mut v = json!({"a": 3.0, "b": [1.0, 2.5, -7.0], "c": {"d": 1e300}, "e": "4.0"});
        whole_numbers(&mut v);
        assert_eq!(
            v,
            json!({"a": 3, "b": [1, 2.5, -7], "c": {"d": 1e300}, "e": "4.0"})
        );
        assert!(v["a"].is_i64());
    }
}
