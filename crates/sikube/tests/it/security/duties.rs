//! Separation of duties (one person does not take a step and its check) and password rules.
use super::*;

/// A KUBE of five Rejasari residents (`seed` keeps their NIKs apart) with a draft
/// proposal of two display cases; the members' ids and the proposal's.
async fn draft_proposal(app: &TestApp, op: &str, seed: usize) -> (Vec<i64>, i64) {
    let ids = persons_in(app, op, REJASARI, 5, seed).await;
    let body = kube_body(&format!("KUBE Tugas {seed}"), REJASARI, &ids);
    let k: Value = app
        .post(op, "/api/v1/kube", body)
        .await
        .json()
        .await
        .unwrap();
    let item = json!({"name": format!("Etalase {seed}"), "unit": "unit", "unit_price": 1_000_000});
    let item: Value = app
        .post(op, "/api/v1/items", item)
        .await
        .json()
        .await
        .unwrap();
    let g = json!({"name": "UEP", "year": 2026, "funding_source": "apbd_kota", "target": "kube", "budget": 100_000_000});
    let g: Value = app
        .post(op, "/api/v1/programmes", g)
        .await
        .json()
        .await
        .unwrap();
    let p = json!({"kube_id": k["id"], "programme_id": g["id"], "items": [{"item_id": item["id"], "quantity": 2}], "justification": "x"});
    let p: Value = app
        .post(op, "/api/v1/proposals", p)
        .await
        .json()
        .await
        .unwrap();
    (ids, p["id"].as_i64().unwrap())
}

/// Separation of duties: the submitter does not verify, the verifier does not approve,
/// and cash benefits wait for the head of division like goods.
#[tokio::test]
async fn one_person_does_not_take_a_step_and_its_check() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let admin = app.token("admin").await;
    let kabid = app.token("kabid").await;
    let (ids, p) = draft_proposal(&app, &op, 72).await;
    let act = |a: &str| format!("/api/v1/proposals/{p}/{a}");
    assert_eq!(
        app.post(&op, &act("submit"), json!({})).await.status(),
        StatusCode::OK
    );
    let r = app.post(&op, &act("verify"), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("tidak boleh memverifikasi"));
    assert_eq!(
        app.post(&admin, &act("verify"), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&kabid, &act("approve"), json!({})).await.status(),
        StatusCode::OK
    );

    // Cash benefits: recorded, held against the budget, paid once the head of division
    // (not the recorder) approves.
    let aslut: Value = app
        .post(&op, "/api/v1/programmes", json!({"name": "ASLUT", "year": 2026, "funding_source": "apbd_kota", "target": "individual", "budget": 10_000_000}))
        .await
        .json()
        .await
        .unwrap();
    let pid = aslut["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &op,
            &format!("/api/v1/programmes/{pid}/enrolments"),
            json!({"person_id": ids[0]})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let r = app
        .post(&op, &format!("/api/v1/programmes/{pid}/benefits"), json!({"person_id": ids[0], "kind": "bantuan_bulanan", "period": "2026-03", "amount": 200_000}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let bid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let figures: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{pid}"))
        .await;
    assert_eq!(
        (figures["committed"].as_i64(), figures["delivered"].as_i64()),
        (Some(200_000), Some(0))
    );
    let list: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{pid}/benefits"))
        .await;
    assert_eq!(list["items"][0]["approved_at"], Value::Null);
    let approve = format!("/api/v1/programmes/{pid}/benefits/{bid}/approve");
    assert_eq!(
        app.post(&op, &approve, json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&kabid, &approve, json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&kabid, &approve, json!({})).await.status(),
        StatusCode::CONFLICT
    );
    let figures: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{pid}"))
        .await;
    assert_eq!(figures["delivered"], 200_000);
    // The head of division does not approve what they recorded themselves.
    let r = app
        .post(&kabid, &format!("/api/v1/programmes/{pid}/benefits"), json!({"person_id": ids[0], "kind": "bantuan_bulanan", "period": "2026-04", "amount": 200_000}))
        .await;
    let own = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post(
            &kabid,
            &format!("/api/v1/programmes/{pid}/benefits/{own}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    app.stop().await;
}

/// A very small office may let one person take both steps; the proposal shows it.
#[tokio::test]
async fn a_small_office_may_allow_one_person_and_it_shows() {
    let app = TestApp::spawn_with(|c| c.allow_same_person = true).await;
    let op = app.token("operator").await;
    let (_, pid) = draft_proposal(&app, &op, 73).await;
    app.post(&op, &format!("/api/v1/proposals/{pid}/submit"), json!({}))
        .await;
    let r = app
        .post(&op, &format!("/api/v1/proposals/{pid}/verify"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["events"][1]["same_person"], true);
    let b = app.browser_login("operator").await;
    let page = app.page(&b, &format!("/proposals/{pid}")).await;
    assert!(page.contains("tanpa pemisahan tugas"));
    app.stop().await;
}

/// Passwords: none of the 10,000 most common, none containing the user name.
#[tokio::test]
async fn common_passwords_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    for (pw, why) in [
        ("q1w2e3r4t5", "paling umum"),
        ("budi.santoso-2026", "nama pengguna"),
    ] {
        let r = app
            .post(
                &admin,
                "/api/v1/users",
                json!({"username": "budi.santoso", "password": pw, "role": "operator"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(
            e["error"]["fields"]["password"]
                .as_str()
                .unwrap()
                .contains(why),
            "{e}"
        );
    }
    app.stop().await;
}

/// Goods and training cost a programme as cash does: every benefit is recorded waiting,
/// counts as delivered only once a head of division approves it, and its recorder —
/// whoever they are — never approves their own.
#[tokio::test]
async fn no_benefit_is_committed_by_one_person() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let r = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Paket WRSE", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 50_000_000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let prog = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let people = persons_in(&app, &op, REJASARI, 2, 48).await;
    for p in &people {
        let r = app
            .post(
                &op,
                &format!("/api/v1/programmes/{prog}/enrolments"),
                json!({"person_id": p}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let benefits = format!("/api/v1/programmes/{prog}/benefits");
    let record = |who: String, person: i64, kind: &'static str| {
        let body =
            json!({"person_id": person, "kind": kind, "period": "2026-07", "amount": 9_000_000});
        let (app, benefits) = (&app, &benefits);
        async move { app.post(&who, benefits, body).await }
    };
    // Goods recorded by the operator: waiting, nothing delivered yet.
    let r = record(op.clone(), people[0], "barang").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let goods = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let list: Value = app.get_json(&op, &benefits).await;
    let b = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == goods)
        .unwrap()
        .clone();
    assert!(
        b["approved_by"].is_null() && b["approved_at"].is_null(),
        "{b}"
    );
    let p: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(p["delivered"], 0, "{p}");
    // The recorder cannot approve it; the head of division can.
    let approve = |id: i64| format!("/api/v1/programmes/{prog}/benefits/{id}/approve");
    assert_eq!(
        app.post(&op, &approve(goods), json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = app.post(&kabid, &approve(goods), json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(p["delivered"], 9_000_000, "{p}");
    // Training recorded by the head of division: they may not approve their own.
    let r = record(kabid.clone(), people[1], "pelatihan").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let training = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post(&kabid, &approve(training), json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let p: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(
        p["delivered"], 9_000_000,
        "the recorder's own approval changed nothing"
    );
    app.stop().await;
}
