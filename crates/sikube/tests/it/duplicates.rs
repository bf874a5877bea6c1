//! Duplicate persons in the application: the review list (area-scoped, with reasons),
//! "not the same person" remembered, and merges that lose nothing and are audited.
use crate::common;

use common::{kube_body, persons_in, TestApp, REJASARI};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn person(nik: &str, name: &str, sex: &str, birth: &str, kk: Option<&str>) -> Value {
    json!({"nik": nik, "name": name, "sex": sex, "birth_date": birth, "village_code": REJASARI,
           "kk_number": kk, "categories": ["wrse"], "confirm_duplicate": true})
}

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let r = app.post(token, "/api/v1/persons", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn pairs(app: &TestApp, token: &str) -> Vec<Value> {
    app.scan_duplicates().await;
    let r = app.get(token, "/api/v1/persons/duplicates?limit=500").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

fn has_pair(ps: &[Value], a: i64, b: i64) -> Option<Value> {
    ps.iter()
        .find(|p| {
            let (x, y) = (
                p["a"]["person"]["id"].as_i64().unwrap(),
                p["b"]["person"]["id"].as_i64().unwrap(),
            );
            (x, y) == (a, b) || (x, y) == (b, a)
        })
        .cloned()
}

async fn audit_total(app: &TestApp) -> i64 {
    let admin = app.token("admin").await;
    let a: Value = app.get_json(&admin, "/api/v1/audit?limit=1").await;
    a["total"].as_i64().unwrap()
}

#[tokio::test]
async fn review_dismiss_and_merge_move_everything_in_one_audited_step() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    // The same woman registered twice: a typo in the name, the NIK serial mistyped.
    let siti = create(
        &app,
        &op,
        person(
            "3279045708920003",
            "Siti Aminah",
            "P",
            "1992-08-17",
            Some("3279040101100001"),
        ),
    )
    .await;
    let siti2 = create(
        &app,
        &op,
        person("3279045708920004", "Siti Aminnah", "P", "1992-08-17", None),
    )
    .await;
    // Twins in one family card: same day, adjacent serials, different names.
    let dewi = create(
        &app,
        &op,
        person(
            "3279045003950011",
            "Dewi Lestari",
            "P",
            "1995-03-10",
            Some("3279040101100002"),
        ),
    )
    .await;
    let desi = create(
        &app,
        &op,
        person(
            "3279045003950012",
            "Desi Rahayu",
            "P",
            "1995-03-10",
            Some("3279040101100002"),
        ),
    )
    .await;
    // A different look-alike pair, which an operator will judge distinct.
    let rina = create(
        &app,
        &op,
        person("3279045204900021", "Rina Marlina", "P", "1990-04-12", None),
    )
    .await;
    let rina2 = create(
        &app,
        &op,
        person("3279045204900022", "Rina Marlina", "P", "1990-04-12", None),
    )
    .await;

    let ps = pairs(&app, &op).await;
    let p = has_pair(&ps, siti, siti2).expect("the typo pair is proposed");
    let reasons = p["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r == "tanggal lahir sama"),
        "{reasons:?}"
    );
    assert!(reasons
        .iter()
        .any(|r| r.as_str().unwrap().starts_with("kemiripan nama 0.9")));
    assert!(p["reason_codes"]
        .as_array()
        .unwrap()
        .contains(&json!("dedup.nik_serial")));
    assert_eq!(p["a"]["person"]["nik"], "3279045708920003", "full NIK");
    assert!(
        has_pair(&ps, dewi, desi).is_none(),
        "twins are not proposed"
    );
    assert!(has_pair(&ps, rina, rina2).is_some());
    // Sorted by score, best first.
    let scores: Vec<f64> = ps.iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Area: the pendamping of Pataruman sees none of Langensari's pairs and decides none.
    let other = app.token("p.pataruman").await;
    assert!(pairs(&app, &other).await.is_empty());
    let own = app.token("p.langensari").await;
    let own_pairs = pairs(&app, &own).await;
    let seen = has_pair(&own_pairs, siti, siti2).expect("own area");
    assert_eq!(seen["a"]["person"]["nik"], "3279••••••••••••", "masked");
    let before = audit_total(&app).await;
    for who in [&own, &other, &app.token("auditor").await] {
        let r = app
            .post(
                who,
                &format!("/api/v1/persons/{siti}/merge"),
                json!({"other_id": siti2}),
            )
            .await;
        assert!(
            matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{}",
            r.status()
        );
        let r = app
            .post(
                who,
                "/api/v1/persons/duplicates/distinct",
                json!({"person_a": rina, "person_b": rina2}),
            )
            .await;
        assert!(matches!(
            r.status(),
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ));
    }
    assert_eq!(audit_total(&app).await, before, "refusals change nothing");

    // "Not the same person" is remembered.
    let r = app
        .post(
            &op,
            "/api/v1/persons/duplicates/distinct",
            json!({"person_a": rina2, "person_b": rina}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(has_pair(&pairs(&app, &op).await, rina, rina2).is_none());
    assert_eq!(audit_total(&app).await, before + 1);

    // Give the second record a life: KUBE membership, a programme with aid, a training.
    let mut members = persons_in(&app, &op, REJASARI, 4, 7).await;
    members.push(siti2);
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Dua Data", REJASARI, &members),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kube = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let g: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Bantuan WRSE", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 5_000_000, "quota": 10, "eligibility": "wrse"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let prog = g["id"].as_i64().unwrap();
    for pid in [siti, siti2] {
        let r = app
            .post(
                &op,
                &format!("/api/v1/programmes/{prog}/enrolments"),
                json!({"person_id": pid}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let benefit_path = format!("/api/v1/programmes/{prog}/benefits");
    let benefit = |pid: i64, period: &'static str| {
        app.post(&op, &benefit_path,
            json!({"person_id": pid, "kind": "bantuan_bulanan", "period": period, "amount": 200_000}))
    };
    assert_eq!(benefit(siti, "2026-01").await.status(), StatusCode::CREATED);
    assert_eq!(
        benefit(siti2, "2026-02").await.status(),
        StatusCode::CREATED
    );
    let t: Value = app
        .post(
            &op,
            "/api/v1/trainings",
            json!({"title": "Bimtek olahan pangan", "kind": "bimbingan_teknis",
            "business_type": "makanan_olahan", "starts_on": "2026-01-10", "ends_on": "2026-01-11",
            "village_code": REJASARI, "partner_agencies": ["Dinas Koperasi"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let training = t["id"].as_i64().unwrap();
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{training}/participants"),
            json!({"person_id": siti2, "attended": true}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    // Enrolled twice in one programme: the pair is flagged and comes first.
    let ps = pairs(&app, &op).await;
    let first = &ps[0];
    assert!(has_pair(std::slice::from_ref(first), siti, siti2).is_some());
    assert!(first["flags"][0].as_str().unwrap().contains("Bantuan WRSE"));

    // Merge siti2 into siti.
    let before = audit_total(&app).await;
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{siti}/merge"),
            json!({"other_id": siti2}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.unwrap();
    assert_eq!(
        m["moved"],
        json!({"memberships": 1, "enrolments": 1, "benefits": 1, "trainings": 1, "attendance_days": 0, "categories": 0})
    );
    assert_eq!(m["retired"]["merged_into"], siti);
    assert_eq!(m["kept"]["id"], siti);
    // The membership, the aid and the training now belong to the kept record.
    let k: Value = app.get_json(&op, &format!("/api/v1/kube/{kube}")).await;
    let ids: Vec<i64> = k["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["person_id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&siti) && !ids.contains(&siti2), "{ids:?}");
    let e: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}/enrolments"))
        .await;
    let enrolled: Vec<i64> = e
        .as_array()
        .or(e["items"].as_array())
        .unwrap()
        .iter()
        .map(|x| x["person_id"].as_i64().unwrap())
        .collect();
    assert_eq!(enrolled, vec![siti]);
    let g: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(g["committed"], 400_000, "no aid lost");
    assert_eq!(g["quota_used"], 1, "one person, one place");
    // The same month again for the kept record is refused: its history is whole.
    assert_eq!(
        benefit(siti, "2026-02").await.status(),
        StatusCode::CONFLICT
    );
    let t: Value = app
        .get_json(&op, &format!("/api/v1/trainings/{training}"))
        .await;
    assert!(t.to_string().contains(&format!("\"person_id\":{siti}")));
    // The retired record leaves the registry but stays readable, pointing at the kept.
    let list: Value = app.get_json(&op, "/api/v1/persons?q=siti").await;
    assert_eq!(list["total"], 1);
    let old: Value = app.get_json(&op, &format!("/api/v1/persons/{siti2}")).await;
    assert_eq!(old["merged_into"], siti);
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{siti2}"),
            json!({"phone": "0812"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a retired record is read-only"
    );
    let r = app
        .post(
            &op,
            &format!("/api/v1/trainings/{training}/participants"),
            json!({"person_id": siti2, "attended": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "retired cannot take part");
    // One audit entry with both records before and after.
    assert_eq!(audit_total(&app).await, before + 1);
    let admin = app.token("admin").await;
    let a: Value = app.get_json(&admin, "/api/v1/audit?action=merge").await;
    let entry = a["items"][0].to_string();
    assert!(
        entry.contains("Siti Aminnah") && entry.contains("moved"),
        "{entry}"
    );
    assert!(has_pair(&pairs(&app, &op).await, siti, siti2).is_none());
    app.stop().await;
}

#[tokio::test]
async fn merges_that_would_break_a_rule_change_nothing() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let a = create(
        &app,
        &op,
        person("3279045708920003", "Siti Aminah", "P", "1992-08-17", None),
    )
    .await;
    let b = create(
        &app,
        &op,
        person("3279045708920004", "Siti Aminah", "P", "1992-08-17", None),
    )
    .await;
    // Each record in its own active KUBE: the person is in two groups.
    for (n, pid) in [(1, a), (2, b)] {
        let mut members = persons_in(&app, &op, REJASARI, 4, 10 + n).await;
        members.push(pid);
        let r = app
            .post(
                &op,
                "/api/v1/kube",
                kube_body(&format!("KUBE {n}"), REJASARI, &members),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let ps = pairs(&app, &op).await;
    let p = has_pair(&ps, a, b).unwrap();
    assert!(p["flags"][0].as_str().unwrap().contains("KUBE 1"), "{p}");
    let before = audit_total(&app).await;
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{a}/merge"),
            json!({"other_id": b}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["other_id"]
            .as_str()
            .unwrap()
            .contains("KUBE 1"),
        "{e}"
    );
    // Bad input: itself, unknown, a body without the other.
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{a}/merge"),
            json!({"other_id": a}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &op,
            &format!("/api/v1/persons/{a}/merge"),
            json!({"other_id": 999_999}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .post(&op, &format!("/api/v1/persons/{a}/merge"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_total(&app).await, before, "nothing changed");
    let still: Value = app.get_json(&op, &format!("/api/v1/persons/{b}")).await;
    assert_eq!(still["merged_into"], Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn review_page_merges_a_pair_after_confirmation() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let a = create(
        &app,
        &op,
        person("3279045708920003", "Siti Aminah", "P", "1992-08-17", None),
    )
    .await;
    let b = create(
        &app,
        &op,
        person("3279045708920004", "Siti Aminnah", "P", "1992-08-17", None),
    )
    .await;
    let web = app.browser_login("operator").await;
    // The review lists what the scan stored: nothing before it ran.
    let page = app.page(&web, "/persons/duplicates").await;
    assert!(!page.contains("Siti Aminnah"), "a read does not score");
    app.scan_duplicates().await;
    let page = app.page(&web, "/persons/duplicates").await;
    assert!(page.contains("Siti Aminnah") && page.contains("tanggal lahir sama"));
    let confirm = app.page(&web, &format!("/persons/merge?a={a}&b={b}")).await;
    assert!(
        confirm.contains("dipensiunkan"),
        "the page explains the merge"
    );
    let csrf = common::hidden(&confirm, "_csrf");
    let r = web
        .post(app.url("/persons/merge"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("keep", &b.to_string()),
            ("other", &a.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/persons/{b}").as_str());
    let html = app.page(&web, &format!("/persons/{b}")).await;
    assert!(html.contains("Data digabung"), "flash");
    let old = app.page(&web, &format!("/persons/{a}")).await;
    assert!(old.contains("merged-banner"));
    let page = app.page(&web, "/persons/duplicates").await;
    assert!(page.contains("no-duplicates"), "nothing left to review");
    // Without the CSRF token nothing happens.
    let r = web
        .post(app.url("/persons/duplicates/distinct"))
        .form(&[("person_a", "1"), ("person_b", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// The duplicate scan scores again only what changed: an audited read (an export of
/// persons, an auditor's export of the trail) gives it nothing to do, a change of one
/// person makes it score that person alone — and a read of the review never scores.
#[tokio::test]
async fn audited_reads_do_not_make_the_scan_score_again() {
    use app::duplicates::scan::Scanned;
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, "32.79.04.2002", 3, 50).await;
    assert!(matches!(app.scan_duplicates().await, Scanned::Whole { persons, .. } if persons >= 3));
    let aud = app.token("auditor").await;
    for path in [
        "/api/v1/persons/export?format=csv",
        "/api/v1/audit/export?format=csv",
        "/api/v1/persons/duplicates",
    ] {
        assert_eq!(app.get(&aud, path).await.status(), 200, "{path}");
    }
    assert_eq!(
        app.scan_duplicates().await,
        Scanned::Unchanged,
        "a read changed nothing"
    );
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{}", ids[0]),
            serde_json::json!({"name": "Nama Baru Sekali"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        matches!(
            app.scan_duplicates().await,
            Scanned::Persons { persons: 1, .. }
        ),
        "the changed person alone is scored"
    );
    assert_eq!(app.scan_duplicates().await, Scanned::Unchanged);
    app.stop().await;
}
