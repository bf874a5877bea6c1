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

#[tokio::test]
async fn participants_found_and_ticked_at_once_and_all_certificates_in_one_pdf() {
    let app = TestApp::spawn_with(|s| {
        s.office_head = domain::user::Identity::parse(
            Some("Drs. H. Ahmad Sobari, M.Si"),
            Some("196805121990031004"),
            Some("Kepala Dinas Sosial Kota Banjar"),
        )
        .unwrap();
    })
    .await;
    let op = app.token("operator").await;
    let ps = persons_in(&app, &op, REJASARI, 3, 23).await;
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Pelatihan pemasaran", "kind": "pelatihan", "starts_on": "2026-04-06",
            "ends_on": "2026-04-07", "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = t["id"].as_i64().unwrap();
    let b = app.browser_login("operator").await;
    // The search finds residents by a name start, each with age, village and NIK.
    let person: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", ps[0]))
        .await;
    let name = person["name"].as_str().unwrap().to_string();
    let start: String = name.chars().take(4).collect();
    let page = app
        .page(&b, &format!("/trainings/{id}?pick_q={}", urlencode(&start)))
        .await;
    assert!(page.contains(&format!("value=\"{}\"", ps[0])), "{page}");
    assert!(page.contains(" th · Rejasari · NIK "), "{page}");
    // Two ticked, added at once, both attending.
    let csrf = hidden(&page, "_csrf");
    let body = format!(
        "_csrf={csrf}&person_id={}&person_id={}&attended=on",
        ps[0], ps[1]
    );
    let r = b
        .post(app.url(&format!("/trainings/{id}/participants")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let t: Value = app.get_json(&op, &format!("/api/v1/trainings/{id}")).await;
    assert_eq!(t["participants"].as_array().unwrap().len(), 2);
    // Nothing ticked: said beside the list, nothing added.
    let page = app.page(&b, &format!("/trainings/{id}")).await;
    let r = b
        .post(app.url(&format!("/trainings/{id}/participants")))
        .form(&[("_csrf", hidden(&page, "_csrf").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // One unknown person among the ticked: refused, and none of them added.
    let r = b
        .post(app.url(&format!("/trainings/{id}/participants")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "_csrf={}&person_id={}&person_id={}",
            hidden(&page, "_csrf"),
            ps[2],
            999_999
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let t: Value = app.get_json(&op, &format!("/api/v1/trainings/{id}")).await;
    assert_eq!(t["participants"].as_array().unwrap().len(), 2);
    // All certificates in one PDF, a page each, signed by the head of the office.
    let r = app
        .get(&op, &format!("/api/v1/trainings/{id}/certificates.pdf"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let text = pdf::extract_text(&bytes);
    assert_eq!(text.matches("SERTIFIKAT").count(), 2, "{text}");
    assert!(text.contains(&name), "{text}");
    assert!(
        text.contains("Drs. H. Ahmad Sobari, M.Si")
            && text.contains("NIP. 196805121990031004")
            && text.contains("7 April 2026"),
        "{text}"
    );
    let page = app.page(&b, &format!("/trainings/{id}")).await;
    assert!(page.contains(
        "href=\"/trainings/{id}/certificates\""
            .replace("{id}", &id.to_string())
            .as_str()
    ));
    let r = b
        .get(app.url(&format!("/trainings/{id}/certificates")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // No one attended: refused with the reason.
    let t2: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Kosong", "kind": "pelatihan", "starts_on": "2026-04-06",
            "ends_on": "2026-04-06", "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .get(
            &op,
            &format!("/api/v1/trainings/{}/certificates.pdf", t2["id"]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.stop().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
