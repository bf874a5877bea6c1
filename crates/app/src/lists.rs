//! One list component. A list of records is defined once (`Listing`) — who may ask for
//! it, how its query string becomes the store's filter, how a page of it is read within
//! the caller's area, its columns and each record's cells as the caller's role may see
//! them. The web's list page, API list and XLSX/CSV export all open a list through its
//! definition (`Open`), so they check, filter, page, sort and mask the same way.
use crate::store::{Page, Paging};
use crate::{Caller, Context, Result};
use sheets::Cell;
use std::future::Future;
use std::sync::Arc;

pub trait Listing: Send + Sync + 'static {
    /// The list's query string (filters and sort), as the page and the API read it.
    type Query: serde::de::DeserializeOwned + Send + Sync + 'static;
    /// The filter the store reads.
    type Filter: Send + Sync + 'static;
    /// A record as the store reads it.
    type Item: Send + 'static;
    /// The audit log's entity for an export of the list.
    const ENTITY: &'static str;
    /// The export file's name (before its date).
    const FILE: &'static str;
    /// The export's columns (with `cells`, declared by [`columns!`]: each name beside
    /// its cell, so that they cannot drift apart).
    const COLUMNS: &'static [&'static str];
    /// Who may ask, and the query as the store's filter: refused when the role may not
    /// read the list, invalid when a filter is malformed.
    fn filter(
        cx: &Context,
        c: &Caller,
        q: &Self::Query,
    ) -> impl Future<Output = Result<Self::Filter>> + Send;
    /// A page of the list, within the viewer's area.
    fn fetch(
        v: &Viewer,
        f: &Self::Filter,
        paging: Paging,
    ) -> impl Future<Output = crate::store::Result<Page<Self::Item>>> + Send;
    /// A record's cells under the columns, as the viewer's role may see them.
    fn cells(v: &Viewer, item: Self::Item) -> Vec<Cell>;
    /// What an export's audit entry records of the request (beyond format and count).
    fn described(_v: &Viewer, _f: &Self::Filter) -> serde_json::Value {
        serde_json::json!({})
    }
}

/// What every list reads with: the store, the area names, the caller's kecamatan and
/// whether the role sees identity numbers in full.
#[derive(Clone)]
pub struct Viewer {
    pub store: crate::store::Store,
    pub areas: Arc<domain::Areas>,
    scope: Option<Vec<String>>,
    /// NIK, KK number and birth date in full (otherwise masked or left out).
    pub full: bool,
    /// The day ages are counted to.
    pub today: chrono::NaiveDate,
}

impl Viewer {
    pub fn new(cx: &Context, c: &Caller) -> Viewer {
        Viewer {
            store: cx.store.clone(),
            areas: cx.areas.clone(),
            scope: c.district_scope().map(<[String]>::to_vec),
            full: c.role.sees_full_identity(),
            today: c.today(),
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
        text(if self.full {
            n
        } else {
            domain::privacy::mask(&n)
        })
    }
}

/// A list opened for a caller: what they may see and the filter they asked for.
pub struct Open<L: Listing> {
    pub v: Viewer,
    pub filter: L::Filter,
}

impl<L: Listing> Open<L> {
    pub async fn new(cx: &Context, c: &Caller, q: &L::Query) -> Result<Open<L>> {
        Ok(Open {
            filter: L::filter(cx, c, q).await?,
            v: Viewer::new(cx, c),
        })
    }
    pub async fn fetch(&self, paging: Paging) -> Result<Page<L::Item>> {
        Ok(L::fetch(&self.v, &self.filter, paging).await?)
    }
    pub fn columns() -> Vec<&'static str> {
        L::COLUMNS.to_vec()
    }
    pub fn cells(&self, item: L::Item) -> Vec<Cell> {
        L::cells(&self.v, item)
    }
    /// Records an export of the list in the audit log (who, the filters, how many rows),
    /// before its rows go out.
    pub async fn audit_export(&self, c: &Caller, format: &str) -> Result<()> {
        let rows = self.fetch(Paging::new(Some(1), None)).await?.total;
        let mut after = serde_json::json!({"format": format, "rows": rows});
        if let (Some(a), serde_json::Value::Object(e)) =
            (after.as_object_mut(), L::described(&self.v, &self.filter))
        {
            a.extend(e);
        }
        self.v
            .store
            .audit_event(&c.actor, "export", L::ENTITY, "-", &after)
            .await?;
        crate::access::export(&self.v.store, c, L::ENTITY, &after, rows).await
    }
}

/// A list's columns as pairs of name and cell, in a `Listing` impl:
/// `columns!(|v, p: Person| [("nik", v.identity(p.nik)), ("name", text(p.name))]);`,
/// or with statements first: `|v, e: Entry| { let x = …; [("a", …)] }`. Declares
/// `COLUMNS` and `cells`.
#[macro_export]
macro_rules! columns {
    (|$v:ident, $item:ident: $ty:ty| { $(let $p:tt $(: $t:ty)? = $e:expr;)* [ $(($name:literal, $cell:expr $(,)?)),* $(,)? ] }) => {
        const COLUMNS: &'static [&'static str] = &[$($name),*];
        fn cells($v: &$crate::lists::Viewer, $item: $ty) -> Vec<sheets::Cell> {
            $(let $p $(: $t)? = $e;)*
            vec![$($cell),*]
        }
    };
    (|$v:ident, $item:ident: $ty:ty| [ $(($name:literal, $cell:expr $(,)?)),* $(,)? ]) => {
        $crate::columns!(|$v, $item: $ty| { [$(($name, $cell)),*] });
    };
}
pub use columns;

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

pub fn opt(s: Option<String>) -> Cell {
    s.map(Cell::Text).unwrap_or(Cell::Empty)
}

pub fn yes_no(b: bool) -> Cell {
    text(if b { "ya" } else { "tidak" })
}
