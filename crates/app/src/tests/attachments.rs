//! Files follow their record: a visit takes photos only; another area sees nothing.
use crate::tests::office::{input, Office, REJASARI};
use crate::Error;
use serde_json::json;

/// The smallest PNG (1×1).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

#[tokio::test]
async fn a_visit_takes_photos_its_area_may_see() {
    let o = Office::new().await;
    let cx = &o.cx;
    let k = o
        .kube("KUBE Foto", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    let (v, _) = crate::visits::record(
        cx,
        &o.field,
        k,
        &crate::visits::input_of(&input(
            json!({"visited_on": "2026-12-05", "operating": true}),
        )),
        None,
    )
    .await
    .unwrap();
    let pdf = crate::attachments::add(
        cx,
        &o.field,
        "visit",
        v.id,
        "laporan.pdf",
        b"%PDF-1.4\n%%EOF\n",
    )
    .await;
    assert!(matches!(pdf, Err(Error::Invalid(i)) if i.fields.contains_key("file")));
    let a = crate::attachments::add(cx, &o.field, "visit", v.id, "kandang.png", PNG)
        .await
        .expect("photo");
    assert_eq!(a.mime, "image/png");
    assert_eq!(
        crate::attachments::list(cx, &o.auditor, "visit", v.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let (info, bytes) = crate::attachments::get(cx, &o.field, a.id).await.unwrap();
    assert_eq!((info.id, bytes.as_slice()), (a.id, PNG));
    assert!(matches!(
        crate::attachments::get(cx, &o.other, a.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        crate::attachments::add(cx, &o.auditor, "visit", v.id, "x.png", PNG).await,
        Err(Error::Forbidden)
    ));
}
