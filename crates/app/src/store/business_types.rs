//! The business types KUBE run (goats, processed food, shops …): a leaf, so that the
//! store's cache of them and the KUBE that name them both use it.
use serde::Serialize;
use sqlx::FromRow;

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct BusinessType {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub active: crate::store::Flag,
}
