//! An upload: a file kept between its check and its commit. The check is made once, when
//! the file arrives (and again when asked, or when its columns are mapped), and kept with
//! the upload, so that viewing it reads what was found, not the file.
use super::{
    audit_check, columns, commit, mapping_key, no_progress, plan, plan_table, read_table, rejected,
    unknown_columns, Kind, Mode, Options, Plan,
};
use crate::{Caller, Context, Error, Result};
use domain::import::{Mapping, RowError, Unmapped};
use domain::{Lang, Msg, Role};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What a check of a file found or, once written, what the commit did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    pub kind: Kind,
    /// Data rows in the file.
    pub total: usize,
    /// Persons, or KUBE, ready to be written (or written).
    pub ready: usize,
    pub skipped: usize,
    pub rejected_rows: usize,
    pub errors: Vec<RowError>,
    /// Why the file could not be checked as it is; empty when it was.
    pub file_error: Vec<Msg>,
    /// The file's headings when they are not the template's and no mapping reads them.
    pub unmapped: Option<Unmapped>,
    /// Persons or KUBE written: none until the rows are written.
    pub created: Option<usize>,
    /// A DTSEN extract: NIKs new to SIKUBE (offered for registration, never created).
    #[serde(default)]
    pub new_niks: usize,
    /// A DTSEN extract written: persons it does not list, now "not in DTSEN".
    #[serde(default)]
    pub not_in_extract: Option<usize>,
    /// When it was checked (RFC 3339, UTC).
    pub at: String,
}

impl Check {
    pub fn of(p: &Plan, created: Option<usize>, at: String) -> Check {
        Check {
            kind: p.kind,
            total: p.total,
            ready: p.ready_count(),
            skipped: p.skipped.len(),
            rejected_rows: p.bad_rows().len(),
            errors: p.errors.clone(),
            file_error: Vec::new(),
            unmapped: None,
            created,
            new_niks: p
                .errors
                .iter()
                .filter(|e| e.msg.key == "dtsen.new_nik")
                .count(),
            not_in_extract: p.dtsen_absent,
            at,
        }
    }
}

/// An upload of the caller's and what was found in it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub kind: Kind,
    pub filename: String,
    /// Its rows are written (a second commit is refused).
    pub committed: bool,
    pub check: Check,
}

/// How a commit of an upload ended.
#[derive(Debug)]
pub enum Committed {
    /// Written before: nothing done.
    Already,
    /// All-or-nothing met errors: nothing written (the check now lists them).
    HasErrors,
    Written(Box<Check>),
}

fn owner(c: &Caller) -> Result<i64> {
    c.actor.user_id.ok_or(Error::Forbidden)
}

fn kept(check: &Check) -> String {
    serde_json::to_string(check).unwrap_or_default()
}

/// Keeps a file the caller uploaded and checks it; the upload's id.
pub async fn upload(
    cx: &Context,
    c: &Caller,
    kind: Kind,
    filename: &str,
    bytes: &[u8],
) -> Result<i64> {
    c.require_write()?;
    // A file that cannot be read as a sheet is refused, not kept; one that can is read
    // once, here, for its check too.
    let table = read_table(bytes, &Options::upload()).await?;
    let id = cx
        .store
        .import_file_save(owner(c)?, kind, filename, bytes)
        .await?;
    check_file(cx, c, id, kind, table).await?;
    Ok(id)
}

/// Checks the rows of an upload and keeps what was found (audited as an import is).
async fn check_file(
    cx: &Context,
    c: &Caller,
    id: i64,
    kind: Kind,
    table: Vec<Vec<domain::import::Cell>>,
) -> Result<Check> {
    let at = c.actor.now();
    let check = match columns(cx, c, kind, &table, &Vec::new()).await? {
        Ok(layout) => {
            let p = plan_table(cx, c, kind, table, layout, no_progress()).await?;
            audit_check(cx, c, &p, "page").await?;
            Check::of(&p, None, at)
        }
        // Headings that are not the template's and no mapping reads: what to map.
        Err(u) => Check {
            kind,
            total: 0,
            ready: 0,
            skipped: 0,
            rejected_rows: 0,
            errors: Vec::new(),
            file_error: vec![unknown_columns(&u)],
            unmapped: Some(u),
            created: None,
            new_niks: 0,
            not_in_extract: None,
            at,
        },
    };
    cx.store
        .import_file_result(id, &kept(&check), false)
        .await?;
    Ok(check)
}

/// An upload of the caller's with its kept check (others' uploads are not found).
pub async fn upload_of(cx: &Context, c: &Caller, id: i64) -> Result<Upload> {
    c.require_write()?;
    let f = cx.store.import_file(id, owner(c)?).await?;
    let found = f
        .result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<Check>(j).ok());
    let check = match found {
        Some(check) => check,
        // Kept before checks were kept: checked now, once.
        None => {
            let bytes = cx.store.import_file_content(id, owner(c)?).await?;
            let table = read_table(&bytes, &Options::upload()).await?;
            check_file(cx, c, id, f.kind, table).await?
        }
    };
    Ok(Upload {
        id,
        kind: f.kind,
        filename: f.filename,
        committed: *f.committed,
        check,
    })
}

/// Checks an upload again (the registry may have changed since); a written one stays as
/// it was written.
pub async fn recheck(cx: &Context, c: &Caller, id: i64) -> Result<Upload> {
    let up = upload_of(cx, c, id).await?;
    if up.committed {
        return Ok(up);
    }
    let bytes = cx.store.import_file_content(id, owner(c)?).await?;
    let table = read_table(&bytes, &Options::upload()).await?;
    let check = check_file(cx, c, id, up.kind, table).await?;
    Ok(Upload { check, ..up })
}

/// Remembers where the fields are in files with this upload's headings — the caller's
/// own mapping, or (an admin's choice) the office's — and checks the upload again.
pub async fn map_columns(
    cx: &Context,
    c: &Caller,
    id: i64,
    mapping: Mapping,
    shared: bool,
) -> Result<Upload> {
    if shared {
        c.require(Role::manages_users)?;
    }
    let up = upload_of(cx, c, id).await?;
    let Some(u) = &up.check.unmapped else {
        return Ok(up);
    };
    let mapping: Mapping = mapping
        .into_iter()
        .filter(|(field, _)| up.kind.columns().iter().any(|col| col.code == field))
        .collect();
    cx.store
        .import_mapping_save(
            &c.actor,
            &mapping_key(up.kind, &u.headings),
            up.kind,
            &serde_json::to_string(&mapping).unwrap_or_default(),
            shared,
        )
        .await?;
    recheck(cx, c, id).await
}

/// Writes an upload's rows: checked again first, as the registry may have changed.
pub async fn commit_upload(cx: &Context, c: &Caller, id: i64, mode: Mode) -> Result<Committed> {
    let up = upload_of(cx, c, id).await?;
    if up.committed {
        return Ok(Committed::Already);
    }
    let bytes = cx.store.import_file_content(id, owner(c)?).await?;
    let mut p = plan(cx, c, up.kind, &bytes, &Options::upload(), no_progress()).await?;
    let created = commit(cx, c, &mut p, mode, &up.filename).await?;
    if mode == Mode::All && !p.errors.is_empty() {
        let check = Check::of(&p, None, c.actor.now());
        cx.store
            .import_file_result(id, &kept(&check), false)
            .await?;
        return Ok(Committed::HasErrors);
    }
    let check = Check::of(&p, Some(created), c.actor.now());
    cx.store.import_file_result(id, &kept(&check), true).await?;
    Ok(Committed::Written(Box::new(check)))
}

/// The rows of an upload that were not (or would not be) written, with the reason, as a
/// file to fix and import again; and the upload's kind.
pub async fn rejected_rows(
    cx: &Context,
    c: &Caller,
    id: i64,
    lang: Lang,
    xlsx: bool,
) -> Result<(Vec<u8>, Kind)> {
    let up = upload_of(cx, c, id).await?;
    let bytes = cx.store.import_file_content(id, owner(c)?).await?;
    let mut p = plan(cx, c, up.kind, &bytes, &Options::upload(), no_progress()).await?;
    // After a commit the rows written are no longer "ready": the plan's errors are the
    // rejected rows; the conflicts the commit met are kept with the upload.
    let known: HashSet<usize> = p.bad_rows();
    p.errors.extend(
        up.check
            .errors
            .into_iter()
            .filter(|e| !known.contains(&e.row)),
    );
    p.errors.sort_by_key(|e| e.row);
    Ok((rejected(&p, lang, xlsx)?, up.kind))
}
