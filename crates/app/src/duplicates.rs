//! Deciding about possible duplicate persons: "not the same person" (remembered) or a
//! merge of one record into the other — both persons in the caller's area.
use crate::{Caller, Context, Error, Result};
use domain::{Msg, Role};
use store::persons::Person;

/// Deciding who is who means reading the NIK: roles that see it in full.
pub fn may_decide(r: Role) -> bool {
    r.sees_full_identity()
}

/// Both persons must be visible to the caller (404 otherwise) and the caller must be
/// allowed to decide.
pub async fn check_pair(cx: &Context, c: &Caller, a: i64, b: i64) -> Result<(Person, Person)> {
    c.require(may_decide)?;
    let pa = crate::scope::person(cx, c, a).await?;
    let pb = crate::scope::person(cx, c, b).await?;
    Ok((pa, pb))
}

/// Remembers that two records are different persons.
pub async fn distinct(cx: &Context, c: &Caller, a: i64, b: i64) -> Result<()> {
    check_pair(cx, c, a, b).await?;
    Ok(cx.store.mark_distinct(&c.actor, a, b).await?)
}

/// Merges `other` into `keep`: memberships, enrolments and history follow.
pub async fn merge(
    cx: &Context,
    c: &Caller,
    keep: i64,
    other: i64,
) -> Result<store::duplicates::Merged> {
    if keep == other {
        return Err(Error::invalid("other_id", Msg::new("merge.same_person")));
    }
    check_pair(cx, c, keep, other).await?;
    Ok(cx.store.person_merge(&c.actor, keep, other).await?)
}
