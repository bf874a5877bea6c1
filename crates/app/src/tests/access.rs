//! The access log: a read of a person's record is logged with who and from where; the
//! administrator and the auditor list it; entries older than the period are purged and
//! the newer kept.
use crate::tests::office::{Office, REJASARI};
use crate::Error;

#[tokio::test]
async fn reads_are_logged_listed_and_purged_after_the_period() {
    let o = Office::new().await;
    let cx = &o.cx;
    let ids = o.residents(REJASARI, 1, 7).await;
    let mut field = o.field.clone();
    field.actor.client = Some("10.1.2.3".into());
    crate::access::read_person(cx, &field, ids[0])
        .await
        .unwrap();
    let f = crate::access::AccessFilter {
        person_id: Some(ids[0]),
        ..Default::default()
    };
    let page = crate::access::list(cx, &o.auditor, &f, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    let a = &page.items[0];
    assert_eq!(
        (a.action.as_str(), a.username.as_str()),
        ("read", field.actor.username.as_str())
    );
    assert_eq!(a.client.as_deref(), Some("10.1.2.3"));
    assert!(matches!(
        crate::access::list(cx, &o.field, &f, crate::Paging::new(None, None)).await,
        Err(Error::Forbidden)
    ));
    // Purged after the period: an entry of three years ago goes, today's stays.
    let mut old = o.field.clone();
    old.actor.at -= chrono::Duration::days(3 * 365);
    crate::access::read_person(cx, &old, ids[0]).await.unwrap();
    assert_eq!(crate::access::purge(&cx.store, 730).await.unwrap(), 1);
    let page = crate::access::list(cx, &o.auditor, &f, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].client.as_deref(), Some("10.1.2.3"));
}
