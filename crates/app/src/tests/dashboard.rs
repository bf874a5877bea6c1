//! The dashboard counts what the caller may see, and its version moves with the data.
use crate::tests::office::{Office, BINANGUN, REJASARI};
use domain::Lang;

#[tokio::test]
async fn the_figures_follow_the_area_and_the_data() {
    let o = Office::new().await;
    let cx = &o.cx;
    let before = crate::dashboard::version(cx).await.unwrap();
    o.kube("KUBE Satu", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    o.kube("KUBE Dua", BINANGUN, &o.residents(BINANGUN, 6, 2).await)
        .await;
    assert_ne!(crate::dashboard::version(cx).await.unwrap(), before);
    let all = crate::dashboard::compute(cx, &o.kabid, Lang::Id)
        .await
        .unwrap();
    assert_eq!((all.kube_total, all.members_total), (2, 11));
    assert_eq!(all.by_district.iter().filter(|g| g.total > 0).count(), 2);
    let field = crate::dashboard::compute(cx, &o.field, Lang::Id)
        .await
        .unwrap();
    assert_eq!((field.kube_total, field.members_total), (1, 5));
    assert_eq!(field.by_district.len(), 1);
    assert_eq!(field.by_district[0].code, "32.79.04");
    assert_eq!(all.this_year.year, 2026);
}
