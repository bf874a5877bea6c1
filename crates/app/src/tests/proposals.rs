//! A KUBE's proposal: made in the field, steps by role and by different persons, the
//! page's buttons from the same rule, the BAST only once delivered.
use crate::tests::office::{input, Office, REJASARI};
use crate::Error;
use domain::aid::Action;
use serde_json::json;

#[tokio::test]
async fn each_step_is_taken_by_its_role_and_another_person() {
    let o = Office::new().await;
    let cx = &o.cx;
    let members = o.residents(REJASARI, 5, 1).await;
    let k = o.kube("KUBE Anggrek", REJASARI, &members).await;
    let (prog, item) = o.kube_programme().await;
    let empty = crate::proposals::create(
        cx,
        &o.field,
        &input(json!({"kube_id": k, "programme_id": prog.id, "items": [], "justification": ""})),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&empty, Error::Invalid(i) if i.fields.contains_key("items") && i.fields.contains_key("justification"))
    );
    let d = crate::proposals::create(
        cx,
        &o.field,
        &input(json!({"kube_id": k, "programme_id": prog.id,
            "items": [{"item_id": item.id, "quantity": 5}], "justification": "Ternak"})),
    )
    .await
    .expect("draft");
    let id = d.proposal.id;
    let actions = |c| async move {
        crate::proposals::overview(cx, c, id)
            .await
            .unwrap()
            .actions()
    };
    assert_eq!(actions(&o.field).await, vec![Action::Submit]);
    assert!(actions(&o.kabid).await.is_empty());
    let none = crate::proposals::ActBody::default();
    crate::proposals::act(cx, &o.field, id, "submit", &none)
        .await
        .expect("submitted");
    // The submitter does not verify their own step: no button, and refused.
    assert!(actions(&o.field).await.is_empty());
    assert!(crate::proposals::act(cx, &o.field, id, "verify", &none)
        .await
        .is_err());
    assert_eq!(actions(&o.operator).await, vec![Action::Verify]);
    crate::proposals::act(cx, &o.operator, id, "verify", &none)
        .await
        .expect("verified");
    assert!(crate::proposals::act(cx, &o.operator, id, "approve", &none)
        .await
        .is_err());
    crate::proposals::act(cx, &o.kabid, id, "approve", &none)
        .await
        .expect("approved");
    let early = crate::proposals::bast(cx, &o.operator, id)
        .await
        .unwrap_err();
    assert!(matches!(early, Error::Conflict { .. }), "{early:?}");
    // Another kecamatan's pendamping: no such proposal.
    assert!(matches!(
        crate::proposals::overview(cx, &o.other, id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        crate::proposals::assets(cx, &o.other, k).await,
        Err(Error::NotFound)
    ));
}
