//! Files as offices make them: LibreOffice templates and files, number cells, day-first dates, foreign headings.
use super::*;

/// Files LibreOffice Calc 7.4 made (tests/fixtures/libreoffice/make.sh says how).
fn lo(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/libreoffice/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

struct Expected {
    nik: String,
    kk: String,
    name: String,
    birth_date: String,
    village_code: String,
    phone: String,
}

fn expected() -> Vec<Expected> {
    let v: Vec<Value> = serde_json::from_slice(&lo("expected.json")).unwrap();
    let s = |e: &Value, k: &str| e[k].as_str().unwrap().to_string();
    v.iter()
        .map(|e| Expected {
            nik: s(e, "nik"),
            kk: s(e, "kk"),
            name: s(e, "name"),
            birth_date: s(e, "birth_date"),
            village_code: s(e, "village_code"),
            phone: s(e, "phone"),
        })
        .collect()
}

/// Both templates as LibreOffice saves them, each in the other format too, are read:
/// their headings are recognised and they hold no row to import.
#[tokio::test]
async fn templates_saved_by_libreoffice_are_read() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    for (kind, file) in [
        ("persons", "lo-template-persons-from-xlsx.ods"),
        ("persons", "lo-template-persons-from-ods.xlsx"),
        ("kube", "lo-template-kube-from-xlsx.ods"),
        ("kube", "lo-template-kube-from-ods.xlsx"),
    ] {
        let r = import_api(&app, &op, kind, "dry_run=true", lo(file)).await;
        assert_eq!(
            (r["total"].as_i64(), r["errors"].as_array().map(Vec::len)),
            (Some(0), Some(0)),
            "{file}: {r}"
        );
    }
    // The templates themselves: XLSX and ODS with text-formatted number columns.
    let b = app.browser_login("operator").await;
    for f in ["persons.xlsx", "persons.ods", "kube.xlsx", "kube.ods"] {
        let r = b
            .get(app.url(&format!("/import/template/{f}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert_eq!(
            sheets::sheet_names(&bytes),
            vec!["Data", "Petunjuk", "Daftar"],
            "{f}"
        );
    }
    app.stop().await;
}

/// The persons template filled in LibreOffice as an operator types it (Indonesian
/// locale): every person is created with every digit of the NIK and KK, the birth
/// dates written day first, villages by name, and the phone's leading 0.
#[tokio::test]
async fn a_template_filled_in_libreoffice_imports_every_digit_intact() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = import_api(&app, &op, "persons", "", lo("lo-filled-text.xlsx")).await;
    assert_eq!(r["created"], 30, "{r}");
    assert_eq!(r["errors"].as_array().unwrap().len(), 0, "{r}");
    for e in expected() {
        let found: Value = app
            .get_json(&op, &format!("/api/v1/persons?q={}", e.nik))
            .await;
        assert_eq!(found["total"], 1, "{} not found", e.nik);
        let p = &found["items"][0];
        assert_eq!(p["nik"], e.nik.as_str());
        assert_eq!(p["kk_number"], e.kk.as_str());
        assert_eq!(p["name"], e.name.as_str());
        assert_eq!(p["birth_date"], e.birth_date.as_str(), "{}", e.name);
        assert_eq!(p["village_code"], e.village_code.as_str());
        assert_eq!(p["phone"], e.phone.as_str());
    }
    // The same persons typed into the ODS template, saved by LibreOffice as ODS and as
    // XLSX: read the same, all already registered.
    for f in [
        "lo-filled-text.ods",
        "lo-filled-text-from-ods.ods",
        "lo-filled-text-from-ods.xlsx",
    ] {
        let r = import_api(&app, &op, "persons", "dry_run=true", lo(f)).await;
        assert_eq!(
            (r["skipped"].as_i64(), r["rejected_rows"].as_i64()),
            (Some(30), Some(0)),
            "{f}: {r}"
        );
    }
    app.stop().await;
}

/// Typed into General-formatted cells, LibreOffice stores each NIK as a number (and an
/// XLSX keeps 15 digits: 3279044101509001 became …000): every such row is refused with
/// the reason, and nothing of them is imported.
#[tokio::test]
async fn nik_number_cells_are_refused_row_by_row() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    for f in ["lo-filled-general.xlsx", "lo-filled-general.ods"] {
        let r = import_api(&app, &op, "persons", "mode=valid", lo(f)).await;
        assert_eq!(r["created"], 0, "{f}: {r}");
        let errors = r["errors"].as_array().unwrap();
        let rows: std::collections::BTreeSet<u64> =
            errors.iter().map(|e| e["row"].as_u64().unwrap()).collect();
        assert_eq!(rows, (2..=31).collect(), "{f}: every data row");
        let nik = errors.iter().find(|e| e["column"] == "nik").unwrap();
        assert_eq!(
            nik["message"],
            "NIK tersimpan sebagai angka; program spreadsheet membulatkan ke 15 digit sehingga digit terakhir hilang. Format kolom NIK sebagai Teks, lalu ketik ulang"
        );
    }
    assert_eq!(person_total(&app, &op).await, 0);
    app.stop().await;
}

/// An office's CSV: semicolons, its own headings, dates day first — every row imports.
#[tokio::test]
async fn a_day_first_csv_imports_every_row() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = import_api(&app, &op, "persons", "", lo("persons-dayfirst.csv")).await;
    assert_eq!(r["created"], 30, "{r}");
    let e = &expected()[1];
    let p: Value = app
        .get_json(&op, &format!("/api/v1/persons?q={}", e.nik))
        .await;
    assert_eq!(p["items"][0]["birth_date"], e.birth_date.as_str());
    // A two-digit year is refused as ambiguous, with its row.
    let csv = "NIK;Nama;Jenis Kelamin;Tgl Lahir;Desa\n3279040101709999;Ujang;L;01/01/70;Rejasari\n";
    let r = import_api(
        &app,
        &op,
        "persons",
        "dry_run=true",
        csv.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r["errors"][0]["row"], 2);
    assert!(
        r["errors"][0]["message"].as_str().unwrap().contains("19"),
        "{r}"
    );
    app.stop().await;
}

/// A file with its own headings: the columns are matched (API `map=`, or the page's
/// form, remembered for the next file with the same headings), then it imports.
#[tokio::test]
async fn foreign_headings_import_after_mapping() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let file = foreign_file(4);
    let r = Client::new()
        .post(app.url("/api/v1/import/persons?dry_run=true"))
        .bearer_auth(&op)
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("nik"),
        "{e}"
    );
    let map = "nik=Nomor Induk;birth_date=E;village_code=6";
    let q = format!(
        "dry_run=true&map={}",
        map.replace(' ', "%20")
            .replace(';', "%3B")
            .replace('=', "%3D")
    );
    let r = import_api(&app, &op, "persons", &q, file.clone()).await;
    assert_eq!(r["valid"], 4, "{r}");

    // The page: the preview offers the file's columns beside the fields, the likely ones
    // chosen; saved, the file checks again and imports; the next file is known.
    let b = app.browser_login("operator").await;
    let csrf = hidden(&app.page(&b, "/import").await, "_csrf");
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("kind", "persons")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("warga.xlsx"),
            );
        b.post(app.url("/import")).multipart(form).send()
    };
    let r = upload(file.clone()).await.unwrap();
    let preview_url = r.headers()["location"].to_str().unwrap().to_string();
    let preview = app.page(&b, &preview_url).await;
    assert!(preview.contains("id=\"mapping\""), "the mapping form");
    assert!(
        preview.contains("<option value=\"2\" selected>C · Nama Warga</option>"),
        "name guessed"
    );
    let r = b
        .post(app.url(&format!("{preview_url}/mapping")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("map_nik", "1"),
            ("map_name", "2"),
            ("map_sex", "3"),
            ("map_birth_date", "4"),
            ("map_village_code", "5"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let preview = app.page(&b, &preview_url).await;
    assert!(preview.contains("id=\"valid\">4<"), "{preview}");
    let commit = hidden(&preview, "_csrf");
    b.post(app.url(&format!("{preview_url}/commit")))
        .form(&[("_csrf", commit.as_str()), ("mode", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(person_total(&app, &op).await, 4);
    // Remembered: the next file with the same headings needs no matching.
    let r = import_api(&app, &op, "persons", "dry_run=true", file).await;
    assert_eq!(r["skipped"], 4, "{r}");
    app.stop().await;
}

/// A column mapping is its saver's own: a facilitator's does not read the office's files;
/// an admin may share one with the whole office (nobody else may).
#[tokio::test]
async fn column_mappings_belong_to_their_account_unless_an_admin_shares_one() {
    let app = TestApp::spawn().await;
    let file = foreign_file(2);
    // Saves the mapping of `file`'s headings through the page, as `who`.
    let save = |who: &'static str, share: bool| {
        let (app, file) = (&app, file.clone());
        async move {
            let b = app.browser_login(who).await;
            let csrf = hidden(&app.page(&b, "/import").await, "_csrf");
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf.clone())
                .text("kind", "persons")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(file).file_name("warga.xlsx"),
                );
            let r = b
                .post(app.url("/import"))
                .multipart(form)
                .send()
                .await
                .unwrap();
            let preview = r.headers()["location"].to_str().unwrap().to_string();
            let mut form = vec![
                ("_csrf", csrf),
                ("map_nik", "1".into()),
                ("map_name", "2".into()),
                ("map_sex", "3".into()),
                ("map_birth_date", "4".into()),
                ("map_village_code", "5".into()),
            ];
            if share {
                form.push(("share", "1".into()));
            }
            b.post(app.url(&format!("{preview}/mapping")))
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let dry = |who: &'static str| {
        let (app, file) = (&app, file.clone());
        async move {
            let t = app.token(who).await;
            Client::new()
                .post(app.url("/api/v1/import/persons?dry_run=true"))
                .bearer_auth(&t)
                .body(file)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(save("p.langensari", false).await, StatusCode::SEE_OTHER);
    assert_eq!(
        dry("p.langensari").await,
        StatusCode::OK,
        "the saver's own files are read with it"
    );
    assert_eq!(
        dry("operator").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not the operator's"
    );
    assert_eq!(
        save("operator", true).await,
        StatusCode::FORBIDDEN,
        "only an admin shares"
    );
    assert_eq!(dry("kabid").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(save("admin", true).await, StatusCode::SEE_OTHER);
    assert_eq!(dry("kabid").await, StatusCode::OK, "shared with the office");
    app.stop().await;
}

/// The first `n` persons of the fixture in a sheet with an office's own headings (not the
/// template's): the fields are found only through a mapping.
fn foreign_file(n: usize) -> Vec<u8> {
    let header = [
        "No",
        "Nomor Induk",
        "Nama Warga",
        "L/P",
        "Lahir",
        "Kampung / Desa",
    ];
    let rows: Vec<Vec<sheets::Cell>> = expected()[..n]
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let t = |s: &str| sheets::Cell::Text(s.into());
            let sex = if e.nik[6..8].parse::<u32>().unwrap() > 40 {
                "P"
            } else {
                "L"
            };
            vec![
                sheets::Cell::Int(i as i64 + 1),
                t(&e.nik),
                t(&e.name),
                t(sex),
                sheets::Cell::Date(e.birth_date.clone()),
                t(&e.village_code),
            ]
        })
        .collect();
    sheets::write_xlsx("Warga", &header, &rows).unwrap()
}
