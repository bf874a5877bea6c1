//! The review proposes records of one person twice, within the caller's area.
use crate::tests::office::{input, Office, REJASARI};
use serde_json::json;

#[tokio::test]
async fn one_person_registered_twice_is_proposed_for_review() {
    let o = Office::new().await;
    let cx = &o.cx;
    for (nik, name) in [
        ("3279045708920003", "Siti Aminah"),
        ("3279045708920011", "Siti Aminah"),
    ] {
        crate::persons::create(
            cx,
            &o.operator,
            &input(
                json!({"nik": nik, "name": name, "sex": "P", "birth_date": "1992-08-17",
                "village_code": REJASARI, "kk_number": "3279040101100001"}),
            ),
            true,
        )
        .await
        .expect("registered");
    }
    let (page, _) = crate::duplicates::review(cx, &o.operator, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(page.total, 1, "one pair");
    let p = &page.items[0];
    assert!(p.score.score >= domain::dedup::MATCH, "{}", p.score.score);
    assert_eq!(
        (p.a.name.as_str(), p.b.name.as_str()),
        ("Siti Aminah", "Siti Aminah")
    );
    let (other, _) = crate::duplicates::review(cx, &o.other, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(other.total, 0, "nothing of Langensari for Pataruman");
}

/// Registering a record that drifted the way civil records do (a title, a degree, the
/// father's name, the serial's leading digit mistyped) warns before saving.
#[tokio::test]
async fn a_drifted_record_is_warned_about_before_saving() {
    let o = Office::new().await;
    let cx = &o.cx;
    let person = |nik: &str, name: &str| {
        input(
            json!({"nik": nik, "name": name, "sex": "P", "birth_date": "1992-08-17",
            "village_code": REJASARI}),
        )
    };
    crate::persons::create(
        cx,
        &o.operator,
        &person("3279045708920003", "Siti Aminah"),
        false,
    )
    .await
    .expect("registered");
    let drifted = person("3279045708920103", "HJ. SITI AMINAH, S.PD BINTI ASEP");
    let warned = crate::persons::create(cx, &o.operator, &drifted, false).await;
    assert!(
        matches!(&warned, Err(crate::Error::Conflict { field, .. }) if field == "name"),
        "warned: {warned:?}"
    );
    crate::persons::create(cx, &o.operator, &drifted, true)
        .await
        .expect("saved once confirmed");
}
