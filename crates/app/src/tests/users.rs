//! Accounts are the admin's; an admin cannot lock themselves out; ending an account's
//! sessions ends its logins.
use crate::sessions::SignedIn;
use crate::tests::office::{input, Office};
use crate::Error;
use serde_json::json;

#[tokio::test]
async fn accounts_are_made_and_changed_by_admins_only() {
    let o = Office::new().await;
    let cx = &o.cx;
    let new: crate::users::UserCreate = input(
        json!({"username": "p.banjar", "password": "Sandi-Rahasia-2026",
        "role": "pendamping", "districts": ["32.79.01"]}),
    );
    assert!(matches!(
        crate::users::create(cx, &o.operator, &new).await,
        Err(Error::Forbidden)
    ));
    let u = crate::users::create(cx, &o.admin, &new)
        .await
        .expect("account");
    assert_eq!(u.districts, vec!["32.79.01".to_string()]);
    let weak: crate::users::UserCreate = input(json!({"username": "x", "password": "123",
        "role": "pendamping", "districts": []}));
    let e = crate::users::create(cx, &o.admin, &weak).await.unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(i) if i.fields.contains_key("password") && i.fields.contains_key("districts")),
        "{e:?}"
    );
    let me = o.admin.actor.user_id.unwrap();
    let lock_out: crate::users::UserPatch = input(json!({"disabled": true}));
    assert!(crate::users::update(cx, &o.admin, me, &lock_out)
        .await
        .is_err());
    let names: Vec<_> = crate::users::pendampings(cx, &o.operator, Some("32.79.01"))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(names, vec!["p.banjar"]);
    // Ending an account's sessions: its token no longer opens anything.
    let SignedIn::Ok { token, .. } =
        crate::sessions::sign_in(cx, "p.banjar", "Sandi-Rahasia-2026", "10.0.0.1", None)
            .await
            .unwrap()
    else {
        panic!("signed in")
    };
    assert!(crate::sessions::resolve(cx, &token)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        crate::users::sessions(cx, &o.admin, u.id)
            .await
            .unwrap()
            .len(),
        1
    );
    crate::users::end_sessions(cx, &o.admin, u.id)
        .await
        .unwrap();
    assert!(crate::sessions::resolve(cx, &token)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        crate::users::get(cx, &o.kabid, u.id).await,
        Err(Error::Forbidden)
    ));
}
