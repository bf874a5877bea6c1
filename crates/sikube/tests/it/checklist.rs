//! The stage checklist end to end: the records answer what they can, every item that
//! holds needs evidence, the level is the highest stage whose items all hold, one
//! checklist a quarter, history kept, the dashboard, list and report count the latest; a
//! region adds and retires criteria; the page takes a photo per item.
use crate::common::{hidden, kube_body, persons_in, TestApp, PATARUMAN, REJASARI};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn visit(date: &str, savings: i64, assets: i64) -> Value {
    json!({"visited_on": date, "operating": true, "meetings_held": 2, "members_present": 5,
           "books_up_to_date": true, "revenue": 3_000_000, "expenses": 1_800_000,
           "savings_balance": savings, "asset_count": 12, "asset_value": assets})
}

/// Answers: every item the records cannot show, with a note, and those they show.
fn answers(notes: &[(&str, &str)], shown: &[&str]) -> Value {
    let mut a: Vec<Value> = notes
        .iter()
        .map(|(c, n)| json!({"criterion": c, "holds": true, "note": n}))
        .collect();
    a.extend(shown.iter().map(|c| json!({"criterion": c, "holds": true})));
    Value::Array(a)
}

const TUMBUH_SHOWN: &[&str] = &["facilitator", "officers", "activity_started"];
const BERKEMBANG_SHOWN: &[&str] = &["officers_active", "profit_to_capital"];

#[tokio::test]
async fn the_checklist_decides_the_level_with_evidence_and_history() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let admin = app.token("admin").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 41).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Dinilai", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let users: Value = app.get_json(&admin, "/api/v1/users?limit=100").await;
    let pendamping = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "p.langensari")
        .unwrap()["id"]
        .clone();
    let r = app
        .post(
            &op,
            "/api/v1/kube/assign",
            json!({"kube_ids": [kid], "pendamping_id": pendamping}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    for (days, savings, assets) in [
        (140, 200_000, 15_000_000),
        (110, 300_000, 16_000_000),
        (20, 600_000, 19_000_000),
    ] {
        let r = app
            .post(
                &op,
                &format!("/api/v1/kube/{kid}/visits"),
                visit(&app.days_ago(days), savings, assets),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // Never assessed: no level, counted as such.
    let h: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/health"))
        .await;
    assert_eq!(h["level"], Value::Null);
    let never: Value = app.get_json(&op, "/api/v1/kube?level=never").await;
    assert!(never["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == kid));

    // The draft: what the records show as of a day (aid not handed over: not shown).
    let first_day = app.days_ago(100);
    let draft: Value = app
        .get_json(
            &op,
            &format!("/api/v1/kube/{kid}/checklists/draft?assessed_on={first_day}"),
        )
        .await;
    let item = |code: &str| {
        draft
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(item("facilitator")["records_hold"], true);
    assert_eq!(item("officers")["figures"], "3 dari 3 pengurus terisi");
    assert_eq!(item("aid_received")["records_hold"], false);
    assert_eq!(item("name_board")["records_hold"], Value::Null);
    assert_eq!(item("name_board")["from_records"], false);
    // As of that day the visit of 20 days ago is not there yet.
    assert!(
        item("capital_growing")["figures"]
            .as_str()
            .unwrap()
            .contains("Rp 300.000"),
        "{draft}"
    );

    // "Holds" with no evidence: refused per item, nothing kept.
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/checklists"),
            json!({"assessed_on": first_day, "answers": answers(&[("name_board", "Terpasang")], &["aid_received"])}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["answer.aid_received"]
            .as_str()
            .unwrap()
            .contains("bukti"),
        "{e}"
    );
    let none: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/checklists"))
        .await;
    assert_eq!(none, json!([]));
    // An item no one knows, a day to come: refused.
    for (body, field) in [
        (
            json!({"assessed_on": first_day, "answers": [{"criterion": "x", "holds": true, "note": "n"}]}),
            "answers",
        ),
        (
            json!({"assessed_on": app.days_ago(-3), "answers": []}),
            "assessed_on",
        ),
        (
            json!({"assessed_on": "2011-01-01", "answers": []}),
            "assessed_on",
        ),
    ] {
        let r = app
            .post(&op, &format!("/api/v1/kube/{kid}/checklists"), body)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let e: Value = r.json().await.unwrap();
        assert!(e["error"]["fields"][field].is_string(), "{e}");
    }

    // Tumbuh with the aid explained in a note (handed over before sikube), Berkembang too.
    let mut notes = vec![
        ("aid_received", "Bantuan kambing 2012, sebelum sikube"),
        ("name_board", "Papan nama di depan rumah ketua"),
        ("welfare", "Dibagi untuk biaya sekolah anak anggota"),
        ("iks", "IKS Rp 5.000 tiap pertemuan"),
    ];
    let shown: Vec<&str> = TUMBUH_SHOWN
        .iter()
        .chain(BERKEMBANG_SHOWN)
        .copied()
        .collect();
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/checklists"),
            json!({"assessed_on": first_day, "answers": answers(&notes, &shown)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: Value = r.json().await.unwrap();
    assert_eq!(first["level"], "berkembang", "{first}");
    let fig = first["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["criterion"] == "profit_to_capital")
        .unwrap();
    assert!(
        fig["figures"]
            .as_str()
            .unwrap()
            .contains("keuntungan Rp 1.200.000"),
        "{fig}"
    );
    let h: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/health"))
        .await;
    assert_eq!(h["level"], "berkembang");

    // Once a quarter.
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/checklists"),
            json!({"assessed_on": first_day, "answers": []}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["assessed_on"]
            .as_str()
            .unwrap()
            .contains("triwulan"),
        "{e}"
    );

    // Who may: not the auditor, not the facilitator of another kecamatan.
    let auditor = app.token("auditor").await;
    let body = json!({"assessed_on": app.days_ago(0), "answers": []});
    let r = app
        .post(
            &auditor,
            &format!("/api/v1/kube/{kid}/checklists"),
            body.clone(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let other = app.token("p.pataruman").await;
    let r = app
        .post(&other, &format!("/api/v1/kube/{kid}/checklists"), body)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .get(&other, &format!("/api/v1/checklists/{}", first["id"]))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The region adds a Tumbuh item; the next quarter's checklist does not answer it:
    // below Tumbuh, whatever else holds. The history keeps both.
    let r = app
        .post(
            &admin,
            "/api/v1/checklist/criteria",
            json!({"stage": "tumbuh", "label": "Rekening kelompok di bank"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            &op,
            "/api/v1/checklist/criteria",
            json!({"stage": "tumbuh", "label": "x"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &admin,
            "/api/v1/checklist/criteria",
            json!({"stage": "sangat", "label": " "}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["error"]["fields"]["stage"].is_string() && e["error"]["fields"]["label"].is_string(),
        "{e}"
    );
    notes.push(("iks_outside", "IKS membantu tetangga lansia"));
    notes.push(("partnerships", "Menjual ke koperasi susu"));
    let mut maju: Vec<&str> = shown.clone();
    maju.extend(["capital_growing", "books_kept"]);
    let today = app.days_ago(0);
    let r = app
        .post(
            &op,
            &format!("/api/v1/kube/{kid}/checklists"),
            json!({"assessed_on": today, "answers": answers(&notes, &maju)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let second: Value = r.json().await.unwrap();
    assert_eq!(second["level"], Value::Null, "{second}");
    let below: Value = app.get_json(&op, "/api/v1/kube?level=below").await;
    assert!(below["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == kid));
    let history: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/checklists"))
        .await;
    let levels: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["level"])
        .collect();
    assert_eq!(levels, [&Value::Null, &json!("berkembang")]);

    // Retired, the item leaves new drafts; the earlier answers keep it.
    let r = app
        .post(
            &admin,
            &format!("/api/v1/checklist/criteria/{code}/retire"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let draft: Value = app
        .get_json(&op, &format!("/api/v1/kube/{kid}/checklists/draft"))
        .await;
    assert!(!draft
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == code.as_str()));
    let kept: Value = app
        .get_json(&op, &format!("/api/v1/checklists/{}", second["id"]))
        .await;
    let region = kept["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["criterion"] == code.as_str())
        .unwrap();
    assert_eq!(region["holds"], false);
    assert_eq!(region["label"], "Rekening kelompok di bank");

    // The dashboard and the levels report count from the latest checklist.
    let dash: Value = app.get_json(&op, "/api/v1/dashboard").await;
    let by = |code: &str| {
        dash["by_level"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == code)
            .unwrap()["total"]
            .clone()
    };
    assert_eq!(by("below"), 1, "{}", dash["by_level"]);
    assert_eq!(by("berkembang"), 0);
    let report: Value = app.get_json(&op, "/api/v1/reports/kube-levels").await;
    let total = report["rows"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(total[0], "Jumlah");
    assert_eq!(total[4], 1, "{report}"); // below Tumbuh
                                         // The audit trail holds each checklist with its answers.
    let audit: Value = app
        .get_json(
            &admin,
            &format!("/api/v1/audit?entity=kube&entity_id={kid}&action=checklist"),
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2, "{audit}");
    let _ = PATARUMAN;
}

#[tokio::test]
async fn a_facilitator_fills_the_checklist_on_the_page_with_a_photo() {
    let app = TestApp::spawn().await;
    let op = app.token("operator").await;
    let ids = persons_in(&app, &op, REJASARI, 6, 42).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Berfoto", REJASARI, &ids),
        )
        .await
        .json()
        .await
        .unwrap();
    let kid = k["id"].as_i64().unwrap();
    let b = app.browser_login("p.langensari").await;
    let page = app.page(&b, &format!("/kube/{kid}")).await;
    assert!(page.contains("id=\"checklist-none\"") && page.contains("Belum pernah dinilai"));
    let form = app.page(&b, &format!("/kube/{kid}/checklist/new")).await;
    assert!(
        form.contains("Papan nama kelompok terpasang")
            && form.contains("name=\"photo_name_board\"")
    );
    let csrf = hidden(&form, "_csrf");
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let send = |fields: Vec<(&'static str, String)>, photo: Option<Vec<u8>>| {
        let mut f = reqwest::multipart::Form::new().text("_csrf", csrf.clone());
        for (k, v) in fields {
            f = f.text(k, v);
        }
        if let Some(p) = photo {
            f = f.part(
                "photo_name_board",
                reqwest::multipart::Part::bytes(p).file_name("papan.png"),
            );
        }
        b.post(app.url(&format!("/kube/{kid}/checklist/new")))
            .multipart(f)
            .send()
    };
    let day = app.days_ago(0);
    // Ticked without evidence: the form comes back with the item's message, as typed.
    let r = send(
        vec![
            ("assessed_on", day.clone()),
            ("holds_name_board", "1".into()),
            ("note_welfare", "catatan".into()),
        ],
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = r.text().await.unwrap();
    assert!(
        again.contains("tanpa bukti") && again.contains(">catatan</textarea>"),
        "{again}"
    );
    // With the photo taken on the form: saved, the photo is the evidence.
    let r = send(
        vec![
            ("assessed_on", day),
            ("holds_name_board", "1".into()),
            ("note_name_board", "Papan\u{0} baru".into()),
        ],
        Some(png),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/checklists/"), "{to}");
    let detail = app.page(&b, &to).await;
    assert!(
        detail.contains("Belum memenuhi Tumbuh") && detail.contains("/attachments/"),
        "{detail}"
    );
    let photo = detail
        .split("href=\"/attachments/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let f = b
        .get(app.url(&format!("/attachments/{photo}")))
        .send()
        .await
        .unwrap();
    assert_eq!(f.status(), StatusCode::OK);
    assert_eq!(f.headers()["content-type"], "image/png");
    let page = app.page(&b, &format!("/kube/{kid}")).await;
    assert!(page.contains("id=\"checklists\"") && page.contains("Belum memenuhi Tumbuh"));
    // The criteria: everyone reads them; the administrator adds the region's.
    let admin = app.browser_login("admin").await;
    let criteria = app.page(&admin, "/checklist/criteria").await;
    assert!(criteria.contains("Bermitra dengan bank, koperasi atau pembeli"));
    assert!(criteria.contains("id=\"criterion-form\""));
    let read = app.page(&b, "/checklist/criteria").await;
    assert!(read.contains("Bermitra dengan bank") && !read.contains("criterion-form"));
}
