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

async fn export_persons(
    state: &AppState,
    s: &Session,
    q: &crate::persons::ListQuery,
    fq: &FormatQuery,
) -> AppResult<Response> {
    let xlsx = xlsx(fq)?;
    let filter = q.filter();
    let rows = all(|p| state.store.person_list(&filter, s.district_scope(), p)).await?;
    let full = s.role().sees_full_identity();
    let shown = |n: String| if full { n } else { mask(&n) };
    let header = [
        "nik",
        "kk_number",
        "name",
        "sex",
        "birth_date",
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
    let data: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|p| {
            vec![
                text(shown(p.nik)),
                p.kk_number.map(|k| text(shown(k))).unwrap_or(Cell::Empty),
                text(p.name),
                text(p.sex),
                Cell::Date(p.birth_date),
                text(&p.village_code),
                text(state.areas.name(&p.village_code)),
                text(state.areas.name(&p.district_code)),
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
        })
        .collect();
    let after = serde_json::json!({
        "format": if xlsx { "xlsx" } else { "csv" }, "rows": data.len(), "full_identity": full,
        "filters": {"q": q.q, "village_code": q.village_code, "district_code": q.district_code, "category": q.category}
    });
    state
        .store
        .audit_event(&s.actor(), "export", "person", "-", &after)
        .await?;
    write(&header, &data, xlsx, "penduduk")
}

async fn export_kube(
    state: &AppState,
    s: &Session,
    q: &crate::kube::ListQuery,
    fq: &FormatQuery,
) -> AppResult<Response> {
    let xlsx = xlsx(fq)?;
    let filter = q.filter()?;
    let rows = all(|p| state.store.kube_list(&filter, s.district_scope(), p)).await?;
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
    let data: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|k| {
            vec![
                text(k.registration_number),
                text(k.name),
                text(k.business_type),
                text(&k.village_code),
                text(state.areas.name(&k.village_code)),
                text(state.areas.name(&k.district_code)),
                Cell::Date(k.formed_on),
                text(k.funding_source),
                Cell::Int(k.programme_year),
                text(k.status),
                text(k.stage),
                Cell::Int(k.member_count),
            ]
        })
        .collect();
    let after =
        serde_json::json!({"format": if xlsx { "xlsx" } else { "csv" }, "rows": data.len()});
    state
        .store
        .audit_event(&s.actor(), "export", "kube", "-", &after)
        .await?;
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
