//! The register of data subjects' requests: who asked, when, what, the due date from the
//! kind's deadline, the officer, the outcome. A correction links to the audit entry of
//! the change it led to; a restriction carried out takes the person's record out of lists
//! and exports (kept, not deleted) until it is lifted.
use super::{after_hours, require_decider, require_officer, require_reader};
use crate::store::batch::Counted;
pub use crate::store::protection::{DataRequest, RequestFilter};
use crate::store::{Page, Paging};
use crate::{Caller, Context, Error, Result};
use domain::protection::{RequestKind, RequestStatus};
use domain::Msg;

/// Registers a request received now (or at `received_at`, RFC 3339, not in the future),
/// about a registered person (by id, of the caller's area) or someone not registered.
pub async fn register(
    cx: &Context,
    c: &Caller,
    person_id: Option<i64>,
    kind: &str,
    requester: &str,
    details: &str,
    received_at: Option<&str>,
) -> Result<DataRequest> {
    require_officer(c)?;
    c.require_write()?;
    let v = domain::protection::request(kind, requester, details).map_err(Error::Invalid)?;
    if let Some(id) = person_id {
        crate::scope::person(cx, c, id)
            .await
            .map_err(|_| Error::invalid("person_id", Msg::new("protection.person_unknown")))?;
    }
    let received = match received_at {
        None => c.actor.at,
        Some(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
            .filter(|t| *t <= c.actor.at && *t > c.actor.at - chrono::Duration::days(366))
            .ok_or_else(|| {
                Error::invalid("received_at", Msg::new("protection.received_invalid"))
            })?,
    };
    let due = after_hours(received, cx.settings.protection.deadline_hours(v.kind));
    Ok(cx
        .store
        .request_add(&c.actor, person_id, &v, &crate::store::ts(received), &due)
        .await?)
}

/// The register (admin, head of division, operator, auditor).
pub async fn list(
    cx: &Context,
    c: &Caller,
    f: &RequestFilter,
    paging: Paging,
) -> Result<Page<DataRequest>> {
    require_reader(c)?;
    if let Some(s) = &f.status {
        RequestStatus::parse(s).map_err(|m| Error::invalid("status", m))?;
    }
    Ok(cx
        .store
        .request_list(f, paging)
        .await?
        .map(|r| masked(c, r)))
}

pub async fn get(cx: &Context, c: &Caller, id: i64) -> Result<DataRequest> {
    require_reader(c)?;
    Ok(masked(c, cx.store.request_get(id).await?))
}

/// A request as the caller may read it (`super::shown`).
fn masked(c: &Caller, mut r: DataRequest) -> DataRequest {
    super::shown(c, &mut [&mut r.requester, &mut r.details]);
    if let Some(o) = r.outcome.as_mut() {
        super::shown(c, &mut [o]);
    }
    r
}

/// Open requests past their due date, the most overdue first.
pub async fn overdue(cx: &Context, c: &Caller, paging: Paging) -> Result<Page<DataRequest>> {
    let rows = cx.store.read(overdue_read(c, paging)?).await?;
    Ok(overdue_of(c, rows, paging))
}

/// What [`overdue`] reads, for a batch.
pub(crate) fn overdue_read(
    c: &Caller,
    paging: Paging,
) -> Result<crate::store::batch::Read<Counted<DataRequest>>> {
    require_reader(c)?;
    let f = RequestFilter {
        overdue_at: Some(c.actor.now()),
        ..Default::default()
    };
    Ok(crate::store::protection::request_page(&f, paging))
}

/// The page [`overdue_read`] read, as the caller may see it.
pub(crate) fn overdue_of(
    c: &Caller,
    rows: Vec<Counted<DataRequest>>,
    paging: Paging,
) -> Page<DataRequest> {
    Counted::page(rows, paging).map(|r| masked(c, r))
}

/// Closes an open request as done or refused, with its outcome (required); a correction
/// done names the audit entry of the change (of that person).
pub async fn close(
    cx: &Context,
    c: &Caller,
    id: i64,
    status: &str,
    outcome: &str,
    audit_id: Option<i64>,
) -> Result<DataRequest> {
    require_decider(c)?;
    let r = cx.store.request_get(id).await?;
    let mut inv = domain::Invalid::new();
    let status = inv.check(
        "status",
        RequestStatus::parse(status).and_then(|s| match s {
            RequestStatus::Open => Err(Msg::new("protection.status_invalid")),
            s => Ok(s),
        }),
    );
    if outcome.trim().is_empty() {
        inv.add("outcome", Msg::new("common.required"));
    } else if outcome.chars().count() > 4000 {
        inv.add("outcome", Msg::new("common.too_long").arg(4000));
    }
    if r.status != RequestStatus::Open.code() {
        inv.add("status", Msg::new("protection.already_closed"));
    }
    let kind = RequestKind::parse(&r.kind).map_err(|_| Error::Internal)?;
    if let Some(a) = audit_id {
        let linked = match r.person_id {
            Some(p) => cx.store.audit_of_person(a, p).await?,
            None => false,
        };
        if !linked {
            inv.add("audit_id", Msg::new("protection.audit_unrelated"));
        }
    } else if kind == RequestKind::Correction && status == Some(RequestStatus::Done) {
        inv.add("audit_id", Msg::new("protection.correction_needs_change"));
    }
    if kind == RequestKind::Restriction
        && status == Some(RequestStatus::Done)
        && r.person_id.is_none()
    {
        inv.add("status", Msg::new("protection.restriction_needs_person"));
    }
    inv.into_result().map_err(Error::Invalid)?;
    let status = status.ok_or(Error::Internal)?;
    Ok(cx
        .store
        .request_close(&c.actor, id, status.code(), outcome.trim(), audit_id)
        .await?)
}

/// Lifts a person's restriction (admin, head of division); a record not restricted stays
/// as it is (lifting twice is lifting once). Whether there was one to lift.
pub async fn lift_restriction(cx: &Context, c: &Caller, person_id: i64) -> Result<bool> {
    require_decider(c)?;
    if crate::scope::person(cx, c, person_id)
        .await?
        .restricted_at
        .is_none()
    {
        return Ok(false);
    }
    cx.store.restriction_lift(&c.actor, person_id).await?;
    Ok(true)
}
