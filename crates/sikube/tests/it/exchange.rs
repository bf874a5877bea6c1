//! The exchange files on the demo city: the rekap adds up to the dashboard, level by
//! level; the groups' file names each group's officers by NIK, lists every active member
//! and the goods handed over (adding up to the group's value); a facilitator gets the
//! rekap of their kecamatan only and not the file with NIKs.
use crate::common::{self, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use sheets::Cell;

async fn xlsx(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    r.bytes().await.unwrap().to_vec()
}

fn int(c: &Cell) -> i64 {
    match c {
        Cell::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

#[tokio::test]
async fn the_exchange_files_add_up_to_the_records() {
    let (app, _) = TestApp::spawn_demo(common::TEST_CLOCK).await;
    let op = app.token("operator").await;
    let dash: Value = app.get_json(&op, "/api/v1/dashboard").await;

    // The rekap: national codes, one row per combination, adding up to the dashboard.
    let rekap = sheets::read_cells(&xlsx(&app, &op, "/api/v1/exchange/rekap.xlsx").await).unwrap();
    assert_eq!(text(&rekap[0][0]), "Kode Provinsi");
    assert_eq!(rekap[0].len(), app::exchange::REKAP_COLUMNS.len());
    let rows = &rekap[1..];
    assert!(rows.iter().all(|r| text(&r[0]) == "32"
        && text(&r[1]) == "32.79"
        && text(&r[2]).starts_with("32.79.0")));
    let total: i64 = rows.iter().map(|r| int(&r[10])).sum();
    assert_eq!(total, dash["kube_total"].as_i64().unwrap());
    let members: i64 = rows.iter().map(|r| int(&r[11])).sum();
    assert_eq!(members, dash["members_total"].as_i64().unwrap());
    for g in dash["by_level"].as_array().unwrap() {
        let code = match g["code"].as_str().unwrap() {
            "never" => "belum_pernah_dinilai",
            "below" => "belum_tumbuh",
            l => l,
        }
        .to_string();
        let n: i64 = rows
            .iter()
            .filter(|r| text(&r[9]) == code)
            .map(|r| int(&r[10]))
            .sum();
        assert_eq!(n, g["total"].as_i64().unwrap(), "level {code}");
    }
    assert!(
        dash["by_level"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["code"] == "maju" && g["total"].as_i64().unwrap() > 0),
        "{}",
        dash["by_level"]
    );

    // The groups' file: three sheets.
    let bytes = xlsx(&app, &op, "/api/v1/exchange/kube.xlsx").await;
    assert_eq!(sheets::sheet_names(&bytes), ["KUBE", "Anggota", "Bantuan"]);
    let groups = sheets::read_cells_at(&bytes, 0).unwrap();
    let people = sheets::read_cells_at(&bytes, 1).unwrap();
    let aid = sheets::read_cells_at(&bytes, 2).unwrap();
    assert_eq!(
        groups.len() as i64 - 1,
        dash["kube_total"].as_i64().unwrap()
    );
    // A group as the API reads it: its ketua's NIK, its members.
    let g = &groups[1];
    let reg = text(&g[0]);
    let list: Value = app.get_json(&op, &format!("/api/v1/kube?q={reg}")).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let k: Value = app.get_json(&op, &format!("/api/v1/kube/{id}")).await;
    let ketua = k["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "ketua")
        .unwrap();
    assert_eq!(text(&g[15]), ketua["name"].as_str().unwrap());
    assert_eq!(text(&g[16]), ketua["nik"].as_str().unwrap());
    let of_group = people[1..].iter().filter(|r| text(&r[0]) == reg).count();
    assert_eq!(of_group as i64, int(&g[14]));
    assert_eq!(
        people.len() as i64 - 1,
        dash["members_total"].as_i64().unwrap()
    );
    // Each group's goods add up to the value on its row; some groups received goods.
    let mut received = 0;
    for g in &groups[1..] {
        let reg = text(&g[0]);
        let sum: i64 = aid[1..]
            .iter()
            .filter(|r| text(&r[0]) == reg)
            .map(|r| int(&r[8]))
            .sum();
        assert_eq!(sum, int(&g[22]), "group {reg}");
        received += (sum > 0) as i32;
    }
    assert!(received > 10, "{received} groups received goods");

    // Narrowed to a kecamatan and a year; one group.
    let one = xlsx(
        &app,
        &op,
        &format!("/api/v1/exchange/kube.xlsx?kube_id={id}"),
    )
    .await;
    assert_eq!(sheets::read_cells_at(&one, 0).unwrap().len(), 2);
    let lang = sheets::read_cells(
        &xlsx(
            &app,
            &op,
            "/api/v1/exchange/rekap.xlsx?district_code=32.79.04&year=2012",
        )
        .await,
    )
    .unwrap();
    assert!(
        lang[1..]
            .iter()
            .all(|r| text(&r[2]) == "32.79.04" && int(&r[7]) == 2012),
        "{lang:?}"
    );
    assert!(lang.len() > 1);

    // A facilitator: the rekap of their kecamatan, not the file with NIKs, not another
    // kecamatan's group.
    let field = app.token("p.langensari").await;
    let mine =
        sheets::read_cells(&xlsx(&app, &field, "/api/v1/exchange/rekap.xlsx").await).unwrap();
    assert!(mine[1..].iter().all(|r| text(&r[2]) == "32.79.04"));
    let r = app.get(&field, "/api/v1/exchange/kube.xlsx").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let elsewhere = groups[1..]
        .iter()
        .find(|r| text(&r[4]) != "32.79.04")
        .map(|r| text(&r[0]))
        .unwrap();
    let list: Value = app
        .get_json(&op, &format!("/api/v1/kube?q={elsewhere}"))
        .await;
    let other = list["items"][0]["id"].as_i64().unwrap();
    let r = app
        .get(
            &field,
            &format!("/api/v1/exchange/rekap.xlsx?kube_id={other}"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .get(&field, "/api/v1/exchange/rekap.xlsx?district_code=32.79.02")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Every download is in the audit trail.
    let admin = app.token("admin").await;
    let audit: Value = app
        .get_json(&admin, "/api/v1/audit?action=export&limit=100")
        .await;
    let kinds: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"exchange_rekap") && kinds.contains(&"exchange_kube"),
        "{kinds:?}"
    );
    // The page offers both files to the office, the rekap to the facilitator.
    let b = app.browser_login("operator").await;
    let page = app.page(&b, "/exchange").await;
    assert!(page.contains("id=\"exchange-rekap\"") && page.contains("id=\"exchange-kube\""));
    let b = app.browser_login("p.langensari").await;
    let page = app.page(&b, "/exchange").await;
    assert!(page.contains("id=\"exchange-rekap\"") && !page.contains("id=\"exchange-kube\""));
}
