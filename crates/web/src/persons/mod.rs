//! The registry of persons: pages `/persons…` and `/api/v1/persons`, `/api/v1/nik/{nik}`.
//! A pendamping sees and edits only persons of their kecamatan; NIK and KK are masked
//! for roles that do not handle identity documents.
use crate::error::AppResult;
use crate::page::List;
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::session::{Authed, Session};
use crate::AppState;
use app::persons::{Person, PersonFilter};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::nik::Nik;
use domain::person::{Category, PersonInput};
use domain::privacy::mask;
use domain::{Invalid, Lang};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons", get(list_page).post(create_form))
        .route("/persons/new", get(new_page))
        .route("/persons/export", get(crate::export::export::<Persons>))
        .route("/persons/nik-hint", get(nik_hint))
        .route("/persons/candidates", get(candidates_fragment))
        .route("/persons/{id}", get(detail_page).post(update_form))
        .route("/persons/{id}/edit", get(edit_page))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_export))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_nik))
        .routes(routes!(api_history))
}

/// One dated line of a person's history.
#[derive(Serialize, ToSchema)]
pub struct HistoryOut {
    #[schema(format = Date)]
    pub on: String,
    /// `kube_joined`, `kube_left`, `enrolled`, `benefit`, `training`, `kube_aid`
    pub kind: String,
    /// What happened, in the caller's language.
    pub what: String,
    /// The KUBE, programme or training, and its page.
    pub title: String,
    pub href: String,
    /// Rupiah of a benefit or of goods received through the KUBE.
    pub amount: Option<i64>,
}

/// A person's history lines in the caller's language.
pub(crate) async fn history(
    state: &AppState,
    s: &Session,
    id: i64,
    lang: Lang,
) -> AppResult<Vec<HistoryOut>> {
    Ok(history_out(
        app::persons::history(&state.app(), &s.caller(), id).await?,
        lang,
    ))
}

/// History lines as read, in the caller's language.
pub(crate) fn history_out(rows: Vec<app::persons::HistoryRow>, lang: Lang) -> Vec<HistoryOut> {
    let label = |prefix: &str, code: &Option<String>| {
        code.as_deref()
            .map(|c| crate::page::label(prefix, c, lang))
            .unwrap_or_default()
    };
    rows.into_iter()
        .map(|h| {
            let open = h.open != 0;
            let what = match h.kind.as_str() {
                "kube_joined" => {
                    domain::Msg::new("history.kube_joined").arg(label("member_role.", &h.code))
                }
                "kube_left" => domain::Msg::new("history.kube_left").arg(
                    h.detail
                        .clone()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default(),
                ),
                "enrolled" => domain::Msg::new("history.enrolled"),
                "benefit" => domain::Msg::new(if open {
                    "history.benefit_pending"
                } else {
                    "history.benefit"
                })
                .arg(label("benefit.kind.", &h.code))
                .arg(h.detail.clone().unwrap_or_default()),
                "training" => domain::Msg::new(if open {
                    "history.training_absent"
                } else {
                    "history.training"
                })
                .arg(label("training.kind.", &h.code)),
                _ => domain::Msg::new("history.kube_aid").arg(h.detail.clone().unwrap_or_default()),
            };
            HistoryOut {
                on: h.on_day.clone(),
                what: what.text(lang),
                href: app::persons::history_href(&h),
                kind: h.kind,
                title: h.title,
                amount: h.amount,
            }
        })
        .collect()
}

mod api;
pub(crate) use api::*;
mod pages;
pub(crate) use pages::*;

// ---------- output ----------

#[derive(Serialize, serde::Deserialize, ToSchema)]
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
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<app::Date>,
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
    /// `kepala_keluarga`, `pencari_nafkah`, `anggota_keluarga`; null: not recorded.
    pub household_role: Option<String>,
    /// `pns`, `tni`, `polri`, `lainnya`; null: not recorded.
    pub occupation: Option<String>,
    /// The DTSEN welfare decile of the latest extract imported; null: not in it, or no
    /// extract yet (`dtsen_period` says which).
    pub dtsen_decile: Option<i64>,
    pub dtsen_period: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Set on a record retired by a merge: the id of the record kept.
    pub merged_into: Option<i64>,
    /// Set while processing is restricted at the person's request (RFC 3339 UTC): the
    /// record is left out of lists, exports and reports until lifted.
    pub restricted_at: Option<String>,
}

impl PersonOut {
    pub fn new(state: &AppState, p: Person, full_identity: bool) -> PersonOut {
        let age = age_of(&p.birth_date, state.today());
        let shown = |n: String| if full_identity { n } else { mask(&n) };
        PersonOut {
            id: p.id,
            nik: shown(p.nik),
            kk_number: p.kk_number.map(shown),
            village_name: state.areas.name(&p.village_code).to_string(),
            district_name: state.areas.name(&p.district_code).to_string(),
            name: p.name,
            sex: p.sex.code().to_string(),
            birth_date: full_identity.then_some(p.birth_date),
            age,
            village_code: p.village_code,
            district_code: p.district_code,
            rt: p.rt,
            rw: p.rw,
            address: p.address,
            phone: p.phone,
            categories: p.categories,
            dtks_registered: *p.dtks_registered,
            dtks_ref: p.dtks_ref,
            notes: p.notes,
            household_role: p.household_role,
            occupation: p.occupation,
            dtsen_decile: p.dtsen_decile,
            dtsen_period: p.dtsen_period,
            created_at: p.created_at,
            updated_at: p.updated_at,
            merged_into: p.merged_into,
            restricted_at: p.restricted_at,
        }
    }
}

pub(crate) use app::persons::{age_of, PersonPatch};
