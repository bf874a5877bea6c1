//! The office's settings decide: visit interval, staleness, attendance share, declining
//! revenue, guidance share — each set away from its default, with a case that the
//! default would judge otherwise; and a region other than Kota Banjar.
use super::*;

fn figures(app: &TestApp, days_ago: i64, present: i64, revenue: i64) -> Value {
    json!({"visited_on": app.days_ago(days_ago), "operating": true, "meetings_held": 2, "members_present": present,
           "books_up_to_date": true, "revenue": revenue, "expenses": revenue / 2, "savings_balance": 100_000})
}

async fn group(app: &TestApp, op: &str, name: &str, seed: usize) -> (i64, Vec<i64>) {
    let ids = persons_in(app, op, REJASARI, 5, seed).await;
    let r = app
        .post(op, "/api/v1/kube", kube_body(name, REJASARI, &ids))
        .await;
    assert_eq!(r.status(), 201);
    (
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap(),
        ids,
    )
}

async fn status(app: &TestApp, op: &str, id: i64) -> String {
    let k: Value = app.get_json(op, &format!("/api/v1/kube/{id}")).await;
    k["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_offices_thresholds_decide_health_visits_and_guidance() {
    let app = TestApp::spawn_with(|c| {
        c.visits.interval_days = 7;
        c.health.stale_after_days = 20;
        c.health.min_attendance_pct = 90;
        c.health.declining_visits = 2;
        c.guidance_share_pct = 100;
    })
    .await;
    let op = app.token("operator").await;
    let visits = |id: i64| format!("/api/v1/kube/{id}/visits");

    // Four of five at the meeting: 80% is enough by default (50%), not at 90%.
    let (a, _) = group(&app, &op, "KUBE Hadir", 80).await;
    let r = app
        .post(&op, &visits(a), figures(&app, 10, 4, 1_000_000))
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(status(&app, &op, a).await, "perlu_pendampingan");
    // Visited ten days ago: due after seven, so three days overdue (not by the default 30).
    let queue: Vec<Value> = app
        .get(&op, "/api/v1/mentoring")
        .await
        .json()
        .await
        .unwrap();
    let row = queue.iter().find(|q| q["kube_id"] == a).unwrap();
    assert_eq!(row["overdue_days"], 3, "{row}");
    assert_eq!(row["due_on"], app.days_ago(3));

    // Last visited 25 days ago: stale after 20 (not after the default 120).
    let (b, _) = group(&app, &op, "KUBE Lama", 81).await;
    let r = app
        .post(&op, &visits(b), figures(&app, 25, 5, 1_000_000))
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(status(&app, &op, b).await, "belum_dinilai");

    // Revenue falling twice in a row: a decline at 2 (the default needs 3).
    let (c, _) = group(&app, &op, "KUBE Turun", 82).await;
    for (days, revenue) in [(9, 3_000_000), (6, 2_000_000), (3, 1_000_000)] {
        let r = app
            .post(&op, &visits(c), figures(&app, days, 5, revenue))
            .await;
        assert_eq!(r.status(), 201);
    }
    assert_eq!(status(&app, &op, c).await, "perlu_pendampingan");

    // Technical guidance attended by four of five: complete at 80%, not at 100%.
    let (d, members) = group(&app, &op, "KUBE Bimtek", 83).await;
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Bimtek kambing", "kind": "bimbingan_teknis",
            "business_type": "ternak_kambing", "starts_on": "2026-01-10", "ends_on": "2026-01-10",
            "village_code": REJASARI}),
        )
        .await
        .json()
        .await
        .unwrap();
    for p in &members[..4] {
        let r = app
            .post(
                &op,
                &format!("/api/v1/trainings/{}/participants", t["id"]),
                json!({"person_id": p, "attended": true}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    let g: Value = app
        .get_json(&op, &format!("/api/v1/kube/{d}/guidance"))
        .await;
    assert_eq!(
        (g["completed"].clone(), g["attended"].clone()),
        (json!(false), json!(4)),
        "{g}"
    );
    app.stop().await;

    // The same cases under the defaults judge otherwise.
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let (a, _) = group(&app, &op, "KUBE Hadir", 80).await;
    assert_eq!(
        app.post(&op, &visits(a), figures(&app, 10, 4, 1_000_000))
            .await
            .status(),
        201
    );
    assert_eq!(status(&app, &op, a).await, "berjalan");
    let queue: Vec<Value> = app
        .get(&op, "/api/v1/mentoring")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        queue.iter().find(|q| q["kube_id"] == a).unwrap()["overdue_days"],
        0
    );
    let (b, _) = group(&app, &op, "KUBE Lama", 81).await;
    assert_eq!(
        app.post(&op, &visits(b), figures(&app, 25, 5, 1_000_000))
            .await
            .status(),
        201
    );
    assert_eq!(status(&app, &op, b).await, "berjalan");
    app.stop().await;
}

/// An office of another city (Kota Bandung, 32.73) registers in its own villages only,
/// and its dashboard lists its own kecamatan.
#[tokio::test]
async fn another_region() {
    let areas = domain::Areas::embedded();
    let bandung = areas.regency("32.73").unwrap();
    let app = TestApp::spawn_with(move |c| c.region = bandung).await;
    let op = app.token("operator").await;
    let person = |nik: &str, village: &str| {
        json!({"nik": nik, "name": "Warga Bandung", "sex": "L", "birth_date": "1980-01-01",
               "village_code": village, "categories": ["fakir_miskin"], "confirm_duplicate": true})
    };
    let r = app
        .post(
            &op,
            "/api/v1/persons",
            person("3273010101800001", "32.73.01.1002"),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app
        .post(&op, "/api/v1/persons", person("3279040101800002", REJASARI))
        .await;
    assert_eq!(
        r.status(),
        422,
        "a village of Kota Banjar is outside this office's region"
    );
    let d: Value = app.get_json(&op, "/api/v1/dashboard").await;
    let names: Vec<&str> = d["by_district"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Sukasari") && !names.contains(&"Langensari"),
        "{names:?}"
    );
    app.stop().await;
}
