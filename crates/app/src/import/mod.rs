//! Import of persons and KUBE from XLSX, ODS or CSV: check every row first (the plan),
//! then write all rows in one transaction, or only the valid ones. Rows already
//! registered are skipped, so importing the same file again creates no duplicates.
//! The pages, the API and the command line all come here.
mod plan;
mod template;
mod upload;

pub use domain::import::Kind;

pub use plan::{
    columns, commit, mapping_key, no_progress, parse_mapping, plan, plan_table, read_table,
    rejected, unknown_columns, Options, Plan, Progress,
};
use serde::{Deserialize, Serialize};
pub use template::template_file;
pub use upload::{
    commit_upload, map_columns, recheck, rejected_rows, upload, upload_of, Check, Committed, Upload,
};

/// A file checked without writing (a dry run, an upload to preview) is audited as an
/// import is: who, which kind, what the check found.
pub async fn audit_check(
    cx: &crate::Context,
    c: &crate::Caller,
    p: &Plan,
    source: &str,
) -> crate::Result<()> {
    let after = serde_json::json!({
        "kind": p.kind, "rows": p.total, "ready": p.ready_count(),
        "skipped": p.skipped.len(), "errors": p.errors.len(), "source": source,
    });
    Ok(cx
        .store
        .audit_event(&c.actor, "import_check", "import", "-", &after)
        .await?)
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
