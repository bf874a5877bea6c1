//! The stage checklist on the pages and the API: the form a facilitator fills for a group
//! (with a photo per item, taken from the form), a checklist's answers and evidence, the
//! criteria and the region's own (admin).
use crate::error::AppResult;
use crate::page::Outcome::{Again, Done};
use crate::page::{self, html, Ctx, FormErrors, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::checklist::{AnswerRow, Checklist, ChecklistIn, Upload};
use app::kube::Kube;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::checklist::Criterion;
use domain::health::Level;
use domain::{Invalid, Lang};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

/// A checklist form carries a photo per item it is evidence for: room for a few.
const FORM_BYTES: usize = domain::attachment::MAX_BYTES * 6 + 64 * 1024;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/kube/{id}/checklist/new", get(new_page).post(create_form))
        .layer_body_limit(FORM_BYTES)
        .route("/checklists/{id}", get(detail_page))
        .route(
            "/checklist/criteria",
            get(criteria_page).post(criterion_form),
        )
        .route("/checklist/criteria/{code}/retire", post(retire_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_list, api_create).layer(DefaultBodyLimit::max(FORM_BYTES)))
        .routes(routes!(api_draft))
        .routes(routes!(api_get))
        .routes(routes!(api_criteria, api_criterion_add))
        .routes(routes!(api_criterion_retire))
}

/// A criterion in force.
#[derive(Serialize, ToSchema)]
pub struct CriterionOut {
    pub code: String,
    /// `tumbuh`, `berkembang` or `maju`
    pub stage: String,
    pub label: String,
    /// The records answer it (figures filled in); else a note or a photo is the evidence.
    pub from_records: bool,
    /// Added by the region (false: the ministry's).
    pub region: bool,
    /// False: retired (earlier checklists keep it, new ones leave it out).
    pub active: bool,
}

fn criterion_out(c: &Criterion, lang: Lang) -> CriterionOut {
    CriterionOut {
        code: c.code.clone(),
        stage: c.stage.code().into(),
        label: c.text(lang),
        from_records: c.auto.is_some(),
        region: matches!(c.label, domain::checklist::Label::Region(_)),
        active: true,
    }
}

/// An item of a checklist as answered.
#[derive(Serialize, ToSchema)]
pub struct AnswerOut {
    pub criterion: String,
    pub stage: String,
    pub label: String,
    pub holds: bool,
    pub note: Option<String>,
    /// The photo given as evidence (`GET /api/v1/attachments/{id}`).
    pub photo_id: Option<i64>,
    /// What the records showed on the day, in the caller's language.
    pub figures: Option<String>,
}

/// A checklist: the level it decided and its answers.
#[derive(Serialize, ToSchema)]
pub struct ChecklistOut {
    pub id: i64,
    pub kube_id: i64,
    #[schema(value_type = String, format = Date)]
    pub assessed_on: app::Date,
    /// `2026-Q4`: one checklist per group and quarter.
    pub quarter: String,
    /// `tumbuh`, `berkembang`, `maju`, or null when not even Tumbuh's items all held.
    pub level: Option<String>,
    pub assessed_by: String,
    /// When it was recorded (RFC 3339, UTC).
    pub at: String,
    /// Empty in lists; every item when one checklist is read.
    pub answers: Vec<AnswerOut>,
}

/// A label as kept: a catalogue key of the ministry's criteria, or a region's words.
fn label_text(label: &str, lang: Lang) -> String {
    match domain::i18n::key(label) {
        Some(k) => lang.t(k).to_string(),
        None => label.to_string(),
    }
}

fn answer_out(a: AnswerRow, lang: Lang) -> AnswerOut {
    AnswerOut {
        figures: a.figures().map(|m| m.text(lang)),
        criterion: a.criterion,
        stage: a.stage.0.code().into(),
        label: label_text(&a.label, lang),
        holds: *a.holds,
        note: a.note,
        photo_id: a.photo_id,
    }
}

fn checklist_out(c: Checklist, answers: Vec<AnswerRow>, lang: Lang) -> ChecklistOut {
    ChecklistOut {
        id: c.id,
        kube_id: c.kube_id,
        assessed_on: c.assessed_on,
        quarter: c.quarter,
        level: c.level.map(|l| l.0.code().to_string()),
        assessed_by: c.full_name.unwrap_or(c.username),
        at: c.at,
        answers: answers.into_iter().map(|a| answer_out(a, lang)).collect(),
    }
}

/// A level as people read it; none: below Tumbuh.
pub(crate) fn level_label(level: Option<&str>, lang: Lang) -> &'static str {
    match level.and_then(|l| Level::parse(l).ok()) {
        Some(l) => lang.t(l.label_key()),
        None => lang.t("checklist.below"),
    }
}

/// A group's checklists, newest first (answers: read one).
#[utoipa::path(get, path = "/api/v1/kube/{id}/checklists", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ChecklistOut>), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ChecklistOut>>> {
    Ok(Json(
        app::checklist::history(&state.app(), &s.caller(), id)
            .await?
            .into_iter()
            .map(|c| checklist_out(c, Vec::new(), lang))
            .collect(),
    ))
}

/// Record a group's stage checklist (at most one per quarter): each item that holds needs
/// evidence — a note, one of the group's photos, or figures from the records. The level is
/// the highest stage whose items, and those below, all hold; the group takes the latest.
#[utoipa::path(post, path = "/api/v1/kube/{id}/checklists", tag = "monitoring", params(("id" = i64, Path)), request_body = ChecklistIn,
    responses((status = 201, body = ChecklistOut), (status = 404, body = crate::schema::ErrorBody), (status = 409, body = crate::schema::ErrorBody),
              (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
    crate::json::JsonIn(b): crate::json::JsonIn<ChecklistIn>,
) -> AppResult<Response> {
    let cx = state.app();
    let c = app::checklist::record(&cx, &s.caller(), id, &b, Vec::new()).await?;
    let (c, answers) = app::checklist::get(&cx, &s.caller(), c.id).await?;
    Ok((StatusCode::CREATED, Json(checklist_out(c, answers, lang))).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DraftQuery {
    /// The day of the assessment (`YYYY-MM-DD`); default today.
    #[param(format = Date)]
    pub assessed_on: Option<String>,
}

/// An item of a new checklist with what the records show.
#[derive(Serialize, ToSchema)]
pub struct DraftItem {
    #[serde(flatten)]
    pub criterion: CriterionOut,
    /// What the records say (null: the facilitator answers with a note or a photo).
    pub records_hold: Option<bool>,
    pub figures: Option<String>,
}

/// The items a new checklist of the group asks, with the figures the records give as of
/// the day (a phone fills the form offline from it).
#[utoipa::path(get, path = "/api/v1/kube/{id}/checklists/draft", tag = "monitoring", params(("id" = i64, Path), DraftQuery),
    responses((status = 200, body = Vec<DraftItem>), (status = 404, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_draft(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
    Query(q): Query<DraftQuery>,
) -> AppResult<Json<Vec<DraftItem>>> {
    let on = match q
        .assessed_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => domain::person::parse_date(d)
            .map_err(|m| app::Error::Invalid(Invalid::field("assessed_on", m)))?,
        None => state.today(),
    };
    Ok(Json(draft_items(&state, &s, id, on, lang).await?))
}

async fn draft_items(
    state: &AppState,
    s: &Session,
    id: i64,
    on: chrono::NaiveDate,
    lang: Lang,
) -> AppResult<Vec<DraftItem>> {
    Ok(app::checklist::draft(&state.app(), &s.caller(), id, on)
        .await?
        .into_iter()
        .map(|(c, shown)| DraftItem {
            criterion: criterion_out(&c, lang),
            records_hold: shown.as_ref().map(|(h, _)| *h),
            figures: shown.map(|(_, m)| m.text(lang)),
        })
        .collect())
}

/// One checklist with every answer and its evidence.
#[utoipa::path(get, path = "/api/v1/checklists/{id}", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = ChecklistOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(id): Path<i64>,
) -> AppResult<Json<ChecklistOut>> {
    let (c, answers) = app::checklist::get(&state.app(), &s.caller(), id).await?;
    Ok(Json(checklist_out(c, answers, lang)))
}

/// Every criterion: the ministry's and the region's, retired ones last.
async fn all_criteria(state: &AppState, s: &Session, lang: Lang) -> AppResult<Vec<CriterionOut>> {
    let cx = state.app();
    let mut out: Vec<CriterionOut> = app::checklist::criteria(&cx)
        .await?
        .iter()
        .map(|c| criterion_out(c, lang))
        .collect();
    if s.role().manages_users() {
        for r in app::checklist::region_criteria(&cx, &s.caller()).await? {
            if !*r.active {
                out.push(CriterionOut {
                    code: r.code,
                    stage: r.stage.0.code().into(),
                    label: r.label,
                    from_records: false,
                    region: true,
                    active: false,
                });
            }
        }
    }
    Ok(out)
}

/// The criteria of the stage checklist in force (the ministry's, then the region's).
#[utoipa::path(get, path = "/api/v1/checklist/criteria", tag = "monitoring",
    responses((status = 200, body = Vec<CriterionOut>)))]
pub(crate) async fn api_criteria(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
) -> AppResult<Json<Vec<CriterionOut>>> {
    Ok(Json(all_criteria(&state, &s, lang).await?))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct CriterionIn {
    /// `tumbuh`, `berkembang` or `maju`
    #[schema(pattern = "^(tumbuh|berkembang|maju)$")]
    pub stage: String,
    /// How the item reads (at most 200 characters).
    #[schema(pattern = "\\S", max_length = 200)]
    pub label: String,
}

/// Add a criterion of the region's to a stage (admin).
#[utoipa::path(post, path = "/api/v1/checklist/criteria", tag = "monitoring", request_body = CriterionIn,
    responses((status = 201, body = CriterionOut), (status = 403, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_criterion_add(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<CriterionIn>,
) -> AppResult<Response> {
    let r = app::checklist::criterion_add(&state.app(), &s.caller(), &b.stage, &b.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(CriterionOut {
            code: r.code,
            stage: r.stage.0.code().into(),
            label: r.label,
            from_records: false,
            region: true,
            active: true,
        }),
    )
        .into_response())
}

/// Retire a region's criterion (admin): new checklists leave it out, earlier ones keep it.
#[utoipa::path(post, path = "/api/v1/checklist/criteria/{code}/retire", tag = "monitoring", params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = crate::schema::ErrorBody), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_criterion_retire(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(code): Path<String>,
) -> AppResult<StatusCode> {
    app::checklist::criterion_retire(&state.app(), &s.caller(), &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An item of the form as shown (and shown again with what was typed).
pub struct FormItem {
    pub code: String,
    pub stage: &'static str,
    pub label: String,
    pub figures: String,
    pub holds: bool,
    pub note: String,
    /// The records show it: figures count as evidence.
    pub shown: bool,
    /// The first item of its stage (the form heads each stage).
    pub opens_stage: bool,
}

#[derive(askama::Template)]
#[template(path = "checklist_form.html")]
struct FormPage {
    ctx: Ctx,
    k: Kube,
    assessed_on: String,
    items: Vec<FormItem>,
    errors: FormErrors,
}

fn form_items(draft: Vec<DraftItem>, typed: Option<&Typed>, lang: Lang) -> Vec<FormItem> {
    let mut last_stage = String::new();
    draft
        .into_iter()
        .map(|d| {
            let opens_stage = d.criterion.stage != last_stage;
            last_stage = d.criterion.stage.clone();
            let code = d.criterion.code;
            let shown = d.records_hold == Some(true);
            let (holds, note) = match typed {
                Some(t) => (
                    t.holds.contains(&code),
                    t.notes.get(&code).cloned().unwrap_or_default(),
                ),
                None => (shown, String::new()),
            };
            FormItem {
                stage: Level::parse(&d.criterion.stage)
                    .map(|l| lang.t(l.label_key()))
                    .unwrap_or(""),
                label: d.criterion.label,
                figures: d.figures.unwrap_or_default(),
                holds,
                note,
                shown,
                opens_stage,
                code,
            }
        })
        .collect()
}

/// The form for a day (`?assessed_on=`, default today): the figures, and the items they
/// show ticked, are the records' as of that day.
async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    Query(q): Query<DraftQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    let k = crate::kube_in_scope(&state, &s, id).await?;
    let typed = q.assessed_on.unwrap_or_default();
    let (on, errors) = match typed.trim() {
        "" => (state.today(), None),
        t => match domain::person::parse_date(t) {
            Ok(d) => (d, None),
            Err(m) => (state.today(), Some(Invalid::field("assessed_on", m))),
        },
    };
    let items = form_items(
        draft_items(&state, &s, id, on, ctx.lang).await?,
        None,
        ctx.lang,
    );
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let errors = FormErrors::new(errors.as_ref(), ctx.lang);
    Ok((
        status,
        html(&FormPage {
            ctx,
            k,
            assessed_on: on.format("%Y-%m-%d").to_string(),
            items,
            errors,
        })?,
    )
        .into_response())
}

/// The form as sent: `assessed_on`, `holds_<code>`, `note_<code>`, `photo_<code>`.
#[derive(Default)]
struct Typed {
    assessed_on: String,
    holds: Vec<String>,
    notes: HashMap<String, String>,
    photos: Vec<Upload>,
}

async fn read_form(mut mp: Multipart) -> Typed {
    let mut t = Typed::default();
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        if let Some(code) = name.strip_prefix("photo_") {
            let filename = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            // A file input left empty still sends an empty part.
            if !bytes.is_empty() {
                t.photos.push(Upload {
                    criterion: code.to_string(),
                    filename,
                    bytes,
                });
            }
            continue;
        }
        // No text field holds a NUL (PostgreSQL refuses it in text): such characters go.
        let value = field.text().await.unwrap_or_default().replace('\0', "");
        if name == "assessed_on" {
            t.assessed_on = value;
        } else if let Some(code) = name.strip_prefix("holds_") {
            t.holds.push(code.to_string());
        } else if let Some(code) = name.strip_prefix("note_") {
            t.notes.insert(code.to_string(), value);
        }
    }
    t
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    mp: Multipart,
) -> AppResult<Response> {
    let mut t = read_form(mp).await;
    let cx = state.app();
    let codes: Vec<String> = app::checklist::criteria(&cx)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let input = ChecklistIn {
        assessed_on: t.assessed_on.clone(),
        answers: codes
            .iter()
            .map(|code| app::checklist::ChecklistAnswerIn {
                criterion: code.clone(),
                holds: t.holds.contains(code),
                note: t.notes.get(code).cloned(),
                photo_id: None,
            })
            .collect(),
    };
    let photos = std::mem::take(&mut t.photos);
    let result = app::checklist::record(&cx, &s.caller(), id, &input, photos).await;
    match page::outcome(result)? {
        Done(c) => {
            let level = level_label(c.level.as_ref().map(|l| l.0.code()), ctx.lang);
            let msg = ctx.tf("checklist.recorded", &[level.to_string()]);
            page::redirect_with_flash(&state, &s, &format!("/checklists/{}", c.id), msg).await
        }
        Again(inv) => {
            let k = crate::kube_in_scope(&state, &s, id).await?;
            let on = domain::person::parse_date(&t.assessed_on).unwrap_or(state.today());
            let draft = draft_items(&state, &s, id, on, ctx.lang).await?;
            let assessed_on = on.format("%Y-%m-%d").to_string();
            let items = form_items(draft, Some(&t), ctx.lang);
            let errors = FormErrors::new(Some(&inv), ctx.lang);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                html(&FormPage {
                    ctx,
                    k,
                    assessed_on,
                    items,
                    errors,
                })?,
            )
                .into_response())
        }
    }
}

#[derive(askama::Template)]
#[template(path = "checklist_detail.html")]
struct DetailPage {
    ctx: Ctx,
    c: ChecklistOut,
    k: Kube,
    level: &'static str,
}

impl DetailPage {
    fn stage_label(&self, code: &str) -> &'static str {
        Level::parse(code)
            .map(|l| self.ctx.t(l.label_key()))
            .unwrap_or("")
    }
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (c, answers) = app::checklist::get(&state.app(), &s.caller(), id).await?;
    let k = crate::kube_in_scope(&state, &s, c.kube_id).await?;
    let c = checklist_out(c, answers, ctx.lang);
    let level = level_label(c.level.as_deref(), ctx.lang);
    Ok(html(&DetailPage { ctx, c, k, level })?.into_response())
}

#[derive(askama::Template)]
#[template(path = "checklist_criteria.html")]
struct CriteriaPage {
    ctx: Ctx,
    /// Adds and retires the region's criteria (the others read them).
    manages: bool,
    criteria: Vec<CriterionOut>,
    stages: Vec<(&'static str, &'static str)>,
    stage: String,
    label: String,
    errors: FormErrors,
}

async fn criteria_render(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    typed: Option<(CriterionIn, Invalid)>,
) -> AppResult<Response> {
    let criteria = all_criteria(state, s, ctx.lang).await?;
    let stages = Level::ALL
        .iter()
        .map(|l| (l.code(), ctx.t(l.label_key())))
        .collect();
    let (b, inv, status) = match typed {
        Some((b, inv)) => (b, Some(inv), StatusCode::UNPROCESSABLE_ENTITY),
        None => (CriterionIn::default(), None, StatusCode::OK),
    };
    let errors = FormErrors::new(inv.as_ref(), ctx.lang);
    Ok((
        status,
        html(&CriteriaPage {
            manages: s.role().manages_users(),
            ctx,
            criteria,
            stages,
            stage: b.stage,
            label: b.label,
            errors,
        })?,
    )
        .into_response())
}

async fn criteria_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    criteria_render(&state, &s, ctx, None).await
}

async fn criterion_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(b): page::Form<CriterionIn>,
) -> AppResult<Response> {
    let r = app::checklist::criterion_add(&state.app(), &s.caller(), &b.stage, &b.label).await;
    match page::outcome(r)? {
        Done(_) => {
            let msg = ctx.t("checklist.criterion_added").to_string();
            page::redirect_with_flash(&state, &s, "/checklist/criteria", msg).await
        }
        Again(inv) => criteria_render(&state, &s, ctx, Some((b, inv))).await,
    }
}

async fn retire_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    app::checklist::criterion_retire(&state.app(), &s.caller(), &code).await?;
    let msg = ctx.t("checklist.criterion_retired").to_string();
    page::redirect_with_flash(&state, &s, "/checklist/criteria", msg).await
}

/// A group's checklists for its page: (id, day, level label, by).
pub(crate) fn history_rows(
    checklists: Vec<app::checklist::Checklist>,
    lang: Lang,
) -> Vec<(i64, String, &'static str, String)> {
    checklists
        .into_iter()
        .map(|c| {
            (
                c.id,
                c.assessed_on.format("%d/%m/%Y").to_string(),
                level_label(c.level.as_ref().map(|l| l.0.code()), lang),
                c.full_name.unwrap_or(c.username),
            )
        })
        .collect()
}
