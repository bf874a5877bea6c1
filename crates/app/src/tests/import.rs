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
