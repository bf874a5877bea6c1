//! The public page's figures exist only when the office publishes them.
use crate::tests::office::{Office, REJASARI};
use crate::Error;

#[tokio::test]
async fn the_public_figures_only_when_published() {
    let closed = Office::new().await;
    assert!(matches!(
        crate::reports::public(&closed.cx).await,
        Err(Error::NotFound)
    ));
    let open = Office::with(|s| s.public_page = true).await;
    open.kube("KUBE Umum", REJASARI, &open.residents(REJASARI, 5, 1).await)
        .await;
    let rows = crate::reports::public(&open.cx).await.unwrap();
    assert_eq!(rows.len(), 1);
    let (village, year, kube, _, _) = &rows[0];
    assert_eq!((village.as_str(), *year, *kube), (REJASARI, 2024, 1));
}
