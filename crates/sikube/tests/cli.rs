//! The command line as an administrator uses it: users from standard input,
//! migrations, backup.
use std::io::Write;
use std::process::{Command, Stdio};

fn sikube(url: &str, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sikube"))
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
    let fresh = store::FreshDatabase::create(pg.as_deref()).await.unwrap();
    let url = fresh.url().to_string();
    let o = sikube(&url, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("12 migration(s) applied"));
    let o = sikube(&url, &["migrate"], None);
    assert!(
        text(&o).contains("0 migration(s) applied"),
        "migrations twice change nothing"
    );

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
    let _ = std::fs::remove_dir_all(&dir);
}
