//! The application layer between the web (pages and API) and the command line on one
//! side and the store on the other: use cases that take the acting user with their area
//! (a [`Caller`]) and a [`Context`] (database, area tables, region), decide their rules
//! through `domain`, and answer with one [`Error`]. The web maps it to HTTP statuses;
//! the command line prints it.
pub mod aid;
pub mod audit;
pub mod caller;
pub mod documents;
pub mod duplicates;
pub mod error;
pub mod guidance;
pub mod import;
pub mod kube;
pub mod lists;
pub mod passwords;
pub mod programmes;
pub mod registry;
pub mod reports;
pub mod scope;
pub mod users;
pub mod visits;

pub use caller::Caller;
pub use error::{Error, Result};

use domain::area::RegencyCode;
use domain::Areas;
use std::sync::Arc;
use store::Store;

/// What every use case works with.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub areas: Arc<Areas>,
    /// The office's regency or city: forms offer its kecamatan and villages.
    pub region: RegencyCode,
    pub rules: Rules,
    /// The duplicate finder learned from this registry.
    pub finder: Arc<duplicates::FinderCache>,
    /// The office, as its printed documents name it.
    pub office: Arc<Office>,
}

/// The office on its letterhead.
#[derive(Debug, Clone)]
pub struct Office {
    pub name: String,
    pub address: String,
    pub logo: Option<pdf::Jpeg>,
}

impl Default for Office {
    fn default() -> Office {
        Office {
            name: "Dinas Sosial".into(),
            address: String::new(),
            logo: None,
        }
    }
}

/// The office's settings that decide use cases.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Thresholds of the health classification.
    pub health: domain::health::Thresholds,
    /// Days between monitoring visits (a visit is due this long after the last).
    pub visit_interval_days: i64,
    /// Share of members (percent) who must attend technical guidance.
    pub guidance_share_pct: i64,
    /// One person may take a step of aid and the check of it (very small offices only).
    pub allow_same_person: bool,
    /// Distinct NIKs a role seeing identity masked may learn the registration of, per
    /// account and office day.
    pub nik_lookups_per_day: i64,
}

impl Default for Rules {
    /// Monthly visits, 80% guidance attendance, separate persons for each step.
    fn default() -> Rules {
        Rules {
            health: domain::health::Thresholds::default(),
            visit_interval_days: 30,
            guidance_share_pct: 80,
            allow_same_person: false,
            nik_lookups_per_day: 50,
        }
    }
}

impl Context {
    /// What this installation reads the time from (see [`store::Clock`]).
    pub fn clock(&self) -> store::Clock {
        self.store.clock()
    }
    /// Today where the office is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.store.clock().today()
    }
    /// The region's kecamatan, in code order.
    pub fn districts(&self) -> Vec<&domain::area::Area> {
        self.areas.children(self.region.as_str())
    }
}

/// An instant (RFC 3339, UTC) in Asia/Jakarta time (WIB, UTC+7, no daylight saving).
pub fn local_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => {
            let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap_or(*t.offset());
            format!("{} WIB", t.with_timezone(&wib).format("%d-%m-%Y %H:%M"))
        }
        Err(_) => rfc3339.to_string(),
    }
}
