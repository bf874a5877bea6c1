//! Turning spreadsheet rows into inputs: column names (English codes or Indonesian
//! headings), row numbers as the user sees them (header = row 1), per-cell errors.
use crate::kube::KubeInput;
use crate::person::PersonInput;
use crate::{Invalid, Msg};

/// An error in a cell: spreadsheet row number (1 = header), column name, reason.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub msg: Msg,
}

/// Person columns in template order: (code, Indonesian heading, required).
pub const PERSON_COLUMNS: &[(&str, &str, bool)] = &[
    ("nik", "NIK", true),
    ("kk_number", "Nomor KK", false),
    ("name", "Nama", true),
    ("sex", "Jenis Kelamin (L/P)", true),
    ("birth_date", "Tanggal Lahir", true),
    ("village_code", "Kode Desa", true),
    ("rt", "RT", false),
    ("rw", "RW", false),
    ("address", "Alamat", false),
    ("phone", "Telepon", false),
    ("categories", "Kategori", false),
    ("dtks_registered", "Terdaftar DTKS", false),
    ("dtks_ref", "Referensi DTKS", false),
    ("notes", "Catatan", false),
];

/// KUBE rows: one row per member; rows with the same KUBE name and village form a group.
pub const KUBE_COLUMNS: &[(&str, &str, bool)] = &[
    ("kube_name", "Nama KUBE", true),
    ("business_type", "Jenis Usaha", true),
    ("village_code", "Kode Desa", true),
    ("formed_on", "Tanggal Pembentukan", true),
    ("funding_source", "Sumber Dana", true),
    ("programme_year", "Tahun Program", false),
    ("address", "Alamat", false),
    ("member_nik", "NIK Anggota", true),
    ("member_role", "Peran Anggota", false),
];

fn norm(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_string()
}

/// Column index of each known column, from the header row; unknown headings are ignored.
pub fn map_header(
    header: &[String],
    columns: &[(&str, &str, bool)],
) -> Result<Vec<Option<usize>>, Invalid> {
    let heads: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let mut inv = Invalid::new();
    let mut out = Vec::new();
    for (code, heading, required) in columns {
        let idx = heads.iter().position(|h| h == code || *h == norm(heading));
        if idx.is_none() && *required {
            inv.add("file", Msg::new("import.column_missing").arg(code));
        }
        out.push(idx);
    }
    inv.into_result().map(|_| out)
}

fn cell<'a>(row: &'a [String], map: &[Option<usize>], i: usize) -> &'a str {
    map[i]
        .and_then(|c| row.get(c))
        .map(|s| s.trim())
        .unwrap_or("")
}

fn opt(s: &str) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s.to_string())
    }
}

fn yes(s: &str) -> bool {
    matches!(
        s.to_lowercase().as_str(),
        "1" | "ya" | "y" | "yes" | "true" | "benar"
    )
}

/// Rows that are entirely empty are skipped; others become inputs with their row number.
pub fn person_inputs(table: &[Vec<String>]) -> Result<Vec<(usize, PersonInput)>, Invalid> {
    let header = table
        .first()
        .ok_or_else(|| Invalid::field("file", Msg::new("import.empty")))?;
    let map = map_header(header, PERSON_COLUMNS)?;
    let mut out = Vec::new();
    for (i, row) in table.iter().enumerate().skip(1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let c = |k| cell(row, &map, k);
        out.push((
            i + 1,
            PersonInput {
                nik: c(0).to_string(),
                kk_number: opt(c(1)),
                name: c(2).to_string(),
                sex: c(3).to_string(),
                birth_date: c(4).to_string(),
                village_code: c(5).to_string(),
                rt: opt(c(6)),
                rw: opt(c(7)),
                address: opt(c(8)),
                phone: opt(c(9)),
                categories: c(10)
                    .split([',', ';', '|'])
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect(),
                dtks_registered: yes(c(11)),
                dtks_ref: opt(c(12)),
                notes: opt(c(13)),
            },
        ));
    }
    Ok(out)
}

/// A group in a KUBE file: its fields (from its first row), and its members' NIK and
/// role with their row numbers.
#[derive(Debug, Clone)]
pub struct KubeRows {
    pub rows: Vec<usize>,
    pub input: KubeInput,
    pub members: Vec<(usize, String, String)>,
}

pub fn kube_groups(table: &[Vec<String>]) -> Result<Vec<KubeRows>, Invalid> {
    let header = table
        .first()
        .ok_or_else(|| Invalid::field("file", Msg::new("import.empty")))?;
    let map = map_header(header, KUBE_COLUMNS)?;
    let mut groups: Vec<KubeRows> = Vec::new();
    for (i, row) in table.iter().enumerate().skip(1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let c = |k| cell(row, &map, k);
        let key = (c(0).to_lowercase(), c(2).to_string());
        let member = (
            i + 1,
            c(7).to_string(),
            if c(8).is_empty() {
                "anggota".to_string()
            } else {
                c(8).to_lowercase()
            },
        );
        match groups
            .iter_mut()
            .find(|g| (g.input.name.to_lowercase(), g.input.village_code.clone()) == key)
        {
            Some(g) => {
                g.rows.push(i + 1);
                g.members.push(member);
            }
            None => groups.push(KubeRows {
                rows: vec![i + 1],
                input: KubeInput {
                    name: c(0).to_string(),
                    business_type: c(1).to_string(),
                    village_code: c(2).to_string(),
                    formed_on: c(3).to_string(),
                    funding_source: c(4).to_string(),
                    programme_year: c(5).parse().ok(),
                    address: opt(c(6)),
                    notes: None,
                },
                members: vec![member],
            }),
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn headers_in_either_language() {
        let table = t(&[
            &[
                "NIK",
                "Nama",
                "Jenis Kelamin (L/P)",
                "tanggal_lahir",
                "village_code",
                "Kategori",
                "Terdaftar DTKS",
            ],
            &[
                "3279045708920003",
                "Siti",
                "P",
                "1992-08-17",
                "32.79.04.2002",
                "wrse; fakir_miskin",
                "ya",
            ],
            &["", "", "", "", "", "", ""],
        ]);
        let rows = person_inputs(&table).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.categories, vec!["wrse", "fakir_miskin"]);
        assert!(rows[0].1.dtks_registered);
    }

    #[test]
    fn missing_required_column() {
        let e = person_inputs(&t(&[&["nik", "name"]])).unwrap_err();
        assert_eq!(e.fields["file"].key, "import.column_missing");
    }

    #[test]
    fn kube_rows_group_by_name_and_village() {
        let h: &[&str] = &[
            "kube_name",
            "business_type",
            "village_code",
            "formed_on",
            "funding_source",
            "member_nik",
            "member_role",
        ];
        let table = t(&[
            h,
            &[
                "KUBE A",
                "warungan",
                "32.79.04.2002",
                "2012-01-01",
                "apbn",
                "1",
                "ketua",
            ],
            &["kube a", "", "32.79.04.2002", "", "", "2", ""],
            &[
                "KUBE B",
                "warungan",
                "32.79.04.2003",
                "2012-01-01",
                "apbn",
                "3",
                "KETUA",
            ],
        ]);
        let g = kube_groups(&table).unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].rows, vec![2, 3]);
        assert_eq!(g[0].members[1], (3, "2".into(), "anggota".into()));
        assert_eq!(g[1].members[0].2, "ketua");
    }
}
