//! The home page: who you are, the region and your areas, shortcuts for your role,
//! and for admins and auditors the latest changes.
use crate::error::AppResult;
use crate::page::{self, html, Ctx, PageAuth};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use store::audit::AuditFilter;
use store::Paging;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

pub struct DistrictRow {
    pub code: String,
    pub name: String,
    pub villages: usize,
    pub desa: usize,
}

pub struct RecentRow {
    pub at: String,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    scoped: bool,
    districts: Vec<DistrictRow>,
    recent: Vec<RecentRow>,
    show_recent: bool,
    active_users: i64,
}

async fn home(State(state): State<AppState>, PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    let scoped = s.role().is_area_scoped();
    let districts = state
        .districts()
        .into_iter()
        .filter(|d| s.sees_district(&d.code))
        .map(|d| {
            let villages = state.areas.children(&d.code);
            DistrictRow {
                code: d.code.clone(),
                name: d.name.clone(),
                villages: villages.len(),
                desa: villages
                    .iter()
                    .filter(|v| v.code.as_bytes().get(9) == Some(&b'2'))
                    .count(),
            }
        })
        .collect();
    let show_recent = s.role().reads_audit();
    let (recent, active_users) = if show_recent {
        let page = state
            .store
            .audit_list(&AuditFilter::default(), Paging::new(Some(8), None))
            .await?;
        let users = state.store.user_count_active().await?;
        let rows = page
            .items
            .into_iter()
            .map(|e| RecentRow {
                at: page::local_time(&e.at),
                username: e.username,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
            })
            .collect();
        (rows, users)
    } else {
        (Vec::new(), 0)
    };
    Ok(html(&HomePage {
        ctx,
        scoped,
        districts,
        recent,
        show_recent,
        active_users,
    })?
    .into_response())
}
