//! The KUBE pages: forming a group and finding members.
use super::*;

#[tokio::test]
async fn kube_pages_create_and_find_by_member() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 8).await;
    let b = app.browser_login("operator").await;
    let form = app
        .page(&b, &format!("/kube/new?village_code={REJASARI}"))
        .await;
    assert!(form.contains("member_person"));
    let csrf = hidden(&form, "_csrf");
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf.clone()),
        ("name".into(), "KUBE Lestari".into()),
        ("business_type".into(), "makanan_olahan".into()),
        ("village_code".into(), REJASARI.into()),
        ("formed_on".into(), "2011-03-01".into()),
        ("funding_source".into(), "apbd_provinsi".into()),
        ("pendamping_id".into(), "0".into()),
    ];
    // Only four chosen: the form returns with the members' message.
    for (i, id) in ids[..4].iter().enumerate() {
        fields.push(("member_person".into(), id.to_string()));
        fields.push((
            "member_role".into(),
            ["ketua", "sekretaris", "bendahara", "anggota"][i].into(),
        ));
    }
    let r = b.post(app.url("/kube")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("KUBE minimal 5 anggota"));
    // Candidates are offered once, as a list every member row's input uses; an entry
    // reads "name · age · village · NIK" (no internal id).
    assert_eq!(form.matches("<datalist").count(), 1);
    let p4: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[4]))
        .await;
    let nik4 = p4["nik"].as_str().unwrap().to_string();
    let label_end = form
        .find(&format!("NIK {nik4}\""))
        .expect("candidate in the list")
        + 4
        + nik4.len();
    let label_start = form[..label_end].rfind("value=\"").unwrap() + 7;
    let label = form[label_start..label_end].to_string();
    assert!(label.contains(" th · Rejasari · NIK "), "{label}");
    assert!(!label.contains('#'), "{label}");
    // A name typed but not picked from the list is refused and shown again.
    fields.push(("member_person".into(), "Siapa Saja".into()));
    fields.push(("member_role".into(), "anggota".into()));
    let r = b.post(app.url("/kube")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Anggota baris 5 tidak dikenal"), "{page}");
    assert!(page.contains("value=\"Siapa Saja\""));
    fields.pop();
    fields.pop();
    fields.push(("member_person".into(), label));
    fields.push(("member_role".into(), "anggota".into()));
    let r = b.post(app.url("/kube")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let detail = app.page(&b, &loc).await;
    assert!(detail.contains("KUBE-3279-2011-0001"));
    assert!(detail.contains("KUBE Lestari terdaftar"));
    // Add the sixth through the detail page form.
    let csrf = hidden(&detail, "_csrf");
    let r = b
        .post(app.url(&format!("{loc}/members")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("person_id", &ids[5].to_string()),
            ("role", "anggota"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Removing a member with the form keeps them in the history.
    let r = b
        .post(app.url(&format!("{loc}/members/{}/remove", ids[5])))
        .form(&[("_csrf", csrf.as_str()), ("reason", "meninggal dunia")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let detail = app.page(&b, &loc).await;
    assert!(detail.contains("meninggal dunia"));
    // Search by a member's name in the list page.
    let person: Value = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[3]))
        .await;
    let q = person["name"].as_str().unwrap();
    let list = b
        .get(app.url("/kube"))
        .query(&[("q", q)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("KUBE Lestari"));
    app.stop().await;
}

#[tokio::test]
async fn detail_page_finds_members_to_add_on_request() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let members = common::persons_in(&app, &op, "32.79.04.2002", 5, 3).await;
    let free = common::persons_in(&app, &op, "32.79.04.2003", 1, 4).await[0];
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            common::kube_body("KUBE Cari", "32.79.04.2002", &members),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let p: Value = app.get_json(&op, &format!("/api/v1/persons/{free}")).await;
    let name = p["name"].as_str().unwrap().to_string();
    let web = app.browser_login("operator").await;
    let page = |q: String| {
        let web = web.clone();
        let url = app.url(&format!("/kube/{id}{q}"));
        async move { web.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // Without a search the page lists nobody: a kecamatan may hold tens of thousands.
    assert!(!page(String::new())
        .await
        .contains(&format!("<option value=\"{free}\">")));
    let start = name.split_whitespace().next().unwrap().to_lowercase();
    let found = page(format!("?member_q={start}")).await;
    assert!(
        found.contains(&format!("<option value=\"{free}\">")),
        "found by name start"
    );
    let found = page(format!("?member_q={}", &p["nik"].as_str().unwrap()[..10])).await;
    assert!(
        found.contains(&format!("<option value=\"{free}\">")),
        "found by NIK start"
    );
    // A member of the KUBE is no candidate.
    assert!(!found.contains(&format!("<option value=\"{}\">", members[0])));
    app.stop().await;
}

/// Forming a KUBE as an operator types it: five rows to begin with and more on demand;
/// a member named by a unique name or by NIK; every row that names nobody, or a
/// namesake, refused at once beside its row; a pendamping's picker shows NIKs masked.
#[tokio::test]
async fn forming_a_kube_takes_names_and_niks_and_reports_every_bad_row() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 5, 9).await;
    let person = |i: usize| {
        let id = ids[i];
        let app = &app;
        let op = op.clone();
        async move { app.get_json(&op, &format!("/api/v1/persons/{id}")).await }
    };
    // Two namesakes, and one name of its own.
    for (nik, name) in [
        ("3279041203700001", "Dadang Namesake"),
        ("3279041303710002", "Dadang Namesake"),
        ("3279041403720003", "Imas Sendiri"),
    ] {
        let r = app
            .post(&op, "/api/v1/persons", json!({"nik": nik, "name": name, "sex": "L",
                "birth_date": format!("19{}-03-{}", &nik[10..12], &nik[6..8]), "village_code": REJASARI,
                "confirm_duplicate": true}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let b = app.browser_login("operator").await;
    let form = app
        .page(&b, &format!("/kube/new?village_code={REJASARI}"))
        .await;
    assert_eq!(
        form.matches("name=\"member_person\"").count(),
        5,
        "five rows to begin with"
    );
    let csrf = hidden(&form, "_csrf");
    let base: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf),
        ("name".into(), "KUBE Sauyunan".into()),
        ("business_type".into(), "makanan_olahan".into()),
        ("village_code".into(), REJASARI.into()),
        ("formed_on".into(), "2012-03-01".into()),
        ("funding_source".into(), "apbd_kota".into()),
    ];
    let with_rows = |rows: &[(&str, &str)], extra: &[(&str, &str)]| {
        let mut f = base.clone();
        for (p, r) in rows {
            f.push(("member_person".into(), p.to_string()));
            f.push(("member_role".into(), r.to_string()));
        }
        for (k, v) in extra {
            f.push((k.to_string(), v.to_string()));
        }
        f
    };
    // More rows on demand: nothing saved, five rows more.
    let r = b
        .post(app.url("/kube"))
        .form(&with_rows(&[("", "ketua"); 5], &[("more_rows", "1")]))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert_eq!(page.matches("name=\"member_person\"").count(), 10, "{page}");
    assert!(!page.contains("field-error"));
    // Every bad row at once: an unknown name (row 2), a namesake (row 4).
    let nik0 = person(0).await["nik"].as_str().unwrap().to_string();
    let spaced = format!(
        "{} {} {} {}",
        &nik0[..4],
        &nik0[4..8],
        &nik0[8..12],
        &nik0[12..]
    );
    let name1 = person(1).await["name"].as_str().unwrap().to_string();
    let bad = [
        (spaced.as_str(), "ketua"),
        ("Siapa Saja", "sekretaris"),
        (name1.as_str(), "bendahara"),
        ("dadang namesake", "anggota"),
        ("Imas Sendiri", "anggota"),
    ];
    let r = b
        .post(app.url("/kube"))
        .form(&with_rows(&bad, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(r#"id="error-member_row_2""#)
            && page.contains("Anggota baris 2 tidak dikenal"),
        "{page}"
    );
    assert!(
        page.contains(r#"id="error-member_row_4""#) && page.contains("ada lebih dari satu"),
        "{page}"
    );
    assert!(
        !page.contains(r#"id="error-member_row_1""#)
            && !page.contains(r#"id="error-member_row_3""#)
    );
    // Fixed: a NIK with spaces, a unique name in any case, the namesake picked by its label.
    let name2 = person(2).await["name"].as_str().unwrap().to_string();
    let label_of = |nik: &str| {
        let end = page
            .find(&format!("NIK {nik}\""))
            .expect("namesake offered")
            + 4
            + nik.len();
        let start = page[..end].rfind("value=\"").unwrap() + 7;
        page[start..end].to_string()
    };
    let namesake = label_of("3279041303710002");
    let good = [
        (spaced.as_str(), "ketua"),
        (name2.as_str(), "sekretaris"),
        (name1.as_str(), "bendahara"),
        (namesake.as_str(), "anggota"),
        ("IMAS SENDIRI", "anggota"),
    ];
    let r = b
        .post(app.url("/kube"))
        .form(&with_rows(&good, &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let k: Value = app.get_json(&op, &format!("/api/v1{loc}")).await;
    let mut members: Vec<&str> = k["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    members.sort();
    assert!(
        members.contains(&"Dadang Namesake") && members.contains(&"Imas Sendiri"),
        "{members:?}"
    );
    // A pendamping's picker: ages and villages, NIKs masked.
    let pb = app.browser_login("p.langensari").await;
    let form = app
        .page(&pb, &format!("/kube/new?village_code={REJASARI}"))
        .await;
    assert!(
        form.contains("Dadang Namesake · 56 th · Rejasari · NIK "),
        "{form}"
    );
    assert!(!form.contains("3279041203700001"));
    app.stop().await;
}

/// The office gives several groups to one pendamping at once, from the KUBE list: all or
/// none, each change audited; a pendamping cannot.
#[tokio::test]
async fn several_groups_given_to_a_pendamping_at_once() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let admin = app.token("admin").await;
    let (langensari, pataruman) = (
        app.user_id("p.langensari").await,
        app.user_id("p.pataruman").await,
    );
    let mut ids = Vec::new();
    for (i, name) in ["KUBE Satu", "KUBE Dua"].iter().enumerate() {
        let members = persons_in(&app, &op, REJASARI, 5, 40 + i).await;
        let k: Value = app
            .post(&op, "/api/v1/kube", kube_body(name, REJASARI, &members))
            .await
            .json()
            .await
            .unwrap();
        ids.push(k["id"].as_i64().unwrap());
    }
    // A pendamping of another kecamatan: refused, and neither group changed.
    let r = app
        .post(
            &op,
            "/api/v1/kube/assign",
            json!({"kube_ids": ids, "pendamping_id": pataruman}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for id in &ids {
        let k = app.get_json(&op, &format!("/api/v1/kube/{id}")).await;
        assert!(k["pendamping"].is_null(), "{k}");
    }
    // A pendamping may not assign.
    let field = app.token("p.langensari").await;
    let r = app
        .post(
            &field,
            "/api/v1/kube/assign",
            json!({"kube_ids": ids, "pendamping_id": langensari}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // In the browser: the list filtered to groups with no pendamping, both ticked.
    let b = app.browser_login("operator").await;
    let list = app.page(&b, "/kube?pendamping_id=0").await;
    assert!(list.contains("form=\"assign\" name=\"kube_id\""), "{list}");
    let csrf = hidden(&list, "_csrf");
    // Nothing chosen: the list again, still ticked, the reason beside the button.
    let body = |p: &str| {
        format!(
            "_csrf={csrf}&back=%2Fkube%3Fpendamping_id%3D0&kube_id={}&kube_id={}&pendamping_id={p}",
            ids[0], ids[1]
        )
    };
    let r = b
        .post(app.url("/kube/assign"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = r.text().await.unwrap();
    assert!(again.contains("id=\"error-pendamping_id\""), "{again}");
    assert!(again.contains(&format!(
        "value=\"{}\" aria-label=\"KUBE Satu\" checked",
        ids[0]
    )));
    let r = b
        .post(app.url("/kube/assign"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(&langensari.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/kube?pendamping_id=0");
    let page = app
        .page(&b, &format!("/kube?pendamping_id={langensari}"))
        .await;
    assert!(
        page.contains("Pendamping ditetapkan untuk 2 KUBE."),
        "{page}"
    );
    assert!(page.contains("KUBE Satu") && page.contains("KUBE Dua"));
    let k = app.get_json(&op, &format!("/api/v1/kube/{}", ids[0])).await;
    assert_eq!(k["pendamping"], "p.langensari", "{k}");
    let audit = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=kube&entity_id={}", ids[0]),
        )
        .await;
    assert!(audit.to_string().contains("\"assign\""), "{audit}");
    app.stop().await;
}

/// The picker asks the server as one types: by a name start, or a NIK as the role may
/// search one; nothing of another kecamatan.
#[tokio::test]
async fn the_picker_searches_on_the_server_as_the_role_may() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 3, 61).await;
    let p = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[0]))
        .await;
    let (name, nik) = (
        p["name"].as_str().unwrap().to_string(),
        p["nik"].as_str().unwrap().to_string(),
    );
    let ask = |who: &'static str, area: &'static str, q: String| {
        let app = &app;
        async move {
            let b = app.browser_login(who).await;
            let r = b
                .get(app.url("/persons/candidates"))
                .query(&[("among", "kube"), ("area", area), ("member_person", &q)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.text().await.unwrap()
        }
    };
    let start: String = name.chars().take(5).collect();
    let found = ask("operator", REJASARI, start.clone()).await;
    assert!(
        found.contains(&format!("{name} · ")) && found.contains(&nik),
        "{found}"
    );
    // The operator finds by a NIK start, typed in groups.
    let grouped = format!("{} {}", &nik[..6], &nik[6..10]);
    assert!(ask("operator", REJASARI, grouped).await.contains(&name));
    // A pendamping of the kecamatan sees the NIK masked, and may not search a NIK start.
    let field = ask("p.langensari", REJASARI, start.clone()).await;
    assert!(field.contains(&name) && !field.contains(&nik), "{field}");
    assert_eq!(
        ask("p.langensari", REJASARI, nik[..10].to_string()).await,
        ""
    );
    // Another kecamatan's pendamping: nothing.
    assert_eq!(ask("p.pataruman", REJASARI, start).await, "");
    app.stop().await;
}
