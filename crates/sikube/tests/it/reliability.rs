//! Backup under write load and restore; a server killed in the middle of an import
//! leaves a sound database with the import fully present or absent.
use crate::common;

use app::installation::Installation;
use common::TestApp;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn sikube(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sikube"))
        .args(args)
        .env("SIKUBE_DATABASE_URL", url)
        .env("SIKUBE_CLOCK", common::test_instant())
        .output()
        .unwrap()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sikube-rel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `sikube backup` is SQLite's (`VACUUM INTO`); on the PostgreSQL pass the test checks
/// that the command points to `pg_dump` instead of running the SQLite case again.
#[tokio::test]
async fn backup_under_write_load_and_restore_round_trip() {
    let dir = tmp("backup");
    if let (url, Some(_pg)) = fresh(&dir, "unused.db").await {
        let o = sikube(&url, &["backup", dir.join("copy.db").to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("pg_dump"));
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let db = dir.join("live.db");
    let url = format!("sqlite://{}", db.display());
    let app = TestApp::spawn_on(url.clone(), |_| {}).await;
    let op = app.token("operator").await;
    let first = app
        .post(&op, "/api/v1/persons", json!({"nik": "3279041503700999", "name": "Sebelum Cadangan", "sex": "L",
            "birth_date": "1970-03-15", "village_code": "32.79.04.2002", "confirm_duplicate": true}))
        .await;
    assert_eq!(first.status(), 201);
    let first_id = first.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    // Writers keep registering persons until told to stop, after the backup.
    let base = app.base.clone();
    let token = op.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let load = tokio::spawn(async move {
        let c = reqwest::Client::new();
        for i in 0..9_000u32 {
            if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            let (day, serial) = (i % 28 + 1, i / 28 + 1);
            let body = json!({"nik": format!("327904{day:02}0370{serial:04}"), "name": format!("Beban Tulis {i}"), "sex": "L",
                "birth_date": format!("1970-03-{day:02}"), "village_code": "32.79.04.2002", "confirm_duplicate": true});
            let r = c
                .post(format!("{base}/api/v1/persons"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    });
    // A bounded wait for the writers to be under way (no sleep that may be too short).
    let persons = || async {
        app.installation
            .table_counts()
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| t == "persons")
            .unwrap()
            .1
    };
    let started = std::time::Instant::now();
    while persons().await < 20 {
        assert!(
            started.elapsed().as_secs() < 60,
            "the writers did not start"
        );
        assert!(!load.is_finished(), "the writers stopped early");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before_backup = persons().await;
    let copy = dir.join("copy.db");
    let o = tokio::task::spawn_blocking({
        let (url, copy) = (url.clone(), copy.clone());
        move || sikube(&url, &["backup", copy.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after_backup = persons().await;
    let still_loading = !load.is_finished();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    load.await.unwrap();
    assert!(still_loading, "the writers ran until after the backup");
    assert!(
        after_backup > before_backup,
        "persons were written while the backup ran: {before_backup} → {after_backup}"
    );
    let backup = Installation::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    assert!(backup.integrity_ok().await.unwrap());
    let saved = backup.table_counts().await.unwrap();
    let saved_rows = backup.table_rows().await.unwrap();
    backup.close().await;
    let persons_in_backup = saved.iter().find(|(t, _)| t == "persons").unwrap().1;
    assert!(
        (before_backup..=after_backup).contains(&persons_in_backup),
        "a consistent moment of the backup: {before_backup} ≤ {persons_in_backup} ≤ {after_backup}"
    );
    // A change after the backup, which the restore must undo.
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{first_id}"),
            json!({"name": "Diubah Setelah Cadangan"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    // Restoring needs the server stopped and every connection closed.
    let live = app.installation.clone();
    app.stop().await;
    live.close().await;

    // Restore: the live database returns to exactly the backup, table by table.
    let o = sikube(&url, &["restore", dir.join("missing.db").to_str().unwrap()]);
    assert!(!o.status.success());
    std::fs::write(dir.join("junk.db"), b"not a database").unwrap();
    let o = sikube(&url, &["restore", dir.join("junk.db").to_str().unwrap()]);
    assert!(!o.status.success(), "a broken file is refused");
    let o = sikube(&url, &["restore", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let restored = Installation::connect(&url).await.unwrap();
    assert!(restored.integrity_ok().await.unwrap());
    assert_eq!(restored.table_counts().await.unwrap(), saved);
    // Not only as many rows: the same rows, column by column, in every table.
    let rows = restored.table_rows().await.unwrap();
    assert_eq!(rows.len(), saved_rows.len());
    for ((t, got), (_, want)) in rows.iter().zip(&saved_rows) {
        assert!(got == want, "table {t} differs after restore");
    }
    assert!(
        saved_rows
            .iter()
            .any(|(t, r)| t == "persons" && !r.is_empty()),
        "the backup holds persons to compare"
    );
    restored.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh database for a test that starts the binary itself: a SQLite file in `dir`, or a
/// new PostgreSQL database when `SIKUBE_TEST_DATABASE_URL` names a server (dropped with
/// the guard).
async fn fresh(dir: &std::path::Path, name: &str) -> (String, Option<app::FreshDatabase>) {
    match std::env::var("SIKUBE_TEST_DATABASE_URL").ok() {
        Some(pg) => {
            let f = app::FreshDatabase::create(Some(&pg)).await.unwrap();
            (f.url().to_string(), Some(f))
        }
        None => (format!("sqlite://{}", dir.join(name).display()), None),
    }
}

fn add_user(url: &str, name: &str, role: &str) {
    use std::io::Write;
    let mut c = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .args(["user", "add", name, "--role", role])
        .env("SIKUBE_DATABASE_URL", url)
        .env("SIKUBE_CLOCK", common::test_instant())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(b"Rahasia-2026\n")
        .unwrap();
    assert!(c.wait().unwrap().success());
}

/// Starts the real binary on a free port; returns the child and its base URL.
fn start_server(url: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("SIKUBE_DATABASE_URL", url)
        .env("SIKUBE_CLOCK", common::test_instant())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    while !line.contains("listening on") {
        line.clear();
        out.read_line(&mut line).unwrap();
    }
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    (child, base)
}

async fn login(base: &str, user: &str) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": "Rahasia-2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn killed_in_a_burst_of_approvals() {
    let dir = tmp("approvals");
    let (url, _pg) = fresh(&dir, "approvals.db").await;
    add_user(&url, "operator", "operator");
    add_user(&url, "operator2", "operator");
    add_user(&url, "kabid", "kepala_bidang");
    let (mut server, base) = start_server(&url);
    let op = login(&base, "operator").await;
    // Separation of duties: another operator verifies.
    let op2 = login(&base, "operator2").await;
    let c = reqwest::Client::new();
    let post = |token: &str, path: &str, body: Value| {
        c.post(format!("{base}{path}"))
            .bearer_auth(token.to_string())
            .json(&body)
            .send()
    };
    let mut members = Vec::new();
    for i in 0..5u32 {
        let body = json!({"nik": format!("3279040{}0175000{}", i + 1, i + 1), "name": format!("Anggota Uji {i}"), "sex": "L",
            "birth_date": format!("1975-01-0{}", i + 1), "village_code": "32.79.04.2002", "confirm_duplicate": true});
        let r = post(&op, "/api/v1/persons", body).await.unwrap();
        assert_eq!(r.status(), 201);
        let r: Value = r.json().await.unwrap();
        members.push(r["id"].as_i64().unwrap());
    }
    let roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"];
    let mm: Vec<Value> = members
        .iter()
        .zip(roles)
        .map(|(p, r)| json!({"person_id": p, "role": r}))
        .collect();
    let created = |r: reqwest::Response| async move {
        assert!(r.status().is_success(), "setup: {}", r.status());
        r.json::<Value>().await.unwrap()
    };
    let k = created(post(&op, "/api/v1/kube", json!({"name": "KUBE Uji Henti", "business_type": "ternak_kambing", "village_code": "32.79.04.2002",
        "formed_on": "2012-01-01", "funding_source": "apbd_kota", "members": mm})).await.unwrap()).await;
    let item = created(
        post(
            &op,
            "/api/v1/items",
            json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_500_000}),
        )
        .await
        .unwrap(),
    )
    .await;
    let g = created(post(&op, "/api/v1/programmes", json!({"name": "UEP", "year": 2026, "funding_source": "apbd_kota", "target": "kube", "budget": 30_000_000}))
        .await.unwrap()).await;
    let mut ids = Vec::new();
    for _ in 0..20 {
        let p = created(post(&op, "/api/v1/proposals", json!({"kube_id": k["id"], "programme_id": g["id"], "items": [{"item_id": item["id"], "quantity": 1}], "justification": "x"}))
            .await.unwrap()).await;
        let id = p["id"].as_i64().unwrap();
        let r = post(&op, &format!("/api/v1/proposals/{id}/submit"), json!({}))
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "submit {id}");
        let r = post(&op2, &format!("/api/v1/proposals/{id}/verify"), json!({}))
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "verify {id}");
        ids.push(id);
    }
    // A burst over the budget: 20 × Rp 2.5 million asked of Rp 30 million.
    assert!(ids.len() as i64 * 2_500_000 > 30_000_000);
    let kabid = login(&base, "kabid").await;
    let mut burst = Vec::new();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<u16>();
    for id in &ids {
        let (u, t) = (
            format!("{base}/api/v1/proposals/{id}/approve"),
            kabid.clone(),
        );
        let id = *id;
        let done = done_tx.clone();
        burst.push(tokio::spawn(async move {
            let status = reqwest::Client::new()
                .post(u)
                .bearer_auth(t)
                .json(&json!({}))
                .send()
                .await
                .map(|r| r.status().as_u16());
            if let Ok(s) = status {
                let _ = done.send(s);
            }
            (id, status)
        }));
    }
    // The kill lands once the first approval was acknowledged (a bounded wait on that,
    // not a sleep): at least one acknowledged approval must survive it.
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        while let Some(s) = done_rx.recv().await {
            if s == 200 {
                return true;
            }
        }
        false
    })
    .await;
    server.kill().unwrap(); // SIGKILL in the middle of the burst
    server.wait().unwrap();
    assert_eq!(
        first,
        Ok(true),
        "an approval was acknowledged before the kill"
    );
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for b in burst {
        match b.await.unwrap() {
            (id, Ok(200)) => acknowledged.push(id),
            (_, Ok(409)) => refused += 1,
            _ => {}
        }
    }
    assert!(!acknowledged.is_empty());
    // Had the whole burst been answered, the budget decided it: 12 approved, 8 refused.
    if acknowledged.len() + refused == ids.len() {
        assert_eq!((acknowledged.len(), refused), (12, 8));
    }
    let store = Installation::connect(&url).await.unwrap();
    assert!(store.integrity_ok().await.unwrap());
    // Read as the command line reads: the office's use cases over the database.
    let areas = std::sync::Arc::new(domain::Areas::embedded());
    let region = areas.regency("32.79").unwrap();
    let office = store.office(areas, app::Settings::new(region));
    let cli = app::Caller::cli(&store.clock());
    let (_, figures) = app::programmes::get(&office, &cli, g["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert!(
        figures.committed <= 30_000_000,
        "never over budget: {}",
        figures.committed
    );
    for id in &acknowledged {
        assert_eq!(
            app::proposals::overview(&office, &cli, *id)
                .await
                .unwrap()
                .detail
                .proposal
                .state,
            "approved",
            "acknowledged approval {id} kept"
        );
    }
    eprintln!(
        "approvals acknowledged before the kill: {}, refused {refused}, committed {}",
        acknowledged.len(),
        figures.committed
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn killed_in_the_middle_of_an_import() {
    let dir = tmp("crash");
    let (url, _pg) = fresh(&dir, "crash.db").await;
    add_user(&url, "operator", "operator");
    let start = || start_server(&url);
    let (mut server, base) = start();
    let c = reqwest::Client::new();
    let token = login(&base, "operator").await;
    let rows = 20_000u32;
    // Unique NIKs: 28 birth days × serials.
    let mut csv = String::from("nik,name,sex,birth_date,village_code\n");
    for i in 0..rows {
        let (day, serial) = (i % 28 + 1, i / 28 + 1);
        csv += &format!(
            "327904{day:02}0480{serial:04},Warga Massal {i},L,1980-04-{day:02},32.79.04.2002\n"
        );
    }
    let url_import = format!("{base}/api/v1/import/persons?mode=all");
    let t2 = token.clone();
    let import = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url_import)
            .bearer_auth(t2)
            .body(csv)
            .send()
            .await
    });
    // Kill while the import's write transaction is open. SQLite: a second connection
    // that may not wait is refused the write lock exactly then. PostgreSQL: the import's
    // transaction holds a row-exclusive lock on the persons table.
    let mut probe = {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&url).await.unwrap()
    };
    let postgres = url.starts_with("postgres");
    if !postgres {
        sqlx::query("PRAGMA busy_timeout = 0")
            .execute(&mut probe)
            .await
            .unwrap();
    }
    let started = std::time::Instant::now();
    let mut in_write = false;
    while started.elapsed() < std::time::Duration::from_secs(60) && !import.is_finished() {
        if postgres {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                 WHERE c.relname = 'persons' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()",
            )
            .fetch_one(&mut probe)
            .await
            .unwrap();
            if n > 0 {
                in_write = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            continue;
        }
        match sqlx::query("BEGIN IMMEDIATE").execute(&mut probe).await {
            Ok(_) => {
                sqlx::query("ROLLBACK").execute(&mut probe).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            Err(_) => {
                in_write = true;
                break;
            }
        }
    }
    drop(probe);
    server.kill().unwrap(); // SIGKILL
    assert!(
        in_write,
        "the kill landed inside the import's write transaction"
    );
    server.wait().unwrap();
    let answered = import.await.unwrap();
    eprintln!(
        "import answered before the kill: {}",
        answered
            .as_ref()
            .map(|r| r.status().to_string())
            .unwrap_or_else(|e| format!("no ({e})"))
    );
    let (mut server, base) = start();
    let store = Installation::connect(&url).await.unwrap();
    assert!(
        store.integrity_ok().await.unwrap(),
        "the database passes its integrity check"
    );
    let persons = store
        .table_counts()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == "persons")
        .unwrap()
        .1;
    assert!(
        persons == 0 || persons == rows as i64,
        "all or nothing: {persons}"
    );
    // What was acknowledged is there; the kill came inside the transaction, so the
    // import cannot have been acknowledged.
    assert!(
        !answered.as_ref().is_ok_and(|r| r.status() == 200) || persons == rows as i64,
        "an acknowledged import is all there"
    );
    // The restarted server works.
    let r = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "operator", "password": "Rahasia-2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.kill().unwrap();
    server.wait().unwrap();
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
