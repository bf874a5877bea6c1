//! The review proposes records of one person twice, within the caller's area.
use crate::tests::office::{input, Office, BINANGUN, REJASARI};
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
    crate::duplicates::scan::scan_now(cx, "test").await.unwrap();
    let page = crate::duplicates::review(cx, &o.operator, crate::Paging::new(None, None))
        .await
        .unwrap()
        .page;
    assert_eq!(page.total, 1, "one pair");
    let p = &page.items[0];
    assert!(p.score.score >= domain::dedup::MATCH, "{}", p.score.score);
    assert_eq!(
        (p.a.name.as_str(), p.b.name.as_str()),
        ("Siti Aminah", "Siti Aminah")
    );
    let other = crate::duplicates::review(cx, &o.other, crate::Paging::new(None, None))
        .await
        .unwrap()
        .page;
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

/// Registers a person of Rejasari (the duplicate warning confirmed); the id.
async fn resident(o: &Office, nik: &str, name: &str, sex: &str, birth: &str) -> i64 {
    crate::persons::create(
        &o.cx,
        &o.operator,
        &input(
            json!({"nik": nik, "name": name, "sex": sex, "birth_date": birth,
            "village_code": REJASARI}),
        ),
        true,
    )
    .await
    .expect("registered")
    .id
}

/// What the review lists: (a, b, score) of every pair, in any order.
async fn listed(o: &Office) -> Vec<(i64, i64, u64)> {
    let page = crate::duplicates::review(&o.cx, &o.operator, crate::Paging::new(Some(500), None))
        .await
        .unwrap()
        .page;
    let mut out: Vec<(i64, i64, u64)> = page
        .items
        .iter()
        .map(|p| {
            (
                p.a.id.min(p.b.id),
                p.a.id.max(p.b.id),
                p.score.score.to_bits(),
            )
        })
        .collect();
    out.sort_unstable();
    out
}

/// After persons are registered, renamed, merged and told apart, the pairs the scan keeps
/// by scoring the changed persons alone are those of scoring the whole registry again.
#[tokio::test]
async fn the_scan_keeps_the_pairs_a_whole_scan_would_find() {
    use crate::duplicates::scan::{scan_now, Scanned};
    let o = Office::new().await;
    let names = [
        "Siti Aminah",
        "Dewi Sartika",
        "Euis Komariah",
        "Cucu Cahyati",
    ];
    let mut ids = Vec::new();
    for i in 0..24usize {
        let name = names[i % 4];
        let birth = format!("199{}-08-1{}", i % 3, i % 2);
        // The NIK encodes the birth date (a woman's day plus 40).
        let nik = format!("3279045{}089{}{:04}", i % 2, i % 3, 100 + i);
        ids.push(resident(&o, &nik, name, "P", &birth).await);
    }
    assert!(matches!(
        scan_now(&o.cx, "a").await.unwrap(),
        Scanned::Whole { persons: 24, .. }
    ));
    let before = listed(&o).await;
    assert!(!before.is_empty(), "the registry has pairs");
    // Changes: a new record of one woman, a rename that makes two alike and one that
    // parts two, a merge, a pair told apart.
    let late = resident(
        &o,
        "3279045008900999",
        "SITI AMINAH BINTI ASEP",
        "P",
        "1990-08-10",
    )
    .await;
    let patch = |name: &str| serde_json::from_value(json!({ "name": name })).unwrap();
    crate::persons::update(&o.cx, &o.operator, ids[1], &patch("Siti Aminah"))
        .await
        .unwrap();
    crate::persons::update(&o.cx, &o.operator, ids[0], &patch("Rukmini"))
        .await
        .unwrap();
    let (a, b, _) = before[0];
    crate::duplicates::merge(&o.cx, &o.operator, a, b)
        .await
        .unwrap();
    let (c, d, _) = *before
        .iter()
        .rev()
        .find(|(x, y, _)| ![a, b].contains(x) && ![a, b].contains(y))
        .unwrap();
    crate::duplicates::distinct(&o.cx, &o.operator, c, d)
        .await
        .unwrap();
    // Decisions take their pairs off the review at once, before any scan.
    let decided = listed(&o).await;
    assert!(!decided
        .iter()
        .any(|(x, y, _)| [*x, *y].contains(&b) || (*x, *y) == (c.min(d), c.max(d))));
    match scan_now(&o.cx, "a").await.unwrap() {
        Scanned::Persons { persons, .. } => assert!((4..=6).contains(&persons), "{persons}"),
        other => panic!("scored the changed persons alone: {other:?}"),
    }
    let kept = listed(&o).await;
    assert!(
        kept.iter().any(|(x, y, _)| *x == late || *y == late),
        "the new record has pairs"
    );
    // The whole registry scored again by the same finder.
    let finder = crate::duplicates::scan::finder_for_scan(&o.cx)
        .await
        .unwrap();
    let records = o.cx.store.duplicate_records(None).await.unwrap();
    let mut whole: Vec<(i64, i64, u64)> = finder
        .review_pairs(&records, 1)
        .into_iter()
        .map(|(i, j, s)| {
            let (x, y): (i64, i64) = (
                records[i].id.parse().unwrap(),
                records[j].id.parse().unwrap(),
            );
            (x.min(y), x.max(y), s.score.to_bits())
        })
        .filter(|(x, y, _)| (*x, *y) != (c.min(d), c.max(d)))
        .collect();
    whole.sort_unstable();
    assert_eq!(kept, whole);
    assert_eq!(scan_now(&o.cx, "a").await.unwrap(), Scanned::Unchanged);
}

/// Instances on one database looking for work at once: one scans, the others find it
/// claimed (or, after it, nothing to do); none scores twice.
#[tokio::test]
async fn the_scan_runs_on_one_instance_at_a_time() {
    use crate::duplicates::scan::{scan, Scanned};
    let o = Office::new().await;
    o.residents(REJASARI, 12, 1).await;
    let areas = o.cx.areas.clone();
    let settings = || crate::Settings::new(areas.regency("32.79").expect("region"));
    let (b, c) = (
        o.db.office(areas.clone(), settings()),
        o.db.office(areas.clone(), settings()),
    );
    let (x, y, z) = tokio::join!(scan(&o.cx, "a"), scan(&b, "b"), scan(&c, "c"));
    let done = [x.unwrap(), y.unwrap(), z.unwrap()];
    assert_eq!(
        done.iter()
            .filter(|d| matches!(d, Scanned::Whole { .. }))
            .count(),
        1,
        "{done:?}"
    );
    assert!(done.iter().all(|d| matches!(
        d,
        Scanned::Whole { .. } | Scanned::Busy | Scanned::Unchanged
    )));
    // A claim held by an instance that is still running keeps the others out.
    assert!(o
        .cx
        .store
        .job_claim("duplicates", "dead", "9999")
        .await
        .unwrap());
    o.residents(REJASARI, 1, 2).await;
    assert_eq!(scan(&b, "b").await.unwrap(), Scanned::Busy);
    o.cx.store.job_release("duplicates", "dead").await.unwrap();
    assert!(matches!(
        scan(&b, "b").await.unwrap(),
        Scanned::Persons { persons: 1, .. }
    ));
}

/// A person who moved to another kecamatan after the scan stored their pair: until the
/// scan looks again the pair shows in neither kecamatan's review (the stored area chose
/// it, the person as they are now decides).
#[tokio::test]
async fn a_pair_whose_person_moved_since_the_scan_shows_in_no_other_area() {
    let o = Office::new().await;
    let cx = &o.cx;
    let mut ids = Vec::new();
    for nik in ["3279045708920003", "3279045708920011"] {
        ids.push(resident(&o, nik, "Siti Aminah", "P", "1992-08-17").await);
    }
    crate::duplicates::scan::scan_now(cx, "test").await.unwrap();
    let total = |c| async move {
        let page = crate::duplicates::review(cx, c, crate::Paging::new(None, None))
            .await
            .unwrap()
            .page;
        page.items.len()
    };
    assert_eq!(
        total(&o.field).await,
        1,
        "Langensari's pendamping sees the pair"
    );
    let moved = serde_json::from_value(json!({ "village_code": BINANGUN })).unwrap();
    crate::persons::update(cx, &o.operator, ids[1], &moved)
        .await
        .unwrap();
    assert_eq!(
        total(&o.field).await,
        0,
        "one of them lives in Pataruman now"
    );
    assert_eq!(total(&o.other).await, 0, "the other still in Langensari");
}
