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

mod api;
pub(crate) use api::*;
mod pages;
pub(crate) use pages::*;

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
