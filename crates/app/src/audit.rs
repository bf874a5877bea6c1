//! The audit trail, for administrators and auditors: one list (page, API, export) whose
//! recorded values are masked, wherever they nest, for roles that see identity numbers masked.
use crate::lists::{text, Listing, Viewer};
pub use crate::store::audit::{AuditEntry, AuditFilter};
use crate::store::{Page, Paging};
use crate::{local_time, Caller, Context, Result};
use domain::{Invalid, Msg, Role};
use serde_json::Value;

/// The audit log, newest first.
pub struct Entries;

impl Listing for Entries {
    type Query = AuditFilter;
    type Filter = AuditFilter;
    type Item = AuditEntry;
    const ENTITY: &'static str = "audit";
    const FILE: &'static str = "jejak-audit";
    async fn filter(_: &Context, c: &Caller, q: &AuditFilter) -> Result<AuditFilter> {
        c.require(Role::reads_audit)?;
        // Days as the office lives them (Asia/Jakarta), typed day first or ISO; the
        // store compares UTC instants: a Jakarta day starts at 17:00 UTC the day before.
        let mut inv = Invalid::new();
        let mut f = q.clone();
        let jakarta_midnight = |d: chrono::NaiveDate| {
            let start = d.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(7);
            crate::store::ts(start.and_utc())
        };
        for (field, v) in [("from", &mut f.from), ("to", &mut f.to)] {
            if let Some(d) = crate::store::sql::nonempty(v) {
                match domain::dates::read(&d) {
                    Ok(day) => {
                        let day = if field == "to" {
                            day + chrono::Duration::days(1)
                        } else {
                            day
                        };
                        *v = Some(jakarta_midnight(day));
                    }
                    Err(_) => inv.add(field, Msg::new("audit.date_invalid")),
                }
            }
        }
        inv.into_result()?;
        Ok(f)
    }
    async fn fetch(
        v: &Viewer,
        f: &AuditFilter,
        paging: Paging,
    ) -> crate::store::Result<Page<AuditEntry>> {
        v.store.audit_list(f, paging).await
    }
    crate::lists::columns!(|v, e: AuditEntry| {
        let (before, after) = values(&e, v.full);
        let changes: Vec<String> = changes(&before, &after)
            .into_iter()
            .map(|(k, b, a)| match b.is_empty() {
                true => format!("{k}: {a}"),
                false => format!("{k}: {b} → {a}"),
            })
            .collect();
        [
            ("at", text(local_time(&e.at))),
            ("username", text(e.username)),
            ("action", text(e.action)),
            ("entity", text(e.entity)),
            ("entity_id", text(e.entity_id)),
            ("changes", text(changes.join("; "))),
        ]
    });

    fn described(_: &Viewer, f: &AuditFilter) -> Value {
        serde_json::to_value(f).unwrap_or_default()
    }
}

/// An entry's record before and after the change (null where there is none), masked
/// anywhere inside — a merge nests both whole records — unless `full`.
pub fn values(e: &AuditEntry, full: bool) -> (Value, Value) {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null)
    };
    let (mut before, mut after) = (parse(&e.before_json), parse(&e.after_json));
    if !full {
        domain::privacy::mask_json(&mut before);
        domain::privacy::mask_json(&mut after);
    }
    (before, after)
}

/// The fields whose values differ between before and after, for reading at a glance:
/// (name, before, after).
pub fn changes(before: &Value, after: &Value) -> Vec<(String, String, String)> {
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let mut keys: Vec<&String> = Vec::new();
    for obj in [before.as_object(), after.as_object()]
        .into_iter()
        .flatten()
    {
        for k in obj.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys.into_iter()
        .filter(|k| before.get(k.as_str()) != after.get(k.as_str()))
        .map(|k| {
            (
                k.clone(),
                show(before.get(k.as_str())),
                show(after.get(k.as_str())),
            )
        })
        .collect()
}

/// The newest `n` entries of the trail, for those who read it.
pub async fn recent(
    cx: &crate::Context,
    c: &crate::Caller,
    n: i64,
) -> crate::Result<Vec<AuditEntry>> {
    c.require(domain::Role::reads_audit)?;
    Ok(cx
        .store
        .read(crate::store::audit::newest(n.clamp(1, 500)))
        .await?)
}

/// The kinds of record the trail names (its filter's choices).
pub async fn entities(cx: &crate::Context, c: &crate::Caller) -> crate::Result<Vec<String>> {
    c.require(domain::Role::reads_audit)?;
    Ok(cx.store.audit_entities().await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn changes_lists_only_differences() {
        let b = serde_json::json!({"role": "operator", "username": "a"});
        let a = serde_json::json!({"role": "admin", "username": "a"});
        assert_eq!(
            super::changes(&b, &a),
            vec![("role".into(), "operator".into(), "admin".into())]
        );
    }
}
