//! Import of persons and KUBE from XLSX, ODS or CSV: check every row first (the plan),
//! then write all rows in one transaction, or only the valid ones. Rows already
//! registered are skipped, so importing the same file again creates no duplicates.
//! The pages, the API and the command line all come here.
mod plan;
mod template;

use domain::import::{Column, KUBE_COLUMNS, PERSON_COLUMNS};
use domain::Msg;
pub use plan::{
    columns, commit, mapping_key, no_progress, parse_mapping, plan, read_table, rejected, Options,
    Plan, Progress,
};
use serde::{Deserialize, Serialize};
pub use template::template_file;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Persons,
    Kube,
}

impl Kind {
    pub fn parse(s: &str) -> Result<Kind, Msg> {
        match s {
            "persons" => Ok(Kind::Persons),
            "kube" => Ok(Kind::Kube),
            _ => Err(Msg::new("import.kind_invalid")),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Kind::Persons => "persons",
            Kind::Kube => "kube",
        }
    }
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Persons => PERSON_COLUMNS,
            Kind::Kube => KUBE_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Write nothing unless every row is valid.
    #[default]
    All,
    /// Write the valid rows; return the others.
    Valid,
}
