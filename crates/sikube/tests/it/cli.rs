//! The command line as an administrator uses it: users from standard input,
//! migrations, backup.
use std::io::Write;
use std::process::{Command, Stdio};

fn sikube(url: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .env("SIKUBE_CLOCK", crate::common::test_instant())
        .args(args)
        .env("SIKUBE_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn users_migrations_and_backup_from_the_command_line() {
    let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
    let fresh = app::FreshDatabase::create(pg.as_deref()).await.unwrap();
    let url = fresh.url().to_string();
    let o = sikube(&url, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let applied = text(&o)
        .split(" migration(s) applied")
        .next()
        .and_then(|t| t.split_whitespace().last()?.parse::<u32>().ok());
    assert!(applied.is_some_and(|n| n > 0), "{}", text(&o));
    let o = sikube(&url, &["migrate"], None);
    assert!(
        text(&o).contains("0 migration(s) applied"),
        "migrations twice change nothing"
    );
    // The duplicate scan from the command line: everyone scored once, then nothing to do.
    let o = sikube(&url, &["duplicates"], None);
    assert!(
        text(&o).contains("0 persons scored, 0 pairs stored"),
        "{}",
        text(&o)
    );
    let o = sikube(&url, &["duplicates"], None);
    assert!(text(&o).contains("nothing changed"), "{}", text(&o));

    let o = sikube(
        &url,
        &["user", "add", "admin", "--role", "admin"],
        Some("Rahasia-2026\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sikube(
        &url,
        &["user", "add", "admin", "--role", "admin"],
        Some("Rahasia-2026\n"),
    );
    assert!(
        !o.status.success() && text(&o).contains("already taken"),
        "{}",
        text(&o)
    );
    let o = sikube(
        &url,
        &["user", "add", "budi", "--role", "pendamping"],
        Some("Rahasia-2026\n"),
    );
    assert!(
        !o.status.success() && text(&o).contains("kecamatan"),
        "{}",
        text(&o)
    );
    let o = sikube(
        &url,
        &[
            "user",
            "add",
            "budi",
            "--role",
            "pendamping",
            "--district",
            "32.79.04",
        ],
        Some("short\n"),
    );
    assert!(
        !o.status.success() && text(&o).contains("at least 10"),
        "{}",
        text(&o)
    );
    let o = sikube(
        &url,
        &[
            "user",
            "add",
            "budi",
            "--role",
            "pendamping",
            "--district",
            "32.79.04",
        ],
        Some("Rahasia-2026\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sikube(&url, &["user", "disable", "budi"], None);
    assert!(o.status.success());
    let o = sikube(&url, &["user", "list"], None);
    let list = text(&o);
    assert!(
        list.contains("admin")
            && list.contains("budi")
            && list.contains("disabled")
            && list.contains("32.79.04"),
        "{list}"
    );
    let o = sikube(
        &url,
        &["user", "passwd", "admin"],
        Some("Baru-Rahasia-2027\n"),
    );
    assert!(o.status.success());

    let dir = std::env::temp_dir().join(format!("sikube-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("copy.db");
    let _ = std::fs::remove_file(&file);
    let o = sikube(&url, &["backup", file.to_str().unwrap()], None);
    if pg.is_some() {
        assert!(
            !o.status.success() && text(&o).contains("pg_dump"),
            "{}",
            text(&o)
        );
    } else {
        assert!(o.status.success(), "{}", text(&o));
        // The copy is a working database with the same users.
        let copy = format!("sqlite://{}", file.display());
        let o = sikube(&copy, &["user", "list"], None);
        assert!(text(&o).contains("budi"));
        let o = sikube(&url, &["backup", file.to_str().unwrap()], None);
        assert!(
            !o.status.success() && text(&o).contains("exists"),
            "never overwrites"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dedup_writes_a_cluster_for_every_row() {
    let dir = std::env::temp_dir().join(format!("sikube-dedup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("persons.csv");
    std::fs::write(
        &input,
        "id,nik,name,sex,birth_date,village_code,kk_number\n\
         a1,3279041705800012,Muhammad Sujono,L,1980-05-17,32.79.04.2002,3279040101100001\n\
         a2,3279041785800012,Moh. Soedjono,L,1980-05-17,32.79.04.2002,\n\
         t1,3279041705800013,Hasan Sudrajat,L,1980-05-17,32.79.04.2002,3279040101100009\n\
         t2,3279041705800014,Husen Sudrajat,L,1980-05-17,32.79.04.2002,3279040101100009\n\
         x1,3279024101900001,Siti Aminah,P,1990-01-01,32.79.02.1002,\n",
    )
    .unwrap();
    let out = dir.join("clusters.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .env("SIKUBE_CLOCK", crate::common::test_instant())
        .args([
            "dedup",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("1 clusters with duplicates"),
        "{}",
        text(&o)
    );
    let clusters = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        clusters,
        "id,cluster_id\na1,a1\na2,a1\nt1,t1\nt2,t2\nx1,x1\n"
    );
    // --explain prints the model it used: each field's levels with their weights.
    let o = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .env("SIKUBE_CLOCK", crate::common::test_instant())
        .args(["dedup", input.to_str().unwrap(), "--out"])
        .arg(&out)
        .arg("--explain")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let explained = String::from_utf8_lossy(&o.stdout);
    for row in [
        "exact [same day+kec]",
        "exact name, same KK",
        "day and month swapped",
    ] {
        assert!(explained.contains(row), "{explained}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The data directory is its owner's alone, and so are the database and its backups; a
/// restore waits until no server holds the database; a failed login's log line does not
/// carry what was typed as the user name (often a password typed in the wrong box).
#[cfg(unix)]
#[tokio::test]
async fn files_are_private_restore_waits_and_logs_keep_no_typed_names() {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("sikube-private-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    let data_s = data.to_str().unwrap().to_string();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_sikube"))
            .env("SIKUBE_CLOCK", crate::common::test_instant())
            .args(["--data-dir", &data_s])
            .args(args)
            .env_remove("SIKUBE_DATABASE_URL")
            .output()
            .unwrap()
    };
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let o = run(&["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&data), 0o700);
    for f in ["sikube.db", "sikube.db-wal", "sikube.db-shm"] {
        let p = data.join(f);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{f}");
        }
    }
    let backup = dir.join("backup.db");
    let o = run(&["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&backup), 0o600);

    let mut server = Command::new(env!("CARGO_BIN_EXE_sikube"))
        .env("SIKUBE_CLOCK", crate::common::test_instant())
        .args(["--data-dir", &data_s, "serve", "--bind", "127.0.0.1:0"])
        .env_remove("SIKUBE_DATABASE_URL")
        .env("SIKUBE_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "server did not start"
        );
    }
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let o = run(&["restore", backup.to_str().unwrap()]);
    assert!(!o.status.success(), "restore under a running server");
    assert!(text(&o).contains("stop it first"), "{}", text(&o));
    let typed = "Sandi-Rahasia-4411";
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": typed, "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    server.kill().unwrap();
    server.wait().unwrap();
    let mut logs = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    logs += &rest;
    assert!(logs.contains("login failed"), "{logs}");
    assert!(
        !logs.to_lowercase().contains(&typed.to_lowercase()),
        "{logs}"
    );
    let o = run(&["restore", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
