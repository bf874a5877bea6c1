//! The persons JSON API: list, create, read, update, and the NIK decoder.
use super::*;

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
    app::registry::check_nik_search(&state.app(), &s.caller(), q.q.as_deref()).await?;
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
