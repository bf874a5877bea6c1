//! The dashboard's figures against hand-computed expectations, scoped per caller, and
//! on the demo city.
use crate::common;

use common::{kube_body, persons_in, TestApp};
use serde_json::{json, Value};

fn visit(app: &TestApp, operating: bool, books: bool) -> Value {
    json!({"visited_on": app.days_ago(3), "operating": operating, "meetings_held": 2, "members_present": 5,
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
        visit(&app, true, true),
    )
    .await;
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[1]),
        visit(&app, true, false),
    )
    .await;
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", ids[3]),
        visit(&app, false, true),
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
    // Visited three days ago: in this year's count unless that was last year.
    let this_year = chrono::Datelike::year(&app.today()).to_string();
    let visits = if app.days_ago(3).starts_with(&this_year) {
        3
    } else {
        0
    };
    assert_eq!(d["this_year"]["visits"], visits);
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
    assert!(home.contains("id=\"running-pct\">25,0%<"));
    assert!(home.contains("href=\"/kube?district_code=32.79.04&amp;status=berjalan\">1<"));
    assert!(home.contains("<svg"));
    app.stop().await;
}

#[tokio::test]
async fn demo_city_has_about_150_kube_most_in_langensari() {
    let app = TestApp::spawn().await;
    let areas = domain::Areas::embedded();
    let region = areas.regency("32.79").unwrap();
    let made = app.installation.demo_city(&areas, &region).await.unwrap();
    assert_eq!(made, 150);
    assert_eq!(
        app.installation.demo_city(&areas, &region).await.unwrap(),
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

/// The demo tells the whole year: every list and report page has data, proposals are in
/// every state, budgets are partly committed and delivered, an approval the budget refused
/// is in the audit log, every KUBE has a facilitator and a stage its history explains.
#[tokio::test]
async fn demo_city_tells_the_whole_year() {
    // Early December, whatever SIKUBE_TEST_CLOCK says: the year's story is all told
    // (the first and last days of a year are `calendar`'s).
    let app = TestApp::spawn_at(common::TEST_CLOCK).await;
    let areas = domain::Areas::embedded();
    let region = areas.regency("32.79").unwrap();
    let accounts = app
        .installation
        .demo_accounts(&areas, &region)
        .await
        .unwrap();
    for d in ["banjar", "pataruman", "purwaharja", "langensari"] {
        let name = format!("pendamping.{d}");
        assert!(accounts.iter().any(|a| a.0 == name), "{name}");
    }
    app.installation.demo_city(&areas, &region).await.unwrap();
    let scanned = app.scan_duplicates().await;
    // The demo wrote thousands of audit entries before the first scan: the scan read the
    // whole registry and has nothing left to do.
    assert_eq!(
        app.scan_duplicates().await,
        app::duplicates::scan::Scanned::Unchanged
    );
    let admin = app.token("admin").await;
    let year = chrono::Datelike::year(&app.today());

    let mut states = std::collections::BTreeMap::new();
    let list: Value = app.get_json(&admin, "/api/v1/proposals?limit=500").await;
    for p in list["items"].as_array().unwrap() {
        *states
            .entry(p["state"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    for s in [
        "draft",
        "submitted",
        "verified",
        "approved",
        "rejected",
        "delivered",
        "closed",
    ] {
        assert!(
            states.get(s).copied().unwrap_or(0) > 0,
            "no proposal {s}: {states:?}"
        );
    }
    let rejected: Value = app
        .get_json(&admin, "/api/v1/proposals?state=rejected")
        .await;
    let r = &rejected["items"][0];
    let r: Value = app
        .get_json(&admin, &format!("/api/v1/proposals/{}", r["id"]))
        .await;
    assert!(r["reason"].as_str().is_some_and(|s| s.len() > 10), "{r}");
    let delivered: Value = app
        .get_json(&admin, "/api/v1/proposals?state=delivered")
        .await;
    let d = &delivered["items"][0];
    let detail: Value = app
        .get_json(&admin, &format!("/api/v1/proposals/{}", d["id"]))
        .await;
    assert!(
        detail["bast_number"]
            .as_str()
            .is_some_and(|b| b.starts_with("BAST/")),
        "{detail}"
    );
    assert!(
        detail["receiver"]
            .as_str()
            .is_some_and(|b| b.contains("Ketua")),
        "{detail}"
    );
    let assets: Value = app
        .get_json(&admin, &format!("/api/v1/kube/{}/assets", d["kube_id"]))
        .await;
    assert!(!assets.as_array().unwrap().is_empty());

    // This year's programmes: budgets partly committed and delivered; every kind.
    let ps: Value = app
        .get_json(&admin, &format!("/api/v1/programmes?year={year}"))
        .await;
    let ps = ps["items"].as_array().cloned().unwrap();
    for (funding, target) in [
        ("apbd_kota", "kube"),
        ("apbd_provinsi", "kube"),
        ("apbn", "kube"),
    ] {
        assert!(
            ps.iter()
                .any(|p| p["funding_source"] == funding && p["target"] == target),
            "{funding}"
        );
    }
    let city = ps
        .iter()
        .find(|p| p["funding_source"] == "apbd_kota" && p["target"] == "kube")
        .unwrap();
    let (budget, committed, delivered) = (
        city["budget"].as_i64().unwrap(),
        city["committed"].as_i64().unwrap(),
        city["delivered"].as_i64().unwrap(),
    );
    assert!(
        0 < delivered && delivered < committed && committed < budget,
        "{city}"
    );
    assert!(
        ps.iter()
            .filter(|p| p["quota"].is_i64() && p["target"] == "kube")
            .count()
            >= 2
    );
    let individual: Vec<&Value> = ps.iter().filter(|p| p["target"] == "individual").collect();
    assert!(individual.len() >= 4, "WRSE, ASLUT, children, fakir miskin");
    for p in &individual {
        assert!(
            p["quota_used"].as_i64().unwrap() > 0 && p["delivered"].as_i64().unwrap() > 0,
            "{p}"
        );
    }
    let aslut = individual
        .iter()
        .find(|p| p["name"].as_str().unwrap().contains("ASLUT"))
        .unwrap();
    assert!(
        aslut["delivered"].as_i64().unwrap() >= 20 * 200_000,
        "months paid: {aslut}"
    );

    let refused: Value = app
        .get_json(&admin, "/api/v1/audit?action=approve_refused")
        .await;
    let items = refused["items"].as_array().unwrap();
    assert!(
        items.iter().any(|e| e["after"]["field"] == "budget"),
        "{refused}"
    );

    // Every KUBE has a facilitator; stages agree with levels and history.
    let kube: Value = app.get_json(&admin, "/api/v1/kube?limit=500").await;
    for k in kube["items"].as_array().unwrap() {
        let id = k["id"].as_i64().unwrap();
        let full: Value = app.get_json(&admin, &format!("/api/v1/kube/{id}")).await;
        assert!(full["pendamping_id"].is_i64(), "no facilitator: {full}");
        let stage = full["stage"].as_str().unwrap();
        assert_ne!(
            stage, "pembentukan",
            "formed {} and still forming",
            full["formed_on"]
        );
        if full["health"]["level"] == "maju" {
            assert_eq!(stage, "mandiri", "{full}");
        }
        if full["status"] == "bubar" {
            assert_eq!(stage, "bubar");
        }
    }
    let dash: Value = app.get_json(&admin, "/api/v1/dashboard").await;
    assert_eq!(dash["kube_total"], 150);

    // Every list and report page has something to show.
    let b = app.browser_login("admin").await;
    let training =
        app.get_json(&admin, "/api/v1/trainings?limit=1").await["items"][0]["id"].clone();
    let mut pages: Vec<String> = [
        "/",
        "/kube",
        "/persons",
        "/persons/duplicates",
        "/mentoring",
        "/trainings",
        "/proposals",
        "/programmes",
        "/items",
        "/reports",
        "/users",
        "/audit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for r in ["kube-status", "aid", "outcomes", "trainings", "enrolments"] {
        pages.push(format!("/reports/{r}"));
    }
    // This year's activity (no KUBE was formed this year: the status report's year is
    // the year of forming, empty on purpose).
    for r in ["aid", "outcomes", "trainings"] {
        pages.push(format!("/reports/{r}?year={year}"));
    }
    pages.extend(ps.iter().map(|p| format!("/programmes/{}", p["id"])));
    pages.push(format!("/kube/{}", detail["kube_id"]));
    pages.push(format!("/proposals/{}", detail["id"]));
    pages.push(format!("/trainings/{training}"));
    for p in &pages {
        let r = b.get(app.url(p)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{p}");
        let html = r.text().await.unwrap();
        assert!(
            !html.contains("class=\"empty\""),
            "{p} shows an empty state (the duplicate scan: {scanned:?}): {}",
            html.split("class=\"empty\"")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    // The pictures: a KUBE's trend over its visits, a programme's money by month against
    // its budget, the dashboard's legend of status colours.
    let kube_page = app.page(&b, &format!("/kube/{}", detail["kube_id"])).await;
    assert!(kube_page.contains("id=\"visit-trend\"><svg") && kube_page.contains(">Omzet</text>"));
    let programme_page = app.page(&b, &format!("/programmes/{}", city["id"])).await;
    assert!(
        programme_page.contains("id=\"budget-chart\"><svg")
            && programme_page.contains(">Pagu anggaran</text>")
    );
    assert!(programme_page.contains("<polyline"));
    let home = app.page(&b, "/").await;
    assert!(home.contains(">Berjalan</text>") && home.contains(">Perlu pendampingan</text>"));
    // The status report: a subtotal and the running share per kecamatan, and in all.
    let report: Value = app.get_json(&admin, "/api/v1/reports/kube-status").await;
    let rows = report["rows"].as_array().unwrap();
    let subtotals: Vec<&Value> = rows
        .iter()
        .filter(|r| r[0].as_str().unwrap().starts_with("Jumlah "))
        .collect();
    assert_eq!(subtotals.len(), 4, "{report}");
    let last = rows.last().unwrap();
    assert_eq!(last[0], "Jumlah");
    let share = last.as_array().unwrap().last().unwrap().as_f64().unwrap();
    assert_eq!(share, dash["running_pct"].as_f64().unwrap(), "{last}");

    // The facilitator's own caseload too (the test app's account of Langensari comes first).
    let pend = app.token("p.langensari").await;
    let queue: Value = app.get_json(&pend, "/api/v1/mentoring").await;
    assert!(queue.to_string().len() > 100, "{queue}");
    app.stop().await;
}

/// The dashboard is cached between changes, never across one: a read, a change, and the
/// next read shows the change (for another caller too).
#[tokio::test]
async fn the_dashboard_shows_a_change_at_the_next_read() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let p = persons_in(&app, &op, "32.79.04.2002", 5, 40).await;
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Tembolok", "32.79.04.2002", &p),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let d: Value = app.get_json(&kabid, "/api/v1/dashboard").await;
    assert_eq!(
        (
            d["kube_total"].clone(),
            d["by_status"]["belum_dinilai"].clone()
        ),
        (json!(1), json!(1))
    );
    let again: Value = app.get_json(&kabid, "/api/v1/dashboard").await;
    assert_eq!(again, d, "two reads without a change agree");
    // A visit: the group now runs.
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{id}/visits"),
            visit(&app, true, true),
        )
        .await;
    assert_eq!(r.status(), 201);
    let d: Value = app.get_json(&kabid, "/api/v1/dashboard").await;
    assert_eq!(d["by_status"]["berjalan"], 1, "{d}");
    assert_eq!(d["by_status"]["belum_dinilai"], 0, "{d}");
    // A new person: the registry's count moves too, on the page as in the API.
    let before = d["persons_by_category"]["fakir_miskin"].as_i64().unwrap();
    persons_in(&app, &op, "32.79.04.2002", 1, 41).await;
    let d: Value = app.get_json(&kabid, "/api/v1/dashboard").await;
    assert_eq!(
        d["persons_by_category"]["fakir_miskin"].as_i64().unwrap(),
        before + 1
    );
    app.stop().await;
}
