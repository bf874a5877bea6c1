//! "Tugas saya" on the demo city: each role's home lists what waits for it above the
//! figures, each item one click from where it is done, and the API says the same.
use crate::common::{self, TestApp};
use reqwest::Client;
use serde_json::Value;

/// Every link of a to-do list opens (200) for the one it was listed for.
async fn links_open(app: &TestApp, b: &Client, tasks: &Value) {
    for t in tasks.as_array().unwrap() {
        let mut hrefs = vec![t["href"].as_str().unwrap().to_string()];
        for i in t["items"].as_array().unwrap() {
            hrefs.push(i["href"].as_str().unwrap().to_string());
        }
        for h in hrefs {
            let r = b.get(app.url(&h)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{} → {h}", t["code"]);
        }
    }
}

fn codes(tasks: &Value) -> Vec<String> {
    tasks
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_roles_home_lists_what_waits_for_it() {
    let (app, _) = TestApp::spawn_demo(common::TEST_CLOCK).await;

    // The head of division: proposals and the month's payments to approve.
    let kabid = app.token("kabid").await;
    let tasks = app.get_json(&kabid, "/api/v1/tasks").await;
    let c = codes(&tasks);
    assert!(
        c.contains(&"proposals_to_approve".to_string())
            && c.contains(&"benefits_to_approve".to_string()),
        "{tasks}"
    );
    let approve = &tasks[0];
    assert_eq!(approve["href"], "/proposals?state=verified");
    let waiting: Value = app
        .get_json(&kabid, "/api/v1/proposals?state=verified&limit=500")
        .await;
    assert_eq!(
        approve["count"], waiting["total"],
        "the count is the list's"
    );
    assert!(approve["title"]
        .as_str()
        .unwrap()
        .ends_with("usulan menunggu persetujuan Anda"));
    let b = app.browser_login("kabid").await;
    links_open(&app, &b, &tasks).await;
    let home = app.page(&b, "/").await;
    let at = |needle: &str| home.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(
        at("Tugas saya") < at(r#"id="totals""#),
        "the list comes first"
    );
    assert!(home.contains(r#"data-task="benefits_to_approve""#));
    assert!(
        home.contains(r#"id="dash-programmes""#),
        "the office's budget"
    );

    // A pendamping (the test's accounts come first, so the demo's groups are theirs):
    // their groups' visits, each linking to its visit form.
    let field = app.token("p.langensari").await;
    let tasks = app.get_json(&field, "/api/v1/tasks").await;
    let visits: Vec<&Value> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["code"].as_str().unwrap().starts_with("visits_"))
        .collect();
    assert!(!visits.is_empty(), "{tasks}");
    for t in &visits {
        assert_eq!(t["href"], "/mentoring");
        for i in t["items"].as_array().unwrap() {
            let h = i["href"].as_str().unwrap();
            assert!(h.starts_with("/kube/") && h.ends_with("/visits/new"), "{h}");
        }
    }
    let fb = app.browser_login("p.langensari").await;
    links_open(&app, &fb, &tasks).await;
    let home = app.page(&fb, "/").await;
    assert!(home.contains(r#"data-task="visits_"#));
    assert!(
        !home.contains(r#"id="dash-programmes""#),
        "not the city's budget table"
    );
    // Another kecamatan's pendamping has other groups.
    let other = app.token("p.pataruman").await;
    let theirs = app.get_json(&other, "/api/v1/tasks").await;
    let ids = |t: &Value| -> Vec<String> {
        t.as_array()
            .unwrap()
            .iter()
            .flat_map(|t| t["items"].as_array().unwrap().clone())
            .map(|i| i["href"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids(&theirs).iter().all(|h| !ids(&tasks).contains(h)));

    // The auditor changes nothing: an empty list, no section on the home page.
    let aud = app.token("auditor").await;
    assert_eq!(
        app.get_json(&aud, "/api/v1/tasks").await,
        serde_json::json!([])
    );
    let ab = app.browser_login("auditor").await;
    assert!(!app.page(&ab, "/").await.contains(r#"id="tasks""#));
    app.stop().await;
}
