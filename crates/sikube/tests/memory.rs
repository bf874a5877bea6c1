//! Tests that measure the memory of their process (the server runs inside it), so they
//! have a binary of their own and run one at a time:
//! - a bounded mixed load on 127.0.0.1: several users reading lists and the dashboard
//!   while others record visits and register persons. No errors; memory stays flat.
//!   Duration: `SIKUBE_LOAD_SECONDS` (default 20).
//! - an upload bomb.
#[path = "it/common/mod.rs"]
mod common;

use common::{kube_body, persons_in, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Each measures the whole process: none may run beside another.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sustained_mixed_load_has_no_errors_and_flat_memory() {
    let _alone = ONE_AT_A_TIME.lock().await;
    // The load registers thousands of persons from a facilitator's account too, past the
    // daily limit of NIK look-ups (tested on its own): lifted here.
    let app = TestApp::spawn_with(|c| c.nik_lookups_per_day = i64::MAX).await;
    let op = app.token("operator").await;
    let members = persons_in(&app, &op, "32.79.04.2002", 5, 70).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Beban", "32.79.04.2002", &members),
        )
        .await
        .json()
        .await
        .unwrap();
    let kube = k["id"].as_i64().unwrap();
    let seconds: u64 = std::env::var("SIKUBE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let requests = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let serial = Arc::new(AtomicU64::new(0));
    let warm = rss_kb();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for w in 0..8u64 {
        let (base, token) = (
            app.base.clone(),
            if w % 2 == 0 {
                op.clone()
            } else {
                app.token("p.langensari").await
            },
        );
        let (requests, errors, serial) = (requests.clone(), errors.clone(), serial.clone());
        workers.push(tokio::spawn(async move {
            let c = reqwest::Client::new();
            let mut n = 0u64;
            // Bounded in time and in count.
            while Instant::now() < deadline && n < 20_000 {
                n += 1;
                let r = match n % 5 {
                    0 => c.get(format!("{base}/api/v1/dashboard")).bearer_auth(&token).send().await,
                    1 => c.get(format!("{base}/api/v1/kube?q=beban")).bearer_auth(&token).send().await,
                    2 => c.get(format!("{base}/api/v1/persons?q=warga&limit=20")).bearer_auth(&token).send().await,
                    3 => {
                        let body = json!({"visited_on": "2026-01-05", "operating": true, "meetings_held": 1, "members_present": 5,
                            "books_up_to_date": true, "revenue": 1_000_000, "expenses": 400_000});
                        c.post(format!("{base}/api/v1/kube/{kube}/visits")).bearer_auth(&token).json(&body).send().await
                    }
                    _ => {
                        let i = serial.fetch_add(1, Ordering::Relaxed);
                        let (day, s) = (i % 28 + 1, i / 28 + 1);
                        let body = json!({"nik": format!("327904{day:02}0590{s:04}"), "name": format!("Beban {i}"), "sex": "L",
                            "birth_date": format!("1990-05-{day:02}"), "village_code": "32.79.04.2002", "confirm_duplicate": true});
                        c.post(format!("{base}/api/v1/persons")).bearer_auth(&token).json(&body).send().await
                    }
                };
                requests.fetch_add(1, Ordering::Relaxed);
                match r {
                    Ok(r) if r.status().is_success() => {}
                    Ok(r) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("{} {}", r.status(), r.text().await.unwrap_or_default());
                    }
                    Err(e) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("{e}");
                    }
                }
            }
        }));
    }
    // Memory after the first third (caches and pools warmed) against the end.
    tokio::time::sleep(Duration::from_secs(seconds / 3)).await;
    let settled = rss_kb();
    for w in workers {
        w.await.unwrap();
    }
    let total = requests.load(Ordering::Relaxed);
    let end = rss_kb();
    let (warmup, later) = (
        settled.saturating_sub(warm) / 1024,
        end.saturating_sub(settled) / 1024,
    );
    eprintln!(
        "load: {total} requests in {seconds} s, {} errors; memory +{warmup} MB while warming up, +{later} MB after",
        errors.load(Ordering::Relaxed)
    );
    assert!(total > seconds * 20, "the server kept answering: {total}");
    assert_eq!(errors.load(Ordering::Relaxed), 0);
    assert!(later < 64, "memory kept growing: +{later} MB after warm-up");
    app.stop().await;
}

/// A small upload that unpacks to gigabytes is refused with a reason, without the
/// server's memory growing while it is read; other requests are answered meanwhile.
/// The server runs in this process, so its memory is this process's, measured from
/// just before the upload (the peak is reset then: the load test may have run first).
#[tokio::test]
async fn an_upload_bomb_is_refused() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let bomb = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bomb-2gb.xlsx"
    ))
    .unwrap();
    assert!(bomb.len() < 3 * 1024 * 1024, "a small file");
    let url = app.url("/api/v1/import/persons?dry_run=true");
    let t = op.clone();
    let before = rss_kb();
    // Writing 5 to clear_refs resets the peak (VmHWM) to the present size (Linux ≥ 4.0).
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let upload = tokio::spawn(async move {
        Client::new()
            .post(url)
            .bearer_auth(t)
            .body(bomb)
            .send()
            .await
            .unwrap()
    });
    // Other requests are answered while the upload is in the server's hands: asked
    // until it is answered (bounded), counting the answers that came before it.
    let mut answered_meanwhile = 0;
    let mut most = before;
    for _ in 0..10_000 {
        if upload.is_finished() {
            break;
        }
        assert_eq!(app.get(&op, "/healthz").await.status(), StatusCode::OK);
        if !upload.is_finished() {
            answered_meanwhile += 1;
        }
        most = most.max(rss_kb());
    }
    assert!(
        answered_meanwhile > 0,
        "no request was answered while the upload was read"
    );
    let r = upload.await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("terlalu besar"),
        "{e}"
    );
    if peak_reset {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
        {
            most = most.max(kb.parse().unwrap());
        }
    }
    let grown = most.saturating_sub(before) / 1024;
    eprintln!("upload bomb: {answered_meanwhile} requests answered meanwhile; memory +{grown} MB at most (peak reset: {peak_reset})");
    assert!(
        grown < 128,
        "the server's memory grew by {grown} MB while reading the bomb"
    );
    app.stop().await;
}
