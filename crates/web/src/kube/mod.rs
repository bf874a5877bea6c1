//! KUBE: pages `/kube…` and `/api/v1/kube…`, `/api/v1/business-types`.
//! A pendamping sees and changes only groups of their kecamatan.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::{district_options, today};
use crate::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::kube::{FundingSource, KubeInput, MemberRole, Stage, Status, ValidKube, MAX_MEMBERS};
use domain::nik::mask;
use domain::{Invalid, Lang, Msg, Role};
use serde::{Deserialize, Serialize};
use store::kube::{Kube, KubeChange, KubeDetail, KubeFilter, Member, NewMember};
use store::users::UserFilter;
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

mod api;
pub(crate) use api::*;
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
        .route("/kube/{id}", get(detail_page).post(update_form))
        .route("/kube/{id}/edit", get(edit_page))
        .route("/kube/{id}/members", post(add_member_form))
        .route(
            "/kube/{id}/members/{person_id}/remove",
            post(remove_member_form),
        )
        .route("/kube/{id}/members/{person_id}/role", post(role_form))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_business_types, api_business_type_upsert))
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_add_member))
        .routes(routes!(api_set_role, api_remove_member))
}

// ---------- output ----------

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub person_id: i64,
    pub name: String,
    /// Masked for roles that do not handle identity documents.
    pub nik: String,
    pub sex: String,
    pub village_code: String,
    /// `ketua`, `sekretaris`, `bendahara`, `anggota`
    pub role: String,
    pub joined_on: String,
    pub left_on: Option<String>,
    pub left_reason: Option<String>,
}

impl MemberOut {
    fn new(m: Member, full: bool) -> MemberOut {
        MemberOut {
            person_id: m.person_id,
            name: m.name,
            nik: if full { m.nik } else { mask(&m.nik) },
            sex: m.sex,
            village_code: m.village_code,
            role: m.role,
            joined_on: m.joined_on,
            left_on: m.left_on,
            left_reason: m.left_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
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
    pub formed_on: String,
    /// `apbd_kota`, `apbd_provinsi`, `apbn`, `lainnya`
    pub funding_source: String,
    pub programme_year: i64,
    /// Operational status (see `health`).
    pub status: String,
    /// `pembentukan`, `bimbingan`, `bantuan`, `pendampingan`, `mandiri`, `bubar`
    pub stage: String,
    pub pendamping_id: Option<i64>,
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
                status: k.status.clone(),
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
            funding_source: k.funding_source,
            programme_year: k.programme_year,
            status: k.status,
            stage: k.stage,
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

async fn business_type_codes(state: &AppState) -> AppResult<Vec<String>> {
    Ok(state
        .store
        .business_types()
        .await?
        .into_iter()
        .filter(|b| b.active != 0)
        .map(|b| b.code)
        .collect())
}

async fn validate(state: &AppState, s: &Session, input: &KubeInput) -> AppResult<ValidKube> {
    let codes = business_type_codes(state).await?;
    let v = input.validate(&state.areas, &state.config.region, &codes, today())?;
    if !s.sees_district(v.village_code.district().as_str()) {
        return Err(AppError::invalid(
            "village_code",
            Msg::new("area.outside_scope"),
        ));
    }
    Ok(v)
}

fn parse_members(items: &[MemberIn]) -> Result<Vec<NewMember>, Invalid> {
    let mut inv = Invalid::new();
    let mut out = Vec::new();
    for m in items {
        let role = match m.role.as_deref() {
            None | Some("") => Some(MemberRole::Anggota),
            Some(r) => inv.check("members", MemberRole::parse(r)),
        };
        if let Some(role) = role {
            out.push(NewMember {
                person_id: m.person_id,
                role,
            });
        }
    }
    inv.into_result().map(|_| out)
}

/// Persons outside the caller's area are unknown to them: the answer names only the id
/// they sent, never the person, their village or their KUBE.
async fn check_members_visible(
    state: &AppState,
    s: &Session,
    members: &[NewMember],
) -> Result<(), Invalid> {
    let mut inv = Invalid::new();
    for m in members {
        if crate::persons::visible(state, s, m.person_id)
            .await
            .is_err()
        {
            inv.add("members", Msg::new("kube.person_unknown").arg(m.person_id));
        }
    }
    inv.into_result()
}

async fn create(state: &AppState, s: &Session, b: &KubeCreate) -> AppResult<KubeDetail> {
    s.require_write()?;
    let v = validate(state, s, &b.input()).await;
    let members = match parse_members(&b.members) {
        Ok(m) => check_members_visible(state, s, &m).await.map(|()| m),
        Err(i) => Err(i),
    };
    // Report field errors of the group and of its members together.
    let (v, members) = match (v, members) {
        (Ok(v), Ok(m)) => (v, m),
        (v, m) => {
            let mut inv = Invalid::new();
            match v {
                Err(AppError::Invalid(i)) => inv.fields.extend(i.fields),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            if let Err(i) = m {
                inv.fields.extend(i.fields);
            }
            return Err(inv.into());
        }
    };
    Ok(state
        .store
        .kube_create(
            &s.actor(),
            &state.config.region,
            &v,
            &members,
            b.pendamping_id,
        )
        .await?)
}

fn input_of(k: &Kube) -> KubeInput {
    KubeInput {
        name: k.name.clone(),
        business_type: k.business_type.clone(),
        village_code: k.village_code.clone(),
        address: k.address.clone(),
        formed_on: k.formed_on.clone(),
        funding_source: k.funding_source.clone(),
        programme_year: Some(k.programme_year as i32),
        notes: k.notes.clone(),
    }
}

async fn update(state: &AppState, s: &Session, id: i64, p: &KubePatch) -> AppResult<KubeDetail> {
    s.require_write()?;
    let current = visible(state, s, id).await?.kube;
    let mut input = input_of(&current);
    macro_rules! take {
        ($($f:ident),*) => { $( if let Some(v) = &p.$f { input.$f = v.clone(); } )* };
    }
    take!(name, business_type, village_code, formed_on, funding_source);
    if let Some(v) = &p.address {
        input.address = Some(v.clone());
    }
    if let Some(v) = &p.notes {
        input.notes = Some(v.clone());
    }
    if p.programme_year.is_some() {
        input.programme_year = p.programme_year;
    }
    let v = validate(state, s, &input).await;
    let stage = match p.stage.as_deref() {
        Some(st) => Stage::parse(st).map_err(|m| Invalid::field("stage", m)),
        None => Stage::parse(&current.stage).map_err(|m| Invalid::field("stage", m)),
    };
    let (v, stage) = match (v, stage) {
        (Ok(v), Ok(st)) => (v, st),
        (Err(e), _) => return Err(e),
        (_, Err(i)) => return Err(i.into()),
    };
    let pendamping_id = match p.pendamping_id {
        Some(0) => None,
        Some(id) => Some(id),
        None => current.pendamping_id,
    };
    Ok(state
        .store
        .kube_update(
            &s.actor(),
            id,
            &KubeChange {
                kube: v,
                stage,
                pendamping_id,
            },
        )
        .await?)
}
