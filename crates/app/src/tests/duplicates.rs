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
