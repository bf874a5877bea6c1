//! Forms as browsers send them (`web::page::Form`): a ticked checkbox sends `on`, a
//! repeated name fills a list, an empty field is no value; a body that does not fit the
//! form is a 400 and changes nothing.
use crate::common;

use common::{hidden, TestApp, REJASARI};
use reqwest::StatusCode;
use web::api::types::{ListOf, PersonOut};

#[tokio::test]
async fn forms_read_checkboxes_and_repeated_fields_and_refuse_garbled_bodies() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("operator").await;
    let csrf = hidden(&app.page(&b, "/persons/new").await, "_csrf");
    let person = [
        ("_csrf", csrf.as_str()),
        ("nik", "3279045708920003"),
        ("kk_number", ""),
        ("name", "Siti Aminah"),
        ("sex", "P"),
        ("birth_date", "1992-08-17"),
        ("village_code", REJASARI),
        ("categories", "wrse"),
        ("categories", "fakir_miskin"),
        ("dtks_registered", "on"),
        ("phone", ""),
    ];
    let r = b
        .post(app.url("/persons"))
        .form(&person)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let op = app.token("operator").await;
    let found: ListOf<PersonOut> = app.get_as(&op, "/api/v1/persons?q=Siti").await;
    let p = &found.items[0];
    assert_eq!(p.categories, ["fakir_miskin", "wrse"]);
    assert!(p.dtks_registered);
    assert_eq!(p.kk_number, None, "an empty field is no value");
    let id = p.id;
    // A tampered body: an id that is not a number, a yes/no that is neither.
    for (path, field, value) in [
        ("/persons/duplicates/distinct", "person_a", "abc"),
        (&*format!("/persons/{id}"), "dtks_registered", "mungkin"),
    ] {
        let r = b
            .post(app.url(path))
            .form(&[("_csrf", csrf.as_str()), (field, value)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    // A radio group left unticked is a field error on the form, not a refused body.
    let mut no_sex: Vec<(&str, &str)> = person
        .iter()
        .filter(|(k, _)| *k != "sex")
        .copied()
        .collect();
    no_sex[1].1 = "3279045708920011";
    let r = b
        .post(app.url("/persons"))
        .form(&no_sex)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"error-sex\""));
    let again: PersonOut = app.get_as(&op, &format!("/api/v1/persons/{id}")).await;
    assert!(again.dtks_registered, "nothing changed");
    app.stop().await;
}
