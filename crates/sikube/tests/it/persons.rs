//! The registry of persons through the API and the pages, with area scoping and masking.
use crate::common;

use common::{hidden, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn siti() -> Value {
    json!({
        "nik": "3279045708920003", "kk_number": "3279040101100001", "name": "Siti Aminah",
        "sex": "P", "birth_date": "1992-08-17", "village_code": "32.79.04.2002",
        "rt": "3", "rw": "5", "categories": ["wrse", "fakir_miskin"], "dtks_registered": true
    })
}

fn budi_pataruman() -> Value {
    json!({
        "nik": "3279021203750004", "name": "Budi Santoso", "sex": "L",
        "birth_date": "1975-03-12", "village_code": "32.79.02.1002", "categories": ["fakir_miskin"]
    })
}

#[tokio::test]
async fn create_read_and_duplicate_nik() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = app.post(&op, "/api/v1/persons", siti()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["nik"], "3279045708920003");
    assert_eq!(p["rt"], "003");
    assert_eq!(p["categories"], json!(["fakir_miskin", "wrse"]));
    assert_eq!(p["village_name"], "Rejasari");
    assert_eq!(p["district_code"], "32.79.04");
    assert!(p["id"].as_i64().unwrap() > 0);
    // The list carries the categories too (read in the list's own statement), sorted.
    let list: Value = app.get_json(&op, "/api/v1/persons?q=siti").await;
    assert_eq!(
        list["items"][0]["categories"],
        json!(["fakir_miskin", "wrse"])
    );

    let mut again = siti();
    again["name"] = json!("Orang Lain");
    let r = app.post(&op, "/api/v1/persons", again).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["fields"]["nik"], "NIK sudah terdaftar");

    // Masked for the auditor and the pendamping, full for operator.
    let id = p["id"].as_i64().unwrap();
    let aud = app.token("auditor").await;
    let seen: Value = app.get_json(&aud, &format!("/api/v1/persons/{id}")).await;
    assert_eq!(seen["nik"], "3279••••••••••••");
    assert_eq!(seen["kk_number"], "3279••••••••••••");
    let pl = app.token("p.langensari").await;
    let seen: Value = app.get_json(&pl, &format!("/api/v1/persons/{id}")).await;
    assert_eq!(seen["nik"], "3279••••••••••••");
    // ... also in the audit trail.
    let audit: Value = app.get_json(&aud, "/api/v1/audit?entity=person").await;
    assert!(!audit.to_string().contains("3279045708920003"));
    let admin = app.token("admin").await;
    let audit: Value = app.get_json(&admin, "/api/v1/audit?entity=person").await;
    assert_eq!(audit["items"][0]["after"]["nik"], "3279045708920003");
    // Auditors change nothing.
    let r = app
        .patch(&aud, &format!("/api/v1/persons/{id}"), json!({"name": "X"}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn nik_rules_and_mismatches_are_422_with_fields() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let cases = [
        ("3279041713800012", "Bulan lahir pada NIK harus 01–12"),
        (
            "3279043205800012",
            "Tanggal lahir pada NIK harus 01–31 (laki-laki) atau 41–71 (perempuan)",
        ),
        ("3279041705800000", "Nomor urut NIK tidak boleh 0000"),
        (
            "9979041705800012",
            "Kode provinsi 99 pada NIK tidak dikenal",
        ),
    ];
    for (nik, msg) in cases {
        let mut b = siti();
        b["nik"] = json!(nik);
        let r = app.post(&op, "/api/v1/persons", b).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{nik}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["fields"]["nik"], msg, "{nik}");
    }
    let mut b = siti();
    b["sex"] = json!("L");
    b["birth_date"] = json!("1992-08-18");
    let r = app.post(&op, "/api/v1/persons", b).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["sex"],
        "Jenis kelamin tidak sesuai dengan NIK"
    );
    assert!(e["error"]["fields"]["birth_date"]
        .as_str()
        .unwrap()
        .contains("1992-08-17"));
    // Nothing was written.
    let list: Value = app.get_json(&op, "/api/v1/persons").await;
    assert_eq!(list["total"], 0);

    // The decoder.
    let d: Value = app.get_json(&op, "/api/v1/nik/3279045708920003").await;
    assert_eq!(
        d,
        json!({"valid": true, "reason": null, "sex": "P", "birth_date": "1992-08-17",
        "province_code": "32", "regency_code": "32.79", "district_code": "32.79.04"})
    );
    let d: Value = reqwest::Client::new()
        .get(app.url("/api/v1/nik/3279041713800012"))
        .bearer_auth(&op)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["valid"], false);
    assert_eq!(d["reason"], "Birth month in the NIK must be 01–12");
    app.stop().await;
}

#[tokio::test]
async fn pendamping_is_confined_to_their_kecamatan() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let pataruman: Value = app
        .post(&op, "/api/v1/persons", budi_pataruman())
        .await
        .json()
        .await
        .unwrap();
    let langensari: Value = app
        .post(&op, "/api/v1/persons", siti())
        .await
        .json()
        .await
        .unwrap();
    let pid = pataruman["id"].as_i64().unwrap();

    let pl = app.token("p.langensari").await;
    assert_eq!(
        app.get(&pl, &format!("/api/v1/persons/{pid}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = app
        .patch(
            &pl,
            &format!("/api/v1/persons/{pid}"),
            json!({"name": "Diubah"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list: Value = app.get_json(&pl, "/api/v1/persons").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], langensari["id"]);
    // Even asking for Pataruman explicitly gives nothing.
    let list: Value = app
        .get_json(&pl, "/api/v1/persons?district_code=32.79.02")
        .await;
    assert_eq!(list["total"], 0);
    // Registering someone in Pataruman is refused.
    let mut b = budi_pataruman();
    b["nik"] = json!("3279021203750005");
    let r = app.post(&pl, "/api/v1/persons", b).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["village_code"],
        "Di luar kecamatan tugas Anda"
    );
    // The page too.
    let b = app.browser_login("p.langensari").await;
    let r = b
        .get(app.url(&format!("/persons/{pid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = b
        .get(app.url(&format!("/persons/{pid}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The other pendamping sees Budi; the data was not changed.
    let pp = app.token("p.pataruman").await;
    let seen: Value = app.get_json(&pp, &format!("/api/v1/persons/{pid}")).await;
    assert_eq!(seen["name"], "Budi Santoso");
    app.stop().await;
}

#[tokio::test]
async fn possible_duplicates_warn_before_saving() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    assert_eq!(
        app.post(&op, "/api/v1/persons", siti()).await.status(),
        StatusCode::CREATED
    );
    // Same birth date, a typo in the name, another NIK (serial differs).
    let mut b = siti();
    b["nik"] = json!("3279045708920004");
    b["name"] = json!("SITI AMINAH ");
    b["kk_number"] = Value::Null;
    let r = app.post(&op, "/api/v1/persons", b.clone()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["name"]
        .as_str()
        .unwrap()
        .contains("Siti Aminah"));
    b["name"] = json!("Siti Aminnah");
    assert_eq!(
        app.post(&op, "/api/v1/persons", b.clone()).await.status(),
        StatusCode::CONFLICT
    );
    b["confirm_duplicate"] = json!(true);
    assert_eq!(
        app.post(&op, "/api/v1/persons", b).await.status(),
        StatusCode::CREATED
    );
    // A different name on the same date is no warning.
    let mut c = siti();
    c["nik"] = json!("3279045708920005");
    c["name"] = json!("Rina Marlina");
    c["kk_number"] = Value::Null;
    assert_eq!(
        app.post(&op, "/api/v1/persons", c).await.status(),
        StatusCode::CREATED
    );
    app.stop().await;
}

#[tokio::test]
async fn patch_changes_only_given_fields_and_is_audited() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let p: Value = app
        .post(&op, "/api/v1/persons", siti())
        .await
        .json()
        .await
        .unwrap();
    let id = p["id"].as_i64().unwrap();
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{id}"),
            json!({"phone": "0812-3456-7890", "categories": ["wrse"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["phone"], "0812-3456-7890");
    assert_eq!(u["categories"], json!(["wrse"]));
    assert_eq!(u["name"], "Siti Aminah");
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{id}"),
            json!({"birth_date": "2099-01-01"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let admin = app.token("admin").await;
    let audit: Value = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=person&entity_id={id}"),
        )
        .await;
    assert_eq!(audit["total"], 2);
    assert_eq!(
        audit["items"][0]["before"]["categories"],
        json!(["fakir_miskin", "wrse"])
    );
    assert_eq!(audit["items"][0]["after"]["categories"], json!(["wrse"]));
    app.stop().await;
}

#[tokio::test]
async fn person_form_creates_and_search_finds() {
    let app = TestApp::spawn().await;
    let b = app.browser_login("operator").await;
    let form = app.page(&b, "/persons/new").await;
    let csrf = hidden(&form, "_csrf");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("nik", "3279045708920003"),
        ("name", "Siti Aminah"),
        ("sex", "L"),
        ("birth_date", "1992-08-17"),
        ("village_code", "32.79.04.2002"),
        ("categories", "wrse"),
    ];
    let r = b
        .post(app.url("/persons"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"error-sex\""),
        "sex error shown by its field"
    );
    assert!(html.contains("value=\"Siti Aminah\""), "input kept");
    let mut ok = fields.to_vec();
    ok[3] = ("sex", "P");
    let r = b.post(app.url("/persons")).form(&ok).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let detail = app.page(&b, &loc).await;
    assert!(detail.contains("Siti Aminah terdaftar."));
    assert!(detail.contains("3279045708920003"));
    let list = app.page(&b, "/persons?q=amin").await;
    assert!(list.contains("Siti Aminah"));
    let list = app.page(&b, "/persons?q=327904").await;
    assert!(list.contains("Siti Aminah"));
    let list = app.page(&b, "/persons?q=budi").await;
    assert!(list.contains("Belum ada data."));
    // The NIK hint fragment for htmx: what the NIK encodes (day first, and as data the
    // form fills sex and birth date from), typed with spaces or dots too.
    let hint = app
        .page(&b, "/persons/nik-hint?nik=3279%200457%200892%200009")
        .await;
    assert!(hint.contains("Perempuan, 17-08-1992"), "{hint}");
    assert!(
        hint.contains(r#"data-sex="P" data-birth="17-08-1992""#),
        "{hint}"
    );
    // A NIK already registered says so before the save, with the person's page.
    let id = loc.trim_start_matches("/persons/");
    let hint = app
        .page(&b, "/persons/nik-hint?nik=3279.0457.0892.0003")
        .await;
    assert!(
        hint.contains("NIK ini sudah terdaftar atas nama")
            && hint.contains(&format!(r#"<a href="/persons/{id}">Siti Aminah</a>"#)),
        "{hint}"
    );
    // Another kecamatan's pendamping learns only that it is registered — a counted,
    // audited look-up; the auditor registers nobody and is told only what the NIK encodes.
    let other = app.browser_login("p.pataruman").await;
    let hint = app
        .page(&other, "/persons/nik-hint?nik=3279045708920003")
        .await;
    assert!(
        hint.contains("sudah terdaftar, di luar wilayah Anda"),
        "{hint}"
    );
    assert!(!hint.contains("Siti"));
    let aud = app.token("auditor").await;
    let looked: Value = app
        .get_json(&aud, "/api/v1/audit?action=nik_lookup&limit=10")
        .await;
    assert!(looked["total"].as_i64().unwrap() >= 1, "{looked}");
    let auditor = app.browser_login("auditor").await;
    let hint = app
        .page(&auditor, "/persons/nik-hint?nik=3279045708920003")
        .await;
    assert!(hint.contains("Perempuan, 17-08-1992") && !hint.contains("terdaftar"));
    app.stop().await;
}

#[tokio::test]
async fn search_finds_names_by_their_start_any_word_and_spelling_variant() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    for (nik, name, birth) in [
        ("3279045708920003", "Siti Aminah", "1992-08-17"),
        ("3279045808930004", "Aminah Rahayu", "1993-08-18"),
        ("3279045908940005", "Tjitjih Soekarno", "1994-08-19"),
    ] {
        let r = app
            .post(
                &op,
                "/api/v1/persons",
                json!({"nik": nik, "name": name, "sex": "P", "birth_date": birth,
                "village_code": "32.79.04.2002", "confirm_duplicate": true}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let names = |q: &'static str| {
        let app = &app;
        let op = op.clone();
        async move {
            let v: Value = app.get_json(&op, &format!("/api/v1/persons?q={q}")).await;
            let mut n: Vec<String> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            n.sort();
            n
        }
    };
    assert_eq!(
        names("siti+am").await,
        ["Siti Aminah"],
        "a name from its start"
    );
    assert_eq!(
        names("AMINAH").await,
        ["Aminah Rahayu", "Siti Aminah"],
        "any word"
    );
    assert_eq!(names("sukarno").await, ["Tjitjih Soekarno"], "old spelling");
    assert_eq!(names("cicih").await, ["Tjitjih Soekarno"], "tj written c");
    assert_eq!(
        names("aminah+siti").await,
        ["Siti Aminah"],
        "words in another order"
    );
    assert_eq!(names("327904570892").await, ["Siti Aminah"], "NIK start");
    assert!(names("budi").await.is_empty());
    // A renamed person is found by the new name only.
    let all: Value = app.get_json(&op, "/api/v1/persons?q=rahayu").await;
    let id = all["items"][0]["id"].as_i64().unwrap();
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{id}"),
            json!({"name": "Aminah Lestari"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(names("rahayu").await.is_empty());
    assert_eq!(names("lestari").await, ["Aminah Lestari"]);
    // A page and the count of every match come together; past the last page the
    // page is empty and the count still right.
    for (qs, items) in [
        ("q=aminah&limit=1", 1),
        ("q=aminah&limit=1&offset=1", 1),
        ("q=aminah&limit=1&offset=5", 0),
    ] {
        let v: Value = app.get_json(&op, &format!("/api/v1/persons?{qs}")).await;
        assert_eq!(v["total"], 2, "{qs}");
        assert_eq!(v["items"].as_array().unwrap().len(), items, "{qs}");
    }
    app.stop().await;
}
