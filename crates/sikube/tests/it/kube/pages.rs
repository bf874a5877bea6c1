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
    // Candidates are offered once, as a list every member row's input uses; a picked
    // entry reads "name (village) #id".
    assert_eq!(form.matches("<datalist").count(), 1);
    let picked = format!("#{}\"", ids[4]);
    let label_end = form.find(&picked).expect("candidate in the list");
    let label_start = form[..label_end].rfind("value=\"").unwrap() + 7;
    let label = form[label_start..label_end + picked.len() - 1].to_string();
    assert!(label.contains("(Rejasari)"), "{label}");
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
