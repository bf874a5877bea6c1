//! Monitoring visits: not in the future, only to KUBE of the caller's area; the queue
//! puts the overdue first.
use crate::tests::office::{input, Office, BINANGUN, REJASARI, WARINGINSARI};
use crate::Error;
use domain::health::Urgency;
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
    let tomorrow = crate::visits::record(cx, &o.field, a, &visit("2026-12-07"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&tomorrow, Error::Invalid(i) if i.fields.contains_key("visited_on")),
        "{tomorrow:?}"
    );
    assert!(matches!(
        crate::visits::record(cx, &o.field, b, &visit("2026-12-01"), None).await,
        Err(Error::NotFound)
    ));
    let (v, _) = crate::visits::record(cx, &o.field, a, &visit("2026-12-06"), None)
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
    let q = crate::visits::queue(cx, &o.operator, false, None)
        .await
        .unwrap()
        .cases;
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
    let mine = crate::visits::queue(cx, &o.field, false, None)
        .await
        .unwrap()
        .cases;
    assert_eq!(mine.iter().map(|c| c.kube.id).collect::<Vec<_>>(), vec![a]);
}

/// The queue is ordered by urgency, not by status alone: a group overdue for its visit
/// comes before a struggling group seen last week; a group formed 16 days ago is not late
/// (its first visit falls due 30 days after forming) and reads as never visited; one
/// village can be chosen.
#[tokio::test]
async fn the_queue_puts_the_overdue_first_and_a_new_group_is_not_late() {
    let o = Office::new().await;
    let cx = &o.cx;
    let struggling = o
        .kube("KUBE Lesu", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    let overdue = o
        .kube("KUBE Lama", REJASARI, &o.residents(REJASARI, 5, 2).await)
        .await;
    let new = o
        .kube_formed(
            "KUBE Baru",
            WARINGINSARI,
            &o.residents(WARINGINSARI, 5, 3).await,
            "2026-11-20",
        )
        .await;
    let mut stopped = visit("2026-11-29");
    stopped.operating = false;
    crate::visits::record(cx, &o.field, struggling, &stopped, None)
        .await
        .unwrap();
    crate::visits::record(cx, &o.field, overdue, &visit("2026-10-27"), None)
        .await
        .unwrap();
    let q = crate::visits::queue(cx, &o.field, false, None)
        .await
        .unwrap();
    let seen: Vec<(i64, Urgency, i64, bool)> = q
        .cases
        .iter()
        .map(|c| (c.kube.id, c.urgency, c.overdue_days, c.never_visited()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (overdue, Urgency::Overdue, 10, false),
            (struggling, Urgency::Later, 0, false),
            (new, Urgency::Later, 0, true),
        ],
        "risks {:?}",
        q.cases
            .iter()
            .map(|c| (c.kube.status, c.risk))
            .collect::<Vec<_>>()
    );
    assert!(
        q.cases[1].risk > q.cases[0].risk,
        "the struggling group is riskier"
    );
    assert_eq!(q.cases[2].due_on.to_string(), "2026-12-20");
    assert_eq!(
        q.villages,
        vec![REJASARI.to_string(), WARINGINSARI.to_string()]
    );
    let one = crate::visits::queue(cx, &o.field, false, Some(WARINGINSARI))
        .await
        .unwrap();
    assert_eq!(
        one.cases.iter().map(|c| c.kube.id).collect::<Vec<_>>(),
        vec![new]
    );
    assert_eq!(one.villages.len(), 2, "the villages to choose from stay");
    // The dashboard's count of overdue visits follows the same rule.
    let d = crate::dashboard::compute(cx, &o.field, domain::Lang::Id)
        .await
        .unwrap();
    assert_eq!(d.this_year.visits_overdue, 1);
    // An office that wants the first visit within a week: the new group is late too.
    let strict = Office::with(|s| s.visits.first_days = 7).await;
    let k = strict
        .kube_formed(
            "KUBE Baru",
            REJASARI,
            &strict.residents(REJASARI, 5, 4).await,
            "2026-11-20",
        )
        .await;
    let q = crate::visits::queue(&strict.cx, &strict.field, false, None)
        .await
        .unwrap();
    assert_eq!((q.cases[0].kube.id, q.cases[0].overdue_days), (k, 9));
}
