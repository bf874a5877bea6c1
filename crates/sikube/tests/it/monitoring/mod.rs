//! Guidance and training, monitoring visits, health and the mentoring queue.
use crate::common;

use common::{hidden, kube_body, persons_in, TestApp, PATARUMAN, REJASARI, WARINGINSARI};
use reqwest::StatusCode;
use serde_json::{json, Value};

mod pages;
mod settings;

fn visit(date: &str, operating: bool) -> Value {
    json!({"visited_on": date, "operating": operating, "meetings_held": 2, "members_present": 5,
           "books_up_to_date": true, "revenue": 3_000_000, "expenses": 1_800_000,
           "savings_balance": 400_000, "asset_count": 12, "asset_value": 18_000_000})
}

#[tokio::test]
async fn training_summary_by_origin_village() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let rejasari = persons_in(&app, &op, REJASARI, 15, 11).await;
    let waringin = persons_in(&app, &op, WARINGINSARI, 5, 12).await;
    let r = app
        .post(&op, "/api/v1/trainings", json!({
            "title": "Bimbingan sosial dan teknis WRSE", "kind": "bimbingan_teknis", "business_type": "makanan_olahan",
            "starts_on": "2012-05-07", "ends_on": "2012-05-09", "village_code": REJASARI,
            "partner_agencies": ["Dinas Perindustrian dan Perdagangan", "Dinas Kesehatan"]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: Value = r.json().await.unwrap();
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["partner_agencies"].as_array().unwrap().len(), 2);
    for p in rejasari.iter().chain(&waringin) {
        let r = app
            .post(
                &op,
                &format!("/api/v1/trainings/{id}/participants"),
                json!({"person_id": p, "attended": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let s: Value = app
        .get_json(&op, &format!("/api/v1/trainings/{id}/summary"))
        .await;
    assert_eq!(
        s,
        json!([
            {"village_code": REJASARI, "name": "Rejasari", "participants": 15, "attended": 15},
            {"village_code": WARINGINSARI, "name": "Waringinsari", "participants": 5, "attended": 5},
        ])
    );
    let agencies: Value = app.get_json(&op, "/api/v1/partner-agencies").await;
    assert_eq!(agencies.as_array().unwrap().len(), 2);
    // Validation: technical guidance needs a business type; the end cannot precede the start.
    let r = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "x", "kind": "bimbingan_teknis", "starts_on": "2012-05-09",
            "ends_on": "2012-05-07", "village_code": REJASARI}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["business_type"].is_string());
    assert!(e["error"]["fields"]["ends_on"].is_string());
    // The page shows the summary.
    let b = app.browser_login("operator").await;
    let page = app.page(&b, &format!("/trainings/{id}")).await;
    assert!(page.contains("<td>Rejasari</td><td class=\"num\">15</td><td class=\"num\">15</td>"));
    app.stop().await;
}

#[tokio::test]
async fn completed_technical_guidance_needs_officers_and_eighty_percent() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 13).await;
    let mut kb = kube_body("KUBE Olahan", REJASARI, &ids);
    kb["business_type"] = json!("makanan_olahan");
    let k: Value = app
        .post(&op, "/api/v1/kube", kb)
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let g: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/guidance"))
        .await;
    assert_eq!(g["completed"], false);

    // Guidance of another business type does not count.
    let goat: Value = app
        .post(&op, "/api/v1/trainings", json!({"title": "Bimtek kambing", "kind": "bimbingan_teknis", "business_type": "ternak_kambing",
            "starts_on": "2012-06-01", "ends_on": "2012-06-01", "village_code": REJASARI}))
        .await
        .json()
        .await
        .unwrap();
    for p in &ids {
        app.post(
            &op,
            &format!("/api/v1/trainings/{}/participants", goat["id"]),
            json!({"person_id": p, "attended": true}),
        )
        .await;
    }
    let g: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/guidance"))
        .await;
    assert_eq!(g["completed"], false);

    let food: Value = app
        .post(&op, "/api/v1/trainings", json!({"title": "Bimtek olahan pangan", "kind": "bimbingan_teknis", "business_type": "makanan_olahan",
            "starts_on": "2012-06-02", "ends_on": "2012-06-02", "village_code": REJASARI}))
        .await
        .json()
        .await
        .unwrap();
    let tid = food["id"].as_i64().unwrap();
    // Ketua, sekretaris and one member attend (3 of 5 = 60%); the bendahara is registered but absent.
    for (i, p) in ids.iter().enumerate() {
        app.post(
            &op,
            &format!("/api/v1/trainings/{tid}/participants"),
            json!({"person_id": p, "attended": i != 2 && i != 4}),
        )
        .await;
    }
    let g: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/guidance"))
        .await;
    assert_eq!(g["completed"], false);
    assert_eq!(g["attended"], 3);
    let reasons = g["reasons"].to_string();
    assert!(
        reasons.contains("bendahara") && reasons.contains("perlu 80%"),
        "{reasons}"
    );
    // The KUBE page judges from the same attendance (read with its members).
    let web = app.browser_login("operator").await;
    let guidance_on_page = || async {
        let page = app.page(&web, &format!("/kube/{kid}")).await;
        let at = page
            .find("id=\"guidance\"")
            .expect("guidance on the KUBE page");
        page[at..at + page[at..].find("</dd>").unwrap()].to_string()
    };
    let shown = guidance_on_page().await;
    assert!(
        shown.contains("bendahara") && !shown.contains('✓'),
        "{shown}"
    );
    // The bendahara attends: 4 of 5 = 80% with all officers.
    app.post(
        &op,
        &format!("/api/v1/trainings/{tid}/participants"),
        json!({"person_id": ids[2], "attended": true}),
    )
    .await;
    let g: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/guidance"))
        .await;
    assert_eq!(g["completed"], true, "{g}");
    assert!(guidance_on_page().await.contains('✓'));
    app.stop().await;
}

#[tokio::test]
async fn visits_decide_health_with_reasons_and_history() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 14).await;
    let k: Value = app
        .post(&op, "/api/v1/kube", kube_body("KUBE Sehat", REJASARI, &ids))
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let h: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/health"))
        .await;
    assert_eq!(h["status"], "belum_dinilai");
    assert_eq!(h["reasons"], json!(["Belum pernah dikunjungi"]));

    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/visits"),
            visit(&app.days_ago(40), true),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["visit"]["profit"], 1_200_000);
    assert_eq!(v["health"]["status"], "berjalan");
    // The level is the stage checklist's: none before the group is assessed.
    assert_eq!(v["health"]["level"], Value::Null);

    // Books not kept and a loss: needs mentoring, with both reasons.
    let mut bad = visit(&app.days_ago(10), true);
    bad["books_up_to_date"] = json!(false);
    bad["expenses"] = json!(3_500_000);
    let v: Value = app
        .post(&op, &format!("/api/v1/kube/{kid}/visits"), bad)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["health"]["status"], "perlu_pendampingan");
    assert_eq!(
        v["health"]["reasons"],
        json!(["Pembukuan tidak tertib", "Rugi: biaya melebihi omzet"])
    );
    let k: Value = app.get_json(&op, &format!("/api/v1/kube/{kid}")).await;
    assert_eq!(k["status"], "perlu_pendampingan");
    assert_eq!(k["health"]["status"], "perlu_pendampingan");
    let list: Value = app
        .get_json(&op, "/api/v1/kube?status=perlu_pendampingan")
        .await;
    assert_eq!(list["total"], 1);

    let v: Value = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/visits"),
            visit(&app.days_ago(1), false),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["health"]["status"], "tidak_aktif");
    let visits: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/visits"))
        .await;
    assert_eq!(visits.as_array().unwrap().len(), 3);

    // Invalid visits: 422 naming the fields; nothing recorded.
    let mut wrong = visit(&app.days_ago(-3), true);
    wrong["members_present"] = json!(50);
    wrong["revenue"] = json!(-1);
    let r = app
        .post(&op, &format!("/api/v1/kube/{kid}/visits"), wrong)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    for f in ["visited_on", "members_present", "revenue"] {
        assert!(e["error"]["fields"][f].is_string(), "{f}");
    }
    let visits: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/visits"))
        .await;
    assert_eq!(visits.as_array().unwrap().len(), 3);
    // An auditor reads but cannot record.
    let aud = app.token("auditor").await;
    assert_eq!(
        app.get(&aud, &format!("/api/v1/kube/{kid}/health"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(
            &aud,
            &format!("/api/v1/kube/{kid}/visits"),
            visit(&app.days_ago(0), true)
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

/// Two visits on one date: the one recorded later decides (a correction or a second trip).
#[tokio::test]
async fn the_visit_recorded_last_on_a_date_decides() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 15).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Dua Kali", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let path = format!("/api/v1/kube/{kid}/visits");
    let v: Value = app
        .post(&op, &path, visit(&app.days_ago(2), true))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["health"]["status"], "berjalan");
    // The same day again: the business has stopped.
    let v: Value = app
        .post(&op, &path, visit(&app.days_ago(2), false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["health"]["status"], "tidak_aktif");
    let k: Value = app.get_json(&op, &format!("/api/v1/kube/{kid}")).await;
    assert_eq!(k["status"], "tidak_aktif");
    // And back: a third visit that day finds it running again.
    let v: Value = app
        .post(&op, &path, visit(&app.days_ago(2), true))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["health"]["status"], "berjalan");
    let h: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/health"))
        .await;
    assert_eq!(h["status"], "berjalan");
    app.stop().await;
}

#[tokio::test]
async fn pendamping_records_visits_only_in_their_kecamatan_and_queue_orders_by_risk() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let a = persons_in(&app, &op, REJASARI, 5, 15).await;
    let b = persons_in(&app, &op, REJASARI, 5, 16).await;
    let c = persons_in(&app, &op, PATARUMAN, 5, 17).await;
    let admin = app.token("admin").await;
    let users: Value = app.get_json(&admin, "/api/v1/users?role=pendamping").await;
    let pl_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "p.langensari")
        .unwrap()["id"]
        .clone();
    let mut ka = kube_body("KUBE Lancar", REJASARI, &a);
    ka["pendamping_id"] = pl_id.clone();
    let mut kb = kube_body("KUBE Macet", REJASARI, &b);
    kb["pendamping_id"] = pl_id;
    let ka: Value = app
        .post(&op, "/api/v1/kube", ka)
        .await
        .json()
        .await
        .unwrap();
    let kb: Value = app
        .post(&op, "/api/v1/kube", kb)
        .await
        .json()
        .await
        .unwrap();
    let kc: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Pataruman", PATARUMAN, &c),
        )
        .await
        .json()
        .await
        .unwrap();

    let pl = app.token("p.langensari").await;
    assert_eq!(
        app.post(
            &pl,
            &format!("/api/v1/kube/{}/visits", ka["id"]),
            visit(&app.days_ago(2), true)
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(
            &pl,
            &format!("/api/v1/kube/{}/visits", kb["id"]),
            visit(&app.days_ago(2), false)
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    // Pataruman's KUBE: not visible, not recordable.
    assert_eq!(
        app.post(
            &pl,
            &format!("/api/v1/kube/{}/visits", kc["id"]),
            visit(&app.days_ago(2), true)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&pl, &format!("/api/v1/kube/{}/health", kc["id"]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&pl, &format!("/api/v1/kube/{}/visits", kc["id"]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let br = app.browser_login("p.langensari").await;
    assert_eq!(
        br.get(app.url(&format!("/kube/{}/visits/new", kc["id"])))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Caseload: the inactive KUBE first.
    let q: Value = app.get_json(&pl, "/api/v1/mentoring").await;
    let names: Vec<&str> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["KUBE Macet", "KUBE Lancar"]);
    // The office's queue has all three: the never-visited one (formed long ago, so
    // overdue) first, then the rest by risk.
    let q: Value = app.get_json(&op, "/api/v1/mentoring").await;
    let names: Vec<&str> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["KUBE Pataruman", "KUBE Macet", "KUBE Lancar"]);
    assert!(q[0]["overdue_days"].as_i64().unwrap() > 0);
    assert_eq!(q[0]["urgency"], "overdue");
    assert_eq!(q[0]["never_visited"], true);
    assert_eq!(q[1]["urgency"], "later");
    // One village's groups.
    let village = q[1]["village_code"].as_str().unwrap().to_string();
    let one: Value = app
        .get_json(&op, &format!("/api/v1/mentoring?village_code={village}"))
        .await;
    assert!(one
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["village_code"] == village.as_str()));
    // The page: a heading per band, the overdue band first, "never visited" said in
    // words rather than thousands of days late.
    let page = app.browser_login("operator").await;
    let html = page
        .get(app.url("/mentoring"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Terlambat dikunjungi"));
    let overdue_at = html.find(r#"data-band="overdue""#).expect("overdue band");
    let later_at = html.find(r#"data-band="later""#).expect("later band");
    assert!(overdue_at < later_at);
    assert!(html.contains("Belum pernah dikunjungi"));
    assert!(!html.contains("Terlambat 0 hari"));
    app.stop().await;
}

/// A phone sends a queued visit or attendance with an `Idempotency-Key`; when the answer
/// is lost it sends the same again: one record, and the second answer is the first's. The
/// key with another request is refused; another account's same key is its own.
#[tokio::test]
async fn a_request_sent_again_with_its_key_records_once() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 15).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Sekali", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let send = |key: &'static str, body: Value| {
        let url = app.url(&format!("/api/v1/kube/{kid}/visits"));
        let op = op.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(op)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let body = visit(&app.days_ago(3), true);
    let first = send("7f0c2a9e-visit-1", body.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send("7f0c2a9e-visit-1", body.clone()).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["visit"], again["visit"]);
    let visits: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/visits"))
        .await;
    assert_eq!(visits.as_array().unwrap().len(), 1, "{visits}");
    // Its photo, sent twice with its key: stored once, the same answer.
    let vid = first["visit"]["id"].as_i64().unwrap();
    let photo = |key: &'static str| {
        reqwest::Client::new()
            .post(app.url(&format!("/api/v1/visits/{vid}/photos?filename=kandang.png")))
            .bearer_auth(&op)
            .header("Idempotency-Key", key)
            .body(b"\x89PNG\r\n\x1a\n0000".to_vec())
            .send()
    };
    let a: Value = photo("7f0c2a9e-visit-1-photo")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b = photo("7f0c2a9e-visit-1-photo").await.unwrap();
    assert_eq!(b.status(), StatusCode::CREATED);
    let b: Value = b.json().await.unwrap();
    assert_eq!(a["id"], b["id"], "{a} {b}");
    let br = app.browser_login("operator").await;
    let page = app.page(&br, &format!("/kube/{kid}")).await;
    assert_eq!(page.matches("kandang.png").count(), 1, "one photo");
    // The same key with another visit: refused, nothing recorded.
    let other = send("7f0c2a9e-visit-1", visit(&app.days_ago(2), false)).await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = other.json().await.unwrap();
    assert!(e["error"]["fields"]["Idempotency-Key"].is_string(), "{e}");
    // A malformed key: refused.
    let bad = send("with space", body.clone()).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another account's same key is its own: a second visit.
    let kb = app.token("kabid").await;
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/kube/{kid}/visits")))
        .bearer_auth(&kb)
        .header("Idempotency-Key", "7f0c2a9e-visit-1")
        .json(&visit(&app.days_ago(1), true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let visits: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/visits"))
        .await;
    assert_eq!(visits.as_array().unwrap().len(), 2, "{visits}");

    // A day's attendance, sent twice with its key: recorded once, audited once.
    let r = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Bimtek", "kind": "bimbingan_sosial",
            "starts_on": "2012-06-01", "ends_on": "2012-06-02", "village_code": REJASARI}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let tid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.post(
        &op,
        &format!("/api/v1/trainings/{tid}/participants"),
        json!({"person_id": ids[0]}),
    )
    .await;
    let body = json!({"person_id": ids[0], "day": "2012-06-02", "present": true});
    for _ in 0..2 {
        let r = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/trainings/{tid}/attendance")))
            .bearer_auth(&op)
            .header("Idempotency-Key", "att-2012-06-02-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let audit: Value = app
        .get_json(
            &app.token("admin").await,
            &format!("/api/v1/audit?entity=training&entity_id={tid}&action=attendance"),
        )
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/trainings/{tid}/attendance")))
        .bearer_auth(&op)
        .header("Idempotency-Key", "att-2012-06-02-1")
        .json(&json!({"person_id": ids[0], "day": "2012-06-01", "present": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

/// The field app's caseload: a pendamping's own groups with members (names and roles,
/// never a NIK), the last visit's figures and the due date; the events of their area
/// taking attendance, participants from elsewhere not named; not for the auditor.
#[tokio::test]
async fn the_field_caseload_is_the_pendampings_own_and_names_only() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let mut groups = Vec::new();
    for (name, seed) in [("KUBE Lapang Satu", 21), ("KUBE Lapang Dua", 22)] {
        let ids = persons_in(&app, &op, REJASARI, 5, seed).await;
        let k: Value = app
            .post(&op, "/api/v1/kube", kube_body(name, REJASARI, &ids))
            .await
            .json()
            .await
            .unwrap();
        groups.push((k["id"].as_i64().unwrap(), ids));
    }
    let pendamping = app.user_id("p.langensari").await;
    let r = app
        .post(
            &op,
            "/api/v1/kube/assign",
            json!({"kube_ids": [groups[0].0], "pendamping_id": pendamping}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", groups[0].0),
        visit(&app.days_ago(5), true),
    )
    .await;
    let elsewhere = persons_in(&app, &op, PATARUMAN, 1, 23).await;
    let today = app.days_ago(0);
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Bimbingan lapang", "kind": "bimbingan_sosial",
            "starts_on": app.days_ago(1), "ends_on": today, "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    let tid = t["id"].as_i64().unwrap();
    for p in [groups[0].1[0], elsewhere[0]] {
        app.post(
            &op,
            &format!("/api/v1/trainings/{tid}/participants"),
            json!({"person_id": p}),
        )
        .await;
    }

    let pd = app.token("p.langensari").await;
    let load: Value = app.get_json(&pd, "/api/v1/field/caseload").await;
    assert_eq!(load["username"], "p.langensari");
    let kube = load["kube"].as_array().unwrap();
    assert_eq!(kube.len(), 1, "only the groups assigned to them: {load}");
    let k = &kube[0];
    assert_eq!(k["id"], groups[0].0);
    assert_eq!(k["members"].as_array().unwrap().len(), 5);
    for m in k["members"].as_array().unwrap() {
        let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "person_id", "role"], "names only: {m}");
    }
    assert_eq!(k["last_visit"]["revenue"], 3_000_000);
    assert_eq!(k["last_visit"]["visited_on"], app.days_ago(5));
    assert!(k["due_on"].as_str().unwrap() > app.days_ago(5).as_str());
    let ev = &load["trainings"][0];
    assert_eq!(ev["id"], tid);
    assert_eq!(ev["days"], json!([app.days_ago(1), today]));
    assert_eq!(ev["participants"].as_array().unwrap().len(), 1, "{ev}");
    // The office sees its whole area; the auditor does not record.
    let kb = app.token("kabid").await;
    let all: Value = app.get_json(&kb, "/api/v1/field/caseload").await;
    assert_eq!(all["kube"].as_array().unwrap().len(), 2);
    let au = app.token("auditor").await;
    assert_eq!(
        app.get(&au, "/api/v1/field/caseload").await.status(),
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}
