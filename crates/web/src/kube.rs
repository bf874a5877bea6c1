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

// ---------- API ----------

#[derive(Deserialize, ToSchema, Clone)]
pub struct MemberIn {
    pub person_id: i64,
    /// `ketua`, `sekretaris`, `bendahara` or `anggota` (default).
    pub role: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct KubeCreate {
    pub name: String,
    pub business_type: String,
    pub village_code: String,
    pub address: Option<String>,
    /// `YYYY-MM-DD`
    pub formed_on: String,
    pub funding_source: String,
    /// Defaults to the year of formation.
    pub programme_year: Option<i32>,
    pub notes: Option<String>,
    /// A pendamping assigned to the KUBE's kecamatan.
    pub pendamping_id: Option<i64>,
    /// 5–20 persons of the KUBE's kecamatan; one ketua, one sekretaris, one bendahara.
    pub members: Vec<MemberIn>,
}

impl KubeCreate {
    fn input(&self) -> KubeInput {
        KubeInput {
            name: self.name.clone(),
            business_type: self.business_type.clone(),
            village_code: self.village_code.clone(),
            address: self.address.clone(),
            formed_on: self.formed_on.clone(),
            funding_source: self.funding_source.clone(),
            programme_year: self.programme_year,
            notes: self.notes.clone(),
        }
    }
}

/// A change; absent fields stay. Members change through their own routes.
#[derive(Deserialize, ToSchema, Default)]
pub struct KubePatch {
    pub name: Option<String>,
    pub business_type: Option<String>,
    pub village_code: Option<String>,
    pub address: Option<String>,
    pub formed_on: Option<String>,
    pub funding_source: Option<String>,
    pub programme_year: Option<i32>,
    pub notes: Option<String>,
    /// `bubar` dissolves the group and ends its memberships.
    pub stage: Option<String>,
    /// 0 removes the pendamping.
    pub pendamping_id: Option<i64>,
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    /// Name, registration number, or an active member's name or NIK.
    pub q: Option<String>,
    pub district_code: Option<String>,
    pub village_code: Option<String>,
    pub status: Option<String>,
    pub stage: Option<String>,
    pub business_type: Option<String>,
    pub funding_source: Option<String>,
    /// Year of formation.
    pub year: Option<String>,
    /// `registration_number` (default), `name`, `-name`, `formed_on`, `-formed_on`, `members`, `-members`
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ListQuery {
    pub(crate) fn filter(&self) -> Result<KubeFilter, Invalid> {
        let year = match self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            Some(y) => Some(
                y.parse::<i64>()
                    .map_err(|_| Invalid::field("year", Msg::new("kube.year_invalid")))?,
            ),
            None => None,
        };
        Ok(KubeFilter {
            q: self.q.clone(),
            district_code: self.district_code.clone(),
            village_code: self.village_code.clone(),
            status: self.status.clone(),
            stage: self.stage.clone(),
            business_type: self.business_type.clone(),
            funding_source: self.funding_source.clone(),
            year,
            pendamping_id: None,
            sort: self.sort.clone(),
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct BusinessTypeOut {
    pub code: String,
    pub name: String,
}

/// The configured business types.
#[utoipa::path(get, path = "/api/v1/business-types", tag = "kube",
    responses((status = 200, body = Vec<BusinessTypeOut>)))]
pub(crate) async fn api_business_types(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
) -> AppResult<Json<Vec<BusinessTypeOut>>> {
    Ok(Json(
        business_types(&state, lang)
            .await?
            .into_iter()
            .map(|(code, name)| BusinessTypeOut { code, name })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct BusinessTypeIn {
    /// Lower-case letters and underscores, e.g. `budidaya_lele`.
    pub code: String,
    /// Name in Bahasa Indonesia.
    pub name: String,
    /// Name in English (defaults to the Indonesian name).
    pub name_en: Option<String>,
    /// False hides the type from new KUBE (existing ones keep it).
    pub active: Option<bool>,
}

/// Add, rename or retire a business type (admin).
#[utoipa::path(post, path = "/api/v1/business-types", tag = "kube", request_body = BusinessTypeIn,
    responses((status = 201, body = Vec<BusinessTypeOut>), (status = 403, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_business_type_upsert(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    Json(b): Json<BusinessTypeIn>,
) -> AppResult<Response> {
    s.require(Role::manages_users)?;
    let mut inv = Invalid::new();
    let code = b.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
    {
        inv.add("code", Msg::new("error.validation"));
    }
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    inv.into_result()?;
    let en = b
        .name_en
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(b.name.trim());
    state
        .store
        .business_type_upsert(
            &s.actor(),
            code,
            b.name.trim(),
            en,
            b.active.unwrap_or(true),
        )
        .await?;
    let all: Vec<BusinessTypeOut> = business_types(&state, lang)
        .await?
        .into_iter()
        .map(|(code, name)| BusinessTypeOut { code, name })
        .collect();
    Ok((StatusCode::CREATED, Json(all)).into_response())
}

async fn business_types(state: &AppState, lang: Lang) -> AppResult<Vec<(String, String)>> {
    Ok(active_type_names(
        &state.store.business_types().await?,
        lang,
    ))
}

fn active_type_names(types: &[store::kube::BusinessType], lang: Lang) -> Vec<(String, String)> {
    types
        .iter()
        .filter(|b| b.active != 0)
        .map(|b| {
            let name = if lang == Lang::En {
                &b.name_en
            } else {
                &b.name
            };
            (b.code.clone(), name.clone())
        })
        .collect()
}

/// List KUBE the caller may see.
#[utoipa::path(get, path = "/api/v1/kube", tag = "kube", params(ListQuery),
    responses((status = 200, body = crate::api::ListOf<KubeOut>), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::api::ListOf<KubeOut>>> {
    crate::persons::check_nik_search(&state, &s, &q.q).await?;
    let page = state
        .store
        .kube_list(
            &q.filter()?,
            s.district_scope(),
            Paging::new(q.limit, q.offset),
        )
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, |k| {
        KubeOut::from_kube(&state, k)
    })))
}

/// Form a KUBE with its members; returns its registration number.
#[utoipa::path(post, path = "/api/v1/kube", tag = "kube", request_body = KubeCreate,
    responses((status = 201, body = KubeOut), (status = 409, body = crate::api::ErrorBody, description = "a member is already in an active KUBE"),
              (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<KubeCreate>,
) -> AppResult<Response> {
    let d = create(&state, &s, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(KubeOut::from_detail(
            &state,
            d,
            s.role().sees_full_identity(),
        )),
    )
        .into_response())
}

/// Read a KUBE with members, history and current health.
#[utoipa::path(get, path = "/api/v1/kube/{id}", tag = "kube", params(("id" = i64, Path)),
    responses((status = 200, body = KubeOut), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<KubeOut>> {
    let (h, _) = crate::visits::health(&state, id).await?;
    let d = visible(&state, &s, id).await?;
    let mut out = KubeOut::from_detail(&state, d, s.role().sees_full_identity());
    out.status = h.status.code().into();
    out.health = crate::visits::health_out(&h, lang);
    Ok(Json(out))
}

/// Change a KUBE's fields, stage or pendamping.
#[utoipa::path(patch, path = "/api/v1/kube/{id}", tag = "kube", params(("id" = i64, Path)), request_body = KubePatch,
    responses((status = 200, body = KubeOut), (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<KubePatch>,
) -> AppResult<Json<KubeOut>> {
    let d = update(&state, &s, id, &b).await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

async fn add_member(state: &AppState, s: &Session, id: i64, m: &MemberIn) -> AppResult<KubeDetail> {
    s.require_write()?;
    visible(state, s, id).await?;
    let nm = parse_members(std::slice::from_ref(m))?.remove(0);
    check_members_visible(state, s, std::slice::from_ref(&nm)).await?;
    Ok(state
        .store
        .kube_add_member(&s.actor(), id, nm, &today().format("%Y-%m-%d").to_string())
        .await?)
}

/// Add a member (a person of the KUBE's kecamatan in no other active KUBE).
#[utoipa::path(post, path = "/api/v1/kube/{id}/members", tag = "kube", params(("id" = i64, Path)), request_body = MemberIn,
    responses((status = 201, body = KubeOut), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_add_member(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<MemberIn>,
) -> AppResult<Response> {
    let d = add_member(&state, &s, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(KubeOut::from_detail(
            &state,
            d,
            s.role().sees_full_identity(),
        )),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct LeaveQuery {
    /// Why the member leaves (kept in the membership history).
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct LeaveBody {
    pub reason: Option<String>,
}

async fn remove_member(
    state: &AppState,
    s: &Session,
    id: i64,
    person_id: i64,
    reason: Option<&str>,
) -> AppResult<KubeDetail> {
    s.require_write()?;
    visible(state, s, id).await?;
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| AppError::invalid("reason", Msg::new("kube.reason_required")))?;
    if reason.chars().count() > 200 {
        return Err(AppError::invalid(
            "reason",
            Msg::new("common.too_long").arg(200),
        ));
    }
    Ok(state
        .store
        .kube_remove_member(
            &s.actor(),
            id,
            person_id,
            reason,
            &today().format("%Y-%m-%d").to_string(),
        )
        .await?)
}

/// A member leaves the KUBE (kept in the history). Refused below 5 members or for an
/// officer without replacement.
#[utoipa::path(delete, path = "/api/v1/kube/{id}/members/{person_id}", tag = "kube",
    params(("id" = i64, Path), ("person_id" = i64, Path), LeaveQuery), request_body(content = Option<LeaveBody>),
    responses((status = 200, body = KubeOut), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_remove_member(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
    Query(q): Query<LeaveQuery>,
    body: axum::body::Bytes,
) -> AppResult<Json<KubeOut>> {
    let from_body = serde_json::from_slice::<LeaveBody>(&body)
        .ok()
        .and_then(|b| b.reason);
    let reason = q.reason.or(from_body);
    let d = remove_member(&state, &s, id, person_id, reason.as_deref()).await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleBody {
    /// `ketua`, `sekretaris`, `bendahara` or `anggota`; the previous holder of an office becomes `anggota`.
    pub role: String,
}

async fn set_role(
    state: &AppState,
    s: &Session,
    id: i64,
    person_id: i64,
    role: &str,
) -> AppResult<KubeDetail> {
    s.require_write()?;
    visible(state, s, id).await?;
    let role = MemberRole::parse(role).map_err(|m| Invalid::field("role", m))?;
    Ok(state
        .store
        .kube_set_role(&s.actor(), id, person_id, role)
        .await?)
}

/// Change a member's role.
#[utoipa::path(patch, path = "/api/v1/kube/{id}/members/{person_id}", tag = "kube",
    params(("id" = i64, Path), ("person_id" = i64, Path)), request_body = RoleBody,
    responses((status = 200, body = KubeOut), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_set_role(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, person_id)): Path<(i64, i64)>,
    Json(b): Json<RoleBody>,
) -> AppResult<Json<KubeOut>> {
    let d = set_role(&state, &s, id, person_id, &b.role).await?;
    Ok(Json(KubeOut::from_detail(
        &state,
        d,
        s.role().sees_full_identity(),
    )))
}

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub business_type: String,
    pub village: String,
    pub year: i64,
    pub members: i64,
    pub status: String,
    pub status_label: &'static str,
}

/// Select options shared by the list and the forms.
pub struct Options {
    pub districts: Vec<(String, String)>,
    pub villages: Vec<(String, String, String)>,
    pub business_types: Vec<(String, String)>,
    pub statuses: Vec<(&'static str, &'static str)>,
    pub stages: Vec<(&'static str, &'static str)>,
    pub funding: Vec<(&'static str, &'static str)>,
    pub roles: Vec<(&'static str, &'static str)>,
}

/// The choices of the KUBE forms: every village the caller sees.
async fn options(state: &AppState, s: &Session, lang: Lang) -> AppResult<Options> {
    let types = business_types(state, lang).await?;
    let villages = crate::persons::villages_in(state, s, None);
    Ok(options_with(state, s, lang, villages, types))
}

/// The choices of the KUBE pages, with the villages and business types to offer.
fn options_with(
    state: &AppState,
    s: &Session,
    lang: Lang,
    villages: Vec<(String, String, String)>,
    business_types: Vec<(String, String)>,
) -> Options {
    Options {
        districts: district_options(state, s),
        villages,
        business_types,
        statuses: Status::ALL
            .iter()
            .map(|x| (x.code(), lang.t(x.label_key())))
            .collect(),
        stages: Stage::ALL
            .iter()
            .map(|x| (x.code(), lang.t(x.label_key())))
            .collect(),
        funding: FundingSource::ALL
            .iter()
            .map(|x| (x.code(), lang.t(x.label_key())))
            .collect(),
        roles: MemberRole::ALL
            .iter()
            .map(|x| (x.code(), lang.t(x.label_key())))
            .collect(),
    }
}

impl Options {
    fn business_type_name(&self, code: &str) -> String {
        self.business_types
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

fn status_label(lang: Lang, code: &str) -> &'static str {
    Status::parse(code)
        .map(|s| lang.t(s.label_key()))
        .unwrap_or("")
}

#[derive(askama::Template)]
#[template(path = "kube_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: ListQuery,
    o: Options,
    pager: Pager,
    /// Filters of the list, for the export links.
    export_qs: String,
    can_write: bool,
    errors: FormErrors,
}

impl ListPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    crate::persons::check_nik_search(&state, &s, &q.q).await?;
    let (filter, inv) = match q.filter() {
        Ok(f) => (f, None),
        Err(i) => (KubeFilter::default(), Some(i)),
    };
    let page = state
        .store
        .kube_rows(&filter, s.district_scope(), Paging::new(Some(50), q.offset))
        .await?;
    let pager = Pager::new(&page, "/kube", &page::query_pairs(&uri));
    let villages = crate::persons::filter_villages(
        &state,
        &s,
        q.district_code.as_deref(),
        q.village_code.as_deref(),
    );
    let types = business_types(&state, ctx.lang).await?;
    let o = options_with(&state, &s, ctx.lang, villages, types);
    let rows = page
        .items
        .into_iter()
        .map(|k| Row {
            id: k.id,
            business_type: o.business_type_name(&k.business_type),
            village: state.areas.name(&k.village_code).to_string(),
            status_label: status_label(ctx.lang, &k.status),
            registration_number: k.registration_number,
            name: k.name,
            year: k.formed_year,
            members: k.member_count,
            status: k.status,
        })
        .collect();
    let errors = FormErrors::new(inv.as_ref(), ctx.lang);
    Ok(html(&ListPage {
        rows,
        q,
        o,
        pager,
        export_qs: page::filter_query(&uri),
        can_write: s.role().can_write(),
        errors,
        ctx,
    })?
    .into_response())
}

pub struct AuditRow {
    pub at: String,
    pub username: String,
    pub action: String,
}

#[derive(askama::Template)]
#[template(path = "kube_detail.html")]
struct DetailPage {
    ctx: Ctx,
    k: KubeOut,
    business_type: String,
    funding: &'static str,
    stage: &'static str,
    status: &'static str,
    o: Options,
    candidates: Vec<(i64, String, String)>,
    member_q: String,
    can_write: bool,
    audit: Vec<AuditRow>,
    errors: FormErrors,
    health: crate::visits::HealthOut,
    level: &'static str,
    guidance: domain::guidance::GuidanceStatus,
    visits: Vec<crate::visits::VisitOut>,
    /// Revenue, profit and savings over the visits (SVG).
    trend: String,
    history: Vec<(String, String, &'static str, String)>,
    can_visit: bool,
    assets: Vec<crate::proposals::AssetOut>,
    /// Photos of the last visit, and its id for adding more.
    photos: Vec<crate::attachments::AttachmentOut>,
    last_visit: Option<i64>,
}

impl DetailPage {
    fn rupiah(&self, v: &i64) -> String {
        domain::money::Rupiah::new(*v).to_string()
    }
    fn msg(&self, m: &domain::Msg) -> String {
        m.text(self.ctx.lang)
    }
    fn role_label(&self, code: &str) -> &'static str {
        MemberRole::parse(code)
            .map(|r| self.ctx.t(r.label_key()))
            .unwrap_or("")
    }
    fn village(&self, code: &str) -> String {
        self.o
            .villages
            .iter()
            .find(|v| v.0 == code)
            .map(|v| v.1.clone())
            .unwrap_or_default()
    }
}

async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    render_detail_with(state, s, ctx, id, errors, None).await
}

/// The detail page; `member_q` (a name or NIK start) lists persons who could join.
async fn render_detail_with(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
    member_q: Option<String>,
) -> AppResult<Response> {
    let ov = s.caller().visible(
        state
            .store
            .kube_overview(id, &state.config.health, crate::persons::today())
            .await?,
    )?;
    let h = ov.health;
    let district = ov.detail.kube.district_code.clone();
    let k = KubeOut::from_detail(state, ov.detail, s.role().sees_full_identity());
    let types = active_type_names(&ov.business_types, ctx.lang);
    let villages = crate::persons::villages_in(state, s, Some(&district));
    let o = options_with(state, s, ctx.lang, villages, types);
    let can_write = s.role().can_write() && k.stage != Stage::Bubar.code();
    // Candidates only on request: a kecamatan may hold tens of thousands of persons.
    let member_q = member_q.filter(|q| !q.trim().is_empty());
    if can_write {
        crate::persons::check_nik_search(state, s, &member_q).await?;
    }
    let candidates = match &member_q {
        Some(q) if can_write => {
            state
                .store
                .kube_candidates(&district, Some(q.trim()), 50)
                .await?
        }
        _ => Vec::new(),
    };
    let audit = ov
        .audit
        .into_iter()
        .map(|e| AuditRow {
            at: page::local_time(&e.at),
            username: e.username,
            action: e.action,
        })
        .collect();
    let lang = ctx.lang;
    let errors = FormErrors::new(errors, lang);
    let status = errors.status();
    let guidance =
        domain::guidance::technical_guidance(&ov.guidance, state.config.guidance_share_pct);
    let last_visit = ov.visits.first().map(|v| v.id);
    let visits: Vec<crate::visits::VisitOut> = ov
        .visits
        .into_iter()
        .take(12)
        .map(crate::visits::VisitOut::from)
        .collect();
    let trend = crate::visits::trend_chart(&visits, lang);
    let history = ov
        .health_history
        .into_iter()
        .map(|r| {
            let reasons: Vec<serde_json::Value> =
                serde_json::from_str(&r.reasons_json).unwrap_or_default();
            let text = reasons
                .iter()
                .map(|m| {
                    let mut msg = domain::Msg::new(lang_key(m["key"].as_str().unwrap_or("")));
                    for a in m["args"].as_array().into_iter().flatten() {
                        msg = msg.arg(a.as_str().unwrap_or(""));
                    }
                    msg.text(lang)
                })
                .collect::<Vec<_>>()
                .join("; ");
            (
                page::local_time(&r.assessed_at),
                r.status.clone(),
                status_label(lang, &r.status),
                text,
            )
        })
        .collect();
    let page = DetailPage {
        level: h.level.map(|l| lang.t(l.label_key())).unwrap_or(""),
        health: crate::visits::health_out(&h, lang),
        guidance,
        visits,
        trend,
        history,
        can_visit: s.role().can_write() && k.stage != Stage::Bubar.code(),
        assets: ov
            .assets
            .into_iter()
            .map(crate::proposals::AssetOut::from)
            .collect(),
        photos: ov
            .photos
            .into_iter()
            .map(crate::attachments::AttachmentOut::from)
            .collect(),
        last_visit,
        business_type: o.business_type_name(&k.business_type),
        funding: FundingSource::parse(&k.funding_source)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        stage: Stage::parse(&k.stage)
            .map(|f| lang.t(f.label_key()))
            .unwrap_or(""),
        status: lang.t(h.status.label_key()),
        k,
        o,
        candidates,
        member_q: member_q.unwrap_or_default(),
        can_write,
        audit,
        errors,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

#[derive(Deserialize)]
struct DetailQuery {
    member_q: Option<String>,
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    render_detail_with(&state, &s, ctx, id, None, q.member_q).await
}

async fn member_result(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    r: AppResult<KubeDetail>,
    ok_msg: String,
) -> AppResult<Response> {
    match r {
        Ok(_) => page::redirect_with_flash(state, s, &format!("/kube/{id}"), ok_msg).await,
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(state, s, ctx, id, Some(&inv)).await
        }
    }
}

fn person_name(d: &Option<KubeDetail>, person_id: i64) -> String {
    d.as_ref()
        .and_then(|d| d.history.iter().find(|m| m.person_id == person_id))
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

async fn add_member_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let Ok(person_id) = get("person_id").parse::<i64>() else {
        return render_detail(
            &state,
            &s,
            ctx,
            id,
            Some(&Invalid::field("person_id", Msg::new("common.required"))),
        )
        .await;
    };
    let r = add_member(
        &state,
        &s,
        id,
        &MemberIn {
            person_id,
            role: Some(get("role")),
        },
    )
    .await;
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.member_added", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}

async fn remove_member_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, person_id)): Path<(i64, i64)>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let reason = page::FormData::parse(&body).opt("reason");
    let r = remove_member(&state, &s, id, person_id, reason.as_deref()).await;
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.member_removed", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}

async fn role_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, person_id)): Path<(i64, i64)>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let role = page::FormData::parse(&body).get("role");
    let r = set_role(&state, &s, id, person_id, &role).await;
    let name = person_name(&r.as_ref().ok().cloned(), person_id);
    let msg = ctx.tf("kube.role_changed", &[name]);
    member_result(&state, &s, ctx, id, r, msg).await
}

// ----- create and edit forms -----

pub struct MemberRow {
    pub person_id: i64,
    pub role: String,
    /// What was typed when it named no candidate (shown again with the error).
    pub typed: String,
}

#[derive(askama::Template)]
#[template(path = "kube_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    v: KubeInput,
    stage: String,
    pendamping_id: i64,
    pendampings: Vec<(i64, String)>,
    o: Options,
    /// Persons who may join (create form): (id, "name (village) #id"), offered once as a
    /// datalist that every member row's input uses — 20 selects of 2,000 options made a
    /// large kecamatan's form 2.3 MB.
    candidates: Vec<(i64, String)>,
    rows: Vec<MemberRow>,
    errors: FormErrors,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
    fn year(&self) -> String {
        self.v
            .programme_year
            .map(|y| y.to_string())
            .unwrap_or_default()
    }
    fn village(&self, code: &str) -> String {
        self.o
            .villages
            .iter()
            .find(|v| v.0 == code)
            .map(|v| v.1.clone())
            .unwrap_or_default()
    }
    /// A member row's input: the candidate's label, or what was typed.
    fn member_value(&self, r: &MemberRow) -> String {
        match self.candidates.iter().find(|c| c.0 == r.person_id) {
            Some(c) => c.1.clone(),
            None if r.person_id > 0 => format!("#{}", r.person_id),
            None => r.typed.clone(),
        }
    }
    /// Errors of the member list: size, repeats, kecamatan, officers.
    fn member_errors(&self) -> Vec<&str> {
        [
            "members",
            "members.ketua",
            "members.sekretaris",
            "members.bendahara",
        ]
        .iter()
        .map(|f| self.errors.get(f))
        .filter(|m| !m.is_empty())
        .collect()
    }
}

/// Pendamping accounts assigned to a kecamatan: (user id, user name).
async fn pendamping_options(state: &AppState, district: &str) -> AppResult<Vec<(i64, String)>> {
    let page = state
        .store
        .user_list(
            &UserFilter {
                q: None,
                role: Some(Role::Pendamping.as_str().into()),
            },
            Paging::new(Some(500), None),
        )
        .await?;
    Ok(page
        .items
        .into_iter()
        .filter(|u| !u.disabled && u.districts.iter().any(|d| d == district))
        .map(|u| (u.id, u.username))
        .collect())
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: Option<i64>,
    v: KubeInput,
    stage: String,
    pendamping_id: Option<i64>,
    rows: Vec<MemberRow>,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let district = state
        .areas
        .village(&v.village_code)
        .ok()
        .map(|vc| vc.district());
    let (candidates, pendampings) = match &district {
        Some(d) if s.sees_district(d.as_str()) => (
            if id.is_none() {
                state.store.kube_candidates(d.as_str(), None, 2000).await?
            } else {
                Vec::new()
            },
            pendamping_options(state, d.as_str()).await?,
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let o = options(state, s, ctx.lang).await?;
    let village_names: std::collections::HashMap<&str, &str> = o
        .villages
        .iter()
        .map(|v| (v.0.as_str(), v.1.as_str()))
        .collect();
    let candidates = candidates
        .into_iter()
        .map(|(id, name, village)| {
            let v = village_names.get(village.as_str()).copied().unwrap_or("");
            (id, format!("{name} ({v}) #{id}"))
        })
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let page = FormPage {
        id,
        v,
        stage,
        pendamping_id: pendamping_id.unwrap_or(0),
        pendampings,
        o,
        candidates,
        rows,
        errors,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

fn default_rows() -> Vec<MemberRow> {
    (0..MAX_MEMBERS)
        .map(|i| MemberRow {
            person_id: 0,
            role: match i {
                0 => "ketua",
                1 => "sekretaris",
                2 => "bendahara",
                _ => "anggota",
            }
            .into(),
            typed: String::new(),
        })
        .collect()
}

#[derive(Deserialize)]
struct NewQuery {
    village_code: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    let v = KubeInput {
        village_code: q.village_code.unwrap_or_default(),
        funding_source: "apbd_kota".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &s,
        ctx,
        None,
        v,
        Stage::Pembentukan.code().into(),
        None,
        default_rows(),
        None,
    )
    .await
}

struct ParsedForm {
    input: KubeInput,
    stage: String,
    pendamping_id: Option<i64>,
    rows: Vec<MemberRow>,
}

/// A member row's input: empty, an id, or a candidate's label ending in `#id`.
/// `Err` when something was typed that names no one.
fn member_id(v: &str) -> Result<i64, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(0);
    }
    let id = v.rsplit_once('#').map_or(v, |(_, id)| id).trim();
    id.parse::<i64>().ok().filter(|i| *i > 0).ok_or(())
}

fn parse_form(body: &[u8]) -> ParsedForm {
    let mut input = KubeInput::default();
    let mut stage = String::new();
    let mut pendamping_id = None;
    let mut persons: Vec<String> = Vec::new();
    let mut roles: Vec<String> = Vec::new();
    let some = |v: String| if v.trim().is_empty() { None } else { Some(v) };
    for (k, v) in page::form_pairs(body) {
        match k.as_str() {
            "name" => input.name = v,
            "business_type" => input.business_type = v,
            "village_code" => input.village_code = v,
            "address" => input.address = some(v),
            "formed_on" => input.formed_on = v,
            "funding_source" => input.funding_source = v,
            "programme_year" => input.programme_year = v.trim().parse().ok(),
            "notes" => input.notes = some(v),
            "stage" => stage = v,
            "pendamping_id" => pendamping_id = v.parse::<i64>().ok().filter(|i| *i > 0),
            "member_person" => persons.push(v),
            "member_role" => roles.push(v),
            _ => {}
        }
    }
    let rows = persons
        .into_iter()
        .zip(roles)
        .map(|(typed, role)| match member_id(&typed) {
            Ok(person_id) => MemberRow {
                person_id,
                role,
                typed: String::new(),
            },
            Err(()) => MemberRow {
                person_id: 0,
                role,
                typed,
            },
        })
        .collect();
    ParsedForm {
        input,
        stage,
        pendamping_id,
        rows,
    }
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body);
    if let Some(row) = f.rows.iter().position(|r| !r.typed.is_empty()) {
        let inv = domain::Invalid::field("members", Msg::new("kube.member_unknown").arg(row + 1));
        return create_form_again(&state, &s, ctx, f, &inv).await;
    }
    let members: Vec<MemberIn> = f
        .rows
        .iter()
        .filter(|r| r.person_id > 0)
        .map(|r| MemberIn {
            person_id: r.person_id,
            role: Some(r.role.clone()),
        })
        .collect();
    let b = KubeCreate {
        name: f.input.name.clone(),
        business_type: f.input.business_type.clone(),
        village_code: f.input.village_code.clone(),
        address: f.input.address.clone(),
        formed_on: f.input.formed_on.clone(),
        funding_source: f.input.funding_source.clone(),
        programme_year: f.input.programme_year,
        notes: f.input.notes.clone(),
        pendamping_id: f.pendamping_id,
        members,
    };
    match create(&state, &s, &b).await {
        Ok(d) => {
            let msg = ctx.tf(
                "kube.created",
                &[d.kube.name.clone(), d.kube.registration_number.clone()],
            );
            page::redirect_with_flash(&state, &s, &format!("/kube/{}", d.kube.id), msg).await
        }
        Err(e) => create_form_again(&state, &s, ctx, f, &e.into_form_errors()?).await,
    }
}

/// The create form again with what was entered and why it was refused.
async fn create_form_again(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    f: ParsedForm,
    inv: &Invalid,
) -> AppResult<Response> {
    let mut rows = f.rows;
    rows.resize_with(MAX_MEMBERS, || MemberRow {
        person_id: 0,
        role: "anggota".into(),
        typed: String::new(),
    });
    form_page(
        state,
        s,
        ctx,
        None,
        f.input,
        Stage::Pembentukan.code().into(),
        f.pendamping_id,
        rows,
        Some(inv),
    )
    .await
}

async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let k = visible(&state, &s, id).await?.kube;
    form_page(
        &state,
        &s,
        ctx,
        Some(id),
        input_of(&k),
        k.stage.clone(),
        k.pendamping_id,
        Vec::new(),
        None,
    )
    .await
}

async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body);
    let p = KubePatch {
        name: Some(f.input.name.clone()),
        business_type: Some(f.input.business_type.clone()),
        village_code: Some(f.input.village_code.clone()),
        address: Some(f.input.address.clone().unwrap_or_default()),
        formed_on: Some(f.input.formed_on.clone()),
        funding_source: Some(f.input.funding_source.clone()),
        programme_year: f.input.programme_year,
        notes: Some(f.input.notes.clone().unwrap_or_default()),
        stage: Some(f.stage.clone()),
        pendamping_id: Some(f.pendamping_id.unwrap_or(0)),
    };
    match update(&state, &s, id, &p).await {
        Ok(d) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/kube/{id}"),
                ctx.tf("kube.updated", &[d.kube.name]),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            form_page(
                &state,
                &s,
                ctx,
                Some(id),
                f.input,
                f.stage,
                f.pendamping_id,
                Vec::new(),
                Some(&inv),
            )
            .await
        }
    }
}

/// Catalogue keys stored with assessments are `'static` in the catalogue.
fn lang_key(key: &str) -> &'static str {
    domain::i18n::CATALOGUE
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(k, _, _)| *k)
        .unwrap_or("error.validation")
}
