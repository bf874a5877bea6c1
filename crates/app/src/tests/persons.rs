//! The registry: a person's rules, a NIK registered once, the area a pendamping sees,
//! and the day's limit of NIK look-ups for roles that see NIKs masked.
use crate::tests::office::{input, Office, BINANGUN, REJASARI};
use crate::Error;
use serde_json::json;

fn siti(nik: &str, village: &str) -> domain::person::PersonInput {
    input(
        json!({"nik": nik, "name": "Siti Aminah", "sex": "P", "birth_date": "1992-08-17",
        "village_code": village}),
    )
}

#[tokio::test]
async fn a_person_is_registered_once_and_agrees_with_her_nik() {
    let o = Office::new().await;
    let cx = &o.cx;
    let p = crate::persons::create(cx, &o.operator, &siti("3279045708920003", REJASARI), false)
        .await
        .expect("registered");
    assert_eq!(p.name, "Siti Aminah");
    // The NIK says born on the 17th of September 1992 (57 = 17 + 40: a woman): not her.
    let wrong = crate::persons::create(cx, &o.operator, &siti("3279045709920003", REJASARI), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, Error::Invalid(i) if i.fields.contains_key("birth_date")),
        "{wrong:?}"
    );
    let again = crate::persons::create(cx, &o.operator, &siti("3279045708920003", REJASARI), true)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict { .. } | Error::Invalid(_)),
        "{again:?}"
    );
    // The auditor reads, never writes.
    let refused = crate::persons::create(cx, &o.auditor, &siti("3279045708920004", REJASARI), true)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden));
}

#[tokio::test]
async fn a_pendamping_registers_and_sees_only_their_kecamatan() {
    let o = Office::new().await;
    let cx = &o.cx;
    let outside = crate::persons::create(cx, &o.field, &siti("3279025708920003", BINANGUN), false)
        .await
        .unwrap_err();
    assert!(matches!(&outside, Error::Invalid(i) if i.fields.contains_key("village_code")));
    let theirs = o.residents(BINANGUN, 2, 1).await;
    let ours = o.residents(REJASARI, 3, 2).await;
    assert!(matches!(
        crate::scope::person(cx, &o.field, theirs[0]).await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        crate::scope::person(cx, &o.field, ours[0])
            .await
            .unwrap()
            .id,
        ours[0]
    );
    let seen = crate::persons::residents(cx, &o.field, &Default::default(), 100)
        .await
        .unwrap();
    let ids: Vec<i64> = seen.iter().map(|r| r.0).collect();
    assert_eq!(ids.len(), 3, "{seen:?}");
    assert!(ours.iter().all(|id| ids.contains(id)));
}

#[tokio::test]
async fn masked_roles_learn_only_so_many_niks_a_day() {
    let o = Office::with(|s| s.nik_lookups_per_day = 3).await;
    let cx = &o.cx;
    o.residents(REJASARI, 1, 3).await;
    let niks = ["3279040101900001", "3279040101900002", "3279040101900003"];
    crate::persons::nik_lookups(cx, &o.field, &niks, "test")
        .await
        .expect("three");
    // The same NIKs again are not counted twice.
    crate::persons::nik_lookups(cx, &o.field, &niks[..1], "test")
        .await
        .expect("same");
    let over = crate::persons::nik_lookups(cx, &o.field, &["3279040101900004"], "test")
        .await
        .unwrap_err();
    assert!(matches!(over, Error::Limited(_)), "{over:?}");
    // The office sees NIKs in full: nothing to count.
    for i in 0..5 {
        let nik = format!("32790401019000{:02}", 10 + i);
        crate::persons::nik_lookups(cx, &o.operator, &[nik.as_str()], "test")
            .await
            .expect("office");
    }
}

/// The form's hint on a NIK already registered: the person within the area, only "elsewhere"
/// outside it (a counted look-up for a pendamping), nothing for a role that registers nobody.
#[tokio::test]
async fn a_registered_nik_is_said_within_the_area_and_counted_for_masked_roles() {
    let o = Office::new().await;
    let cx = &o.cx;
    let id = o.residents(REJASARI, 1, 5).await[0];
    let nik = crate::scope::person(cx, &o.operator, id).await.unwrap().nik;
    let nik = domain::nik::Nik::parse(&nik, &cx.areas, cx.today()).unwrap();
    use crate::persons::{nik_registered, Registered};
    assert!(matches!(
        nik_registered(cx, &o.operator, &nik).await.unwrap(),
        Registered::Here { id: i, .. } if i == id
    ));
    assert!(matches!(
        nik_registered(cx, &o.field, &nik).await.unwrap(),
        Registered::Here { .. }
    ));
    assert_eq!(
        nik_registered(cx, &o.other, &nik).await.unwrap(),
        Registered::Elsewhere
    );
    assert!(matches!(
        nik_registered(cx, &o.auditor, &nik).await,
        Err(crate::Error::Forbidden)
    ));
    let free = domain::nik::Nik::parse("3279045708920003", &cx.areas, cx.today()).unwrap();
    assert_eq!(
        nik_registered(cx, &o.other, &free).await.unwrap(),
        Registered::No
    );
    // A pendamping's look-ups are counted: at the day's limit, refused.
    let tight = Office::with(|s| s.nik_lookups_per_day = 1).await;
    let a = domain::nik::Nik::parse("3279045708920003", &tight.cx.areas, tight.cx.today()).unwrap();
    let b = domain::nik::Nik::parse("3279045808930004", &tight.cx.areas, tight.cx.today()).unwrap();
    nik_registered(&tight.cx, &tight.field, &a).await.unwrap();
    assert!(matches!(
        nik_registered(&tight.cx, &tight.field, &b).await,
        Err(crate::Error::Limited(_))
    ));
    assert!(
        nik_registered(&tight.cx, &tight.operator, &b).await.is_ok(),
        "full-identity roles are not counted"
    );
}
