//! Import of persons and KUBE from XLSX, ODS or CSV: check every row first (preview),
//! then write all rows in one transaction, or only the valid ones. Rows already
//! registered are skipped, so importing the same file again creates no duplicates.
//! Used by the pages (`/import…`), the API (`POST /api/v1/import/{kind}`) and the CLI.

use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, PageAuth};
use crate::session::Authed;
use crate::AppState;
pub use app::import::{
    commit, no_progress, parse_mapping, plan, rejected, Check, Committed, Kind, Mode, Options,
    Plan, Progress,
};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::import::{Mapping, Unmapped};
use domain::{Lang, Msg};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

/// Uploads may be large: 64 MB (about 500,000 person rows as CSV).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/import", get(index_page).post(upload))
        .route("/import/template/{file}", get(template))
        .route("/import/{id}", get(preview_page))
        .route("/import/{id}/commit", post(commit_form))
        .route("/import/{id}/check", post(recheck_form))
        .route("/import/{id}/mapping", post(mapping_form))
        .route("/import/{id}/rejected/{file}", get(rejected_file))
        .layer_body_limit(MAX_UPLOAD)
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_import).layer(DefaultBodyLimit::max(MAX_UPLOAD)))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowErrorOut {
    /// Row number as in the spreadsheet (the header is row 1).
    pub row: usize,
    /// The column's code (`nik`, `birth_date`, …).
    pub column: String,
    /// The column's name in the caller's language.
    pub heading: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub kind: String,
    /// Data rows in the file.
    pub total: usize,
    /// Persons, or KUBE, ready to be written (or written).
    pub valid: usize,
    pub skipped: usize,
    pub rejected_rows: usize,
    /// Persons or KUBE written; 0 on a dry run or when all-or-nothing met errors.
    /// A DTSEN extract: the persons matched by NIK and given their decile.
    pub created: usize,
    /// A DTSEN extract: its NIKs new to SIKUBE (rejected rows to register, never created).
    pub new_niks: usize,
    /// A DTSEN extract written: the persons it does not list, now "not in DTSEN".
    pub not_in_extract: Option<usize>,
    pub committed: bool,
    pub errors: Vec<RowErrorOut>,
}

fn report(check: &Check, committed: bool, lang: Lang) -> ImportReport {
    ImportReport {
        kind: check.kind.code().into(),
        total: check.total,
        valid: check.ready,
        skipped: check.skipped,
        rejected_rows: check.rejected_rows,
        created: check.created.unwrap_or(0),
        new_niks: check.new_niks,
        not_in_extract: check.not_in_extract,
        committed,
        errors: check
            .errors
            .iter()
            .map(|e| RowErrorOut {
                row: e.row,
                heading: crate::page::label("import.col.", &e.column, lang),
                column: e.column.clone(),
                message: e.msg.text(lang),
            })
            .collect(),
    }
}

pub fn file_response(bytes: Vec<u8>, filename: &str) -> Response {
    let mime = if filename.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else if filename.ends_with(".ods") {
        "application/vnd.oasis.opendocument.spreadsheet"
    } else if filename.ends_with(".pdf") {
        "application/pdf"
    } else if filename.ends_with(".json") {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

// ---------- API ----------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiImportQuery {
    /// `all` (default: write nothing if any row is invalid) or `valid` (write the valid rows).
    pub mode: Option<Mode>,
    /// Only check the file.
    pub dry_run: Option<bool>,
    /// The sheet to read (default: the first with data).
    pub sheet: Option<String>,
    /// Where the fields are when the headings are not the template's:
    /// `nik=NIK KTP;name=C;birth_date=5` (heading, column letter or number).
    pub map: Option<String>,
}

/// Import a file (XLSX, ODS or CSV as the raw request body). `kind`: `persons` or `kube`.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "import", params(("kind" = String, Path, pattern = "^(persons|kube|dtsen)$"), ApiImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport), (status = 422, body = crate::schema::ErrorBody), (status = 403, body = crate::schema::ErrorBody),
              (status = 429, body = crate::schema::ErrorBody, description = "The daily limit of NIK look-ups of a role that sees NIKs masked")))]
pub(crate) async fn api_import(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::session::ReqLang(lang): crate::session::ReqLang,
    Path(kind): Path<String>,
    Query(q): Query<ApiImportQuery>,
    body: axum::body::Bytes,
) -> AppResult<Json<ImportReport>> {
    s.require_write()?;
    let _slot = state.imports.take(s.user().id)?;
    let kind = Kind::parse(&kind).map_err(|m| AppError::invalid("kind", m))?;
    let opts = Options {
        sheet: q.sheet.clone(),
        mapping: parse_mapping(q.map.as_deref().unwrap_or(""))
            .map_err(|m| AppError::invalid("map", m))?,
        ..Options::upload()
    };
    let mut p = plan(&state.app(), &s.caller(), kind, &body, &opts, no_progress()).await?;
    if q.dry_run.unwrap_or(false) {
        app::import::audit_check(&state.app(), &s.caller(), &p, "api").await?;
        let check = Check::of(&p, None, s.actor().now());
        return Ok(Json(report(&check, false, lang)));
    }
    let mode = q.mode.unwrap_or_default();
    let created = commit(&state.app(), &s.caller(), &mut p, mode, "api").await?;
    let committed = mode != Mode::All || p.errors.is_empty();
    let check = Check::of(&p, Some(created), s.actor().now());
    Ok(Json(report(&check, committed, lang)))
}

// ---------- pages ----------

#[derive(askama::Template)]
#[template(path = "import.html")]
struct IndexPage {
    ctx: Ctx,
    error: String,
}

async fn index_page(PageAuth { s, ctx }: PageAuth) -> AppResult<Response> {
    s.require_write()?;
    Ok(html(&IndexPage {
        ctx,
        error: String::new(),
    })?
    .into_response())
}

async fn upload(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    mut mp: Multipart,
) -> AppResult<Response> {
    s.require_write()?;
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("kind") => kind = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let data = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest(Msg::new("error.payload_too_large")))?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    let lang = ctx.lang;
    let fail = |ctx: Ctx, error: String| -> AppResult<Response> {
        Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            html(&IndexPage { error, ctx })?,
        )
            .into_response())
    };
    let Some(kind) = kind.as_deref().and_then(|k| Kind::parse(k).ok()) else {
        return fail(ctx, lang.t("import.kind_invalid").into());
    };
    let Some((name, data)) = file.filter(|f| !f.1.is_empty()) else {
        return fail(ctx, lang.t("import.no_file").into());
    };
    let _slot = state.imports.take(s.user().id)?;
    match app::import::upload(&state.app(), &s.caller(), kind, &name, &data).await {
        Ok(id) => Ok(axum::response::Redirect::to(&format!("/import/{id}")).into_response()),
        Err(e) => {
            let inv = AppError::from(e).into_form_errors()?;
            let text = inv
                .fields
                .values()
                .map(|m| m.text(lang))
                .collect::<Vec<_>>();
            fail(ctx, text.join("; "))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    ctx: Ctx,
    id: i64,
    filename: String,
    r: ImportReport,
    kind_label: &'static str,
    /// When the file was checked (or written), in WIB.
    checked_at: String,
    done: Option<String>,
    file_error: String,
    rejected_available: bool,
    /// The file's headings are not the template's: match them to the fields.
    mapping: Option<MappingForm>,
}

/// The mapping form: every field beside a choice of the file's columns, the likely one
/// chosen.
pub struct MappingForm {
    /// (field code, heading, required, chosen column)
    pub fields: Vec<(&'static str, &'static str, bool, Option<usize>)>,
    /// (column index, letter and heading)
    pub columns: Vec<(usize, String)>,
}

fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

fn mapping_of(kind: Kind, u: &Unmapped) -> MappingForm {
    MappingForm {
        fields: kind
            .columns()
            .iter()
            .zip(&u.guesses)
            .map(|(c, g)| (c.code, c.heading, c.required, *g))
            .collect(),
        columns: u
            .headings
            .iter()
            .enumerate()
            .map(|(i, h)| (i, format!("{} · {}", column_letter(i), h)))
            .collect(),
    }
}

/// The operator's mapping, remembered for every file with the same headings.
async fn mapping_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let pairs = page::form_pairs(&body);
    // A mapping is the account's own; an admin may make it the whole office's.
    let shared = pairs.iter().any(|(k, v)| k == "share" && !v.is_empty());
    let mapping: Mapping = pairs
        .into_iter()
        .filter_map(|(k, v)| {
            let field = k.strip_prefix("map_")?;
            let column = v.trim().parse::<usize>().ok()?;
            Some((field.to_string(), (column + 1).to_string()))
        })
        .collect();
    // The role first: a refused one takes no slot.
    s.require_write()?;
    let _slot = state.imports.take(s.user().id)?;
    app::import::map_columns(&state.app(), &s.caller(), id, mapping, shared).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/import/{id}"),
        ctx.t("import.mapping_saved"),
    )
    .await
}

/// Checks an upload again: the registry may have changed since it was checked.
async fn recheck_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    // The role first: a refused one takes no slot.
    s.require_write()?;
    let _slot = state.imports.take(s.user().id)?;
    app::import::recheck(&state.app(), &s.caller(), id).await?;
    page::redirect_with_flash(
        &state,
        &s,
        &format!("/import/{id}"),
        ctx.t("import.checked_again"),
    )
    .await
}

/// The upload as it was checked (or written): reads what was kept, not the file.
async fn preview_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let up = app::import::upload_of(&state.app(), &s.caller(), id).await?;
    let lang = ctx.lang;
    let check = &up.check;
    let done = check.created.map(|created| {
        ctx.tf(
            "import.done",
            &[
                created.to_string(),
                check.skipped.to_string(),
                check.rejected_rows.to_string(),
            ],
        )
    });
    let file_error = check
        .file_error
        .iter()
        .map(|m| m.text(lang))
        .collect::<Vec<_>>()
        .join("; ");
    let page = PreviewPage {
        mapping: match (&done, &check.unmapped) {
            (None, Some(u)) => Some(mapping_of(up.kind, u)),
            _ => None,
        },
        kind_label: lang.t(up.kind.label_key()),
        checked_at: ctx.tf("import.checked_at", &[ctx.local_time(&check.at)]),
        rejected_available: done.is_some() && check.rejected_rows > 0,
        r: report(check, up.committed, lang),
        id,
        filename: up.filename,
        done,
        file_error,
        ctx,
    };
    Ok(html(&page)?.into_response())
}

#[derive(Deserialize)]
struct CommitForm {
    mode: Option<Mode>,
}

async fn commit_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<CommitForm>,
) -> AppResult<Response> {
    // The role first: a refused one takes no slot.
    s.require_write()?;
    let _slot = state.imports.take(s.user().id)?;
    let mode = form.mode.unwrap_or_default();
    let msg = match app::import::commit_upload(&state.app(), &s.caller(), id, mode).await? {
        Committed::Already => ctx.t("import.already_committed").to_string(),
        Committed::HasErrors => ctx.t("import.has_errors_all").to_string(),
        Committed::Written(c) => ctx.tf(
            "import.done",
            &[
                c.created.unwrap_or(0).to_string(),
                c.skipped.to_string(),
                c.rejected_rows.to_string(),
            ],
        ),
    };
    page::redirect_with_flash(&state, &s, &format!("/import/{id}"), msg).await
}

async fn rejected_file(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    // The role first: a refused one takes no slot.
    s.require_write()?;
    let _slot = state.imports.take(s.user().id)?;
    let xlsx = file.ends_with(".xlsx");
    let (bytes, kind) =
        app::import::rejected_rows(&state.app(), &s.caller(), id, ctx.lang, xlsx).await?;
    let ext = if xlsx { "xlsx" } else { "csv" };
    Ok(file_response(
        bytes,
        &format!("ditolak-{}.{ext}", kind.code()),
    ))
}

async fn template(
    State(state): State<AppState>,
    PageAuth { .. }: PageAuth,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let (kind, ext) = file
        .split_once('.')
        .ok_or(AppError::App(app::Error::NotFound))?;
    let kind = Kind::parse(kind).map_err(|_| AppError::App(app::Error::NotFound))?;
    Ok(file_response(
        app::import::template_file(&state.app(), kind, ext).await?,
        &format!("templat-{}.{ext}", kind.code()),
    ))
}
