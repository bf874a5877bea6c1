//! Every route (pages and API, taken from the router so a new route cannot escape) ×
//! every role: anonymous callers are turned away, auditors change nothing, a pendamping
//! of another kecamatan sees none of Langensari's records, only admins manage users, and
//! nothing answers 5xx.
use crate::common;

mod writes;

use common::{kube_body, persons_in, TestApp};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

const PUBLIC: &[&str] = &[
    "/login",
    "/logout",
    "/lang/{code}",
    "/static/{file}",
    "/publik",
    "/api/v1/auth/login",
    // The field app's manifest (browsers fetch it without cookies) and service worker:
    // no data, the same for everyone.
    "/field/manifest.webmanifest",
    "/field/sw.js",
];

struct Ids {
    person: i64,
    kube: i64,
    training: i64,
    programme: i64,
    proposal: i64,
    attachment: i64,
    visit: i64,
    checklist: i64,
    user: i64,
    /// The operator's upload of a persons file with one bad row.
    upload: i64,
    /// A data subject's request and a breach register entry.
    request: i64,
    incident: i64,
}

async fn objects(app: &TestApp) -> Ids {
    let op = app.token("operator").await;
    let members = persons_in(app, &op, "32.79.04.2002", 5, 60).await;
    let k: Value = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Matriks", "32.79.04.2002", &members),
        )
        .await
        .json()
        .await
        .unwrap();
    let kube = k["id"].as_i64().unwrap();
    let t: Value = app
        .post(&op, "/api/v1/trainings", json!({"title": "Bimtek", "kind": "pelatihan", "starts_on": "2026-01-01", "ends_on": "2026-01-01", "village_code": "32.79.04.2002"}))
        .await
        .json()
        .await
        .unwrap();
    let item: Value = app
        .post(
            &op,
            "/api/v1/items",
            json!({"name": "Kambing", "unit": "ekor", "unit_price": 2_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let g: Value = app
        .post(&op, "/api/v1/programmes", json!({"name": "UEP", "year": 2026, "funding_source": "apbd_kota", "target": "kube", "budget": 100_000_000}))
        .await
        .json()
        .await
        .unwrap();
    // The routes under /programmes/{id} read an individual programme: its page offers
    // the area's residents for enrolment.
    let individual: Value = app
        .post(&op, "/api/v1/programmes", json!({"name": "Asistensi", "year": 2026, "funding_source": "apbd_kota", "target": "individual", "budget": 100_000_000}))
        .await
        .json()
        .await
        .unwrap();
    let p: Value = app
        .post(&op, "/api/v1/proposals", json!({"kube_id": kube, "programme_id": g["id"], "items": [{"item_id": item["id"], "quantity": 2}], "justification": "x"}))
        .await
        .json()
        .await
        .unwrap();
    let a: Value = Client::new()
        .post(app.url(&format!(
            "/api/v1/proposals/{}/attachments?filename=a.pdf",
            p["id"]
        )))
        .bearer_auth(&op)
        .body(b"%PDF-1.4 x".to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let v: Value = app
        .post(&op, &format!("/api/v1/kube/{kube}/visits"), json!({"visited_on": "2026-01-05", "operating": true, "members_present": 5, "meetings_held": 1}))
        .await
        .json()
        .await
        .unwrap();
    let checklist: Value = app
        .post(
            &op,
            &format!("/api/v1/kube/{kube}/checklists"),
            json!({"assessed_on": "2026-01-05",
            "answers": [{"criterion": "name_board", "holds": true, "note": "Terpasang"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let admin = app.token("admin").await;
    // The user routes act on an account of their own (ending its sessions must not end
    // the sessions this test calls with).
    let me: Value = app
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "matriks", "password": "Ruang-Uji-2026x", "role": "operator"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let request: Value = app
        .post(
            &op,
            "/api/v1/data-requests",
            json!({"kind": "access", "requester": "Pemohon Matriks", "person_id": members[4]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let incident: Value = app
        .post(&admin, "/api/v1/incidents", json!({"title": "Laptop hilang", "description": "Laptop operator hilang", "data_kinds": ["identity"], "persons_affected": 3}))
        .await
        .json()
        .await
        .unwrap();
    Ids {
        request: request["id"].as_i64().unwrap(),
        incident: incident["id"].as_i64().unwrap(),
        person: members[4],
        kube,
        training: t["id"].as_i64().unwrap(),
        programme: individual["id"].as_i64().unwrap(),
        proposal: p["id"].as_i64().unwrap(),
        attachment: a["id"].as_i64().unwrap(),
        visit: v["visit"]["id"].as_i64().unwrap(),
        checklist: checklist["id"].as_i64().unwrap(),
        user: me["id"].as_i64().unwrap(),
        upload: operator_upload(app).await,
    }
}

/// An upload of the operator's (a persons file, one of its rows refused), through the page.
async fn operator_upload(app: &TestApp) -> i64 {
    let csv = "nik,name,sex,birth_date,village_code\n\
               3279041703600001,Warga Unggah,L,17/03/1960,32.79.04.2002\n\
               123,Baris Salah,L,17/03/1960,32.79.04.2002\n";
    upload(app, &session(app, "operator").await, csv).await
}

/// Uploads a persons CSV through the import page as the session `(token, csrf)`; the
/// upload's id (the import screens are per uploader).
async fn upload(app: &TestApp, (token, csrf): &(String, String), csv: &str) -> i64 {
    let form = reqwest::multipart::Form::new()
        .text("kind", "persons")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("warga.csv"),
        );
    let r = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/import"))
        .header("cookie", format!("sikube_session={token}"))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the upload");
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/import/")
        .parse()
        .unwrap()
}

/// A concrete path for a route pattern, pointing at the Langensari records.
fn concrete(route: &str, ids: &Ids) -> String {
    let id = if route.contains("/persons/") {
        ids.person
    } else if route.contains("/kube/") {
        ids.kube
    } else if route.contains("/trainings/") {
        ids.training
    } else if route.contains("/programmes/") {
        ids.programme
    } else if route.contains("/proposals/") {
        ids.proposal
    } else if route.contains("/attachments/") {
        ids.attachment
    } else if route.contains("/visits/") {
        ids.visit
    } else if route.contains("/checklists/") {
        ids.checklist
    } else if route.contains("/users/") {
        ids.user
    } else if route.starts_with("/import/{id}") {
        ids.upload
    } else if route.contains("/data-requests/") {
        ids.request
    } else if route.contains("/incidents/") {
        ids.incident
    } else {
        999_999
    };
    let file = if route.starts_with("/static/") {
        "app.css"
    } else if route.starts_with("/guide/") {
        "login.jpg"
    } else if route.starts_with("/import/template") {
        "persons.csv"
    } else {
        "x.csv"
    };
    route
        .replace("{id}", &id.to_string())
        .replace("{person_id}", &ids.person.to_string())
        .replace("{action}", "submit")
        .replace("{kind}", "persons")
        .replace("{name}", "kube-status")
        .replace("{file}", file)
        .replace("{code}", "id")
        .replace("{page}", "operator")
        .replace("{sid}", "999999")
        .replace("{bid}", "999999")
        .replace("{nik}", "3279045708920003")
}

/// The methods a route answers, asked from the router itself (405 + Allow).
async fn methods(app: &TestApp, path: &str) -> Vec<Method> {
    let r = Client::new()
        .request(Method::from_bytes(b"TRACE").unwrap(), app.url(path))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    r.headers()["allow"]
        .to_str()
        .unwrap()
        .split(',')
        .map(|m| Method::from_bytes(m.trim().as_bytes()).unwrap())
        .filter(|m| *m != Method::HEAD)
        .collect()
}

/// What an answer says: a spreadsheet's cells, a PDF's text, or the text itself.
fn readable(bytes: &[u8]) -> String {
    if bytes.starts_with(b"PK") {
        let rows = sheets::read(bytes, &sheets::Limits::UPLOAD).expect("a spreadsheet");
        rows.into_iter().flatten().collect::<Vec<_>>().join("\t")
    } else if bytes.starts_with(b"%PDF") {
        pdf::extract_text(bytes)
    } else {
        String::from_utf8_lossy(bytes).to_string()
    }
}

/// An ISO date as pages, files and letters write it: ISO, day first with `-`, `/` and
/// `.`, and spelled out in Indonesian ("3 Februari 1980", also with a leading zero).
fn date_forms(iso: &str) -> Vec<String> {
    let d = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").expect("a date");
    const MONTHS: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    let month = MONTHS[chrono::Datelike::month0(&d) as usize];
    let (day, year) = (chrono::Datelike::day(&d), chrono::Datelike::year(&d));
    vec![
        iso.to_string(),
        d.format("%d-%m-%Y").to_string(),
        d.format("%d/%m/%Y").to_string(),
        d.format("%d.%m.%Y").to_string(),
        format!("{day} {month} {year}"),
        format!("{day:02} {month} {year}"),
    ]
}

/// Sends a request as a role: by bearer token under /api, by browser session (with the
/// CSRF header a page's own htmx would send) elsewhere.
async fn call(
    app: &TestApp,
    who: Option<&(String, String)>,
    m: &Method,
    path: &str,
) -> reqwest::Response {
    let c = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = c.request(m.clone(), app.url(path));
    if let Some((token, csrf)) = who {
        if path.starts_with("/api/") {
            req = req.bearer_auth(token);
        } else {
            req = req
                .header("cookie", format!("sikube_session={token}"))
                .header("x-csrf-token", csrf);
        }
    }
    if *m != Method::GET {
        req = if path.starts_with("/api/") {
            req.json(&json!({}))
        } else {
            req.header("content-type", "application/x-www-form-urlencoded")
                .body("")
        };
    }
    req.send().await.unwrap()
}

/// A session token and its CSRF token, from the login page.
async fn session(app: &TestApp, user: &str) -> (String, String) {
    let token = app.token(user).await;
    let csrf = {
        let r = Client::new()
            .get(app.url("/profile"))
            .header("cookie", format!("sikube_session={token}"))
            .send()
            .await
            .unwrap();
        common::hidden(&r.text().await.unwrap(), "_csrf")
    };
    (token, csrf)
}

/// What a role should get when it reads a route (GET), for the Langensari records.
fn expected_read(route: &str, role: &str) -> Vec<u16> {
    let writer = role != "auditor";
    if route.starts_with("/users") || route.starts_with("/api/v1/users") {
        return if role == "admin" {
            vec![200]
        } else {
            vec![403]
        };
    }
    // The audit trail's export is read as the trail is.
    if route == "/audit/export" || route == "/api/v1/audit/export" {
        return expected_read("/audit", role);
    }
    // The access log of personal data is read as the trail is.
    if route == "/access-log" || route == "/api/v1/access-log" {
        return expected_read("/audit", role);
    }
    if route == "/audit" || route == "/api/v1/audit" {
        return if matches!(role, "admin" | "auditor") {
            vec![200]
        } else {
            vec![403]
        };
    }
    // Personal data duties: the registers for the office and the auditor; the letters
    // for those who keep the breach register; retention for the administrator and the
    // auditor.
    if route.contains("/letter-") {
        return if matches!(role, "admin" | "kepala_bidang") {
            vec![200]
        } else {
            vec![403]
        };
    }
    if route.starts_with("/retention") || route.starts_with("/api/v1/retention") {
        return expected_read("/audit", role);
    }
    if [
        "/protection",
        "/data-requests",
        "/incidents",
        "/api/v1/data-requests",
        "/api/v1/incidents",
    ]
    .iter()
    .any(|p| route.starts_with(p))
    {
        return if role == "pendamping" {
            vec![403]
        } else {
            vec![200]
        };
    }
    // Forms that lead to a change; the import pages.
    let form = (route.ends_with("/new") && route != "/proposals/new")
        || route.ends_with("/edit")
        || route == "/import";
    // The DTSEN proposals carry NIKs in full: for the office's staff.
    if route.starts_with("/dtsen") || route.starts_with("/api/v1/dtsen") {
        return if matches!(role, "admin" | "kepala_bidang" | "operator") {
            vec![200]
        } else {
            vec![403]
        };
    }
    // The groups' exchange file carries NIKs in full: for the office's staff.
    if route == "/exchange/kube.xlsx" || route == "/api/v1/exchange/kube.xlsx" {
        return if matches!(role, "admin" | "kepala_bidang" | "operator") {
            vec![200]
        } else {
            vec![403]
        };
    }
    // The picker offers persons to forms that change records; the field app records
    // visits and attendance.
    if form
        || route == "/persons/candidates"
        || route == "/field/"
        || route == "/api/v1/field/caseload"
    {
        return if writer { vec![200] } else { vec![403] };
    }
    match route {
        // An upload is its uploader's (the operator's): another writer finds no such
        // upload, the auditor may not import at all. Its refused rows come back as a file.
        "/import/{id}" | "/import/{id}/rejected/{file}" => match role {
            "operator" => vec![200],
            "auditor" => vec![403],
            _ => vec![404],
        },
        // No certificate for a non-participant; no BAST before delivery.
        "/trainings/{id}/certificates/{person_id}"
        | "/api/v1/trainings/{id}/participants/{person_id}/certificate.pdf" => vec![404],
        "/proposals/{id}/bast.pdf" | "/api/v1/proposals/{id}/bast.pdf" => vec![409],
        // The matrix's training has no one who attended yet: no certificates to print.
        "/trainings/{id}/certificates" | "/api/v1/trainings/{id}/certificates.pdf" => vec![409],
        // The facilitator's monthly report: their own (the default); those who read all
        // name a facilitator (none named: no report of their own, 404) or read the
        // summary; not for operators.
        "/monthly"
        | "/monthly.pdf"
        | "/monthly.xlsx"
        | "/api/v1/monthly"
        | "/api/v1/monthly.pdf"
        | "/api/v1/monthly.xlsx" => match role {
            "operator" => vec![403],
            "pendamping" => vec![200],
            _ if route == "/monthly" => vec![200],
            _ => vec![404],
        },
        "/api/v1/monthly/summary" => match role {
            "operator" | "pendamping" => vec![403],
            _ => vec![200],
        },
        // The field app lives under /field/ (its service worker's scope).
        "/field" => vec![303],
        // The public page is off unless configured; a logout link is a form.
        "/publik" => vec![404],
        // Needs ?kube_id=: an error page, not a crash.
        "/proposals/new" => vec![400, 403],
        // Needs ?a=&b=: the two records to compare.
        "/persons/merge" => vec![400],
        "/lang/{code}" => vec![303],
        "/login" => vec![200, 303],
        _ => vec![200],
    }
}

#[tokio::test]
async fn every_route_for_every_role() {
    let app = TestApp::spawn().await;
    let ids = objects(&app).await;
    let mut routes: Vec<String> = web::page_paths();
    routes.extend(web::api::api_paths());
    routes.sort();
    routes.dedup();
    assert!(routes.len() > 60, "{} routes", routes.len());

    // Every NIK and KK number on record: no answer to a masked role may hold one.
    let op_token = app.token("operator").await;
    let kk_holder = json!({"nik": "3279044505800007", "kk_number": "3279040101100009", "name": "Warga Berkartu",
        "sex": "P", "birth_date": "1980-05-05", "village_code": "32.79.04.2002", "confirm_duplicate": true});
    assert_eq!(
        app.post(&op_token, "/api/v1/persons", kk_holder)
            .await
            .status(),
        StatusCode::CREATED
    );
    let all: Value = app.get_json(&op_token, "/api/v1/persons?limit=500").await;
    let secrets: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| [p["nik"].as_str(), p["kk_number"].as_str()])
        .flatten()
        .map(String::from)
        .collect();
    assert!(secrets.len() > 5 && secrets.iter().all(|n| n.len() == 16));
    // Their birth dates, in every form a page, file or message may write them.
    let mut secrets = secrets;
    for p in all["items"].as_array().unwrap() {
        secrets.extend(date_forms(p["birth_date"].as_str().unwrap()));
    }
    // A resident of Pataruman: the facilitator of Langensari may not read her name.
    let elsewhere = json!({"nik": "3279024303850004", "name": "Sutarjo Wiradikarta", "sex": "P",
        "birth_date": "1985-03-03", "village_code": "32.79.02.1002", "confirm_duplicate": true});
    assert_eq!(
        app.post(&op_token, "/api/v1/persons", elsewhere)
            .await
            .status(),
        StatusCode::CREATED
    );
    secrets.extend(date_forms("1985-03-03"));
    let outside_names = ["Sutarjo Wiradikarta".to_string()];
    let kabid = session(&app, "kabid").await;
    let own_area = session(&app, "p.langensari").await;
    let auditor = session(&app, "auditor").await;
    let other = session(&app, "p.pataruman").await;
    let operator = session(&app, "operator").await;
    let admin = session(&app, "admin").await;
    let mut checked = 0;
    for route in &routes {
        let path = concrete(route, &ids);
        let ms = methods(&app, &path).await;
        let public = PUBLIC.contains(&route.as_str());
        for m in &ms {
            let write = *m != Method::GET;
            // Anonymous: turned away, never served.
            if !public {
                let r = call(&app, None, m, &path).await;
                let s = r.status();
                assert!(
                    matches!(
                        s,
                        StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER | StatusCode::FORBIDDEN
                    ),
                    "anonymous {m} {path}: {s}"
                );
                if s == StatusCode::SEE_OTHER {
                    assert!(
                        r.headers()["location"]
                            .to_str()
                            .unwrap()
                            .starts_with("/login"),
                        "{m} {path}"
                    );
                }
            }
            // A pendamping of Pataruman reads none of Langensari's records: the answer is
            // the one for a record that does not exist. (Writes: `writes.rs`.)
            let object = route.contains("{id}") || route.contains("{person_id}");
            let langensari = [
                "/persons/",
                "/kube/",
                "/trainings/",
                "/proposals/",
                "/attachments/",
                "/visits/",
            ]
            .iter()
            .any(|p| route.contains(p));
            if !write && object && langensari && !public {
                let s = call(&app, Some(&other), m, &path).await.status();
                assert_eq!(
                    s,
                    StatusCode::NOT_FOUND,
                    "pendamping of another kecamatan reads {path}"
                );
            }
            // User administration is for admins only.
            if route.starts_with("/users") || route.starts_with("/api/v1/users") {
                let s = call(&app, Some(&operator), m, &path).await.status();
                assert_eq!(s, StatusCode::FORBIDDEN, "operator {m} {path}");
            }
            // Reads: the expected answer for every role that may be there.
            if !write && !public {
                for (role, who) in [
                    ("admin", &admin),
                    ("kepala_bidang", &kabid),
                    ("operator", &operator),
                    ("auditor", &auditor),
                    ("pendamping", &own_area),
                ] {
                    let r = call(&app, Some(who), m, &path).await;
                    let s = r.status().as_u16();
                    let want = expected_read(route, role);
                    assert!(
                        want.contains(&s),
                        "{role} GET {path}: {s}, expected {want:?}"
                    );
                    if matches!(role, "auditor" | "pendamping") {
                        let body = readable(&r.bytes().await.unwrap());
                        for n in &secrets {
                            assert!(!body.contains(n.as_str()), "{role} GET {path} shows {n}");
                        }
                        if role == "pendamping" {
                            for n in &outside_names {
                                assert!(!body.contains(n.as_str()), "{role} GET {path} names {n}");
                            }
                        }
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked} route × method pairs");
    app.stop().await;
}
