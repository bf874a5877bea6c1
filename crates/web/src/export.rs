//! The XLSX/CSV export of any list (`list::Listing`), written while its rows are read.
//! Every export is recorded in the audit log first (who, which filters, how many rows).
use crate::error::{AppError, AppResult};
use crate::import::file_response;
use crate::session::Authed;
use crate::AppState;
use app::lists::{Listing, Open};
use app::Paging;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use sheets::Cell;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `xlsx` (default) or `csv`.
    #[param(pattern = "^(xlsx|csv)$")]
    pub format: Option<String>,
}

/// The file asked for: XLSX, or CSV — for a person's spreadsheet program when asked from
/// a page, plain for an API client.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Xlsx,
    Csv { local: bool },
}

fn format_of(q: &FormatQuery, by_person: bool) -> AppResult<Format> {
    match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" | "" => Ok(Format::Xlsx),
        "csv" => Ok(Format::Csv { local: by_person }),
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
    Fut: std::future::Future<Output = app::Result<app::Page<T>>>,
{
    if *done {
        return Ok(None);
    }
    // Counted once, when the export was audited: not again for every page.
    let p = fetch(Paging {
        limit: PAGE,
        offset: *offset,
        count: false,
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    let n = p.items.len() as i64;
    *offset += n;
    *done = n < PAGE;
    Ok(Some(p.items.into_iter().map(row).collect()))
}

type Chunks = tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>;

/// `local`: for a person's spreadsheet program (`;`, day-first dates, a BOM); else plain
/// CSV for programs.
async fn csv_pages<T, F, Fut>(
    header: Vec<String>,
    mut fetch: F,
    row: impl Fn(T) -> Vec<Cell>,
    tx: &Chunks,
    local: bool,
) -> std::io::Result<()>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = app::Result<app::Page<T>>>,
{
    let io = |e: sheets::SheetError| std::io::Error::other(e.to_string());
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let (start, rows_of): (_, fn(&[Vec<Cell>]) -> _) = if local {
        (sheets::write_csv_local(&head, &[]), sheets::csv_rows_local)
    } else {
        (sheets::write_csv(&head, &[]), sheets::csv_rows)
    };
    let mut chunk = start.map_err(io)?;
    let (mut offset, mut done) = (0, false);
    while let Some(rows) = next_page(&mut fetch, &row, &mut offset, &mut done).await? {
        chunk.extend(rows_of(&rows).map_err(io)?);
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
    Fut: std::future::Future<Output = app::Result<app::Page<T>>>,
{
    let io = |e: sheets::SheetError| std::io::Error::other(e.to_string());
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut x = sheets::XlsxRows::new(&name, &head, true).map_err(io)?;
    let (mut offset, mut done) = (0, false);
    while let Some(rows) = next_page(&mut fetch, &row, &mut offset, &mut done).await? {
        // A reader that went away ends the export (the workbook is sent only at the end).
        if tx.is_closed() {
            return Ok(());
        }
        x.add(&rows).map_err(io)?;
    }
    // The workbook is packed into a private temporary file, then sent in pieces.
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sikube-export-{}-{n}.xlsx", std::process::id()));
    let file = path.clone();
    tokio::task::spawn_blocking(move || {
        app::private_file(&file.to_string_lossy(), true);
        let out = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&file)?;
        x.finish_to(out).map_err(io)
    })
    .await
    .map_err(std::io::Error::other)??;
    // Unlinked once open: gone from the disk before its first byte is sent, and even
    // if the client goes away mid-file.
    let f = tokio::fs::File::open(&path).await;
    let _ = std::fs::remove_file(&path);
    send_file(f?, tx).await
}

async fn send_file(mut f: tokio::fs::File, tx: &Chunks) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
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
    slot: crate::slots::Slot,
    header: &[&str],
    name: &str,
    date: chrono::NaiveDate,
    format: Format,
    fetch: F,
    row: impl Fn(T) -> Vec<Cell> + Send + Sync + 'static,
) -> Response
where
    T: Send + 'static,
    F: FnMut(Paging) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = app::Result<app::Page<T>>> + Send,
{
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let sheet = name.to_string();
    tokio::spawn(async move {
        let _slot = slot;
        let done = match format {
            Format::Xlsx => xlsx_pages(sheet, header, fetch, row, &tx).await,
            Format::Csv { local } => csv_pages(header, fetch, row, &tx, local).await,
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
    let date = date.format("%Y-%m-%d");
    let ext = if format == Format::Xlsx {
        "xlsx"
    } else {
        "csv"
    };
    let mut resp = file_response(Vec::new(), &format!("{name}-{date}.{ext}"));
    *resp.body_mut() = axum::body::Body::from_stream(body);
    resp
}

/// `GET …/export?format=`: the list `L` with the filters of its page, as a file.
pub(crate) async fn export<L: Listing>(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<L::Query>,
    Query(f): Query<FormatQuery>,
) -> AppResult<Response> {
    let format = format_of(&f, s.via_cookie)?;
    let xlsx = format == Format::Xlsx;
    let caller = s.caller();
    let l = std::sync::Arc::new(Open::<L>::new(&state.app(), &caller, &q).await?);
    let slot = state.exports.take(s.user().id)?;
    l.audit_export(&caller, if xlsx { "xlsx" } else { "csv" })
        .await?;
    let reader = l.clone();
    let fetch = move |paging| {
        let l = reader.clone();
        async move { l.fetch(paging).await }
    };
    // People get headings in their language; an API client the columns' stable codes.
    let lang = s.user().lang;
    let header: Vec<String> = Open::<L>::columns()
        .into_iter()
        .map(|c| {
            if s.via_cookie {
                crate::page::label("column.", c, lang)
            } else {
                c.to_string()
            }
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(stream_export(
        slot,
        &header,
        L::FILE,
        caller.today(),
        format,
        fetch,
        move |item| l.cells(item),
    ))
}

/// The documented API route of a list's export (`routes!` needs a function of its own).
macro_rules! api_export {
    ($name:ident, $list:ty, $path:literal, $query:ty, $what:literal) => {
        #[doc = $what]
        #[utoipa::path(get, path = $path, tag = "export", params($query, crate::export::FormatQuery),
            responses((status = 200, description = "the file: XLSX, or CSV with `format=csv`",
                content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv")))))]
        pub(crate) async fn $name(
            state: axum::extract::State<crate::AppState>,
            s: crate::session::Authed,
            q: axum::extract::Query<$query>,
            f: axum::extract::Query<crate::export::FormatQuery>,
        ) -> crate::error::AppResult<axum::response::Response> {
            crate::export::export::<$list>(state, s, q, f).await
        }
    };
}
pub(crate) use api_export;
