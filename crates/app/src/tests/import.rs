//! An upload is checked once, when it arrives, and kept with what was found.
use crate::import::{Committed, Kind, Mode};
use crate::tests::office::{Office, REJASARI};
use crate::Error;

fn file() -> String {
    format!(
        "nik,name,sex,birth_date,village_code\n\
         3279041503700001,Warga Satu,L,15/03/1970,{REJASARI}\n\
         3279041513700002,Warga Dua,L,15/03/1970,{REJASARI}\n"
    )
}

#[tokio::test]
async fn an_upload_is_checked_once_and_written_once() {
    let o = Office::new().await;
    let cx = &o.cx;
    let id = crate::import::upload(cx, &o.field, Kind::Persons, "warga.csv", file().as_bytes())
        .await
        .expect("kept");
    let up = crate::import::upload_of(cx, &o.field, id).await.unwrap();
    assert_eq!(
        (up.check.total, up.check.ready, up.check.rejected_rows),
        (2, 1, 1)
    );
    assert_eq!(up.check.errors[0].row, 3);
    // Not another account's.
    assert!(matches!(
        crate::import::upload_of(cx, &o.operator, id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        crate::import::commit_upload(cx, &o.field, id, Mode::All).await,
        Ok(Committed::HasErrors)
    ));
    let Committed::Written(c) = crate::import::commit_upload(cx, &o.field, id, Mode::Valid)
        .await
        .unwrap()
    else {
        panic!("written")
    };
    assert_eq!(c.created, Some(1));
    assert!(matches!(
        crate::import::commit_upload(cx, &o.field, id, Mode::Valid).await,
        Ok(Committed::Already)
    ));
    let (rejected, _) = crate::import::rejected_rows(cx, &o.field, id, domain::Lang::Id, false)
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(rejected).unwrap().lines().count(),
        2,
        "header and one row"
    );
    let unreadable =
        crate::import::upload(cx, &o.field, Kind::Persons, "x.xlsx", b"PK\x03\x04nonsense").await;
    assert!(matches!(unreadable, Err(Error::Invalid(_))));
}

/// `n` valid rows from `from` on: one birth day each (so one NIK each), a name with a
/// word of its own, every third row poor (`fakir_miskin`).
fn many(from: usize, n: usize) -> String {
    let mut out = String::from("nik,name,sex,birth_date,village_code,categories\n");
    for i in from..from + n {
        let (day, month, year) = (i % 28 + 1, i / 28 % 12 + 1, 1940 + i / 336);
        let word: String = [i / 676 % 26, i / 26 % 26, i % 26]
            .iter()
            .map(|d| (b'A' + *d as u8) as char)
            .collect();
        let category = if i % 3 == 0 { "fakir_miskin" } else { "" };
        out.push_str(&format!(
            "327904{day:02}{month:02}{:02}0001,Warga {word}rto Besar,L,{year}-{month:02}-{day:02},{REJASARI},{category}\n",
            year % 100
        ));
    }
    out
}

/// The rows of a file as checked persons, for the store directly.
fn valid(o: &Office, file: &str) -> Vec<domain::person::ValidPerson> {
    file.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            crate::tests::office::input::<domain::person::PersonInput>(serde_json::json!({
                "nik": f[0], "name": f[1], "sex": f[2], "birth_date": f[3], "village_code": f[4]
            }))
            .validate(&o.cx.areas, &o.cx.settings.region, o.cx.today())
            .unwrap()
        })
        .collect()
}

async fn imported(o: &Office, file: &str) -> Committed {
    let id = crate::import::upload(
        &o.cx,
        &o.operator,
        Kind::Persons,
        "besar.csv",
        file.as_bytes(),
    )
    .await
    .expect("kept");
    crate::import::commit_upload(&o.cx, &o.operator, id, Mode::All)
        .await
        .expect("committed")
}

async fn found(o: &Office, q: &str, category: Option<&str>) -> i64 {
    let f = crate::persons::PersonFilter {
        q: Some(q.into()),
        category: category.map(String::from),
        ..Default::default()
    };
    let list = crate::lists::Open::<crate::persons::Persons>::new(&o.cx, &o.operator, &f)
        .await
        .unwrap();
    list.fetch(crate::Paging::new(None, None))
        .await
        .unwrap()
        .total
}

/// A large file (on PostgreSQL streamed by `COPY` and moved in one statement per table;
/// into an empty registry its indexes built after the load) writes every row with its
/// name words and categories, and leaves the tables' indexes and keys as they were; a
/// NIK registered between the check and the commit writes nothing and names its row.
#[tokio::test]
async fn a_large_file_goes_in_whole_and_is_found_by_any_word() {
    let o = Office::new().await;
    let store = &o.cx.store;
    let indexes = store.indexes().await.unwrap();
    // A NIK twice in a batch (only the store's key can tell): nothing written, every
    // index and key as it was.
    let mut twice = valid(&o, &many(0, 12_000));
    twice.push(twice[0].clone());
    let r = store
        .person_create_many(&o.operator.actor, &twice, "test")
        .await
        .unwrap_err();
    assert!(
        matches!(&r, crate::store::StoreError::Conflict { field, .. } if field.starts_with("nik[")),
        "{r:?}"
    );
    assert_eq!(store.indexes().await.unwrap(), indexes);
    assert_eq!(found(&o, "Besar", None).await, 0);
    let staged =
        |schema: Vec<(String, String)>| schema.iter().any(|(t, _)| t.starts_with("import_stage"));
    assert!(
        !staged(store.schema().await.unwrap()),
        "staging tables dropped"
    );
    let Committed::Written(c) = imported(&o, &many(0, 12_000)).await else {
        panic!("written")
    };
    assert_eq!(c.created, Some(12_000));
    assert_eq!(
        store.indexes().await.unwrap(),
        indexes,
        "every index and key again"
    );
    // One audit entry for the batch, naming the range of the ids the persons were given.
    let f = crate::store::audit::AuditFilter {
        entity: Some("person".into()),
        action: Some("import".into()),
        ..Default::default()
    };
    let entries = store
        .audit_list(&f, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(entries.total, 1);
    let (first, last): (i64, i64) = sqlx::query_as("SELECT MIN(id), MAX(id) FROM persons")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(entries.items[0].entity_id, format!("{first}..{last}"));
    assert_eq!(last - first + 1, 12_000, "ids drawn once, in one run");
    assert!(entries.items[0]
        .after_json
        .as_deref()
        .is_some_and(|j| j.contains("\"count\":12000")));
    // By a word of the name (the name-word index), by the start of the NIK, by category.
    assert_eq!(found(&o, "Besar", None).await, 12_000);
    assert_eq!(found(&o, "AQZrto", None).await, 1);
    assert_eq!(found(&o, "Warga AQZ", None).await, 1);
    assert_eq!(found(&o, "Besar", Some("fakir_miskin")).await, 4_000);
    // A batch into a registry that is no longer empty, its row 700 registered since the
    // file was checked (as a commit racing another's finds it): nothing of it is written,
    // and the conflict names the row.
    let later = valid(&o, &many(12_000, 1_500));
    let taken = &later[700];
    crate::persons::create(
        &o.cx,
        &o.operator,
        &crate::tests::office::input(serde_json::json!({"nik": taken.nik.as_str(),
            "name": "Sudah Ada", "sex": "L", "birth_date": taken.birth_date.to_string(),
            "village_code": REJASARI})),
        true,
    )
    .await
    .unwrap();
    let r = store
        .person_create_many(&o.operator.actor, &later, "test")
        .await
        .unwrap_err();
    assert!(
        matches!(&r, crate::store::StoreError::Conflict { field, .. } if field == "nik[700]"),
        "{r:?}"
    );
    assert_eq!(
        found(&o, "Besar", None).await,
        12_000,
        "nothing of it written"
    );
    let Committed::Written(c) = imported(&o, &many(13_500, 1_500)).await else {
        panic!("written")
    };
    assert_eq!(c.created, Some(1_500));
    assert_eq!(found(&o, "Besar", None).await, 13_500);
    assert_eq!(store.indexes().await.unwrap(), indexes);
    assert!(!staged(store.schema().await.unwrap()));
    // The dashboard's persons by category follow the imports, the refused ones not at all.
    assert_eq!(
        crate::tests::dashboard::categories_tallied(store, None).await,
        crate::tests::dashboard::categories_counted(store).await
    );
}

/// An import killed between staging and commit leaves its staging tables, which hold the
/// batch's NIKs: the hourly housekeeping drops them once older than any import runs, and
/// leaves a running import's. (SQLite stages nothing.)
#[tokio::test]
async fn staging_tables_of_a_killed_import_are_dropped() {
    let o = Office::new().await;
    let store = &o.cx.store;
    if store.backend() != crate::store::Backend::Postgres {
        assert_eq!(
            store
                .import_stage_purge(std::time::Duration::ZERO)
                .await
                .unwrap(),
            0
        );
        return;
    }
    let nanos = |ago: u64| {
        (std::time::SystemTime::now() - std::time::Duration::from_secs(ago))
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    };
    let (old, running) = (
        format!("import_stage_1_{:x}", nanos(7 * 3600)),
        format!("import_stage_2_{:x}", nanos(60)),
    );
    for t in [&old, &running] {
        sqlx::query(&format!("CREATE UNLOGGED TABLE {t}_p (nik TEXT)"))
            .execute(&store.pool)
            .await
            .unwrap();
    }
    let tables = || async {
        let t: Vec<(String,)> = sqlx::query_as(
            "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE starts_with(tablename, 'import_stage_') ORDER BY 1",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        t.into_iter().map(|(n,)| n).collect::<Vec<_>>()
    };
    assert_eq!(tables().await.len(), 2);
    let dropped = o.db.housekeeping("a", Default::default(), 730).await;
    assert_eq!(dropped, Ok(true), "housekeeping ran");
    assert_eq!(
        tables().await,
        vec![format!("{running}_p")],
        "the killed import's dropped"
    );
}
