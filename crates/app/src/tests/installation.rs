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
