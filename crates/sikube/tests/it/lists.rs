//! Every list pages, sorts and exports the same way (`web::list`): the export holds the
//! rows the caller's list holds — no more, none from outside their kecamatan — under the
//! list's columns, and is audited; a column sorts both ways; an unknown sort is ignored.
use crate::common;

use common::{kube_body, persons_in, TestApp, REJASARI};
use reqwest::StatusCode;
use serde_json::{json, Value};
use web::api::types::{AuditOut, KubeOut, ListOf, PersonOut, ProposalOut, TrainingOut};

/// A KUBE of Rejasari with a proposal, and a training there.
async fn records(app: &TestApp) {
    let op = app.token("operator").await;
    let members = persons_in(app, &op, REJASARI, 5, 70).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Daftar", REJASARI, &members),
        )
        .await
        .json()
        .await
        .unwrap();
    let item: Value = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    for (name, budget) in [("UEP Kota", 100_000_000), ("UEP Provinsi", 50_000_000)] {
        let g: Value = app
            .post(&op, "/api/v1/programmes", json!({"name": name, "year": 2026, "funding_source": "apbd_kota", "target": "kube", "budget": budget}))
            .await
            .json()
            .await
            .unwrap();
        let qty = if budget > 60_000_000 { 3 } else { 1 };
        let r = app
            .post(&op, "/api/v1/proposals", json!({"kube_id": k["id"], "programme_id": g["id"], "items": [{"item_id": item["id"], "quantity": qty}], "justification": "x"}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = app
        .post(&op, "/api/v1/trainings", json!({"title": "Bimtek Ternak", "kind": "pelatihan", "starts_on": "2026-02-01", "ends_on": "2026-02-02", "village_code": REJASARI}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn csv(app: &TestApp, token: &str, path: &str) -> Vec<Vec<String>> {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let bytes = r.bytes().await.unwrap();
    sheets::read(&bytes, &sheets::Limits::UPLOAD).unwrap()
}

#[tokio::test]
async fn every_list_exports_what_its_caller_sees_and_is_audited() {
    let app = TestApp::spawn().await;
    records(&app).await;
    let op = app.token("operator").await;
    let other = app.token("p.pataruman").await;
    for (list, first) in [
        ("persons", "nik"),
        ("kube", "registration_number"),
        ("proposals", "id"),
        ("trainings", "id"),
    ] {
        let total = app.get_json(&op, &format!("/api/v1/{list}?limit=1")).await["total"]
            .as_i64()
            .unwrap();
        assert!(total > 0, "{list}");
        let rows = csv(&app, &op, &format!("/api/v1/{list}/export?format=csv")).await;
        assert_eq!(rows[0][0], first, "{list} columns");
        assert_eq!(rows.len() as i64 - 1, total, "{list}: one row per record");
        // The page's export link reaches the same file.
        let page = csv(&app, &op, &format!("/{list}/export?format=csv")).await;
        assert_eq!(page, rows, "{list}: page and API export agree");
        // A pendamping of Pataruman exports none of Rejasari's records.
        let theirs = csv(&app, &other, &format!("/api/v1/{list}/export?format=csv")).await;
        assert_eq!(
            theirs.len(),
            1,
            "{list}: only the header for another kecamatan"
        );
    }
    // The filters of the list apply to its export.
    let one = csv(
        &app,
        &op,
        "/api/v1/proposals/export?format=csv&state=draft&sort=-total",
    )
    .await;
    assert_eq!(one.len(), 3);
    let total = one[0].iter().position(|c| c == "total").unwrap();
    assert_eq!(one[1][total], "6000000", "sorted by total, largest first");
    assert!(one[1].contains(&"KUBE Daftar".to_string()));
    assert_eq!(
        csv(&app, &op, "/api/v1/trainings/export?format=csv&q=tidak-ada")
            .await
            .len(),
        1
    );
    // Accounts are for admins only.
    assert_eq!(
        app.get(&op, "/api/v1/users/export?format=csv")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.token("admin").await;
    let users = csv(
        &app,
        &admin,
        "/api/v1/users/export?format=csv&role=pendamping",
    )
    .await;
    assert_eq!(users[0][0], "username");
    let names: Vec<&str> = users[1..].iter().map(|r| r[0].as_str()).collect();
    assert!(names.contains(&"p.pataruman") && !names.contains(&"operator"));
    // Each export is in the audit log, under its entity.
    let a: Value = app
        .get_json(&admin, "/api/v1/audit?action=export&limit=100")
        .await;
    let entities: Vec<&str> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"].as_str().unwrap())
        .collect();
    for e in ["person", "kube", "proposal", "training", "user"] {
        assert!(entities.contains(&e), "{e} export audited: {entities:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn list_columns_sort_both_ways_and_unknown_sorts_are_ignored() {
    let app = TestApp::spawn().await;
    records(&app).await;
    let admin = app.token("admin").await;
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_string())
            .collect()
    };
    let up = names(&app.get_json(&admin, "/api/v1/users?sort=username").await);
    let mut down = names(&app.get_json(&admin, "/api/v1/users?sort=-username").await);
    down.reverse();
    assert!(up.len() > 3);
    assert_eq!(up, down);
    for bad in ["password_hash", "-id;DROP TABLE users", "username%20DESC"] {
        let r = app.get(&admin, &format!("/api/v1/users?sort={bad}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{bad}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(names(&v), up, "{bad} falls back to the default order");
    }
    // Accounts never logged in come first going up and last going down, on both backends.
    let first_login = |v: Value| v["items"][0]["last_login_at"].clone();
    assert!(first_login(app.get_json(&admin, "/api/v1/users?sort=last_login").await).is_null());
    assert!(first_login(app.get_json(&admin, "/api/v1/users?sort=-last_login").await).is_string());
    let op = app.token("operator").await;
    let totals = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["total"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        totals(&app.get_json(&op, "/api/v1/proposals?sort=total").await),
        [2_000_000, 6_000_000]
    );
    assert_eq!(
        totals(&app.get_json(&op, "/api/v1/proposals?sort=-total").await),
        [6_000_000, 2_000_000]
    );
    // The page's headers sort, the sorted column is marked, the export keeps the order.
    let b = app.browser_login("operator").await;
    let html = app.page(&b, "/proposals?sort=total").await;
    assert!(
        html.contains(r#"href="/proposals?sort=-total" class="sort""#),
        "{html}"
    );
    assert!(html.contains("▲"));
    assert!(
        html.contains(r#"href="/proposals/export?sort=total&#38;format=xlsx""#),
        "{html}"
    );
    let html = app.page(&b, "/trainings").await;
    assert!(html.contains(r#"href="/trainings?sort=starts_on" class="sort""#));
    assert!(html.contains(r#"href="/trainings/export?format=csv""#));
    app.stop().await;
}

#[tokio::test]
async fn the_audit_trail_exports_as_its_list_masked_as_the_role_sees_it() {
    let app = TestApp::spawn().await;
    records(&app).await;
    let op = app.token("operator").await;
    let admin = app.token("admin").await;
    let auditor = app.token("auditor").await;
    let persons: ListOf<PersonOut> = app.get_as(&op, "/api/v1/persons?limit=500").await;
    let niks: Vec<String> = persons.items.into_iter().map(|p| p.nik).collect();
    assert!(niks.len() >= 5);
    let filter = "entity=person&action=create";
    let total = app
        .get_as::<ListOf<AuditOut>>(&admin, &format!("/api/v1/audit?{filter}&limit=1"))
        .await
        .total;
    assert!(total >= 5);
    let full = csv(
        &app,
        &admin,
        &format!("/api/v1/audit/export?format=csv&{filter}"),
    )
    .await;
    assert_eq!(
        full[0],
        ["at", "username", "action", "entity", "entity_id", "changes"]
    );
    assert_eq!(full.len() as i64 - 1, total, "one row per entry");
    assert!(full[1..]
        .iter()
        .all(|r| r[2] == "create" && r[3] == "person"));
    let joined = |rows: &[Vec<String>]| rows.concat().join(" ");
    assert!(niks.iter().any(|n| joined(&full).contains(n.as_str())));
    // The auditor reads the same entries with every NIK masked.
    let masked = csv(
        &app,
        &auditor,
        &format!("/audit/export?format=csv&{filter}"),
    )
    .await;
    assert_eq!(masked.len(), full.len());
    assert!(niks.iter().all(|n| !joined(&masked).contains(n.as_str())));
    // Others may not; a malformed date is a 422 naming the field.
    for path in [
        "/api/v1/audit/export?format=csv",
        "/audit/export?format=csv",
    ] {
        assert_eq!(app.get(&op, path).await.status(), StatusCode::FORBIDDEN);
    }
    let r = app
        .get(&admin, "/api/v1/audit/export?format=csv&from=2026-13-01")
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("from"));
    // The exports are themselves in the trail, with the filters asked for.
    let a: ListOf<AuditOut> = app
        .get_as(&admin, "/api/v1/audit?action=export&entity=audit")
        .await;
    assert_eq!(a.total, 2);
    assert_eq!(a.items[0].after["entity"], "person");
    // The page links its export with its filters.
    let b = app.browser_login("admin").await;
    let html = app.page(&b, "/audit?entity=person").await;
    assert!(
        html.contains(r#"href="/audit/export?entity=person&#38;format=csv""#),
        "{html}"
    );
    app.stop().await;
}

/// The API's own types (`web::api::types`) read its answers: what a Rust client or a test
/// gets is checked by the compiler rather than by field names in untyped JSON.
#[tokio::test]
async fn the_api_types_read_every_list() {
    let app = TestApp::spawn().await;
    records(&app).await;
    let op = app.token("operator").await;
    let kube: ListOf<KubeOut> = app.get_as(&op, "/api/v1/kube").await;
    assert_eq!(kube.items[0].name, "KUBE Daftar");
    assert_eq!(kube.items[0].formed_on.to_string(), "2012-05-14");
    let proposals: ListOf<ProposalOut> = app.get_as(&op, "/api/v1/proposals").await;
    assert_eq!(proposals.total, 2);
    assert!(proposals
        .items
        .iter()
        .all(|p| p.kube_id == kube.items[0].id));
    let trainings: ListOf<TrainingOut> = app.get_as(&op, "/api/v1/trainings").await;
    assert_eq!(trainings.items[0].starts_on.to_string(), "2026-02-01");
    let persons: ListOf<PersonOut> = app.get_as(&op, "/api/v1/persons?limit=1").await;
    assert_eq!((persons.limit, persons.items.len()), (1, 1));
    let admin = app.token("admin").await;
    let audit: ListOf<AuditOut> = app.get_as(&admin, "/api/v1/audit?entity=kube").await;
    assert_eq!(audit.items[0].action, "create");
    app.stop().await;
}

/// The audit page names actions and records in words, and a spreadsheet a person
/// downloads is headed in their language, `;`-separated with dates day first; an API
/// client gets the columns' stable codes in plain CSV.
#[tokio::test]
async fn the_audit_speaks_the_office_language_and_exports_are_headed_for_their_reader() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    persons_in(&app, &op, common::REJASARI, 1, 81).await;
    let b = app.browser_login("auditor").await;
    let page = app.page(&b, "/audit?entity=person").await;
    assert!(
        page.contains("<td>Membuat</td>") && page.contains("<td>Penduduk #"),
        "{page}"
    );
    assert!(page.contains(" WIB</td>"), "local time");
    let csv = b
        .get(app.url("/audit/export?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // As an Indonesian-locale spreadsheet program opens it: a BOM and `;`.
    assert!(
        csv.starts_with("\u{feff}Waktu (WIB);Pengguna;Tindakan;"),
        "{}",
        &csv[..80.min(csv.len())]
    );
    let aud = app.token("auditor").await;
    let api = app
        .get(&aud, "/api/v1/audit/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        api.starts_with("at,username,action,"),
        "{}",
        &api[..60.min(api.len())]
    );
    // A person's list with dates: written day first for them, ISO for a program.
    let b = app.browser_login("operator").await;
    let mine = b
        .get(app.url("/persons/export?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let api = app
        .get(&op, "/api/v1/persons/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let iso = regex_free_iso_date(&api).expect("an ISO date in the API's CSV");
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    assert!(mine.contains(&format!(";{d}-{m}-{y};")), "{mine}");
    app.stop().await;
}

/// The first `;`- or `,`-delimited field that is an ISO date.
fn regex_free_iso_date(csv: &str) -> Option<String> {
    csv.split(['\n', ',', ';'])
        .find(|f| {
            f.len() == 10
                && f.bytes().enumerate().all(|(i, b)| match i {
                    4 | 7 => b == b'-',
                    _ => b.is_ascii_digit(),
                })
        })
        .map(String::from)
}
