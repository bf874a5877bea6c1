//! Export of any filtered list of persons or KUBE to XLSX or CSV. Exports of personal
//! data are recorded in the audit log (who, which filters, how many rows).
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::import::file_response;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::nik::mask;
use serde::Deserialize;
use sheets::Cell;
use store::Paging;
use utoipa::IntoParams;
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons/export", get(persons))
        .route("/kube/export", get(kube))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_persons)).routes(routes!(api_kube))
}

#[derive(Deserialize, IntoParams)]
pub struct FormatQuery {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

fn xlsx(q: &FormatQuery) -> AppResult<bool> {
    match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => Ok(true),
        "csv" => Ok(false),
        _ => Err(AppError::invalid(
            "format",
            domain::Msg::new("error.validation"),
        )),
    }
}

/// Rows fetched a page at a time.
const PAGE: i64 = 1000;

/// The next page of a list as rows of cells; `None` after the last.
async fn next_page<T, F, Fut>(
    fetch: &mut F,
    row: &impl Fn(T) -> Vec<Cell>,
    offset: &mut i64,
    done: &mut bool,
) -> std::io::Result<Option<Vec<Vec<Cell>>>>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>>,
{
    if *done {
        return Ok(None);
    }
    let p = fetch(Paging {
        limit: PAGE,
        offset: *offset,
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    let n = p.items.len() as i64;
    *offset += n;
    *done = n < PAGE;
    Ok(Some(p.items.into_iter().map(row).collect()))
}

type Chunks = tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>;

async fn csv_pages<T, F, Fut>(
    header: Vec<String>,
    mut fetch: F,
    row: impl Fn(T) -> Vec<Cell>,
    tx: &Chunks,
) -> std::io::Result<()>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>>,
{
    let io = |e: sheets::SheetError| std::io::Error::other(e.to_string());
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut chunk = sheets::write_csv(&head, &[]).map_err(io)?;
    let (mut offset, mut done) = (0, false);
    while let Some(rows) = next_page(&mut fetch, &row, &mut offset, &mut done).await? {
        chunk.extend(sheets::csv_rows(&rows).map_err(io)?);
        // A reader that went away ends the export.
        if tx
            .send(Ok(std::mem::take(&mut chunk).into()))
            .await
            .is_err()
        {
            return Ok(());
        }
    }
    Ok(())
}

async fn xlsx_pages<T, F, Fut>(
    name: String,
    header: Vec<String>,
    mut fetch: F,
    row: impl Fn(T) -> Vec<Cell>,
    tx: &Chunks,
) -> std::io::Result<()>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>>,
{
    let io = |e: sheets::SheetError| std::io::Error::other(e.to_string());
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut x = sheets::XlsxRows::new(&name, &head, true).map_err(io)?;
    let (mut offset, mut done) = (0, false);
    while let Some(rows) = next_page(&mut fetch, &row, &mut offset, &mut done).await? {
        x.add(&rows).map_err(io)?;
    }
    // The workbook is packed into a private temporary file, then sent in pieces.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sikube-export-{}-{n}.xlsx", std::process::id()));
    let file = path.clone();
    tokio::task::spawn_blocking(move || {
        store::private_file(&file.to_string_lossy(), true);
        let out = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&file)?;
        x.finish_to(out).map_err(io)
    })
    .await
    .map_err(std::io::Error::other)??;
    let sent = send_file(&path, tx).await;
    let _ = std::fs::remove_file(&path);
    sent
}

async fn send_file(path: &std::path::Path, tx: &Chunks) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path).await?;
    loop {
        let mut buf = vec![0u8; 256 * 1024];
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        buf.truncate(n);
        if tx.send(Ok(buf.into())).await.is_err() {
            return Ok(());
        }
    }
}

/// An export written while its rows are read, a page at a time: a million rows never
/// sit in memory at once (an XLSX's rows go to a temporary file as they come).
/// `fetch` reads one page; `row` turns an item into its cells.
fn stream_export<T, F, Fut>(
    header: &[&str],
    name: &str,
    xlsx: bool,
    fetch: F,
    row: impl Fn(T) -> Vec<Cell> + Send + Sync + 'static,
) -> Response
where
    T: Send + 'static,
    F: FnMut(Paging) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>> + Send,
{
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let sheet = name.to_string();
    tokio::spawn(async move {
        let done = if xlsx {
            xlsx_pages(sheet, header, fetch, row, &tx).await
        } else {
            csv_pages(header, fetch, row, &tx).await
        };
        if let Err(e) = done {
            tracing::error!(error = %e, "export");
            let _ = tx.send(Err(e)).await;
        }
    });
    // Fused: the compression layer polls once more after the end, which an unfused
    // stream answers with a panic (and the client with a broken chunked body).
    let body =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|c| (c, rx))
        }));
    let date = crate::persons::today().format("%Y-%m-%d");
    let ext = if xlsx { "xlsx" } else { "csv" };
    let mut resp = file_response(Vec::new(), &format!("{name}-{date}.{ext}"));
    *resp.body_mut() = axum::body::Body::from_stream(body);
    resp
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}
fn opt(s: Option<String>) -> Cell {
    s.map(Cell::Text).unwrap_or(Cell::Empty)
}

/// The page reader of a list for a streamed export: it owns what it needs.
fn pages<T, Fut>(
    state: &AppState,
    s: &Session,
    list: impl Fn(store::Store, Option<Vec<String>>, Paging) -> Fut + Send + 'static,
) -> impl FnMut(Paging) -> Fut + Send + 'static
where
    Fut: std::future::Future<Output = store::Result<store::Page<T>>> + Send,
{
    let store = state.store.clone();
    let scope = s.district_scope().map(|d| d.to_vec());
    move |paging| list(store.clone(), scope.clone(), paging)
}

/// Records the export of a list in the audit log, before its rows go out.
async fn audited(
    state: &AppState,
    s: &Session,
    entity: &str,
    xlsx: bool,
    rows: i64,
    extra: serde_json::Value,
) -> AppResult<()> {
    let mut after = serde_json::json!({"format": if xlsx { "xlsx" } else { "csv" }, "rows": rows});
    if let (Some(a), serde_json::Value::Object(e)) = (after.as_object_mut(), extra) {
        a.extend(e);
    }
    state
        .store
        .audit_event(&s.actor(), "export", entity, "-", &after)
        .await?;
    Ok(())
}

async fn export_persons(
    state: &AppState,
    s: &Session,
    q: &crate::persons::ListQuery,
    fq: &FormatQuery,
) -> AppResult<Response> {
    let xlsx = xlsx(fq)?;
    app::registry::check_nik_search(&state.app(), &s.caller(), q.q.as_deref()).await?;
    let filter = q.filter();
    let full = s.role().sees_full_identity();
    let areas = state.areas.clone();
    let header = [
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_date",
        "age",
        "village_code",
        "village",
        "district",
        "rt",
        "rw",
        "address",
        "phone",
        "categories",
        "dtks_registered",
        "dtks_ref",
    ];
    let row = move |p: store::persons::Person| {
        let shown = |n: String| if full { n } else { mask(&n) };
        vec![
            text(shown(p.nik)),
            p.kk_number.map(|k| text(shown(k))).unwrap_or(Cell::Empty),
            text(p.name),
            text(p.sex.code()),
            // Masked roles read the age: the birth date beside the NIK's prefix would
            // narrow the number down.
            if full {
                Cell::Date(p.birth_date.clone())
            } else {
                Cell::Empty
            },
            Cell::Int(crate::persons::age_of(&p.birth_date) as i64),
            text(&p.village_code),
            text(areas.name(&p.village_code)),
            text(areas.name(&p.district_code)),
            opt(p.rt),
            opt(p.rw),
            opt(p.address),
            opt(p.phone),
            text(p.categories.join(", ")),
            text(if p.dtks_registered != 0 {
                "ya"
            } else {
                "tidak"
            }),
            opt(p.dtks_ref),
        ]
    };
    let total = state
        .store
        .person_list(&filter, s.district_scope(), Paging::new(Some(1), None))
        .await?
        .total;
    let filters = serde_json::json!({"full_identity": full,
        "filters": {"q": q.q, "village_code": q.village_code, "district_code": q.district_code, "category": q.category}});
    audited(state, s, "person", xlsx, total, filters).await?;
    let fetch = pages(state, s, move |store, scope, paging| {
        let filter = filter.clone();
        async move { store.person_list(&filter, scope.as_deref(), paging).await }
    });
    Ok(stream_export(&header, "penduduk", xlsx, fetch, row))
}

async fn export_kube(
    state: &AppState,
    s: &Session,
    q: &crate::kube::ListQuery,
    fq: &FormatQuery,
) -> AppResult<Response> {
    let xlsx = xlsx(fq)?;
    app::registry::check_nik_search(&state.app(), &s.caller(), q.q.as_deref()).await?;
    let filter = q.filter()?;
    let header = [
        "registration_number",
        "name",
        "business_type",
        "village_code",
        "village",
        "district",
        "formed_on",
        "funding_source",
        "programme_year",
        "status",
        "stage",
        "members",
    ];
    let areas = state.areas.clone();
    let row = move |k: store::kube::Kube| {
        vec![
            text(k.registration_number),
            text(k.name),
            text(k.business_type),
            text(&k.village_code),
            text(areas.name(&k.village_code)),
            text(areas.name(&k.district_code)),
            Cell::Date(k.formed_on),
            text(k.funding_source.code()),
            Cell::Int(k.programme_year),
            text(k.status.code()),
            text(k.stage.code()),
            Cell::Int(k.member_count),
        ]
    };
    let total = state
        .store
        .kube_list(&filter, s.district_scope(), Paging::new(Some(1), None))
        .await?
        .total;
    audited(state, s, "kube", xlsx, total, serde_json::json!({})).await?;
    let fetch = pages(state, s, move |store, scope, paging| {
        let filter = filter.clone();
        async move { store.kube_list(&filter, scope.as_deref(), paging).await }
    });
    Ok(stream_export(&header, "kube", xlsx, fetch, row))
}

async fn persons(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<crate::persons::ListQuery>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    export_persons(&state, &s, &q, &f).await
}

async fn kube(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<crate::kube::ListQuery>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    export_kube(&state, &s, &q, &f).await
}

/// Export the filtered persons (the list's filters) as XLSX or CSV; audited.
#[utoipa::path(get, path = "/api/v1/persons/export", tag = "export", params(crate::persons::ListQuery, FormatQuery),
    responses((status = 200, description = "the file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(crate) async fn api_persons(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<crate::persons::ListQuery>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    export_persons(&state, &s, &q, &f).await
}

/// Export the filtered KUBE (the list's filters) as XLSX or CSV; audited.
#[utoipa::path(get, path = "/api/v1/kube/export", tag = "export", params(crate::kube::ListQuery, FormatQuery),
    responses((status = 200, description = "the file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(crate) async fn api_kube(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<crate::kube::ListQuery>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    export_kube(&state, &s, &q, &f).await
}
