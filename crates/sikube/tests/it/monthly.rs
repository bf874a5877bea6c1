//! The facilitator's monthly report against the visits recorded: figures, the plan the
//! facilitator writes, who reads whose, the summary, and the files.
use crate::common::{kube_body, persons_in, TestApp, REJASARI};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn the_monthly_report_adds_up_the_months_visits() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let mut groups = Vec::new();
    for (name, seed) in [("KUBE Bulan Satu", 31), ("KUBE Bulan Dua", 32)] {
        let ids = persons_in(&app, &op, REJASARI, 5, seed).await;
        let k: Value = app
            .post(&op, "/api/v1/kube", kube_body(name, REJASARI, &ids))
            .await
            .json()
            .await
            .unwrap();
        groups.push(k["id"].as_i64().unwrap());
    }
    let pid = app.user_id("p.langensari").await;
    app.post(
        &op,
        "/api/v1/kube/assign",
        json!({"kube_ids": groups, "pendamping_id": pid}),
    )
    .await;
    // A month wholly past, whatever day the suite runs on.
    let month = domain::dates::Month::of(app.today() - chrono::Duration::days(40));
    let day = |n: i64| (month.first() + chrono::Duration::days(n)).to_string();
    for (on, revenue, expenses, savings, problems, actions) in [
        (
            day(1),
            3_000_000,
            1_800_000,
            400_000,
            "Pakan mahal",
            "Beli pakan bersama",
        ),
        (
            day(3),
            5_000_000,
            2_000_000,
            600_000,
            "",
            "Catat kas harian",
        ),
    ] {
        let r = app
            .post(
                &op,
                &format!("/api/v1/kube/{}/visits", groups[0]),
                json!({
                "visited_on": on, "operating": true, "meetings_held": 2, "members_present": 5,
                "books_up_to_date": true, "revenue": revenue, "expenses": expenses,
                "savings_balance": savings, "problems": problems, "actions": actions}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // A visit of the month before does not count.
    app.post(
        &op,
        &format!("/api/v1/kube/{}/visits", groups[1]),
        json!({"visited_on": (month.first() - chrono::Duration::days(3)).to_string(), "operating": true}),
    )
    .await;

    let pd = app.token("p.langensari").await;
    let r = app
        .put(
            &pd,
            "/api/v1/monthly/plan",
            json!({"month": month.to_string(), "plan": "Kunjungi KUBE Bulan Dua minggu pertama"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let m: Value = app
        .get_json(&pd, &format!("/api/v1/monthly?month={month}"))
        .await;
    assert_eq!(
        (&m["groups"], &m["visited"], &m["visits"]),
        (&json!(2), &json!(1), &json!(2)),
        "{m}"
    );
    let a = m["kube"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kube_id"] == groups[0])
        .unwrap();
    // The month's last visit's figures.
    assert_eq!(
        (&a["revenue"], &a["profit"], &a["savings_balance"]),
        (&json!(5_000_000), &json!(3_000_000), &json!(600_000))
    );
    assert_eq!(a["last_visit_on"], day(3));
    assert_eq!(a["problems"], json!(["Pakan mahal"]));
    assert_eq!(
        a["actions"],
        json!(["Beli pakan bersama", "Catat kas harian"])
    );
    let b = m["kube"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kube_id"] == groups[1])
        .unwrap();
    assert_eq!((&b["visits"], &b["revenue"]), (&json!(0), &Value::Null));
    // Due: B's visit before the month fell due within it (30 days); A's first visit was
    // owed since long before.
    assert_eq!(m["due"], 2, "{m}");
    assert_eq!(m["plan"], "Kunjungi KUBE Bulan Dua minggu pertama");

    // Who reads whose: another facilitator finds nothing; an operator may not; the head of
    // division reads it and the summary.
    let other = app.token("p.pataruman").await;
    let r = app
        .get(
            &other,
            &format!("/api/v1/monthly?month={month}&user_id={pid}"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&op, "/api/v1/monthly").await.status(),
        StatusCode::FORBIDDEN
    );
    let kb = app.token("kabid").await;
    let s: Value = app
        .get_json(&kb, &format!("/api/v1/monthly/summary?month={month}"))
        .await;
    let row = s
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user_id"] == pid)
        .unwrap();
    assert_eq!((&row["visited"], &row["due"]), (&json!(1), &json!(2)));
    assert_eq!(
        app.put(
            &kb,
            "/api/v1/monthly/plan",
            json!({"month": month.to_string(), "plan": "x"})
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );

    // The files: the PDF with the letterhead, the figures and the plan; the XLSX's rows.
    let pdf = app
        .get(&pd, &format!("/api/v1/monthly.pdf?month={month}"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf::extract_text(&pdf);
    for want in [
        "Laporan bulanan pendamping",
        "KUBE Bulan Satu",
        "5.000.000",
        "Pakan mahal",
        "Kunjungi KUBE Bulan Dua",
        "1 dari 2 KUBE dikunjungi",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let xlsx = app
        .get(&pd, &format!("/api/v1/monthly.xlsx?month={month}"))
        .await
        .bytes()
        .await
        .unwrap();
    let rows = sheets::read_cells(&xlsx).unwrap();
    assert_eq!(rows[0][0], sheets::Cell::Text("KUBE".into()));
    assert!(rows
        .iter()
        .any(|r| r[0] == sheets::Cell::Text("KUBE Bulan Satu".into())
            && r[7] == sheets::Cell::Int(5_000_000)));
    // The page: the facilitator's own with the plan form.
    let br = app.browser_login("p.langensari").await;
    let page = app.page(&br, &format!("/monthly?month={month}")).await;
    assert!(page.contains("KUBE Bulan Satu") && page.contains("name=\"plan\""));
    app.stop().await;
}
