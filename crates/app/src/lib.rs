//! The application layer between the web (pages and API) and the command line on one
//! side and the store on the other: use cases that take the acting user with their area
//! (a [`Caller`]) and a [`Context`] (database, area tables, region), decide their rules
//! through `domain`, and answer with one [`Error`]. The web maps it to HTTP statuses;
//! the command line prints it.
pub mod caller;
pub mod error;
pub mod import;
pub mod kube;
pub mod passwords;
pub mod registry;
pub mod scope;

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
}

impl Context {
    /// The region's kecamatan, in code order.
    pub fn districts(&self) -> Vec<&domain::area::Area> {
        self.areas.children(self.region.as_str())
    }
}

/// Today's date in the office's time zone (Asia/Jakarta, UTC+7, no daylight saving).
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}
