//! Import and export of persons and KUBE: preview with every bad row, all-or-nothing,
//! valid rows only with the rejected rows as a file, idempotent re-import, CLI.
use crate::common;

use common::{hidden, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod libreoffice;

const HEADER: &str = "nik,kk_number,name,sex,birth_date,village_code,rt,rw,address,phone,categories,dtks_registered,dtks_ref,notes";

/// Ten rows, of which rows 4, 7 and 10 (spreadsheet numbering, header = 1) are bad:
/// month 13 in the NIK, sex not matching the NIK, a village outside the region.
fn persons_csv() -> String {
    let mut lines = vec![HEADER.to_string()];
    for i in 0..9u32 {
        let day = i + 1;
        let mut nik = format!("327904{day:02}0580{:04}", i + 1);
        let mut sex = "L";
        let mut village = "32.79.04.2002";
        match i {
            2 => nik = format!("3279040113800{:03}", i + 1),
            5 => sex = "P",
            8 => village = "32.07.01.1001",
            _ => {}
        }
        lines.push(format!(
            "{nik},,Warga Impor {i},{sex},1980-05-{day:02},{village},1,2,,,fakir_miskin,ya,,"
        ));
    }
    lines.join("\n") + "\n"
}

async fn import_api(app: &TestApp, token: &str, kind: &str, query: &str, body: Vec<u8>) -> Value {
    let r = Client::new()
        .post(app.url(&format!("/api/v1/import/{kind}?{query}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Uploads a persons file through the import page as a browser does; the preview's URL.
async fn upload_persons(
    app: &TestApp,
    b: &Client,
    csrf: &str,
    file: Vec<u8>,
    name: &str,
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_string())
        .text("kind", "persons")
        .part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name(name.to_string()),
        );
    let r = b
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn person_total(app: &TestApp, token: &str) -> i64 {
    app.get(token, "/api/v1/persons")
        .await
        .json::<Value>()
        .await
        .unwrap()["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn three_bad_rows_are_reported_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = import_api(&app, &op, "persons", "mode=all", persons_csv().into_bytes()).await;
    let mut rows: Vec<u64> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    rows.dedup();
    assert_eq!(rows, vec![4, 7, 10], "{r}");
    let cols: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["column"].as_str().unwrap())
        .collect();
    assert_eq!(cols, vec!["nik", "sex", "village_code"]);
    assert_eq!(r["total"], 9);
    assert_eq!(r["valid"], 6);
    assert_eq!(r["created"], 0);
    assert_eq!(r["committed"], false);
    assert_eq!(person_total(&app, &op).await, 0);

    // Valid rows only: six written; the same file again writes nothing new.
    let r = import_api(
        &app,
        &op,
        "persons",
        "mode=valid",
        persons_csv().into_bytes(),
    )
    .await;
    assert_eq!(r["created"], 6);
    assert_eq!(person_total(&app, &op).await, 6);
    let r = import_api(
        &app,
        &op,
        "persons",
        "mode=valid",
        persons_csv().into_bytes(),
    )
    .await;
    assert_eq!(r["created"], 0);
    assert_eq!(r["skipped"], 6);
    assert_eq!(person_total(&app, &op).await, 6);
    // The audit records the batch.
    let admin = app.token("admin").await;
    let a: Value = app
        .get_json(&admin, "/api/v1/audit?entity=person&action=import")
        .await;
    assert_eq!(a["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn xlsx_template_round_trip_and_kube_import() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let b = app.browser_login("operator").await;
    let t = b
        .get(app.url("/import/template/persons.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), StatusCode::OK);
    let tpl = sheets::read(&t.bytes().await.unwrap(), &sheets::Limits::UPLOAD).unwrap();
    assert_eq!(tpl[0][0], "NIK");
    // Six persons of Langensari as an XLSX file written with the template's columns.
    let header: Vec<&str> = tpl[0].iter().map(String::as_str).collect();
    let at = |h: &str| header.iter().position(|x| *x == h).unwrap();
    let mut rows = Vec::new();
    for i in 0..6u32 {
        let mut r: Vec<sheets::Cell> = vec![sheets::Cell::Empty; header.len()];
        r[at("NIK")] = sheets::Cell::Text(format!("327904{:02}0785{:04}", i + 41, i + 1));
        r[at("Nama")] = sheets::Cell::Text(format!(
            "Ibu Kelompok {}",
            ["Satu", "Dua", "Tiga", "Empat", "Lima", "Enam"][i as usize]
        ));
        r[at("Jenis Kelamin (L/P)")] = sheets::Cell::Text("P".into());
        r[at("Tanggal Lahir")] = sheets::Cell::Date(format!("1985-07-{:02}", i + 1));
        r[at("Desa/Kelurahan")] = sheets::Cell::Text("32.79.04.2003".into());
        r[at("Kategori")] = sheets::Cell::Text("wrse".into());
        rows.push(r);
    }
    let xlsx = sheets::write_xlsx("Data", &header, &rows).unwrap();
    let r = import_api(&app, &op, "persons", "", xlsx).await;
    assert_eq!(r["created"], 6, "{r}");

    // A KUBE of the six, one row per member.
    let mut csv = String::from(
        "kube_name,business_type,village_code,formed_on,funding_source,member_nik,member_role\n",
    );
    for i in 0..6u32 {
        let role = ["ketua", "sekretaris", "bendahara"]
            .get(i as usize)
            .copied()
            .unwrap_or("anggota");
        csv += &format!("KUBE Wanoja,makanan_olahan,32.79.04.2003,2012-05-01,apbd_kota,327904{:02}0785{:04},{role}\n", i + 41, i + 1);
    }
    csv += "KUBE Kosong,warungan,32.79.04.2003,2012-05-01,apbd_kota,3279040101010001,ketua\n";
    let r = import_api(&app, &op, "kube", "mode=valid", csv.clone().into_bytes()).await;
    assert_eq!(r["created"], 1, "{r}");
    let bad: Vec<u64> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["row"].as_u64().unwrap())
        .collect();
    assert_eq!(bad, vec![8], "the unknown NIK on row 8: {r}");
    let k: Value = app.get_json(&op, "/api/v1/kube?q=wanoja").await;
    assert_eq!(k["items"][0]["member_count"], 6);
    // Again: the KUBE exists, nothing new.
    let r = import_api(&app, &op, "kube", "mode=valid", csv.into_bytes()).await;
    assert_eq!(r["created"], 0);
    assert_eq!(r["skipped"], 6);
    // The membership rules hold for a file as for the form: a child's row is refused
    // with the rule, and the whole group with it.
    let adults = common::persons_in(&app, &op, "32.79.04.2003", 5, 47).await;
    let child: Value = app
        .post(
            &op,
            "/api/v1/persons",
            json!({"nik": "3279040101180009", "name": "Anak Sekolah",
            "sex": "L", "birth_date": "2018-01-01", "village_code": "32.79.04.2003",
            "confirm_duplicate": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut csv = String::from(
        "kube_name,business_type,village_code,formed_on,funding_source,member_nik,member_role\n",
    );
    for (i, id) in adults.iter().enumerate() {
        let p = app.get_json(&op, &format!("/api/v1/persons/{id}")).await;
        let role = ["ketua", "sekretaris", "bendahara"]
            .get(i)
            .copied()
            .unwrap_or("anggota");
        csv += &format!(
            "KUBE Aturan Impor,warungan,32.79.04.2003,2026-05-01,apbd_kota,{},{role}\n",
            p["nik"].as_str().unwrap()
        );
    }
    csv += &format!(
        "KUBE Aturan Impor,warungan,32.79.04.2003,2026-05-01,apbd_kota,{},anggota\n",
        child["nik"].as_str().unwrap()
    );
    let r = import_api(&app, &op, "kube", "mode=valid", csv.into_bytes()).await;
    assert_eq!(r["created"], 0, "{r}");
    let child_row = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["row"] == 7)
        .cloned()
        .unwrap_or_default();
    assert!(child_row.to_string().contains("Usia produktif"), "{r}");
    app.stop().await;
}

#[tokio::test]
async fn import_pages_preview_commit_and_download_rejected_rows() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("operator").await;
    let page = app.page(&b, "/import").await;
    assert!(
        page.contains("action=\"/import\""),
        "the CSRF token is not in the URL"
    );
    let action = hidden(&page, "_csrf");
    // A token in the URL is not accepted (proxies log URLs).
    let form = reqwest::multipart::Form::new().text("kind", "persons");
    let r = b
        .post(app.url(&format!("/import?_csrf={action}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let preview_url =
        upload_persons(&app, &b, &action, persons_csv().into_bytes(), "warga.csv").await;
    let preview = app.page(&b, &preview_url).await;
    assert!(preview.contains("id=\"bad\">3<"), "three bad rows shown");
    assert!(preview.contains("Bulan lahir pada NIK harus 01–12"));
    let csrf = hidden(&preview, "_csrf");
    // All or nothing: refused, nothing written.
    let r = b
        .post(app.url(&format!("{preview_url}/commit")))
        .form(&[("_csrf", csrf.as_str()), ("mode", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let op = app.token("operator").await;
    assert_eq!(person_total(&app, &op).await, 0);
    // Valid rows only.
    let r = b
        .post(app.url(&format!("{preview_url}/commit")))
        .form(&[("_csrf", csrf.as_str()), ("mode", "valid")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let done = app.page(&b, &preview_url).await;
    assert!(
        done.contains("Impor selesai: 6 disimpan, 0 dilewati, 3 ditolak."),
        "{done}"
    );
    assert_eq!(person_total(&app, &op).await, 6);
    let rej = app
        .page(&b, &format!("{preview_url}/rejected/ditolak.csv"))
        .await;
    let lines: Vec<&str> = rej.lines().collect();
    assert_eq!(lines.len(), 4, "header and three rows: {rej}");
    assert!(lines[0].ends_with("Alasan"));
    // Committing again does nothing.
    let r = b
        .post(app.url(&format!("{preview_url}/commit")))
        .form(&[("_csrf", csrf.as_str()), ("mode", "valid")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(person_total(&app, &op).await, 6);
    // A file that is no spreadsheet.
    let form = reqwest::multipart::Form::new()
        .text("_csrf", action.clone())
        .text("kind", "persons")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"PK\x03\x04nonsense".to_vec()).file_name("x.xlsx"),
        );
    let r = b
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token: refused.
    let form = reqwest::multipart::Form::new().text("kind", "persons");
    let r = b
        .post(app.url("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// An upload is checked once, when it arrives; viewing it shows what that check found
/// (and when) without reading the file again. "Check again" sees the registry as it is.
#[tokio::test]
async fn an_upload_is_checked_once_and_viewed_as_it_was_checked() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("operator").await;
    let csrf = hidden(&app.page(&b, "/import").await, "_csrf");
    let preview_url =
        upload_persons(&app, &b, &csrf, persons_csv().into_bytes(), "warga.csv").await;
    let admin = app.token("admin").await;
    let checks = || async {
        app.get_json(&admin, "/api/v1/audit?action=import_check")
            .await["total"]
            .as_i64()
            .unwrap()
    };
    // When it was checked, by the office's clock (whatever instant the suite runs at).
    let checked = format!("Diperiksa {}", app.today().format("%d-%m-%Y"));
    for _ in 0..3 {
        let page = app.page(&b, &preview_url).await;
        assert!(page.contains("id=\"valid\">6<"), "{page}");
        assert!(
            page.contains(&checked) && page.contains(" WIB</small>"),
            "{page}"
        );
    }
    assert_eq!(checks().await, 1, "three views, one check");
    // Someone registers one of the file's persons meanwhile: the kept check still shows
    // the file as it was checked, until it is checked again.
    let op = app.token("operator").await;
    let r = app
        .post(
            &op,
            "/api/v1/persons",
            serde_json::json!({"nik": "3279040105800001", "name": "Warga Impor 0", "sex": "L",
                "birth_date": "1980-05-01", "village_code": "32.79.04.2002",
                "categories": ["fakir_miskin"], "confirm_duplicate": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(app.page(&b, &preview_url).await.contains("id=\"valid\">6<"));
    let r = b
        .post(app.url(&format!("{preview_url}/check")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&b, &preview_url).await;
    assert!(
        page.contains("id=\"valid\">5<") && page.contains("id=\"skipped\">1<"),
        "{page}"
    );
    assert!(page.contains("Berkas diperiksa ulang"), "{page}");
    assert_eq!(checks().await, 2);
    // The kept reasons are read in the reader's language.
    let r = b
        .post(app.url("/profile/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    let en = app.page(&b, &preview_url).await;
    assert!(en.contains("Birth month in the NIK must be 01–12"), "{en}");
    // Another account's upload is not found.
    let other = app.browser_login("kabid").await;
    let r = other.get(app.url(&preview_url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn exports_are_real_spreadsheets_masked_and_audited() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    import_api(
        &app,
        &op,
        "persons",
        "mode=valid",
        persons_csv().into_bytes(),
    )
    .await;
    let r = app
        .get(&op, "/api/v1/persons/export?format=xlsx&q=impor")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".xlsx"));
    let rows = sheets::read(&r.bytes().await.unwrap(), &sheets::Limits::UPLOAD).unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0][0], "nik");
    assert_eq!(rows[1][4], "1980-05-01", "dates are dates");
    assert!(rows[1][0].starts_with("327904") && !rows[1][0].contains('•'));
    let aud = app.token("auditor").await;
    let csv = app
        .get(&aud, "/api/v1/persons/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("3279••••••••"), "masked for the auditor");
    let admin = app.token("admin").await;
    let a: Value = app.get_json(&admin, "/api/v1/audit?action=export").await;
    assert_eq!(a["total"], 2);
    assert_eq!(a["items"][1]["after"]["rows"], 6);
    assert_eq!(a["items"][1]["username"], "operator");
    let k = app.get(&op, "/api/v1/kube/export?format=csv").await;
    assert_eq!(k.status(), StatusCode::OK);
    assert_eq!(
        app.get(&op, "/api/v1/persons/export?format=pdf")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.stop().await;
}

#[tokio::test]
async fn cli_import_with_progress() {
    let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
    let fresh = app::FreshDatabase::create(pg.as_deref()).await.unwrap();
    let url = fresh.url().to_string();
    let dir = std::env::temp_dir().join(format!("sikube-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("warga.csv");
    std::fs::write(&file, persons_csv()).unwrap();
    let rejected = dir.join("ditolak.csv");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sikube"))
            .env("SIKUBE_CLOCK", crate::common::test_instant())
            .args(args)
            .env("SIKUBE_DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = run(&["import", "persons", file.to_str().unwrap()]);
    assert!(!out.status.success(), "all-or-nothing fails on bad rows");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("row 4: nik:"), "{stdout}");
    assert!(stdout.contains("nothing written"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checking rows: 9/9"));
    let out = run(&[
        "import",
        "persons",
        file.to_str().unwrap(),
        "--mode",
        "valid",
        "--rejected",
        rejected.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("6 written"));
    assert_eq!(
        std::fs::read_to_string(&rejected).unwrap().lines().count(),
        4
    );
    let out = run(&[
        "import",
        "persons",
        file.to_str().unwrap(),
        "--mode",
        "valid",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("6 already registered (skipped), 3 rejected; 0 written"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Browsers and HTTP libraries ask for gzip: the streamed exports arrive whole through
/// the compression layer (they once ended with a broken chunk).
#[tokio::test]
async fn compressed_exports_arrive_whole() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    import_api(
        &app,
        &op,
        "persons",
        "mode=valid",
        persons_csv().into_bytes(),
    )
    .await;
    for path in [
        "/api/v1/persons/export?format=xlsx",
        "/api/v1/persons/export?format=csv",
        "/api/v1/kube/export?format=xlsx",
        "/api/v1/kube/export?format=csv",
    ] {
        let r = reqwest::Client::new()
            .get(app.url(path))
            .bearer_auth(&op)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-encoding"], "gzip", "{path}");
        let body = r.bytes().await;
        assert!(
            body.is_ok_and(|b| b.starts_with(&[0x1f, 0x8b])),
            "{path}: the whole body"
        );
    }
    app.stop().await;
}

/// The CSV template opens in an Indonesian-locale spreadsheet as columns (`;`, a UTF-8
/// mark), its example writes dates day first, its NIK and KK belong to the example's
/// village — the example row, uploaded as it is, is valid — and errors name the columns
/// in the reader's language.
#[tokio::test]
async fn the_csv_template_is_as_an_indonesian_office_opens_it() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let b = app.browser_login("operator").await;
    let csv = b
        .get(app.url("/import/template/persons.csv"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 mark");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("NIK;") && !header.contains(','),
        "{header}"
    );
    let example: Vec<&str> = lines.next().unwrap().split(';').collect();
    let village = example
        .iter()
        .find(|c| c.starts_with("32.79."))
        .expect("a village of the region");
    assert_eq!(
        &example[0][..6],
        &village[..8].replace('.', ""),
        "NIK of the village's kecamatan"
    );
    assert!(example.contains(&"17/08/1992"), "{example:?}");
    let r = import_api(&app, &op, "persons", "dry_run=true", csv.clone()).await;
    assert_eq!(
        (r["valid"].as_i64(), r["errors"].as_array().unwrap().len()),
        (Some(1), 0),
        "{r}"
    );
    // The KUBE template's example member is the persons template's example person.
    let kube = b
        .get(app.url("/import/template/kube.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(kube.contains(example[0]), "{kube}");
    // A faulty row names its column as the reader reads.
    let bad = format!(
        "{header}\n{}",
        example.join(";").replacen("17/08/1992", "31/02/1992", 1)
    );
    let r = import_api(
        &app,
        &op,
        "persons",
        "dry_run=true",
        bad.clone().into_bytes(),
    )
    .await;
    assert_eq!(r["errors"][0]["column"], "birth_date");
    assert_eq!(r["errors"][0]["heading"], "Tanggal lahir");
    let en: Value = Client::new()
        .post(app.url("/api/v1/import/persons?dry_run=true"))
        .bearer_auth(&op)
        .header("Accept-Language", "en")
        .body(bad.into_bytes())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(en["errors"][0]["heading"], "Date of birth");
    app.stop().await;
}

/// A DTSEN extract in two years' layouts: persons matched by NIK get their decile and
/// period, the others are marked not in DTSEN for that period, NIKs new to SIKUBE come
/// back as rows to register (never created); from then on the DTSEN rules refuse.
#[tokio::test]
async fn a_dtsen_extract_in_either_layout_sets_deciles_and_the_rules_follow() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = common::persons_in(&app, &op, common::REJASARI, 7, 51).await;
    let mut niks = Vec::new();
    for id in &ids {
        let p = app.get_json(&op, &format!("/api/v1/persons/{id}")).await;
        niks.push(p["nik"].as_str().unwrap().to_string());
    }
    // This year's layout: its headings are among those the import knows.
    let mut csv = String::from("NIK_ART;NO_KK;NAMA_ART;DESIL_NASIONAL;PERIODE_DATA\n");
    for (i, nik) in niks[..5].iter().enumerate() {
        csv += &format!("{nik};;Warga;{};2025-10\n", if i == 4 { 7 } else { 2 });
    }
    csv += "3279049999990001;;Orang Baru;1;2025-10\n";
    csv += &format!("{};;Desil Salah;11;2025-10\n", niks[6]);
    // A pendamping may not import it.
    let field = app.token("p.langensari").await;
    let r = Client::new()
        .post(app.url("/api/v1/import/dtsen?mode=valid"))
        .bearer_auth(&field)
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = import_api(&app, &op, "dtsen", "mode=valid", csv.into_bytes()).await;
    assert_eq!(r["created"], 5, "{r}");
    // The report: matched, new to SIKUBE, and every other person not in the extract.
    assert_eq!(r["new_niks"], 1, "{r}");
    let all = app.get_json(&op, "/api/v1/persons?limit=1").await["total"]
        .as_i64()
        .unwrap();
    assert_eq!(r["not_in_extract"], all - 5, "{r}");
    let errors = r["errors"].to_string();
    assert!(errors.contains("NIK belum terdaftar di SIKUBE"), "{r}");
    assert!(errors.contains("Desil harus angka 1–10"), "{r}");
    let p = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[0]))
        .await;
    assert_eq!(
        (p["dtsen_decile"].as_i64(), p["dtsen_period"].as_str()),
        (Some(2), Some("2025-10"))
    );
    let absent = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[5]))
        .await;
    assert!(
        absent["dtsen_decile"].is_null() && absent["dtsen_period"] == "2025-10",
        "{absent}"
    );
    // The DTSEN rules now refuse: the one above the bound and the one not listed.
    let members = |extra: i64| {
        let roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"];
        let mut m: Vec<Value> = ids[..4]
            .iter()
            .enumerate()
            .map(|(i, id)| json!({"person_id": id, "role": roles[i]}))
            .collect();
        m.push(json!({"person_id": extra, "role": "anggota"}));
        json!({"name": format!("KUBE DTSEN {extra}"), "business_type": "warungan",
            "village_code": common::REJASARI, "formed_on": "2026-11-01",
            "funding_source": "apbd_kota", "members": m})
    };
    for (who, rule) in [(ids[4], "Desil DTSEN"), (ids[5], "Terdaftar di DTSEN")] {
        let r = app.post(&op, "/api/v1/kube", members(who)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(e.to_string().contains(rule), "{rule}: {e}");
    }
    // Proposed to DTSEN: a beneficiary the extract does not list; the office's list and
    // its spreadsheet (audited); not for a pendamping.
    let g: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Bantuan WRSE 2026", "year": 2026,
            "funding_source": "apbd_kota", "target": "individual", "budget": 10_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .post(
            &op,
            &format!("/api/v1/programmes/{}/enrolments", g["id"]),
            json!({"person_id": ids[5]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let usulan = app.get_json(&op, "/api/v1/dtsen/usulan").await;
    let listed: Vec<i64> = usulan
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, vec![ids[5]], "{usulan}");
    assert_eq!(usulan[0]["programme"], "Bantuan WRSE 2026");
    let xlsx = app
        .get(&op, "/api/v1/dtsen/usulan.xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let rows = sheets::read(&xlsx, &sheets::Limits::UPLOAD).unwrap();
    assert!(format!("{rows:?}").contains(&niks[5]), "{rows:?}");
    assert_eq!(
        app.get(&field, "/api/v1/dtsen/usulan").await.status(),
        StatusCode::FORBIDDEN
    );
    let b = app.browser_login("operator").await;
    let page = app.page(&b, "/dtsen").await;
    assert!(
        page.contains("1 orang untuk diusulkan") && page.contains(&niks[5]),
        "{page}"
    );
    // Next year's layout, its headings mapped by the office.
    let mut csv = String::from("No. Induk;Kelompok Kesejahteraan;Bulan\n");
    csv += &format!("{};3;2026-04\n", niks[5]);
    let r = import_api(
        &app,
        &op,
        "dtsen",
        "mode=valid&map=nik%3DNo.%20Induk%3Bdecile%3DKelompok%20Kesejahteraan%3Bperiod%3DBulan",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(r["created"], 1, "{r}");
    let now = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[5]))
        .await;
    assert_eq!(
        (now["dtsen_decile"].as_i64(), now["dtsen_period"].as_str()),
        (Some(3), Some("2026-04"))
    );
    let before = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[0]))
        .await;
    assert!(
        before["dtsen_decile"].is_null(),
        "not in the newer extract: {before}"
    );
    let r = app.post(&op, "/api/v1/kube", members(ids[5])).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the four others are not in it now"
    );
    app.stop().await;
}
