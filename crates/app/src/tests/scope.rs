//! "Outside your area" and "does not exist" are one answer.
use crate::tests::office::{Office, BINANGUN, REJASARI};
use crate::Error;

#[tokio::test]
async fn another_kecamatan_reads_as_nothing_at_all() {
    let o = Office::new().await;
    let cx = &o.cx;
    let members = o.residents(REJASARI, 6, 1).await;
    let k = o.kube("KUBE Mawar", REJASARI, &members).await;
    for id in [k, 999_999] {
        assert!(matches!(
            crate::scope::kube(cx, &o.other, id).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            crate::kube::overview(cx, &o.other, id).await,
            Err(Error::NotFound)
        ));
    }
    assert_eq!(crate::scope::kube(cx, &o.field, k).await.unwrap().id, k);
    assert_eq!(crate::scope::kube(cx, &o.auditor, k).await.unwrap().id, k);
    let theirs = o.residents(BINANGUN, 1, 2).await;
    for id in [theirs[0], 999_998] {
        assert!(matches!(
            crate::scope::person(cx, &o.field, id).await,
            Err(Error::NotFound)
        ));
    }
}
