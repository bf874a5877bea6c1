//! Turning an office's spreadsheet into inputs: finding the header row and the column of
//! each field (the template's headings, the usual Indonesian ones, or a mapping the
//! operator chose), reading each cell as people write it, and per-cell errors with the
//! row number as the user sees it (the first row is 1).
pub mod cells;

use crate::area::{Areas, RegencyCode};
use crate::kube::{FundingSource, KubeInput};
use crate::person::{Category, PersonInput};
use crate::{Lang, Msg};
pub use cells::Cell;

mod columns;
pub use columns::*;

/// An error in a cell: spreadsheet row number (1 = first row), column name, reason.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub msg: Msg,
}

/// Where the fields are in a file: the header row (0-based) and each field's column,
/// in the order of the columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub header: usize,
    pub columns: Vec<Option<usize>>,
}

/// A file whose headings do not name every required field: its headings, the header
/// row, and for each field the column it most likely is (to be confirmed).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unmapped {
    pub header: usize,
    pub headings: Vec<String>,
    pub guesses: Vec<Option<usize>>,
    /// Only for the message of the moment (not kept with an upload).
    #[serde(skip)]
    pub missing: Vec<&'static str>,
}

/// The operator's choice: field code → column, by heading text, letter (`C`) or
/// number (`3`, counting from 1).
pub type Mapping = Vec<(String, String)>;

/// A spreadsheet column letter (`A`, `AB`) as an index.
fn letter_index(s: &str) -> Option<usize> {
    if s.is_empty() || s.len() > 2 || !s.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some(
        s.to_ascii_uppercase()
            .bytes()
            .fold(0, |n, b| n * 26 + (b - b'A' + 1) as usize)
            - 1,
    )
}

/// Finds the header row (among the first ten: a title may sit above it, merged over
/// the columns) and the column of each field; `mapping` decides where it names a field.
pub fn layout(
    table: &[Vec<Cell>],
    columns: &[Column],
    mapping: &Mapping,
) -> Result<Layout, Unmapped> {
    let heads = |r: &Vec<Cell>| r.iter().map(|c| norm(&c.text())).collect::<Vec<_>>();
    let mut best = (0, 0usize);
    for (i, row) in table.iter().enumerate().take(10) {
        let h = heads(row);
        let score = columns
            .iter()
            .filter(|c| h.iter().any(|x| c.fits(x)))
            .count();
        if score > best.1 {
            best = (i, score);
        }
    }
    // With a mapping by heading, the header is the row that holds those headings.
    let named: Vec<String> = mapping
        .iter()
        .filter(|(_, v)| letter_index(v.trim()).is_none() && v.trim().parse::<usize>().is_err())
        .map(|(_, v)| norm(v))
        .collect();
    if !named.is_empty() {
        if let Some(i) = table.iter().take(10).position(|r| {
            let h = heads(r);
            named.iter().all(|n| h.contains(n))
        }) {
            best.0 = i;
        }
    }
    let header = best.0;
    let h = table.get(header).map(heads).unwrap_or_default();
    let mut out: Vec<Option<usize>> = columns
        .iter()
        .map(|c| h.iter().position(|x| c.fits(x)))
        .collect();
    for (field, spec) in mapping {
        let Some(i) = columns.iter().position(|c| c.code == field.as_str()) else {
            continue;
        };
        let spec = spec.trim();
        out[i] = if spec.is_empty() {
            None
        } else if let Some(n) = letter_index(spec) {
            Some(n)
        } else if let Ok(n) = spec.parse::<usize>() {
            n.checked_sub(1)
        } else {
            h.iter().position(|x| *x == norm(spec))
        };
    }
    let missing: Vec<&'static str> = columns
        .iter()
        .zip(&out)
        .filter(|(c, i)| c.required && i.is_none())
        .map(|(c, _)| c.code)
        .collect();
    if missing.is_empty() {
        return Ok(Layout {
            header,
            columns: out,
        });
    }
    let guesses = columns
        .iter()
        .zip(&out)
        .map(|(c, found)| found.or_else(|| h.iter().position(|x| c.likely(x))))
        .collect();
    Err(Unmapped {
        header,
        headings: table
            .get(header)
            .map(|r| r.iter().map(Cell::text).collect())
            .unwrap_or_default(),
        guesses,
        missing,
    })
}

/// The cells of one row by field.
struct Row<'a> {
    cells: &'a [Cell],
    layout: &'a Layout,
    columns: &'a [Column],
}

impl Row<'_> {
    fn get(&self, code: &str) -> &Cell {
        const EMPTY: Cell = Cell::Empty;
        self.columns
            .iter()
            .position(|c| c.code == code)
            .and_then(|i| self.layout.columns[i])
            .and_then(|c| self.cells.get(c))
            .unwrap_or(&EMPTY)
    }
    fn text(&self, code: &str) -> String {
        self.get(code).text()
    }
    fn opt(&self, code: &str) -> Option<String> {
        Some(self.text(code)).filter(|s| !s.is_empty())
    }
}

/// Data rows after the header with their row numbers; empty rows are left out.
fn rows<'a>(
    table: &'a [Vec<Cell>],
    layout: &'a Layout,
    columns: &'a [Column],
) -> impl Iterator<Item = (usize, Row<'a>)> {
    table
        .iter()
        .enumerate()
        .skip(layout.header + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .map(move |(i, cells)| {
            (
                i + 1,
                Row {
                    cells,
                    layout,
                    columns,
                },
            )
        })
}

/// Collects a cell's reading error for the row; `None` then.
fn take<T>(errors: &mut Vec<RowError>, row: usize, column: &str, r: Result<T, Msg>) -> Option<T> {
    r.map_err(|msg| {
        errors.push(RowError {
            row,
            column: column.into(),
            msg,
        })
    })
    .ok()
}

/// Category codes from codes or names in either language, separated by , ; or |.
fn categories(s: &str) -> Vec<String> {
    s.split([',', ';', '|'])
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .map(|w| {
            Category::ALL
                .iter()
                .find(|c| {
                    norm(c.code()) == norm(w)
                        || [Lang::Id, Lang::En]
                            .iter()
                            .any(|l| norm(l.t(c.label_key())) == norm(w))
                })
                .map(|c| c.code().to_string())
                .unwrap_or_else(|| w.to_lowercase())
        })
        .collect()
}

/// The inputs of a persons file and the cells that could not be read. A row with an
/// unreadable cell is reported and left out; the others go on to the rules.
pub fn person_inputs(
    table: &[Vec<Cell>],
    layout: &Layout,
    areas: &Areas,
    region: &RegencyCode,
) -> (Vec<(usize, PersonInput)>, Vec<RowError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, r) in rows(table, layout, PERSON_COLUMNS) {
        let before = errors.len();
        let nik = take(&mut errors, n, "nik", cells::identity_number(r.get("nik")));
        let kk = take(
            &mut errors,
            n,
            "kk_number",
            cells::identity_number(r.get("kk_number")),
        );
        let birth = take(
            &mut errors,
            n,
            "birth_date",
            cells::date(r.get("birth_date")),
        );
        let village = take(
            &mut errors,
            n,
            "village_code",
            cells::village(r.get("village_code"), r.get("district"), areas, region),
        );
        let dtks = take(
            &mut errors,
            n,
            "dtks_registered",
            cells::yes_no(r.get("dtks_registered")),
        );
        if errors.len() > before {
            continue;
        }
        out.push((
            n,
            PersonInput {
                nik: nik.unwrap_or_default(),
                kk_number: kk.filter(|k| !k.is_empty()),
                name: r.text("name"),
                sex: cells::sex(r.get("sex")),
                birth_date: birth
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                village_code: village.unwrap_or_default(),
                rt: cells::number_text(r.get("rt")),
                rw: cells::number_text(r.get("rw")),
                address: r.opt("address"),
                phone: cells::phone(r.get("phone")),
                categories: categories(&r.text("categories")),
                dtks_registered: dtks.unwrap_or(false),
                dtks_ref: r.opt("dtks_ref"),
                notes: r.opt("notes"),
                // "Kepala Keluarga" as typed reads as its code.
                household_role: r.opt("household_role").map(|v| code_of(&v)),
                occupation: r.opt("occupation").map(|v| code_of(&v)),
            },
        ));
    }
    (out, errors)
}

/// A choice as people type it (`Kepala Keluarga`, `PNS/ASN`) as a code
/// (`kepala_keluarga`, `pns`).
fn code_of(v: &str) -> String {
    let v = v.trim().to_lowercase();
    let v = v.split('/').next().unwrap_or(&v).trim();
    v.replace([' ', '-'], "_")
}

/// A row of a DTSEN extract: its NIK, welfare decile (1–10) and data period.
#[derive(Debug, Clone, PartialEq)]
pub struct DtsenRow {
    pub row: usize,
    pub nik: String,
    pub decile: i32,
    pub period: String,
}

/// The rows of a DTSEN extract and the cells that could not be read.
pub fn dtsen_rows(table: &[Vec<Cell>], layout: &Layout) -> (Vec<DtsenRow>, Vec<RowError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, r) in rows(table, layout, DTSEN_COLUMNS) {
        let before = errors.len();
        let nik = take(&mut errors, n, "nik", cells::identity_number(r.get("nik")));
        if nik
            .as_ref()
            .is_some_and(|k| k.len() != 16 || !k.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push(RowError {
                row: n,
                column: "nik".into(),
                msg: Msg::new("nik.format"),
            });
        }
        let decile = r
            .text("decile")
            .trim()
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse::<i32>()
            .ok()
            .filter(|d| (1..=10).contains(d));
        if decile.is_none() {
            errors.push(RowError {
                row: n,
                column: "decile".into(),
                msg: Msg::new("dtsen.decile_invalid"),
            });
        }
        let period = r.text("period").trim().to_string();
        if period.is_empty() || period.chars().count() > 20 {
            errors.push(RowError {
                row: n,
                column: "period".into(),
                msg: Msg::new("dtsen.period_invalid"),
            });
        }
        if let (Some(nik), Some(decile), true) = (nik, decile, errors.len() == before) {
            out.push(DtsenRow {
                row: n,
                nik,
                decile,
                period,
            });
        }
    }
    (out, errors)
}

/// A group in a KUBE file: its fields (from its first row), and its members' NIK and
/// role with their row numbers.
#[derive(Debug, Clone)]
pub struct KubeRows {
    pub rows: Vec<usize>,
    pub input: KubeInput,
    pub members: Vec<(usize, String, String)>,
}

/// A funding source from its code or its name in either language.
fn funding(s: &str) -> String {
    FundingSource::ALL
        .iter()
        .find(|f| {
            norm(f.code()) == norm(s)
                || [Lang::Id, Lang::En]
                    .iter()
                    .any(|l| norm(l.t(f.label_key())) == norm(s))
        })
        .map(|f| f.code().to_string())
        .unwrap_or_else(|| s.to_string())
}

/// The groups of a KUBE file and the cells that could not be read.
pub fn kube_groups(
    table: &[Vec<Cell>],
    layout: &Layout,
    areas: &Areas,
    region: &RegencyCode,
) -> (Vec<KubeRows>, Vec<RowError>) {
    let mut groups: Vec<KubeRows> = Vec::new();
    // Each group's place by (name, village): finding a row's group is one look-up, so a
    // file of many groups is read in time linear in its rows.
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut errors = Vec::new();
    for (n, r) in rows(table, layout, KUBE_COLUMNS) {
        let before = errors.len();
        let village = take(
            &mut errors,
            n,
            "village_code",
            cells::village(r.get("village_code"), r.get("district"), areas, region),
        );
        let nik = take(
            &mut errors,
            n,
            "member_nik",
            cells::identity_number(r.get("member_nik")),
        );
        let formed = if r.get("formed_on").is_empty() {
            None
        } else {
            take(&mut errors, n, "formed_on", cells::date(r.get("formed_on")))
        };
        if errors.len() > before {
            continue;
        }
        let village = village.unwrap_or_default();
        let key = (r.text("kube_name").to_lowercase(), village.clone());
        let role = r.text("member_role").to_lowercase();
        let member = (
            n,
            nik.unwrap_or_default(),
            if role.is_empty() {
                "anggota".into()
            } else {
                role
            },
        );
        match index.get(&key).map(|i| &mut groups[*i]) {
            Some(g) => {
                g.rows.push(n);
                g.members.push(member);
            }
            None => {
                index.insert(key, groups.len());
                groups.push(KubeRows {
                    rows: vec![n],
                    input: KubeInput {
                        name: r.text("kube_name"),
                        business_type: r.text("business_type"),
                        village_code: village,
                        formed_on: formed
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .unwrap_or_default(),
                        funding_source: funding(&r.text("funding_source")),
                        programme_year: cells::year(r.get("programme_year")),
                        address: r.opt("address"),
                        notes: None,
                    },
                    members: vec![member],
                })
            }
        }
    }
    (groups, errors)
}

#[cfg(test)]
mod tests;

code_enum!(
    /// What a spreadsheet holds: persons, KUBE, or the national DTSEN extract.
    Kind, |_| Msg::new("import.kind_invalid"), "import.", {
        Persons => "persons", Kube => "kube", Dtsen => "dtsen",
    }
);

impl Kind {
    /// The fields of a row of this kind, in the template's order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Persons => PERSON_COLUMNS,
            Kind::Kube => KUBE_COLUMNS,
            Kind::Dtsen => DTSEN_COLUMNS,
        }
    }
}
