//! Programmes, proposals through their states, budget and quota, concurrent approvals,
//! delivery after technical guidance, the BAST, and individual programmes.
use crate::common;

use common::{hidden, kube_body, persons_in, TestApp, REJASARI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod individual;

struct Setup {
    kube_id: i64,
    members: Vec<i64>,
    goat: i64,
    cage: i64,
}

/// A goat KUBE of five, two catalogue items.
async fn setup(app: &TestApp, seed: usize) -> Setup {
    let op = app.token("operator").await;
    let members = persons_in(app, &op, REJASARI, 5, seed).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body(&format!("KUBE Kambing {seed}"), REJASARI, &members),
        )
        .await
        .json()
        .await
        .unwrap();
    let items: Value = app.get_json(&op, "/api/v1/items").await;
    let (goat, cage) = if items.as_array().unwrap().is_empty() {
        let g: Value = app
            .post(
                &op,
                "/api/v1/items",
                json!({"name": "Kambing betina", "unit": "ekor", "unit_price": 2_500_000}),
            )
            .await
            .json()
            .await
            .unwrap();
        let c: Value = app
            .post(
                &op,
                "/api/v1/items",
                json!({"name": "Bahan kandang", "unit": "paket", "unit_price": 5_000_000}),
            )
            .await
            .json()
            .await
            .unwrap();
        (g["id"].as_i64().unwrap(), c["id"].as_i64().unwrap())
    } else {
        (
            items[1]["id"].as_i64().unwrap(),
            items[0]["id"].as_i64().unwrap(),
        )
    };
    Setup {
        kube_id: k["id"].as_i64().unwrap(),
        members,
        goat,
        cage,
    }
}

async fn programme(app: &TestApp, budget: Option<i64>, quota: Option<i64>) -> i64 {
    let op = app.token("operator").await;
    let r = app
        .post(&op, "/api/v1/programmes", json!({"name": "Bantuan UEP KUBE", "year": 2026, "funding_source": "apbd_kota", "target": "kube", "budget": budget, "quota": quota}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> reqwest::Response {
    Client::new()
        .post(app.url(&format!("/api/v1/proposals/{id}/{action}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// A proposal of `goats` goats and one cage, taken to `verified`.
async fn verified(app: &TestApp, s: &Setup, programme_id: i64, goats: i64) -> i64 {
    let op = app.token("operator").await;
    let pl = app.token("p.langensari").await;
    let r = app
        .post(&pl, "/api/v1/proposals", json!({"kube_id": s.kube_id, "programme_id": programme_id,
            "items": [{"item_id": s.goat, "quantity": goats}, {"item_id": s.cage, "quantity": 1}], "justification": "Pengembangan usaha ternak"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["state"], "draft");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(
        act(app, &pl, id, "submit", json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        act(
            app,
            &op,
            id,
            "verify",
            json!({"note": "Cek lapangan: kandang siap"})
        )
        .await
        .status(),
        StatusCode::OK
    );
    id
}

async fn complete_guidance(app: &TestApp, s: &Setup) {
    let op = app.token("operator").await;
    let t: Value = app
        .post(&op, "/api/v1/trainings", json!({"title": "Bimtek ternak kambing", "kind": "bimbingan_teknis", "business_type": "ternak_kambing",
            "starts_on": "2026-01-10", "ends_on": "2026-01-11", "village_code": REJASARI, "partner_agencies": ["Dinas Pertanian"]}))
        .await
        .json()
        .await
        .unwrap();
    for p in &s.members {
        app.post(
            &op,
            &format!("/api/v1/trainings/{}/participants", t["id"]),
            json!({"person_id": p, "attended": true}),
        )
        .await;
    }
}

#[tokio::test]
async fn the_state_machine_is_enforced_with_roles() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 40).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let pl = app.token("p.langensari").await;
    let r = app
        .post(&pl, "/api/v1/proposals", json!({"kube_id": s.kube_id, "programme_id": prog, "items": [{"item_id": s.goat, "quantity": 4}], "justification": "x"}))
        .await;
    let p: Value = r.json().await.unwrap();
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["total"], 10_000_000);
    // Out of order: approve a draft, deliver a draft, verify a draft.
    for (who, action) in [
        (&kabid, "approve"),
        (&op, "deliver"),
        (&op, "verify"),
        (&op, "close"),
    ] {
        let r = act(
            &app,
            who,
            id,
            action,
            json!({"delivered_on": "2026-01-01", "receiver": "x"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{action} on a draft");
    }
    // The wrong role: an operator cannot approve, the kepala bidang does not submit, the auditor nothing.
    assert_eq!(
        act(&app, &kabid, id, "submit", json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    let aud = app.token("auditor").await;
    assert_eq!(
        act(&app, &aud, id, "submit", json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&app, &pl, id, "submit", json!({})).await.status(),
        StatusCode::OK
    );
    // Separation of duties: the submitter does not verify; the office does.
    assert_eq!(
        act(&app, &pl, id, "verify", json!({})).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&app, &op, id, "verify", json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        act(&app, &op, id, "approve", json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    // Rejecting needs a reason.
    assert_eq!(
        act(&app, &kabid, id, "reject", json!({})).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = act(
        &app,
        &kabid,
        id,
        "reject",
        json!({"reason": "Lokasi kandang belum layak"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["state"], "rejected");
    assert_eq!(p["reason"], "Lokasi kandang belum layak");
    // Rejected is final.
    for a in ["submit", "verify", "approve", "deliver", "close"] {
        assert_ne!(
            act(&app, &op, id, a, json!({})).await.status(),
            StatusCode::OK
        );
        assert_ne!(
            act(&app, &kabid, id, a, json!({})).await.status(),
            StatusCode::OK
        );
    }
    let p: Value = app.get_json(&op, &format!("/api/v1/proposals/{id}")).await;
    let steps: Vec<&str> = p["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_state"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["submitted", "verified", "rejected"]);
    assert_eq!(
        app.post(&op, &format!("/api/v1/proposals/{id}/fly"), json!({}))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.stop().await;
}

#[tokio::test]
async fn budget_and_quota_refusals_state_the_numbers() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 41).await;
    let kabid = app.token("kabid").await;
    // 30 million: one proposal of 4 goats + cage (15M) fits, a second does not... then it does fit once.
    let prog = programme(&app, Some(25_000_000), None).await;
    let a = verified(&app, &s, prog, 4).await;
    let b = verified(&app, &s, prog, 4).await;
    assert_eq!(
        act(&app, &kabid, a, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    let r = act(&app, &kabid, b, "approve", json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["budget"],
        "Melebihi anggaran: usulan Rp 15.000.000, sisa anggaran Rp 10.000.000 dari Rp 25.000.000"
    );
    let op = app.token("operator").await;
    let p: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(
        (
            p["budget"].as_i64(),
            p["committed"].as_i64(),
            p["remaining"].as_i64()
        ),
        (Some(25_000_000), Some(15_000_000), Some(10_000_000))
    );
    assert_eq!(p["quota_used"], 1);

    let q = programme(&app, None, Some(1)).await;
    let c = verified(&app, &s, q, 1).await;
    let d = verified(&app, &s, q, 1).await;
    assert_eq!(
        act(&app, &kabid, c, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    let r = act(&app, &kabid, d, "approve", json!({})).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["quota"],
        "Kuota habis: 1 dari 1 sudah terpakai"
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_approvals_cannot_overspend() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 42).await;
    // 30M budget; six proposals of 7.5M (1 goat + cage): at most four fit.
    let prog = programme(&app, Some(30_000_000), None).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(verified(&app, &s, prog, 1).await);
    }
    let kabid = app.token("kabid").await;
    let results = futures_join(
        ids.iter()
            .map(|id| act(&app, &kabid, *id, "approve", json!({}))),
    )
    .await;
    let ok = results
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    let refused = results
        .iter()
        .filter(|r| r.status() == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, refused), (4, 2));
    let op = app.token("operator").await;
    let p: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(p["committed"], 30_000_000);
    assert_eq!(p["remaining"], 0);
    app.stop().await;
}

/// Runs the requests at the same time.
async fn futures_join<F: std::future::Future<Output = reqwest::Response>>(
    fs: impl Iterator<Item = F>,
) -> Vec<reqwest::Response> {
    let handles: Vec<_> = fs.collect();
    let mut out = Vec::new();
    let mut set = Vec::new();
    for f in handles {
        set.push(Box::pin(f));
    }
    // Poll them together.
    let joined = join_all(set).await;
    out.extend(joined);
    out
}

async fn join_all<F: std::future::Future + Unpin>(mut fs: Vec<F>) -> Vec<F::Output> {
    let mut results: Vec<Option<F::Output>> = fs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in fs.iter_mut().enumerate() {
            if results[i].is_none() {
                match std::pin::Pin::new(f).poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results
        .into_iter()
        .map(|r| r.expect("every future finished"))
        .collect()
}

#[tokio::test]
async fn delivery_waits_for_guidance_and_the_bast_has_items_total_and_words() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 43).await;
    let prog = programme(&app, Some(500_000_000), None).await;
    let id = verified(&app, &s, prog, 58).await; // 58 × 2.5M + 5M = 150M
    let kabid = app.token("kabid").await;
    let op = app.token("operator").await;
    assert_eq!(
        act(&app, &kabid, id, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    let delivery = json!({"delivered_on": "2026-02-02", "receiver": "Ketua KUBE", "place": "Balai Desa Rejasari",
        "items": [{"item_id": s.goat, "quantity": 58}, {"item_id": s.cage, "quantity": 1}]});
    let r = act(&app, &op, id, "deliver", delivery.clone()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("bimbingan teknis"),
        "{e}"
    );
    assert_eq!(
        app.get(&op, &format!("/api/v1/proposals/{id}/bast.pdf"))
            .await
            .status(),
        StatusCode::CONFLICT
    );

    complete_guidance(&app, &s).await;
    let mut too_many = delivery.clone();
    too_many["items"][0]["quantity"] = json!(59);
    assert_eq!(
        act(&app, &op, id, "deliver", too_many).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = act(&app, &op, id, "deliver", delivery).await;
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["state"], "delivered");
    assert_eq!(p["delivered_total"], 150_000_000);
    let prog_out: Value = app
        .get_json(&op, &format!("/api/v1/programmes/{prog}"))
        .await;
    assert_eq!(prog_out["delivered"], 150_000_000);
    // The goods entered the group's asset register, as delivered, on the delivery day.
    let assets: Value = app
        .get_json(&op, &format!("/api/v1/kube/{}/assets", s.kube_id))
        .await;
    let mut held: Vec<(i64, i64, i64, String, i64)> = assets
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["item_id"].as_i64().unwrap(),
                a["quantity"].as_i64().unwrap(),
                a["unit_price"].as_i64().unwrap(),
                a["acquired_on"].as_str().unwrap().to_string(),
                a["proposal_id"].as_i64().unwrap(),
            )
        })
        .collect();
    held.sort();
    let mut want = vec![
        (s.goat, 58, 2_500_000, "2026-02-02".to_string(), id),
        (s.cage, 1, 5_000_000, "2026-02-02".to_string(), id),
    ];
    want.sort();
    assert_eq!(held, want, "{assets}");
    // The aid report counts it for Rejasari; the guidance report the technical guidance.
    let aid: Value = app.get_json(&op, "/api/v1/reports/aid?year=2026").await;
    assert_eq!(aid["rows"].as_array().unwrap().len(), 1, "{aid}");
    let row = &aid["rows"][0];
    assert!(row[0].as_str().unwrap().contains("Rejasari"), "{aid}");
    assert_eq!(
        (&row[2], &row[3], &row[4], &row[5]),
        (&json!(1), &json!(59), &json!(150_000_000), &json!(0)),
        "{aid}"
    );
    // A member past working age joins with an officer's exception: the report counts
    // the aided group among those with an exception.
    let elder: Value = app
        .post(&op, "/api/v1/persons", json!({"nik": "3279040101500001", "name": "Sepuh Pengecualian",
            "sex": "L", "birth_date": "1950-01-01", "village_code": REJASARI, "confirm_duplicate": true}))
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .post(&op, &format!("/api/v1/kube/{}/members", s.kube_id), json!({"person_id": elder["id"], "role": "anggota",
            "exceptions": [{"person_id": elder["id"], "rule": "working_age", "reason": "Perajin senior, pelatih anggota"}]}))
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let aid: Value = app.get_json(&op, "/api/v1/reports/aid?year=2026").await;
    assert_eq!(aid["rows"][0][5], 1, "{aid}");
    let none: Value = app.get_json(&op, "/api/v1/reports/aid?year=2025").await;
    assert_eq!(
        none["rows"],
        json!([]),
        "another year's aid report is empty"
    );
    let trainings: Value = app
        .get_json(&op, "/api/v1/reports/trainings?year=2026")
        .await;
    assert_eq!(
        trainings["rows"].as_array().unwrap().len(),
        1,
        "{trainings}"
    );
    let row = &trainings["rows"][0];
    assert!(row[0].as_str().unwrap().contains("Rejasari"), "{trainings}");
    assert_eq!(
        (&row[2], &row[3], &row[4]),
        (&json!(1), &json!(5), &json!(5)),
        "{trainings}"
    );

    let r = app
        .get(&op, &format!("/api/v1/proposals/{id}/bast.pdf"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    for needle in [
        "BERITA ACARA SERAH TERIMA BARANG",
        "Kambing betina",
        "Bahan kandang",
        "Rp 150.000.000",
        "seratus lima puluh juta rupiah",
        "KUBE Kambing 43",
        "PIHAK PERTAMA",
    ] {
        assert!(
            text.contains(needle),
            "{needle} not in the BAST text:\n{text}"
        );
    }
    assert_eq!(
        act(&app, &kabid, id, "close", json!({})).await.status(),
        StatusCode::OK
    );
    app.stop().await;
}

/// The text of a PDF: with pdftotext when installed (CI), else the writer's own reader.
fn pdf_text(bytes: &[u8]) -> String {
    // A directory per call: tests run in parallel in one process.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sikube-bast-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bast.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        _ => pdf::extract_text(bytes)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The head of division decides with the facts on the page: the budget before and after,
/// the group's status and guidance, its other aid; an approval the budget cannot carry is
/// shown disabled with its reason before the click; a rejection's confirmation says what
/// it does. The API answers the same at `/decision`.
#[tokio::test]
async fn the_decision_page_shows_its_facts_and_disables_what_would_be_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 43).await;
    let kabid = app.token("kabid").await;
    let prog = programme(&app, Some(25_000_000), None).await;
    let a = verified(&app, &s, prog, 4).await;
    let b = verified(&app, &s, prog, 4).await;
    // Before any approval: 25M left, 10M once this one is approved; approving is possible.
    let d: Value = app
        .get_json(&kabid, &format!("/api/v1/proposals/{a}/decision"))
        .await;
    assert_eq!(
        (
            d["remaining"].as_i64(),
            d["remaining_after"].as_i64(),
            d["counted"].as_bool()
        ),
        (Some(25_000_000), Some(10_000_000), Some(false))
    );
    let offers: Vec<(&str, bool)> = d["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["action"].as_str().unwrap(), o["refused"].is_null()))
        .collect();
    assert_eq!(offers, vec![("approve", true), ("reject", true)]);
    assert_eq!(d["guidance_completed"], false);
    assert!(d["guidance"].as_str().unwrap().starts_with("belum selesai"));
    assert_eq!(d["members"], 5);
    assert_eq!(d["earlier"][0]["id"], b, "the group's other proposal");
    assert_eq!(
        act(&app, &kabid, a, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    // The second no longer fits: refused before the click, with the figures.
    let d: Value = app
        .get_json(&kabid, &format!("/api/v1/proposals/{b}/decision"))
        .await;
    assert_eq!(
        (d["remaining"].as_i64(), d["remaining_after"].as_i64()),
        (Some(10_000_000), Some(-5_000_000))
    );
    let approve = &d["offers"][0];
    assert_eq!(approve["action"], "approve");
    assert_eq!(
        approve["refused"],
        "Melebihi anggaran: usulan Rp 15.000.000, sisa anggaran Rp 10.000.000 dari Rp 25.000.000"
    );
    assert!(
        d["offers"][1]["refused"].is_null(),
        "rejecting stays possible"
    );
    assert_eq!(d["earlier"][0]["state"], "approved");
    // The approved one: already counted.
    let d: Value = app
        .get_json(&kabid, &format!("/api/v1/proposals/{a}/decision"))
        .await;
    assert_eq!(d["counted"], true);
    assert_eq!(d["remaining_after"].as_i64(), Some(10_000_000));

    let br = app.browser_login("kabid").await;
    let html = app.page(&br, &format!("/proposals/{b}")).await;
    assert!(html.contains("Fakta untuk keputusan"));
    assert!(html.contains(r#"id="budget-left">Rp 10.000.000"#), "{html}");
    assert!(
        html.contains(r#"class="num short" id="budget-after">-Rp 5.000.000"#),
        "the shortfall in red"
    );
    let approve_form = &html[html.find(r#"id="offer-approve""#).unwrap()..];
    let approve_form = &approve_form[..approve_form.find("</article>").unwrap()];
    assert!(approve_form.contains("Belum dapat dilakukan: Melebihi anggaran"));
    assert!(approve_form.contains(" disabled "), "{approve_form}");
    let reject_form = &html[html.find(r#"id="offer-reject""#).unwrap()..];
    assert!(reject_form.contains("Tolak usulan ini?"));
    assert!(!html.contains("Yakin ingin menghapus"));
    // In English too.
    let en: Value = Client::new()
        .get(app.url(&format!("/api/v1/proposals/{b}/decision")))
        .bearer_auth(&kabid)
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        en["guidance"]
            .as_str()
            .unwrap()
            .starts_with("not completed"),
        "{en}"
    );
    // Another kecamatan's pendamping: not found, as any proposal outside their area.
    let other = app.token("p.pataruman").await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/proposals/{b}/decision"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

/// A member's page shows what they received, dated: the KUBE they joined, the guidance
/// they attended, the goods their group received while they were in it, their own
/// programme and its payment — so double aid shows while entering data.
#[tokio::test]
async fn a_persons_history_shows_membership_trainings_and_aid_received() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 47).await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let prog = programme(&app, Some(500_000_000), None).await;
    let id = verified(&app, &s, prog, 2).await; // 2 × 2.5M + 5M = 10M
    assert_eq!(
        act(&app, &kabid, id, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    complete_guidance(&app, &s).await;
    let r = act(
        &app,
        &op,
        id,
        "deliver",
        json!({"delivered_on": "2026-02-02", "receiver": "Ketua KUBE"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let g: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Bantuan WRSE 2026", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 10_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let person = s.members[0];
    let r = app
        .post(
            &op,
            &format!("/api/v1/programmes/{}/enrolments", g["id"]),
            json!({"person_id": person}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(
            &op,
            &format!("/api/v1/programmes/{}/benefits", g["id"]),
            json!({"person_id": person,
            "kind": "bantuan_bulanan", "period": "2026-11", "amount": 250_000}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let h: Value = app
        .get_json(&op, &format!("/api/v1/persons/{person}/history"))
        .await;
    let kinds: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    for k in ["kube_joined", "training", "kube_aid", "enrolled", "benefit"] {
        assert!(kinds.contains(&k), "{k}: {h}");
    }
    let line = |kind: &str| {
        h.as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind)
            .unwrap()
            .clone()
    };
    let aid = line("kube_aid");
    assert_eq!(aid["amount"], 10_000_000);
    assert_eq!(aid["on"], "2026-02-02");
    assert_eq!(aid["href"], format!("/proposals/{id}"));
    assert_eq!(aid["title"], "Bantuan UEP KUBE");
    assert_eq!(
        line("kube_joined")["what"],
        "Bergabung dengan KUBE sebagai Ketua"
    );
    assert_eq!(line("kube_joined")["href"], format!("/kube/{}", s.kube_id));
    assert_eq!(
        line("benefit")["what"],
        "Bantuan bulanan, periode 2026-11 — menunggu persetujuan"
    );
    assert_eq!(line("training")["what"], "Mengikuti Bimbingan teknis");
    // Newest first.
    let days: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["on"].as_str().unwrap())
        .collect();
    let mut sorted = days.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, sorted);
    // The page shows it; another kecamatan's pendamping finds no such person.
    let b = app.browser_login("operator").await;
    let page = app.page(&b, &format!("/persons/{person}")).await;
    assert!(page.contains(r#"id="person-history""#));
    assert!(page.contains("02-02-2026"));
    assert!(page.contains("Rp 10.000.000"));
    let other = app.token("p.pataruman").await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/persons/{person}/history"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

/// Offices name people: an account carries a full name, NIP and position; the KUBE page
/// names its facilitator so; the BAST opens with the day in words, and its signature blocks
/// carry the approver's name and NIP and, under "Mengetahui", the head of the office.
#[tokio::test]
async fn people_are_named_as_offices_name_them_down_to_the_bast() {
    let app = TestApp::spawn_with(|s| {
        s.office_head = domain::user::Identity::parse(
            Some("Dra. Hj. Nia Kurniasih, M.Si."),
            Some("196805121993032004"),
            Some("Kepala Dinas Sosial Kota Banjar"),
        )
        .unwrap()
    })
    .await;
    let admin = app.token("admin").await;
    let (kabid_id, field_id) = (
        app.user_id("kabid").await,
        app.user_id("p.langensari").await,
    );
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{}", kabid_id),
            json!({"nip": "1970"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["fields"]["nip"], "NIP terdiri atas 18 angka");
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{}", kabid_id),
            json!({
            "full_name": "Drs. H. Asep Saepudin, M.Si.", "nip": "19700817 199503 1 002",
            "position": "Kepala Bidang Pemberdayaan Sosial"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let u: Value = r.json().await.unwrap();
    assert_eq!(
        (u["nip"].as_str(), u["role"].as_str()),
        (Some("197008171995031002"), Some("kepala_bidang"))
    );
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/users/{}", field_id),
            json!({"full_name": "Ujang Supriatna"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let s = setup(&app, 53).await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{}", s.kube_id),
            json!({"pendamping_id": field_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let b = app.browser_login("operator").await;
    let page = app.page(&b, &format!("/kube/{}", s.kube_id)).await;
    assert!(page.contains("Ujang Supriatna"), "the facilitator by name");
    assert!(!page.contains(">p.langensari<"));

    let prog = programme(&app, Some(100_000_000), None).await;
    let id = verified(&app, &s, prog, 2).await;
    assert_eq!(
        act(&app, &kabid, id, "approve", json!({})).await.status(),
        StatusCode::OK
    );
    complete_guidance(&app, &s).await;
    let r = act(
        &app,
        &op,
        id,
        "deliver",
        json!({"delivered_on": "2026-09-08", "receiver": "Ibu Ketua"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let pdf = app
        .get(&op, &format!("/api/v1/proposals/{id}/bast.pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&pdf);
    for want in [
        "Pada hari ini, Selasa, tanggal delapan bulan September tahun dua ribu dua puluh enam",
        "Kepala Bidang Pemberdayaan Sosial",
        "Drs. H. Asep Saepudin, M.Si.",
        "NIP. 197008171995031002",
        "Mengetahui,",
        "Kepala Dinas Sosial Kota Banjar",
        "Dra. Hj. Nia Kurniasih, M.Si.",
        "NIP. 196805121993032004",
        "Ibu Ketua",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    // The proposal's history lines and the audit trail name them too.
    let page = app.page(&b, &format!("/proposals/{id}")).await;
    assert!(
        page.contains(" · Drs. H. Asep Saepudin, M.Si. · "),
        "{page}"
    );
    assert!(page.contains(" · Ujang Supriatna · "));
    let audit = app.browser_login("admin").await;
    let trail = app
        .page(&audit, &format!("/audit?entity=proposal&entity_id={id}"))
        .await;
    assert!(
        trail.contains("<td>Drs. H. Asep Saepudin, M.Si.</td>"),
        "{trail}"
    );
    app.stop().await;
}

/// A draft is changed and withdrawn, on its page and through the API; once submitted it
/// is neither. The page says which next steps are not the viewer's, and why.
#[tokio::test]
async fn a_draft_is_changed_or_withdrawn_and_the_page_says_whose_steps_follow() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 90).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let pl = app.token("p.langensari").await;
    let create = || {
        json!({"kube_id": s.kube_id, "programme_id": prog,
            "items": [{"item_id": s.goat, "quantity": 2}], "justification": "Indukan"})
    };
    let p: Value = app
        .post(&pl, "/api/v1/proposals", create())
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    // Changed in the browser: the form comes filled with the draft.
    let b = app.browser_login("p.langensari").await;
    let page = app.page(&b, &format!("/proposals/{id}")).await;
    assert!(page.contains("id=\"edit-draft\"") && page.contains("id=\"withdraw-draft\""));
    let form = app.page(&b, &format!("/proposals/{id}/edit")).await;
    assert!(
        form.contains(&format!("action=\"/proposals/{id}\"")),
        "{form}"
    );
    assert!(form.contains(">Indukan</textarea>"), "{form}");
    let csrf = hidden(&form, "_csrf");
    // An empty reason: the form again with the field's error, the draft as before.
    let body = |why: &str| {
        format!(
            "_csrf={csrf}&programme_id={prog}&item_id={}&quantity=3&item_id={}&quantity=1&justification={why}",
            s.goat, s.cage
        )
    };
    let r = b
        .post(app.url(&format!("/proposals/{id}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let before = app.get_json(&pl, &format!("/api/v1/proposals/{id}")).await;
    assert_eq!(before["total"], 5_000_000);
    let r = b
        .post(app.url(&format!("/proposals/{id}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body("Indukan+dan+kandang"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = app.get_json(&pl, &format!("/api/v1/proposals/{id}")).await;
    assert_eq!(after["total"], 3 * 2_500_000 + 5_000_000, "{after}");
    assert_eq!(after["justification"], "Indukan dan kandang");
    // Through the API too; the auditor may not.
    let change = json!({"programme_id": prog, "items": [{"item_id": s.goat, "quantity": 1}], "justification": "Satu ekor"});
    let auditor = app.token("auditor").await;
    let put = |who: &str, body: Value| {
        Client::new()
            .put(app.url(&format!("/api/v1/proposals/{id}")))
            .bearer_auth(who)
            .json(&body)
    };
    assert_eq!(
        put(&auditor, change.clone()).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let r = put(&pl, change.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 2_500_000);
    // Submitted: the submitter is told verification is someone else's, approval the
    // head's; the draft can no longer be changed or withdrawn.
    assert_eq!(
        act(&app, &pl, id, "submit", json!({})).await.status(),
        StatusCode::OK
    );
    let page = app.page(&b, &format!("/proposals/{id}")).await;
    assert!(!page.contains("id=\"edit-draft\""));
    assert!(page.contains("id=\"withheld-verify\""), "{page}");
    assert!(page.contains("Pengusul tidak boleh memverifikasi usulannya sendiri"));
    assert!(
        page.contains("Disetujui atau ditolak oleh kepala bidang")
            || page.contains("Ditolak atau disetujui oleh kepala bidang")
    );
    assert_eq!(
        put(&pl, change).send().await.unwrap().status(),
        StatusCode::CONFLICT
    );
    let del = |who: &str, pid: i64| {
        Client::new()
            .delete(app.url(&format!("/api/v1/proposals/{pid}")))
            .bearer_auth(who)
            .send()
    };
    assert_eq!(del(&pl, id).await.unwrap().status(), StatusCode::CONFLICT);
    // Another draft withdrawn from its page: gone, its group's page says so; the audit
    // trail keeps it.
    let p2: Value = app
        .post(&pl, "/api/v1/proposals", create())
        .await
        .json()
        .await
        .unwrap();
    let id2 = p2["id"].as_i64().unwrap();
    let page = app.page(&b, &format!("/proposals/{id2}")).await;
    let r = b
        .post(app.url(&format!("/proposals/{id2}/withdraw")))
        .form(&[("_csrf", hidden(&page, "_csrf").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/kube/{}", s.kube_id).as_str()
    );
    assert_eq!(
        app.get(&pl, &format!("/api/v1/proposals/{id2}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=proposal&entity_id={id2}"),
        )
        .await;
    assert!(audit.to_string().contains("\"withdraw\""), "{audit}");
    // A third through the API.
    let p3: Value = app
        .post(&pl, "/api/v1/proposals", create())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        del(&pl, p3["id"].as_i64().unwrap()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    app.stop().await;
}

/// A unit price beyond Rp 10 billion is a typing slip and refused; the largest line a
/// proposal may hold (the most goods at the highest price) reads back whole (the API
/// fuzzer once made a line's subtotal overflow).
#[tokio::test]
async fn prices_are_bounded_and_the_largest_line_reads_back() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 47).await;
    let op = app.token("operator").await;
    let r = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Salah ketik", "unit": "unit", "unit_price": 10_000_000_001_i64}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["unit_price"]
            .as_str()
            .unwrap()
            .contains("10.000.000.000"),
        "{e}"
    );
    let dear: Value = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Mesin pabrik", "unit": "unit", "unit_price": 10_000_000_000_i64}),
        )
        .await
        .json()
        .await
        .unwrap();
    let prog = programme(&app, None, Some(10)).await;
    let r = app
        .post(&op, "/api/v1/proposals", json!({"kube_id": s.kube_id, "programme_id": prog,
            "items": [{"item_id": dear["id"], "quantity": 100_000}], "justification": "Batas atas"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.unwrap();
    let read: Value = app
        .get_json(&op, &format!("/api/v1/proposals/{}", p["id"]))
        .await;
    assert_eq!(
        read["items"][0]["subtotal"], 1_000_000_000_000_000_i64,
        "{read}"
    );
    assert_eq!(read["total"], 1_000_000_000_000_000_i64);
}
