//! Retention on the web: what is due (persons inactive for the configured years, visit
//! photos older than theirs) and the administrator's one-step anonymisation.
use crate::error::AppResult;
use crate::list::PageQuery;
use crate::page::{html, Ctx, PageAuth};
use crate::session::Authed;
use crate::AppState;
use app::protection::retention::{Anonymised, DuePerson, DuePhoto};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/retention", get(page))
        .route("/retention/anonymise", post(anonymise_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_persons))
        .routes(routes!(api_photos))
        .routes(routes!(api_anonymise))
}

#[derive(askama::Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    ctx: Ctx,
    persons: Vec<(DuePerson, String)>,
    persons_total: i64,
    photos: Vec<DuePhoto>,
    photos_total: i64,
    person_years: u32,
    photo_years: u32,
    cutoff_persons: String,
    cutoff_photos: String,
    admin: bool,
    prev: Option<String>,
    next: Option<String>,
}

const ROWS: i64 = 100;

async fn page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(p): Query<PageQuery>,
) -> AppResult<Response> {
    let cx = state.app();
    let c = s.caller();
    let offset = p.offset.unwrap_or(0).max(0);
    let persons = app::protection::retention::due_persons(
        &cx,
        &c,
        app::Paging::new(Some(ROWS), Some(offset)),
    )
    .await?;
    let photos =
        app::protection::retention::due_photos(&cx, &c, app::Paging::new(Some(ROWS), None)).await?;
    let (cp, cf) = app::protection::retention::cutoffs(&cx);
    let policy = &state.settings.protection;
    let (prev, next) = crate::list::prev_next("/retention?", offset, ROWS, persons.total);
    let page = RetentionPage {
        prev,
        next,
        persons: persons
            .items
            .into_iter()
            .map(|p| {
                let village = format!(
                    "{}, {}",
                    state.areas.name(&p.village_code),
                    state.areas.name(&p.district_code)
                );
                (p, village)
            })
            .collect(),
        persons_total: persons.total,
        photos: photos.items,
        photos_total: photos.total,
        person_years: policy.inactive_person_years,
        photo_years: policy.visit_photo_years,
        cutoff_persons: crate::page::day_first(cp),
        cutoff_photos: crate::page::day_first(cf),
        admin: s.role() == domain::Role::Admin,
        ctx,
    };
    Ok(html(&page)?.into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConfirmIn {
    #[serde(deserialize_with = "domain::yes_no")]
    confirm: bool,
}

async fn anonymise_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(b): crate::page::Form<ConfirmIn>,
) -> AppResult<Response> {
    if !b.confirm {
        let msg = domain::Msg::new("protection.confirm_required");
        return Err(app::Error::Invalid(domain::Invalid::field("confirm", msg)).into());
    }
    let a = app::protection::retention::anonymise(&state.app(), &s.caller(), None).await?;
    let msg = ctx.tf(
        "protection.anonymised",
        &[a.persons.to_string(), a.photos_deleted.to_string()],
    );
    crate::page::redirect_with_flash(&state, &s, "/retention", msg).await
}

/// Persons due for anonymisation: no active KUBE membership, enrolment, benefit or
/// training for the configured years (administrator, auditor).
#[utoipa::path(get, path = "/api/v1/retention/persons", tag = "protection", params(PageQuery),
    responses((status = 200, body = crate::schema::ListOf<DuePerson>)))]
pub(crate) async fn api_persons(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(p): Query<PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<DuePerson>>> {
    let page =
        app::protection::retention::due_persons(&state.app(), &s.caller(), p.paging()?).await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |x| x)))
}

/// Visit photos due for deletion (administrator, auditor).
#[utoipa::path(get, path = "/api/v1/retention/photos", tag = "protection", params(PageQuery),
    responses((status = 200, body = crate::schema::ListOf<DuePhoto>)))]
pub(crate) async fn api_photos(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(p): Query<PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<DuePhoto>>> {
    let page =
        app::protection::retention::due_photos(&state.app(), &s.caller(), p.paging()?).await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |x| x)))
}

/// Which persons to anonymise.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AnonymiseIn {
    /// Only these (those still due); absent: every person due.
    #[schema(max_items = 10000)]
    pub ids: Option<Vec<i64>>,
}

/// Anonymises the persons due and deletes the visit photos due, in one audited step
/// (administrator): names, NIK, KK, address, phone, notes and photos removed from every
/// table; sex, birth date, village, memberships, enrolments and aid kept, so every total
/// stays the same.
#[utoipa::path(post, path = "/api/v1/retention/anonymise", tag = "protection", request_body = AnonymiseIn,
    responses((status = 200, body = Anonymised)))]
pub(crate) async fn api_anonymise(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<AnonymiseIn>,
) -> AppResult<Json<Anonymised>> {
    Ok(Json(
        app::protection::retention::anonymise(&state.app(), &s.caller(), b.ids.as_deref()).await?,
    ))
}
