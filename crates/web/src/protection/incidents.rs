//! The breach register on the web: entries with the 3 × 24-hour notification deadline
//! shown and tracked, and the two letters produced from an entry.
use crate::error::AppResult;
use crate::list::PageQuery;
use crate::page::{html, Ctx, FormErrors, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::protection::incidents::{Addressee, Incident, IncidentInput};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::protection::DataKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/incidents", get(list_page).post(create_form))
        .route("/incidents/{id}", get(detail_page).post(update_form))
        .route("/incidents/{id}/letter-persons.pdf", get(letter_persons))
        .route(
            "/incidents/{id}/letter-authority.pdf",
            get(letter_authority),
        )
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get, api_update))
        .routes(routes!(api_letter_persons))
        .routes(routes!(api_letter_authority))
}

/// An entry with its deadline.
#[derive(Serialize, ToSchema)]
pub struct IncidentOut {
    #[serde(flatten)]
    pub incident: Incident,
    /// RFC 3339 UTC: discovery plus 3 × 24 hours.
    pub notice_due_at: String,
    /// A notification is still owed past the deadline.
    pub notice_overdue: bool,
}

fn out(s: &Session, i: Incident) -> IncidentOut {
    IncidentOut {
        notice_due_at: app::protection::incidents::notice_due(&i),
        notice_overdue: app::protection::incidents::notice_overdue(&i, &s.caller().actor.now()),
        incident: i,
    }
}

/// The form as a browser sends it: numbers as typed, so a wrong one is named, not a 400.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct IncidentForm {
    title: String,
    description: String,
    occurred_on: Option<String>,
    discovered_at: Option<String>,
    data_kinds: Vec<String>,
    persons_affected: Option<String>,
    measures: String,
    notified: Vec<String>,
}

impl IncidentForm {
    fn input(&self) -> Result<IncidentInput, domain::Invalid> {
        let persons_affected = match self.persons_affected.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(n) => n.parse().map_err(|_| {
                domain::Invalid::field(
                    "persons_affected",
                    domain::Msg::new("protection.persons_invalid"),
                )
            })?,
        };
        // A `datetime-local` field reads as time in Jakarta.
        let discovered_at = self
            .discovered_at
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M")
                    .map(|t| app::ts((t - chrono::Duration::hours(7)).and_utc()))
                    .unwrap_or_else(|_| s.to_string())
            });
        Ok(IncidentInput {
            title: self.title.clone(),
            description: self.description.clone(),
            occurred_on: self.occurred_on.clone(),
            discovered_at,
            data_kinds: self.data_kinds.clone(),
            persons_affected,
            measures: self.measures.clone(),
            notified: self.notified.clone(),
        })
    }
}

async fn save(
    state: &AppState,
    s: &Session,
    id: Option<i64>,
    f: &IncidentForm,
) -> Result<Incident, app::Error> {
    let i = f.input().map_err(app::Error::Invalid)?;
    match id {
        None => app::protection::incidents::record(&state.app(), &s.caller(), &i).await,
        Some(id) => app::protection::incidents::update(&state.app(), &s.caller(), id, &i).await,
    }
}

struct Row {
    i: Incident,
    due: String,
    overdue: bool,
    kinds: String,
}

fn row(ctx: &Ctx, now: &str, i: Incident) -> Row {
    Row {
        due: app::protection::incidents::notice_due(&i),
        overdue: app::protection::incidents::notice_overdue(&i, now),
        kinds: i
            .data_kinds
            .split(',')
            .map(|k| crate::page::label("protection.kind.", k, ctx.lang))
            .collect::<Vec<_>>()
            .join(", "),
        i,
    }
}

#[derive(askama::Template)]
#[template(path = "incidents.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    total: i64,
    decider: bool,
    kinds: Vec<(&'static str, &'static str)>,
    v: IncidentForm,
    errors: FormErrors,
}

impl ListPage {
    fn ticked(&self, k: &str) -> bool {
        self.v.data_kinds.iter().any(|x| x == k)
    }
    /// The entry the shared form changes (none: a new one).
    fn form_id(&self) -> Option<i64> {
        None
    }
}

async fn list_view(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    v: IncidentForm,
    errors: Option<&domain::Invalid>,
) -> AppResult<Response> {
    let page = app::protection::incidents::list(
        &state.app(),
        &s.caller(),
        app::Paging::new(Some(200), None),
    )
    .await?;
    let now = s.caller().actor.now();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let p = ListPage {
        rows: page.items.into_iter().map(|i| row(&ctx, &now, i)).collect(),
        total: page.total,
        decider: matches!(s.role(), domain::Role::Admin | domain::Role::KepalaBidang),
        kinds: DataKind::options(ctx.lang),
        v,
        errors,
        ctx,
    };
    Ok((status, html(&p)?).into_response())
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    list_view(&state, &s, ctx, IncidentForm::default(), None).await
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(f): crate::page::Form<IncidentForm>,
) -> AppResult<Response> {
    match crate::page::outcome(save(&state, &s, None, &f).await)? {
        crate::page::Outcome::Done(i) => {
            let msg = ctx.t("protection.incident_recorded");
            crate::page::redirect_with_flash(&state, &s, &format!("/incidents/{}", i.id), msg).await
        }
        crate::page::Outcome::Again(inv) => list_view(&state, &s, ctx, f, Some(&inv)).await,
    }
}

#[derive(askama::Template)]
#[template(path = "incident.html")]
struct DetailPage {
    ctx: Ctx,
    row: Row,
    decider: bool,
    kinds: Vec<(&'static str, &'static str)>,
    v: IncidentForm,
    errors: FormErrors,
}

impl DetailPage {
    fn ticked(&self, k: &str) -> bool {
        self.v.data_kinds.iter().any(|x| x == k)
    }
    fn form_id(&self) -> Option<i64> {
        Some(self.row.i.id)
    }
}

async fn detail_view(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    v: Option<IncidentForm>,
    errors: Option<&domain::Invalid>,
) -> AppResult<Response> {
    let i = app::protection::incidents::get(&state.app(), &s.caller(), id).await?;
    let v = v.unwrap_or_else(|| IncidentForm {
        title: i.title.clone(),
        description: i.description.clone(),
        occurred_on: i.occurred_on.clone(),
        discovered_at: None,
        data_kinds: i.data_kinds.split(',').map(String::from).collect(),
        persons_affected: Some(i.persons_affected.to_string()),
        measures: i.measures.clone(),
        notified: Vec::new(),
    });
    let now = s.caller().actor.now();
    let errors = FormErrors::new(errors, ctx.lang);
    let status = errors.status();
    let p = DetailPage {
        row: row(&ctx, &now, i),
        decider: matches!(s.role(), domain::Role::Admin | domain::Role::KepalaBidang),
        kinds: DataKind::options(ctx.lang),
        v,
        errors,
        ctx,
    };
    Ok((status, html(&p)?).into_response())
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    detail_view(&state, &s, ctx, id, None, None).await
}

async fn update_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    crate::page::Form(f): crate::page::Form<IncidentForm>,
) -> AppResult<Response> {
    match crate::page::outcome(save(&state, &s, Some(id), &f).await)? {
        crate::page::Outcome::Done(_) => {
            let msg = ctx.t("protection.incident_saved");
            crate::page::redirect_with_flash(&state, &s, &format!("/incidents/{id}"), msg).await
        }
        crate::page::Outcome::Again(inv) => {
            detail_view(&state, &s, ctx, id, Some(f), Some(&inv)).await
        }
    }
}

async fn letter(state: &AppState, s: &Session, id: i64, to: Addressee) -> AppResult<Response> {
    let bytes = app::protection::incidents::letter(&state.app(), &s.caller(), id, to).await?;
    let who = if to == Addressee::Persons {
        "subjek-data"
    } else {
        "lembaga"
    };
    Ok(crate::import::file_response(
        bytes,
        &format!("pemberitahuan-insiden-{id}-{who}.pdf"),
    ))
}

async fn letter_persons(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    letter(&state, &s, id, Addressee::Persons).await
}

async fn letter_authority(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    letter(&state, &s, id, Addressee::Authority).await
}

// ---------- API ----------

/// The breach register, the latest discovered first (admin, head of division, operator,
/// auditor), each with its notification deadline.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "protection", params(PageQuery),
    responses((status = 200, body = crate::schema::ListOf<IncidentOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(p): Query<PageQuery>,
) -> AppResult<Json<crate::schema::ListOf<IncidentOut>>> {
    let page = app::protection::incidents::list(&state.app(), &s.caller(), p.paging()?).await?;
    Ok(Json(crate::schema::ListOf::from_page(page, |i| out(&s, i))))
}

/// Records a breach (admin, head of division). `notified` records notifications sent now.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "protection", request_body = IncidentInput,
    responses((status = 201, body = IncidentOut), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<IncidentInput>,
) -> AppResult<Response> {
    let i = app::protection::incidents::record(&state.app(), &s.caller(), &b).await?;
    Ok((StatusCode::CREATED, Json(out(&s, i))).into_response())
}

/// One entry.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "protection", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<IncidentOut>> {
    let i = app::protection::incidents::get(&state.app(), &s.caller(), id).await?;
    Ok(Json(out(&s, i)))
}

/// Changes an entry (its account, the measures); `notified` records notifications sent
/// now (a time once recorded stays).
#[utoipa::path(put, path = "/api/v1/incidents/{id}", tag = "protection", params(("id" = i64, Path)),
    request_body = IncidentInput,
    responses((status = 200, body = IncidentOut), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_update(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<IncidentInput>,
) -> AppResult<Json<IncidentOut>> {
    let i = app::protection::incidents::update(&state.app(), &s.caller(), id, &b).await?;
    Ok(Json(out(&s, i)))
}

/// The notification letter to the affected persons (UU 27/2022 art. 46), as a PDF.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/letter-persons.pdf", tag = "protection", params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_letter_persons(
    state: State<AppState>,
    s: Authed,
    id: Path<i64>,
) -> AppResult<Response> {
    letter_persons(state, s, id).await
}

/// The notification letter to the supervising authority, as a PDF.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/letter-authority.pdf", tag = "protection", params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_letter_authority(
    state: State<AppState>,
    s: Authed,
    id: Path<i64>,
) -> AppResult<Response> {
    letter_authority(state, s, id).await
}
