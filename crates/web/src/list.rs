//! One list component. A list of records is defined once — who may ask for it, how its
//! query string becomes the store's filter, how a page of it is read within the caller's
//! area, its columns and each record's cells as the caller's role may see them — and its
//! page, its API list and its XLSX/CSV export (`export`) all open it through that
//! definition, so they check, filter, page and mask the same way.
use crate::api::ListOf;
use crate::auth::{Authed, Session};
use crate::error::AppResult;
use crate::page::{self, Pager};
use crate::AppState;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sheets::Cell;
use std::future::Future;
use std::sync::Arc;
use store::{Page, Paging};

pub trait Listing: Sized + Send + Sync + 'static {
    /// The list's query string (filters, sort, paging), as the page and the API read it.
    type Query: serde::de::DeserializeOwned + Send + Sync + 'static;
    /// A record as the store reads it.
    type Item: Send + 'static;
    /// The audit log's entity for an export of the list.
    const ENTITY: &'static str;
    /// The export file's name (before its date).
    const FILE: &'static str;
    /// The export's columns.
    const COLUMNS: &'static [&'static str];
    /// The list a caller asks for: refused when the role may not read it, 422 when a
    /// filter is malformed.
    fn open(
        state: &AppState,
        s: &Session,
        q: &Self::Query,
    ) -> impl Future<Output = AppResult<Self>> + Send;
    /// A page of the list, within the caller's area.
    fn fetch(&self, paging: Paging)
        -> impl Future<Output = store::Result<Page<Self::Item>>> + Send;
    /// A record's cells under [`Listing::COLUMNS`].
    fn cells(&self, item: Self::Item) -> Vec<Cell>;
    /// What an export's audit entry records of the request (beyond format and count).
    fn described(&self) -> serde_json::Value {
        serde_json::json!({})
    }
}

/// The page of an API list.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Rows to return: 50 unless asked, at most 500.
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

/// Rows on a list page.
pub const PAGE_SIZE: i64 = 50;

/// A list as a request asks for it — opened for the caller with the query string's
/// filters, and the page of it asked for (`limit`/`offset` under `/api`, `offset` and
/// [`PAGE_SIZE`] on a page) — for the list page and the API list alike.
pub struct Listed<L: Listing> {
    pub list: L,
    pub page: Page<L::Item>,
    /// The links around the page's table (paging, sorting, export).
    pub pager: Pager,
    pub query: L::Query,
}

impl<L: Listing> FromRequestParts<AppState> for Listed<L> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Authed(s) = Authed::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let q = page::List::<L::Query>::from_request_parts(parts, state).await?;
        let paging = if parts.uri.path().starts_with(crate::api::PREFIX) {
            let Query(p) = Query::<PageQuery>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            Paging::new(p.limit, p.offset)
        } else {
            q.paging(PAGE_SIZE)
        };
        let read = async {
            let list = L::open(state, &s, &q).await?;
            let page = list.fetch(paging).await?;
            AppResult::Ok((list, page))
        };
        let (list, page) = read.await.map_err(IntoResponse::into_response)?;
        let pager = q.pager(&page).with_export();
        Ok(Listed {
            list,
            page,
            pager,
            query: q.into_inner(),
        })
    }
}

impl<L: Listing> Listed<L> {
    /// The API's answer: the page, each record as `out` shows it.
    pub fn json<O: utoipa::ToSchema>(self, out: impl Fn(L::Item) -> O) -> Json<ListOf<O>> {
        Json(ListOf::from_page(self.page, out))
    }
}

/// What every list reads with: the store, the area names, the caller's kecamatan and
/// whether the role sees identity numbers in full.
#[derive(Clone)]
pub struct Viewer {
    pub store: store::Store,
    pub areas: Arc<domain::Areas>,
    scope: Option<Vec<String>>,
    /// NIK, KK number and birth date in full (otherwise masked or left out).
    pub full: bool,
}

impl Viewer {
    pub fn new(state: &AppState, s: &Session) -> Viewer {
        Viewer {
            store: state.store.clone(),
            areas: state.areas.clone(),
            scope: s.district_scope().map(<[String]>::to_vec),
            full: s.role().sees_full_identity(),
        }
    }
    /// The kecamatan the caller is confined to (`None`: the whole region).
    pub fn scope(&self) -> Option<&[String]> {
        self.scope.as_deref()
    }
    /// An area's name as a cell.
    pub fn area(&self, code: &str) -> Cell {
        text(self.areas.name(code))
    }
    /// An identity number as the role may see it.
    pub fn identity(&self, n: String) -> Cell {
        text(if self.full { n } else { domain::nik::mask(&n) })
    }
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub fn opt(s: Option<String>) -> Cell {
    s.map(Cell::Text).unwrap_or(Cell::Empty)
}

pub fn yes_no(b: bool) -> Cell {
    text(if b { "ya" } else { "tidak" })
}
