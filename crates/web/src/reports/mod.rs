//! Reports: each an HTML page with filters and a chart, an XLSX file (typed numbers,
//! header row frozen) and a printable PDF with the letterhead. Plus the opt-in public
//! page without personal data.
use crate::chart::{stacked_bars, Bar, Segment};
use crate::error::{AppError, AppResult};
use crate::page::{html, Ctx, PageAuth};
use crate::session::{Authed, Session};
use crate::AppState;
use app::reports::{text_of, Kind};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use domain::money::Rupiah;
use domain::Lang;
use serde::{Deserialize, Serialize};
use sheets::Cell;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

mod view;
pub(crate) use view::*;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/reports", get(index))
        .route("/reports/{name}", get(report_page))
        .route("/publik", get(public_page))
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_report))
}

async fn respond(
    state: &AppState,
    s: &Session,
    name: &str,
    q: ReportQuery,
    ctx: Option<Ctx>,
    lang: Lang,
) -> AppResult<Response> {
    let name = app::reports::Name::parse(name)?;
    let caller = app::Caller { lang, ..s.caller() };
    let r = app::reports::build(&state.app(), &caller, name, &q.filter()).await?;
    let name = name.code();
    let header: Vec<&str> = r.columns.iter().map(|c| c.0.as_str()).collect();
    let file = format!("laporan-{name}-{}", state.today().format("%Y-%m-%d"));
    match q.format.as_deref().unwrap_or("html") {
        "xlsx" => {
            let bytes = sheets::write_xlsx("Laporan", &header, &r.rows)
                .map_err(|_| AppError::App(app::Error::Internal))?;
            Ok(crate::import::file_response(bytes, &format!("{file}.xlsx")))
        }
        "csv" => {
            let bytes = sheets::write_csv(&header, &r.rows)
                .map_err(|_| AppError::App(app::Error::Internal))?;
            Ok(crate::import::file_response(bytes, &format!("{file}.csv")))
        }
        "pdf" => {
            let rows: Vec<Vec<String>> = r
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&r.columns)
                        .map(|(c, (_, k))| text_of(c, *k, lang))
                        .collect()
                })
                .collect();
            let numeric: Vec<bool> = r.columns.iter().map(|c| c.1 != Kind::Text).collect();
            let cols: Vec<String> = r.columns.iter().map(|c| c.0.clone()).collect();
            let bytes = app::documents::table_pdf(
                &state.app(),
                &r.title,
                &subtitle(&q, state, lang),
                &cols,
                &rows,
                &numeric,
                &[],
            );
            Ok((
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/pdf".to_string(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        "json" => {
            let rows: Vec<Vec<serde_json::Value>> = r
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|c| match c {
                            Cell::Int(v) => (*v).into(),
                            Cell::Percent(p) => ((p * 1000.0).round() / 10.0).into(),
                            Cell::Text(s) | Cell::Date(s) => s.clone().into(),
                            Cell::Empty => serde_json::Value::Null,
                        })
                        .collect()
                })
                .collect();
            Ok(Json(ReportOut {
                title: r.title,
                columns: header.iter().map(|h| h.to_string()).collect(),
                rows,
            })
            .into_response())
        }
        _ => {
            let Some(ctx) = ctx else {
                return Err(AppError::App(app::Error::NotFound));
            };
            let rows: Vec<(bool, Vec<(String, bool)>)> = r
                .rows
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells = row
                        .iter()
                        .zip(&r.columns)
                        .map(|(c, (_, k))| (text_of(c, *k, lang), *k != Kind::Text))
                        .collect();
                    (r.totals.contains(&i), cells)
                })
                .collect();
            let districts = crate::persons::district_options(state, s);
            let qs = serde_urlencoded::to_string([
                ("year", q.year().map(|y| y.to_string()).unwrap_or_default()),
                ("district_code", q.district_code.clone().unwrap_or_default()),
            ])
            .unwrap_or_default();
            let page = ReportPage {
                name: name.to_string(),
                chart: chart(&r, lang),
                title: r.title,
                columns: r.columns.into_iter().map(|c| c.0).collect(),
                rows,
                q,
                districts,
                qs,
                ctx,
            };
            Ok(html(&page)?.into_response())
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    pub title: String,
    pub columns: Vec<String>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// A report as JSON (`format=json`, default), XLSX, CSV or PDF. Names: `kube-status`,
/// `aid`, `outcomes`, `trainings`, `enrolments`.
#[utoipa::path(get, path = "/api/v1/reports/{name}", tag = "dashboard", params(("name" = String, Path), ReportQuery),
    responses((status = 200, body = ReportOut), (status = 404, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_report(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(name): Path<String>,
    Query(mut q): Query<ReportQuery>,
) -> AppResult<Response> {
    if q.format.as_deref().is_none_or(|f| f == "html") {
        q.format = Some("json".into());
    }
    respond(&state, &s, &name, q, None, lang).await
}

#[derive(askama::Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: Ctx,
    name: String,
    title: String,
    columns: Vec<String>,
    /// (adds up the rows before, cells as (text, numeric)).
    rows: Vec<(bool, Vec<(String, bool)>)>,
    chart: String,
    q: ReportQuery,
    districts: Vec<(String, String)>,
    qs: String,
}

impl ReportPage {
    fn year(&self) -> String {
        self.q.year().map(|y| y.to_string()).unwrap_or_default()
    }
    fn district(&self) -> &str {
        self.q.district_code.as_deref().unwrap_or("")
    }
}

async fn report_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(name): Path<String>,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    respond(&state, &s, &name, q, Some(ctx), lang).await
}

#[derive(askama::Template)]
#[template(path = "reports.html")]
struct IndexPage {
    ctx: Ctx,
    reports: Vec<(&'static str, &'static str)>,
}

async fn index(PageAuth { ctx, .. }: PageAuth) -> AppResult<Response> {
    let reports = app::reports::Name::ALL
        .iter()
        .map(|n| (n.code(), ctx.t(n.title_key())))
        .collect();
    Ok(html(&IndexPage { reports, ctx })?.into_response())
}

#[derive(askama::Template)]
#[template(path = "public.html")]
struct PublicPage {
    ctx: Ctx,
    rows: Vec<(String, String, i64, i64, i64, String)>,
    totals: (i64, i64, String),
}

/// Without login and without personal data: per village and year, how many KUBE, how
/// many run, and the value of aid delivered. Only when the office turns it on.
async fn public_page(
    State(state): State<AppState>,
    crate::session::ReqLang(lang): crate::session::ReqLang,
) -> AppResult<Response> {
    let data = app::reports::public(&state.app()).await?;
    let totals = (
        data.iter().map(|r| r.2).sum(),
        data.iter().map(|r| r.3).sum(),
        Rupiah::new(data.iter().map(|r| r.4).sum()).to_string(),
    );
    let rows = data
        .into_iter()
        .map(|(v, y, n, run, aid)| {
            (
                state.areas.name(&v).to_string(),
                state.areas.name(&v[..8]).to_string(),
                y,
                n,
                run,
                Rupiah::new(aid).to_string(),
            )
        })
        .collect();
    let ctx = Ctx::new(&state, None, lang, "/publik", None);
    Ok(html(&PublicPage { rows, totals, ctx })?.into_response())
}
