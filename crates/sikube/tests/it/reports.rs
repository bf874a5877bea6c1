//! Reports against hand-computed figures: HTML, JSON, XLSX with real numbers, PDF text;
//! the public page without personal data.
use crate::common;

use common::{kube_body, persons_in, TestApp};
use serde_json::{json, Value};

/// Two KUBE in Langensari (one running, one inactive), one in Pataruman never visited.
async fn data(app: &TestApp) -> Vec<i64> {
    let op = app.token("operator").await;
    let mut ids = Vec::new();
    for (i, v) in ["32.79.04.2002", "32.79.04.2003", "32.79.02.1002"]
        .iter()
        .enumerate()
    {
        let p = persons_in(app, &op, v, 5, 50 + i).await;
        let k: Value = app
            .post(
                &op,
                "/api/v1/kube",
                kube_body(&format!("KUBE Laporan {i}"), v, &p),
            )
            .await
            .json()
            .await
            .unwrap();
        ids.push(k["id"].as_i64().unwrap());
    }
    let visit = |operating: bool, revenue: i64, days: i64| {
        json!({"visited_on": app.days_ago(days), "operating": operating, "meetings_held": 1,
        "members_present": 5, "books_up_to_date": true, "revenue": revenue, "expenses": revenue / 2, "savings_balance": 100_000, "asset_value": 1_000_000})
    };
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[0]),
        visit(true, 2_000_000, 5),
    )
    .await;
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[1]),
        visit(false, 0, 5),
    )
    .await;
    ids
}

#[tokio::test]
async fn kube_status_report_in_every_format() {
    let app = TestApp::spawn().await;
    data(&app).await;
    let op = app.token("operator").await;
    let r: Value = app.get_json(&op, "/api/v1/reports/kube-status").await;
    let cols: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        cols,
        [
            "Kecamatan",
            "Jenis usaha",
            "Tahun pembentukan",
            "Berjalan",
            "Perlu pendampingan",
            "Tidak aktif",
            "Bubar",
            "Belum dinilai",
            "Jumlah",
            "Masih berjalan"
        ]
    );
    // A subtotal and the running share per kecamatan, and the total (the article's
    // "40% still run" figure).
    assert_eq!(
        r["rows"],
        json!([
            ["Pataruman", "Ternak kambing", 2012, 0, 0, 0, 0, 1, 1, 0.0],
            ["Jumlah Pataruman", "", null, 0, 0, 0, 0, 1, 1, 0.0],
            ["Langensari", "Ternak kambing", 2012, 1, 0, 1, 0, 0, 2, 50.0],
            ["Jumlah Langensari", "", null, 1, 0, 1, 0, 0, 2, 50.0],
            ["Jumlah", "", null, 1, 0, 1, 0, 1, 3, 33.3],
        ])
    );
    // XLSX: header row and numbers that are numbers.
    let b = app.browser_login("kabid").await;
    let x = b
        .get(app.url("/reports/kube-status?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert!(x.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".xlsx\""));
    let cells = sheets::read_cells(&x.bytes().await.unwrap()).unwrap();
    assert_eq!(cells[0][0], sheets::Cell::Text("Kecamatan".into()));
    assert_eq!(cells[3][3], sheets::Cell::Int(1));
    assert_eq!(cells[3][8], sheets::Cell::Int(2));
    // PDF with the letterhead; its text can be read back.
    let p = b
        .get(app.url("/reports/kube-status?format=pdf"))
        .send()
        .await
        .unwrap();
    let text = pdf::extract_text(&p.bytes().await.unwrap());
    assert!(
        text.contains("Status KUBE menurut kecamatan")
            && text.contains("Langensari")
            && text.contains("DINAS SOSIAL"),
        "{text}"
    );
    // The page with its chart; filtered by kecamatan.
    let page = app
        .page(&b, "/reports/kube-status?district_code=32.79.02")
        .await;
    assert!(
        page.contains("<svg")
            && page.contains("Pataruman")
            && !page.contains("<td>Langensari</td>")
    );
    // A pendamping's report covers their kecamatan only.
    let pl = app.token("p.langensari").await;
    let r: Value = app.get_json(&pl, "/api/v1/reports/kube-status").await;
    // Its row, the kecamatan's subtotal and the total.
    assert_eq!(r["rows"].as_array().unwrap().len(), 3);
    assert!(!r.to_string().contains("Pataruman"));
    assert_eq!(app.get(&op, "/api/v1/reports/nothing").await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn outcome_training_and_aid_reports() {
    let app = TestApp::spawn().await;
    data(&app).await;
    let op = app.token("operator").await;
    let r: Value = app.get_json(&op, "/api/v1/reports/outcomes").await;
    let month = app.days_ago(5)[..7].to_string();
    // Two visits in the month: revenue 2,000,000 + 0; profit 1,000,000 + 0.
    assert_eq!(
        r["rows"][0],
        json!([month, 2, 2, 2_000_000, 1_000_000, 200_000, 2_000_000])
    );
    let t: Value = app.get_json(&op, "/api/v1/reports/trainings").await;
    assert_eq!(t["rows"], json!([]));
    let a: Value = app.get_json(&op, "/api/v1/reports/aid").await;
    assert_eq!(a["rows"], json!([]));
    let e: Value = app.get_json(&op, "/api/v1/reports/enrolments").await;
    assert_eq!(e["rows"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn public_page_is_opt_in_and_has_no_personal_data() {
    let off = TestApp::spawn().await;
    assert_eq!(
        reqwest::get(off.url("/publik")).await.unwrap().status(),
        404
    );
    off.stop().await;
    let app = TestApp::spawn_with(|c| c.public_page = true).await;
    data(&app).await;
    let page = reqwest::get(app.url("/publik"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"public-total\">3<"));
    assert!(page.contains("id=\"public-running\">1<"));
    assert!(page.contains("Rejasari") && page.contains("Pataruman"));
    assert!(
        !page.contains("Warga") && !page.contains("327904"),
        "no names, no NIK"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_letterhead_carries_the_configured_logo() {
    // A minimal JPEG frame header (40×20, RGB): enough for the PDF to embed and place it.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    jpeg.extend(b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
    jpeg.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x00, 0x28, 0x03]);
    jpeg.extend([0u8; 20]);
    let logo = pdf::Jpeg::parse(&jpeg).unwrap();
    let app = TestApp::spawn_with(|c| {
        c.office_logo = Some(logo);
        c.office_name = "Dinas Sosial Kota Contoh".into();
    })
    .await;
    let op = app.token("operator").await;
    let bytes = app
        .get(&op, "/api/v1/reports/kube-status?format=pdf")
        .await
        .bytes()
        .await
        .unwrap();
    let raw: String = bytes.iter().map(|&b| b as char).collect();
    assert!(raw.contains("/Subtype /Image") && raw.contains("/Im1 Do"));
    assert!(pdf::extract_text(&bytes).contains("DINAS SOSIAL KOTA CONTOH"));
    app.stop().await;
}
