//! The access log of personal data over HTTP: a pendamping's reads (page and API) and NIK
//! lookup, an operator's export with its filter and count — each found by person and by
//! account, from where; masked for the auditor where the export's filter named a NIK;
//! only the administrator and the auditor read it.
use crate::common::{persons_in, TestApp, REJASARI};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn reads_lookups_and_exports_are_in_the_access_log() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 2, 41).await;
    let pd = app.token("p.langensari").await;
    let p: Value = app
        .get_json(&pd, &format!("/api/v1/persons/{}", ids[0]))
        .await;
    let nik = p["nik"].as_str().unwrap().to_string();
    let br = app.browser_login("p.langensari").await;
    app.page(&br, &format!("/persons/{}", ids[0])).await;
    // The pendamping searches a whole NIK (a counted lookup): the operator's full NIK is
    // read from the operator's own view.
    let full: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[1]))
        .await;
    let nik1 = full["nik"].as_str().unwrap().to_string();
    let r = app.get(&pd, &format!("/api/v1/persons?q={nik1}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .get(&op, &format!("/api/v1/persons/export?format=csv&q={nik1}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let admin = app.token("admin").await;
    let by_person: Value = app
        .get_json(&admin, &format!("/api/v1/access-log?person_id={}", ids[0]))
        .await;
    let reads: Vec<&Value> = by_person["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["username"] == "p.langensari" && a["action"] == "read")
        .collect();
    assert_eq!(
        reads.len(),
        2,
        "the API read and the page read: {by_person}"
    );
    assert_eq!(reads[0]["client"], "127.0.0.1");
    assert!(nik.contains('•'), "the pendamping reads it masked: {nik}");
    let lookups: Value = app
        .get_json(&admin, &format!("/api/v1/access-log?person_id={}", ids[1]))
        .await;
    assert!(
        lookups["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "lookup" && a["username"] == "p.langensari"),
        "{lookups}"
    );
    let pid = app.user_id("p.langensari").await;
    let by_user: Value = app
        .get_json(
            &admin,
            &format!("/api/v1/access-log?user_id={pid}&days=365"),
        )
        .await;
    assert_eq!(by_user["total"], 3, "two reads and a lookup: {by_user}");
    let oid = app.user_id("operator").await;
    let exports: Value = app
        .get_json(&admin, &format!("/api/v1/access-log?user_id={oid}"))
        .await;
    let export = exports["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "export")
        .expect("the export is logged");
    let detail: Value = serde_json::from_str(export["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (&detail["list"], &detail["rows"]),
        (&Value::from("person"), &Value::from(1))
    );
    assert!(export["detail"].as_str().unwrap().contains(&nik1));
    // The auditor reads the same entry with the NIK masked.
    let au = app.token("auditor").await;
    let masked: Value = app
        .get_json(&au, &format!("/api/v1/access-log?user_id={oid}"))
        .await;
    assert!(!masked.to_string().contains(&nik1), "{masked}");
    // Only they read it; no route writes it.
    for t in [&op, &pd] {
        assert_eq!(
            app.get(t, "/api/v1/access-log").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let b = app.browser_login("auditor").await;
    let page = app
        .page(&b, &format!("/access-log?person_id={}", ids[0]))
        .await;
    assert!(page.contains("p.langensari") && page.contains("Membaca data lengkap"));
    app.stop().await;
}
