//! KUBE: 5–20 members with three officers, of the KUBE's kecamatan; business types kept
//! by the admin; candidates only from the caller's kecamatan.
use crate::tests::office::{input, Office, BINANGUN, REJASARI};
use crate::Error;
use serde_json::json;

#[tokio::test]
async fn a_kube_needs_five_members_of_its_kecamatan() {
    let o = Office::new().await;
    let cx = &o.cx;
    let ours = o.residents(REJASARI, 6, 1).await;
    let theirs = o.residents(BINANGUN, 1, 2).await;
    let body = |members: &[i64]| {
        let roles = [
            "ketua",
            "sekretaris",
            "bendahara",
            "anggota",
            "anggota",
            "anggota",
        ];
        let m: Vec<_> = members
            .iter()
            .zip(roles)
            .map(|(id, r)| json!({"person_id": id, "role": r}))
            .collect();
        input::<crate::kube::KubeCreate>(json!({"name": "KUBE Melati", "business_type": "warungan",
            "village_code": REJASARI, "formed_on": "2025-01-10", "funding_source": "apbn", "members": m}))
    };
    let few = crate::kube::create(cx, &o.operator, &body(&ours[..4]))
        .await
        .unwrap_err();
    assert!(
        matches!(&few, Error::Invalid(i) if i.fields.contains_key("members")),
        "{few:?}"
    );
    // A pendamping does not know the person of another kecamatan: the answer names the id.
    let mixed = [&ours[..4], &theirs[..]].concat();
    let unknown = crate::kube::create(cx, &o.field, &body(&mixed))
        .await
        .unwrap_err();
    assert!(matches!(&unknown, Error::Invalid(i) if i.fields.contains_key("members")));
    let made = crate::kube::create(cx, &o.field, &body(&ours[..5]))
        .await
        .expect("formed");
    assert_eq!(made.members.len(), 5);
    // A member of an active KUBE joins no second one.
    let twice = crate::kube::create(cx, &o.operator, &body(&ours[..5]))
        .await
        .unwrap_err();
    assert!(
        matches!(twice, Error::Conflict { .. } | Error::Invalid(_)),
        "{twice:?}"
    );
    // Candidates: residents of the kecamatan in no KUBE, and none for another's.
    let c = crate::persons::candidates(
        cx,
        &o.field,
        Some("32.79.04"),
        crate::persons::Among::OutsideKube,
        None,
        100,
    )
    .await
    .unwrap();
    assert_eq!(c.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ours[5]]);
    assert!(crate::persons::candidates(
        cx,
        &o.field,
        Some("32.79.02"),
        crate::persons::Among::OutsideKube,
        None,
        100
    )
    .await
    .unwrap()
    .is_empty());
}

#[tokio::test]
async fn business_types_are_kept_by_the_admin() {
    let o = Office::new().await;
    let cx = &o.cx;
    let lele: crate::kube::BusinessTypeIn =
        input(json!({"code": "budidaya_lele", "name": "Budidaya lele"}));
    assert!(matches!(
        crate::kube::business_type_save(cx, &o.operator, &lele).await,
        Err(Error::Forbidden)
    ));
    let bad: crate::kube::BusinessTypeIn = input(json!({"code": "Lele!", "name": ""}));
    let e = crate::kube::business_type_save(cx, &o.admin, &bad)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(i) if i.fields.contains_key("code") && i.fields.contains_key("name"))
    );
    crate::kube::business_type_save(cx, &o.admin, &lele)
        .await
        .expect("saved");
    let all = crate::kube::business_types(cx, &o.operator).await.unwrap();
    let b = all
        .iter()
        .find(|b| b.code == "budidaya_lele")
        .expect("listed");
    assert_eq!(
        (b.name.as_str(), b.name_en.as_str()),
        ("Budidaya lele", "Budidaya lele")
    );
}
