//! Duplicate persons: review pairs the finder proposes in the caller's area, mark a pair
//! "not the same person" (remembered), or merge one record into the other.
//! Pages `/persons/duplicates`, `/persons/merge`; API `/api/v1/persons/duplicates…`,
//! `/api/v1/persons/{id}/merge`. Merging and dismissing need full identity (operators,
//! head of division, admins): deciding who is who means reading the NIK.
use crate::error::{AppError, AppResult};
use crate::page::List;
use crate::page::Outcome::{Again, Done};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::PersonOut;
use crate::session::{Authed, Session};
use crate::AppState;
use app::duplicates::Links;
use app::persons::Person;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons/duplicates", get(list_page))
        .route("/persons/duplicates/distinct", post(distinct_form))
        .route("/persons/merge", get(merge_page).post(merge_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list))
        .routes(routes!(api_distinct))
        .routes(routes!(api_merge))
}

// ---------- finding pairs ----------

/// One side of a pair, with what it takes part in.
#[derive(Serialize, ToSchema)]
pub struct PairSide {
    pub person: PersonOut,
    /// The KUBE this record is an active member of.
    pub active_kube: Option<String>,
    /// Programmes this record is enrolled in.
    pub programmes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DuplicatePair {
    pub a: PairSide,
    pub b: PairSide,
    /// Higher is more alike; pairs from 0.45 are listed, from 0.6 the finder is confident.
    pub score: f64,
    pub name_similarity: f64,
    /// Why, in the caller's language ("same birth date", "names 0.93 similar", …).
    pub reasons: Vec<String>,
    /// The same reasons as stable codes (`dedup.same_birth_date`, …).
    pub reason_codes: Vec<String>,
    /// Harm already done: both in an active KUBE, or both enrolled in one programme.
    /// Flagged pairs come first.
    pub flags: Vec<String>,
}

impl PairSide {
    fn new(state: &AppState, p: Person, full: bool, links: &Links) -> PairSide {
        let id = p.id;
        PairSide {
            person: PersonOut::new(state, p, full),
            active_kube: links.active_kube_of(id).map(String::from),
            programmes: links
                .programmes_of(id)
                .into_iter()
                .map(String::from)
                .collect(),
        }
    }
}

impl DuplicatePair {
    fn sides(&self) -> [&PairSide; 2] {
        [&self.a, &self.b]
    }
}

/// One page of the pairs in the caller's area that nobody has dismissed, flagged first,
/// then by score, as the duplicate scan last stored them.
async fn find(
    state: &AppState,
    s: &Session,
    lang: Lang,
    paging: app::Paging,
) -> AppResult<(app::Page<DuplicatePair>, Option<String>)> {
    let app::duplicates::Review {
        page,
        links,
        scanned_at,
    } = app::duplicates::review(&state.app(), &s.caller(), paging).await?;
    let full = s.role().sees_full_identity();
    let items = page
        .items
        .into_iter()
        .map(|p| DuplicatePair {
            a: PairSide::new(state, p.a, full, &links),
            b: PairSide::new(state, p.b, full, &links),
            score: (p.score.score * 100.0).round() / 100.0,
            name_similarity: (p.score.name_similarity * 100.0).round() / 100.0,
            reasons: p.score.explain().iter().map(|m| m.text(lang)).collect(),
            reason_codes: p.score.reasons.iter().map(|r| r.to_string()).collect(),
            flags: p.flags.iter().map(|m| m.text(lang)).collect(),
        })
        .collect();
    Ok((
        app::Page {
            items,
            total: page.total,
            limit: page.limit,
            offset: page.offset,
        },
        scanned_at,
    ))
}

// ---------- deciding ----------

// ---------- API ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Likely duplicate pairs in the caller's area, flagged ones first, then by score.
#[utoipa::path(get, path = "/api/v1/persons/duplicates", tag = "persons", params(ListQuery),
    responses((status = 200, body = crate::schema::ListOf<DuplicatePair>), (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::schema::ListOf<DuplicatePair>>> {
    let (page, _) = find(&state, &s, lang, app::Paging::new(q.limit, q.offset)).await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |p| p)))
}

#[derive(Deserialize, ToSchema)]
pub struct DistinctIn {
    pub person_a: i64,
    pub person_b: i64,
}

/// Remember that two persons are different people: the pair is not proposed again.
#[utoipa::path(post, path = "/api/v1/persons/duplicates/distinct", tag = "persons", request_body = DistinctIn,
    responses((status = 204), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_distinct(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<DistinctIn>,
) -> AppResult<StatusCode> {
    app::duplicates::distinct(&state.app(), &s.caller(), b.person_a, b.person_b).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MergeIn {
    /// The record to retire; everything it holds moves to the record in the path.
    pub other_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MovedOut {
    pub memberships: i64,
    pub enrolments: i64,
    pub benefits: i64,
    pub trainings: i64,
    pub attendance_days: i64,
    pub categories: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MergeOut {
    pub kept: PersonOut,
    /// Retired: `merged_into` points at the kept record.
    pub retired: PersonOut,
    pub moved: MovedOut,
}

/// Merge `other_id` into this person, in one audited transaction. 409 when both are
/// active KUBE members or received the same benefit for one period (nothing changes).
#[utoipa::path(post, path = "/api/v1/persons/{id}/merge", tag = "persons", params(("id" = i64, Path)),
    request_body = MergeIn,
    responses((status = 200, body = MergeOut), (status = 403, body = crate::schema::ErrorBody),
              (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_merge(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<MergeIn>,
) -> AppResult<Json<MergeOut>> {
    let m = app::duplicates::merge(&state.app(), &s.caller(), id, b.other_id).await?;
    let full = s.role().sees_full_identity();
    let mv = m.moved;
    Ok(Json(MergeOut {
        kept: PersonOut::new(&state, m.kept, full),
        retired: PersonOut::new(&state, m.retired, full),
        moved: MovedOut {
            memberships: mv.memberships,
            enrolments: mv.enrolments,
            benefits: mv.benefits,
            trainings: mv.trainings,
            attendance_days: mv.attendance_days,
            categories: mv.categories,
        },
    }))
}

// ---------- pages ----------

#[derive(askama::Template)]
#[template(path = "duplicates.html")]
struct ListPage {
    ctx: Ctx,
    pairs: Vec<DuplicatePair>,
    pager: Pager,
    can_decide: bool,
    /// When the duplicate scan last looked (none: not yet).
    scanned_at: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    q: List<ListQuery>,
) -> AppResult<Response> {
    let (page, scanned_at) = find(&state, &s, ctx.lang, q.paging(20)).await?;
    let pager = q.pager(&page);
    Ok(html(&ListPage {
        pairs: page.items,
        pager,
        can_decide: app::duplicates::may_decide(s.role()),
        scanned_at,
        ctx,
    })?
    .into_response())
}

/// The two records a decision is about: "not the same person" sends `person_a` and
/// `person_b`, a merge `keep` and `other`. A missing one names no record.
#[derive(Deserialize)]
struct PairForm {
    #[serde(alias = "keep")]
    person_a: Option<i64>,
    #[serde(alias = "other")]
    person_b: Option<i64>,
}

impl PairForm {
    fn ids(&self) -> AppResult<[i64; 2]> {
        match (self.person_a, self.person_b) {
            (Some(a), Some(b)) => Ok([a, b]),
            _ => Err(AppError::App(app::Error::NotFound)),
        }
    }
}

async fn distinct_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<PairForm>,
) -> AppResult<Response> {
    let [a, b] = f.ids()?;
    app::duplicates::distinct(&state.app(), &s.caller(), a, b).await?;
    page::redirect_with_flash(
        &state,
        &s,
        "/persons/duplicates",
        ctx.t("dup.dismissed_flash"),
    )
    .await
}

#[derive(Deserialize)]
struct MergeQuery {
    a: i64,
    b: i64,
}

#[derive(askama::Template)]
#[template(path = "merge.html")]
struct MergePage {
    ctx: Ctx,
    sides: Vec<PairSide>,
    errors: FormErrors,
}

async fn render_merge(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    a: i64,
    b: i64,
    errors: Option<&domain::Invalid>,
) -> AppResult<Response> {
    let (pa, pb) = app::duplicates::check_pair(&state.app(), &s.caller(), a, b).await?;
    let links = app::duplicates::links(&state.app(), &s.caller(), &[a, b]).await?;
    let full = s.role().sees_full_identity();
    let sides = [pa, pb]
        .into_iter()
        .map(|p| PairSide::new(state, p, full, &links))
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    Ok((status, html(&MergePage { ctx, sides, errors })?).into_response())
}

/// The confirmation step: both records side by side, one button per record to keep.
async fn merge_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<MergeQuery>,
) -> AppResult<Response> {
    render_merge(&state, &s, ctx, q.a, q.b, None).await
}

async fn merge_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<PairForm>,
) -> AppResult<Response> {
    let [keep, other] = f.ids()?;
    match page::outcome(app::duplicates::merge(&state.app(), &s.caller(), keep, other).await)? {
        Done(m) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/persons/{}", m.kept.id),
                ctx.tf("dup.merged_flash", &[m.kept.name]),
            )
            .await
        }
        Again(inv) => render_merge(&state, &s, ctx, keep, other, Some(&inv)).await,
    }
}
