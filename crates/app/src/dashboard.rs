//! The dashboard: the year's figures of the caller's area, recomputed when the data
//! changes (`DataVersion`).
pub use store::dashboard::{DataVersion, DimCount};
