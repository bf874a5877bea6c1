//! The installation: opened twice without harm, accounts from the command line, and a
//! SQLite backup that the restore's check accepts.
use crate::installation::Installation;
use crate::tests::office::Office;

#[tokio::test]
async fn accounts_backups_and_migrations() {
    let o = Office::new().await;
    assert_eq!(o.db.migrate().await.unwrap(), 0, "nothing left to apply");
    assert_eq!(o.db.accounts().await.unwrap(), 6);
    let u = o.db.user_by_name("operator").await.unwrap();
    o.db.user_change(
        u.id,
        crate::users::UserChange {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(o.db.user_by_name("operator").await.unwrap().disabled);
    assert_eq!(
        o.db.user_by_name("nobody").await.unwrap_err(),
        "no user nobody"
    );
    let dir = std::env::temp_dir().join(format!("sikube-app-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("backup.db").display().to_string();
    match o.db.backup(&file).await {
        // PostgreSQL is backed up with its own tools.
        Err(e) => assert!(e.contains("pg_dump"), "{e}"),
        Ok(()) => {
            Installation::check_backup(&file)
                .await
                .expect("a sound backup");
            assert!(o.db.backup(&file).await.unwrap_err().contains("exists"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Several `sikube serve` on one database (#33): started at once on an empty database
/// they migrate it once; the hourly housekeeping runs on one of them per hour.
#[tokio::test]
async fn instances_started_at_once_migrate_once_and_share_the_hourly_jobs() {
    let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
    let fresh = crate::FreshDatabase::create(pg.as_deref())
        .await
        .expect("database");
    let clock = crate::Clock::parse(crate::tests::office::INSTANT).expect("clock");
    let url = fresh.url();
    let (a, b, c) = tokio::join!(
        Installation::open(url, clock),
        Installation::open(url, clock),
        Installation::open(url, clock)
    );
    let all = [a.expect("a"), b.expect("b"), c.expect("c")];
    let counts = all[0].table_counts().await.unwrap();
    let migrations = counts
        .iter()
        .find(|(t, _)| t == "schema_migrations")
        .map(|(_, n)| *n);
    let all_of_them = crate::store::MIGRATIONS.len() as i64;
    assert_eq!(
        migrations,
        Some(all_of_them),
        "each migration once: {counts:?}"
    );
    let t = domain::health::Thresholds::default();
    let (x, y, z) = tokio::join!(
        all[0].housekeeping("a", t, 730),
        all[1].housekeeping("b", t, 730),
        all[2].housekeeping("c", t, 730)
    );
    let ran = [x.unwrap(), y.unwrap(), z.unwrap()];
    assert_eq!(
        ran.iter().filter(|r| **r).count(),
        1,
        "one instance ran it: {ran:?}"
    );
    assert!(
        !all[1].housekeeping("b", t, 730).await.unwrap(),
        "not twice in the hour"
    );
    // An hour on, an instance claims it again.
    let later = Installation::open(url, crate::Clock::parse("2026-12-06T04:01:00Z").unwrap())
        .await
        .unwrap();
    assert!(later.housekeeping("d", t, 730).await.unwrap());
    for i in all.iter().chain([&later]) {
        i.close().await;
    }
}
