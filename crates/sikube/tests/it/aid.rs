//! Programmes, proposals through their states, budget and quota, concurrent approvals,
//! delivery after technical guidance, the BAST, and individual programmes.
use crate::common;

use common::{kube_body, persons_in, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const REJASARI: &str = "32.79.04.2002";

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
    let dir = std::env::temp_dir().join(format!("sikube-bast-{}", std::process::id()));
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

#[tokio::test]
async fn individual_programmes_check_eligibility_quota_and_budget() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = app
        .post(&op, "/api/v1/programmes", json!({"name": "Bantuan WRSE", "year": 2026, "funding_source": "apbd_provinsi", "target": "individual",
            "budget": 500_000, "quota": 2, "eligibility": "wrse"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let prog: Value = r.json().await.unwrap();
    let id = prog["id"].as_i64().unwrap();
    assert_eq!(prog["eligibility"]["min_age"], 18);
    let mk = |nik: &str, name: &str, sex: &str, birth: &str, cats: Value| json!({"nik": nik, "name": name, "sex": sex, "birth_date": birth, "village_code": REJASARI, "categories": cats});
    let ids: Vec<i64> = futures_seq(
        &app,
        &op,
        vec![
            mk(
                "3279045708920003",
                "Siti Aminah",
                "P",
                "1992-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279041708920004",
                "Budi Lelaki",
                "L",
                "1992-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279045708600005",
                "Nenek Tua",
                "P",
                "1960-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279044108930006",
                "Tanpa Kategori",
                "P",
                "1993-08-01",
                json!(["fakir_miskin"]),
            ),
            mk(
                "3279044208940007",
                "Rina Wati",
                "P",
                "1994-08-02",
                json!(["wrse"]),
            ),
            mk(
                "3279044308950008",
                "Tati Sumiati",
                "P",
                "1995-08-03",
                json!(["wrse"]),
            ),
        ],
    )
    .await;
    let enrol_path = format!("/api/v1/programmes/{id}/enrolments");
    let enrol = |pid: i64| app.post(&op, &enrol_path, json!({"person_id": pid}));
    assert_eq!(enrol(ids[0]).await.status(), StatusCode::CREATED);
    for (pid, why) in [
        (ids[1], "jenis kelamin"),
        (ids[2], "di atas batas 59"),
        (ids[3], "kategori"),
    ] {
        let r = enrol(pid).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(
            e["error"]["fields"]["person_id"]
                .as_str()
                .unwrap()
                .contains(why),
            "{e}"
        );
    }
    assert_eq!(enrol(ids[0]).await.status(), StatusCode::CONFLICT, "twice");
    assert_eq!(enrol(ids[4]).await.status(), StatusCode::CREATED);
    let r = enrol(ids[5]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "quota of 2");
    // Monthly assistance within the budget; the same month twice is refused.
    let benefit_path = format!("/api/v1/programmes/{id}/benefits");
    let benefit = |pid: i64, period: &str, amount: i64| {
        app.post(&op, &benefit_path, json!({"person_id": pid, "kind": "bantuan_bulanan", "period": period, "amount": amount}))
    };
    assert_eq!(
        benefit(ids[0], "2026-01", 200_000).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        benefit(ids[0], "2026-01", 200_000).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        benefit(ids[4], "2026-01", 200_000).await.status(),
        StatusCode::CREATED
    );
    let r = benefit(ids[4], "2026-02", 200_000).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "budget 500k");
    assert_eq!(
        benefit(ids[5], "2026-01", 1).await.status(),
        StatusCode::CONFLICT,
        "not enrolled"
    );
    let p: Value = app.get_json(&op, &format!("/api/v1/programmes/{id}")).await;
    assert_eq!(
        (p["committed"].as_i64(), p["quota_used"].as_i64()),
        (Some(400_000), Some(2))
    );
    app.stop().await;
}

async fn futures_seq(app: &TestApp, token: &str, bodies: Vec<Value>) -> Vec<i64> {
    let mut out = Vec::new();
    for b in bodies {
        let r = app.post(token, "/api/v1/persons", b).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        out.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    out
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_follow_the_record() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 44).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let id = verified(&app, &s, prog, 1).await;
    let pl = app.token("p.langensari").await;
    let upload = |token: String, path: String, body: Vec<u8>| {
        let url = app.url(&path);
        async move {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let pdf_bytes = b"%PDF-1.4\n% proposal letter\n".to_vec();
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=../surat usulan.pdf"),
        pdf_bytes.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["mime"], "application/pdf");
    assert_eq!(a["filename"], "surat usulan.pdf");
    // A program renamed to .pdf is refused; so is a file above 5 MB.
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=x.pdf"),
        b"MZ\x90\x00binary".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = b"%PDF-".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=big.pdf"),
        big,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Download: the same bytes for whoever sees the KUBE; not found for others.
    let r = app
        .get(&pl, &format!("/api/v1/attachments/{}", a["id"]))
        .await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf_bytes);
    let pp = app.token("p.pataruman").await;
    assert_eq!(
        app.get(&pp, &format!("/api/v1/attachments/{}", a["id"]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let list: Value = app
        .get_json(&pl, &format!("/api/v1/proposals/{id}/attachments"))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // A photo of a visit; a PDF is no photo.
    let v: Value = app
        .post(&pl, &format!("/api/v1/kube/{}/visits", s.kube_id), json!({"visited_on": "2026-01-05", "operating": true, "members_present": 5, "meetings_held": 1, "books_up_to_date": true}))
        .await
        .json()
        .await
        .unwrap();
    let vid = v["visit"]["id"].as_i64().unwrap();
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    assert_eq!(
        upload(
            pl.clone(),
            format!("/api/v1/visits/{vid}/photos?filename=kandang.jpg"),
            jpeg
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        upload(
            pl.clone(),
            format!("/api/v1/visits/{vid}/photos"),
            b"%PDF-1.4".to_vec()
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload(
            pp.clone(),
            format!("/api/v1/visits/{vid}/photos"),
            vec![0xFF, 0xD8, 0xFF]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn package_templates_merge_repeated_items_and_refuse_bad_input() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 70).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let op = app.token("operator").await;
    // The same item twice counts once with the quantities added.
    let r = app
        .post(
            &op,
            "/api/v1/packages",
            json!({"name": "Paket kambing", "items": [
            {"item_id": s.goat, "quantity": 3}, {"item_id": s.goat, "quantity": 2},
            {"item_id": s.cage, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ps: Value = app.get_json(&op, "/api/v1/packages").await;
    let p = ps
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Paket kambing")
        .unwrap();
    let goat_qty: i64 = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["item_id"] == s.goat)
        .map(|i| i["quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(goat_qty, 5, "{p}");
    // A second template with the same name is a conflict, not a server error.
    let r = app
        .post(
            &op,
            "/api/v1/packages",
            json!({"name": "Paket kambing", "items": [{"item_id": s.goat, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A quantity beyond any real request is refused with the field named.
    for path in ["/api/v1/packages", "/api/v1/proposals"] {
        let r = app
            .post(
                &op,
                path,
                json!({"name": "Paket besar", "kube_id": s.kube_id, "programme_id": prog, "justification": "x",
                "items": [{"item_id": s.goat, "quantity": 359_571_870_827i64}]}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let b: Value = r.json().await.unwrap();
        assert!(b.to_string().contains("items"), "{b}");
    }
    // A viewer role cannot create templates.
    let au = app.token("auditor").await;
    let r = app
        .post(
            &au,
            "/api/v1/packages",
            json!({"name": "Paket lain", "items": [{"item_id": s.goat, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
