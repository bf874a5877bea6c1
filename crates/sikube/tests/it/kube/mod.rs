//! KUBE and their members through the API and the pages.
use crate::common;

use common::{hidden, kube_body, persons_in, TestApp, PATARUMAN, REJASARI, WARINGINSARI};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

mod pages;

#[tokio::test]
async fn forming_a_kube_checks_every_membership_rule() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let mut ids = persons_in(&app, &op, REJASARI, 8, 1).await;
    ids.extend(persons_in(&app, &op, WARINGINSARI, 2, 2).await);
    let other = persons_in(&app, &op, PATARUMAN, 1, 3).await;

    // Four members: too few.
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Empat", REJASARI, &ids[..4]),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["members"],
        "KUBE minimal 5 anggota (sekarang 4)"
    );

    // Two ketua.
    let mut b = kube_body("KUBE Dua Ketua", REJASARI, &ids[..6]);
    b["members"][4]["role"] = json!("ketua");
    let r = app.post(&op, "/api/v1/kube", b).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["members.ketua"],
        "Hanya boleh satu ketua"
    );

    // A member from another kecamatan (Pataruman) for a Langensari KUBE.
    let mut m = ids[..5].to_vec();
    m.push(other[0]);
    let r = app
        .post(&op, "/api/v1/kube", kube_body("KUBE Campur", REJASARI, &m))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["members"]
        .as_str()
        .unwrap()
        .starts_with("Anggota harus tinggal di kecamatan yang sama"));

    // Members from two villages of the same kecamatan are fine.
    let mut m = ids[..4].to_vec();
    m.extend(&ids[8..10]);
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Mekar Jaya", REJASARI, &m),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let k: Value = r.json().await.unwrap();
    assert_eq!(k["registration_number"], "KUBE-3279-2012-0001");
    assert_eq!(k["member_count"], 6);
    assert_eq!(k["members"][0]["role"], "ketua");
    assert_eq!(k["health"]["status"], "belum_dinilai");

    // A person already in an active KUBE: 409 naming it.
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body(
                "KUBE Kedua",
                REJASARI,
                &[ids[0], ids[4], ids[5], ids[6], ids[7]],
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["fields"]["members"]
        .as_str()
        .unwrap()
        .contains("KUBE Mekar Jaya (KUBE-3279-2012-0001)"));

    // Bad fields are named; nothing was written by the failures.
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            json!({"name": "", "business_type": "unicorn", "village_code": "32.07.01.1001",
            "formed_on": "2999-01-01", "funding_source": "cash", "members": []}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    for f in [
        "name",
        "business_type",
        "village_code",
        "formed_on",
        "funding_source",
    ] {
        assert!(e["error"]["fields"][f].is_string(), "{f}: {e}");
    }
    let list: Value = app.get_json(&op, "/api/v1/kube").await;
    assert_eq!(list["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn members_join_leave_and_history_is_kept() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 8, 4).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Sauyunan", REJASARI, &ids[..5]),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = k["id"].as_i64().unwrap();

    // Leaving below five is refused with a clear message.
    let r = Client::new()
        .delete(app.url(&format!(
            "/api/v1/kube/{id}/members/{}?reason=pindah",
            ids[4]
        )))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("kurang dari 5"));

    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{id}/members"),
            json!({"person_id": ids[5]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // A second bendahara is refused.
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{id}/members"),
            json!({"person_id": ids[6], "role": "bendahara"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Without a reason: 422; with it the member leaves and stays in the history.
    let r = Client::new()
        .delete(app.url(&format!("/api/v1/kube/{id}/members/{}", ids[4])))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = Client::new()
        .delete(app.url(&format!("/api/v1/kube/{id}/members/{}", ids[4])))
        .bearer_auth(&op)
        .json(&json!({"reason": "pindah domisili"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let k: Value = r.json().await.unwrap();
    assert_eq!(k["member_count"], 5);
    let left = k["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person_id"] == ids[4])
        .unwrap()
        .clone();
    assert_eq!(left["left_reason"], "pindah domisili");
    assert!(left["left_on"].is_string());
    // Who left can join another KUBE.
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body(
                "KUBE Baru",
                REJASARI,
                &[ids[4], ids[6], ids[7], ids[2], ids[3]],
            ),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "ids[2] and [3] are still in the first KUBE"
    );

    // Role change: the new ketua's predecessor becomes anggota.
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{id}/members/{}", ids[5]),
            json!({"role": "ketua"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let k: Value = r.json().await.unwrap();
    let role_of = |pid: i64| {
        k["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["person_id"] == pid)
            .unwrap()["role"]
            .clone()
    };
    assert_eq!(role_of(ids[5]), "ketua");
    assert_eq!(role_of(ids[0]), "anggota");

    // Audit of the group.
    let admin = app.token("admin").await;
    let a: Value = app
        .get_json(&admin, &format!("/api/v1/audit?entity=kube&entity_id={id}"))
        .await;
    let actions: Vec<&str> = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["set_role", "remove_member", "add_member", "create"]
    );
    app.stop().await;
}

#[tokio::test]
async fn list_filters_search_and_scope() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let a = persons_in(&app, &op, REJASARI, 5, 5).await;
    let b = persons_in(&app, &op, PATARUMAN, 5, 6).await;
    let ka: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Langen Makmur", REJASARI, &a),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut bb = kube_body("KUBE Pataruman Sejahtera", PATARUMAN, &b);
    bb["business_type"] = json!("warungan");
    bb["funding_source"] = json!("apbn");
    bb["formed_on"] = json!("2010-02-01");
    let kb: Value = app
        .post(&op, "/api/v1/kube", bb)
        .await
        .json()
        .await
        .unwrap();

    let get = |q: &'static str| {
        let op = op.clone();
        let app = &app;
        async move {
            app.get(&op, &format!("/api/v1/kube?{q}"))
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(get("business_type=warungan").await["total"], 1);
    assert_eq!(get("funding_source=apbn").await["items"][0]["id"], kb["id"]);
    assert_eq!(get("year=2012").await["items"][0]["id"], ka["id"]);
    assert_eq!(get("district_code=32.79.04").await["total"], 1);
    assert_eq!(get("status=belum_dinilai").await["total"], 2);
    assert_eq!(get("q=makmur").await["total"], 1);
    assert_eq!(get("q=KUBE-3279-2010").await["items"][0]["id"], kb["id"]);
    // A member's name and NIK find the group.
    let member: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", b[2]))
        .await;
    let name = member["name"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .replace(' ', "%20");
    assert_eq!(
        get(Box::leak(format!("q={name}").into_boxed_str())).await["items"][0]["id"],
        kb["id"]
    );
    let nik = member["nik"].as_str().unwrap().to_string();
    assert_eq!(
        get(Box::leak(format!("q={nik}").into_boxed_str())).await["items"][0]["id"],
        kb["id"]
    );
    assert_eq!(
        app.get(&op, "/api/v1/kube?year=abc").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The pendamping of Langensari sees only its KUBE; Pataruman's is 404 for read and write.
    let pl = app.token("p.langensari").await;
    let list: Value = app.get_json(&pl, "/api/v1/kube").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], ka["id"]);
    let kb_id = kb["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&pl, &format!("/api/v1/kube/{kb_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.patch(&pl, &format!("/api/v1/kube/{kb_id}"), json!({"name": "x"}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = app
        .post(
            &pl,
            &format!("/api/v1/kube/{kb_id}/members"),
            json!({"person_id": a[0]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let b_page = app.browser_login("p.langensari").await;
    assert_eq!(
        b_page
            .get(app.url(&format!("/kube/{kb_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Business types.
    let bt: Value = app.get_json(&op, "/api/v1/business-types").await;
    let codes: Vec<&str> = bt
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert!(codes.starts_with(&["ternak_kambing", "makanan_olahan", "warungan"]));
    assert!(codes.contains(&"perikanan"));
    // The list is configurable by an admin (not by an operator).
    let r = app
        .post(
            &op,
            "/api/v1/business-types",
            json!({"code": "budidaya_lele", "name": "Budidaya lele"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = app.token("admin").await;
    let r = app
        .post(
            &admin,
            "/api/v1/business-types",
            json!({"code": "Budidaya Lele!", "name": ""}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &admin,
            "/api/v1/business-types",
            json!({"code": "budidaya_lele", "name": "Budidaya lele", "name_en": "Catfish farming"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut body = kube_body("KUBE Lele", REJASARI, &a);
    body["business_type"] = json!("budidaya_lele");
    let r = app.post(&op, "/api/v1/kube", body).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "members already in a KUBE, but the business type was accepted"
    );
    app.stop().await;
}

#[tokio::test]
async fn patch_assigns_pendamping_and_dissolving_frees_members() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 7).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Harapan", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = k["id"].as_i64().unwrap();
    let (langensari, pataruman) = (
        app.user_id("p.langensari").await,
        app.user_id("p.pataruman").await,
    );
    // A pendamping of Pataruman cannot be assigned to a Langensari KUBE.
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{id}"),
            json!({"pendamping_id": pataruman}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{id}"),
            json!({"pendamping_id": langensari, "name": "KUBE Harapan Jaya"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let k: Value = r.json().await.unwrap();
    assert_eq!(k["pendamping"], "p.langensari");
    assert_eq!(k["name"], "KUBE Harapan Jaya");
    assert_eq!(k["registration_number"], "KUBE-3279-2012-0001");
    // Moving to another kecamatan is refused: the members live here.
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{id}"),
            json!({"village_code": PATARUMAN}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Dissolving ends the memberships: the persons can form a new group.
    let r = app
        .patch(
            &op,
            &format!("/api/v1/kube/{id}"),
            json!({"stage": "bubar"}),
        )
        .await;
    let k: Value = r.json().await.unwrap();
    assert_eq!(k["status"], "bubar");
    assert_eq!(k["member_count"], 0);
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Bangkit", REJASARI, &ids),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let k2: Value = r.json().await.unwrap();
    assert_eq!(k2["registration_number"], "KUBE-3279-2012-0002");
    app.stop().await;
}

/// The regulation's membership rules: a KUBE that breaks one is not formed (422 naming
/// the rule and the person) and takes no such member, unless an officer records an
/// exception with its reason — shown on the KUBE's page and in the audit trail; a
/// pendamping cannot; unknown facts only warn.
#[tokio::test]
async fn membership_rules_refuse_by_name_and_officers_record_exceptions() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 31).await;
    // A child of the kecamatan, a police officer, and a second of one family card.
    let mk = |nik: &str, name: &str, birth: &str, extra: Value| {
        let mut body = json!({"nik": nik, "name": name, "sex": "L", "birth_date": birth,
            "village_code": REJASARI, "confirm_duplicate": true});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let child: Value = app
        .post(
            &op,
            "/api/v1/persons",
            mk("3279040101190001", "Anak Kecil", "2019-01-01", json!({})),
        )
        .await
        .json()
        .await
        .unwrap();
    let police: Value = app
        .post(
            &op,
            "/api/v1/persons",
            mk(
                "3279040101800002",
                "Pak Polisi",
                "1980-01-01",
                json!({"occupation": "polri", "household_role": "kepala_keluarga"}),
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(police["occupation"], "polri");
    let members = |extra: &[i64]| -> Vec<Value> {
        let roles = ["ketua", "sekretaris", "bendahara"];
        ids[..5]
            .iter()
            .chain(extra)
            .enumerate()
            .map(|(i, id)| json!({"person_id": id, "role": roles.get(i).copied().unwrap_or("anggota")}))
            .collect()
    };
    let body = |m: Vec<Value>| {
        json!({"name": "KUBE Aturan", "business_type": "ternak_kambing", "village_code": REJASARI,
            "formed_on": "2026-11-01", "funding_source": "apbd_kota", "members": m})
    };
    let child_id = child["id"].as_i64().unwrap();
    let police_id = police["id"].as_i64().unwrap();
    let r = app
        .post(&op, "/api/v1/kube", body(members(&[child_id, police_id])))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    let said = |id: i64| {
        e["error"]["fields"][format!("member.{id}")]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        said(child_id).contains("Usia produktif: Umur ")
            && said(child_id).contains(" tahun di luar usia produktif 18–59 tahun"),
        "{e}"
    );
    assert!(said(police_id).contains("Bukan PNS, TNI atau Polri"), "{e}");
    // Nothing formed.
    let list = app.get_json(&op, "/api/v1/kube?q=Aturan").await;
    assert_eq!(list["total"], 0);
    // A pendamping may not override.
    let field = app.token("p.langensari").await;
    let mut m = members(&[police_id]);
    m[5]["exceptions"] = json!([{"person_id": police_id, "reason": "Sudah pensiun bulan lalu"}]);
    let r = app.post(&field, "/api/v1/kube", body(m.clone())).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The operator may, with a reason: formed, the exception recorded.
    let r = app.post(&op, "/api/v1/kube", body(m)).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let k: Value = r.json().await.unwrap();
    let kid = k["id"].as_i64().unwrap();
    let st = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/membership"))
        .await;
    assert_eq!(st["exceptions"][0]["rule"], "occupation", "{st}");
    assert_eq!(st["exceptions"][0]["reason"], "Sudah pensiun bulan lalu");
    assert_eq!(st["exceptions"][0]["by"], "operator");
    assert!(st["breaking"].as_array().unwrap().is_empty(), "{st}");
    // The rest only warn: no household role or occupation recorded, no DTSEN yet.
    assert!(st["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["rule"] == "dtsen_listed"));
    let b = app.browser_login("auditor").await;
    let page = app.page(&b, &format!("/kube/{kid}")).await;
    assert!(
        page.contains("id=\"member-exceptions\"") && page.contains("«Sudah pensiun bulan lalu»"),
        "{page}"
    );
    let admin = app.token("admin").await;
    let audit = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=kube&entity_id={kid}&action=exception"),
        )
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    // A new member is judged beside the members: the child is refused.
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/members"),
            json!({"person_id": child_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // One member per family card: a second of a member's card is refused.
    let card = "3279040101100001";
    let r = app
        .patch(
            &op,
            &format!("/api/v1/persons/{}", ids[0]),
            json!({"kk_number": card}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let sibling: Value = app
        .post(
            &op,
            "/api/v1/persons",
            mk(
                "3279040101850003",
                "Adik Ketua",
                "1985-01-01",
                json!({"kk_number": card}),
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/members"),
            json!({"person_id": sibling["id"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e.to_string().contains("Satu anggota per kartu keluarga"),
        "{e}"
    );
    // On the group's page: refused beside the chosen person; with an officer's reason
    // typed in the form, the sibling joins and the exception is shown.
    let b = app.browser_login("operator").await;
    let detail = app.page(&b, &format!("/kube/{kid}?member_q=Adik")).await;
    assert!(detail.contains("name=\"member_exception\""), "{detail}");
    let csrf = hidden(&detail, "_csrf");
    let sibling_id = sibling["id"].as_i64().unwrap().to_string();
    let r = b
        .post(app.url(&format!("/kube/{kid}/members")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("person_id", &sibling_id),
            ("role", "anggota"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Satu anggota per kartu keluarga"));
    let r = b
        .post(app.url(&format!("/kube/{kid}/members")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("person_id", &sibling_id),
            ("role", "anggota"),
            (
                "member_exception",
                "Adik ketua mengurus usaha sendiri, disetujui musyawarah",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let detail = app.page(&b, &format!("/kube/{kid}")).await;
    assert!(
        detail.contains("Adik ketua mengurus usaha sendiri, disetujui musyawarah"),
        "{detail}"
    );
    app.stop().await;
}

/// The form: a row whose person breaks a rule is refused beside the row, and an
/// officer's reason typed there forms the group with the exception.
#[tokio::test]
async fn the_kube_form_says_which_row_breaks_a_rule_and_takes_a_reason() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 4, 33).await;
    let child: Value = app
        .post(&op, "/api/v1/persons", json!({"nik": "3279044101200004", "name": "Anak Kedua",
            "sex": "P", "birth_date": "2020-01-01", "village_code": REJASARI, "confirm_duplicate": true}))
        .await
        .json()
        .await
        .unwrap();
    let b = app.browser_login("operator").await;
    let page = app
        .page(&b, &format!("/kube/new?village_code={REJASARI}"))
        .await;
    let csrf = hidden(&page, "_csrf");
    let send = |reason: &str| {
        let mut f: Vec<(String, String)> = vec![
            ("_csrf".into(), csrf.clone()),
            ("name".into(), "KUBE Formulir Aturan".into()),
            ("business_type".into(), "ternak_kambing".into()),
            ("village_code".into(), REJASARI.into()),
            ("formed_on".into(), "01-11-2026".into()),
            ("funding_source".into(), "apbd_kota".into()),
        ];
        let roles = ["ketua", "sekretaris", "bendahara", "anggota", "anggota"];
        for (i, id) in ids
            .iter()
            .chain([&child["id"].as_i64().unwrap()])
            .enumerate()
        {
            f.push(("member_person".into(), id.to_string()));
            f.push(("member_role".into(), roles[i].into()));
            f.push((
                "member_exception".into(),
                if i == 4 { reason.into() } else { String::new() },
            ));
        }
        b.post(app.url("/kube")).form(&f).send()
    };
    let r = send("").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = r.text().await.unwrap();
    assert!(again.contains("id=\"error-member_row_5\""), "{again}");
    assert!(
        again.contains(" tahun di luar usia produktif 18–59 tahun"),
        "{again}"
    );
    assert!(
        again.contains("name=\"member_exception\" value=\"\" class=\"exception\""),
        "the reason field beside the row"
    );
    let r = send("Yatim, menggantikan almarhum ayahnya sebagai pencari nafkah")
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    app.stop().await;
}

/// Members from before a rule (or a narrower bound) are listed for the office, by
/// kecamatan, and never changed; an exception takes them off the list.
#[tokio::test]
async fn members_breaking_a_rule_from_earlier_data_are_listed_not_changed() {
    // An office that once took members up to 65; now the regulation's 59.
    let wide = TestApp::spawn_with(|s| s.membership.max_age = 70).await;
    let op = wide.token("operator").await;
    let ids = persons_in(&wide, &op, REJASARI, 5, 35).await;
    let old: Value = wide
        .post(&op, "/api/v1/persons", json!({"nik": "3279040101620005", "name": "Pak Sepuh",
            "sex": "L", "birth_date": "1962-01-01", "village_code": REJASARI, "confirm_duplicate": true}))
        .await
        .json()
        .await
        .unwrap();
    let old_id = old["id"].as_i64().unwrap();
    let mut members = ids.clone();
    members.push(old_id);
    let r = wide
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Sepuh", REJASARI, &members),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    // A server on the same database under the regulation's bound: listed, the group as
    // it was.
    let app = TestApp::spawn_on(wide.db_url.clone(), |_| {}).await;
    let op = app.token("operator").await;
    let list: Value = app.get_json(&op, "/api/v1/kube/membership").await;
    assert_eq!(list["total"], 1, "{list}");
    let rows = list["items"].as_array().unwrap();
    assert_eq!(rows[0]["person_id"], old_id);
    assert_eq!(rows[0]["rule"], "working_age");
    assert_eq!(rows[0]["district_name"], "Langensari");
    let k: Value = app.get_json(&op, "/api/v1/kube?q=Sepuh").await;
    assert_eq!(k["items"][0]["member_count"], 6, "never changed");
    // The page shows it; the other kecamatan's pendamping sees none of it.
    let b = app.browser_login("operator").await;
    let page = app
        .page(&b, "/kube/membership?district_code=32.79.04")
        .await;
    assert!(
        page.contains("Pak Sepuh") && page.contains("Usia produktif"),
        "{page}"
    );
    let other = app.token("p.pataruman").await;
    let theirs: Value = app.get_json(&other, "/api/v1/kube/membership").await;
    assert_eq!(theirs["total"], 0);
    app.stop().await;
    wide.stop().await;
}
