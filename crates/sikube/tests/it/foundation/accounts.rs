//! Language, API tokens, the user pages, HTTPS mode.
use super::*;

#[tokio::test]
async fn language_follows_the_user() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("operator").await;
    let page = app.page(&b, "/profile").await;
    let csrf = hidden(&page, "_csrf");
    let r = b
        .post(app.url("/profile/lang"))
        .form(&[("_csrf", csrf.as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&b, "/profile").await;
    assert!(page.contains("Language saved."), "flash in English");
    assert!(page.contains("Change password"));
    let again = app.page(&b, "/profile").await;
    assert!(!again.contains("Language saved."), "flash shown once");
    let home = app.page(&b, "/").await;
    assert!(home.contains("Home"));
    app.stop().await;
}

#[tokio::test]
async fn api_tokens_for_integrations() {
    let app = TestApp::spawn().await;
    let t = app.token("operator").await;
    let r = app
        .post(
            &t,
            "/api/v1/tokens",
            json!({"label": "", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A token is made with the account's current password.
    let r = app
        .post(
            &t,
            "/api/v1/tokens",
            json!({"label": "SIKS-NG sync", "password": common::PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let integration = created["token"].as_str().unwrap().to_string();
    let me: Value = app.get_json(&integration, "/api/v1/auth/me").await;
    assert_eq!(me["username"], "operator");
    let list: Value = app.get_json(&t, "/api/v1/tokens").await;
    assert_eq!(list[0]["label"], "SIKS-NG sync");
    let r = Client::new()
        .delete(app.url(&format!("/api/v1/tokens/{}", created["id"])))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&integration, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

#[tokio::test]
async fn user_pages_create_and_edit_with_field_errors() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("admin").await;
    let page = app.page(&b, "/users/new").await;
    let csrf = hidden(&page, "_csrf");
    // Pendamping without kecamatan: the form comes back with the field's message.
    let r = b
        .post(app.url("/users"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "pend.baru"),
            ("password", "Rahasia-2027"),
            ("role", "pendamping"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"error-districts\""), "{html}");
    assert!(html.contains("value=\"pend.baru\""), "input kept");
    let r = b
        .post(app.url("/users"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "pend.baru"),
            ("password", "Rahasia-2027"),
            ("role", "pendamping"),
            ("districts", "32.79.01"),
            ("districts", "32.79.03"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = app.page(&b, "/users?q=pend.baru").await;
    assert!(list.contains("Pengguna pend.baru dibuat."), "flash");
    assert!(list.contains("Banjar, Purwaharja"));
    let audit = app.page(&b, "/audit?entity=user").await;
    assert!(audit.contains("pend.baru"));
    app.stop().await;
}

#[tokio::test]
async fn https_mode_sends_hsts_and_secure_cookies_and_rotates_sessions() {
    let app = TestApp::spawn_with(|c| c.https = true).await;
    let r = Client::new().get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let r = Client::new()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "operator", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"),
        "{cookie}"
    );
    // A new login is a new session id; logging in through the form ends the old one.
    let b = app.browser_login("operator").await;
    let first = b.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let t1 = app.token("operator").await;
    let t2 = app.token("operator").await;
    assert_ne!(t1, t2);
    app.stop().await;
    let plain = TestApp::spawn().await;
    let r = Client::new().get(plain.url("/login")).send().await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
    plain.stop().await;
}
