//! The audit trail, for admins and auditors: page `/audit`, `GET /api/v1/audit` and their
//! exports — one list (`app::audit::Entries`).
use crate::error::AppResult;
use crate::list::{Listed, PAGE_SIZE};
use crate::page::{html, Ctx, List, PageAuth, Pager};
use crate::AppState;
use app::audit::Entries;
use app::audit::{AuditEntry, AuditFilter};
use app::lists::Open;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/audit", get(list_page))
        .route("/audit/export", get(crate::export::export::<Entries>))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list)).routes(routes!(api_export))
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct AuditOut {
    pub id: i64,
    /// RFC 3339 UTC
    pub at: String,
    pub user_id: Option<i64>,
    pub username: String,
    /// The account's full name, if it has one.
    pub full_name: Option<String>,
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

impl AuditOut {
    fn new(e: AuditEntry, full_identity: bool) -> AuditOut {
        let (before, after) = app::audit::values(&e, full_identity);
        AuditOut {
            before,
            after,
            id: e.id,
            at: e.at,
            user_id: e.user_id,
            username: e.username,
            full_name: e.full_name,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
        }
    }
}

/// Audit entries, newest first (admin, auditor).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<AuditOut>), (status = 403, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(l: Listed<Entries>) -> Json<crate::schema::ListOf<AuditOut>> {
    let full = l.list.v.full;
    l.json(|e| AuditOut::new(e, full))
}

crate::export::api_export!(
    api_export,
    Entries,
    "/api/v1/audit/export",
    AuditFilter,
    "Export the audit trail (admin, auditor) as XLSX or CSV, identity numbers masked as the role sees them; audited."
);

pub struct Row {
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// Fields that changed: (name, before, after).
    pub changes: Vec<(String, String, String)>,
}

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: AuditFilter,
    entities: Vec<String>,
    pager: Pager,
    errors: Vec<(String, String)>,
}

impl ListPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn bad(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }
}

/// The page shows a malformed date filter beside the unfiltered trail, rather than an
/// error page instead of it.
async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    q: List<AuditFilter>,
) -> AppResult<Response> {
    let (cx, caller) = (state.app(), s.caller());
    let (list, errors) = match Open::<Entries>::new(&cx, &caller, &q).await {
        Ok(list) => (list, Vec::new()),
        Err(app::Error::Invalid(inv)) => (
            Open::new(&cx, &caller, &AuditFilter::default()).await?,
            inv.fields
                .iter()
                .map(|(f, m)| (f.clone(), m.text(ctx.lang)))
                .collect(),
        ),
        Err(e) => return Err(e.into()),
    };
    let page = list.fetch(q.paging(PAGE_SIZE)).await?;
    let pager = q.pager(&page).with_export();
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let (before, after) = app::audit::values(&e, list.v.full);
            Row {
                at: app::local_time(&e.at),
                changes: app::audit::changes(&before, &after),
                username: e.who().to_string(),
                action: crate::page::label("audit.action.", &e.action, ctx.lang),
                entity: crate::page::label("audit.entity.", &e.entity, ctx.lang),
                entity_id: e.entity_id,
            }
        })
        .collect();
    let entities = app::audit::entities(&state.app(), &s.caller()).await?;
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
