//! Checking a file before anything is written (the plan) and writing it: reading the
//! sheet as the office made it, finding its columns, reading each cell, the rules of
//! each row, and what is already registered.
use super::{Kind, Mode};
use crate::store::kube::NewMember;
use crate::{Caller, Context, Error, Result};
use domain::import::{
    kube_groups, layout, person_inputs, Cell, Layout, Mapping, RowError, Unmapped,
};
use domain::kube::{check_members, MemberFacts, MemberRole, ValidKube};
use domain::person::ValidPerson;
use domain::{Invalid, Lang, Msg};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

mod commit;
pub use commit::*;

enum Ready {
    /// The rows' numbers and their persons, apart: the persons are written as one slice.
    Persons(Vec<usize>, Vec<ValidPerson>),
    Kube(Vec<(Vec<usize>, ValidKube, Vec<NewMember>)>),
    /// Persons matched by NIK: (row, person id, decile, period).
    Dtsen(Vec<(usize, i64, i32, String)>),
}

/// The checked contents of a file.
pub struct Plan {
    pub kind: Kind,
    /// Data rows in the file.
    pub total: usize,
    /// Rows skipped because they are already registered.
    pub skipped: Vec<usize>,
    pub errors: Vec<RowError>,
    /// A DTSEN extract written: the persons it does not list (now "not in DTSEN").
    pub dtsen_absent: Option<usize>,
    ready: Ready,
    table: Vec<Vec<Cell>>,
    header: usize,
}

impl Plan {
    /// Rows (persons) or groups (KUBE) ready to be written.
    pub fn ready_count(&self) -> usize {
        match &self.ready {
            Ready::Persons(_, v) => v.len(),
            Ready::Kube(v) => v.len(),
            Ready::Dtsen(v) => v.len(),
        }
    }
    pub fn bad_rows(&self) -> HashSet<usize> {
        self.errors.iter().map(|e| e.row).collect()
    }
}

/// How a file is read: its limits, the sheet, and the operator's column mapping.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: sheets::Limits,
    /// The sheet to read; none: the first with data.
    pub sheet: Option<String>,
    /// Field code → column (heading, letter or number); none: the headings decide, or a
    /// mapping remembered for the same headings.
    pub mapping: Mapping,
}

impl Options {
    pub fn upload() -> Options {
        Options {
            limits: sheets::Limits::UPLOAD,
            sheet: None,
            mapping: Vec::new(),
        }
    }
    pub fn command_line() -> Options {
        Options {
            limits: sheets::Limits::COMMAND_LINE,
            ..Options::upload()
        }
    }
}

/// `field=column` pairs separated by `;` or new lines (API and command line).
pub fn parse_mapping(s: &str) -> Result<Mapping, Msg> {
    s.split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.split_once('=')
                .map(|(f, c)| (f.trim().to_string(), c.trim().to_string()))
                .ok_or_else(|| Msg::new("import.mapping_invalid").arg(p))
        })
        .collect()
}

fn add_invalid(errors: &mut Vec<RowError>, row: usize, inv: Invalid, rename: &[(&str, &str)]) {
    for (field, msg) in inv.fields {
        let column = rename
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.to_string())
            .unwrap_or(field);
        errors.push(RowError { row, column, msg });
    }
}

/// Called with (rows checked, rows) while a file is checked.
pub type Progress = std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>;

/// No progress to show (web requests).
pub fn no_progress() -> Progress {
    std::sync::Arc::new(|_, _| {})
}

fn cell(v: sheets::Value) -> Cell {
    match v {
        sheets::Value::Empty => Cell::Empty,
        sheets::Value::Text(s) => Cell::Text(s),
        sheets::Value::Number(f) => Cell::Number(f),
        sheets::Value::Bool(b) => Cell::Text(if b { "ya" } else { "tidak" }.into()),
        sheets::Value::Date(d) => match chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => Cell::Date(d),
            Err(_) => Cell::Text(d),
        },
    }
}

/// Reads a spreadsheet, on a blocking thread: parsing a large file is seconds of CPU,
/// not for the threads that serve requests.
pub async fn read_table(bytes: &[u8], opts: &Options) -> Result<Vec<Vec<Cell>>> {
    let owned = bytes.to_vec();
    let (limits, sheet) = (opts.limits, opts.sheet.clone());
    let read = tokio::task::spawn_blocking(move || {
        sheets::read_values(&owned, &limits, sheet.as_deref()).map(|rows| {
            rows.into_iter()
                .map(|r| r.into_iter().map(cell).collect())
                .collect()
        })
    })
    .await
    .map_err(|_| Error::Internal)?;
    read.map_err(|e| {
        let msg = match e {
            sheets::SheetError::TooLargeUnpacked(n) => {
                Msg::new("import.too_large_unpacked").arg(n / (1024 * 1024))
            }
            sheets::SheetError::TooManyRows(n) => Msg::new("import.too_many_rows").arg(n),
            sheets::SheetError::NoSuchSheet(name, names) => Msg::new("import.sheet_unknown")
                .arg(name)
                .arg(names.join(", ")),
            _ => Msg::new("import.unreadable"),
        };
        Error::invalid("file", msg)
    })
}

/// The key under which a layout of headings keeps its mapping.
pub fn mapping_key(kind: Kind, headings: &[String]) -> String {
    let norm: Vec<String> = headings.iter().map(|h| domain::import::norm(h)).collect();
    let digest = Sha256::digest(norm.join("|").as_bytes());
    format!("{}:{}", kind.code(), &hex::encode(digest)[..32])
}

/// Where the fields of a file are: from its headings, the operator's mapping, or the
/// mapping remembered for the same headings; else what the operator must map.
pub async fn columns(
    cx: &Context,
    c: &Caller,
    kind: Kind,
    table: &[Vec<Cell>],
    mapping: &Mapping,
) -> Result<Result<Layout, Unmapped>> {
    let found = layout(table, kind.columns(), mapping);
    let Err(u) = &found else { return Ok(found) };
    if !mapping.is_empty() {
        return Ok(found);
    }
    let Some(saved) = cx
        .store
        .import_mapping(&mapping_key(kind, &u.headings), c.actor.user_id)
        .await?
    else {
        return Ok(found);
    };
    let saved: Mapping = serde_json::from_str(&saved).unwrap_or_default();
    Ok(layout(table, kind.columns(), &saved))
}

/// Reads and checks a file. `progress(done, total)` is called as rows are checked.
pub async fn plan(
    cx: &Context,
    c: &Caller,
    kind: Kind,
    bytes: &[u8],
    opts: &Options,
    progress: Progress,
) -> Result<Plan> {
    let table = read_table(bytes, opts).await?;
    let layout = columns(cx, c, kind, &table, &opts.mapping)
        .await?
        .map_err(|u| Error::invalid("file", unknown_columns(&u)))?;
    plan_table(cx, c, kind, table, layout, progress).await
}

/// Why a file's columns could not be found.
pub fn unknown_columns(u: &Unmapped) -> Msg {
    Msg::new("import.columns_unknown").arg(u.missing.join(", "))
}

/// Checks the rows of a file already read, its columns found.
pub async fn plan_table(
    cx: &Context,
    c: &Caller,
    kind: Kind,
    table: Vec<Vec<Cell>>,
    layout: Layout,
    progress: Progress,
) -> Result<Plan> {
    match kind {
        Kind::Persons => plan_persons(cx, c, table, layout, progress).await,
        Kind::Kube => plan_kube(cx, c, table, layout, &*progress).await,
        Kind::Dtsen => plan_dtsen(cx, c, table, layout).await,
    }
}

/// A DTSEN extract: its rows matched to the registry by NIK. A NIK new to SIKUBE is a
/// row sent back (to be registered through a persons import, never created here).
/// National data of every resident: for the office's staff who read NIKs in full.
async fn plan_dtsen(
    cx: &Context,
    c: &Caller,
    table: Vec<Vec<Cell>>,
    layout: Layout,
) -> Result<Plan> {
    if !c.role.sees_full_identity() {
        return Err(Error::Forbidden);
    }
    let (rows, mut errors) = domain::import::dtsen_rows(&table, &layout);
    let total = rows.len() + errors.iter().map(|e| e.row).collect::<HashSet<_>>().len();
    let niks: Vec<String> = rows.iter().map(|r| r.nik.clone()).collect();
    let ids: HashMap<String, i64> = cx
        .store
        .person_ids_by_nik(&niks)
        .await?
        .into_iter()
        .map(|(nik, id, _, _)| (nik, id))
        .collect();
    let mut ready = Vec::new();
    for r in rows {
        match ids.get(&r.nik) {
            Some(id) => ready.push((r.row, *id, r.decile, r.period)),
            None => errors.push(RowError {
                row: r.row,
                column: "nik".into(),
                msg: Msg::new("dtsen.new_nik"),
            }),
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(Plan {
        dtsen_absent: None,
        kind: Kind::Dtsen,
        total,
        skipped: Vec::new(),
        errors,
        ready: Ready::Dtsen(ready),
        table,
        header: layout.header,
    })
}

/// Rows of a persons file: checked and ready (row, person), and the errors.
type Checked = (Vec<RowError>, Vec<(usize, ValidPerson)>);

async fn plan_persons(
    cx: &Context,
    c: &Caller,
    table: Vec<Vec<Cell>>,
    layout: Layout,
    progress: Progress,
) -> Result<Plan> {
    let (areas, region, session) = (cx.areas.clone(), cx.settings.region.clone(), c.clone());
    // Reading and checking a million rows is seconds of CPU too.
    let (table, total, (errors, valid)) = tokio::task::spawn_blocking(move || {
        let (inputs, unread) = person_inputs(&table, &layout, &areas, &region);
        let total = inputs.len() + unread.iter().map(|e| e.row).collect::<HashSet<_>>().len();
        let (mut errors, valid) = check_persons(inputs, &areas, &region, &session, &*progress);
        errors.extend(unread);
        errors.sort_by_key(|e| e.row);
        ((table, layout.header), total, (errors, valid))
    })
    .await
    .map_err(|_| Error::Internal)?;
    let niks: Vec<String> = valid
        .iter()
        .map(|(_, v)| v.nik.as_str().to_string())
        .collect();
    // Skipping a row as registered tells whether its NIK is: a counted lookup of every
    // NIK of the file (dry run or not) for a role that sees NIKs masked.
    let refs: Vec<&str> = niks.iter().map(String::as_str).collect();
    crate::persons::nik_lookups(cx, c, &refs, "import").await?;
    let existing: HashSet<String> = cx
        .store
        .person_ids_by_nik(&niks)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let (skip, ready): (Vec<_>, Vec<_>) = valid
        .into_iter()
        .partition(|(_, v)| existing.contains(v.nik.as_str()));
    Ok(Plan {
        dtsen_absent: None,
        kind: Kind::Persons,
        total,
        skipped: skip.into_iter().map(|(r, _)| r).collect(),
        errors,
        ready: Ready::Persons(
            ready.iter().map(|(r, _)| *r).collect(),
            ready.into_iter().map(|(_, p)| p).collect(),
        ),
        table: table.0,
        header: table.1,
    })
}

/// `f` applied to every item on all cores (scoped threads over contiguous parts), results
/// in the items' order.
fn in_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 1000 {
        return items.into_iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let mut rest = items.into_iter();
    let parts: Vec<Vec<T>> = (0..threads)
        .map(|_| rest.by_ref().take(size).collect())
        .collect();
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn check_persons(
    inputs: Vec<(usize, domain::person::PersonInput)>,
    areas: &domain::area::Areas,
    region: &domain::area::RegencyCode,
    c: &Caller,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Checked {
    let total = inputs.len();
    let today = c.today();
    // Each row's own rules need nothing from other rows: they are checked on every core.
    // Each input is dropped once checked: a million rows are held once, not twice.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let checked = in_parallel(inputs, |(row, input)| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n.is_multiple_of(10_000) {
            progress(n, total);
        }
        (row, input.validate(areas, region, today))
    });
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    for (row, result) in checked {
        match result {
            Ok(v) => {
                if !c.sees_district(v.village_code.district().as_str()) {
                    errors.push(RowError {
                        row,
                        column: "village_code".into(),
                        msg: Msg::new("area.outside_scope"),
                    });
                } else if let Some(first) = first_row.get(v.nik.as_str()) {
                    errors.push(RowError {
                        row,
                        column: "nik".into(),
                        msg: Msg::new("import.nik_twice").arg(first),
                    });
                } else {
                    first_row.insert(v.nik.as_str().to_string(), row);
                    valid.push((row, v));
                }
            }
            Err(inv) => add_invalid(&mut errors, row, inv, &[]),
        }
    }
    progress(total, total);
    (errors, valid)
}

async fn plan_kube(
    cx: &Context,
    c: &Caller,
    table: Vec<Vec<Cell>>,
    layout: Layout,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Plan> {
    // Reading the rows into groups is CPU work: off the request threads.
    let (areas, region) = (cx.areas.clone(), cx.settings.region.clone());
    let (table, layout, (mut groups, unread)) = tokio::task::spawn_blocking(move || {
        let groups = kube_groups(&table, &layout, &areas, &region);
        (table, layout, groups)
    })
    .await
    .map_err(|_| Error::Internal)?;
    let total: usize = groups.iter().map(|g| g.rows.len()).sum::<usize>()
        + unread.iter().map(|e| e.row).collect::<HashSet<_>>().len();
    let types: Vec<crate::store::kube::BusinessType> = cx
        .store
        .business_type_list()
        .await?
        .into_iter()
        .filter(|b| *b.active)
        .collect();
    // Business types by code or by name in either language (the template's lists
    // offer names).
    for g in &mut groups {
        let typed = domain::import::norm(&g.input.business_type);
        if let Some(b) = types.iter().find(|b| {
            [&b.code, &b.name, &b.name_en]
                .iter()
                .any(|n| domain::import::norm(n) == typed)
        }) {
            g.input.business_type = b.code.clone();
        }
    }
    let codes: Vec<String> = types.into_iter().map(|b| b.code).collect();
    let niks: Vec<String> = groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.1.clone()))
        .collect();
    // The members' NIKs are looked up (found, not found, in another KUBE): counted.
    let refs: Vec<&str> = niks.iter().map(String::as_str).collect();
    crate::persons::nik_lookups(cx, c, &refs, "import").await?;
    let persons: HashMap<String, (i64, String, String)> = cx
        .store
        .person_ids_by_nik(&niks)
        .await?
        .into_iter()
        // A person outside the caller's area is, to the caller, not registered: no name,
        // KUBE or place of theirs appears in the preview.
        .filter(|(_, _, d, _)| c.sees_district(d))
        .map(|(n, id, d, name)| (n, (id, d, name)))
        .collect();
    let ids: Vec<i64> = persons.values().map(|p| p.0).collect();
    let busy: HashMap<i64, String> = cx
        .store
        .person_list_in_active_kube(&ids)
        .await?
        .into_iter()
        .collect();
    let today = cx.today();
    let mut errors = unread;
    let mut skipped = Vec::new();
    let mut ready = Vec::new();
    let mut in_file: HashMap<i64, usize> = HashMap::new();
    for (n, g) in groups.iter().enumerate() {
        progress(n, groups.len());
        let first = g.rows[0];
        let before = errors.len();
        let v = match g
            .input
            .validate(&cx.areas, &cx.settings.region, &codes, today)
        {
            Ok(v) if !c.sees_district(v.village_code.district().as_str()) => {
                errors.push(RowError {
                    row: first,
                    column: "village_code".into(),
                    msg: Msg::new("area.outside_scope"),
                });
                None
            }
            Ok(v) => Some(v),
            Err(inv) => {
                add_invalid(&mut errors, first, inv, &[("name", "kube_name")]);
                None
            }
        };
        if let Some(v) = &v {
            if cx
                .store
                .kube_find(&v.name, v.village_code.as_str())
                .await?
                .is_some()
            {
                skipped.extend(&g.rows);
                continue;
            }
        }
        let mut facts = Vec::new();
        for (row, nik, role) in &g.members {
            let role = match MemberRole::parse(role) {
                Ok(r) => r,
                Err(m) => {
                    errors.push(RowError {
                        row: *row,
                        column: "member_role".into(),
                        msg: m,
                    });
                    continue;
                }
            };
            match persons.get(nik.as_str()) {
                None => errors.push(RowError {
                    row: *row,
                    column: "member_nik".into(),
                    msg: Msg::new("import.member_unknown"),
                }),
                Some((id, district, name)) => {
                    if let Some(k) = busy.get(id) {
                        errors.push(RowError {
                            row: *row,
                            column: "member_nik".into(),
                            msg: Msg::new("kube.member_in_other_kube").arg(name).arg(k),
                        });
                    } else if let Some(other) = in_file.insert(*id, *row) {
                        errors.push(RowError {
                            row: *row,
                            column: "member_nik".into(),
                            msg: Msg::new("import.nik_twice").arg(other),
                        });
                    }
                    facts.push(MemberFacts {
                        person_id: *id,
                        name: name.clone(),
                        role,
                        district_code: district.clone(),
                    });
                }
            }
        }
        if let Some(v) = v {
            if errors.len() == before {
                // The regulation's membership rules, as on the form: a member who breaks
                // one is reported on their row (an import records no exceptions).
                let ids: Vec<i64> = facts.iter().map(|f| f.person_id).collect();
                let judged = match crate::membership::judge(cx, c, &[], &ids, &[]).await {
                    Err(Error::Invalid(inv)) => inv,
                    Err(e) => return Err(e),
                    Ok(_) => domain::Invalid::new(),
                };
                for (field, msg) in judged.fields {
                    let pid = field
                        .strip_prefix("member.")
                        .and_then(|p| p.parse::<i64>().ok());
                    let row = g
                        .members
                        .iter()
                        .find(|(_, nik, _)| persons.get(nik.as_str()).map(|p| p.0) == pid)
                        .map(|m| m.0)
                        .unwrap_or(first);
                    errors.push(RowError {
                        row,
                        column: "member_nik".into(),
                        msg,
                    });
                }
            }
            if errors.len() == before {
                match check_members(v.village_code.district().as_str(), &facts) {
                    Ok(()) => ready.push((
                        g.rows.clone(),
                        v,
                        facts
                            .iter()
                            .map(|f| NewMember {
                                person_id: f.person_id,
                                role: f.role,
                            })
                            .collect(),
                    )),
                    Err(inv) => add_invalid(&mut errors, first, inv, &[]),
                }
            }
        }
        // A group with any bad row is rejected as a whole: all its rows go back.
        if errors.len() > before {
            let bad: HashSet<usize> = errors[before..].iter().map(|e| e.row).collect();
            for r in &g.rows {
                if !bad.contains(r) {
                    errors.push(RowError {
                        row: *r,
                        column: "kube_name".into(),
                        msg: Msg::new("error.validation"),
                    });
                }
            }
        }
    }
    progress(groups.len(), groups.len());
    errors.sort_by_key(|e| e.row);
    Ok(Plan {
        dtsen_absent: None,
        kind: Kind::Kube,
        total,
        skipped,
        errors,
        ready: Ready::Kube(ready),
        table,
        header: layout.header,
    })
}

#[cfg(test)]
mod tests {
    use super::in_parallel;

    #[test]
    fn parallel_checks_keep_the_rows_in_order() {
        let rows: Vec<usize> = (0..100_003).collect();
        let out = in_parallel(rows, |n| n * 2);
        assert_eq!(out.len(), 100_003);
        assert!(out.iter().enumerate().all(|(i, v)| *v == i * 2));
        assert_eq!(in_parallel(vec![1, 2, 3], |n| n + 1), vec![2, 3, 4]);
    }
}
