//! Lists on the web: a list defined once in the application layer (`app::lists::Listing`)
//! is read for a request by one extractor (`Listed`) for its page and its API list alike,
//! and streamed as a file by `export`.
use crate::error::AppResult;
use crate::page::{self, Pager};
use crate::schema::ListOf;
use crate::session::Authed;
use crate::AppState;
use app::lists::{Listing, Open};
use app::{Page, Paging};
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The page of an API list.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows to return: 50 unless asked, at most 500.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Rows to skip.
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// The links to the previous and next page of a list read `rows` at a time from
/// `offset`, for a query string `base` ending in `?` or `&`.
pub fn prev_next(
    base: &str,
    offset: i64,
    rows: i64,
    total: i64,
) -> (Option<String>, Option<String>) {
    (
        (offset > 0).then(|| format!("{base}offset={}", (offset - rows).max(0))),
        (offset + rows < total).then(|| format!("{base}offset={}", offset + rows)),
    )
}

impl PageQuery {
    /// The page asked for; a limit or offset out of range is refused (422), not
    /// quietly clamped, so a client learns it reads fewer rows than it asked for.
    pub fn paging(&self) -> Result<Paging, crate::error::AppError> {
        let bad = |field: &str| {
            crate::error::AppError::App(app::Error::Invalid(domain::Invalid::field(
                field,
                domain::Msg::new("error.paging"),
            )))
        };
        if self.limit.is_some_and(|l| !(1..=500).contains(&l)) {
            return Err(bad("limit"));
        }
        if self.offset.is_some_and(|o| o < 0) {
            return Err(bad("offset"));
        }
        Ok(Paging::new(self.limit, self.offset))
    }
}

/// Rows on a list page.
pub const PAGE_SIZE: i64 = 50;

/// A list as a request asks for it — opened for the caller with the query string's
/// filters, and the page of it asked for (`limit`/`offset` under `/api`, `offset` and
/// [`PAGE_SIZE`] on a page) — for the list page and the API list alike.
pub struct Listed<L: Listing> {
    pub list: Open<L>,
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
        let paging = if parts.uri.path().starts_with(crate::schema::PREFIX) {
            let Query(p) = Query::<PageQuery>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
            p.paging().map_err(IntoResponse::into_response)?
        } else {
            q.paging(PAGE_SIZE)
        };
        let read = async {
            let list = Open::<L>::new(&state.app(), &s.caller(), &q).await?;
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
