//! Personal data stays where role and area allow, and the defences hold against an
//! attacker: each test is one finding of the security review, closed.
use crate::common;

use common::{hidden, kube_body, persons_in, TestApp, PASSWORD, PATARUMAN, REJASARI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod duties;
mod limits;

fn siti() -> Value {
    json!({
        "nik": "3279045708920003", "kk_number": "3279040101100001", "name": "Siti Aminah",
        "sex": "P", "birth_date": "1992-08-17", "village_code": REJASARI,
        "categories": ["wrse", "fakir_miskin"]
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let r = app.post(token, "/api/v1/persons", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A masked role reads no digit past the regency and no birth date: with the sex and the
/// kecamatan it also reads, the number could be rebuilt.
#[tokio::test]
async fn a_masked_nik_cannot_be_rebuilt_and_not_searched_by_prefix() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let id = create(&app, &op, siti()).await;
    for who in ["auditor", "p.langensari"] {
        let t = app.token(who).await;
        let p: Value = app.get_json(&t, &format!("/api/v1/persons/{id}")).await;
        assert_eq!(p["nik"], "3279••••••••••••", "{who}");
        assert_eq!(p["kk_number"], "3279••••••••••••");
        assert_eq!(p["birth_date"], Value::Null, "{who}: the age instead");
        assert!(p["age"].as_i64().unwrap() >= 33);
        let csv = app
            .get(&t, "/api/v1/persons/export?format=csv")
            .await
            .text()
            .await
            .unwrap();
        for secret in ["0003", "0001", "1992-08-17", "570892"] {
            assert!(!csv.contains(secret), "{who} export holds {secret}: {csv}");
        }
        // The person page shows the age, not the date.
        let b = app.browser_login(who).await;
        let page = app.page(&b, &format!("/persons/{id}")).await;
        // The serial is four digits, which a random token in an attribute may hold by
        // chance: it is looked for in what the page shows; the longer secrets anywhere.
        let text = common::page_text(&page);
        assert!(!text.contains("0003"), "{who}: {text}");
        for secret in [
            "1992-08-17",
            "570892",
            "3279045708920003",
            "17 Agustus 1992",
            "17-08-1992",
        ] {
            assert!(!page.contains(secret), "{who} page holds {secret}");
        }
        // No search by the start of a NIK (it would confirm guesses digit by digit).
        let r = app.get(&t, "/api/v1/persons?q=32790457").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{who}");
        let r = app.get(&t, "/api/v1/kube?q=32790457").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{who}");
    }
    // The auditor may not look a NIK up at all; the pendamping one whole NIK of their
    // area (the card is in their hand), and the lookup is audited.
    let aud = app.token("auditor").await;
    let r = app.get(&aud, "/api/v1/persons?q=3279045708920003").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let pl = app.token("p.langensari").await;
    let found: Value = app
        .get_json(&pl, "/api/v1/persons?q=3279045708920003")
        .await;
    assert_eq!(found["total"], 1);
    let admin = app.token("admin").await;
    let audit: Value = app
        .get_json(&admin, "/api/v1/audit?action=nik_lookup")
        .await;
    assert_eq!(audit["total"], 1);
    assert_eq!(audit["items"][0]["username"], "p.langensari");
    // Changing what the NIK encodes is not for a masked role: each answer would be an
    // oracle (does this birth date fit the NIK?).
    let r = app
        .patch(
            &pl,
            &format!("/api/v1/persons/{id}"),
            json!({"birth_date": "1992-08-18"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .patch(
            &pl,
            &format!("/api/v1/persons/{id}"),
            json!({"name": "Siti Aminah Rahmah"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "other fields stay editable");
    app.stop().await;
}

/// A person outside the caller's area is never named, dated or placed in an answer.
#[tokio::test]
async fn names_do_not_cross_area_borders() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let langensari = persons_in(&app, &op, REJASARI, 5, 70).await;
    let names: Vec<String> = {
        let mut v = Vec::new();
        for id in &langensari {
            let p: Value = app.get_json(&op, &format!("/api/v1/persons/{id}")).await;
            v.push(p["name"].as_str().unwrap().to_string());
        }
        v
    };
    let pp = app.token("p.pataruman").await;
    let leaks = |body: &str| names.iter().filter(|n| body.contains(n.as_str())).count();
    // Forming a KUBE with Langensari's residents.
    let r = app
        .post(
            &pp,
            "/api/v1/kube",
            kube_body("KUBE Curian", PATARUMAN, &langensari),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert_eq!(leaks(&body), 0, "{body}");
    // Adding one to a Pataruman KUBE.
    let own = persons_in(&app, &op, PATARUMAN, 5, 71).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Pataruman", PATARUMAN, &own),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .post(
            &pp,
            &format!("/api/v1/kube/{}/members", k["id"]),
            json!({"person_id": langensari[0], "role": "anggota"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(leaks(&r.text().await.unwrap()), 0);
    // A KUBE import naming Langensari's NIKs.
    let niks: Vec<String> = {
        let mut v = Vec::new();
        for id in &langensari {
            let p: Value = app.get_json(&op, &format!("/api/v1/persons/{id}")).await;
            v.push(p["nik"].as_str().unwrap().to_string());
        }
        v
    };
    let mut csv = String::from(
        "kube_name,business_type,village_code,formed_on,funding_source,member_nik,member_role\n",
    );
    for (i, n) in niks.iter().enumerate() {
        let role = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"][i];
        csv += &format!("KUBE Impor,warungan,{PATARUMAN},2020-01-01,apbd_kota,{n},{role}\n");
    }
    let r = Client::new()
        .post(app.url("/api/v1/import/kube?dry_run=true"))
        .bearer_auth(&pp)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the dry run was read");
    let body = r.text().await.unwrap();
    assert!(
        body.contains("member_nik") || body.contains("KUBE Impor") || body.contains("rows"),
        "{body}"
    );
    assert_eq!(leaks(&body), 0, "{body}");
    // The duplicate warning when registering someone like a Langensari resident: a
    // valid registration (the NIK encodes the birth date) that stops at the warning.
    // A resident of Langensari with a rare name, and the same person registered again
    // in Pataruman with a slip in the NIK's last digit.
    let first = json!({"nik": "3279042304770011", "name": "Sumarni Wiryodiningrat", "sex": "L",
        "birth_date": "1977-04-23", "village_code": REJASARI, "categories": ["fakir_miskin"], "confirm_duplicate": true});
    let r = app.post(&op, "/api/v1/persons", first.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let born = "1977-04-23";
    let twin = json!({
        "nik": "3279042304770012", "name": "Sumarni Wiryodiningrat", "sex": "L",
        "birth_date": born, "village_code": PATARUMAN, "categories": ["fakir_miskin"]
    });
    let r = app.post(&pp, "/api/v1/persons", twin).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "the duplicate warning, not a refused body"
    );
    let body = r.text().await.unwrap();
    assert!(!body.contains(born), "{body}");
    assert!(!body.contains("Rejasari"), "{body}");
    // A training in Langensari that Pataruman's residents attend: the facilitator of
    // Langensari reads a count, not their names.
    let pataruman_names: Vec<String> = {
        let mut v = Vec::new();
        for id in &own {
            let p: Value = app.get_json(&op, &format!("/api/v1/persons/{id}")).await;
            v.push(p["name"].as_str().unwrap().to_string());
        }
        v
    };
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Bimtek kota", "kind": "pelatihan",
            "starts_on": "2026-01-05", "ends_on": "2026-01-05", "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    for id in own.iter().chain(&langensari[..1]) {
        let r = app
            .post(
                &op,
                &format!("/api/v1/trainings/{}/participants", t["id"]),
                json!({"person_id": id, "attended": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let pl = app.token("p.langensari").await;
    let seen: Value = app
        .get_json(&pl, &format!("/api/v1/trainings/{}", t["id"]))
        .await;
    assert_eq!(seen["participants"].as_array().unwrap().len(), 1);
    assert_eq!(seen["participants_elsewhere"], 5);
    let b = app.browser_login("p.langensari").await;
    let page = app.page(&b, &format!("/trainings/{}", t["id"])).await;
    for n in &pataruman_names {
        assert!(!page.contains(n.as_str()), "{n} on the page");
        assert!(!seen.to_string().contains(n.as_str()));
    }
    let r = app
        .get(
            &pl,
            &format!(
                "/api/v1/trainings/{}/participants/{}/certificate.pdf",
                t["id"], own[0]
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Merge entries nest both whole records: masked at every depth for the auditor.
#[tokio::test]
async fn the_audit_log_masks_nested_records() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let a = create(&app, &op, siti()).await;
    let mut twin = siti();
    twin["nik"] = json!("3279045708920009");
    twin["kk_number"] = json!("3279040101100007");
    twin["name"] = json!("Siti Aminnah");
    twin["confirm_duplicate"] = json!(true);
    let b = create(&app, &op, twin).await;
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{a}/merge"),
            json!({"other_id": b}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let aud = app.token("auditor").await;
    let body = app
        .get(&aud, "/api/v1/audit?action=merge")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("merge"));
    for n in [
        "3279045708920003",
        "3279040101100001",
        "3279045708920009",
        "3279040101100007",
        "1992-08-17",
    ] {
        assert!(!body.contains(n), "{n} in {body}");
    }
    let b = app.browser_login("auditor").await;
    let page = app.page(&b, "/audit?action=merge").await;
    assert!(!page.contains("3279045708920003") && !page.contains("1992-08-17"));
    app.stop().await;
}

/// Redirects go to same-origin paths only.
#[tokio::test]
async fn no_open_redirect() {
    let app = TestApp::spawn().await;
    let c = app.browser();
    for next in [
        "/%09/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
        "/%20/evil.example",
    ] {
        let r = c
            .get(app.url(&format!("/lang/en?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    let r = c.get(app.url("/lang/en?next=/kube")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/kube");
    // The login form's `next` too.
    let page = app.page(&c, "/login").await;
    let csrf = hidden(&page, "_csrf");
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "operator"),
            ("password", PASSWORD),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    app.stop().await;
}

/// A password change or reset ends the account's sessions and tokens; tokens need the
/// password, expire, and the admin sees and ends them.
#[tokio::test]
async fn sessions_and_tokens_end_with_the_password() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    // A token needs the current password and lives 90 days unless asked otherwise.
    let r = app
        .post(
            &op,
            "/api/v1/tokens",
            json!({"label": "sync", "password": "salah-1234"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &op,
            "/api/v1/tokens",
            json!({"label": "sync", "password": PASSWORD, "days": 400}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &op,
            "/api/v1/tokens",
            json!({"label": "sync", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let list: Value = app.get_json(&op, "/api/v1/tokens").await;
    let expires =
        chrono::DateTime::parse_from_rfc3339(list[0]["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&chrono::Utc) - app.clock.now()).num_days();
    assert!((89..=90).contains(&days), "{days}");
    // The admin sees the operator's sessions and token, and can end one.
    let admin = app.token("admin").await;
    let me: Value = app.get_json(&op, "/api/v1/auth/me").await;
    let uid = me["id"].as_i64().unwrap();
    let sessions: Value = app
        .get_json(&admin, &format!("/api/v1/users/{uid}/sessions"))
        .await;
    let items = sessions.as_array().unwrap();
    assert!(items
        .iter()
        .any(|s| s["kind"] == "api" && s["label"] == "sync"));
    assert!(items.iter().all(|s| s["last_used_at"].is_string()));
    let tid = items.iter().find(|s| s["kind"] == "api").unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = Client::new()
        .delete(app.url(&format!("/api/v1/users/{uid}/sessions/{tid}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&token, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // An admin's password reset ends every session of the account.
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{uid}"),
            json!({"password": "Baru-Rahasia-2027"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&op, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Changing one's own password keeps that browser session, ends the rest and the tokens.
    let kabid_token = app.token("kabid").await;
    let r = app
        .post(
            &kabid_token,
            "/api/v1/tokens",
            json!({"label": "laporan", "password": PASSWORD}),
        )
        .await;
    let kabid_api = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let b = app.browser_login("kabid").await;
    let page = app.page(&b, "/profile").await;
    let csrf = hidden(&page, "_csrf");
    let r = b
        .post(app.url("/profile/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("new", "Kepala-Bidang-2027"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        b.get(app.url("/profile")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(&kabid_api, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&kabid_token, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // "Log out everywhere" ends the rest, this one included.
    let aud1 = app.token("auditor").await;
    let aud2 = app.token("auditor").await;
    let r = app.post(&aud1, "/api/v1/auth/logout-all", json!({})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&aud2, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&aud1, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

/// Logging in through the form with a session cookie already set ends that session: the
/// new one has a new id, and the old token (planted or stale) no longer opens anything.
#[tokio::test]
async fn a_login_ends_the_session_it_replaces() {
    let app = TestApp::spawn().await;
    let old = app.token("operator").await;
    assert_eq!(
        app.get(&old, "/api/v1/auth/me").await.status(),
        StatusCode::OK
    );
    // A browser holding that session logs in again (its form carries the session's token).
    let b = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = b
        .get(app.url("/profile"))
        .header("cookie", format!("sikube_session={old}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&page, "_csrf");
    let r = b
        .post(app.url("/login"))
        .header("cookie", format!("sikube_session={old}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "operator"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let new = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("sikube_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    assert_ne!(new, old, "a new id");
    assert_eq!(
        app.get(&old, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "the replaced session is over"
    );
    assert_eq!(
        app.get(&new, "/api/v1/auth/me").await.status(),
        StatusCode::OK
    );
    app.stop().await;
}

/// Reading a KUBE may re-assess its health (a last visit grown too old), which writes.
/// A pendamping of another kecamatan gets "not found" and causes no write; the same read
/// by someone who may see it does re-assess.
#[tokio::test]
async fn reading_never_writes_before_access_is_decided() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 44).await;
    let r = app
        .post(&op, "/api/v1/kube", kube_body("KUBE Basi", REJASARI, &ids))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let visit = json!({"visited_on": app.days_ago(100), "operating": true, "meetings_held": 2, "members_present": 5,
        "books_up_to_date": true, "revenue": 1_000_000, "expenses": 500_000});
    let r = app
        .post(&op, &format!("/api/v1/kube/{id}/visits"), visit)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // The same database a month later: the visit is 130 days old, past the 120 after
    // which a KUBE is "not assessed".
    let later = app::Clock::starting_at(app.clock.now() + chrono::Duration::days(30));
    let month_on = TestApp::spawn_on_clock(app.db_url.clone(), later, |_| {}).await;
    let health_rows = || async {
        month_on
            .installation
            .table_counts()
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| t == "kube_health")
            .unwrap()
            .1
    };
    let before = health_rows().await;
    let other = month_on.token("p.pataruman").await;
    for path in [
        format!("/api/v1/kube/{id}"),
        format!("/api/v1/kube/{id}/health"),
    ] {
        assert_eq!(
            month_on.get(&other, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let b = month_on.browser_login("p.pataruman").await;
    let r = b
        .get(month_on.url(&format!("/kube/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        health_rows().await,
        before,
        "a refused read wrote the KUBE's health"
    );
    // Its own facilitator's read re-assesses it.
    let own = month_on.token("p.langensari").await;
    let k: Value = month_on.get_json(&own, &format!("/api/v1/kube/{id}")).await;
    assert_eq!(k["status"], "belum_dinilai");
    assert_eq!(health_rows().await, before + 1);
    month_on.stop().await;
    app.stop().await;
}

/// A facilitator learns nothing of other areas from a training in theirs: the summary
/// by village counts participants from elsewhere in one row without naming a village,
/// and adding a person of another area reads as adding one who does not exist.
#[tokio::test]
async fn other_areas_are_neither_placed_nor_probed_through_trainings() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let here = persons_in(&app, &op, REJASARI, 2, 45).await;
    let there = persons_in(&app, &op, PATARUMAN, 3, 46).await;
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Pelatihan Gabungan", "kind": "pelatihan",
            "starts_on": "2026-03-01", "ends_on": "2026-03-01", "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    let tid = t["id"].as_i64().unwrap();
    for p in here.iter().chain(&there) {
        let r = app
            .post(
                &op,
                &format!("/api/v1/trainings/{tid}/participants"),
                json!({"person_id": p, "attended": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let pl = app.token("p.langensari").await;
    let s: Value = app
        .get_json(&pl, &format!("/api/v1/trainings/{tid}/summary"))
        .await;
    let rows = s.as_array().unwrap();
    assert!(
        !s.to_string().contains("32.79.02") && !s.to_string().contains("Pataruman"),
        "{s}"
    );
    let elsewhere = rows.iter().find(|r| r["village_code"] == "").unwrap();
    assert_eq!(
        (
            elsewhere["participants"].as_i64(),
            elsewhere["attended"].as_i64()
        ),
        (Some(3), Some(3)),
        "{s}"
    );
    let own: i64 = rows
        .iter()
        .filter(|r| r["village_code"] == REJASARI)
        .map(|r| r["participants"].as_i64().unwrap())
        .sum();
    assert_eq!(own, 2);
    // The office sees every village.
    let s: Value = app
        .get_json(&op, &format!("/api/v1/trainings/{tid}/summary"))
        .await;
    assert!(s.to_string().contains(PATARUMAN), "{s}");
    // An existing person of Pataruman and an id no one has: the same answer.
    let path = format!("/api/v1/trainings/{tid}/participants");
    let probe = |id: i64| app.post(&pl, &path, json!({"person_id": id}));
    let r = probe(there[0]).await;
    let (s1, b1) = (
        r.status(),
        r.text().await.unwrap().replace(&there[0].to_string(), "#"),
    );
    let r = probe(999_999).await;
    let (s2, b2) = (r.status(), r.text().await.unwrap().replace("999999", "#"));
    assert_eq!(
        (s1, &b1),
        (s2, &b2),
        "an existing person elsewhere reads as no person"
    );
    app.stop().await;
}

/// Roles that read NIKs and birth dates masked cannot order persons by them (NIK order is
/// kecamatan, birth date and serial): 422 on `sort` in the list, the API and the export;
/// the page offers no such sort. The office's roles can.
#[tokio::test]
async fn masked_fields_are_not_sorted_on() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    persons_in(&app, &op, REJASARI, 3, 47).await;
    for who in ["auditor", "p.langensari"] {
        let t = app.token(who).await;
        for sort in ["nik", "-nik", "birth_date", "-birth_date", "kk_number"] {
            for path in [
                format!("/api/v1/persons?sort={sort}"),
                format!("/api/v1/persons/export?format=csv&sort={sort}"),
            ] {
                let r = app.get(&t, &path).await;
                assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{who} {path}");
                let e: Value = r.json().await.unwrap();
                assert!(
                    e["error"]["fields"]["sort"].is_string(),
                    "{who} {path}: {e}"
                );
            }
        }
        let b = app.browser_login(who).await;
        let r = b
            .get(app.url("/persons?sort=birth_date"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{who} page");
        let page = app.page(&b, "/persons").await;
        assert!(
            !page.contains("sort=nik") && !page.contains("value=\"birth_date\""),
            "{who}: offered"
        );
        assert_eq!(
            app.get(&t, "/api/v1/persons?sort=-name").await.status(),
            StatusCode::OK
        );
    }
    for sort in ["nik", "-birth_date"] {
        let r = app.get(&op, &format!("/api/v1/persons?sort={sort}")).await;
        assert_eq!(r.status(), StatusCode::OK, "operator {sort}");
    }
    app.stop().await;
}

/// An operator's export filtered by a whole NIK is in the audit log with its filter; the
/// auditor reads that entry — on the page, in the API and in the trail's export — with the
/// number masked, wherever it stands.
#[tokio::test]
async fn the_audit_trail_masks_numbers_by_what_they_are() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    create(&app, &op, siti()).await;
    let r = app
        .get(&op, "/api/v1/persons/export?format=csv&q=3279045708920003")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let admin = app.token("admin").await;
    let full = app
        .get(&admin, "/api/v1/audit?action=export")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        full.contains("3279045708920003"),
        "the admin reads the filter: {full}"
    );
    let aud = app.token("auditor").await;
    for path in [
        "/api/v1/audit?action=export",
        "/api/v1/audit/export?format=csv&action=export",
    ] {
        let r = app.get(&aud, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("export") || body.contains("3279••••"),
            "{path}: {body}"
        );
        assert!(!body.contains("5708920003"), "{path}: {body}");
    }
    let b = app.browser_login("auditor").await;
    let page = app.page(&b, "/audit?action=export").await;
    assert!(!page.contains("5708920003"));
    app.stop().await;
}
