//! The foundation end to end: login, sessions, roles, CSRF, rate limiting, users,
//! audit, areas, OpenAPI, health — against a real server.
use crate::common;

use common::{hidden, TestApp, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod accounts;

#[tokio::test]
async fn wrong_password_gives_error_and_no_session() {
    let app = TestApp::spawn().await;
    // API
    let r = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "wrong-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers().get("set-cookie").is_none(),
        "no session cookie on failure"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    // Page: the form shows the error and no session exists afterwards.
    let b = app.browser();
    let page = app.page(&b, "/login").await;
    let csrf = hidden(&page, "_csrf");
    let r = b
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", "nope-nope-1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Nama pengguna atau kata sandi salah."),
        "{html}"
    );
    let home = b.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.headers()["location"], "/login");
    let me = b.get(app.url("/api/v1/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn repeated_failures_are_rate_limited() {
    let app = TestApp::spawn().await;
    let c = Client::new();
    let login = |pw: &'static str| {
        c.post(app.url("/api/v1/auth/login"))
            .json(&json!({"username": "operator", "password": pw}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            login("wrong-password-1").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = login("wrong-password-1").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits out the window.
    let r = login(PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    // Another account from the same address is not locked.
    app.token("admin").await;
    app.stop().await;
}

#[tokio::test]
async fn login_logout_and_session_cookie() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("kabid").await;
    let home = b.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("Beranda"));
    assert!(html.contains("Langensari") && html.contains("Pataruman"));
    // Logout needs the CSRF token of the session.
    let csrf = hidden(&html, "_csrf");
    let r = b
        .post(app.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // API: the token works as bearer; logout ends it.
    let token = app.token("operator").await;
    let me: Value = app.get_json(&token, "/api/v1/auth/me").await;
    assert_eq!(me["username"], "operator");
    assert_eq!(me["role"], "operator");
    let r = Client::new()
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&token, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn operator_is_forbidden_user_admin() {
    let app = TestApp::spawn().await;
    let token = app.token("operator").await;
    for path in ["/api/v1/users", "/api/v1/users/1"] {
        let r = app.get(&token, path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let r = app
        .post(
            &token,
            "/api/v1/users",
            json!({"username": "x1234", "password": "Rahasia-9999", "role": "admin"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let b = app.browser_login("operator").await;
    let r = b.get(app.url("/users")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Anda tidak memiliki akses"));
    // Auditors read the audit but change nothing; operators cannot read it.
    assert_eq!(
        app.get(&token, "/api/v1/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    let auditor = app.token("auditor").await;
    assert_eq!(
        app.get(&auditor, "/api/v1/audit").await.status(),
        StatusCode::OK
    );
    let r = app
        .patch(&auditor, "/api/v1/users/1", json!({"disabled": true}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn form_post_without_valid_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("admin").await;
    let form = [
        ("username", "newuser1"),
        ("password", "Rahasia-9999"),
        ("role", "operator"),
    ];
    let r = b.post(app.url("/users")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Formulir kedaluwarsa"));
    let mut with_bad = form.to_vec();
    with_bad.push(("_csrf", "0000"));
    let r = b
        .post(app.url("/users"))
        .form(&with_bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A cookie-authenticated API call that is not JSON (what a foreign form sends) too.
    let r = b
        .post(app.url("/api/v1/users"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Login form without the pre-session token.
    let r = app
        .browser()
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nothing was created.
    let admin = app.token("admin").await;
    let list: Value = app.get_json(&admin, "/api/v1/users?q=newuser").await;
    assert_eq!(list["total"], 0);

    // With the token it works.
    let page = app.page(&b, "/users/new").await;
    let csrf = hidden(&page, "_csrf");
    let mut ok = form.to_vec();
    ok.push(("_csrf", csrf.as_str()));
    let r = b.post(app.url("/users")).form(&ok).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list: Value = app.get_json(&admin, "/api/v1/users?q=newuser").await;
    assert_eq!(list["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn users_api_validates_and_audits() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    // 422 with the field and the reason, in the caller's language.
    let r = Client::new()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("accept-language", "en")
        .json(
            &json!({"username": "p2", "password": "short", "role": "pendamping", "districts": []}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation");
    assert!(body["error"]["fields"]["username"]
        .as_str()
        .unwrap()
        .contains("3–32"));
    assert_eq!(
        body["error"]["fields"]["password"],
        "Password must have at least 10 characters"
    );
    let r = app
        .post(&admin, "/api/v1/users", json!({"username": "pend2", "password": "Rahasia-2027", "role": "pendamping", "districts": []}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"]["districts"],
        "Pendamping harus ditugaskan ke minimal satu kecamatan"
    );
    // A kecamatan outside the office's region is refused.
    let r = app
        .post(&admin, "/api/v1/users", json!({"username": "pend2", "password": "Rahasia-2027", "role": "pendamping", "districts": ["32.07.01"]}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = app
        .post(&admin, "/api/v1/users", json!({"username": "pend2", "password": "Rahasia-2027", "role": "pendamping", "districts": ["32.79.03"]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["districts"], json!(["32.79.03"]));
    let id = created["id"].as_i64().unwrap();
    let r = app
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "pend2", "password": "Rahasia-2027", "role": "operator"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Change the role: areas go with it; the audit shows before and after.
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{id}"),
            json!({"role": "operator"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["districts"], json!([]));
    let audit: Value = app
        .get_json(&admin, &format!("/api/v1/audit?entity=user&entity_id={id}"))
        .await;
    assert_eq!(audit["total"], 2);
    let upd = &audit["items"][0];
    assert_eq!(upd["action"], "update");
    assert_eq!(upd["username"], "admin");
    assert_eq!(upd["before"]["role"], "pendamping");
    assert_eq!(upd["after"]["role"], "operator");
    assert!(
        !upd.to_string().contains("argon2"),
        "no password hash in the audit"
    );

    // The new account can log in; once disabled it cannot, and its sessions end.
    let t = app.token_with("pend2", "Rahasia-2027").await;
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{id}"),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(&t, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "pend2", "password": "Rahasia-2027"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // An admin cannot lock themselves out.
    let me: Value = app.get_json(&admin, "/api/v1/auth/me").await;
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{}", me["id"]),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Audit date filter validation.
    let r = app.get(&admin, "/api/v1/audit?from=2026-13-01").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Days as the office lives them (Asia/Jakarta), typed day first: entries today;
    // nothing yet tomorrow, nothing before today.
    let total = |q: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.get_json(&admin, &format!("/api/v1/audit?{q}")).await["total"]
                .as_i64()
                .unwrap()
        }
    };
    let day = |d: chrono::NaiveDate, sep: &str| d.format(&format!("%d{sep}%m{sep}%Y")).to_string();
    let (today, tomorrow, yesterday) = (
        app.today(),
        app.today() + chrono::Duration::days(1),
        app.today() - chrono::Duration::days(1),
    );
    assert!(total(format!("from={0}&to={0}", day(today, "-"))).await > 0);
    assert_eq!(
        total(format!("from={}", day(today, "-"))).await,
        total(String::new()).await
    );
    assert_eq!(total(format!("from={}", day(tomorrow, "-"))).await, 0);
    assert_eq!(total(format!("to={}", day(yesterday, "/"))).await, 0);
    // The page keeps what was typed, day first.
    let b = app.browser_login("admin").await;
    let page = app.page(&b, "/audit?from=2026-12-06").await;
    assert!(
        page.contains("name=\"from\" value=\"06-12-2026\""),
        "{page}"
    );
    app.stop().await;
}

#[tokio::test]
async fn areas_api_lists_children() {
    let app = TestApp::spawn().await;
    let t = app.token("p.langensari").await;
    let r: Value = app.get_json(&t, "/api/v1/areas?parent=32.79").await;
    let names: Vec<&str> = r
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Banjar", "Pataruman", "Purwaharja", "Langensari"]);
    assert_eq!(r[3]["code"], "32.79.04");
    assert_eq!(r[3]["level"], "district");
    let v: Value = app.get_json(&t, "/api/v1/areas?parent=32.79.04").await;
    assert_eq!(v.as_array().unwrap().len(), 6);
    assert_eq!(v[0]["level"], "village");
    let p: Value = app.get_json(&t, "/api/v1/areas").await;
    assert_eq!(p.as_array().unwrap().len(), 38);
    assert_eq!(
        app.get(&t, "/api/v1/areas?parent=99.99").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        Client::new()
            .get(app.url("/api/v1/areas"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = TestApp::spawn().await;
    let doc: Value = Client::new()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"].as_str().unwrap().chars().next(), Some('3'));
    let paths = doc["paths"].as_object().unwrap();
    let routes = web::api::api_paths();
    assert!(routes.len() >= 8);
    for route in &routes {
        let documented = paths
            .get(route)
            .unwrap_or_else(|| panic!("{route} missing from the OpenAPI document"));
        // Ask the router which methods the route has: a wrong method gets 405 + Allow.
        let concrete = route
            .replace("{id}", "1")
            .replace("{person_id}", "1")
            .replace("{action}", "submit");
        let r = Client::new()
            .request(
                reqwest::Method::from_bytes(b"TRACE").unwrap(),
                app.url(&concrete),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{route}");
        let allow = r.headers()["allow"].to_str().unwrap().to_lowercase();
        for m in allow
            .split(',')
            .map(str::trim)
            .filter(|m| *m != "head" && !m.is_empty())
        {
            assert!(
                documented.get(m).is_some(),
                "{} {route} missing from the OpenAPI document",
                m.to_uppercase()
            );
        }
    }
    // And nothing documented under /api/v1 is missing from the router.
    for p in paths.keys().filter(|p| p.starts_with("/api/v1")) {
        assert!(routes.contains(p), "{p} documented but not routed");
    }
    // The docs page renders from it.
    let t = app.token("operator").await;
    let docs = app.get(&t, "/api/docs").await.text().await.unwrap();
    assert!(docs.contains("/api/v1/auth/login"));
    app.stop().await;
}

#[tokio::test]
async fn health_assets_and_error_pages() {
    let app = TestApp::spawn().await;
    let c = Client::new();
    assert_eq!(app.page(&c, "/healthz").await, "ok");
    assert_eq!(
        c.get(app.url("/readyz")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = c.get(app.url("/static/htmx.min.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(r.text().await.unwrap().contains("htmx"));
    let r = c
        .get(app.url("/static/htmx.min.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

    // 404 as an HTML page in the user's language, and as JSON under /api.
    let b = app.browser_login("operator").await;
    let r = b.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Halaman atau data tidak ditemukan."));
    let t = app.token("operator").await;
    let r = Client::new()
        .get(app.url("/api/v1/nothing"))
        .bearer_auth(&t)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Page or data not found.");
    // Malformed JSON gets the documented error shape too.
    let admin = app.token("admin").await;
    let r = Client::new()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    // Security headers.
    let r = c.get(app.url("/login")).send().await.unwrap();
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    app.stop().await;
}

/// The API reads requests as strictly as its document states them: a field the operation
/// does not know is refused by name (not ignored), a query parameter sent empty is refused
/// (leave it out), paging out of range is refused (not clamped); every list answers the
/// same page; and the document closes its objects and keeps NUL characters out of texts.
#[tokio::test]
async fn requests_are_read_as_strictly_as_the_document_states() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_500_000, "unti_price": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(
        b["error"]["fields"]["unti_price"]
            .as_str()
            .unwrap()
            .contains("tidak dikenal"),
        "{b}"
    );
    // Nothing was stored: the same item without the misspelt field is new.
    let r = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_500_000}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    for (url, field) in [
        ("/api/v1/audit?to=", "to"),
        ("/api/v1/persons?q=&limit=5", "q"),
        ("/api/v1/persons?limit=0", "limit"),
        ("/api/v1/persons?limit=501", "limit"),
        ("/api/v1/kube/membership?offset=-1", "offset"),
    ] {
        let r = app.get(&op, url).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let b: Value = r.json().await.unwrap();
        assert!(b["error"]["fields"][field].is_string(), "{url}: {b}");
    }
    let r = app.get(&op, "/api/v1/persons?limit=500").await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = app
        .get(&op, "/api/v1/kube/membership?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page["limit"].as_i64(), page["offset"].as_i64()),
        (Some(2), Some(0)),
        "{page}"
    );
    assert!(page["items"].as_array().unwrap().len() <= 2 && page["total"].is_i64());

    let doc: Value = Client::new()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item = &doc["components"]["schemas"]["ItemIn"];
    assert_eq!(item["additionalProperties"], json!(false), "{item}");
    let name = item["properties"]["name"]["pattern"].as_str().unwrap();
    assert!(name.contains("u0000") && name.starts_with('^'), "{name}");
    // Merged, not `allOf` (a closed part would refuse the other part's fields).
    let kube = &doc["components"]["schemas"]["KubeCreate"];
    assert!(
        kube.get("allOf").is_none() && kube["properties"]["members"].is_object(),
        "{kube}"
    );
    let q = &doc["paths"]["/api/v1/persons"]["get"]["parameters"][0]["schema"];
    assert_eq!(q["minLength"], json!(1), "{q}");
}
