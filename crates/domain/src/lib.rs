//! Domain rules of sikube: plain Rust, no I/O, no framework.
//!
//! Every value that enters the system is parsed into a type that cannot hold an
//! invalid value (`VillageCode`, `Role`, `Username`, ...); rules return
//! [`Invalid`] with one translatable message per field.

#[macro_use]
mod codes;
pub mod aid;
pub mod area;
pub mod attachment;
pub mod checklist;
pub mod dates;
pub mod dedup;
pub mod error;
pub mod health;
pub mod i18n;
pub mod import;
pub mod kube;
pub mod membership;
pub mod money;
pub mod nik;
pub mod numbers;
pub mod person;
pub mod privacy;
pub mod protection;
pub mod registry;
pub mod role;
pub mod trainings;
pub mod user;
pub mod visit;

pub use area::{AreaLevel, Areas, DistrictCode, VillageCode};
pub use codes::yes_no;
pub use error::{Invalid, Msg};
pub use i18n::Lang;
pub use role::Role;
