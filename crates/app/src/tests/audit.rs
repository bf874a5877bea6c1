//! The trail is read by the roles that read it, newest first.
use crate::tests::office::{Office, REJASARI};
use crate::Error;

#[tokio::test]
async fn the_newest_entries_for_those_who_read_the_trail() {
    let o = Office::new().await;
    let cx = &o.cx;
    o.residents(REJASARI, 2, 1).await;
    let recent = crate::audit::recent(cx, &o.auditor, 8).await.unwrap();
    assert!(recent.len() >= 2);
    assert_eq!(recent[0].entity, "person");
    assert!(crate::audit::entities(cx, &o.auditor)
        .await
        .unwrap()
        .contains(&"person".to_string()));
    assert!(matches!(
        crate::audit::recent(cx, &o.field, 8).await,
        Err(Error::Forbidden)
    ));
}
