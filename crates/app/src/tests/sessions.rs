//! Signing in: every password check counts against the limits first; API tokens need the
//! current password again; a new password ends the other sessions.
use crate::sessions::{SignedIn, TokenRequest};
use crate::tests::office::Office;
use crate::Error;

const RIGHT: &str = "Sandi-Uji-Kantor-2026";

#[tokio::test]
async fn five_wrong_passwords_from_one_address_hold_back_the_sixth() {
    let o = Office::new().await;
    let cx = &o.cx;
    for _ in 0..5 {
        let r = crate::sessions::sign_in(cx, "operator", "salah", "10.0.0.9", None)
            .await
            .unwrap();
        assert!(matches!(r, SignedIn::Failed));
    }
    let held = crate::sessions::sign_in(cx, "operator", RIGHT, "10.0.0.9", None)
        .await
        .unwrap();
    assert!(matches!(held, SignedIn::Locked));
    // From another address the owner still signs in, and a planted session is ended.
    let SignedIn::Ok { token: first, .. } =
        crate::sessions::sign_in(cx, "operator", RIGHT, "10.0.0.10", None)
            .await
            .unwrap()
    else {
        panic!("signed in")
    };
    let SignedIn::Ok {
        token: second,
        user,
    } = crate::sessions::sign_in(cx, "operator", RIGHT, "10.0.0.10", Some(&first))
        .await
        .unwrap()
    else {
        panic!("signed in again")
    };
    assert_eq!(user.username, "operator");
    assert!(crate::sessions::resolve(cx, &first)
        .await
        .unwrap()
        .is_none());
    assert!(crate::sessions::resolve(cx, &second)
        .await
        .unwrap()
        .is_some());
    crate::sessions::sign_out(cx, &second).await.unwrap();
    assert!(crate::sessions::resolve(cx, &second)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn tokens_and_new_passwords_ask_for_the_current_one() {
    let o = Office::new().await;
    let cx = &o.cx;
    let c = &o.operator;
    let bad = TokenRequest {
        label: "",
        password: "salah",
        days: Some(400),
    };
    let e = crate::sessions::token_request(cx, c, bad, "10.0.0.1")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(i) if ["label", "password", "days"].iter().all(|f| i.fields.contains_key(*f))),
        "{e:?}"
    );
    let ok = TokenRequest {
        label: "SIKS-NG",
        password: RIGHT,
        days: None,
    };
    let (id, label, token) = crate::sessions::token_request(cx, c, ok, "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(label, "SIKS-NG");
    assert!(crate::sessions::resolve(cx, &token)
        .await
        .unwrap()
        .is_some());
    assert_eq!(crate::sessions::tokens(cx, c).await.unwrap()[0].id, id);
    // A new password: the current one checked, the policy applied, other sessions end.
    let e = crate::sessions::change_password(cx, c, "salah", "pendek", "10.0.0.1", 0)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(i) if i.fields.contains_key("current") && i.fields.contains_key("new"))
    );
    crate::sessions::change_password(cx, c, RIGHT, "Sandi-Baru-Kantor-2027", "10.0.0.1", 0)
        .await
        .unwrap();
    assert!(crate::sessions::resolve(cx, &token)
        .await
        .unwrap()
        .is_none());
    // A success forgets the address's failures; five wrong re-checks hold back the sixth.
    for _ in 0..5 {
        let _ = crate::sessions::is_current_password(cx, c, "salah", "10.0.0.1").await;
    }
    let held =
        crate::sessions::is_current_password(cx, c, "Sandi-Baru-Kantor-2027", "10.0.0.1").await;
    assert!(matches!(held, Err(Error::Limited(_))), "{held:?}");
}
