//! The audit trail, for admins and auditors: page `/audit` and `GET /api/v1/audit`.
use crate::auth::Authed;
use crate::error::AppResult;
use crate::page::List;
use crate::page::{self, html, Ctx, PageAuth, Pager};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::{Invalid, Msg, Role};
use serde::{Deserialize, Serialize};
use store::audit::{AuditEntry, AuditFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new().route("/audit", get(list_page))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list))
}

#[derive(Deserialize, IntoParams, Default)]
pub struct AuditQuery {
    /// Entity kind, e.g. `user`, `person`, `kube`.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// User name of whoever made the change.
    pub username: Option<String>,
    /// `create`, `update`, `delete`, ...
    pub action: Option<String>,
    /// From this date (`YYYY-MM-DD`, inclusive, UTC).
    pub from: Option<String>,
    /// Up to this date (`YYYY-MM-DD`, inclusive, UTC).
    pub to: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, Invalid> {
        let mut inv = Invalid::new();
        for (field, v) in [("from", &self.from), ("to", &self.to)] {
            if let Some(d) = v.as_deref().filter(|d| !d.trim().is_empty()) {
                if chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").is_err() {
                    inv.add(field, Msg::new("audit.date_invalid"));
                }
            }
        }
        inv.into_result()?;
        Ok(AuditFilter {
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            username: self.username.clone(),
            action: self.action.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    /// RFC 3339 UTC
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The entity before the change (null on create).
    #[schema(value_type = Option<Object>)]
    pub before: serde_json::Value,
    /// The entity after the change (null on delete).
    #[schema(value_type = Option<Object>)]
    pub after: serde_json::Value,
}

fn parse_json(s: &Option<String>) -> serde_json::Value {
    s.as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null)
}

impl AuditOut {
    fn new(e: AuditEntry, full_identity: bool) -> AuditOut {
        let mut out = AuditOut::from(e);
        if !full_identity {
            // Anywhere in the entry: a merge nests both whole records.
            domain::privacy::mask_json(&mut out.before);
            domain::privacy::mask_json(&mut out.after);
        }
        out
    }
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        AuditOut {
            before: parse_json(&e.before_json),
            after: parse_json(&e.after_json),
            id: e.id,
            at: e.at,
            user_id: e.user_id,
            username: e.username,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
        }
    }
}

/// Audit entries, newest first (admin, auditor).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = crate::api::ListOf<AuditOut>), (status = 403, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<AuditQuery>,
) -> AppResult<Json<crate::api::ListOf<AuditOut>>> {
    s.require(Role::reads_audit)?;
    let page = state
        .store
        .audit_list(&q.filter()?, Paging::new(q.limit, q.offset))
        .await?;
    let full = s.role().sees_full_identity();
    Ok(Json(crate::api::ListOf::from_page(page, |e| {
        AuditOut::new(e, full)
    })))
}

pub struct Row {
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// Fields that changed: (name, before, after).
    pub changes: Vec<(String, String, String)>,
}

/// The fields whose values differ between before and after, for reading at a glance.
fn changes(before: &serde_json::Value, after: &serde_json::Value) -> Vec<(String, String, String)> {
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
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

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: AuditQuery,
    entities: Vec<String>,
    pager: Pager,
    errors: Vec<(String, String)>,
}

impl ListPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    q: List<AuditQuery>,
) -> AppResult<Response> {
    s.require(Role::reads_audit)?;
    let (filter, errors) = match q.filter() {
        Ok(f) => (f, Vec::new()),
        Err(inv) => (
            AuditFilter::default(),
            inv.fields
                .iter()
                .map(|(f, m)| (f.clone(), m.text(ctx.lang)))
                .collect(),
        ),
    };
    let page = state.store.audit_list(&filter, q.paging(50)).await?;
    let pager = q.pager(&page);
    let full = s.role().sees_full_identity();
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let out = AuditOut::new(e, full);
            Row {
                at: page::local_time(&out.at),
                changes: changes(&out.before, &out.after),
                username: out.username,
                action: out.action,
                entity: out.entity,
                entity_id: out.entity_id,
            }
        })
        .collect();
    let entities = state.store.audit_entities().await?;
    Ok(html(&ListPage {
        ctx,
        rows,
        q: q.into_inner(),
        entities,
        pager,
        errors,
    })?
    .into_response())
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
