use super::*;

fn t(rows: &[&[&str]]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect()
        })
        .collect()
}
fn banjar() -> (Areas, RegencyCode) {
    let a = Areas::embedded();
    let r = a.regency("32.79").unwrap();
    (a, r)
}

#[test]
fn headers_in_either_language_below_a_title() {
    let (areas, region) = banjar();
    let table = t(&[
        &["DAFTAR PENERIMA BANTUAN 2026", "", "", "", "", "", ""],
        &[
            "NIK",
            "Nama Lengkap",
            "Jenis Kelamin",
            "Tgl Lahir",
            "Desa/Kel",
            "Kategori",
            "Terdaftar DTKS",
        ],
        &[
            "3279045708920003",
            "Siti",
            "Perempuan",
            "17/08/1992",
            "Rejasari",
            "WRSE; fakir_miskin",
            "ya",
        ],
        &["", "", "", "", "", "", ""],
    ]);
    let l = layout(&table, PERSON_COLUMNS, &Vec::new()).unwrap();
    assert_eq!(l.header, 1);
    let (rows, errors) = person_inputs(&table, &l, &areas, &region);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 3, "row as the user sees it");
    let p = &rows[0].1;
    assert_eq!(
        (
            p.sex.as_str(),
            p.birth_date.as_str(),
            p.village_code.as_str()
        ),
        ("P", "1992-08-17", "32.79.04.2002")
    );
    assert_eq!(p.categories, vec!["wrse", "fakir_miskin"]);
    assert!(p.dtks_registered);
}

#[test]
fn foreign_headings_are_guessed_then_mapped() {
    let table = t(&[
        &[
            "No",
            "Nomor Induk",
            "Nama Warga",
            "L/P",
            "Lahir",
            "Kampung / Desa",
        ],
        &[
            "1",
            "3279045708920003",
            "Siti",
            "P",
            "17-08-1992",
            "Rejasari",
        ],
    ]);
    let u = layout(&table, PERSON_COLUMNS, &Vec::new()).unwrap_err();
    assert!(
        u.missing.contains(&"nik") && u.missing.contains(&"birth_date"),
        "{u:?}"
    );
    let at = |code: &str| u.guesses[PERSON_COLUMNS.iter().position(|c| c.code == code).unwrap()];
    assert_eq!(at("name"), Some(2));
    assert_eq!(at("birth_date"), Some(4));
    assert_eq!(at("village_code"), Some(5));
    let mapping: Mapping = vec![
        ("nik".into(), "Nomor Induk".into()),
        ("birth_date".into(), "E".into()),
        ("village_code".into(), "6".into()),
    ];
    let l = layout(&table, PERSON_COLUMNS, &mapping).unwrap();
    let (areas, region) = banjar();
    let (rows, errors) = person_inputs(&table, &l, &areas, &region);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].1.nik, "3279045708920003");
}

#[test]
fn a_numeric_nik_is_refused_with_its_row() {
    let (areas, region) = banjar();
    let mut table = t(&[&["nik", "name", "sex", "birth_date", "village_code"]]);
    table.push(vec![
        Cell::Number(3279044101600000.0),
        Cell::Text("Ani".into()),
        Cell::Text("P".into()),
        Cell::Date(chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()),
        Cell::Text("32.79.04.2002".into()),
    ]);
    let l = layout(&table, PERSON_COLUMNS, &Vec::new()).unwrap();
    let (rows, errors) = person_inputs(&table, &l, &areas, &region);
    assert!(rows.is_empty());
    assert_eq!(
        errors,
        vec![RowError {
            row: 2,
            column: "nik".into(),
            msg: Msg::new("import.number_cell")
        }]
    );
}

#[test]
fn missing_required_column() {
    let e = layout(&t(&[&["nik", "name"]]), PERSON_COLUMNS, &Vec::new()).unwrap_err();
    assert!(e.missing.contains(&"sex"));
}

#[test]
fn kube_rows_group_by_name_and_village() {
    let (areas, region) = banjar();
    let table = t(&[
        &[
            "kube_name",
            "business_type",
            "village_code",
            "formed_on",
            "funding_source",
            "member_nik",
            "member_role",
        ],
        &[
            "KUBE A",
            "warungan",
            "32.79.04.2002",
            "2012-01-01",
            "APBN",
            "1",
            "ketua",
        ],
        &["kube a", "", "32.79.04.2002", "", "", "2", ""],
        &[
            "KUBE B",
            "warungan",
            "Waringinsari",
            "01/02/2012",
            "APBD Kota/Kab.",
            "3",
            "KETUA",
        ],
    ]);
    let l = layout(&table, KUBE_COLUMNS, &Vec::new()).unwrap();
    let (g, errors) = kube_groups(&table, &l, &areas, &region);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].rows, vec![2, 3]);
    assert_eq!(g[0].input.funding_source, "apbn");
    assert_eq!(g[0].members[1], (3, "2".into(), "anggota".into()));
    assert_eq!(g[1].members[0].2, "ketua");
    assert_eq!(g[1].input.village_code, "32.79.04.2003");
    assert_eq!(g[1].input.formed_on, "2012-02-01");
    assert_eq!(g[1].input.funding_source, "apbd_kota");
}
