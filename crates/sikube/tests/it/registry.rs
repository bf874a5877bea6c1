//! The DCI Social Registry sync search, as a provincial system calls it with an interop
//! account: requests and answers checked against the standard's own OpenAPI file
//! (spdci/api-standards `release/yaml/social_api_v1.0.0.yaml` at 4e1fd1a, kept in
//! `tests/dci/`); the account sees only its kecamatan, masked, audited and counted; the
//! operations not offered answer the standard's refusal; it reaches nothing else.
use crate::common::{kube_body, persons_in, TestApp, PASSWORD, PATARUMAN, REJASARI};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The standard's document as JSON, its `$ref`s made resolvable: the bundled file points
/// some references through a `$ref` (`…/message/oneOf/0/properties/…`, where `oneOf/0`
/// is `{$ref: SearchRequest}`); each is rewritten to the pointer it means.
fn standard() -> Value {
    let text = include_str!("../dci/social_api_v1.0.0.yaml");
    let doc: Value = serde_yaml_ng::from_str(text).expect("the standard's YAML");
    let mut out = doc.clone();
    rewrite(&doc, &mut out);
    out
}

fn unescape(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn pointer(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", escape(s))).collect()
}

/// The pointer a `$ref` means, following the references it passes through.
fn canonical(doc: &Value, reference: &str) -> String {
    let mut path: Vec<String> = Vec::new();
    for seg in reference.trim_start_matches("#/").split('/').map(unescape) {
        loop {
            let node = doc.pointer(&pointer(&path)).expect("a node on the way");
            if node.pointer(&format!("/{}", escape(&seg))).is_some() {
                path.push(seg.clone());
                break;
            }
            let next = node["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{reference}: no {seg}"));
            path = next
                .trim_start_matches("#/")
                .split('/')
                .map(unescape)
                .collect();
        }
    }
    format!("#{}", pointer(&path))
}

fn rewrite(doc: &Value, v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                let c = canonical(doc, r);
                m.insert("$ref".into(), Value::String(c));
            }
            for (_, x) in m.iter_mut() {
                rewrite(doc, x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite(doc, x)),
        _ => {}
    }
}

/// A validator of the part of the standard at `at` (a JSON pointer into the document).
fn validator(doc: &Value, at: &str) -> jsonschema::Validator {
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#{at}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&root)
        .expect("the standard's schema compiles")
}

fn valid(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the standard: {errors:#?}\n{instance:#}"
    );
}

const SYNC: &str = "/paths/~1registry~1sync~1search/post";

pub(crate) fn message(searches: Value) -> Value {
    json!({
        "signature": "Signature: namespace=\"dci\", kidId=\"provinsi|1|ed25519\", algorithm=\"ed25519\"",
        "header": {"version": "1.0.0", "message_id": "msg-1", "message_ts": "2026-12-06T03:00:00Z",
                   "action": "search", "sender_id": "siks.jabarprov.go.id", "receiver_id": "sikube",
                   "total_count": searches.as_array().map_or(0, Vec::len), "is_msg_encrypted": false},
        "message": {"transaction_id": "trx-1", "search_request": searches},
    })
}

pub(crate) fn by_nik(reference: &str, nik: &str) -> Value {
    json!({"reference_id": reference, "timestamp": "2026-12-06T03:00:00Z",
           "search_criteria": {"version": "1.0.0", "reg_event_type": "REGISTER", "query_type": "idtype-value",
                               "response_entity": "Member", "query": {"type": "NIK", "value": nik},
                               "pagination": {"page_size": 10, "page_number": 1}},
           "locale": "ind"})
}

fn by_predicate(reference: &str, query: Value, page_size: u32, page_number: u32) -> Value {
    json!({"reference_id": reference, "timestamp": "2026-12-06T03:00:00Z",
           "search_criteria": {"query_type": "predicate", "query": query,
                               "pagination": {"page_size": page_size, "page_number": page_number}}})
}

#[tokio::test]
async fn a_provincial_system_checks_who_receives_what() {
    let app = TestApp::spawn().await;
    let doc = standard();
    let request = validator(
        &doc,
        &format!("{SYNC}/requestBody/content/application~1json/schema"),
    );
    let answer = validator(
        &doc,
        &format!("{SYNC}/responses/default/content/application~1json/schema"),
    );
    let http_error = validator(
        &doc,
        "/components/responses/HttpErrorResponse/content/application~1json/schema",
    );
    let ack = validator(
        &doc,
        "/components/responses/Response/content/application~1json/schema",
    );

    let op = app.token("operator").await;
    let admin = app.token("admin").await;
    let members = persons_in(&app, &op, REJASARI, 6, 61).await;
    let elsewhere = persons_in(&app, &op, PATARUMAN, 2, 62).await;
    let r = app
        .post(
            &op,
            "/api/v1/kube",
            kube_body("KUBE Registri", REJASARI, &members),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = app
        .post(
            &op,
            "/api/v1/programmes",
            json!({"name": "ASLUT Kota", "year": 2026, "funding_source": "apbd_kota",
            "target": "individual", "budget": 10_000_000}),
        )
        .await
        .json()
        .await
        .unwrap();
    let pid = p["id"].as_i64().unwrap();
    let r = app
        .post(
            &op,
            &format!("/api/v1/programmes/{pid}/enrolments"),
            json!({"person_id": members[5]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .post(&op, &format!("/api/v1/programmes/{pid}/benefits"),
              json!({"person_id": members[5], "kind": "bantuan_bulanan", "period": "2026-11", "amount": 300_000}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let nik_of = |id: i64| {
        let op = op.clone();
        let app = &app;
        async move {
            app.get_json(&op, &format!("/api/v1/persons/{id}")).await["nik"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let nik = nik_of(members[5]).await;
    let outside = nik_of(elsewhere[0]).await;

    // The province's account: Langensari only.
    let r = app
        .post(
            &admin,
            "/api/v1/users",
            json!({"username": "siks.provinsi", "password": PASSWORD,
            "role": "interop", "districts": ["32.79.04"]}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let interop = app.token("siks.provinsi").await;

    // By NIK: the person, their KUBE, enrolment and benefit; NIK echoed, KK masked, no
    // birth date.
    let req = message(json!([by_nik("r-1", &nik)]));
    valid(&request, &req, "the request");
    let r = app
        .post(&interop, "/api/v1/registry/sync/search", req)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let a: Value = r.json().await.unwrap();
    valid(&answer, &a, "the answer");
    // The check bites: a status the standard does not know is caught.
    let mut broken = a.clone();
    broken["header"]["status"] = json!("ok");
    assert!(!answer.is_valid(&broken));
    assert_eq!(a["header"]["action"], "on-search");
    assert_eq!(a["header"]["status"], "succ");
    assert_eq!(a["header"]["receiver_id"], "siks.jabarprov.go.id");
    assert_eq!(a["message"]["transaction_id"], "trx-1");
    let item = &a["message"]["search_response"][0];
    assert_eq!(item["reference_id"], "r-1");
    assert_eq!(item["status"], "succ");
    assert_eq!(item["pagination"]["total_count"], 1);
    let rec = &item["data"]["reg_records"][0];
    assert_eq!(
        rec["member_identifier"][0]["identifier_value"],
        nik.as_str()
    );
    assert!(rec["demographic_info"].get("birth_date").is_none(), "{rec}");
    assert_eq!(rec["kube_membership"][0]["group_name"], "KUBE Registri");
    assert_eq!(rec["kube_membership"][0]["role"], "anggota");
    let prog = &rec["programme_identifier"][0];
    assert_eq!(prog["programme"]["programme_name"], "ASLUT Kota");
    assert_eq!(prog["benefits"][0]["benefit_value"], "IDR 300000");

    // A person of another kecamatan reads as one who does not exist.
    let r = app
        .post(
            &interop,
            "/api/v1/registry/sync/search",
            message(json!([by_nik("r-2", &outside)])),
        )
        .await;
    let a: Value = r.json().await.unwrap();
    valid(&answer, &a, "the answer");
    assert_eq!(
        a["message"]["search_response"][0]["pagination"]["total_count"],
        0
    );
    assert_eq!(
        a["message"]["search_response"][0]["data"]["reg_records"],
        json!([])
    );

    // By attributes, a page at a time: persons of Langensari aged 18 to 100 in a KUBE;
    // NIKs masked; two pages of 4 cover the six members. (An age goes as text: the
    // standard's `oneOf` of integer and number takes no whole number.)
    let query = json!([
        {"seq_num": 1, "expression1": {"attribute_name": "district_code", "operator": "eq", "attribute_value": "32.79.04"},
         "condition": "and", "expression2": {"attribute_name": "kube_member", "operator": "eq", "attribute_value": true}},
        {"seq_num": 2, "expression1": {"attribute_name": "age", "operator": "ge", "attribute_value": "18"},
         "condition": "and", "expression2": {"attribute_name": "age", "operator": "le", "attribute_value": "100"}}
    ]);
    let mut seen = Vec::new();
    for page in [1, 2] {
        let req = message(json!([by_predicate("p", query.clone(), 4, page)]));
        valid(&request, &req, "the predicate request");
        let a: Value = app
            .post(&interop, "/api/v1/registry/sync/search", req)
            .await
            .json()
            .await
            .unwrap();
        valid(&answer, &a, "the predicate answer");
        let item = &a["message"]["search_response"][0];
        assert_eq!(item["pagination"]["total_count"], 6, "{item}");
        for rec in item["data"]["reg_records"].as_array().unwrap() {
            let shown = rec["member_identifier"][0]["identifier_value"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(shown.contains('•'), "a NIK in full: {shown}");
            seen.push(
                rec["demographic_info"]["name"]["given_name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);
    // Asking for the other kecamatan finds nothing: the grant is the limit.
    let other = json!([{"expression1": {"attribute_name": "district_code", "operator": "eq", "attribute_value": "32.79.02"}}]);
    let a: Value = app
        .post(
            &interop,
            "/api/v1/registry/sync/search",
            message(json!([by_predicate("o", other, 10, 1)])),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        a["message"]["search_response"][0]["pagination"]["total_count"],
        0
    );

    // Refusals in the standard's words: a query it cannot answer, a bad page, a second
    // search with one reference, too many searches, a wrong action.
    let or = json!([{"expression1": {"attribute_name": "sex", "operator": "eq", "attribute_value": "L"},
                     "condition": "or", "expression2": {"attribute_name": "sex", "operator": "eq", "attribute_value": "P"}}]);
    let req = message(json!([
        by_predicate("x1", or, 10, 1),
        by_predicate("x2", query.clone(), 0, 1),
        by_nik("x1", &nik)
    ]));
    let a: Value = app
        .post(&interop, "/api/v1/registry/sync/search", req)
        .await
        .json()
        .await
        .unwrap();
    valid(&answer, &a, "the refusals");
    let codes: Vec<&str> = a["message"]["search_response"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status_reason_code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "rjct.search_criteria.invalid",
            "rjct.pagination.invalid",
            "rjct.reference_id.duplicate"
        ]
    );
    let many: Vec<Value> = (0..11).map(|i| by_nik(&format!("m{i}"), &nik)).collect();
    let a: Value = app
        .post(
            &interop,
            "/api/v1/registry/sync/search",
            message(json!(many)),
        )
        .await
        .json()
        .await
        .unwrap();
    valid(&answer, &a, "too many");
    assert_eq!(a["header"]["status"], "rjct");
    assert_eq!(
        a["header"]["status_reason_code"],
        "rjct.total_count.limit_exceeded"
    );
    let mut wrong = message(json!([by_nik("w", &nik)]));
    wrong["header"]["action"] = json!("subscribe");
    let a: Value = app
        .post(&interop, "/api/v1/registry/sync/search", wrong)
        .await
        .json()
        .await
        .unwrap();
    valid(&answer, &a, "a wrong action");
    assert_eq!(a["header"]["status_reason_code"], "rjct.action.invalid");
    // A NUL character (PostgreSQL refuses one in text) in a criterion: that search is
    // rejected with the reason, in the standard's shape, on both databases.
    let nul = message(
        json!([{"reference_id": "n", "timestamp": "2026-12-01T00:00:00Z",
        "search_criteria": {"query_type": "predicate", "query": [{"expression1": {
            "attribute_name": "district_code", "operator": "eq", "attribute_value": "32.79\u{0}"}}]}}]),
    );
    let a: Value = app
        .post(&interop, "/api/v1/registry/sync/search", nul)
        .await
        .json()
        .await
        .unwrap();
    valid(&answer, &a, "a NUL character");
    let item = &a["message"]["search_response"][0];
    assert_eq!(
        item["status_reason_code"], "rjct.search_criteria.invalid",
        "{a}"
    );

    // The operations not offered: the standard's refusal, not 404.
    for path in [
        "/api/v1/registry/search",
        "/api/v1/registry/subscribe",
        "/api/v1/registry/txn/status",
    ] {
        let r = app
            .post(&interop, path, message(json!([by_nik("a", &nik)])))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let a: Value = r.json().await.unwrap();
        valid(&ack, &a, path);
        assert_eq!(a["message"]["ack_status"], "ERR");
    }
    let a: Value = app
        .post(
            &interop,
            "/api/v1/registry/sync/txn/status",
            json!({"header": {}, "message": {}}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        a["header"]["status_reason_code"],
        "rjct.action.not_supported"
    );

    // Without a token, or with an account that may not search: the standard's HTTP errors.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/registry/sync/search"))
        .json(&message(json!([])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    valid(&http_error, &r.json().await.unwrap(), "401");
    let r = app
        .post(
            &op,
            "/api/v1/registry/sync/search",
            message(json!([by_nik("o", &nik)])),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    valid(&http_error, &r.json().await.unwrap(), "403");

    // The interop account reaches nothing else, reads nothing, writes nothing.
    for path in [
        "/api/v1/persons",
        "/api/v1/kube",
        &format!("/api/v1/persons/{}", members[0]),
        "/api/v1/dashboard",
    ] {
        let r = app.get(&interop, path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = app.post(&interop, "/api/v1/persons", json!({})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Every page and every read of the API but its own, its profile and the documents.
    let mut routes = web::page_paths();
    routes.extend(web::api::api_paths());
    let open = [
        "/api/v1/registry/",
        "/api/v1/auth/",
        "/profile",
        "/static/",
        "/lang/",
        "/api/docs",
    ];
    for route in routes {
        if open.iter().any(|p| route.starts_with(p))
            || [
                "/login",
                "/logout",
                "/api/openapi.json",
                "/healthz",
                "/readyz",
                "/publik",
            ]
            .contains(&route.as_str())
            || route.starts_with("/guide/")
        {
            continue;
        }
        let path = route
            .replace("{id}", "1")
            .replace("{person_id}", "1")
            .replace("{name}", "kube-status")
            .replace("{kind}", "persons")
            .replace("{file}", "x.csv")
            .replace("{code}", "x")
            .replace("{action}", "submit")
            .replace("{page}", "operator")
            .replace("{sid}", "1")
            .replace("{bid}", "1")
            .replace("{nik}", "3279045708920003");
        let r = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(&path))
            .bearer_auth(&interop)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(r.status().as_u16(), 403 | 405),
            "{path}: {}",
            r.status()
        );
    }

    // Every search is in the audit trail; each NIK asked is a counted lookup.
    let audit: Value = app
        .get_json(&admin, "/api/v1/audit?action=registry_search&limit=100")
        .await;
    assert!(audit["items"].as_array().unwrap().len() >= 5, "{audit}");
    assert!(audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["username"] == "siks.provinsi" || e["username"] == "admin"));
}
