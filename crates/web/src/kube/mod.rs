//! KUBE: pages `/kube…` and `/api/v1/kube…`, `/api/v1/business-types`.
//! A pendamping sees and changes only groups of their kecamatan.
use crate::error::AppResult;
use crate::page::List;
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::district_options;
use crate::session::{Authed, Session};
use crate::AppState;
use app::kube::{Kube, KubeDetail, KubeFilter, Member};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::kube::{FundingSource, KubeInput, MemberRole, Stage, Status, MAX_MEMBERS, MIN_MEMBERS};
use domain::privacy::mask;
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub(crate) use app::kube::{KubeCreate, KubePatch, MemberIn};

/// An officer's override of every rule a person breaks, when a reason was typed.
pub(crate) fn exception_of(
    person_id: i64,
    reason: Option<&str>,
) -> Vec<app::membership::ExceptionIn> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| app::membership::ExceptionIn {
            person_id,
            rule: None,
            reason: r.to_string(),
        })
        .into_iter()
        .collect()
}

/// The membership rules' refusals (`member.<person id>`) under the field a page shows
/// them beside (`None`: as they are).
pub(crate) fn member_errors_as(e: app::Error, field: impl Fn(i64) -> Option<String>) -> app::Error {
    match e {
        app::Error::Invalid(inv) => {
            let mut out = Invalid::new();
            for (f, m) in inv.fields {
                let to = f
                    .strip_prefix("member.")
                    .and_then(|id| id.parse().ok())
                    .and_then(&field)
                    .unwrap_or(f);
                out.add(&to, m);
            }
            app::Error::Invalid(out)
        }
        e => e,
    }
}

mod api;
mod membership;
pub(crate) use api::*;
pub(crate) use membership::*;
mod list;
pub(crate) use list::*;
mod detail;
pub(crate) use detail::*;
mod form;
pub(crate) use form::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/kube", get(list_page).post(create_form))
        .route("/kube/new", get(new_page))
        .route("/kube/assign", post(assign_form))
        .route("/kube/membership", get(breaches_page))
        .route("/kube/export", get(crate::export::export::<Kubes>))
        .route("/kube/{id}", get(detail_page).post(update_form))
        .route("/kube/{id}/edit", get(edit_page))
        .route("/kube/{id}/members", post(add_member_form))
        .route(
            "/kube/{id}/members/{person_id}/remove",
            post(remove_member_form),
        )
        .route("/kube/{id}/members/{person_id}/role", post(role_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_business_types, api_business_type_upsert))
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_add_member))
        .routes(routes!(api_assign))
        .routes(routes!(api_membership))
        .routes(routes!(api_breaches))
        .routes(routes!(api_set_role, api_remove_member))
}

// ---------- output ----------

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct MemberOut {
    pub person_id: i64,
    pub name: String,
    /// Masked for roles that do not handle identity documents.
    pub nik: String,
    pub sex: String,
    pub village_code: String,
    /// `ketua`, `sekretaris`, `bendahara`, `anggota`
    #[schema(value_type = String)]
    pub role: MemberRole,
    #[schema(value_type = String, format = Date)]
    pub joined_on: app::Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub left_on: Option<app::Date>,
    pub left_reason: Option<String>,
}

impl MemberOut {
    fn new(m: Member, full: bool) -> MemberOut {
        MemberOut {
            person_id: m.person_id,
            name: m.name,
            nik: if full { m.nik } else { mask(&m.nik) },
            sex: m.sex.code().to_string(),
            village_code: m.village_code,
            role: m.role,
            joined_on: m.joined_on,
            left_on: m.left_on,
            left_reason: m.left_reason,
        }
    }
}

#[derive(Serialize, serde::Deserialize, ToSchema)]
pub struct KubeOut {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub business_type: String,
    pub village_code: String,
    pub village_name: String,
    pub district_code: String,
    pub district_name: String,
    pub address: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub formed_on: app::Date,
    /// `apbd_kota`, `apbd_provinsi`, `apbn`, `lainnya`
    pub funding_source: String,
    pub programme_year: i64,
    /// Operational status (see `health`).
    pub status: String,
    /// `pembentukan`, `bimbingan`, `bantuan`, `pendampingan`, `mandiri`, `bubar`
    pub stage: String,
    pub pendamping_id: Option<i64>,
    /// The facilitator as the office names them (full name, else user name).
    pub pendamping: Option<String>,
    pub member_count: i64,
    pub notes: Option<String>,
    /// Active members (in a read of one KUBE; empty in lists).
    pub members: Vec<MemberOut>,
    /// Every membership, also ended ones (in a read of one KUBE).
    pub history: Vec<MemberOut>,
    pub health: crate::visits::HealthOut,
    pub created_at: String,
    pub updated_at: String,
}

impl KubeOut {
    fn from_kube(state: &AppState, k: Kube) -> KubeOut {
        KubeOut {
            village_name: state.areas.name(&k.village_code).to_string(),
            district_name: state.areas.name(&k.district_code).to_string(),
            health: crate::visits::HealthOut {
                status: k.status,
                level: None,
                reasons: Vec::new(),
                assessed_on: None,
            },
            id: k.id,
            registration_number: k.registration_number,
            name: k.name,
            business_type: k.business_type,
            village_code: k.village_code,
            district_code: k.district_code,
            address: k.address,
            formed_on: k.formed_on,
            funding_source: k.funding_source.code().to_string(),
            programme_year: k.programme_year,
            status: k.status.code().to_string(),
            stage: k.stage.code().to_string(),
            pendamping_id: k.pendamping_id,
            pendamping: None,
            member_count: k.member_count,
            notes: k.notes,
            members: Vec::new(),
            history: Vec::new(),
            created_at: k.created_at,
            updated_at: k.updated_at,
        }
    }
    fn from_detail(state: &AppState, d: KubeDetail, full: bool) -> KubeOut {
        let mut out = KubeOut::from_kube(state, d.kube);
        out.pendamping = d.pendamping;
        out.members = d
            .members
            .into_iter()
            .map(|m| MemberOut::new(m, full))
            .collect();
        out.history = d
            .history
            .into_iter()
            .map(|m| MemberOut::new(m, full))
            .collect();
        out
    }
}

// ---------- rules shared by pages and API ----------

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<KubeDetail> {
    Ok(app::scope::kube_detail(&state.app(), &s.caller(), id).await?)
}
