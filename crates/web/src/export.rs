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

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/persons/export", get(persons))
        .route("/kube/export", get(kube))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.route("/persons/export", get(api_persons))
        .route("/kube/export", get(api_kube))
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

/// Reads every page of a list.
async fn all<T, F, Fut>(mut page: F) -> AppResult<Vec<T>>
where
    F: FnMut(Paging) -> Fut,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>>,
{
    let mut out = Vec::new();
    loop {
        let p = page(Paging {
            limit: 500,
            offset: out.len() as i64,
        })
        .await?;
        let n = p.items.len();
        out.extend(p.items);
        if n < 500 || out.len() as i64 >= p.total {
            return Ok(out);
        }
    }
}

/// Rows fetched a page at a time.
const PAGE: i64 = 1000;

/// A CSV written while its rows are read, a page at a time: a million rows never sit
/// in memory at once. `fetch` reads one page; `row` turns an item into its cells.
fn csv_stream<T, F, Fut>(
    header: &[&str],
    name: &str,
    mut fetch: F,
    row: impl Fn(T) -> Vec<Cell> + Send + 'static,
) -> Response
where
    T: Send + 'static,
    F: FnMut(Paging) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = store::Result<store::Page<T>>> + Send,
{
    use axum::body::Bytes;
    let head = sheets::write_csv(header, &[]).unwrap_or_default();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(head))).await.is_err() {
            return;
        }
        let mut offset = 0;
        loop {
            let chunk = match fetch(Paging {
                limit: PAGE,
                offset,
            })
            .await
            {
                Ok(p) => {
                    let n = p.items.len() as i64;
                    offset += n;
                    let rows: Vec<Vec<Cell>> = p.items.into_iter().map(&row).collect();
                    sheets::csv_rows(&rows)
                        .map(|b| (Bytes::from(b), n < PAGE))
                        .map_err(|e| std::io::Error::other(e.to_string()))
                }
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            let last = chunk.as_ref().map(|c| c.1).unwrap_or(true);
            // A reader that went away ends the export.
            if tx.send(chunk.map(|c| c.0)).await.is_err() || last {
                return;
            }
        }
    });
    let body =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
    let date = crate::persons::today().format("%Y-%m-%d");
    let mut resp = file_response(Vec::new(), &format!("{name}-{date}.csv"));
    *resp.body_mut() = axum::body::Body::from_stream(body);
    resp
}

fn write(header: &[&str], rows: &[Vec<Cell>], xlsx: bool, name: &str) -> AppResult<Response> {
    let bytes = if xlsx {
        sheets::write_xlsx(name, header, rows)
    } else {
        sheets::write_csv(header, rows)
    }
    .map_err(|_| AppError::Internal)?;
    let date = crate::persons::today().format("%Y-%m-%d");
    Ok(file_response(
        bytes,
        &format!("{name}-{date}.{}", if xlsx { "xlsx" } else { "csv" }),
    ))
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
    crate::persons::check_nik_search(state, s, &q.q).await?;
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
            text(p.sex),
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
    if !xlsx {
        let fetch = pages(state, s, move |store, scope, paging| {
            let filter = filter.clone();
            async move { store.person_list(&filter, scope.as_deref(), paging).await }
        });
        return Ok(csv_stream(&header, "penduduk", fetch, row));
    }
    let rows = all(|p| state.store.person_list(&filter, s.district_scope(), p)).await?;
    let data: Vec<Vec<Cell>> = rows.into_iter().map(row).collect();
    write(&header, &data, xlsx, "penduduk")
}

async fn export_kube(
    state: &AppState,
    s: &Session,
    q: &crate::kube::ListQuery,
    fq: &FormatQuery,
) -> AppResult<Response> {
    let xlsx = xlsx(fq)?;
    crate::persons::check_nik_search(state, s, &q.q).await?;
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
            text(k.funding_source),
            Cell::Int(k.programme_year),
            text(k.status),
            text(k.stage),
            Cell::Int(k.member_count),
        ]
    };
    let total = state
        .store
        .kube_list(&filter, s.district_scope(), Paging::new(Some(1), None))
        .await?
        .total;
    audited(state, s, "kube", xlsx, total, serde_json::json!({})).await?;
    if !xlsx {
        let fetch = pages(state, s, move |store, scope, paging| {
            let filter = filter.clone();
            async move { store.kube_list(&filter, scope.as_deref(), paging).await }
        });
        return Ok(csv_stream(&header, "kube", fetch, row));
    }
    let rows = all(|p| state.store.kube_list(&filter, s.district_scope(), p)).await?;
    let data: Vec<Vec<Cell>> = rows.into_iter().map(row).collect();
    write(&header, &data, xlsx, "kube")
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
