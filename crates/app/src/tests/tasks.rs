//! Each role's to-do list: what waits for them in their area, each item linked to where
//! it is done; nothing for an auditor; another area's work is not theirs.
use crate::tests::office::{input, Office, REJASARI};
use crate::{Caller, Context};
use serde_json::json;

async fn codes(cx: &Context, c: &Caller) -> Vec<(&'static str, Option<i64>)> {
    crate::tasks::list(cx, c)
        .await
        .unwrap()
        .iter()
        .map(|t| (t.code, t.count))
        .collect()
}

#[tokio::test]
async fn each_role_sees_what_waits_for_it() {
    let o = Office::new().await;
    let cx = &o.cx;
    let members = o.residents(REJASARI, 5, 1).await;
    let roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"];
    let k = crate::kube::create(
        cx,
        &o.operator,
        &input(json!({"name": "KUBE Melati", "business_type": "ternak_kambing",
            "village_code": REJASARI, "formed_on": "2024-03-01", "funding_source": "apbd_kota",
            "pendamping_id": o.field.actor.user_id,
            "members": members.iter().zip(roles).map(|(id, r)| json!({"person_id": id, "role": r})).collect::<Vec<_>>()})),
    )
    .await
    .expect("kube")
    .kube
    .id;
    let (prog, item) = o.kube_programme().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let d = crate::proposals::create(
            cx,
            &o.field,
            &input(json!({"kube_id": k, "programme_id": prog.id,
                "items": [{"item_id": item.id, "quantity": 2}], "justification": "Ternak"})),
        )
        .await
        .expect("draft");
        ids.push(d.proposal.id);
    }
    let none = crate::proposals::ActBody::default();
    for id in &ids[1..] {
        crate::proposals::act(cx, &o.field, *id, "submit", &none)
            .await
            .unwrap();
    }
    crate::proposals::act(cx, &o.operator, ids[2], "verify", &none)
        .await
        .unwrap();

    // The pendamping: their group never visited (formed 2024), and their draft.
    let field = crate::tasks::list(cx, &o.field).await.unwrap();
    let visits = &field[0];
    assert_eq!((visits.code, visits.count), ("visits_overdue", Some(1)));
    assert_eq!(visits.href, "/mentoring");
    assert_eq!(visits.items[0].href, format!("/kube/{k}/visits/new"));
    assert_eq!(
        visits.items[0].note.as_ref().map(|m| m.key),
        Some("mentoring.never")
    );
    assert_eq!(
        codes(cx, &o.field).await,
        vec![("visits_overdue", Some(1)), ("proposal_drafts", Some(1))]
    );
    assert_eq!(field[1].href, "/proposals?state=draft");
    // Another kecamatan's pendamping: none of it is theirs.
    assert!(codes(cx, &o.other).await.is_empty());

    // The operator: one to verify, one draft; duplicates not looked for yet.
    let op = crate::tasks::list(cx, &o.operator).await.unwrap();
    assert_eq!(
        op.iter().map(|t| (t.code, t.count)).collect::<Vec<_>>(),
        vec![
            ("proposals_to_verify", Some(1)),
            ("proposal_drafts", Some(1)),
            ("duplicates", None)
        ]
    );
    assert_eq!(op[2].title.key, "tasks.duplicates_unchecked");
    // Once the duplicate scan has looked, its count (the residents' names are alike).
    crate::duplicates::scan::scan_now(cx, "test").await.unwrap();
    let pairs = crate::duplicates::review(cx, &o.operator, crate::Paging::new(None, None))
        .await
        .unwrap()
        .page;
    assert!(pairs.total > 0);
    assert_eq!(
        codes(cx, &o.operator).await[2],
        ("duplicates", Some(pairs.total))
    );

    // The head of division: one to approve; a payment recorded by the operator.
    let aslut = crate::programmes::create(
        cx,
        &o.operator,
        &input(
            json!({"name": "ASLUT 2026", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 30_000_000, "eligibility": {"min_age": 50}}),
        ),
    )
    .await
    .unwrap()
    .id;
    crate::programmes::enrol(cx, &o.operator, aslut, members[0])
        .await
        .unwrap();
    for period in ["2026-10", "2026-11"] {
        crate::programmes::benefit(
            cx,
            &o.operator,
            aslut,
            &input(json!({"person_id": members[0], "kind": "bantuan_bulanan",
                "period": period, "amount": 300_000})),
        )
        .await
        .unwrap();
    }
    let kabid = crate::tasks::list(cx, &o.kabid).await.unwrap();
    assert_eq!(
        kabid.iter().map(|t| (t.code, t.count)).collect::<Vec<_>>(),
        vec![
            ("proposals_to_approve", Some(1)),
            ("benefits_to_approve", Some(2))
        ]
    );
    assert_eq!(kabid[0].href, "/proposals?state=verified");
    assert_eq!(kabid[1].href, format!("/programmes/{aslut}#benefits"));
    assert_eq!(kabid[1].items[0].label, "ASLUT 2026");
    // The operator recorded them: not theirs to approve, and not on their list.
    assert!(!codes(cx, &o.operator)
        .await
        .iter()
        .any(|(c, _)| *c == "benefits_to_approve"));

    // The auditor changes nothing: no to-do list.
    assert!(codes(cx, &o.auditor).await.is_empty());
}

#[tokio::test]
async fn the_administrator_sees_locked_and_unused_accounts() {
    let o = Office::new().await;
    assert!(codes(&o.cx, &o.admin).await.is_empty());
    for _ in 0..5 {
        let r = crate::sessions::counted_check(&o.cx, "operator", "salah-sandi", "10.0.0.9")
            .await
            .unwrap();
        assert!(matches!(r, crate::sessions::Checked::Wrong));
    }
    let t = crate::tasks::list(&o.cx, &o.admin).await.unwrap();
    assert_eq!((t[0].code, t[0].count), ("accounts_locked", Some(1)));
    assert_eq!(t[0].items[0].label, "operator");
    assert_eq!(
        t[0].items[0].href,
        format!("/users/{}", o.operator.actor.user_id.unwrap())
    );
    // A hundred days on: the lock has passed; the five other accounts were never used.
    let later = o.cx.store.clock();
    let later = crate::Clock::starting_at(later.now() + chrono::Duration::days(100));
    let cx = Context::new(
        o.cx.store.clone().with_clock(later),
        o.cx.areas.clone(),
        (*o.cx.settings).clone(),
    );
    let t = crate::tasks::list(&cx, &o.admin).await.unwrap();
    assert_eq!(
        t.iter().map(|t| (t.code, t.count)).collect::<Vec<_>>(),
        vec![("accounts_unused", Some(5))]
    );
    assert_eq!(
        t[0].title.text(domain::Lang::Id),
        "5 akun aktif tidak dipakai lebih dari 90 hari"
    );
    assert_eq!(
        t[0].items[0].note.as_ref().unwrap().key,
        "tasks.item_never_logged_in"
    );
}
