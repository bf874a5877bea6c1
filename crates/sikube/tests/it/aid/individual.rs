//! Individual programmes, attachments, package templates.
use super::*;

#[tokio::test]
async fn individual_programmes_check_eligibility_quota_and_budget() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let r = app
        .post(&op, "/api/v1/programmes", json!({"name": "Bantuan WRSE", "year": 2026, "funding_source": "apbd_provinsi", "target": "individual",
            "budget": 500_000, "quota": 2, "eligibility": "wrse"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let prog: Value = r.json().await.unwrap();
    let id = prog["id"].as_i64().unwrap();
    assert_eq!(prog["eligibility"]["min_age"], 18);
    let mk = |nik: &str, name: &str, sex: &str, birth: &str, cats: Value| json!({"nik": nik, "name": name, "sex": sex, "birth_date": birth, "village_code": REJASARI, "categories": cats});
    let ids: Vec<i64> = futures_seq(
        &app,
        &op,
        vec![
            mk(
                "3279045708920003",
                "Siti Aminah",
                "P",
                "1992-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279041708920004",
                "Budi Lelaki",
                "L",
                "1992-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279045708600005",
                "Nenek Tua",
                "P",
                "1960-08-17",
                json!(["wrse"]),
            ),
            mk(
                "3279044108930006",
                "Tanpa Kategori",
                "P",
                "1993-08-01",
                json!(["fakir_miskin"]),
            ),
            mk(
                "3279044208940007",
                "Rina Wati",
                "P",
                "1994-08-02",
                json!(["wrse"]),
            ),
            mk(
                "3279044308950008",
                "Tati Sumiati",
                "P",
                "1995-08-03",
                json!(["wrse"]),
            ),
        ],
    )
    .await;
    let enrol_path = format!("/api/v1/programmes/{id}/enrolments");
    let enrol = |pid: i64| app.post(&op, &enrol_path, json!({"person_id": pid}));
    assert_eq!(enrol(ids[0]).await.status(), StatusCode::CREATED);
    for (pid, why) in [
        (ids[1], "jenis kelamin"),
        (ids[2], "di atas batas 59"),
        (ids[3], "kategori"),
    ] {
        let r = enrol(pid).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(
            e["error"]["fields"]["person_id"]
                .as_str()
                .unwrap()
                .contains(why),
            "{e}"
        );
    }
    assert_eq!(enrol(ids[0]).await.status(), StatusCode::CONFLICT, "twice");
    assert_eq!(enrol(ids[4]).await.status(), StatusCode::CREATED);
    let r = enrol(ids[5]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "quota of 2");
    // Monthly assistance within the budget; the same month twice is refused.
    let benefit_path = format!("/api/v1/programmes/{id}/benefits");
    let benefit = |pid: i64, period: &str, amount: i64| {
        app.post(&op, &benefit_path, json!({"person_id": pid, "kind": "bantuan_bulanan", "period": period, "amount": amount}))
    };
    assert_eq!(
        benefit(ids[0], "2026-01", 200_000).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        benefit(ids[0], "2026-01", 200_000).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        benefit(ids[4], "2026-01", 200_000).await.status(),
        StatusCode::CREATED
    );
    let r = benefit(ids[4], "2026-02", 200_000).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "budget 500k");
    assert_eq!(
        benefit(ids[5], "2026-01", 1).await.status(),
        StatusCode::CONFLICT,
        "not enrolled"
    );
    let p: Value = app.get_json(&op, &format!("/api/v1/programmes/{id}")).await;
    assert_eq!(
        (p["committed"].as_i64(), p["quota_used"].as_i64()),
        (Some(400_000), Some(2))
    );
    // The enrolments report: both women (born 1992 and 1994) are in the 30–44 band.
    let e: Value = app.get_json(&op, "/api/v1/reports/enrolments").await;
    assert_eq!(e["rows"], json!([["Bantuan WRSE", "P", "30–44", 2]]), "{e}");
    app.stop().await;
}

async fn futures_seq(app: &TestApp, token: &str, bodies: Vec<Value>) -> Vec<i64> {
    let mut out = Vec::new();
    for b in bodies {
        let r = app.post(token, "/api/v1/persons", b).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        out.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    out
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_follow_the_record() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 44).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let id = verified(&app, &s, prog, 1).await;
    let pl = app.token("p.langensari").await;
    let upload = |token: String, path: String, body: Vec<u8>| {
        let url = app.url(&path);
        async move {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let pdf_bytes = b"%PDF-1.4\n% proposal letter\n".to_vec();
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=../surat usulan.pdf"),
        pdf_bytes.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["mime"], "application/pdf");
    assert_eq!(a["filename"], "surat usulan.pdf");
    // A program renamed to .pdf is refused; so is a file above 5 MB.
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=x.pdf"),
        b"MZ\x90\x00binary".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut big = b"%PDF-".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    let r = upload(
        pl.clone(),
        format!("/api/v1/proposals/{id}/attachments?filename=big.pdf"),
        big,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Download: the same bytes for whoever sees the KUBE; not found for others.
    let r = app
        .get(&pl, &format!("/api/v1/attachments/{}", a["id"]))
        .await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf_bytes);
    let pp = app.token("p.pataruman").await;
    assert_eq!(
        app.get(&pp, &format!("/api/v1/attachments/{}", a["id"]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let list: Value = app
        .get_json(&pl, &format!("/api/v1/proposals/{id}/attachments"))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // A photo of a visit; a PDF is no photo.
    let v: Value = app
        .post(&pl, &format!("/api/v1/kube/{}/visits", s.kube_id), json!({"visited_on": "2026-01-05", "operating": true, "members_present": 5, "meetings_held": 1, "books_up_to_date": true}))
        .await
        .json()
        .await
        .unwrap();
    let vid = v["visit"]["id"].as_i64().unwrap();
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    assert_eq!(
        upload(
            pl.clone(),
            format!("/api/v1/visits/{vid}/photos?filename=kandang.jpg"),
            jpeg
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        upload(
            pl.clone(),
            format!("/api/v1/visits/{vid}/photos"),
            b"%PDF-1.4".to_vec()
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        upload(
            pp.clone(),
            format!("/api/v1/visits/{vid}/photos"),
            vec![0xFF, 0xD8, 0xFF]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

#[tokio::test]
async fn package_templates_merge_repeated_items_and_refuse_bad_input() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 70).await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let op = app.token("operator").await;
    // The same item twice counts once with the quantities added.
    let r = app
        .post(
            &op,
            "/api/v1/packages",
            json!({"name": "Paket kambing", "items": [
            {"item_id": s.goat, "quantity": 3}, {"item_id": s.goat, "quantity": 2},
            {"item_id": s.cage, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ps: Value = app.get_json(&op, "/api/v1/packages").await;
    let p = ps
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Paket kambing")
        .unwrap();
    let goat_qty: i64 = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["item_id"] == s.goat)
        .map(|i| i["quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(goat_qty, 5, "{p}");
    // A second template with the same name is a conflict, not a server error.
    let r = app
        .post(
            &op,
            "/api/v1/packages",
            json!({"name": "Paket kambing", "items": [{"item_id": s.goat, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A quantity beyond any real request is refused with the field named.
    let huge = json!([{"item_id": s.goat, "quantity": 359_571_870_827i64}]);
    for (path, body) in [
        (
            "/api/v1/packages",
            json!({"name": "Paket besar", "items": huge}),
        ),
        (
            "/api/v1/proposals",
            json!({"kube_id": s.kube_id, "programme_id": prog, "justification": "x", "items": huge}),
        ),
    ] {
        let r = app.post(&op, path, body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let b: Value = r.json().await.unwrap();
        assert!(b.to_string().contains("items"), "{b}");
    }
    // A viewer role cannot create templates.
    let au = app.token("auditor").await;
    let r = app
        .post(
            &au,
            "/api/v1/packages",
            json!({"name": "Paket lain", "items": [{"item_id": s.goat, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// A month of payments is approved in one go: each approval is its own audited step, a
/// payment the head of division recorded is refused with the reason and does not hold
/// back the others; the page's form ticks several and comes back to the table.
#[tokio::test]
async fn payments_are_approved_together_each_audited_none_by_its_recorder() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let kabid = app.token("kabid").await;
    let g: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "Bantuan Bulanan 2026", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 30_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = g["id"].as_i64().unwrap();
    let ids = persons_in(&app, &op, REJASARI, 3, 70).await;
    let mut benefits = Vec::new();
    for (i, pid) in ids.iter().enumerate() {
        let r = app
            .post(
                &op,
                &format!("/api/v1/programmes/{id}/enrolments"),
                json!({"person_id": pid}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        // The last one recorded by the head of division: not theirs to approve.
        let by = if i == 2 { &kabid } else { &op };
        let r = app
            .post(
                by,
                &format!("/api/v1/programmes/{id}/benefits"),
                json!({"person_id": pid,
                "kind": "bantuan_bulanan", "period": "2026-11", "amount": 300_000}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
        benefits.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let path = format!("/api/v1/programmes/{id}/benefits/approve");
    // Only the head of division; an empty choice is refused with its field.
    assert_eq!(
        app.post(&op, &path, json!({"benefit_ids": benefits}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = app.post(&kabid, &path, json!({"benefit_ids": []})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        e["error"]["fields"]["benefit_ids"],
        "Pilih pembayaran yang akan disetujui"
    );
    let aud = app.token("auditor").await;
    let audited = || app.get_json(&aud, "/api/v1/audit?action=approve_benefit&limit=100");
    let before: Value = audited().await;
    let r = app
        .post(
            &kabid,
            &path,
            json!({"benefit_ids": [benefits[0], benefits[1], benefits[2], 999_999]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    let approved: Vec<i64> = done["approved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(approved, vec![benefits[0], benefits[1]]);
    assert!(done["approved"][0]["approved_by"] == "kabid");
    assert_eq!(
        done["refused"],
        json!([
            {"id": benefits[2], "reason": "Pencatat bantuan tidak boleh menyetujui catatannya sendiri"},
            {"id": 999_999, "reason": "Catatan bantuan tidak ditemukan"}
        ])
    );
    // Each approval audited on its own.
    let after: Value = audited().await;
    assert_eq!(
        after["total"].as_i64().unwrap() - before["total"].as_i64().unwrap(),
        2,
        "{after}"
    );

    // The page: a new month, two ticked, back at the table with what happened.
    let mut next = Vec::new();
    for pid in &ids[..2] {
        let r = app
            .post(
                &op,
                &format!("/api/v1/programmes/{id}/benefits"),
                json!({"person_id": pid,
                "kind": "bantuan_bulanan", "period": "2026-12", "amount": 300_000}),
            )
            .await;
        next.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let b = app.browser_login("kabid").await;
    let page = app.page(&b, &format!("/programmes/{id}")).await;
    assert!(page.contains(r#"data-select-all="benefit_id""#));
    assert!(page.contains(&format!(r#"name="benefit_id" value="{}""#, next[0])));
    let csrf = common::hidden(&page, "_csrf");
    let r = b
        .post(app.url(&format!("/programmes/{id}/benefits/approve")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("benefit_id", &next[0].to_string()),
            ("benefit_id", &next[1].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/programmes/{id}#benefits").as_str()
    );
    let page = app.page(&b, &format!("/programmes/{id}")).await;
    assert!(page.contains("2 pembayaran disetujui."), "{page}");
    let list: Value = app
        .get_json(&kabid, &format!("/api/v1/programmes/{id}/benefits"))
        .await;
    let waiting = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["approved_at"].is_null())
        .count();
    assert_eq!(waiting, 1, "only the head's own record waits");
    // The card says what is paid and what still waits; the months add up to it.
    let page = app.page(&b, &format!("/programmes/{id}")).await;
    assert!(page.contains("id=\"delivered\">Rp 1.200.000<"), "{page}");
    assert!(page.contains("Rp 300.000 lagi tercatat, menunggu persetujuan pembayaran"));
    let table = &page[page.find("id=\"budget-months\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let paid: i64 = table
        .split("<tr>")
        .skip(2)
        .filter_map(|row| row.split("<td class=\"num\">").nth(2))
        .map(|cell| {
            cell.split('<')
                .next()
                .unwrap()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse::<i64>()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(paid, 1_200_000, "{table}");
    app.stop().await;
}

/// The proposal form: the package for the group's business is offered first, and filling
/// the items from a package keeps the programme and the reason already chosen.
#[tokio::test]
async fn filling_a_proposal_from_a_package_keeps_what_was_chosen() {
    let app = TestApp::spawn().await;
    let s = setup(&app, 71).await;
    let op = app.token("operator").await;
    let prog = programme(&app, Some(100_000_000), None).await;
    let k: Value = app
        .get_json(&op, &format!("/api/v1/kube/{}", s.kube_id))
        .await;
    let business = k["business_type"].as_str().unwrap().to_string();
    for (name, bt) in [
        ("Paket lain", None),
        ("Paket usaha kelompok", Some(business.as_str())),
    ] {
        let r = app
            .post(
                &op,
                "/api/v1/packages",
                json!({"name": name, "business_type": bt,
                "items": [{"item_id": s.goat, "quantity": 4}, {"item_id": s.cage, "quantity": 1}]}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap()
        );
    }
    let ps: Value = app.get_json(&op, "/api/v1/packages").await;
    let ours = ps
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Paket usaha kelompok")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let b = app.browser_login("operator").await;
    let form = app
        .page(&b, &format!("/proposals/new?kube_id={}", s.kube_id))
        .await;
    assert!(
        form.contains(&format!(
            r#"<option value="{ours}" selected>Paket usaha kelompok"#
        )),
        "{form}"
    );
    let csrf = common::hidden(&form, "_csrf");
    let r = b
        .post(app.url("/proposals"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kube_id", &s.kube_id.to_string()),
            ("programme_id", &prog.to_string()),
            ("justification", "Tambah indukan"),
            ("package_id", &ours.to_string()),
            ("use_package", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "nothing saved yet");
    let page = r.text().await.unwrap();
    assert!(
        page.contains(&format!(r#"<option value="{prog}" selected>"#)),
        "the programme stays"
    );
    assert!(page.contains(">Tambah indukan</textarea>"));
    assert!(
        page.contains(&format!(
            r#"name="item_id" value="{}"><input type="number" min="0" name="quantity" value="4""#,
            s.goat
        )),
        "{page}"
    );
    let list: Value = app
        .get_json(&op, &format!("/api/v1/proposals?kube_id={}", s.kube_id))
        .await;
    assert_eq!(list["total"], 0);
    app.stop().await;
}

/// Enrolling from the programme's page: residents are searched by name or NIK on the
/// server, shown with age, village and NIK as the role reads it; the enrolled drop out.
#[tokio::test]
async fn residents_to_enrol_are_searched_not_scrolled() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let g: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "ASLUT 2026", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 10_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = g["id"].as_i64().unwrap();
    let ids = persons_in(&app, &op, REJASARI, 2, 77).await;
    let p = app
        .get_json(&op, &format!("/api/v1/persons/{}", ids[0]))
        .await;
    let nik = p["nik"].as_str().unwrap().to_string();
    let b = app.browser_login("operator").await;
    // Nothing listed before a search.
    let page = app.page(&b, &format!("/programmes/{id}")).await;
    assert!(!page.contains("name=\"person_id\" value="), "{page}");
    let page = app
        .page(&b, &format!("/programmes/{id}?pick_q={nik}"))
        .await;
    assert!(
        page.contains(&format!("name=\"person_id\" value=\"{}\"", ids[0])),
        "{page}"
    );
    assert!(page.contains(" th · Rejasari · NIK "));
    let r = b
        .post(app.url(&format!("/programmes/{id}/enrol")))
        .form(&[
            ("_csrf", common::hidden(&page, "_csrf").as_str()),
            ("person_id", &ids[0].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app
        .page(&b, &format!("/programmes/{id}?pick_q={nik}"))
        .await;
    assert!(!page.contains(&format!("name=\"person_id\" value=\"{}\"", ids[0])));
    // The Pataruman pendamping finds no Langensari resident, even by a whole NIK.
    let other = app.browser_login("p.pataruman").await;
    let page = app
        .page(&other, &format!("/programmes/{id}?pick_q={}", &nik))
        .await;
    assert!(!page.contains("name=\"person_id\" value="));
    app.stop().await;
}
