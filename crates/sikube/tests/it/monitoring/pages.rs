//! The visit form and training attendance with certificates.
use super::*;

#[tokio::test]
async fn visit_form_changes_status_on_the_page() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 18).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Formulir", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let b = app.browser_login("operator").await;
    let form = app.page(&b, &format!("/kube/{kid}/visits/new")).await;
    let csrf = hidden(&form, "_csrf");
    let date = app.days_ago(0);
    let r = b
        .post(app.url(&format!("/kube/{kid}/visits/new")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("visited_on", &date),
            ("operating", "1"),
            ("meetings_held", "abc"),
            ("revenue", "Rp 2.000.000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("id=\"error-meetings_held\""));
    let r = b
        .post(app.url(&format!("/kube/{kid}/visits/new")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("visited_on", &date),
            ("operating", "1"),
            ("meetings_held", "2"),
            ("members_present", "5"),
            ("books_up_to_date", "on"),
            ("revenue", "Rp 2.000.000"),
            ("expenses", "1.200.000"),
            ("savings_balance", "250.000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&b, &format!("/kube/{kid}")).await;
    assert!(page.contains("Kunjungan dicatat. Status KUBE: Berjalan."));
    assert!(page.contains("Rp 2.000.000"));
    assert!(page.contains("id=\"health-status\">Berjalan<"));
    app.stop().await;
}

#[tokio::test]
async fn attendance_per_day_and_certificates() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ps = persons_in(&app, &op, REJASARI, 2, 19).await;
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Pelatihan pembukuan", "kind": "pelatihan", "starts_on": "2026-03-02",
            "ends_on": "2026-03-03", "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_i64().unwrap();
    for p in &ps {
        app.post(
            &op,
            &format!("/api/v1/trainings/{id}/participants"),
            json!({"person_id": p, "attended": false}),
        )
        .await;
    }
    // Present on the second day only: attended.
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{id}/attendance"),
            json!({"person_id": ps[0], "day": "2026-03-03", "present": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Value = r.json().await.unwrap();
    let attended = |t: &Value, p: i64| {
        t["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["person_id"] == p)
            .unwrap()["attended"]
            .clone()
    };
    assert_eq!(attended(&t, ps[0]), true);
    assert_eq!(attended(&t, ps[1]), false);
    // A day outside the event, or someone not registered: 422.
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{id}/attendance"),
            json!({"person_id": ps[0], "day": "2026-03-05", "present": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other = persons_in(&app, &op, REJASARI, 1, 20).await;
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{id}/attendance"),
            json!({"person_id": other[0], "day": "2026-03-02", "present": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A certificate for who attended; none for who did not.
    let r = app
        .get(
            &op,
            &format!(
                "/api/v1/trainings/{id}/participants/{}/certificate.pdf",
                ps[0]
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = pdf::extract_text(&r.bytes().await.unwrap());
    assert!(
        text.contains("SERTIFIKAT")
            && text.contains("Pelatihan pembukuan")
            && text.contains("2 Maret 2026 s.d. 3 Maret 2026"),
        "{text}"
    );
    let r = app
        .get(
            &op,
            &format!(
                "/api/v1/trainings/{id}/participants/{}/certificate.pdf",
                ps[1]
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Unmarking the only day: no longer attended.
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{id}/attendance"),
            json!({"person_id": ps[0], "day": "2026-03-03", "present": false}),
        )
        .await;
    let t: Value = r.json().await.unwrap();
    assert_eq!(attended(&t, ps[0]), false);
    app.stop().await;
}
