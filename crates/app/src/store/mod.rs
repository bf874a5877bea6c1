//! Database access for sikube: one query code path over `sqlx::AnyPool`, run on SQLite
//! (default, embedded) and PostgreSQL. Queries are portable SQL: `$N` placeholders,
//! `RETURNING`, dates as ISO text (read as `Date`), money as BIGINT rupiah, flags as 0/1 integers.

pub mod access;
pub mod aid;
pub mod attachments;
pub mod audit;
mod backend;
pub(crate) mod batch;
mod business_types;
pub mod checklist;
mod clock;
pub mod dashboard;
mod db;
pub mod duplicates;
pub mod error;
pub mod exchange;
pub mod idempotency;
pub mod import;
mod jobs;
pub mod kube;
pub mod login_limit;
pub mod lookups;
pub mod monthly;
pub mod persons;
mod pool;
pub mod protection;
pub mod registry;
pub mod replica;
pub mod reports;
pub mod sessions;
pub mod sql;
pub mod tasks;
pub mod trainings;
pub mod users;
mod values;
pub mod visits;

pub use audit::Actor;
pub use backend::Backend;
pub use clock::Clock;
#[cfg(test)]
pub(crate) use db::MIGRATIONS;
pub use db::{private_file, sqlite_file, FreshDatabase, Store};
pub use error::StoreError;
pub use values::{Code, Date, Flag};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An instant as stored: fixed-width RFC 3339 in UTC (`2026-11-29T05:43:00Z`), so it sorts as text.
pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The day an instant falls on where the office is (Asia/Jakarta: UTC+7, no daylight saving).
pub fn day_in_jakarta(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    (t + chrono::Duration::hours(7)).date_naive()
}

/// A page of a list, with the total number of matching rows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

impl<T> Page<T> {
    /// An empty page read past the last row: the count of the rows before it is not
    /// known from the page (a counted read answers it beside each row).
    pub(crate) fn past_the_end(&self, paging: Paging) -> bool {
        self.items.is_empty() && paging.offset > 0 && paging.count
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}

/// `limit` (default 50, at most 500) and `offset` of a list request, and whether the
/// matching rows are counted (a page shows the total; an export reading page after page
/// counted once, before it began).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
    pub count: bool,
}

impl Paging {
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Paging {
        Paging {
            limit: limit.unwrap_or(50).clamp(1, 500),
            offset: offset.unwrap_or(0).max(0),
            count: true,
        }
    }
    /// The same page without counting the rows (its `total` is what was read so far).
    pub fn uncounted(self) -> Paging {
        Paging {
            count: false,
            ..self
        }
    }
}

impl Paging {
    /// `LIMIT … OFFSET …` (integers, never user text).
    pub fn sql(&self) -> String {
        format!("LIMIT {} OFFSET {}", self.limit, self.offset)
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging::new(None, None)
    }
}
