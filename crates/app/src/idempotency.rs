//! Idempotency keys: a phone that sent a visit or a day's attendance and lost the answer
//! sends it again with the same key (`Idempotency-Key`), and the server answers what it
//! answered the first time instead of recording twice. A key is the caller's own (two
//! accounts never share one) and belongs to one request: the same key with another
//! request is refused.
pub(crate) use crate::store::idempotency::{Once, Prior};
use crate::{Caller, Context, Error, Result};
use domain::Msg;
use sha2::{Digest, Sha256};

/// A key as a client sends it: 1–100 visible ASCII characters (a UUID fits).
#[derive(Debug, Clone, PartialEq)]
pub struct Key(String);

/// The field a refused key is reported under (the header's name).
pub const FIELD: &str = "Idempotency-Key";

impl Key {
    pub fn parse(s: &str) -> Result<Key> {
        let ok = (1..=100).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Key(s.to_string()))
        } else {
            Err(Error::invalid(FIELD, Msg::new("idempotency.malformed")))
        }
    }

    /// The key with a digest of the request it came with (`request`'s debug form: the
    /// operation's validated input and its target).
    pub(crate) fn once(&self, operation: &'static str, request: &impl std::fmt::Debug) -> Once {
        Once {
            key: self.0.clone(),
            operation,
            fingerprint: hex::encode(Sha256::digest(format!("{request:?}").as_bytes())),
        }
    }
}

/// What an earlier request with the key recorded (`Some(id)`), nothing yet (`None`), or
/// a refusal when the key came with another request.
pub(crate) async fn earlier(cx: &Context, c: &Caller, once: Option<&Once>) -> Result<Option<i64>> {
    let (Some(once), Some(user)) = (once, c.actor.user_id) else {
        return Ok(None);
    };
    match cx.store.idempotency_prior(user, once).await? {
        Prior::None => Ok(None),
        Prior::Same(id) => Ok(Some(id)),
        Prior::Other => Err(Error::invalid(FIELD, Msg::new("idempotency.reused"))),
    }
}
