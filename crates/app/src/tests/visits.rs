//! Monitoring visits: not in the future, only to KUBE of the caller's area; the queue
//! puts the overdue first.
use crate::tests::office::{input, Office, BINANGUN, REJASARI};
use crate::Error;
use serde_json::json;

fn visit(on: &str) -> domain::visit::VisitInput {
    crate::visits::input_of(&input(
        json!({"visited_on": on, "operating": true, "meetings_held": 2,
        "members_present": 5, "books_up_to_date": true, "revenue": 1_500_000}),
    ))
}

#[tokio::test]
async fn visits_are_of_past_days_in_the_area_and_the_queue_follows_them() {
    let o = Office::new().await;
    let cx = &o.cx;
    let a = o
        .kube("KUBE Satu", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    let b = o
        .kube("KUBE Dua", BINANGUN, &o.residents(BINANGUN, 5, 2).await)
        .await;
    let tomorrow = crate::visits::record(cx, &o.field, a, &visit("2026-12-07"))
        .await
        .unwrap_err();
    assert!(
        matches!(&tomorrow, Error::Invalid(i) if i.fields.contains_key("visited_on")),
        "{tomorrow:?}"
    );
    assert!(matches!(
        crate::visits::record(cx, &o.field, b, &visit("2026-12-01")).await,
        Err(Error::NotFound)
    ));
    let (v, _) = crate::visits::record(cx, &o.field, a, &visit("2026-12-06"))
        .await
        .expect("visit");
    assert_eq!(
        crate::visits::list(cx, &o.field, a).await.unwrap()[0].id,
        v.id
    );
    assert!(matches!(
        crate::visits::list(cx, &o.other, a).await,
        Err(Error::NotFound)
    ));
    // The office's queue: the KUBE never visited (formed 2024) before the one seen today.
    let q = crate::visits::queue(cx, &o.operator, false).await.unwrap();
    let order: Vec<i64> = q.iter().map(|c| c.kube.id).collect();
    assert_eq!(
        order,
        vec![b, a],
        "{:?}",
        q.iter()
            .map(|c| (c.kube.id, c.risk, c.overdue_days))
            .collect::<Vec<_>>()
    );
    assert!(q[0].overdue_days > 0 && q[1].overdue_days == 0);
    let mine = crate::visits::queue(cx, &o.field, false).await.unwrap();
    assert_eq!(mine.iter().map(|c| c.kube.id).collect::<Vec<_>>(), vec![a]);
}
