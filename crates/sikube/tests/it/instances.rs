//! Several `sikube serve` on one database (#33): whatever one instance records, the other
//! serves on the next request — a session and an API token, a new KUBE in the dashboard's
//! figures, the login limits, a phone's retried visit, a logout.
use crate::common::{kube_body, persons_in, TestApp, PASSWORD, REJASARI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn login(app: &TestApp, user: &str, password: &str) -> StatusCode {
    Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn two_instances_on_one_database_serve_the_same_office() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(a.db_url.clone(), |_| {}).await;
    // A token made through A is good through B; a browser's session too.
    let op = a.token("operator").await;
    assert_eq!(b.get(&op, "/api/v1/auth/me").await.status(), StatusCode::OK);
    let browser = a.browser_login("kabid").await;
    let home = browser.get(b.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK, "the session continues on B");
    assert!(home.text().await.unwrap().contains("Tugas saya"));

    // The dashboard through B counts a KUBE formed through A on the next request (each
    // instance keeps its figures until the database says they changed).
    let before: Value = b.get_json(&op, "/api/v1/dashboard").await;
    let members = persons_in(&a, &op, REJASARI, 5, 81).await;
    let r = a
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Dua Server", REJASARI, &members),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let after: Value = b.get_json(&op, "/api/v1/dashboard").await;
    assert_eq!(
        after["kube_total"].as_i64().unwrap(),
        before["kube_total"].as_i64().unwrap() + 1
    );
    let found: Value = b.get_json(&op, "/api/v1/kube?name=Dua%20Server").await;
    assert_eq!(found["total"], 1);

    // The login limits count attempts at every instance: five wrong passwords through A,
    // the sixth attempt through B is held back even with the right one.
    for _ in 0..5 {
        assert_eq!(
            login(&a, "auditor", "salah-sandi-1").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&b, "auditor", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A phone's visit sent through A, its answer lost, sent again through B: one visit.
    let kid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let body = json!({"visited_on": a.days_ago(2), "operating": true, "members_present": 5, "meetings_held": 1});
    let mut ids = Vec::new();
    for app in [&a, &b] {
        let r = Client::new()
            .post(app.url(&format!("/api/v1/kube/{kid}/visits")))
            .bearer_auth(&op)
            .header("Idempotency-Key", "dua-server-kunjungan-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.push(r.json::<Value>().await.unwrap()["visit"]["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
    let visits: Value = b.get_json(&op, &format!("/api/v1/kube/{kid}/visits")).await;
    assert_eq!(visits.as_array().unwrap().len(), 1);

    // Logging out through B ends the token at A.
    let r = Client::new()
        .post(b.url("/api/v1/auth/logout"))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        a.get(&op, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    b.stop().await;
    a.stop().await;
}
