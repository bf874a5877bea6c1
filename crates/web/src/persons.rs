//! The registry of persons: pages `/persons…` and `/api/v1/persons`, `/api/v1/nik/{nik}`.
//! A pendamping sees and edits only persons of their kecamatan; NIK and KK are masked
//! for roles that do not handle identity documents.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::dedup::{likely_same, Record};
use domain::nik::{mask, Nik};
use domain::person::{age_on, Category, PersonInput, ValidPerson};
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use store::persons::{Person, PersonFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons", get(list_page).post(create_form))
        .route("/persons/new", get(new_page))
        .route("/persons/nik-hint", get(nik_hint))
        .route("/persons/{id}", get(detail_page).post(update_form))
        .route("/persons/{id}/edit", get(edit_page))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_nik))
}

pub use app::today;

// ---------- output ----------

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub id: i64,
    /// Masked to the regency (`3279••••••••••••`) for roles that do not handle identity
    /// documents (pendamping, auditor).
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    /// `L` or `P`
    pub sex: String,
    /// `YYYY-MM-DD`; null for roles that see masked numbers (with the serial hidden, the
    /// birth date would narrow the NIK down to a handful), who read the age.
    pub birth_date: Option<String>,
    pub age: i32,
    pub village_code: String,
    pub village_name: String,
    pub district_code: String,
    pub district_name: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// From `fakir_miskin`, `wrse`, `lansia`, `anak`, `disabilitas`.
    pub categories: Vec<String>,
    pub dtks_registered: bool,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Set on a record retired by a merge: the id of the record kept.
    pub merged_into: Option<i64>,
}

impl PersonOut {
    pub fn new(state: &AppState, p: Person, full_identity: bool) -> PersonOut {
        let age = age_of(&p.birth_date);
        let shown = |n: String| if full_identity { n } else { mask(&n) };
        PersonOut {
            id: p.id,
            nik: shown(p.nik),
            kk_number: p.kk_number.map(shown),
            village_name: state.areas.name(&p.village_code).to_string(),
            district_name: state.areas.name(&p.district_code).to_string(),
            name: p.name,
            sex: p.sex,
            birth_date: full_identity.then_some(p.birth_date),
            age,
            village_code: p.village_code,
            district_code: p.district_code,
            rt: p.rt,
            rw: p.rw,
            address: p.address,
            phone: p.phone,
            categories: p.categories,
            dtks_registered: p.dtks_registered != 0,
            dtks_ref: p.dtks_ref,
            notes: p.notes,
            created_at: p.created_at,
            updated_at: p.updated_at,
            merged_into: p.merged_into,
        }
    }
}

/// Age today of a stored birth date (0 if it does not parse).
pub(crate) fn age_of(birth_date: &str) -> i32 {
    domain::person::parse_date(birth_date)
        .map(|b| age_on(b, today()))
        .unwrap_or(0)
}

// ---------- rules shared by pages and API ----------

/// Searching by NIK: roles that handle identity documents search by any start of a NIK;
/// a pendamping may look up one whole NIK (the card is in their hand), and the lookup is
/// audited; an auditor not at all — a prefix search would confirm guesses digit by digit.
/// `q` is a NIK search when it is all digits (4 or more), as the store reads it.
pub(crate) async fn check_nik_search(
    state: &AppState,
    s: &Session,
    q: &Option<String>,
) -> AppResult<()> {
    let digits: String = q
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.len() < 4
        || !digits.chars().all(|c| c.is_ascii_digit())
        || s.role().sees_full_identity()
    {
        return Ok(());
    }
    if digits.len() == 16 && s.role() == domain::Role::Pendamping {
        let after = serde_json::json!({"nik": digits});
        state
            .store
            .audit_event(&s.actor(), "nik_lookup", "person", "-", &after)
            .await?;
        return Ok(());
    }
    Err(AppError::invalid("q", Msg::new("search.nik_not_allowed")))
}

/// A person the caller may see; others are "not found" so that nothing leaks.
pub(crate) async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<Person> {
    Ok(app::scope::person(&state.app(), &s.caller(), id).await?)
}

fn validate(state: &AppState, s: &Session, input: &PersonInput) -> Result<ValidPerson, Invalid> {
    let v = input.validate(&state.areas, &state.config.region, today())?;
    if !s.sees_district(v.village_code.district().as_str()) {
        return Err(Invalid::field(
            "village_code",
            Msg::new("area.outside_scope"),
        ));
    }
    Ok(v)
}

/// Persons already registered whom the duplicate finder judges worth a look beside
/// this new record (the same finder as the review page), most alike first.
async fn possible_duplicates(
    state: &AppState,
    v: &ValidPerson,
    exclude: Option<i64>,
) -> AppResult<Vec<Person>> {
    let found = state.store.person_duplicate_candidates(v, exclude).await?;
    let new = Record {
        id: String::new(),
        nik: v.nik.as_str().to_string(),
        name: v.name.clone(),
        sex: v.sex.code().to_string(),
        birth_date: v.birth_date.format("%Y-%m-%d").to_string(),
        village_code: v.village_code.as_str().to_string(),
        kk_number: v
            .kk_number
            .as_ref()
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
    };
    let known: Vec<Record> = found.iter().map(crate::duplicates::record_of).collect();
    let ids: Vec<String> = likely_same(&new, &known)
        .into_iter()
        .map(|(r, _)| r.id.clone())
        .collect();
    let mut found = found;
    found.retain(|p| ids.contains(&p.id.to_string()));
    found.sort_by_key(|p| ids.iter().position(|i| *i == p.id.to_string()));
    Ok(found)
}

/// The warning about possible duplicates: those in the caller's area by name, village
/// and birth date (the age for masked roles); others only as "outside your area".
fn duplicate_error(state: &AppState, s: &Session, dups: &[Person]) -> AppError {
    let full = s.role().sees_full_identity();
    let names: Vec<String> = dups
        .iter()
        .filter(|d| s.sees_district(&d.district_code))
        .take(3)
        .map(|d| {
            let born = if full {
                d.birth_date.clone()
            } else {
                age_of(&d.birth_date).to_string()
            };
            format!(
                "{} ({}, {})",
                d.name,
                born,
                state.areas.name(&d.village_code)
            )
        })
        .collect();
    let msg = if names.is_empty() {
        Msg::new("person.possible_duplicate_elsewhere")
    } else {
        Msg::new("person.possible_duplicate").arg(names.join("; "))
    };
    AppError::Conflict {
        field: "name".into(),
        msg,
    }
}

async fn create(
    state: &AppState,
    s: &Session,
    input: &PersonInput,
    confirm_duplicate: bool,
) -> AppResult<Person> {
    s.require_write()?;
    let v = validate(state, s, input)?;
    if !confirm_duplicate {
        let dups = possible_duplicates(state, &v, None).await?;
        if !dups.is_empty() {
            return Err(duplicate_error(state, s, &dups));
        }
    }
    Ok(state.store.person_create(&s.actor(), &v).await?)
}

fn input_of(p: &Person) -> PersonInput {
    PersonInput {
        nik: p.nik.clone(),
        kk_number: p.kk_number.clone(),
        name: p.name.clone(),
        sex: p.sex.clone(),
        birth_date: p.birth_date.clone(),
        village_code: p.village_code.clone(),
        rt: p.rt.clone(),
        rw: p.rw.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        categories: p.categories.clone(),
        dtks_registered: p.dtks_registered != 0,
        dtks_ref: p.dtks_ref.clone(),
        notes: p.notes.clone(),
    }
}

async fn update(state: &AppState, s: &Session, id: i64, patch: &PersonPatch) -> AppResult<Person> {
    s.require_write()?;
    let current = visible(state, s, id).await?;
    let mut input = input_of(&current);
    // Roles that see masked numbers cannot change what the NIK encodes: they never saw
    // it, and the answers to trying (does this birth date fit the NIK?) would rebuild it.
    if s.role().sees_full_identity() {
        if let Some(v) = &patch.nik {
            input.nik = v.clone();
        }
        if let Some(v) = &patch.kk_number {
            input.kk_number = Some(v.clone());
        }
    } else if patch.nik.is_some()
        || patch.kk_number.is_some()
        || patch.birth_date.is_some()
        || patch.sex.is_some()
    {
        return Err(AppError::Forbidden);
    }
    macro_rules! take {
        ($($f:ident),*) => { $( if let Some(v) = &patch.$f { input.$f = v.clone(); } )* };
    }
    take!(
        name,
        sex,
        birth_date,
        village_code,
        categories,
        dtks_registered
    );
    macro_rules! take_opt {
        ($($f:ident),*) => { $( if let Some(v) = &patch.$f { input.$f = Some(v.clone()); } )* };
    }
    take_opt!(rt, rw, address, phone, dtks_ref, notes);
    let v = validate(state, s, &input)?;
    Ok(state.store.person_update(&s.actor(), id, &v).await?)
}

// ---------- API ----------

#[derive(Deserialize, ToSchema)]
pub struct PersonCreate {
    /// 16 digits; sex and birth date must agree with it.
    pub nik: String,
    pub kk_number: Option<String>,
    pub name: String,
    /// `L` or `P`
    pub sex: String,
    /// `YYYY-MM-DD`
    pub birth_date: String,
    /// A village of the office's region, e.g. `32.79.04.2002`.
    pub village_code: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    /// Street address.
    pub address: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub dtks_registered: bool,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
    /// Save although a very similar person exists (otherwise 409).
    #[serde(default)]
    pub confirm_duplicate: bool,
}

impl PersonCreate {
    fn input(&self) -> PersonInput {
        PersonInput {
            nik: self.nik.clone(),
            kk_number: self.kk_number.clone(),
            name: self.name.clone(),
            sex: self.sex.clone(),
            birth_date: self.birth_date.clone(),
            village_code: self.village_code.clone(),
            rt: self.rt.clone(),
            rw: self.rw.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            categories: self.categories.clone(),
            dtks_registered: self.dtks_registered,
            dtks_ref: self.dtks_ref.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A change: absent fields stay as they are.
#[derive(Deserialize, ToSchema, Default)]
pub struct PersonPatch {
    pub nik: Option<String>,
    pub kk_number: Option<String>,
    pub name: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub village_code: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub categories: Option<Vec<String>>,
    pub dtks_registered: Option<bool>,
    pub dtks_ref: Option<String>,
    pub notes: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    /// Part of the name, or the start of the NIK (digits).
    pub q: Option<String>,
    pub village_code: Option<String>,
    pub district_code: Option<String>,
    pub category: Option<String>,
    /// `name`, `-name`, `birth_date`, `-birth_date`, `created_at`, `-created_at`
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ListQuery {
    pub(crate) fn filter(&self) -> PersonFilter {
        PersonFilter {
            q: self.q.clone(),
            village_code: self.village_code.clone(),
            district_code: self.district_code.clone(),
            category: self.category.clone(),
            sort: self.sort.clone(),
        }
    }
}

/// List persons the caller may see.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(ListQuery),
    responses((status = 200, body = crate::api::ListOf<PersonOut>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::api::ListOf<PersonOut>>> {
    check_nik_search(&state, &s, &q.q).await?;
    let page = state
        .store
        .person_list(
            &q.filter(),
            s.district_scope(),
            Paging::new(q.limit, q.offset),
        )
        .await?;
    let full = s.role().sees_full_identity();
    Ok(Json(crate::api::ListOf::from_page(page, |p| {
        PersonOut::new(&state, p, full)
    })))
}

/// Register a person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonCreate,
    responses((status = 201, body = PersonOut), (status = 409, body = crate::api::ErrorBody, description = "NIK already registered, or a possible duplicate"),
              (status = 422, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<PersonCreate>,
) -> AppResult<Response> {
    let p = create(&state, &s, &b.input(), b.confirm_duplicate).await?;
    let full = s.role().sees_full_identity();
    Ok((StatusCode::CREATED, Json(PersonOut::new(&state, p, full))).into_response())
}

/// Read a person (404 outside the caller's area).
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<PersonOut>> {
    let p = visible(&state, &s, id).await?;
    Ok(Json(PersonOut::new(
        &state,
        p,
        s.role().sees_full_identity(),
    )))
}

/// Change a person.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = i64, Path)),
    request_body = PersonPatch,
    responses((status = 200, body = PersonOut), (status = 404, body = crate::api::ErrorBody),
              (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    Json(b): Json<PersonPatch>,
) -> AppResult<Json<PersonOut>> {
    let p = update(&state, &s, id, &b).await?;
    Ok(Json(PersonOut::new(
        &state,
        p,
        s.role().sees_full_identity(),
    )))
}

#[derive(Serialize, ToSchema)]
pub struct NikOut {
    pub valid: bool,
    /// Why it is invalid, in the caller's language.
    pub reason: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub province_code: Option<String>,
    pub regency_code: Option<String>,
    pub district_code: Option<String>,
}

fn decode(state: &AppState, nik: &str, lang: Lang) -> NikOut {
    match Nik::parse(nik, &state.areas, today()) {
        Ok(n) => NikOut {
            valid: true,
            reason: None,
            sex: Some(n.sex().code().into()),
            birth_date: Some(n.birth_date().format("%Y-%m-%d").to_string()),
            province_code: Some(n.province_code()),
            regency_code: Some(n.regency_code()),
            district_code: Some(n.district_code()),
        },
        Err(m) => NikOut {
            valid: false,
            reason: Some(m.text(lang)),
            sex: None,
            birth_date: None,
            province_code: None,
            regency_code: None,
            district_code: None,
        },
    }
}

/// Decode and validate a NIK.
#[utoipa::path(get, path = "/api/v1/nik/{nik}", tag = "persons", params(("nik" = String, Path)),
    responses((status = 200, body = NikOut)))]
pub(crate) async fn api_nik(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    Path(nik): Path<String>,
) -> Json<NikOut> {
    Json(decode(&state, &nik, lang))
}

// ---------- pages ----------

pub struct Row {
    pub id: i64,
    pub nik: String,
    pub name: String,
    pub sex: String,
    pub age: i32,
    pub village: String,
    pub categories: String,
}

#[derive(askama::Template)]
#[template(path = "persons_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    q: ListQuery,
    districts: Vec<(String, String)>,
    villages: Vec<(String, String, String)>,
    categories: Vec<(&'static str, &'static str)>,
    pager: Pager,
    /// Filters of the list, for the export links.
    export_qs: String,
    can_write: bool,
}

impl ListPage {
    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn category_options(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Category::ALL
        .iter()
        .map(|c| (c.code(), lang.t(c.label_key())))
        .collect()
}

fn category_labels(lang: Lang, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            Category::parse(c)
                .map(|c| lang.t(c.label_key()))
                .unwrap_or("?")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The region's kecamatan a caller may see: (code, name).
pub(crate) fn district_options(state: &AppState, s: &Session) -> Vec<(String, String)> {
    state
        .districts()
        .into_iter()
        .filter(|d| s.sees_district(&d.code))
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect()
}

/// The region's villages a caller may see: (code, name, kecamatan name).
pub(crate) fn village_options(state: &AppState, s: &Session) -> Vec<(String, String, String)> {
    villages_in(state, s, None)
}

/// The villages a caller may see, of one kecamatan when it is chosen: a large regency
/// has hundreds, too many for every page of a filtered list.
pub(crate) fn villages_in(
    state: &AppState,
    s: &Session,
    district: Option<&str>,
) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (dc, dn) in district_options(state, s) {
        if district.is_some_and(|d| !d.is_empty() && d != dc) {
            continue;
        }
        for v in state.areas.children(&dc) {
            out.push((v.code.clone(), v.name.clone(), dn.clone()));
        }
    }
    out
}

/// Villages for a list's filter: those of the chosen kecamatan, or all the caller
/// sees when they are few. A regency has hundreds (Kabupaten Bogor 435): one select of
/// them all is unusable on a phone and doubles the page, so the kecamatan comes first.
pub(crate) fn filter_villages(
    state: &AppState,
    s: &Session,
    district: Option<&str>,
    village: Option<&str>,
) -> Vec<(String, String, String)> {
    let all = villages_in(state, s, district);
    if district.is_some_and(|d| !d.is_empty()) || all.len() <= FILTER_VILLAGES_MAX {
        return all;
    }
    // A village chosen through a link stays shown as chosen.
    all.into_iter()
        .filter(|v| Some(v.0.as_str()) == village)
        .collect()
}

const FILTER_VILLAGES_MAX: usize = 60;

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    check_nik_search(&state, &s, &q.q).await?;
    let page = state
        .store
        .person_rows(
            &q.filter(),
            s.district_scope(),
            Paging::new(Some(50), q.offset),
        )
        .await?;
    let pager = Pager::new(&page, "/persons", &page::query_pairs(&uri));
    let full = s.role().sees_full_identity();
    let rows = page
        .items
        .into_iter()
        .map(|p| Row {
            id: p.id,
            categories: category_labels(ctx.lang, &p.categories),
            nik: if full { p.nik } else { mask(&p.nik) },
            age: age_of(&p.birth_date),
            village: state.areas.name(&p.village_code).to_string(),
            name: p.name,
            sex: p.sex,
        })
        .collect();
    let page = ListPage {
        rows,
        districts: district_options(&state, &s),
        villages: filter_villages(
            &state,
            &s,
            q.district_code.as_deref(),
            q.village_code.as_deref(),
        ),
        categories: category_options(ctx.lang),
        pager,
        export_qs: page::filter_query(&uri),
        can_write: s.role().can_write(),
        q,
        ctx,
    };
    Ok(html(&page)?.into_response())
}

#[derive(askama::Template)]
#[template(path = "person_detail.html")]
struct DetailPage {
    ctx: Ctx,
    p: PersonOut,
    categories: String,
    can_write: bool,
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visible(&state, &s, id).await?;
    let p = PersonOut::new(&state, p, s.role().sees_full_identity());
    let categories = category_labels(ctx.lang, &p.categories);
    Ok(html(&DetailPage {
        ctx,
        p,
        categories,
        can_write: s.role().can_write(),
    })?
    .into_response())
}

/// The person form as browsers send it.
#[derive(Default, Clone)]
pub struct FormData {
    pub input: PersonInput,
    pub confirm_duplicate: bool,
}

fn parse_form(body: &[u8]) -> FormData {
    let mut f = FormData::default();
    let some = |v: String| if v.trim().is_empty() { None } else { Some(v) };
    for (k, v) in page::form_pairs(body) {
        let i = &mut f.input;
        match k.as_str() {
            "nik" => i.nik = v,
            "kk_number" => i.kk_number = some(v),
            "name" => i.name = v,
            "sex" => i.sex = v,
            "birth_date" => i.birth_date = v,
            "village_code" => i.village_code = v,
            "rt" => i.rt = some(v),
            "rw" => i.rw = some(v),
            "address" => i.address = some(v),
            "phone" => i.phone = some(v),
            "categories" => i.categories.push(v),
            "dtks_registered" => i.dtks_registered = true,
            "dtks_ref" => i.dtks_ref = some(v),
            "notes" => i.notes = some(v),
            "confirm_duplicate" => f.confirm_duplicate = true,
            _ => {}
        }
    }
    f
}

#[derive(askama::Template)]
#[template(path = "person_form.html")]
struct FormPage {
    ctx: Ctx,
    id: Option<i64>,
    v: PersonInput,
    /// The NIK and KK cannot be changed by this caller (they see them masked).
    identity_locked: bool,
    villages: Vec<(String, String, String)>,
    categories: Vec<(&'static str, &'static str, bool)>,
    errors: FormErrors,
    duplicate_warning: bool,
}

impl FormPage {
    fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn form_page(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: Option<i64>,
    mut v: PersonInput,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let identity_locked = id.is_some() && !s.role().sees_full_identity();
    if identity_locked {
        v.nik = mask(&v.nik);
        v.kk_number = v.kk_number.as_deref().map(mask);
        v.birth_date = String::new();
    }
    let categories = Category::ALL
        .iter()
        .map(|c| {
            (
                c.code(),
                ctx.t(c.label_key()),
                v.categories.iter().any(|x| x == c.code()),
            )
        })
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let duplicate_warning =
        errors.get("name").contains('(') && errors.get("nik").is_empty() && id.is_none();
    let status = if duplicate_warning {
        StatusCode::CONFLICT
    } else {
        errors.status()
    };
    let page = FormPage {
        villages: village_options(state, s),
        categories,
        errors,
        duplicate_warning,
        identity_locked,
        id,
        v,
        ctx,
    };
    Ok((status, html(&page)?).into_response())
}

async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    s.require_write()?;
    form_page(&state, &s, ctx, None, PersonInput::default(), None)
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body);
    match create(&state, &s, &f.input, f.confirm_duplicate).await {
        Ok(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/persons/{}", p.id),
                ctx.tf("persons.created", &[p.name]),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            form_page(&state, &s, ctx, None, f.input, Some(&inv))
        }
    }
}

async fn edit_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let p = visible(&state, &s, id).await?;
    form_page(&state, &s, ctx, Some(id), input_of(&p), None)
}

async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_form(&body).input;
    // The form of a masked role has no identity fields (it shows them masked).
    let identity = |v: String| s.role().sees_full_identity().then_some(v);
    let patch = PersonPatch {
        nik: identity(f.nik.clone()),
        kk_number: identity(f.kk_number.clone().unwrap_or_default()),
        name: Some(f.name.clone()),
        sex: identity(f.sex.clone()),
        birth_date: identity(f.birth_date.clone()),
        village_code: Some(f.village_code.clone()),
        rt: Some(f.rt.clone().unwrap_or_default()),
        rw: Some(f.rw.clone().unwrap_or_default()),
        address: Some(f.address.clone().unwrap_or_default()),
        phone: Some(f.phone.clone().unwrap_or_default()),
        categories: Some(f.categories.clone()),
        dtks_registered: Some(f.dtks_registered),
        dtks_ref: Some(f.dtks_ref.clone().unwrap_or_default()),
        notes: Some(f.notes.clone().unwrap_or_default()),
    };
    match update(&state, &s, id, &patch).await {
        Ok(p) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/persons/{id}"),
                ctx.tf("persons.updated", &[p.name]),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            form_page(&state, &s, ctx, Some(id), f, Some(&inv))
        }
    }
}

#[derive(Deserialize)]
struct HintQuery {
    nik: Option<String>,
}

/// htmx: what the typed NIK encodes, shown under the field while filling the form.
async fn nik_hint(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    Query(q): Query<HintQuery>,
) -> Response {
    let nik = q.nik.unwrap_or_default();
    if nik.trim().is_empty() {
        return axum::response::Html(String::new()).into_response();
    }
    let d = decode(&state, &nik, lang);
    let text = match (d.valid, d.sex, d.birth_date) {
        (true, Some(sex), Some(b)) => {
            let sex = lang.t(if sex == "L" {
                "person.sex_l"
            } else {
                "person.sex_p"
            });
            format!("<small class=\"hint ok\">✓ {sex}, {b}</small>")
        }
        _ => format!(
            "<small class=\"field-error\">{}</small>",
            escape(&d.reason.unwrap_or_default())
        ),
    };
    axum::response::Html(text).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
