//! The dashboard's figures against hand-computed expectations, scoped per caller, and
//! on the demo city.
mod common;

use common::{kube_body, persons_in, TestApp};
use serde_json::{json, Value};

fn recent(days_ago: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago))
        .format("%Y-%m-%d")
        .to_string()
}

fn visit(operating: bool, books: bool) -> Value {
    json!({"visited_on": recent(3), "operating": operating, "meetings_held": 2, "members_present": 5,
           "books_up_to_date": books, "revenue": 1_000_000, "expenses": 500_000, "savings_balance": 100_000})
}

#[tokio::test]
async fn dashboard_counts_are_exact_and_scoped() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    // Langensari: three KUBE (running, needs mentoring, never visited); Pataruman: one inactive.
    let mut ids = Vec::new();
    for (i, v) in [
        "32.79.04.2002",
        "32.79.04.2002",
        "32.79.04.2003",
        "32.79.02.1002",
    ]
    .iter()
    .enumerate()
    {
        let p = persons_in(&app, &op, v, 5, 30 + i).await;
        let mut b = kube_body(&format!("KUBE Dasbor {i}"), v, &p);
        if i == 1 {
            b["business_type"] = json!("warungan");
            b["funding_source"] = json!("apbn");
        }
        if i == 3 {
            b["formed_on"] = json!("2010-03-01");
        }
        let k: Value = app.post(&op, "/api/v1/kube", b).await.json().await.unwrap();
        ids.push(k["id"].as_i64().unwrap());
    }
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[0]),
        visit(true, true),
    )
    .await;
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[1]),
        visit(true, false),
    )
    .await;
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[3]),
        visit(false, true),
    )
    .await;

    let d: Value = app.get_json(&op, "/api/v1/dashboard").await;
    assert_eq!(d["kube_total"], 4);
    assert_eq!(
        d["by_status"],
        json!({"berjalan": 1, "perlu_pendampingan": 1, "tidak_aktif": 1, "belum_dinilai": 1, "bubar": 0})
    );
    assert_eq!(d["running_pct"], 25.0);
    assert_eq!(d["members_total"], 20);
    let districts: Vec<(String, i64)> = d["by_district"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().to_string(),
                g["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        districts,
        vec![
            ("Banjar".into(), 0),
            ("Pataruman".into(), 1),
            ("Purwaharja".into(), 0),
            ("Langensari".into(), 3)
        ]
    );
    assert_eq!(d["by_district"][3]["by_status"]["berjalan"], 1);
    let years: Vec<(&str, i64)> = d["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["code"].as_str().unwrap(), g["total"].as_i64().unwrap()))
        .collect();
    assert_eq!(years, vec![("2010", 1), ("2012", 3)]);
    assert_eq!(d["by_business_type"][0]["code"], "ternak_kambing");
    assert_eq!(d["by_business_type"][0]["total"], 3);
    let apbn = d["by_funding_source"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "apbn")
        .unwrap()
        .clone();
    assert_eq!(apbn["total"], 1);
    assert_eq!(d["this_year"]["visits"], 3);
    assert_eq!(d["persons_by_category"]["fakir_miskin"], 20);
    // Overdue for a visit: only the group never visited (the others were, 3 days ago);
    // the same count as the mentoring queue's overdue rows.
    assert_eq!(d["this_year"]["visits_overdue"], 1);
    let queue: Vec<Value> = app
        .get(&op, "/api/v1/mentoring")
        .await
        .json()
        .await
        .unwrap();
    let overdue: Vec<&Value> = queue
        .iter()
        .filter(|q| q["overdue_days"].as_i64() > Some(0))
        .collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["kube_id"], ids[2]);

    // The pendamping of Langensari sees Langensari only.
    let pl = app.token("p.langensari").await;
    let d: Value = app.get_json(&pl, "/api/v1/dashboard").await;
    assert_eq!(d["kube_total"], 3);
    assert_eq!(d["by_status"]["tidak_aktif"], 0);
    assert_eq!(d["by_district"].as_array().unwrap().len(), 1);
    assert_eq!(d["persons_by_category"]["fakir_miskin"], 15);

    // The home page shows the same numbers with links to the lists behind them.
    let b = app.browser_login("kabid").await;
    let home = app.page(&b, "/").await;
    assert!(home.contains("id=\"kube-total\">4<"));
    assert!(home.contains("id=\"running-pct\">25%<"));
    assert!(home.contains("href=\"/kube?district_code=32.79.04&amp;status=berjalan\">1<"));
    assert!(home.contains("<svg"));
    app.stop().await;
}

#[tokio::test]
async fn demo_city_has_about_150_kube_most_in_langensari() {
    let app = TestApp::spawn().await;
    let areas = domain::Areas::embedded();
    let region = areas.regency("32.79").unwrap();
    let made = sikube::demo::load_city(&app.store, &areas, &region)
        .await
        .unwrap();
    assert_eq!(made, 150);
    assert_eq!(
        sikube::demo::load_city(&app.store, &areas, &region)
            .await
            .unwrap(),
        0,
        "loaded once"
    );
    let op = app.token("operator").await;
    let d: Value = app.get_json(&op, "/api/v1/dashboard").await;
    assert_eq!(d["kube_total"], 150);
    let most = d["by_district"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|g| g["total"].as_i64().unwrap())
        .unwrap()
        .clone();
    assert_eq!(most["name"], "Langensari");
    let pct = d["running_pct"].as_f64().unwrap();
    assert!((30.0..=50.0).contains(&pct), "about 40% running: {pct}");
    let years: Vec<&str> = d["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect();
    assert_eq!(years.first(), Some(&"2004"));
    assert_eq!(years.last(), Some(&"2012"));
    let list: Value = app.get_json(&op, "/api/v1/kube?limit=500").await;
    for k in list["items"].as_array().unwrap() {
        let n = k["member_count"].as_i64().unwrap();
        assert!(k["stage"] == "bubar" || (5..=20).contains(&n), "{k}");
    }
    app.stop().await;
}
