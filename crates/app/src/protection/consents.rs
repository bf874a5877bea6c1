//! Consent to optional data: a phone number, photos of the person. Recorded with the day,
//! how it was given and by whom; withdrawn in one audited step that removes what it
//! covered (the phone blanked, the person's photos deleted). A photo of a person is taken
//! only while their consent is in force.
pub use crate::store::protection::Consent;
use crate::{Caller, Context, Error, Result};
use domain::protection::{ConsentKind, ConsentMethod};
use domain::Msg;

/// The consents recorded for a person of the caller's area, the newest first.
pub async fn list(cx: &Context, c: &Caller, person_id: i64) -> Result<Vec<Consent>> {
    crate::scope::person(cx, c, person_id).await?;
    Ok(cx.store.consent_list(person_id).await?)
}

/// Records a consent given on `given_on` (not in the future).
pub async fn record(
    cx: &Context,
    c: &Caller,
    person_id: i64,
    kind: &str,
    given_on: &str,
    method: &str,
) -> Result<Consent> {
    c.require_write()?;
    crate::scope::person(cx, c, person_id).await?;
    let mut inv = domain::Invalid::new();
    let kind = inv.check("kind", ConsentKind::parse(kind));
    let method = inv.check("method", ConsentMethod::parse(method));
    let given = inv.check(
        "given_on",
        domain::dates::read(given_on)
            .ok()
            .filter(|d| *d <= c.today())
            .ok_or(Msg::new("protection.given_invalid")),
    );
    inv.into_result().map_err(Error::Invalid)?;
    let (Some(kind), Some(method), Some(given)) = (kind, method, given) else {
        return Err(Error::Internal);
    };
    Ok(cx
        .store
        .consent_add(
            &c.actor,
            person_id,
            kind.code(),
            &given.to_string(),
            method.code(),
        )
        .await?)
}

/// Withdraws a consent in force and removes what it covered; how many photo files were
/// deleted.
pub async fn withdraw(cx: &Context, c: &Caller, person_id: i64, kind: &str) -> Result<u64> {
    c.require_write()?;
    crate::scope::person(cx, c, person_id).await?;
    let kind = ConsentKind::parse(kind).map_err(|m| Error::invalid("kind", m))?;
    cx.store
        .consent_withdraw(&c.actor, person_id, kind.code())
        .await?
        .ok_or_else(|| Error::invalid("kind", Msg::new("protection.no_consent")))
}

/// Refuses optional data the person has not consented to.
pub(crate) async fn require(cx: &Context, person_id: i64, kind: ConsentKind) -> Result<()> {
    if cx.store.consent_in_force(person_id, kind.code()).await? {
        Ok(())
    } else {
        Err(Error::invalid("file", Msg::new("protection.no_consent")))
    }
}
