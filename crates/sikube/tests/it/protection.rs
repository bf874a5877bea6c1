//! The office's duties as controller of personal data (UU 27/2022), over HTTP as the
//! office uses them: the person's copy lists every kind of record held; requests carry
//! deadlines, show overdue on the dashboard, and a restriction takes the record out of
//! lists and exports; withdrawing consent deletes the photo files; anonymisation keeps
//! every total and leaves no NIK in any table; the breach register produces its letters;
//! children's records are for the roles that need them.
use crate::common::{hidden, kube_body, persons_in, TestApp, REJASARI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

async fn upload(app: &TestApp, token: &str, path: &str, bytes: &[u8]) -> reqwest::Response {
    Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

async fn ok_json(r: reqwest::Response, what: &str) -> Value {
    let s = r.status();
    let body = r.text().await.unwrap();
    assert!(s.is_success(), "{what}: {s} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

fn field_error(v: &Value, field: &str) -> bool {
    v["error"]["fields"][field].is_string()
}

#[tokio::test]
async fn the_persons_copy_lists_every_kind_of_record_held() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let members = persons_in(&app, &op, REJASARI, 5, 71).await;
    let who = members[0];
    let k = ok_json(
        app.post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Salinan Lestari", REJASARI, &members),
        )
        .await,
        "kube",
    )
    .await;
    let kube = k["id"].as_i64().unwrap();
    // A programme with an enrolment and a benefit.
    let g = ok_json(
        app.post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Asistensi Salinan", "year": 2026,
            "funding_source": "apbd_kota", "target": "individual", "budget": 50_000_000}),
        )
        .await,
        "programme",
    )
    .await;
    let g = g["id"].as_i64().unwrap();
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/programmes/{g}/enrolments"),
            json!({"person_id": who}),
        )
        .await,
        "enrolment",
    )
    .await;
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/programmes/{g}/benefits"),
            json!({"person_id": who,
            "kind": "bantuan_bulanan", "period": "2026-11", "amount": 350_000}),
        )
        .await,
        "benefit",
    )
    .await;
    // A training attended.
    let t = ok_json(
        app.post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Pelatihan Salinan Olahan", "kind": "pelatihan",
            "starts_on": "2026-10-01", "ends_on": "2026-10-02", "village_code": REJASARI}),
        )
        .await,
        "training",
    )
    .await;
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/trainings/{}/participants", t["id"]),
            json!({"person_id": who}),
        )
        .await,
        "participant",
    )
    .await;
    // A visit to their KUBE with a photo, and a photo of the person with consent.
    let v = ok_json(
        app.post(
            &op,
            &format!("/api/v1/kube/{kube}/visits"),
            json!({"visited_on": app.days_ago(3),
            "operating": true, "members_present": 5, "meetings_held": 1}),
        )
        .await,
        "visit",
    )
    .await;
    let visit = v["visit"]["id"].as_i64().unwrap();
    ok_json(
        upload(
            &app,
            &op,
            &format!("/api/v1/visits/{visit}/photos?filename=kunjungan-salinan.png"),
            PNG,
        )
        .await,
        "visit photo",
    )
    .await;
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/persons/{who}/consents"),
            json!({"kind": "photos", "given_on": app.days_ago(1), "method": "written"}),
        )
        .await,
        "consent",
    )
    .await;
    ok_json(
        upload(
            &app,
            &op,
            &format!("/api/v1/persons/{who}/photos?filename=foto-diri-salinan.png"),
            PNG,
        )
        .await,
        "person photo",
    )
    .await;
    // The pendamping reads the record (an access the copy lists).
    let pd = app.token("p.langensari").await;
    assert_eq!(
        app.get(&pd, &format!("/api/v1/persons/{who}"))
            .await
            .status(),
        StatusCode::OK
    );

    let full = app.get_json(&op, &format!("/api/v1/persons/{who}")).await;
    let nik = full["nik"].as_str().unwrap().to_string();
    let name = full["name"].as_str().unwrap().to_string();
    let copy = ok_json(
        app.post(&op, "/api/v1/personal-copy", json!({"nik": nik}))
            .await,
        "copy",
    )
    .await;
    assert_eq!(copy["identity"]["nik"], nik.as_str());
    let kinds: Vec<&str> = copy["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    for k in ["kube_joined", "enrolled", "benefit", "training"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let photos: Vec<&str> = copy["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["entity"].as_str().unwrap())
        .collect();
    assert!(
        photos.contains(&"visit") && photos.contains(&"person"),
        "{photos:?}"
    );
    assert_eq!(copy["visits"].as_array().unwrap().len(), 1);
    assert!(copy["accesses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["username"] == "p.langensari" && a["action"] == "read"));
    assert_eq!(copy["purposes"].as_array().unwrap().len(), 7);

    // The PDF holds every kind of record held.
    let r = app
        .post(&op, "/api/v1/personal-copy.pdf", json!({"nik": nik}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let text = pdf::extract_text(&r.bytes().await.unwrap());
    for want in [
        name.as_str(),
        nik.as_str(),
        "KUBE Salinan Lestari",
        "Asistensi Salinan",
        "350.000",
        "Pelatihan Salinan Olahan",
        "kunjungan-salinan.png",
        "foto-diri-salinan.png",
        "p.langensari",
        "Dasar hukum",
        "UU 27/2022",
    ] {
        assert!(text.contains(want), "the copy's PDF names {want}:\n{text}");
    }
    // Producing it is audited and logged.
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=person&entity_id={who}&action=copy"),
        )
        .await;
    assert_eq!(audit["total"], 2, "{audit}");
    let log = app
        .get_json(&admin, &format!("/api/v1/access-log?person_id={who}"))
        .await;
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "copy"));

    // A NIK not registered is named; a pendamping does not produce copies.
    let r = app
        .post(
            &op,
            "/api/v1/personal-copy",
            json!({"nik": "3279045708920003"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&r.json().await.unwrap(), "nik"));
    let r = app
        .post(&pd, "/api/v1/personal-copy", json!({"nik": nik}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // The page: the officer types the NIK and gets the PDF.
    let b = app.browser_login("operator").await;
    let html = app.page(&b, "/protection").await;
    let csrf = hidden(&html, "_csrf");
    let r = b
        .post(app.url("/protection/copy"))
        .form(&[("_csrf", csrf.as_str()), ("nik", nik.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let r = b
        .post(app.url("/protection/copy"))
        .form(&[("_csrf", csrf.as_str()), ("nik", "12")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("copy-error"));
    app.stop().await;
}

#[tokio::test]
async fn requests_carry_deadlines_and_a_restriction_takes_the_record_out_of_lists() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let admin = app.token("admin").await;
    let people = persons_in(&app, &op, REJASARI, 2, 72).await;
    let (who, other) = (people[0], people[1]);
    let name = app.get_json(&op, &format!("/api/v1/persons/{who}")).await["name"]
        .as_str()
        .unwrap()
        .to_string();
    // A restriction received four days ago: past its 3 × 24 hours.
    let received = app::ts(app.clock.now() - chrono::Duration::days(4));
    let r = ok_json(
        app.post(
            &op,
            "/api/v1/data-requests",
            json!({"kind": "restriction", "requester": name,
            "person_id": who, "details": "Jangan diproses dulu", "received_at": received}),
        )
        .await,
        "request",
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(r["due_at"].as_str().unwrap()).unwrap();
    let got = chrono::DateTime::parse_from_rfc3339(r["received_at"].as_str().unwrap()).unwrap();
    assert_eq!(due - got, chrono::Duration::hours(72));
    // Overdue, on the dashboard of the head of division and the administrator.
    for t in [&kabid, &admin] {
        let tasks = app.get_json(t, "/api/v1/tasks").await;
        assert!(
            tasks
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["code"] == "data_requests_overdue" && t["count"] == 1),
            "{tasks}"
        );
    }
    let b = app.browser_login("kabid").await;
    let home = app.page(&b, "/").await;
    assert!(
        home.contains("data_requests_overdue"),
        "the home page shows the overdue request"
    );
    let list = app
        .get_json(&op, "/api/v1/data-requests?overdue=true")
        .await;
    assert_eq!(list["total"], 1);
    // A time received in the future, an unknown kind, no requester: each named.
    let r = app
        .post(
            &op,
            "/api/v1/data-requests",
            json!({"kind": "hapus", "requester": "",
            "received_at": app::ts(app.clock.now() + chrono::Duration::days(1))}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        field_error(&e, "kind") && field_error(&e, "requester"),
        "{e}"
    );

    // Only the head of division or the administrator closes it.
    let close = json!({"status": "done", "outcome": "Pemrosesan dihentikan sementara"});
    let r = app
        .post(
            &op,
            &format!("/api/v1/data-requests/{id}/close"),
            close.clone(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    ok_json(
        app.post(
            &kabid,
            &format!("/api/v1/data-requests/{id}/close"),
            close.clone(),
        )
        .await,
        "close",
    )
    .await;
    let r = app
        .post(&kabid, &format!("/api/v1/data-requests/{id}/close"), close)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "closed once");
    let tasks = app.get_json(&kabid, "/api/v1/tasks").await;
    assert!(!tasks.to_string().contains("data_requests_overdue"));

    // The record leaves the list and its export; it is kept and still read by id.
    let listed = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == who)
    };
    let persons = app.get_json(&op, "/api/v1/persons?limit=500").await;
    assert!(!listed(&persons));
    assert!(persons["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == other));
    let csv = app
        .get(&op, "/api/v1/persons/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !csv.contains(&name),
        "the export leaves the restricted record out"
    );
    let p = app.get_json(&op, &format!("/api/v1/persons/{who}")).await;
    assert!(p["restricted_at"].is_string(), "{p}");
    // Lifted: back in the list.
    let r = Client::new()
        .delete(app.url(&format!("/api/v1/persons/{who}/restriction")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(listed(
        &app.get_json(&op, "/api/v1/persons?limit=500").await
    ));

    // A correction done links the audit entry of the change it led to, of that person.
    let c = ok_json(
        app.post(
            &op,
            "/api/v1/data-requests",
            json!({"kind": "correction", "requester": name, "person_id": who,
            "details": "Alamat salah"}),
        )
        .await,
        "correction",
    )
    .await;
    let cid = c["id"].as_i64().unwrap();
    // A NIK typed into a request's text is read masked by the auditor, in full by officers.
    let typed = ok_json(
        app.post(
            &op,
            "/api/v1/data-requests",
            json!({"kind": "access", "requester": name,
            "details": "NIK lama 3279040101800001 salah"}),
        )
        .await,
        "request with a NIK",
    )
    .await;
    let auditor = app.token("auditor").await;
    let read = app
        .get_json(&auditor, &format!("/api/v1/data-requests/{}", typed["id"]))
        .await;
    assert_eq!(read["details"], "NIK lama 3279•••••••••••• salah");
    let listed = app
        .get_json(&auditor, "/api/v1/data-requests?limit=500")
        .await;
    assert!(!listed.to_string().contains("3279040101800001"));
    let read = app
        .get_json(&kabid, &format!("/api/v1/data-requests/{}", typed["id"]))
        .await;
    assert_eq!(read["details"], "NIK lama 3279040101800001 salah");
    let r = app
        .post(
            &kabid,
            &format!("/api/v1/data-requests/{cid}/close"),
            json!({"status": "done", "outcome": "Diperbaiki"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&r.json().await.unwrap(), "audit_id"));
    assert_eq!(
        app.patch(
            &op,
            &format!("/api/v1/persons/{who}"),
            json!({"address": "Dusun Mekar"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.patch(
            &op,
            &format!("/api/v1/persons/{other}"),
            json!({"address": "Dusun Lain"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let entry = |id: i64| {
        let app = &app;
        let admin = &admin;
        async move {
            app.get_json(
                admin,
                &format!("/api/v1/audit?entity=person&entity_id={id}&action=update"),
            )
            .await["items"][0]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (mine, theirs) = (entry(who).await, entry(other).await);
    let r = app
        .post(
            &kabid,
            &format!("/api/v1/data-requests/{cid}/close"),
            json!({"status": "done", "outcome": "Diperbaiki", "audit_id": theirs}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another person's change"
    );
    let done = ok_json(
        app.post(
            &kabid,
            &format!("/api/v1/data-requests/{cid}/close"),
            json!({"status": "done", "outcome": "Diperbaiki", "audit_id": mine}),
        )
        .await,
        "correction closed",
    )
    .await;
    assert_eq!(done["audit_id"], mine);
    app.stop().await;
}

#[tokio::test]
async fn withdrawing_consent_deletes_the_photo_files_and_blanks_the_phone() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let who = persons_in(&app, &op, REJASARI, 1, 73).await[0];
    let photos = format!("/api/v1/persons/{who}/photos?filename=foto.png");
    // No photo without consent.
    let r = upload(&app, &op, &photos, PNG).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/persons/{who}/consents"),
            json!({"kind": "photos", "given_on": app.days_ago(0), "method": "form"}),
        )
        .await,
        "consent",
    )
    .await;
    let a = ok_json(upload(&app, &op, &photos, PNG).await, "photo").await;
    ok_json(
        upload(&app, &op, &photos, b"\x89PNG\r\n\x1a\n1111").await,
        "second photo",
    )
    .await;
    let file = a["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&op, &format!("/api/v1/attachments/{file}"))
            .await
            .status(),
        StatusCode::OK
    );
    let w = ok_json(
        app.post(
            &op,
            &format!("/api/v1/persons/{who}/consents/withdraw"),
            json!({"kind": "photos"}),
        )
        .await,
        "withdraw",
    )
    .await;
    assert_eq!(w["files_deleted"], 2);
    assert_eq!(
        app.get(&op, &format!("/api/v1/attachments/{file}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let left = app
        .get_json(&op, &format!("/api/v1/persons/{who}/photos"))
        .await;
    assert_eq!(left.as_array().unwrap().len(), 0);
    // The files are gone from the database, not hidden.
    let rows = app.installation.table_rows().await.unwrap();
    let attachments = rows
        .iter()
        .find(|(t, _)| t == "attachments")
        .map(|(_, r)| r.len())
        .unwrap_or(0);
    assert_eq!(attachments, 0, "no file is left");
    // After withdrawal no new photo; withdrawing again is refused by name.
    assert_eq!(
        upload(&app, &op, &photos, PNG).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{who}/consents/withdraw"),
            json!({"kind": "photos"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The phone: blanked with its consent.
    assert_eq!(
        app.patch(
            &op,
            &format!("/api/v1/persons/{who}"),
            json!({"phone": "081234567890"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/persons/{who}/consents"),
            json!({"kind": "phone", "given_on": app.days_ago(2), "method": "oral"}),
        )
        .await,
        "phone consent",
    )
    .await;
    ok_json(
        app.post(
            &op,
            &format!("/api/v1/persons/{who}/consents/withdraw"),
            json!({"kind": "phone"}),
        )
        .await,
        "phone withdrawn",
    )
    .await;
    let p = app.get_json(&op, &format!("/api/v1/persons/{who}")).await;
    assert!(p["phone"].is_null(), "{p}");
    let consents = app
        .get_json(&op, &format!("/api/v1/persons/{who}/consents"))
        .await;
    assert!(consents
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["withdrawn_at"].is_string()));
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=person&entity_id={who}&action=consent_withdrawn"),
        )
        .await;
    assert_eq!(audit["total"], 2);
    // A consent in the future, of an unknown kind: named.
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{who}/consents"),
            json!({"kind": "sidik_jari", "given_on": "2099-01-01", "method": "written"}),
        )
        .await;
    let e: Value = r.json().await.unwrap();
    assert!(
        field_error(&e, "kind") && field_error(&e, "given_on"),
        "{e}"
    );
    app.stop().await;
}

/// Every total the office reads: the dashboard, each report, the monthly summary.
async fn totals(app: &TestApp, token: &str) -> Vec<(String, Value)> {
    let mut out = vec![(
        "dashboard".to_string(),
        app.get_json(token, "/api/v1/dashboard").await,
    )];
    for name in [
        "kube-status",
        "kube-levels",
        "aid",
        "outcomes",
        "trainings",
        "enrolments",
    ] {
        out.push((
            name.into(),
            app.get_json(token, &format!("/api/v1/reports/{name}"))
                .await,
        ));
    }
    out.push((
        "monthly".into(),
        app.get_json(token, "/api/v1/monthly/summary").await,
    ));
    out
}

#[tokio::test]
async fn anonymisation_keeps_every_total_and_leaves_no_nik_anywhere() {
    let (app, _) = TestApp::spawn_demo(crate::common::TEST_CLOCK).await;
    let admin = app.token("admin").await;
    let due = app
        .get_json(&admin, "/api/v1/retention/persons?limit=500")
        .await;
    let n = due["total"].as_i64().unwrap();
    assert!(
        n > 20,
        "the demo city has persons inactive for five years: {n}"
    );
    let mut niks = Vec::new();
    for p in due["items"].as_array().unwrap() {
        let full = app
            .get_json(&admin, &format!("/api/v1/persons/{}", p["id"]))
            .await;
        niks.push(full["nik"].as_str().unwrap().to_string());
    }
    // An auditor reads the list; an operator does not, and cannot anonymise.
    let auditor = app.token("auditor").await;
    // The auditor's list holds no child (their records are not the auditor's to read).
    let seen = app
        .get_json(&auditor, "/api/v1/retention/persons?limit=500")
        .await;
    for p in seen["items"].as_array().unwrap() {
        let full = app
            .get_json(&admin, &format!("/api/v1/persons/{}", p["id"]))
            .await;
        assert!(full["age"].as_i64().unwrap() >= 18, "{full}");
    }
    assert_eq!(
        app.get(&auditor, "/api/v1/retention/persons")
            .await
            .status(),
        StatusCode::OK
    );
    let op = app.token("operator").await;
    assert_eq!(
        app.post(&op, "/api/v1/retention/anonymise", json!({}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let before = totals(&app, &admin).await;

    let done = ok_json(
        app.post(&admin, "/api/v1/retention/anonymise", json!({}))
            .await,
        "anonymise",
    )
    .await;
    assert_eq!(done["persons"], n);

    let after = totals(&app, &admin).await;
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "the {name} totals are the same after anonymisation");
    }
    assert_eq!(
        app.get_json(&admin, "/api/v1/retention/persons").await["total"],
        0
    );
    let first = due["items"][0]["id"].as_i64().unwrap();
    let p = app
        .get_json(&admin, &format!("/api/v1/persons/{first}"))
        .await;
    assert!(p["name"].as_str().unwrap().starts_with("ANONIM-"), "{p}");
    assert!(p["address"].is_null() && p["kk_number"].is_null());
    // No anonymised NIK in any row of any table (the audit and access logs included).
    let rows = app.installation.table_rows().await.unwrap();
    let mut cells = 0;
    for (table, rs) in &rows {
        for r in rs {
            cells += 1;
            for nik in &niks {
                assert!(!r.contains(nik.as_str()), "{table} still holds {nik}: {r}");
            }
        }
    }
    assert!(cells > 1000, "{cells} rows searched");
    // The step is in the audit trail.
    let audit = app
        .get_json(&admin, "/api/v1/audit?entity=retention&action=anonymise")
        .await;
    assert_eq!(audit["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn the_breach_register_tracks_its_deadline_and_produces_the_letters() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let kabid = app.token("kabid").await;
    let discovered = app::ts(app.clock.now() - chrono::Duration::days(4));
    let i = ok_json(
        app.post(
            &admin,
            "/api/v1/incidents",
            json!({"title": "Daftar penerima terkirim ke grup WhatsApp",
            "description": "Berkas daftar penerima bantuan terkirim ke grup yang salah",
            "occurred_on": app.days_ago(5), "discovered_at": discovered,
            "data_kinds": ["identity", "aid"], "persons_affected": 240,
            "measures": "Pesan dihapus, anggota grup diminta menghapus berkas"}),
        )
        .await,
        "incident",
    )
    .await;
    let id = i["id"].as_i64().unwrap();
    assert_eq!(i["notice_overdue"], true);
    let tasks = app.get_json(&kabid, "/api/v1/tasks").await;
    assert!(tasks.to_string().contains("incidents_overdue"), "{tasks}");
    for (path, want) in [
        (
            format!("/api/v1/incidents/{id}/letter-persons.pdf"),
            "pemilik data",
        ),
        (
            format!("/api/v1/incidents/{id}/letter-authority.pdf"),
            "Lembaga Penyelenggara",
        ),
    ] {
        let r = app.get(&kabid, &path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        // Lines wrap where they will: the text is read as one line.
        let text = pdf::extract_text(&r.bytes().await.unwrap())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Dated the office's today, as a letter is ("6 Desember 2026").
        let dated = domain::dates::in_letters(app.today());
        for w in [
            want,
            "Pasal 46",
            "Daftar penerima terkirim ke grup WhatsApp",
            "Pesan dihapus",
            dated.as_str(),
        ] {
            assert!(text.contains(w), "{path} holds {w}:\n{text}");
        }
        if path.contains("authority") {
            assert!(text.contains("240 orang"), "{text}");
        }
    }
    let op = app.token("operator").await;
    assert_eq!(
        app.get(&op, &format!("/api/v1/incidents/{id}/letter-persons.pdf"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Both notifications sent: no longer overdue; the times stay as first recorded.
    let body = json!({"title": "Daftar penerima terkirim ke grup WhatsApp", "description": "x",
        "data_kinds": ["identity"], "persons_affected": 240, "notified": ["persons", "authority"]});
    let u = ok_json(
        app.put(&admin, &format!("/api/v1/incidents/{id}"), body.clone())
            .await,
        "update",
    )
    .await;
    assert_eq!(u["notice_overdue"], false);
    let again = ok_json(
        app.put(&admin, &format!("/api/v1/incidents/{id}"), body)
            .await,
        "again",
    )
    .await;
    assert_eq!(again["persons_notified_at"], u["persons_notified_at"]);
    assert!(!app
        .get_json(&kabid, "/api/v1/tasks")
        .await
        .to_string()
        .contains("incidents_overdue"));
    // What is missing is named.
    let r = app
        .post(
            &admin,
            "/api/v1/incidents",
            json!({"title": "", "description": "", "data_kinds": ["wajah"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    for f in ["title", "description", "data_kinds"] {
        assert!(field_error(&e, f), "{f}: {e}");
    }
    assert_eq!(app.get_json(&admin, "/api/v1/incidents").await["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn childrens_records_are_read_only_by_the_roles_that_need_them() {
    let app = TestApp::spawn_with(|s| s.public_page = true).await;
    let op = app.token("operator").await;
    let child = ok_json(
        app.post(&op, "/api/v1/persons", json!({"nik": "3279040101150001", "name": "Anak Terlindungi",
            "sex": "L", "birth_date": "2015-01-01", "village_code": REJASARI, "categories": ["anak"],
            "confirm_duplicate": true}))
            .await,
        "child",
    )
    .await;
    let id = child["id"].as_i64().unwrap();
    let adult = persons_in(&app, &op, REJASARI, 1, 74).await[0];
    for (role, sees) in [
        ("operator", true),
        ("kabid", true),
        ("admin", true),
        ("p.langensari", false),
        ("auditor", false),
    ] {
        let t = app.token(role).await;
        let r = app.get(&t, &format!("/api/v1/persons/{id}")).await;
        let want = if sees {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(r.status(), want, "{role} reads the child's record");
        let list = app
            .get(&t, "/api/v1/persons?limit=500")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(list.contains("Anak Terlindungi"), sees, "{role}'s list");
        assert!(app.get_json(&t, &format!("/api/v1/persons/{adult}")).await["id"] == adult);
        let csv = app
            .get(&t, "/api/v1/persons/export?format=csv")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(csv.contains("Anak Terlindungi"), sees, "{role}'s export");
    }
    let b = Client::new();
    let public = b
        .get(app.url("/publik"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!public.contains("Anak Terlindungi"));
    // Another system's account finds no child through the registry interface.
    let admin = app.token("admin").await;
    ok_json(
        app.post(
            &admin,
            "/api/v1/users",
            json!({"username": "siks.anak", "password": crate::common::PASSWORD,
            "role": "interop", "districts": ["32.79.04"]}),
        )
        .await,
        "interop account",
    )
    .await;
    let interop = app.token("siks.anak").await;
    let a = ok_json(
        app.post(
            &interop,
            "/api/v1/registry/sync/search",
            crate::registry::message(json!([crate::registry::by_nik("c-1", "3279040101150001")])),
        )
        .await,
        "registry search",
    )
    .await;
    assert_eq!(
        a["message"]["search_response"][0]["pagination"]["total_count"], 0,
        "{a}"
    );
    app.stop().await;

    // An office may let its facilitators read children's records.
    let app =
        TestApp::spawn_with(|s| s.protection.children_roles.push(domain::Role::Pendamping)).await;
    let op = app.token("operator").await;
    let child = ok_json(
        app.post(&op, "/api/v1/persons", json!({"nik": "3279040101150001", "name": "Anak Terlindungi",
            "sex": "L", "birth_date": "2015-01-01", "village_code": REJASARI, "confirm_duplicate": true}))
            .await,
        "child",
    )
    .await;
    let pd = app.token("p.langensari").await;
    assert_eq!(
        app.get(&pd, &format!("/api/v1/persons/{}", child["id"]))
            .await
            .status(),
        StatusCode::OK
    );
    app.stop().await;
}
