//! The persons JSON API: list, create, read, update, and the NIK decoder.
use super::*;
use crate::list::{opt, text, yes_no, Listed, Listing, Viewer};
use sheets::Cell;
use store::persons::PersonRow;

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
    pub(super) fn input(&self) -> PersonInput {
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

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    /// Part of the name, or the start of the NIK (digits).
    pub q: Option<String>,
    pub village_code: Option<String>,
    pub district_code: Option<String>,
    pub category: Option<String>,
    /// `name`, `-name`, `birth_date`, `-birth_date`, `created_at`, `-created_at`
    pub sort: Option<String>,
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

/// The persons a caller may see: the registry's page, API list and export.
pub(crate) struct Persons {
    v: Viewer,
    filter: PersonFilter,
    q: Option<String>,
}

impl Persons {
    /// A page of the list with only what the list page shows.
    pub(crate) async fn rows(&self, paging: Paging) -> store::Result<store::Page<PersonRow>> {
        self.v
            .store
            .person_list_rows(&self.filter, self.v.scope(), paging)
            .await
    }
}

impl Listing for Persons {
    type Query = ListQuery;
    type Item = Person;
    const ENTITY: &'static str = "person";
    const FILE: &'static str = "penduduk";
    const COLUMNS: &'static [&'static str] = &[
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_date",
        "age",
        "village_code",
        "village",
        "district",
        "rt",
        "rw",
        "address",
        "phone",
        "categories",
        "dtks_registered",
        "dtks_ref",
    ];
    async fn open(state: &AppState, s: &Session, q: &ListQuery) -> AppResult<Persons> {
        app::registry::check_nik_search(&state.app(), &s.caller(), q.q.as_deref()).await?;
        Ok(Persons {
            v: Viewer::new(state, s),
            filter: q.filter(),
            q: q.q.clone(),
        })
    }
    async fn fetch(&self, paging: Paging) -> store::Result<store::Page<Person>> {
        self.v
            .store
            .person_list(&self.filter, self.v.scope(), paging)
            .await
    }
    fn cells(&self, p: Person) -> Vec<Cell> {
        let v = &self.v;
        vec![
            v.identity(p.nik),
            p.kk_number.map(|k| v.identity(k)).unwrap_or(Cell::Empty),
            text(p.name),
            text(p.sex.code()),
            // Masked roles read the age: the birth date beside the NIK's prefix would
            // narrow the number down.
            if v.full {
                Cell::Date(p.birth_date.clone())
            } else {
                Cell::Empty
            },
            Cell::Int(app::registry::age_of(&p.birth_date) as i64),
            text(&p.village_code),
            v.area(&p.village_code),
            v.area(&p.district_code),
            opt(p.rt),
            opt(p.rw),
            opt(p.address),
            opt(p.phone),
            text(p.categories.join(", ")),
            yes_no(p.dtks_registered != 0),
            opt(p.dtks_ref),
        ]
    }
    fn described(&self) -> serde_json::Value {
        let f = &self.filter;
        serde_json::json!({"full_identity": self.v.full,
            "filters": {"q": self.q, "village_code": f.village_code, "district_code": f.district_code, "category": f.category}})
    }
}

/// List persons the caller may see.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(ListQuery, crate::list::PageQuery),
    responses((status = 200, body = crate::api::ListOf<PersonOut>), (status = 401, body = crate::api::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    l: Listed<Persons>,
) -> Json<crate::api::ListOf<PersonOut>> {
    let full = l.list.v.full;
    l.json(|p| PersonOut::new(&state, p, full))
}

crate::export::api_export!(
    api_export,
    Persons,
    "/api/v1/persons/export",
    "export",
    ListQuery,
    "Export the filtered persons (the list's filters) as XLSX or CSV; audited."
);

/// Register a person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonCreate,
    responses((status = 201, body = PersonOut), (status = 409, body = crate::api::ErrorBody, description = "NIK already registered, or a possible duplicate"),
              (status = 422, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<PersonCreate>,
) -> AppResult<Response> {
    let p =
        app::registry::create(&state.app(), &s.caller(), &b.input(), b.confirm_duplicate).await?;
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
    let p = app::registry::update(&state.app(), &s.caller(), id, &b).await?;
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

pub(super) fn decode(state: &AppState, nik: &str, lang: Lang) -> NikOut {
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
