//! The demo accounts: made once, found again on the next start.
use crate::tests::office::Office;

#[tokio::test]
async fn the_demo_accounts_are_made_once() {
    let o = Office::new().await;
    let areas = domain::Areas::embedded();
    let region = areas.regency("32.79").unwrap();
    let first = o.db.demo_accounts(&areas, &region).await.unwrap();
    let made = o.db.accounts().await.unwrap();
    assert!(
        first.iter().any(|(u, _)| u == "kabid")
            && first.iter().any(|(u, _)| u.starts_with("pendamping."))
    );
    assert_eq!(o.db.demo_accounts(&areas, &region).await.unwrap(), first);
    assert_eq!(o.db.accounts().await.unwrap(), made, "nothing made twice");
}
