//! The cases that depend on the date, on purpose: the office's day turns at midnight in
//! Jakarta (UTC+7), not in UTC; a new year starts with no payments made; the year's last
//! hour still belongs to it. Each runs the server at a set instant (`TestApp::spawn_at`).
use crate::common;

use common::{kube_body, persons_in, TestApp, REJASARI};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// 00:30 WIB on 1 January 2027: still 31 December in UTC.
const NEW_YEARS_DAY: &str = "2027-01-01T00:30:00+07:00";
/// 23:30 WIB on 31 December 2026.
const NEW_YEARS_EVE: &str = "2026-12-31T23:30:00+07:00";

fn visit(on: &str) -> Value {
    json!({"visited_on": on, "operating": true, "meetings_held": 2, "members_present": 5,
           "books_up_to_date": true, "revenue": 1_000_000, "expenses": 500_000, "savings_balance": 100_000})
}

async fn one_kube(app: &TestApp, op: &str) -> i64 {
    let ids = persons_in(app, op, REJASARI, 5, 3).await;
    let r = app
        .post(
            op,
            "/api/v1/kube",
            kube_body("KUBE Kalender", REJASARI, &ids),
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_office_day_turns_at_midnight_in_jakarta() {
    // New Year's Day in Jakarta: a visit of today is accepted (UTC would call it
    // tomorrow), and the dashboard's year is the new one: last year's visit is not in it.
    let app = TestApp::spawn_at(NEW_YEARS_DAY).await;
    assert_eq!(app.today().to_string(), "2027-01-01");
    let op = app.token("operator").await;
    let id = one_kube(&app, &op).await;
    let path = format!("/api/v1/kube/{id}/visits");
    let r = app.post(&op, &path, visit("2026-12-31")).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app.post(&op, &path, visit("2027-01-01")).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app.post(&op, &path, visit("2027-01-02")).await;
    assert_eq!(r.status(), 422, "tomorrow is refused");
    let d: Value = app.get_json(&op, "/api/v1/dashboard").await;
    assert_eq!(d["this_year"]["visits"], 1, "{d}");
    let k: Value = app.get_json(&op, &format!("/api/v1/kube/{id}")).await;
    assert_eq!(k["health"]["assessed_on"], "2027-01-01", "{k}");
    app.stop().await;

    // The last hour of the year: still the old year, and 1 January is tomorrow.
    let app = TestApp::spawn_at(NEW_YEARS_EVE).await;
    assert_eq!(app.today().to_string(), "2026-12-31");
    let op = app.token("operator").await;
    let id = one_kube(&app, &op).await;
    let path = format!("/api/v1/kube/{id}/visits");
    let r = app.post(&op, &path, visit("2027-01-01")).await;
    assert_eq!(r.status(), 422, "tomorrow is refused");
    let r = app.post(&op, &path, visit("2026-12-31")).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let d: Value = app.get_json(&op, "/api/v1/dashboard").await;
    assert_eq!(d["this_year"]["visits"], 1, "{d}");
    app.stop().await;
}

/// The demo city loaded on the first and the last day of a year: its programmes are the
/// clock's year, monthly assistance is paid for exactly the months whose payment day
/// (the 5th) has come, the latest month still waiting for the head of division, the
/// delivered money is what was approved, and every page shows without error.
#[tokio::test]
async fn the_demo_city_on_new_years_day_and_on_new_years_eve() {
    for (instant, year, months) in [(NEW_YEARS_DAY, 2027, 0), (NEW_YEARS_EVE, 2026, 12)] {
        let (app, made) = TestApp::spawn_demo(instant).await;
        assert_eq!(made, 150, "{instant}");
        let admin = app.token("admin").await;
        let ps: Value = app
            .get_json(&admin, &format!("/api/v1/programmes?year={year}"))
            .await;
        let ps = ps["items"].as_array().cloned().unwrap();
        let individual: Vec<&Value> = ps.iter().filter(|p| p["target"] == "individual").collect();
        assert!(individual.len() >= 4, "{instant}: {ps:?}");
        let aslut = individual
            .iter()
            .find(|p| p["name"].as_str().unwrap().contains("ASLUT"))
            .unwrap();
        assert!(
            aslut["quota_used"].as_i64().unwrap() > 0,
            "{instant}: enrolled"
        );
        let benefits: Value = app
            .get_json(
                &admin,
                &format!("/api/v1/programmes/{}/benefits?limit=500", aslut["id"]),
            )
            .await;
        let items = benefits["items"].as_array().unwrap();
        let periods: BTreeSet<&str> = items
            .iter()
            .map(|b| b["period"].as_str().unwrap())
            .collect();
        let expected: BTreeSet<String> = (1..=months).map(|m| format!("{year}-{m:02}")).collect();
        assert_eq!(
            periods,
            expected.iter().map(String::as_str).collect(),
            "{instant}: months paid"
        );
        let waiting: BTreeSet<&str> = items
            .iter()
            .filter(|b| b["approved_by"].is_null())
            .map(|b| b["period"].as_str().unwrap())
            .collect();
        let latest: BTreeSet<&str> = expected
            .iter()
            .next_back()
            .map(String::as_str)
            .into_iter()
            .collect();
        assert_eq!(waiting, latest, "{instant}: only the latest month waits");
        let approved: i64 = items
            .iter()
            .filter(|b| !b["approved_by"].is_null())
            .map(|b| b["amount"].as_i64().unwrap())
            .sum();
        assert_eq!(aslut["delivered"].as_i64().unwrap(), approved, "{instant}");
        if months == 0 {
            assert_eq!(approved, 0, "{instant}: nothing paid on New Year's Day");
        } else {
            assert!(approved >= 11 * 200_000, "{instant}: {approved}");
        }
        // No benefit of any programme is dated after the clock's day.
        for p in &individual {
            let b: Value = app
                .get_json(
                    &admin,
                    &format!("/api/v1/programmes/{}/benefits?limit=500", p["id"]),
                )
                .await;
            for item in b["items"].as_array().unwrap() {
                assert!(
                    item["given_on"].as_str().unwrap() <= app.today().to_string().as_str(),
                    "{instant}: {item}"
                );
            }
        }
        // Nothing of the demo happened after the clock's now: the newest audit entry is
        // not in the future.
        let newest: Value = app.get_json(&admin, "/api/v1/audit?limit=1").await;
        let at = newest["items"][0]["at"].as_str().unwrap().to_string();
        assert!(
            at <= app.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "{instant}: an entry at {at}"
        );
        let b = app.browser_login("kabid").await;
        let mut pages: Vec<String> = ["/", "/programmes", "/reports", "/mentoring", "/proposals"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        pages.extend(ps.iter().map(|p| format!("/programmes/{}", p["id"])));
        for r in ["aid", "outcomes", "trainings", "enrolments"] {
            pages.push(format!("/reports/{r}?year={year}"));
        }
        for p in &pages {
            let r = b.get(app.url(p)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{instant}: {p}");
        }
        app.stop().await;
    }
}
