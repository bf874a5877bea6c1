//! The persons JSON API: list, create, read, update, and the NIK decoder.
use super::*;
use crate::list::Listed;
pub(crate) use app::persons::Persons;

// ---------- API ----------

#[derive(Deserialize, ToSchema)]
pub struct PersonCreate {
    #[serde(flatten)]
    pub person: PersonInput,
    /// Save although a very similar person exists (otherwise 409).
    #[serde(default)]
    pub confirm_duplicate: bool,
}

/// The list's query string is the store's filter.
pub type ListQuery = PersonFilter;

/// List persons the caller may see.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(ListQuery, crate::list::PageQuery),
    responses((status = 200, body = crate::schema::ListOf<PersonOut>), (status = 401, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody), (status = 429, body = crate::schema::ErrorBody, description = "The daily limit of NIK look-ups")))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    l: Listed<Persons>,
) -> Json<crate::schema::ListOf<PersonOut>> {
    let full = l.list.v.full;
    l.json(|p| PersonOut::new(&state, p, full))
}

crate::export::api_export!(
    api_export,
    Persons,
    "/api/v1/persons/export",
    ListQuery,
    "Export the filtered persons (the list's filters) as XLSX or CSV; audited."
);

/// Register a person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonCreate,
    responses((status = 201, body = PersonOut), (status = 409, body = crate::schema::ErrorBody, description = "NIK already registered, or a possible duplicate"),
              (status = 422, body = crate::schema::ErrorBody), (status = 403, body = crate::schema::ErrorBody),
              (status = 429, body = crate::schema::ErrorBody, description = "The daily limit of NIK look-ups")))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<PersonCreate>,
) -> AppResult<Response> {
    let p = app::persons::create(&state.app(), &s.caller(), &b.person, b.confirm_duplicate).await?;
    let full = s.role().sees_full_identity();
    Ok((StatusCode::CREATED, Json(PersonOut::new(&state, p, full))).into_response())
}

/// A person's history, newest first: KUBE joined and left, programmes enrolled in,
/// benefits received, trainings, and the aid their KUBE received while they were a member
/// (404 outside the caller's area).
#[utoipa::path(get, path = "/api/v1/persons/{id}/history", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_history(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<HistoryOut>>> {
    Ok(Json(history(&state, &s, id, lang).await?))
}

/// Read a person (404 outside the caller's area).
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = i64, Path)),
    responses((status = 200, body = PersonOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<PersonOut>> {
    let p = app::access::read_person(&state.app(), &s.caller(), id).await?;
    Ok(Json(PersonOut::new(
        &state,
        p,
        s.role().sees_full_identity(),
    )))
}

/// Change a person.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = i64, Path)),
    request_body = PersonPatch,
    responses((status = 200, body = PersonOut), (status = 404, body = crate::schema::ErrorBody),
              (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<PersonPatch>,
) -> AppResult<Json<PersonOut>> {
    let p = app::persons::update(&state.app(), &s.caller(), id, &b).await?;
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
    match Nik::parse(nik, &state.areas, state.today()) {
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
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(nik): Path<String>,
) -> Json<NikOut> {
    Json(decode(&state, &nik, lang))
}
