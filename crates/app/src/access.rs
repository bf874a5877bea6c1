//! The access log of personal data (UU 27/2022): every read of a person's full record,
//! every NIK lookup by a role that sees NIKs masked, every export of a list — who, when,
//! which person (an export: the list, its filter and how many rows), from where. The
//! administrator and the auditor list it by person ("who has looked at this person") and
//! by account ("what has this account read"); no one changes or deletes an entry; the
//! system purges entries older than the configured period (`Settings::access_log_days`).
pub use crate::store::access::{Access, AccessFilter};
use crate::store::persons::Person;
use crate::store::{Page, Paging, Store};
use crate::{Caller, Context, Result};
use domain::Role;

/// A person's full record as the caller may see it (others: not found), logged as read.
pub async fn read_person(cx: &Context, c: &Caller, id: i64) -> Result<Person> {
    let p = crate::scope::person(cx, c, id).await?;
    record_read(cx, c, id).await?;
    Ok(p)
}

/// Records that the caller read a person of their area.
pub(crate) async fn record_read(cx: &Context, c: &Caller, id: i64) -> Result<()> {
    Ok(cx
        .store
        .access_record(&c.actor, "read", &[Some(id)], None)
        .await?)
}

/// NIK lookups of `source`: one entry per NIK, with the person it is registered to.
pub(crate) async fn lookups(cx: &Context, c: &Caller, niks: &[&str], source: &str) -> Result<()> {
    let persons = cx.store.access_persons_by_nik(niks).await?;
    Ok(cx
        .store
        .access_record(&c.actor, "lookup", &persons, Some(source))
        .await?)
}

/// An export: the list, its filter and how many rows left.
pub(crate) async fn export(
    store: &Store,
    c: &Caller,
    list: &str,
    filter: &serde_json::Value,
    rows: i64,
) -> Result<()> {
    let detail = serde_json::json!({"list": list, "filter": filter, "rows": rows}).to_string();
    Ok(store
        .access_record(&c.actor, "export", &[None], Some(&detail))
        .await?)
}

/// The log, newest first (administrator, auditor). A role that reads NIKs masked reads
/// them masked here too (a filter typed with a NIK).
pub async fn list(
    cx: &Context,
    c: &Caller,
    f: &AccessFilter,
    paging: Paging,
) -> Result<Page<Access>> {
    c.require(|r| matches!(r, Role::Admin | Role::Auditor))?;
    let page = cx.store.access_list(f, paging).await?;
    let full = c.role.sees_full_identity();
    Ok(page.map(|mut a| {
        if !full {
            a.detail = a.detail.map(|d| domain::privacy::mask_numbers(&d));
        }
        a
    }))
}

/// Removes the entries older than `days` days; how many.
pub async fn purge(store: &Store, days: i64) -> Result<u64> {
    let before = store.clock().now() - chrono::Duration::days(days);
    Ok(store.access_purge(&crate::store::ts(before)).await?)
}
