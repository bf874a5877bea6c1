//! The facilitator's monthly report on the web: the page (a facilitator's own, with the
//! plan they write; a facilitator chosen, or the summary of all, for those who read all),
//! its PDF with the letterhead and its XLSX, and the API (`app::monthly`).
use crate::error::{AppError, AppResult};
use crate::page::{html, Ctx, PageAuth};
use crate::session::{Authed, ReqLang, Session};
use crate::AppState;
use app::monthly::Report;
use app::reports::{text_of, Kind};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::dates::Month;
use domain::Lang;
use serde::{Deserialize, Serialize};
use sheets::Cell;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/monthly", get(page))
        .route("/monthly.pdf", get(pdf_file))
        .route("/monthly.xlsx", get(xlsx_file))
        .route("/monthly/plan", post(plan_form))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_report))
        .routes(routes!(api_summary))
        .routes(routes!(api_plan))
        .routes(routes!(api_pdf))
        .routes(routes!(api_xlsx))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct MonthlyQuery {
    /// `YYYY-MM`; this month when left out.
    #[param(pattern = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
    pub month: Option<String>,
    /// The facilitator's account (a facilitator: only their own, the default).
    pub user_id: Option<i64>,
}

impl MonthlyQuery {
    fn month(&self, state: &AppState) -> Result<Month, AppError> {
        match self.month.as_deref().filter(|m| !m.is_empty()) {
            None => Ok(Month::of(state.today())),
            Some(m) => Month::parse(m).map_err(|msg| {
                AppError::App(app::Error::Invalid(domain::Invalid::field("month", msg)))
            }),
        }
    }
}

/// A column's heading and how its cells read.
fn columns(lang: Lang) -> Vec<(String, Kind)> {
    use Kind::*;
    [
        ("kube", Text),
        ("village", Text),
        ("visits", Int),
        ("last", Text),
        ("status_start", Text),
        ("status_end", Text),
        ("level", Text),
        ("revenue", Money),
        ("profit", Money),
        ("savings", Money),
        ("problems", Text),
        ("actions", Text),
    ]
    .into_iter()
    .map(|(k, kind)| (lang.t(&format!("monthly.col.{k}")).to_string(), kind))
    .collect()
}

/// The report's table: a row per group (the month's last visit's figures).
fn rows(state: &AppState, r: &Report, lang: Lang) -> Vec<Vec<Cell>> {
    let status = |s: Option<domain::kube::Status>| {
        Cell::Text(
            s.map(|s| lang.t(s.label_key()).to_string())
                .unwrap_or_default(),
        )
    };
    let joined = |f: &dyn Fn(&app::visits::Visit) -> Option<String>,
                  g: &app::monthly::GroupMonth| {
        let texts: Vec<String> = g
            .visits
            .iter()
            .filter_map(f)
            .filter(|t| !t.trim().is_empty())
            .collect();
        Cell::Text(texts.join("; "))
    };
    r.groups
        .iter()
        .map(|g| {
            let last = g.last();
            let money = |f: fn(&app::visits::Visit) -> i64| {
                last.map(|v| Cell::Int(f(v))).unwrap_or(Cell::Empty)
            };
            vec![
                Cell::Text(g.kube.name.clone()),
                Cell::Text(state.areas.name(&g.kube.village_code).to_string()),
                Cell::Int(g.visits.len() as i64),
                last.map(|v| Cell::Date(v.visited_on.to_string()))
                    .unwrap_or_else(|| Cell::Text(lang.t("monthly.not_visited").into())),
                status(g.status_start),
                status(g.status_end),
                Cell::Text(
                    g.level_end
                        .map(|l| lang.t(l.label_key()).to_string())
                        .unwrap_or_default(),
                ),
                money(|v| v.revenue),
                money(|v| v.revenue - v.expenses),
                money(|v| v.savings_balance),
                joined(&|v| v.problems.clone(), g),
                joined(&|v| v.actions.clone(), g),
            ]
        })
        .collect()
}

fn title(r: &Report, lang: Lang) -> String {
    format!(
        "{} — {}, {}",
        lang.t("monthly.title"),
        r.name(),
        r.month.name(lang)
    )
}

fn figures(r: &Report, lang: Lang) -> String {
    domain::Msg::new("monthly.figures")
        .arg(r.visited())
        .arg(r.groups.len())
        .arg(r.due())
        .arg(r.visits())
        .text(lang)
}

fn file_name(r: &Report, ext: &str) -> String {
    format!("laporan-bulanan-{}-{}.{ext}", r.facilitator.1, r.month)
}

async fn read(state: &AppState, s: &Session, q: &MonthlyQuery, lang: Lang) -> AppResult<Report> {
    let month = q.month(state)?;
    let caller = app::Caller { lang, ..s.caller() };
    Ok(app::monthly::report(&state.app(), &caller, q.user_id, month).await?)
}

/// The PDF's table is narrower than the file's (a portrait page): the group, its visits,
/// the status and level at the month's end and the figures (in rupiah, as the headings
/// say); the changes of status, problems, actions and the plan follow as notes.
const PDF_COLUMNS: [usize; 8] = [0, 2, 3, 5, 6, 7, 8, 9];

fn pdf_of(state: &AppState, r: &Report, lang: Lang) -> Response {
    let cols = columns(lang);
    let header: Vec<String> = PDF_COLUMNS.iter().map(|&i| cols[i].0.clone()).collect();
    let numeric: Vec<bool> = PDF_COLUMNS
        .iter()
        .map(|&i| cols[i].1 != Kind::Text)
        .collect();
    let table = rows(state, r, lang);
    let text: Vec<Vec<String>> = table
        .iter()
        .map(|row| {
            PDF_COLUMNS
                .iter()
                .map(|&i| match (i, cols[i].1) {
                    // Not visited: the count of visits says so.
                    (3, _) if matches!(row[i], Cell::Text(_)) => "—".to_string(),
                    (_, Kind::Money) => text_of(&row[i], Kind::Int, lang),
                    (_, kind) => text_of(&row[i], kind, lang),
                })
                .collect()
        })
        .collect();
    let none = || lang.t("monthly.none").to_string();
    let listed = |lines: Vec<String>| {
        if lines.is_empty() {
            none()
        } else {
            lines.join(" ")
        }
    };
    let column = |col: usize| {
        listed(
            table
                .iter()
                .filter_map(|row| match (&row[0], &row[col]) {
                    (Cell::Text(k), Cell::Text(t)) if !t.is_empty() => Some(format!("{k}: {t}.")),
                    _ => None,
                })
                .collect(),
        )
    };
    let changes = listed(
        table
            .iter()
            .filter_map(|row| match (&row[0], &row[4], &row[5]) {
                (Cell::Text(k), Cell::Text(a), Cell::Text(b)) if a != b => {
                    let a = if a.is_empty() { "—" } else { a };
                    // (The PDF's fonts have no arrow.)
                    Some(format!("{k}: {a} » {b}."))
                }
                _ => None,
            })
            .collect(),
    );
    let notes = vec![
        (lang.t("monthly.changes").to_string(), changes),
        (lang.t("monthly.problems").to_string(), column(10)),
        (lang.t("monthly.actions").to_string(), column(11)),
        (
            lang.t("monthly.plan").to_string(),
            r.plan
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(none),
        ),
    ];
    let bytes = app::documents::table_pdf(
        &state.app(),
        &title(r, lang),
        &figures(r, lang),
        &header,
        &text,
        &numeric,
        &notes,
    );
    crate::import::file_response(bytes, &file_name(r, "pdf"))
}

fn xlsx_of(state: &AppState, r: &Report, lang: Lang) -> AppResult<Response> {
    let cols = columns(lang);
    let header: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    let mut table = rows(state, r, lang);
    let note = |a: &str, b: String| {
        let mut row = vec![Cell::Text(a.to_string()), Cell::Text(b)];
        row.resize(cols.len(), Cell::Empty);
        row
    };
    table.push(vec![Cell::Empty; cols.len()]);
    table.push(note(&title(r, lang), figures(r, lang)));
    table.push(note(
        lang.t("monthly.plan"),
        r.plan.clone().unwrap_or_default(),
    ));
    let bytes = sheets::write_xlsx("Laporan bulanan", &header, &table)
        .map_err(|_| AppError::App(app::Error::Internal))?;
    Ok(crate::import::file_response(bytes, &file_name(r, "xlsx")))
}

// ---------- pages ----------

#[derive(askama::Template)]
#[template(path = "monthly.html")]
struct MonthlyPage {
    ctx: Ctx,
    month: String,
    /// (id, name) of the facilitators to choose from (those who read all).
    facilitators: Vec<(i64, String)>,
    chosen: Option<i64>,
    report: Option<ReportView>,
    /// The summary: (facilitator id, name, groups, due, visited, visits).
    summary: Vec<(i64, String, usize, usize, usize, usize)>,
    /// The facilitator's own report: the plan is theirs to write.
    own: bool,
    query: String,
}

struct ReportView {
    title: String,
    figures: String,
    header: Vec<(String, bool)>,
    rows: Vec<Vec<String>>,
    plan: String,
}

async fn page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<MonthlyQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let month = q.month(&state)?;
    let own = s.role() == domain::Role::Pendamping;
    let mut facilitators = Vec::new();
    let mut summary = Vec::new();
    let mut report = None;
    if own || q.user_id.is_some() {
        let r = read(&state, &s, &q, lang).await?;
        let cols = columns(lang);
        report = Some(ReportView {
            title: title(&r, lang),
            figures: figures(&r, lang),
            header: cols
                .iter()
                .map(|c| (c.0.clone(), c.1 != Kind::Text))
                .collect(),
            rows: rows(&state, &r, lang)
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&cols)
                        .map(|(c, (_, k))| text_of(c, *k, lang))
                        .collect()
                })
                .collect(),
            plan: r.plan.unwrap_or_default(),
        });
    }
    if !own {
        let caller = app::Caller { lang, ..s.caller() };
        let cx = state.app();
        facilitators = app::monthly::facilitators(&cx, &caller)
            .await?
            .into_iter()
            .map(|(id, username, full)| (id, full.unwrap_or(username)))
            .collect();
        // The summary of all when none is chosen (each facilitator's month read once).
        if report.is_none() {
            for r in app::monthly::summary(&cx, &caller, month).await? {
                summary.push((
                    r.facilitator.0,
                    r.name().to_string(),
                    r.groups.len(),
                    r.due(),
                    r.visited(),
                    r.visits(),
                ));
            }
        }
    }
    let query = format!(
        "month={month}{}",
        q.user_id
            .map(|u| format!("&user_id={u}"))
            .unwrap_or_default()
    );
    Ok(html(&MonthlyPage {
        ctx,
        month: month.to_string(),
        facilitators,
        chosen: q.user_id,
        report,
        summary,
        own,
        query,
    })?
    .into_response())
}

async fn pdf_file(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    Query(q): Query<MonthlyQuery>,
) -> AppResult<Response> {
    let r = read(&state, &s, &q, lang).await?;
    Ok(pdf_of(&state, &r, lang))
}

async fn xlsx_file(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    Query(q): Query<MonthlyQuery>,
) -> AppResult<Response> {
    let r = read(&state, &s, &q, lang).await?;
    xlsx_of(&state, &r, lang)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PlanIn {
    /// `YYYY-MM`: the report the plan belongs to (the plan is for the month after).
    #[schema(pattern = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
    pub month: String,
    #[schema(max_length = 4000)]
    pub plan: String,
}

async fn save(state: &AppState, s: &Session, b: &PlanIn) -> AppResult<()> {
    let month = Month::parse(&b.month)
        .map_err(|m| AppError::App(app::Error::Invalid(domain::Invalid::field("month", m))))?;
    Ok(app::monthly::save_plan(&state.app(), &s.caller(), month, &b.plan).await?)
}

async fn plan_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    crate::page::Form(b): crate::page::Form<PlanIn>,
) -> AppResult<Response> {
    save(&state, &s, &b).await?;
    crate::page::redirect_with_flash(
        &state,
        &s,
        &format!("/monthly?month={}", b.month),
        ctx.t("monthly.plan_saved"),
    )
    .await
}

// ---------- API ----------

#[derive(Serialize, ToSchema)]
pub struct GroupMonthOut {
    pub kube_id: i64,
    pub name: String,
    pub village_name: String,
    pub visits: i64,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_visit_on: Option<app::Date>,
    pub status_start: Option<String>,
    pub status_end: Option<String>,
    pub level_end: Option<String>,
    /// The month's last visit's figures (integer rupiah).
    pub revenue: Option<i64>,
    pub profit: Option<i64>,
    pub savings_balance: Option<i64>,
    pub problems: Vec<String>,
    pub actions: Vec<String>,
    #[schema(value_type = String, format = Date)]
    pub due_on: app::Date,
}

#[derive(Serialize, ToSchema)]
pub struct MonthlyOut {
    pub month: String,
    pub user_id: i64,
    pub username: String,
    pub full_name: Option<String>,
    pub groups: i64,
    pub visited: i64,
    pub due: i64,
    pub visits: i64,
    pub plan: Option<String>,
    pub kube: Vec<GroupMonthOut>,
}

fn out(state: &AppState, r: Report) -> MonthlyOut {
    let texts = |vs: &[app::visits::Visit], f: fn(&app::visits::Visit) -> Option<String>| {
        vs.iter()
            .filter_map(f)
            .filter(|t| !t.trim().is_empty())
            .collect()
    };
    MonthlyOut {
        month: r.month.to_string(),
        groups: r.groups.len() as i64,
        visited: r.visited() as i64,
        due: r.due() as i64,
        visits: r.visits() as i64,
        user_id: r.facilitator.0,
        username: r.facilitator.1.clone(),
        full_name: r.facilitator.2.clone(),
        kube: r
            .groups
            .iter()
            .map(|g| {
                let last = g.last();
                GroupMonthOut {
                    kube_id: g.kube.id,
                    name: g.kube.name.clone(),
                    village_name: state.areas.name(&g.kube.village_code).to_string(),
                    visits: g.visits.len() as i64,
                    last_visit_on: last.map(|v| v.visited_on),
                    status_start: g.status_start.map(|s| s.code().into()),
                    status_end: g.status_end.map(|s| s.code().into()),
                    level_end: g.level_end.map(|l| l.code().into()),
                    revenue: last.map(|v| v.revenue),
                    profit: last.map(|v| v.revenue - v.expenses),
                    savings_balance: last.map(|v| v.savings_balance),
                    problems: texts(&g.visits, |v| v.problems.clone()),
                    actions: texts(&g.visits, |v| v.actions.clone()),
                    due_on: g.due_on.into(),
                }
            })
            .collect(),
        plan: r.plan,
    }
}

/// A facilitator's monthly report: each group of their caseload in the month (visits,
/// status at the start and end, level at the end, the last visit's figures, problems and
/// actions), how many were due and visited, and their plan for the next month. A
/// facilitator reads their own (the default); the head of division, the administrator and
/// the auditor name one with `user_id` (without it they have no report of their own: 404).
#[utoipa::path(get, path = "/api/v1/monthly", tag = "monitoring", params(MonthlyQuery),
    responses((status = 200, body = MonthlyOut)))]
pub(crate) async fn api_report(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    Query(q): Query<MonthlyQuery>,
) -> AppResult<Json<MonthlyOut>> {
    Ok(Json(out(&state, read(&state, &s, &q, lang).await?)))
}

/// Every active facilitator's month: groups, visits due and made (head of division,
/// administrator, auditor).
#[utoipa::path(get, path = "/api/v1/monthly/summary", tag = "monitoring", params(MonthlyQuery),
    responses((status = 200, body = Vec<MonthlyOut>)))]
pub(crate) async fn api_summary(
    State(state): State<AppState>,
    Authed(s): Authed,
    ReqLang(lang): ReqLang,
    Query(q): Query<MonthlyQuery>,
) -> AppResult<Json<Vec<MonthlyOut>>> {
    let caller = app::Caller { lang, ..s.caller() };
    let all = app::monthly::summary(&state.app(), &caller, q.month(&state)?).await?;
    Ok(Json(all.into_iter().map(|r| out(&state, r)).collect()))
}

/// The facilitator writes the plan for the next month on a month's report.
#[utoipa::path(put, path = "/api/v1/monthly/plan", tag = "monitoring", request_body = PlanIn,
    responses((status = 204, description = "Saved")))]
pub(crate) async fn api_plan(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<PlanIn>,
) -> AppResult<axum::http::StatusCode> {
    save(&state, &s, &b).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The monthly report as a PDF with the letterhead.
#[utoipa::path(get, path = "/api/v1/monthly.pdf", tag = "monitoring", params(MonthlyQuery),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub(crate) async fn api_pdf(
    state: State<AppState>,
    s: Authed,
    lang: ReqLang,
    q: Query<MonthlyQuery>,
) -> AppResult<Response> {
    pdf_file(state, s, lang, q).await
}

/// The monthly report as an XLSX file.
#[utoipa::path(get, path = "/api/v1/monthly.xlsx", tag = "monitoring", params(MonthlyQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(crate) async fn api_xlsx(
    state: State<AppState>,
    s: Authed,
    lang: ReqLang,
    q: Query<MonthlyQuery>,
) -> AppResult<Response> {
    xlsx_file(state, s, lang, q).await
}
