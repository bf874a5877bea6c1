//! Programmes are the office's; residents offered for enrolment show masked roles their
//! age, not their birth date; no one approves a benefit they recorded.
use crate::tests::office::{input, Office, REJASARI};
use crate::Error;
use serde_json::json;

async fn aslut(o: &Office) -> i64 {
    crate::programmes::create(
        &o.cx,
        &o.operator,
        &input(
            json!({"name": "ASLUT 2026", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 30_000_000, "eligibility": {"min_age": 50}}),
        ),
    )
    .await
    .expect("programme")
    .id
}

#[tokio::test]
async fn programmes_are_made_by_the_office_with_a_budget_or_a_quota() {
    let o = Office::new().await;
    let body =
        json!({"name": "KUBE 2026", "year": 2026, "funding_source": "apbn", "target": "kube"});
    let none = crate::programmes::create(&o.cx, &o.operator, &input(body.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(&none, Error::Invalid(i) if i.fields.contains_key("budget")),
        "{none:?}"
    );
    let mut with = body;
    with["quota"] = json!(10);
    assert!(matches!(
        crate::programmes::create(&o.cx, &o.field, &input(with.clone())).await,
        Err(Error::Forbidden)
    ));
    let p = crate::programmes::create(&o.cx, &o.operator, &input(with))
        .await
        .unwrap();
    let (got, figures) = crate::programmes::get(&o.cx, &o.auditor, p.id)
        .await
        .unwrap();
    assert_eq!((got.quota, figures.committed), (Some(10), 0));
    assert_eq!(
        crate::programmes::list(&o.cx, &o.kabid, Some(2026))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(crate::programmes::list(&o.cx, &o.kabid, Some(2025))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn candidates_show_masked_roles_an_age_and_benefits_wait_for_another_head() {
    let o = Office::new().await;
    let cx = &o.cx;
    let p = aslut(&o).await;
    let ids = o.residents(REJASARI, 2, 1).await;
    // The picker: the office reads NIKs in full, the pendamping masked; both see the age.
    let all = crate::persons::Among::All;
    let office = crate::persons::candidates(cx, &o.operator, None, all, None, 50)
        .await
        .unwrap();
    let field = crate::persons::candidates(cx, &o.field, None, all, None, 50)
        .await
        .unwrap();
    assert_eq!(office.len(), 2);
    assert!(office.iter().all(|c| !c.nik.contains('*') && c.age > 50));
    assert_eq!(field.len(), 2);
    assert!(field
        .iter()
        .all(|c| c.nik != office[0].nik && c.nik != office[1].nik && c.age > 50));
    // Eligibility: 50 and over; these residents are.
    crate::programmes::enrol(cx, &o.field, p, ids[0])
        .await
        .expect("enrolled");
    let b = crate::programmes::benefit(
        cx,
        &o.kabid,
        p,
        &input(
            json!({"person_id": ids[0], "kind": "bantuan_bulanan", "period": "2026-11",
            "amount": 300_000}),
        ),
    )
    .await
    .expect("recorded");
    // Recorded by this head of division: another must approve it.
    let own = crate::programmes::approve_benefit(cx, &o.kabid, p, b)
        .await
        .unwrap_err();
    assert!(
        matches!(
            own,
            Error::Conflict { .. } | Error::Invalid(_) | Error::Forbidden
        ),
        "{own:?}"
    );
    let benefits = crate::programmes::benefits(cx, &o.field, p, crate::Paging::new(None, None))
        .await
        .unwrap();
    assert_eq!(benefits.total, 1);
    assert_eq!(
        crate::programmes::enrolments(cx, &o.other, p)
            .await
            .unwrap()
            .len(),
        0
    );
}
