//! Every state-changing route (taken from the router: a new one without a case here fails
//! the test) × every role, each called with a minimal *valid* body on records that exist,
//! so the answer comes from authorisation and not from a refused body:
//! - a role that may not take the step gets exactly 403, and nothing changes;
//! - the pendamping of another kecamatan gets exactly 404 for a Langensari record (the
//!   same answer as a record that does not exist), and nothing changes;
//! - the role that may gets the route's success status.
//!
//! Each route gets records of its own (`Fx`), so one route's success cannot spoil another's.
use super::{methods, session};
use crate::common::{self, kube_body, persons_in, TestApp, REJASARI};
use reqwest::{Client, Method};
use serde_json::{json, Value};

/// The accounts of the test app, as the matrix names them.
const ADMIN: &str = "admin";
const KABID: &str = "kabid";
const OPERATOR: &str = "operator";
const AUDITOR: &str = "auditor";
const FIELD: &str = "p.langensari";
const OTHER_AREA: &str = "p.pataruman";
const ROLES: [&str; 5] = [ADMIN, KABID, OPERATOR, AUDITOR, FIELD];

/// Everyone who may write in Langensari, the pendamping first (the least privileged
/// performs the success).
const WRITERS: &[&str] = &[FIELD, OPERATOR, KABID, ADMIN];
/// The office: registry decisions, programmes, the catalogue.
const OFFICE: &[&str] = &[OPERATOR, KABID, ADMIN];
const ADMIN_ONLY: &[&str] = &[ADMIN];
const HEAD_ONLY: &[&str] = &[KABID];
const FIELD_ONLY: &[&str] = &[FIELD];
/// Decides data subjects' requests and keeps the breach register.
const DECIDERS: &[&str] = &[KABID, ADMIN];

/// Records made for one route: a KUBE of six in Rejasari, two more residents, a training
/// with a participant, a KUBE programme with a draft proposal and its attachment, an
/// individual programme with an enrolment and a cash benefit awaiting approval, a visit,
/// an account with a session, an upload.
pub(super) struct Fx {
    pub members: Vec<i64>,
    pub spare: [i64; 2],
    /// Five residents in no KUBE: a new group's members.
    pub free: Vec<i64>,
    pub kube: i64,
    pub training: i64,
    pub item: i64,
    pub programme: i64,
    pub individual: i64,
    pub benefit: i64,
    pub proposal: i64,
    pub attachment: i64,
    pub visit: i64,
    pub user: i64,
    pub user_session: i64,
    pub upload: i64,
    /// A criterion the region added (to retire).
    pub criterion: String,
    /// The NIK of `spare[0]`, who consented to a phone number and photos.
    pub spare_nik: String,
    /// A data subject's request about `spare[0]`, and a breach register entry.
    pub request: i64,
    pub incident: i64,
}

async fn created(r: reqwest::Response, what: &str) -> Value {
    let s = r.status();
    let body = r.text().await.unwrap();
    assert!(s.is_success(), "setup {what}: {s} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// A persons file the importer reads as it is.
fn persons_csv(seed: usize) -> String {
    format!(
        "nik,name,sex,birth_date,village_code\n32790417036{:05},Warga Impor {seed},P,17/03/1960,{REJASARI}\n",
        seed
    )
}

pub(super) async fn fixture(app: &TestApp, tokens: &Tokens, seed: usize) -> Fx {
    let op = &tokens.api(OPERATOR);
    let admin = &tokens.api(ADMIN);
    let people = persons_in(app, op, REJASARI, 13, seed).await;
    let members = people[..6].to_vec();
    let spare = [people[6], people[7]];
    let free = people[8..].to_vec();
    let k = created(
        app.post(
            op,
            "/api/v1/kube",
            kube_body(&format!("KUBE Matriks {seed}"), REJASARI, &members),
        )
        .await,
        "kube",
    )
    .await;
    let kube = k["id"].as_i64().unwrap();
    let t = created(
        app.post(
            op,
            "/api/v1/trainings",
            json!({"title": format!("Bimtek {seed}"), "kind": "pelatihan",
            "starts_on": "2026-01-01", "ends_on": "2026-01-01", "village_code": REJASARI}),
        )
        .await,
        "training",
    )
    .await;
    let training = t["id"].as_i64().unwrap();
    created(
        app.post(
            op,
            &format!("/api/v1/trainings/{training}/participants"),
            json!({"person_id": members[0]}),
        )
        .await,
        "participant",
    )
    .await;
    let item = created(
        app.post(
            op,
            "/api/v1/items",
            json!({"name": format!("Kambing {seed}"), "unit": "ekor", "unit_price": 2_000_000}),
        )
        .await,
        "item",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let programme = created(
        app.post(
            op,
            "/api/v1/programmes",
            json!({"name": format!("UEP {seed}"), "year": 2026,
            "funding_source": "apbd_kota", "target": "kube", "budget": 100_000_000}),
        )
        .await,
        "programme",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let individual = created(
        app.post(
            op,
            "/api/v1/programmes",
            json!({"name": format!("Asistensi {seed}"), "year": 2026,
            "funding_source": "apbd_kota", "target": "individual", "budget": 100_000_000}),
        )
        .await,
        "individual programme",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    created(
        app.post(
            op,
            &format!("/api/v1/programmes/{individual}/enrolments"),
            json!({"person_id": spare[0]}),
        )
        .await,
        "enrolment",
    )
    .await;
    let benefit = created(
        app.post(
            op,
            &format!("/api/v1/programmes/{individual}/benefits"),
            json!({"person_id": spare[0],
            "kind": "bantuan_bulanan", "period": "2026-11", "amount": 200_000}),
        )
        .await,
        "benefit",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let proposal = created(
        app.post(op, "/api/v1/proposals", json!({"kube_id": kube, "programme_id": programme,
            "items": [{"item_id": item, "quantity": 2}], "justification": "Usaha ternak berkembang"}))
            .await,
        "proposal",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let attachment = created(
        Client::new()
            .post(app.url(&format!(
                "/api/v1/proposals/{proposal}/attachments?filename=a.pdf"
            )))
            .bearer_auth(op)
            .body(b"%PDF-1.4 x".to_vec())
            .send()
            .await
            .unwrap(),
        "attachment",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let visit = created(
        app.post(
            op,
            &format!("/api/v1/kube/{kube}/visits"),
            json!({"visited_on": "2026-11-05",
            "operating": true, "members_present": 5, "meetings_held": 1}),
        )
        .await,
        "visit",
    )
    .await["visit"]["id"]
        .as_i64()
        .unwrap();
    let name = format!("matriks{seed}");
    let user = created(
        app.post(
            admin,
            "/api/v1/users",
            json!({"username": name, "password": common::PASSWORD, "role": "operator"}),
        )
        .await,
        "user",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    app.token(&name).await;
    let sessions = created(
        app.get(admin, &format!("/api/v1/users/{user}/sessions"))
            .await,
        "sessions",
    )
    .await;
    let user_session = sessions[0]["id"].as_i64().unwrap();
    // An upload of the operator's, through the page (the import screens are per uploader).
    let upload = super::upload(app, &tokens.page(OPERATOR), &persons_csv(seed)).await;
    let spare_nik = created(
        app.get(op, &format!("/api/v1/persons/{}", spare[0])).await,
        "person",
    )
    .await["nik"]
        .as_str()
        .unwrap()
        .to_string();
    for kind in ["phone", "photos"] {
        created(
            app.post(
                op,
                &format!("/api/v1/persons/{}/consents", spare[0]),
                json!({"kind": kind, "given_on": "2026-11-01", "method": "written"}),
            )
            .await,
            "consent",
        )
        .await;
    }
    let request = created(
        app.post(
            op,
            "/api/v1/data-requests",
            json!({"kind": "access", "requester": "Pemohon", "person_id": spare[0]}),
        )
        .await,
        "request",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let incident = created(
        app.post(admin, "/api/v1/incidents", json!({"title": format!("Insiden {seed}"), "description": "Berkas terkirim ke alamat salah",
            "data_kinds": ["identity"], "persons_affected": 2}))
            .await,
        "incident",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Fx {
        spare_nik,
        request,
        incident,
        members,
        spare,
        free,
        kube,
        training,
        item,
        programme,
        individual,
        benefit,
        proposal,
        attachment,
        visit,
        user,
        user_session,
        upload,
        criterion: created(
            app.post(
                admin,
                "/api/v1/checklist/criteria",
                json!({"stage": "maju", "label": format!("Butir daerah {seed}")}),
            )
            .await,
            "criterion",
        )
        .await["code"]
            .as_str()
            .unwrap()
            .to_string(),
    }
}

/// A concrete path for a write route, on the records of `fx`.
fn concrete_with(route: &str, fx: &Fx) -> String {
    let id = if route.starts_with("/api/v1/persons/") || route.starts_with("/persons/") {
        fx.spare[0]
    } else if route.contains("/kube/") {
        fx.kube
    } else if route.contains("/trainings/") {
        fx.training
    } else if route.contains("/programmes/") {
        fx.individual
    } else if route.contains("/proposals/") {
        fx.proposal
    } else if route.contains("/attachments/") {
        fx.attachment
    } else if route.contains("/visits/") {
        fx.visit
    } else if route.contains("/users/") {
        fx.user
    } else if route.contains("/import/") {
        fx.upload
    } else if route.contains("/data-requests/") {
        fx.request
    } else if route.contains("/incidents/") {
        fx.incident
    } else {
        0
    };
    route
        .replace("{id}", &id.to_string())
        .replace("{person_id}", &fx.members[5].to_string())
        .replace("{action}", "submit")
        .replace("{kind}", "persons")
        .replace("{sid}", &fx.user_session.to_string())
        .replace("{bid}", &fx.benefit.to_string())
        .replace("{file}", "x.csv")
        .replace("{code}", &fx.criterion)
}

/// A request body: JSON, a form, raw bytes, or a multipart upload.
enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
    Bytes(Vec<u8>),
    Upload(Vec<(&'static str, String)>, Vec<u8>, &'static str),
}

/// What a route needs and promises.
struct Case {
    /// The roles that may take the step; every other gets 403.
    allowed: &'static [&'static str],
    /// The status the allowed role gets.
    ok: u16,
    body: Body,
    /// The route acts on a Langensari record: another kecamatan's pendamping gets 404.
    area: bool,
    /// The Langensari record is named in the body, not the path: another kecamatan's
    /// pendamping gets the very answer a body naming no record gets (this one).
    missing: Option<Body>,
    /// The record is this account's own (an upload): the other allowed roles get 404, as
    /// for a record that does not exist.
    owner: Option<&'static str>,
}

fn case(allowed: &'static [&'static str], ok: u16, body: Body, area: bool) -> Case {
    Case {
        allowed,
        ok,
        body,
        area,
        missing: None,
        owner: None,
    }
}

/// A lowercase code from a number (business-type codes are letters and `_`).
fn letters(n: usize) -> String {
    n.to_string()
        .bytes()
        .map(|d| (b'a' + (d - b'0')) as char)
        .collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

/// The case of each write route; `None` for a route the matrix does not know (the test
/// fails on it: a new route needs its case).
fn case_of(m: &Method, route: &str, fx: &Fx, seed: usize) -> Option<Case> {
    use Body::*;
    let [s0, s1] = fx.spare;
    let nik = format!("32790441018{:05}", seed);
    let person = json!({"nik": nik, "name": format!("Warga Baru {seed}"), "sex": "P", "birth_date": "1980-01-01",
        "village_code": REJASARI, "categories": ["fakir_miskin"], "confirm_duplicate": true});
    let rows_of = |ids: &[i64]| -> Vec<(&'static str, String)> {
        ids.iter()
            .enumerate()
            .flat_map(|(i, id)| {
                let role = ["ketua", "sekretaris", "bendahara"]
                    .get(i)
                    .copied()
                    .unwrap_or("anggota");
                [
                    ("member_person", id.to_string()),
                    ("member_role", role.to_string()),
                ]
            })
            .collect()
    };
    let kube_form = |name: String, members: &[i64]| -> Vec<(&'static str, String)> {
        let mut f = vec![
            ("name", name),
            ("business_type", "ternak_kambing".into()),
            ("village_code", REJASARI.into()),
            ("formed_on", "2012-05-14".into()),
            ("funding_source", "apbd_kota".into()),
            ("stage", "pembentukan".into()),
        ];
        f.extend(rows_of(members));
        f
    };
    let visit = json!({"visited_on": "2026-11-20", "operating": true, "members_present": 5, "meetings_held": 1});
    let visit_form = vec![
        ("visited_on", "2026-11-20".to_string()),
        ("operating", "1".into()),
        ("meetings_held", "1".into()),
        ("members_present", "5".into()),
        ("books_up_to_date", "1".into()),
        ("revenue", "1000000".into()),
        ("expenses", "500000".into()),
        ("savings_balance", "100000".into()),
        ("asset_count", "".into()),
        ("asset_value", "".into()),
        ("problems", "".into()),
        ("actions", "".into()),
    ];
    let person_form = vec![
        ("nik", nik.clone()),
        ("name", format!("Warga Formulir {seed}")),
        ("sex", "P".into()),
        ("birth_date", "1980-01-01".into()),
        ("village_code", REJASARI.into()),
        ("categories", "fakir_miskin".into()),
        ("confirm_duplicate", "1".into()),
    ];
    let programme_form = vec![
        ("name", format!("Program Formulir {seed}")),
        ("year", "2026".into()),
        ("funding_source", "apbd_kota".into()),
        ("target", "kube".into()),
        ("budget", "10000000".into()),
        ("quota", "".into()),
        ("package_value", "".into()),
    ];
    let user_form = |name: String| -> Vec<(&'static str, String)> {
        vec![
            ("username", name),
            ("password", common::PASSWORD.into()),
            ("role", "operator".into()),
            ("lang", "id".into()),
        ]
    };
    let get = m.as_str();
    Some(match (get, route) {
        ("POST", "/api/v1/business-types") => case(
            ADMIN_ONLY,
            201,
            Json(
                json!({"code": format!("usaha_{}", letters(seed)), "name": format!("Usaha {seed}")}),
            ),
            false,
        ),
        ("POST", "/api/v1/import/{kind}") => {
            case(WRITERS, 200, Bytes(persons_csv(seed).into_bytes()), false)
        }
        // The facilitator's own plan: no one else writes it.
        ("PUT", "/api/v1/monthly/plan") => case(
            FIELD_ONLY,
            204,
            Json(json!({"month": "2026-11", "plan": format!("Rencana {seed}")})),
            false,
        ),
        ("POST", "/monthly/plan") => case(
            FIELD_ONLY,
            303,
            Form(vec![
                ("month", "2026-11".into()),
                ("plan", format!("Rencana {seed}")),
            ]),
            false,
        ),
        ("POST", "/api/v1/items") => case(
            OFFICE,
            201,
            Json(json!({"name": format!("Bibit {seed}"), "unit": "paket", "unit_price": 100_000})),
            false,
        ),
        ("POST", "/items") => case(
            OFFICE,
            303,
            Form(vec![
                ("name", format!("Pakan {seed}")),
                ("unit", "karung".into()),
                ("unit_price", "150000".into()),
                ("category", "".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/packages") => case(
            OFFICE,
            201,
            Json(
                json!({"name": format!("Paket {seed}"), "business_type": "ternak_kambing",
                "items": [{"item_id": fx.item, "quantity": 3}]}),
            ),
            false,
        ),
        ("POST", "/api/v1/kube") => case(
            WRITERS,
            201,
            Json(kube_body(&format!("KUBE Baru {seed}"), REJASARI, &fx.free)),
            false,
        ),
        ("POST", "/kube") => case(
            WRITERS,
            303,
            Form(kube_form(format!("KUBE Form {seed}"), &fx.free)),
            false,
        ),
        ("PATCH", "/api/v1/kube/{id}") => {
            case(WRITERS, 200, Json(json!({"notes": "Catatan"})), true)
        }
        ("POST", "/kube/{id}") => case(
            WRITERS,
            303,
            Form(kube_form(format!("KUBE Matriks {seed}"), &fx.members)),
            true,
        ),
        // Giving groups to a pendamping is the office's: a pendamping is refused whatever
        // the groups' area.
        ("POST", "/api/v1/kube/assign") => case(
            OFFICE,
            200,
            Json(json!({"kube_ids": [fx.kube], "pendamping_id": 0})),
            false,
        ),
        ("POST", "/kube/assign") => case(
            OFFICE,
            303,
            Form(vec![
                ("kube_id", fx.kube.to_string()),
                ("pendamping_id", "0".into()),
                ("back", "/kube".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/kube/{id}/members") => case(
            WRITERS,
            201,
            Json(json!({"person_id": s0, "role": "anggota"})),
            true,
        ),
        ("POST", "/kube/{id}/members") => case(
            WRITERS,
            303,
            Form(vec![
                ("person_id", s0.to_string()),
                ("role", "anggota".into()),
            ]),
            true,
        ),
        ("PATCH", "/api/v1/kube/{id}/members/{person_id}") => {
            case(WRITERS, 200, Json(json!({"role": "anggota"})), true)
        }
        ("POST", "/kube/{id}/members/{person_id}/role") => {
            case(WRITERS, 303, Form(vec![("role", "anggota".into())]), true)
        }
        ("DELETE", "/api/v1/kube/{id}/members/{person_id}") => case(
            WRITERS,
            200,
            Json(json!({"reason": "Pindah domisili"})),
            true,
        ),
        ("POST", "/kube/{id}/members/{person_id}/remove") => case(
            WRITERS,
            303,
            Form(vec![("reason", "Pindah domisili".into())]),
            true,
        ),
        ("POST", "/api/v1/kube/{id}/visits") => case(WRITERS, 201, Json(visit), true),
        ("POST", "/kube/{id}/visits/new") => case(WRITERS, 303, Form(visit_form), true),
        ("POST", "/api/v1/kube/{id}/checklists") => case(
            WRITERS,
            201,
            Json(
                json!({"assessed_on": "2026-11-21", "answers": [{"criterion": "name_board", "holds": true, "note": "Terpasang"}]}),
            ),
            true,
        ),
        ("POST", "/kube/{id}/checklist/new") => case(
            WRITERS,
            303,
            Upload(
                vec![
                    ("assessed_on", "2026-11-21".into()),
                    ("holds_name_board", "1".into()),
                    ("note_name_board", "Terpasang".into()),
                ],
                PNG.to_vec(),
                "papan.png",
            ),
            true,
        ),
        ("POST", "/api/v1/checklist/criteria") => case(
            ADMIN_ONLY,
            201,
            Json(json!({"stage": "tumbuh", "label": format!("Butir {seed}")})),
            false,
        ),
        ("POST", "/checklist/criteria") => case(
            ADMIN_ONLY,
            303,
            Form(vec![
                ("stage", "tumbuh".into()),
                ("label", format!("Butir halaman {seed}")),
            ]),
            false,
        ),
        ("POST", "/api/v1/checklist/criteria/{code}/retire") => case(ADMIN_ONLY, 204, None, false),
        ("POST", "/checklist/criteria/{code}/retire") => case(ADMIN_ONLY, 303, None, false),
        // The registry interface: searches for the administrator (and other systems'
        // accounts); the operations it does not offer refuse in the standard's words.
        ("POST", "/api/v1/registry/sync/search") => case(
            ADMIN_ONLY,
            200,
            Json(
                json!({"header": {"message_id": "m", "message_ts": "2026-12-06T03:00:00Z", "action": "search",
                "sender_id": "x", "total_count": 1},
                "message": {"transaction_id": "t", "search_request": [{"reference_id": "r",
                "timestamp": "2026-12-06T03:00:00Z", "search_criteria": {"query_type": "predicate",
                "query": [{"expression1": {"attribute_name": "sex", "operator": "eq", "attribute_value": "P"}}]}}]}}),
            ),
            false,
        ),
        ("POST", "/api/v1/registry/search")
        | ("POST", "/api/v1/registry/subscribe")
        | ("POST", "/api/v1/registry/unsubscribe")
        | ("POST", "/api/v1/registry/txn/status")
        | ("POST", "/api/v1/registry/sync/txn/status") => case(&ROLES, 200, Json(json!({})), false),
        ("POST", "/api/v1/persons") => case(WRITERS, 201, Json(person), false),
        ("POST", "/persons") => case(WRITERS, 303, Form(person_form), false),
        ("PATCH", "/api/v1/persons/{id}") => {
            case(WRITERS, 200, Json(json!({"notes": "Catatan"})), true)
        }
        ("POST", "/persons/{id}") => {
            let mut f = person_form;
            f.retain(|(k, _)| *k != "nik");
            f.push(("nik", format!("3279044101{:06}", 600_000 + seed)));
            case(WRITERS, 303, Form(f), true)
        }
        ("POST", "/api/v1/persons/duplicates/distinct") => case(
            OFFICE,
            204,
            Json(json!({"person_a": s0, "person_b": s1})),
            false,
        ),
        ("POST", "/persons/duplicates/distinct") => case(
            OFFICE,
            303,
            Form(vec![
                ("person_a", s0.to_string()),
                ("person_b", s1.to_string()),
            ]),
            false,
        ),
        ("POST", "/api/v1/persons/{id}/merge") => {
            case(OFFICE, 200, Json(json!({"other_id": s1})), false)
        }
        ("POST", "/persons/merge") => case(
            OFFICE,
            303,
            Form(vec![
                ("person_a", s0.to_string()),
                ("person_b", s1.to_string()),
            ]),
            false,
        ),
        ("POST", "/api/v1/programmes") => case(
            OFFICE,
            201,
            Json(
                json!({"name": format!("Program {seed}"), "year": 2026, "funding_source": "apbn",
                "target": "kube", "quota": 10}),
            ),
            false,
        ),
        ("POST", "/programmes") => case(OFFICE, 303, Form(programme_form), false),
        ("POST", "/api/v1/programmes/{id}/enrolments") => {
            case(WRITERS, 201, Json(json!({"person_id": s1})), false)
        }
        ("POST", "/programmes/{id}/enrol") => case(
            WRITERS,
            303,
            Form(vec![
                ("person_id", s1.to_string()),
                ("kind", "".into()),
                ("period", "".into()),
                ("amount", "".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/programmes/{id}/benefits") => case(
            WRITERS,
            201,
            Json(
                json!({"person_id": s0, "kind": "bantuan_bulanan", "period": "2026-12", "amount": 200_000}),
            ),
            false,
        ),
        ("POST", "/programmes/{id}/benefit") => case(
            WRITERS,
            303,
            Form(vec![
                ("person_id", s0.to_string()),
                ("kind", "bantuan_bulanan".into()),
                ("period", "2026-12".into()),
                ("amount", "200000".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/programmes/{id}/benefits/{bid}/approve") => {
            case(HEAD_ONLY, 200, None, false)
        }
        ("POST", "/programmes/{id}/benefits/{bid}/approve") => case(HEAD_ONLY, 303, None, false),
        // Several at once: each refused one is listed, the answer is still 200 / back to the page.
        ("POST", "/api/v1/programmes/{id}/benefits/approve") => case(
            HEAD_ONLY,
            200,
            Json(json!({"benefit_ids": [fx.benefit]})),
            false,
        ),
        ("POST", "/programmes/{id}/benefits/approve") => case(
            HEAD_ONLY,
            303,
            Form(vec![("benefit_id", fx.benefit.to_string())]),
            false,
        ),
        ("POST", "/api/v1/proposals") => Case {
            missing: Some(Json(
                json!({"kube_id": 999_999, "programme_id": fx.programme,
                "items": [{"item_id": fx.item, "quantity": 1}], "justification": "Tambahan modal"}),
            )),
            ..case(
                WRITERS,
                201,
                Json(json!({"kube_id": fx.kube, "programme_id": fx.programme,
                    "items": [{"item_id": fx.item, "quantity": 1}], "justification": "Tambahan modal"})),
                true,
            )
        },
        ("POST", "/proposals") => case(
            WRITERS,
            303,
            Form(vec![
                ("kube_id", fx.kube.to_string()),
                ("programme_id", fx.programme.to_string()),
                ("justification", "Tambahan modal".into()),
                ("item_id", fx.item.to_string()),
                ("quantity", "1".into()),
            ]),
            true,
        ),
        // The fixture's proposal is a draft: changed or withdrawn by any writer of its area.
        ("PUT", "/api/v1/proposals/{id}") => case(
            WRITERS,
            200,
            Json(json!({"programme_id": fx.programme,
                "items": [{"item_id": fx.item, "quantity": 3}], "justification": "Tambah indukan"})),
            true,
        ),
        ("POST", "/proposals/{id}") => case(
            WRITERS,
            303,
            Form(vec![
                ("programme_id", fx.programme.to_string()),
                ("justification", "Tambah indukan".into()),
                ("item_id", fx.item.to_string()),
                ("quantity", "3".into()),
            ]),
            true,
        ),
        ("DELETE", "/api/v1/proposals/{id}") => case(WRITERS, 204, None, true),
        ("POST", "/proposals/{id}/withdraw") => case(WRITERS, 303, Form(vec![]), true),
        // The step in the path is `submit`: field staff and the office, not the head.
        ("POST", "/api/v1/proposals/{id}/{action}") => {
            case(&[FIELD, OPERATOR, ADMIN], 200, Json(json!({})), true)
        }
        ("POST", "/proposals/{id}/act/{action}") => {
            case(&[FIELD, OPERATOR, ADMIN], 303, Form(vec![]), true)
        }
        ("POST", "/api/v1/proposals/{id}/attachments") => {
            case(WRITERS, 201, Bytes(b"%PDF-1.4 y".to_vec()), true)
        }
        ("POST", "/proposals/{id}/attachments") => case(
            WRITERS,
            303,
            Upload(vec![], b"%PDF-1.4 y".to_vec(), "usulan.pdf"),
            true,
        ),
        ("POST", "/api/v1/visits/{id}/photos") => case(WRITERS, 201, Bytes(PNG.to_vec()), true),
        // Personal data duties.
        ("POST", "/protection/copy") => case(
            OFFICE,
            200,
            Form(vec![("nik", fx.spare_nik.clone())]),
            false,
        ),
        ("POST", "/api/v1/personal-copy") | ("POST", "/api/v1/personal-copy.pdf") => {
            case(OFFICE, 200, Json(json!({"nik": fx.spare_nik})), false)
        }
        ("POST", "/data-requests") => case(
            OFFICE,
            303,
            Form(vec![
                ("kind", "correction".into()),
                ("requester", "Pemohon Formulir".into()),
                ("person_id", s0.to_string()),
                ("details", "Nama salah eja".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/data-requests") => case(
            OFFICE,
            201,
            Json(json!({"kind": "objection", "requester": "Pemohon API", "person_id": s0})),
            false,
        ),
        ("POST", "/data-requests/{id}/close") => case(
            DECIDERS,
            303,
            Form(vec![
                ("status", "refused".into()),
                ("outcome", "Data sudah disampaikan".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/data-requests/{id}/close") => case(
            DECIDERS,
            200,
            Json(json!({"status": "done", "outcome": "Salinan diserahkan"})),
            false,
        ),
        ("POST", "/persons/{id}/restriction/lift") => case(DECIDERS, 303, None, true),
        ("DELETE", "/api/v1/persons/{id}/restriction") => case(DECIDERS, 204, None, true),
        ("POST", "/persons/{id}/consents") => case(
            WRITERS,
            303,
            Form(vec![
                ("kind", "phone".into()),
                ("given_on", "02-11-2026".into()),
                ("method", "oral".into()),
            ]),
            true,
        ),
        ("POST", "/api/v1/persons/{id}/consents") => case(
            WRITERS,
            201,
            Json(json!({"kind": "photos", "given_on": "2026-11-02", "method": "form"})),
            true,
        ),
        ("POST", "/persons/{id}/consents/withdraw") => {
            case(WRITERS, 303, Form(vec![("kind", "phone".into())]), true)
        }
        ("POST", "/api/v1/persons/{id}/consents/withdraw") => {
            case(WRITERS, 200, Json(json!({"kind": "phone"})), true)
        }
        ("POST", "/api/v1/persons/{id}/photos") => case(WRITERS, 201, Bytes(PNG.to_vec()), true),
        ("POST", "/persons/{id}/photos") => {
            case(WRITERS, 303, Upload(vec![], PNG.to_vec(), "foto.png"), true)
        }
        ("POST", "/retention/anonymise") => {
            case(ADMIN_ONLY, 303, Form(vec![("confirm", "1".into())]), false)
        }
        ("POST", "/api/v1/retention/anonymise") => {
            case(ADMIN_ONLY, 200, Json(json!({"ids": []})), false)
        }
        ("POST", "/incidents") => case(
            DECIDERS,
            303,
            Form(vec![
                ("title", format!("Insiden formulir {seed}")),
                ("description", "Ponsel pendamping hilang".into()),
                ("data_kinds", "phone".into()),
                ("persons_affected", "12".into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/incidents") => case(
            DECIDERS,
            201,
            Json(
                json!({"title": format!("Insiden API {seed}"), "description": "x", "data_kinds": ["photos"], "persons_affected": 1}),
            ),
            false,
        ),
        ("POST", "/incidents/{id}") => case(
            DECIDERS,
            303,
            Form(vec![
                ("title", "Insiden diperbarui".into()),
                ("description", "Berkas terkirim ke alamat salah".into()),
                ("data_kinds", "identity".into()),
                ("persons_affected", "2".into()),
                ("notified", "persons".into()),
            ]),
            false,
        ),
        ("PUT", "/api/v1/incidents/{id}") => case(
            DECIDERS,
            200,
            Json(
                json!({"title": "Insiden", "description": "x", "data_kinds": ["identity"], "persons_affected": 2, "notified": ["authority"]}),
            ),
            false,
        ),
        ("POST", "/visits/{id}/photos") => {
            case(WRITERS, 303, Upload(vec![], PNG.to_vec(), "foto.png"), true)
        }
        ("POST", "/api/v1/trainings") => case(
            WRITERS,
            201,
            Json(
                json!({"title": format!("Pelatihan {seed}"), "kind": "pelatihan", "starts_on": "2026-02-01",
                "ends_on": "2026-02-01", "village_code": REJASARI}),
            ),
            false,
        ),
        ("POST", "/trainings") => case(
            WRITERS,
            303,
            Form(vec![
                ("title", format!("Pelatihan Form {seed}")),
                ("kind", "pelatihan".into()),
                ("starts_on", "2026-02-01".into()),
                ("ends_on", "2026-02-01".into()),
                ("village_code", REJASARI.into()),
            ]),
            false,
        ),
        ("POST", "/api/v1/trainings/{id}/participants") => {
            case(WRITERS, 201, Json(json!({"person_id": s0})), true)
        }
        ("POST", "/trainings/{id}/participants") => case(
            WRITERS,
            303,
            Form(vec![("person_id", s0.to_string())]),
            true,
        ),
        ("POST", "/api/v1/trainings/{id}/attendance") => case(
            WRITERS,
            200,
            Json(json!({"person_id": fx.members[0], "day": "2026-01-01", "present": true})),
            true,
        ),
        ("POST", "/trainings/{id}/attendance") => case(
            WRITERS,
            303,
            Form(vec![
                ("day", "2026-01-01".into()),
                ("present", fx.members[0].to_string()),
            ]),
            true,
        ),
        ("POST", "/api/v1/users") => case(
            ADMIN_ONLY,
            201,
            Json(
                json!({"username": format!("baru{seed}"), "password": common::PASSWORD, "role": "auditor"}),
            ),
            false,
        ),
        ("POST", "/users") => case(
            ADMIN_ONLY,
            303,
            Form(user_form(format!("form{seed}"))),
            false,
        ),
        ("PATCH", "/api/v1/users/{id}") => {
            case(ADMIN_ONLY, 200, Json(json!({"lang": "en"})), false)
        }
        ("POST", "/users/{id}") => case(
            ADMIN_ONLY,
            303,
            Form(user_form(format!("matriks{seed}"))),
            false,
        ),
        ("DELETE", "/api/v1/users/{id}/sessions") => case(ADMIN_ONLY, 204, None, false),
        ("POST", "/users/{id}/sessions/end") => case(ADMIN_ONLY, 303, Form(vec![]), false),
        ("DELETE", "/api/v1/users/{id}/sessions/{sid}") => case(ADMIN_ONLY, 204, None, false),
        ("POST", "/users/{id}/sessions/{sid}/end") => case(ADMIN_ONLY, 303, Form(vec![]), false),
        ("POST", "/import") => case(
            WRITERS,
            303,
            Upload(
                vec![("kind", "persons".into())],
                persons_csv(seed).into_bytes(),
                "warga.csv",
            ),
            false,
        ),
        // The upload is the operator's own: only its uploader goes on with it.
        ("POST", "/import/{id}/commit") => Case {
            owner: Some(OPERATOR),
            ..case(WRITERS, 303, Form(vec![("mode", "all".into())]), false)
        },
        ("POST", "/import/{id}/check") => Case {
            owner: Some(OPERATOR),
            ..case(WRITERS, 303, Form(vec![]), false)
        },
        ("POST", "/import/{id}/mapping") => Case {
            owner: Some(OPERATOR),
            ..case(WRITERS, 303, Form(vec![]), false)
        },
        _ => return Option::None,
    })
}

/// Routes every account uses on itself: its own session, tokens, profile and login.
fn own(route: &str) -> bool {
    route.starts_with("/api/v1/auth/")
        || route.starts_with("/api/v1/tokens")
        || route.starts_with("/profile")
        || matches!(route, "/login" | "/logout")
}

/// The session of each account: (bearer token, CSRF token of its pages).
pub(super) struct Tokens(Vec<(&'static str, (String, String))>);

impl Tokens {
    fn page(&self, who: &str) -> (String, String) {
        self.0.iter().find(|(w, _)| *w == who).unwrap().1.clone()
    }
    fn api(&self, who: &str) -> String {
        self.page(who).0
    }
}

/// What a write answered: its status, what it says (a file's cells or text included) and
/// where it sends the browser next.
struct Answer {
    status: reqwest::StatusCode,
    text: String,
    location: Option<String>,
}

async fn send(
    app: &TestApp,
    tokens: &Tokens,
    who: &str,
    m: &Method,
    path: &str,
    body: &Body,
) -> Answer {
    let c = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (token, csrf) = tokens.page(who);
    let mut req = c.request(m.clone(), app.url(path));
    req = if path.starts_with("/api/") {
        req.bearer_auth(&token)
    } else {
        req.header("cookie", format!("sikube_session={token}"))
            .header("x-csrf-token", &csrf)
    };
    req = match body {
        Body::None if path.starts_with("/api/") => req,
        Body::None => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(""),
        Body::Json(v) => req.json(v),
        Body::Form(f) => req.form(f),
        Body::Bytes(b) => req
            .header("content-type", "application/octet-stream")
            .body(b.clone()),
        Body::Upload(fields, bytes, name) => {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in fields {
                form = form.text(*k, v.clone());
            }
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name(*name),
            );
            req.multipart(form)
        }
    };
    let r = req.send().await.unwrap();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(String::from);
    Answer {
        status: r.status(),
        text: super::readable(&r.bytes().await.unwrap()),
        location,
    }
}

/// The roles that see personal data masked, and what none of their answers may hold:
/// NIKs, KK numbers and birth dates (in every written form), and for a pendamping the
/// names of persons outside their kecamatan.
struct Secrets {
    numbers_and_dates: Vec<String>,
    /// (pendamping, names of persons outside their area)
    names: Vec<(&'static str, Vec<String>)>,
}

impl Secrets {
    /// The persons of a route's records and the resident of Pataruman.
    async fn of(app: &TestApp, op: &str, fx: &Fx, elsewhere: &Value) -> Secrets {
        let mut numbers_and_dates = Vec::new();
        let mut langensari_names = Vec::new();
        let ids = fx.members.iter().chain(&fx.spare).chain(&fx.free);
        let mut persons = vec![elsewhere.clone()];
        for id in ids {
            persons.push(app.get_json(op, &format!("/api/v1/persons/{id}")).await);
        }
        for p in &persons {
            for k in ["nik", "kk_number"] {
                if let Some(n) = p[k].as_str().filter(|n| n.len() == 16) {
                    numbers_and_dates.push(n.to_string());
                }
            }
            numbers_and_dates.extend(super::date_forms(p["birth_date"].as_str().unwrap()));
        }
        for p in &persons[1..] {
            langensari_names.push(p["name"].as_str().unwrap().to_string());
        }
        assert!(numbers_and_dates.len() > 13 * 7, "{numbers_and_dates:?}");
        Secrets {
            numbers_and_dates,
            names: vec![
                (FIELD, vec![elsewhere["name"].as_str().unwrap().to_string()]),
                (OTHER_AREA, langensari_names),
            ],
        }
    }

    /// What an answer to a masked role gives away: its own text, and the page it sends
    /// the browser to (where a flash message would say it).
    async fn leaks(&self, app: &TestApp, tokens: &Tokens, who: &str, a: &Answer) -> Vec<String> {
        if !matches!(who, FIELD | AUDITOR | OTHER_AREA) {
            return Vec::new();
        }
        let mut texts = vec![a.text.clone()];
        if let Some(next) = a.location.as_deref().filter(|l| l.starts_with('/')) {
            let r = Client::new()
                .get(app.url(next))
                .header("cookie", format!("sikube_session={}", tokens.page(who).0))
                .send()
                .await
                .unwrap();
            texts.push(super::readable(&r.bytes().await.unwrap()));
        }
        let names = self
            .names
            .iter()
            .filter(|(w, _)| *w == who)
            .flat_map(|(_, n)| n);
        texts
            .iter()
            .flat_map(|t| {
                self.numbers_and_dates
                    .iter()
                    .chain(names.clone())
                    .filter(|s| t.contains(s.as_str()))
                    .map(move |s| format!("{who} was shown {s}"))
            })
            .collect()
    }
}

async fn audit_total(app: &TestApp, admin: &str) -> i64 {
    app.get_json(admin, "/api/v1/audit?limit=1").await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn every_write_route_refuses_the_wrong_role_and_area_and_serves_the_right_one() {
    let app = TestApp::spawn().await;
    let mut list = Vec::new();
    for who in [ADMIN, KABID, OPERATOR, AUDITOR, FIELD, OTHER_AREA] {
        list.push((who, session(&app, who).await));
    }
    let tokens = Tokens(list);
    let admin = tokens.api(ADMIN);
    let mut routes: Vec<String> = web::page_paths();
    routes.extend(web::api::api_paths());
    routes.sort();
    routes.dedup();
    let probe = fixture(&app, &tokens, 10).await;
    let mut writes = Vec::new();
    for route in &routes {
        for m in methods(&app, &concrete_with(route, &probe)).await {
            if m != Method::GET && !own(route) && !super::PUBLIC.contains(&route.as_str()) {
                writes.push((m, route.clone()));
            }
        }
    }
    let unknown: Vec<String> = writes
        .iter()
        .filter(|(m, r)| case_of(m, r, &probe, 10).is_none())
        .map(|(m, r)| format!("{m} {r}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "write routes without a case: {unknown:?}"
    );
    assert!(writes.len() > 50, "{} write routes", writes.len());
    // A resident of Pataruman: the Langensari pendamping may not learn of her.
    let op = tokens.api(OPERATOR);
    let elsewhere = created(
        app.post(
            &op,
            "/api/v1/persons",
            json!({"nik": "3279024303850004", "kk_number": "3279020101090004",
                "name": "Sutarjo Wiradikarta", "sex": "P", "birth_date": "1985-03-03",
                "village_code": "32.79.02.1002", "confirm_duplicate": true}),
        )
        .await,
        "resident of Pataruman",
    )
    .await;
    let mut failures = Vec::new();
    for (n, (m, route)) in writes.iter().enumerate() {
        let seed = 11 + n;
        let fx = fixture(&app, &tokens, seed).await;
        let secrets = Secrets::of(&app, &op, &fx, &elsewhere).await;
        let path = concrete_with(route, &fx);
        let c = case_of(m, route, &fx, seed).unwrap();
        for who in ROLES.iter().filter(|r| !c.allowed.contains(r)) {
            let before = audit_total(&app, &admin).await;
            let a = send(&app, &tokens, who, m, &path, &c.body).await;
            if a.status != 403 {
                failures.push(format!("{who} {m} {path}: {} (expected 403)", a.status));
            }
            failures.extend(secrets.leaks(&app, &tokens, who, &a).await);
            if audit_total(&app, &admin).await != before {
                failures.push(format!("{who} {m} {path} changed something"));
            }
        }
        if c.area && c.allowed.contains(&FIELD) {
            let before = audit_total(&app, &admin).await;
            let a = send(&app, &tokens, OTHER_AREA, m, &path, &c.body).await;
            failures.extend(secrets.leaks(&app, &tokens, OTHER_AREA, &a).await);
            let (status, text) = (a.status, a.text);
            if let Some(missing) = &c.missing {
                let a = send(&app, &tokens, OTHER_AREA, m, &path, missing).await;
                let (s2, t2) = (a.status, a.text);
                if (status, &text) != (s2, &t2) {
                    failures.push(format!(
                        "{OTHER_AREA} {m} {path}: {status} {text} differs from a missing record's {s2} {t2}"
                    ));
                }
            } else if status != 404 {
                failures.push(format!("{OTHER_AREA} {m} {path}: {status} (expected 404)"));
            }
            if audit_total(&app, &admin).await != before {
                failures.push(format!("{OTHER_AREA} {m} {path} changed something"));
            }
        }
        if let Some(owner) = c.owner {
            for who in c.allowed.iter().filter(|w| **w != owner) {
                let before = audit_total(&app, &admin).await;
                let a = send(&app, &tokens, who, m, &path, &c.body).await;
                if a.status != 404 {
                    failures.push(format!(
                        "{who} {m} {path}: {} (expected 404: not theirs)",
                        a.status
                    ));
                }
                failures.extend(secrets.leaks(&app, &tokens, who, &a).await);
                if audit_total(&app, &admin).await != before {
                    failures.push(format!("{who} {m} {path} changed something"));
                }
            }
        }
        let who = c.owner.unwrap_or(c.allowed[0]);
        let a = send(&app, &tokens, who, m, &path, &c.body).await;
        let s = a.status.as_u16();
        if s != c.ok {
            let body: String = a.text.chars().take(300).collect();
            failures.push(format!("{who} {m} {path}: {s} (expected {}) {body}", c.ok));
        }
        failures.extend(
            secrets
                .leaks(&app, &tokens, who, &a)
                .await
                .into_iter()
                .map(|l| format!("{m} {path}: {l}")),
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.stop().await;
}
