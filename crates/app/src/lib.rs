//! The application layer between the web (pages and API) and the command line on one
//! side and the store on the other: use cases that take the acting user with their area
//! (a [`Caller`]) and a [`Context`] (database, area tables, region), decide their rules
//! through `domain`, and answer with one [`Error`]. The web maps it to HTTP statuses;
//! the command line prints it.
pub mod access;
pub mod attachments;
pub mod audit;
pub mod cache;
pub mod caller;
pub mod checklist;
pub mod dashboard;
pub mod demo;
pub mod documents;
pub mod dtsen;
pub mod duplicates;
pub mod error;
pub mod exchange;
pub mod field;
pub mod idempotency;
pub mod import;
pub mod installation;
pub mod kube;
pub mod lists;
pub mod membership;
pub mod monthly;
pub mod passwords;
pub mod persons;
pub mod programmes;
pub mod proposals;
pub mod protection;
pub mod registry;
pub mod replica;
pub mod reports;
pub mod scope;
pub mod sessions;
pub mod settings;
mod store;
pub mod tasks;
pub mod trainings;
pub mod users;
pub mod visits;

#[cfg(test)]
mod tests;

/// For tests: an empty database that is removed when dropped.
pub use crate::store::FreshDatabase;
use crate::store::Store;
/// The values every layer passes: dates, pages of a list, the acting account, the clock.
pub use crate::store::{day_in_jakarta, private_file, ts, Actor, Clock, Date, Page, Paging};
pub use caller::Caller;
pub use error::{Error, Result};
pub use settings::Settings;

use domain::Areas;
use std::sync::Arc;

/// What every use case works with.
#[derive(Clone)]
pub struct Context {
    /// Private to this crate: every read and write goes through a use case.
    pub(crate) store: Store,
    pub areas: Arc<Areas>,
    pub settings: Arc<Settings>,
    /// The duplicate finder learned from this registry.
    pub finder: Arc<duplicates::FinderCache>,
}

impl Context {
    /// The use cases over a database, for an office's area tables and settings.
    pub(crate) fn new(store: Store, areas: Arc<Areas>, settings: Settings) -> Context {
        Context {
            store,
            areas,
            settings: Arc::new(settings),
            finder: Default::default(),
        }
    }
    /// What this installation reads the time from (see [`crate::store::Clock`]).
    pub fn clock(&self) -> crate::store::Clock {
        self.store.clock()
    }
    /// Today where the office is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }
    /// The region's kecamatan, in code order.
    pub fn districts(&self) -> Vec<&domain::area::Area> {
        self.areas.children(self.settings.region.as_str())
    }
}

/// An instant (RFC 3339, UTC) in Asia/Jakarta time (WIB, UTC+7, no daylight saving).
pub fn local_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => {
            let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap_or(*t.offset());
            use chrono::{Datelike, Timelike};
            // By hand: chrono's format strings are parsed again at every use.
            let t = t.with_timezone(&wib);
            format!(
                "{:02}-{:02}-{:04} {:02}:{:02} WIB",
                t.day(),
                t.month(),
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => rfc3339.to_string(),
    }
}
