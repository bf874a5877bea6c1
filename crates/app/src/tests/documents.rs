//! The office's documents: a certificate only for a participant who attended, on the
//! office's letterhead.
use crate::tests::office::{input, Office, REJASARI};
use crate::Error;
use serde_json::json;

#[tokio::test]
async fn a_certificate_for_who_attended() {
    let o = Office::with(|s| s.office_name = "Dinas Sosial Kota Banjar".into()).await;
    let cx = &o.cx;
    let ids = o.residents(REJASARI, 2, 1).await;
    let t = crate::trainings::create(
        cx,
        &o.operator,
        &input(
            json!({"title": "Pelatihan olahan pangan", "kind": "pelatihan",
            "starts_on": "2026-11-02", "ends_on": "2026-11-02", "village_code": REJASARI}),
        ),
    )
    .await
    .unwrap()
    .training
    .id;
    for (id, attended) in [(ids[0], true), (ids[1], false)] {
        crate::trainings::add_participant(
            cx,
            &o.field,
            t,
            &input(json!({"person_id": id, "attended": attended})),
        )
        .await
        .unwrap();
    }
    let pdf = crate::trainings::certificate(cx, &o.field, t, ids[0])
        .await
        .expect("certificate");
    let text = pdf::extract_text(&pdf);
    assert!(
        text.contains("Warga 1 0") && text.contains("DINAS SOSIAL KOTA BANJAR"),
        "{text}"
    );
    assert!(matches!(
        crate::trainings::certificate(cx, &o.field, t, ids[1]).await,
        Err(Error::Conflict { .. })
    ));
    assert!(matches!(
        crate::trainings::certificate(cx, &o.other, t, ids[0]).await,
        Err(Error::NotFound)
    ));
}
