//! Trainings: participants of the caller's area only; attendance on the event's days;
//! the summary by village keeps other kecamatan's villages from a pendamping.
use crate::tests::office::{input, Office, BINANGUN, REJASARI};
use crate::Error;
use serde_json::json;

#[tokio::test]
async fn participants_attendance_and_the_summary_stay_in_the_area() {
    let o = Office::new().await;
    let cx = &o.cx;
    let ours = o.residents(REJASARI, 2, 1).await;
    let theirs = o.residents(BINANGUN, 1, 2).await;
    let t = crate::trainings::create(
        cx,
        &o.operator,
        &input(json!({"title": "Bimtek kambing", "kind": "bimbingan_teknis", "business_type": "ternak_kambing",
            "starts_on": "2026-11-02", "ends_on": "2026-11-03", "village_code": REJASARI,
            "partner_agencies": ["Dinas Peternakan"]})),
    )
    .await
    .expect("training");
    let id = t.training.id;
    assert!(crate::trainings::partner_agencies(cx, &o.field)
        .await
        .unwrap()
        .contains(&"Dinas Peternakan".to_string()));
    let add = |c, person| async move {
        crate::trainings::add_participant(
            cx,
            c,
            id,
            &input(json!({"person_id": person, "attended": true})),
        )
        .await
    };
    // To the Langensari pendamping, a Pataruman resident is one who does not exist.
    let outside = add(&o.field, theirs[0]).await.unwrap_err();
    let missing = add(&o.field, 999_999).await.unwrap_err();
    assert!(matches!(&outside, Error::Invalid(i) if i.fields.contains_key("person_id")));
    assert_eq!(
        format!("{outside:?}").replace(&theirs[0].to_string(), "ID"),
        format!("{missing:?}").replace("999999", "ID")
    );
    add(&o.field, ours[0]).await.expect("ours");
    add(&o.operator, theirs[0])
        .await
        .expect("the office adds anyone");
    let day = |d: &str, present| input(json!({"person_id": ours[0], "day": d, "present": present}));
    let outside_days =
        crate::trainings::attendance(cx, &o.field, id, &day("2026-11-04", true), None).await;
    assert!(matches!(outside_days, Err(Error::Invalid(i)) if i.fields.contains_key("day")));
    crate::trainings::attendance(cx, &o.field, id, &day("2026-11-03", true), None)
        .await
        .unwrap();
    let present = crate::trainings::days_present(cx, &o.field, id)
        .await
        .unwrap();
    assert!(
        present.contains(&(ours[0], "2026-11-03".to_string())),
        "{present:?}"
    );
    let office = crate::trainings::summary(cx, &o.operator, id)
        .await
        .unwrap();
    assert!(
        office.iter().any(|v| v.village_code == BINANGUN),
        "{office:?}"
    );
    let field = crate::trainings::summary(cx, &o.field, id).await.unwrap();
    assert!(
        !field.iter().any(|v| v.village_code == BINANGUN),
        "{field:?}"
    );
    assert_eq!(field.iter().map(|v| v.participants).sum::<i64>(), 2);
    // The dashboard's year counts both who attended; the training is Langensari's, so
    // its pendamping's counts both too.
    for c in [&o.kabid, &o.field] {
        let d = crate::dashboard::compute(cx, c, domain::Lang::Id)
            .await
            .unwrap();
        assert_eq!((d.this_year.trainings, d.this_year.participants), (1, 2));
    }
}
