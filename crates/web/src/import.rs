//! Import of persons and KUBE from XLSX, ODS or CSV: check every row first (preview),
//! then write all rows in one transaction, or only the valid ones. Rows already
//! registered are skipped, so importing the same file again creates no duplicates.
//! Used by the pages (`/import…`), the API (`POST /api/v1/import/{kind}`) and the CLI.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, PageAuth};
use crate::persons::today;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::import::{kube_groups, person_inputs, RowError, KUBE_COLUMNS, PERSON_COLUMNS};
use domain::kube::{check_members, MemberFacts, MemberRole, ValidKube};
use domain::person::ValidPerson;
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use sheets::Cell;
use std::collections::{HashMap, HashSet};
use store::kube::NewMember;
use utoipa::{IntoParams, ToSchema};

/// Uploads may be large: 64 MB (about 500,000 person rows as CSV).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/import", get(index_page).post(upload))
        .route("/import/template/{file}", get(template))
        .route("/import/{id}", get(preview_page))
        .route("/import/{id}/commit", post(commit_form))
        .route("/import/{id}/rejected/{file}", get(rejected_file))
        .layer_body_limit(MAX_UPLOAD)
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.route(
        "/import/{kind}",
        post(api_import).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Persons,
    Kube,
}

impl Kind {
    pub fn parse(s: &str) -> Result<Kind, Msg> {
        match s {
            "persons" => Ok(Kind::Persons),
            "kube" => Ok(Kind::Kube),
            _ => Err(Msg::new("import.kind_invalid")),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Kind::Persons => "persons",
            Kind::Kube => "kube",
        }
    }
    fn columns(self) -> &'static [(&'static str, &'static str, bool)] {
        match self {
            Kind::Persons => PERSON_COLUMNS,
            Kind::Kube => KUBE_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Write nothing unless every row is valid.
    #[default]
    All,
    /// Write the valid rows; return the others.
    Valid,
}

enum Ready {
    Persons(Vec<(usize, ValidPerson)>),
    Kube(Vec<(Vec<usize>, ValidKube, Vec<NewMember>)>),
}

/// The checked contents of a file.
pub struct Plan {
    pub kind: Kind,
    /// Data rows in the file.
    pub total: usize,
    /// Rows skipped because they are already registered.
    pub skipped: Vec<usize>,
    pub errors: Vec<RowError>,
    ready: Ready,
    table: Vec<Vec<String>>,
}

impl Plan {
    /// Rows (persons) or groups (KUBE) ready to be written.
    pub fn ready_count(&self) -> usize {
        match &self.ready {
            Ready::Persons(v) => v.len(),
            Ready::Kube(v) => v.len(),
        }
    }
    fn bad_rows(&self) -> HashSet<usize> {
        self.errors.iter().map(|e| e.row).collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowErrorOut {
    /// Row number as in the spreadsheet (the header is row 1).
    pub row: usize,
    pub column: String,
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
    pub created: usize,
    pub committed: bool,
    pub errors: Vec<RowErrorOut>,
}

fn report(plan: &Plan, created: usize, committed: bool, lang: Lang) -> ImportReport {
    ImportReport {
        kind: plan.kind.code().into(),
        total: plan.total,
        valid: plan.ready_count(),
        skipped: plan.skipped.len(),
        rejected_rows: plan.bad_rows().len(),
        created,
        committed,
        errors: plan
            .errors
            .iter()
            .map(|e| RowErrorOut {
                row: e.row,
                column: e.column.clone(),
                message: e.msg.text(lang),
            })
            .collect(),
    }
}

fn add_invalid(errors: &mut Vec<RowError>, row: usize, inv: Invalid, rename: &[(&str, &str)]) {
    for (field, msg) in inv.fields {
        let column = rename
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.to_string())
            .unwrap_or(field);
        errors.push(RowError { row, column, msg });
    }
}

/// Called with (rows checked, rows) while a file is checked.
pub type Progress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>;

/// No progress to show (web requests).
pub fn no_progress() -> Progress {
    std::sync::Arc::new(|_, _| {})
}

/// Reads a spreadsheet within `limits`, on a blocking thread: parsing a large file is
/// seconds of CPU, not for the threads that serve requests.
async fn read_table(bytes: &[u8], limits: sheets::Limits) -> AppResult<Vec<Vec<String>>> {
    let owned = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || sheets::read(&owned, &limits))
        .await
        .map_err(|_| AppError::Internal)?;
    read.map_err(|e| {
        let msg = match e {
            sheets::SheetError::TooLargeUnpacked(n) => {
                Msg::new("import.too_large_unpacked").arg(n / (1024 * 1024))
            }
            sheets::SheetError::TooManyRows(n) => Msg::new("import.too_many_rows").arg(n),
            _ => Msg::new("import.unreadable"),
        };
        AppError::invalid("file", msg)
    })
}

/// Reads and checks a file. `progress(done, total)` is called as rows are checked.
pub async fn plan(
    state: &AppState,
    s: &Session,
    kind: Kind,
    bytes: &[u8],
    limits: sheets::Limits,
    progress: Progress,
) -> AppResult<Plan> {
    let table = read_table(bytes, limits).await?;
    match kind {
        Kind::Persons => plan_persons(state, s, table, progress).await,
        Kind::Kube => plan_kube(state, s, table, &*progress).await,
    }
}

/// Rows of a persons file: checked and ready (row, person), and the errors.
type Checked = (Vec<RowError>, Vec<(usize, ValidPerson)>);

async fn plan_persons(
    state: &AppState,
    s: &Session,
    table: Vec<Vec<String>>,
    progress: Progress,
) -> AppResult<Plan> {
    let (areas, region, session) = (state.areas.clone(), state.config.region.clone(), s.clone());
    // Checking a million rows is seconds of CPU too.
    let (table, total, (errors, valid)) = tokio::task::spawn_blocking(move || {
        let inputs = person_inputs(&table)?;
        let total = inputs.len();
        let checked = check_persons(inputs, &areas, &region, &session, &*progress);
        Ok::<_, AppError>((table, total, checked))
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let niks: Vec<String> = valid
        .iter()
        .map(|(_, v)| v.nik.as_str().to_string())
        .collect();
    let existing: HashSet<String> = state
        .store
        .persons_by_nik(&niks)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let (skip, ready): (Vec<_>, Vec<_>) = valid
        .into_iter()
        .partition(|(_, v)| existing.contains(v.nik.as_str()));
    Ok(Plan {
        kind: Kind::Persons,
        total,
        skipped: skip.into_iter().map(|(r, _)| r).collect(),
        errors,
        ready: Ready::Persons(ready),
        table,
    })
}

/// `f` applied to every item on all cores (scoped threads over contiguous parts), results
/// in the items' order.
fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 1000 {
        return items.into_iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..threads)
        .map(|_| rest.by_ref().take(size).collect())
        .collect();
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn check_persons(
    inputs: Vec<(usize, domain::person::PersonInput)>,
    areas: &domain::area::Areas,
    region: &domain::area::RegencyCode,
    s: &Session,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Checked {
    let total = inputs.len();
    let today = today();
    // Each row's own rules need nothing from other rows: they are checked on every core.
    // Each input is dropped once checked: a million rows are held once, not twice.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let checked = in_parallel(inputs, |(row, input)| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n.is_multiple_of(10_000) {
            progress(n, total);
        }
        (row, input.validate(areas, region, today))
    });
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row, result) in checked {
        match result {
            Ok(v) => {
                if !s.sees_district(v.village_code.district().as_str()) {
                    errors.push(RowError {
                        row,
                        column: "village_code".into(),
                        msg: Msg::new("area.outside_scope"),
                    });
                } else if let Some(first) = first_row.get(v.nik.as_str()) {
                    errors.push(RowError {
                        row,
                        column: "nik".into(),
                        msg: Msg::new("import.nik_twice").arg(first),
                    });
                } else {
                    first_row.insert(v.nik.as_str().to_string(), row);
                    valid.push((row, v));
                }
            }
            Err(inv) => add_invalid(&mut errors, row, inv, &[]),
        }
    }
    progress(total, total);
    (errors, valid)
}

async fn plan_kube(
    state: &AppState,
    s: &Session,
    table: Vec<Vec<String>>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<Plan> {
    let groups = kube_groups(&table)?;
    let total: usize = groups.iter().map(|g| g.rows.len()).sum();
    let codes: Vec<String> = state
        .store
        .business_types()
        .await?
        .into_iter()
        .filter(|b| b.active != 0)
        .map(|b| b.code)
        .collect();
    let niks: Vec<String> = groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.1.clone()))
        .collect();
    let persons: HashMap<String, (i64, String, String)> = state
        .store
        .persons_by_nik(&niks)
        .await?
        .into_iter()
        // A person outside the caller's area is, to the caller, not registered: no name,
        // KUBE or place of theirs appears in the preview.
        .filter(|(_, _, d, _)| s.sees_district(d))
        .map(|(n, id, d, name)| (n, (id, d, name)))
        .collect();
    let ids: Vec<i64> = persons.values().map(|p| p.0).collect();
    let busy: HashMap<i64, String> = state
        .store
        .persons_in_active_kube(&ids)
        .await?
        .into_iter()
        .collect();
    let today = today();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut ready = Vec::new();
    let mut in_file: HashMap<i64, usize> = HashMap::new();
    for (n, g) in groups.iter().enumerate() {
        progress(n, groups.len());
        let first = g.rows[0];
        let before = errors.len();
        let v = match g
            .input
            .validate(&state.areas, &state.config.region, &codes, today)
        {
            Ok(v) if !s.sees_district(v.village_code.district().as_str()) => {
                errors.push(RowError {
                    row: first,
                    column: "village_code".into(),
                    msg: Msg::new("area.outside_scope"),
                });
                None
            }
            Ok(v) => Some(v),
            Err(inv) => {
                add_invalid(&mut errors, first, inv, &[("name", "kube_name")]);
                None
            }
        };
        if let Some(v) = &v {
            if state
                .store
                .kube_find(&v.name, v.village_code.as_str())
                .await?
                .is_some()
            {
                skipped.extend(&g.rows);
                continue;
            }
        }
        let mut facts = Vec::new();
        for (row, nik, role) in &g.members {
            let role = match MemberRole::parse(role) {
                Ok(r) => r,
                Err(m) => {
                    errors.push(RowError {
                        row: *row,
                        column: "member_role".into(),
                        msg: m,
                    });
                    continue;
                }
            };
            match persons.get(nik.as_str()) {
                None => errors.push(RowError {
                    row: *row,
                    column: "member_nik".into(),
                    msg: Msg::new("import.member_unknown"),
                }),
                Some((id, district, name)) => {
                    if let Some(k) = busy.get(id) {
                        errors.push(RowError {
                            row: *row,
                            column: "member_nik".into(),
                            msg: Msg::new("kube.member_in_other_kube").arg(name).arg(k),
                        });
                    } else if let Some(other) = in_file.insert(*id, *row) {
                        errors.push(RowError {
                            row: *row,
                            column: "member_nik".into(),
                            msg: Msg::new("import.nik_twice").arg(other),
                        });
                    }
                    facts.push(MemberFacts {
                        person_id: *id,
                        name: name.clone(),
                        role,
                        district_code: district.clone(),
                    });
                }
            }
        }
        if let Some(v) = v {
            if errors.len() == before {
                match check_members(v.village_code.district().as_str(), &facts) {
                    Ok(()) => ready.push((
                        g.rows.clone(),
                        v,
                        facts
                            .iter()
                            .map(|f| NewMember {
                                person_id: f.person_id,
                                role: f.role,
                            })
                            .collect(),
                    )),
                    Err(inv) => add_invalid(&mut errors, first, inv, &[]),
                }
            }
        }
        // A group with any bad row is rejected as a whole: all its rows go back.
        if errors.len() > before {
            let bad: HashSet<usize> = errors[before..].iter().map(|e| e.row).collect();
            for r in &g.rows {
                if !bad.contains(r) {
                    errors.push(RowError {
                        row: *r,
                        column: "kube_name".into(),
                        msg: Msg::new("error.validation"),
                    });
                }
            }
        }
    }
    progress(groups.len(), groups.len());
    Ok(Plan {
        kind: Kind::Kube,
        total,
        skipped,
        errors,
        ready: Ready::Kube(ready),
        table,
    })
}

/// Writes the plan. All-or-nothing writes nothing when any row has an error.
/// Returns how many persons or KUBE were written.
pub async fn commit(
    state: &AppState,
    s: &Session,
    plan: &mut Plan,
    mode: Mode,
    source: &str,
) -> AppResult<usize> {
    s.require_write()?;
    if mode == Mode::All && !plan.errors.is_empty() {
        return Ok(0);
    }
    let actor = s.actor();
    match &plan.ready {
        Ready::Persons(rows) => {
            let ps: Vec<ValidPerson> = rows.iter().map(|(_, v)| v.clone()).collect();
            if ps.is_empty() {
                return Ok(0);
            }
            match state.store.person_create_many(&actor, &ps, source).await {
                Ok(ids) => Ok(ids.len()),
                // Registered by someone else since the preview: nothing was written.
                Err(store::StoreError::Conflict { field, msg }) => {
                    let idx: usize = field
                        .trim_start_matches("nik[")
                        .trim_end_matches(']')
                        .parse()
                        .unwrap_or(0);
                    let row = rows.get(idx).map(|r| r.0).unwrap_or(0);
                    plan.errors.push(RowError {
                        row,
                        column: "nik".into(),
                        msg,
                    });
                    Ok(0)
                }
                Err(e) => Err(e.into()),
            }
        }
        Ready::Kube(groups) => {
            let region = &state.config.region;
            if mode == Mode::All {
                let gs: Vec<(ValidKube, Vec<NewMember>)> = groups
                    .iter()
                    .map(|(_, k, m)| (k.clone(), m.clone()))
                    .collect();
                match state.store.kube_create_many(&actor, region, &gs).await {
                    Ok(ids) => Ok(ids.len()),
                    Err((i, e)) => {
                        let (msg, column) = match e {
                            store::StoreError::Conflict { msg, .. } => (msg, "member_nik"),
                            store::StoreError::Invalid(inv) => (
                                inv.fields
                                    .into_values()
                                    .next()
                                    .unwrap_or(Msg::new("error.validation")),
                                "kube_name",
                            ),
                            e => return Err(e.into()),
                        };
                        for r in &groups[i].0 {
                            plan.errors.push(RowError {
                                row: *r,
                                column: column.into(),
                                msg: msg.clone(),
                            });
                        }
                        Ok(0)
                    }
                }
            } else {
                let mut made = 0;
                let mut failed = Vec::new();
                for (rows, k, m) in groups {
                    match state.store.kube_create(&actor, region, k, m, None).await {
                        Ok(_) => made += 1,
                        Err(store::StoreError::Conflict { msg, .. }) => {
                            failed.extend(rows.iter().map(|r| RowError {
                                row: *r,
                                column: "member_nik".into(),
                                msg: msg.clone(),
                            }))
                        }
                        Err(store::StoreError::Invalid(inv)) => {
                            failed.extend(rows.iter().map(|r| {
                                RowError {
                                    row: *r,
                                    column: "kube_name".into(),
                                    msg: inv
                                        .fields
                                        .values()
                                        .next()
                                        .cloned()
                                        .unwrap_or(Msg::new("error.validation")),
                                }
                            }))
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                plan.errors.extend(failed);
                Ok(made)
            }
        }
    }
}

/// The rejected rows as a file to fix and re-import: the original columns and the reason.
pub fn rejected(plan: &Plan, lang: Lang, xlsx: bool) -> AppResult<Vec<u8>> {
    let header_row = plan.table.first().cloned().unwrap_or_default();
    let mut header: Vec<&str> = header_row.iter().map(String::as_str).collect();
    let reason_col = lang.t("import.reason");
    header.push(reason_col);
    let mut by_row: HashMap<usize, Vec<String>> = HashMap::new();
    for e in &plan.errors {
        by_row
            .entry(e.row)
            .or_default()
            .push(format!("{}: {}", e.column, e.msg.text(lang)));
    }
    let mut rows: Vec<usize> = by_row.keys().copied().collect();
    rows.sort();
    let data: Vec<Vec<Cell>> = rows
        .iter()
        .filter_map(|r| {
            let mut cells: Vec<Cell> = plan
                .table
                .get(r - 1)?
                .iter()
                .map(|c| Cell::Text(c.clone()))
                .collect();
            cells.resize(header.len() - 1, Cell::Empty);
            cells.push(Cell::Text(by_row[r].join("; ")));
            Some(cells)
        })
        .collect();
    let out = if xlsx {
        sheets::write_xlsx("Ditolak", &header, &data)
    } else {
        sheets::write_csv(&header, &data)
    };
    out.map_err(|e| {
        tracing::error!(error = %e, "rejected rows file");
        AppError::Internal
    })
}

/// An empty file with the header row and one example row.
pub fn template_file(kind: Kind, xlsx: bool) -> AppResult<Vec<u8>> {
    let header: Vec<&str> = kind.columns().iter().map(|c| c.0).collect();
    let example: Vec<Cell> = match kind {
        Kind::Persons => vec![
            Cell::Text("3279045708920003".into()),
            Cell::Text("3279040101100001".into()),
            Cell::Text("Siti Aminah".into()),
            Cell::Text("P".into()),
            Cell::Date("1992-08-17".into()),
            Cell::Text("32.79.04.2002".into()),
            Cell::Text("003".into()),
            Cell::Text("005".into()),
            Cell::Text("Dusun Mekar".into()),
            Cell::Empty,
            Cell::Text("wrse, fakir_miskin".into()),
            Cell::Text("ya".into()),
            Cell::Empty,
            Cell::Empty,
        ],
        Kind::Kube => vec![
            Cell::Text("KUBE Mekar Jaya".into()),
            Cell::Text("ternak_kambing".into()),
            Cell::Text("32.79.04.2002".into()),
            Cell::Date("2012-05-14".into()),
            Cell::Text("apbd_kota".into()),
            Cell::Int(2012),
            Cell::Empty,
            Cell::Text("3279045708920003".into()),
            Cell::Text("ketua".into()),
        ],
    };
    let out = if xlsx {
        sheets::write_xlsx("Data", &header, &[example])
    } else {
        sheets::write_csv(&header, &[example])
    };
    out.map_err(|_| AppError::Internal)
}

pub fn file_response(bytes: Vec<u8>, filename: &str) -> Response {
    let mime = if filename.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
pub struct ApiImportQuery {
    /// `all` (default: write nothing if any row is invalid) or `valid` (write the valid rows).
    pub mode: Option<Mode>,
    /// Only check the file.
    pub dry_run: Option<bool>,
}

/// Import a file (XLSX, ODS or CSV as the raw request body). `kind`: `persons` or `kube`.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "import", params(("kind" = String, Path), ApiImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport), (status = 422, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
pub(crate) async fn api_import(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::auth::ReqLang(lang): crate::auth::ReqLang,
    Path(kind): Path<String>,
    Query(q): Query<ApiImportQuery>,
    body: axum::body::Bytes,
) -> AppResult<Json<ImportReport>> {
    s.require_write()?;
    let kind = Kind::parse(&kind).map_err(|m| AppError::invalid("kind", m))?;
    let mut p = plan(
        &state,
        &s,
        kind,
        &body,
        sheets::Limits::UPLOAD,
        no_progress(),
    )
    .await?;
    if q.dry_run.unwrap_or(false) {
        return Ok(Json(report(&p, 0, false, lang)));
    }
    let mode = q.mode.unwrap_or_default();
    let created = commit(&state, &s, &mut p, mode, "api").await?;
    let committed = mode != Mode::All || p.errors.is_empty();
    Ok(Json(report(&p, created, committed, lang)))
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
    let fail = |ctx: Ctx, key: &'static str| -> AppResult<Response> {
        Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            html(&IndexPage {
                error: lang.t(key).into(),
                ctx,
            })?,
        )
            .into_response())
    };
    let Some(kind) = kind.as_deref().and_then(|k| Kind::parse(k).ok()) else {
        return fail(ctx, "import.kind_invalid");
    };
    let Some((name, data)) = file.filter(|f| !f.1.is_empty()) else {
        return fail(ctx, "import.no_file");
    };
    if let Err(e) = read_table(&data, sheets::Limits::UPLOAD).await {
        let inv = e.into_form_errors()?;
        let text = inv
            .fields
            .values()
            .next()
            .map(|m| m.text(lang))
            .unwrap_or_default();
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            html(&IndexPage { error: text, ctx })?,
        )
            .into_response());
    }
    let id = state
        .store
        .import_file_save(s.user().id, kind.code(), &name, &data)
        .await?;
    Ok(axum::response::Redirect::to(&format!("/import/{id}")).into_response())
}

#[derive(askama::Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    ctx: Ctx,
    id: i64,
    filename: String,
    r: ImportReport,
    kind_label: &'static str,
    done: Option<String>,
    file_error: String,
    rejected_available: bool,
}

async fn load_plan(
    state: &AppState,
    s: &Session,
    id: i64,
) -> AppResult<(store::imports::ImportFile, Result<Plan, AppError>)> {
    let f = state.store.import_file(id, s.user().id).await?;
    let kind = Kind::parse(&f.kind).map_err(|_| AppError::NotFound)?;
    let p = plan(
        state,
        s,
        kind,
        &f.content,
        sheets::Limits::UPLOAD,
        no_progress(),
    )
    .await;
    Ok((f, p))
}

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    lang.t(if kind == "kube" {
        "import.kube"
    } else {
        "import.persons"
    })
}

async fn preview_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    s.require_write()?;
    let (f, p) = load_plan(&state, &s, id).await?;
    let lang = ctx.lang;
    let stored = f
        .result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<ImportReport>(j).ok());
    let done = stored.as_ref().map(|v| {
        ctx.tf(
            "import.done",
            &[
                v.created.to_string(),
                v.skipped.to_string(),
                v.rejected_rows.to_string(),
            ],
        )
    });
    let (r, file_error) = match p {
        // After the commit the file's rows are registered: show what the commit did.
        _ if stored.is_some() => (
            stored
                .clone()
                .unwrap_or_else(|| unreachable_report(&f.kind)),
            String::new(),
        ),
        Ok(p) => (report(&p, 0, false, lang), String::new()),
        Err(AppError::Invalid(inv)) => (
            ImportReport {
                kind: f.kind.clone(),
                total: 0,
                valid: 0,
                skipped: 0,
                rejected_rows: 0,
                created: 0,
                committed: false,
                errors: Vec::new(),
            },
            inv.fields
                .values()
                .map(|m| m.text(lang))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => return Err(e),
    };
    let rejected_available = done.is_some() && r.rejected_rows > 0;
    let page = PreviewPage {
        kind_label: kind_label(lang, &f.kind),
        id,
        filename: f.filename,
        r,
        done,
        file_error,
        rejected_available,
        ctx,
    };
    Ok(html(&page)?.into_response())
}

fn unreachable_report(kind: &str) -> ImportReport {
    ImportReport {
        kind: kind.into(),
        total: 0,
        valid: 0,
        skipped: 0,
        rejected_rows: 0,
        created: 0,
        committed: true,
        errors: Vec::new(),
    }
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
    s.require_write()?;
    let (f, p) = load_plan(&state, &s, id).await?;
    if f.status == "committed" {
        return page::redirect_with_flash(
            &state,
            &s,
            &format!("/import/{id}"),
            ctx.t("import.already_committed").into(),
        )
        .await;
    }
    let mut p = p?;
    let mode = form.mode.unwrap_or_default();
    let created = commit(&state, &s, &mut p, mode, &f.filename).await?;
    if mode == Mode::All && !p.errors.is_empty() {
        return page::redirect_with_flash(
            &state,
            &s,
            &format!("/import/{id}"),
            ctx.t("import.has_errors_all").into(),
        )
        .await;
    }
    let r = report(&p, created, true, ctx.lang);
    state
        .store
        .import_file_done(id, &serde_json::to_string(&r).unwrap_or_default())
        .await?;
    let msg = ctx.tf(
        "import.done",
        &[
            created.to_string(),
            r.skipped.to_string(),
            r.rejected_rows.to_string(),
        ],
    );
    page::redirect_with_flash(&state, &s, &format!("/import/{id}"), msg).await
}

async fn rejected_file(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, file)): Path<(i64, String)>,
) -> AppResult<Response> {
    s.require_write()?;
    let (f, p) = load_plan(&state, &s, id).await?;
    let mut p = p?;
    // After a commit the rows written are no longer "ready": the errors of the plan
    // are exactly the rejected rows. Conflicts found at commit are recorded too.
    if let Some(j) = f
        .result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
    {
        if let Some(errs) = j["errors"].as_array() {
            let known: HashSet<usize> = p.bad_rows();
            for e in errs {
                let row = e["row"].as_u64().unwrap_or(0) as usize;
                if !known.contains(&row) {
                    let msg = Msg::new("error.conflict");
                    p.errors.push(RowError {
                        row,
                        column: e["column"].as_str().unwrap_or("").into(),
                        msg,
                    });
                }
            }
        }
    }
    let xlsx = file.ends_with(".xlsx");
    let bytes = rejected(&p, ctx.lang, xlsx)?;
    Ok(file_response(
        bytes,
        &format!("ditolak-{}.{}", f.kind, if xlsx { "xlsx" } else { "csv" }),
    ))
}

async fn template(PageAuth { .. }: PageAuth, Path(file): Path<String>) -> AppResult<Response> {
    let (kind, ext) = file.split_once('.').ok_or(AppError::NotFound)?;
    let kind = Kind::parse(kind).map_err(|_| AppError::NotFound)?;
    let xlsx = match ext {
        "xlsx" => true,
        "csv" => false,
        _ => return Err(AppError::NotFound),
    };
    Ok(file_response(
        template_file(kind, xlsx)?,
        &format!("templat-{}.{ext}", kind.code()),
    ))
}

#[cfg(test)]
mod tests {
    use super::in_parallel;

    #[test]
    fn parallel_checks_keep_the_rows_in_order() {
        let rows: Vec<usize> = (0..100_003).collect();
        let out = in_parallel(rows, |n| n * 2);
        assert_eq!(out.len(), 100_003);
        assert!(out.iter().enumerate().all(|(i, v)| *v == i * 2));
        assert_eq!(in_parallel(vec![1, 2, 3], |n| n + 1), vec![2, 3, 4]);
    }
}
