//! The DCI Social Registry interface (spdci `social_api_v1.0.0`) under `/api/v1/registry`:
//! the synchronous search in the standard's envelope (header, message; the signature is
//! optional as the standard allows, and not checked), answering `reg_records` of persons
//! with their household, KUBE, enrolments and benefits, page by page. The standard's
//! operations this registry does not offer (the asynchronous search, subscriptions,
//! status checks) answer the standard's refusal, not 404.
use crate::session::Session;
use crate::AppState;
use app::registry::Record;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use domain::registry::{PageOf, Rejected};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use utoipa_axum::routes;

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_sync_search))
        .routes(routes!(api_search))
        .routes(routes!(api_subscribe))
        .routes(routes!(api_unsubscribe))
        .routes(routes!(api_txn_status))
        .routes(routes!(api_sync_txn_status))
}

/// The protocol version this registry speaks.
const VERSION: &str = "1.0.0";
/// The most searches one message may hold.
const BATCH_MAX: usize = 10;

/// A unique id for a message or a correlation (time, a counter and the caller's ids).
fn new_id(state: &AppState, seed: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let now = state
        .clock()
        .now()
        .timestamp_nanos_opt()
        .unwrap_or_default();
    hex::encode(Sha256::digest(format!("{now}|{n}|{seed}").as_bytes()))[..20].to_string()
}

fn now(state: &AppState) -> String {
    state.clock().now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The standard's HTTP-level error (`HttpErrorResponse`).
fn http_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{"code": code, "message": message}]})),
    )
        .into_response()
}

fn unauthorized() -> Response {
    http_error(
        StatusCode::UNAUTHORIZED,
        "err.request.unauthorized",
        "an API token of the registry's interop account is required",
    )
}

/// The answer envelope: the standard's callback header and a message.
fn envelope(
    state: &AppState,
    request_header: &Value,
    action: &str,
    status: &str,
    reason: Option<(&str, &str)>,
    total: usize,
    message: Value,
) -> Response {
    let mut header = json!({
        "version": VERSION,
        "message_id": new_id(state, request_header["message_id"].as_str().unwrap_or("")),
        "message_ts": now(state),
        "action": action,
        "status": status,
        "total_count": total,
        "completed_count": total,
        "sender_id": format!("sikube.{}", state.settings.region.as_str()),
        "is_msg_encrypted": false,
    });
    if let Some(s) = request_header["sender_id"].as_str() {
        header["receiver_id"] = json!(s);
    }
    if let Some((code, text)) = reason {
        header["status_reason_code"] = json!(code);
        header["status_reason_message"] = json!(text);
    }
    // A message refused as a whole carries the header only (the standard's `message` is
    // a search response or nothing).
    let body = if message.is_null() {
        json!({"header": header})
    } else {
        json!({"header": header, "message": message})
    };
    (StatusCode::OK, Json(body)).into_response()
}

fn sex_word(s: &str) -> &'static str {
    if s == "P" {
        "female"
    } else {
        "male"
    }
}

fn identifier(kind: &str, value: &str) -> Value {
    json!({"@type": "Identifier", "identifier_type": kind, "identifier_value": value})
}

/// A person as a `reg_records` item: the standard's Member shape, with the household
/// (family card), the KUBE the person belongs or belonged to, and enrolments with benefits.
fn record(state: &AppState, r: &Record) -> Value {
    let mut demographic = json!({
        "@type": "SRPerson",
        "identifier": [identifier("NIK", &r.nik)],
        "name": {"@type": "Name", "given_name": r.name},
        "sex": sex_word(&r.sex),
        "address": {"@type": "Address",
            "region": state.areas.name(&r.village_code),
            "city": state.areas.name(&r.district_code)},
    });
    if let Some(b) = r.birth_date {
        demographic["birth_date"] = json!(b.format("%Y-%m-%d").to_string());
    }
    let mut attributes = vec![
        json!({"name": "age", "value": r.age}),
        json!({"name": "district_code", "value": r.district_code}),
        json!({"name": "village_code", "value": r.village_code}),
    ];
    if let Some(d) = r.dtsen_decile {
        attributes.push(json!({"name": "dtsen_decile", "value": d}));
    }
    let kube: Vec<Value> = r
        .kube
        .iter()
        .map(|k| {
            json!({
                "group_identifier": identifier("KUBE", &k.registration_number),
                "group_name": k.name,
                "role": k.role,
                "joined_on": k.joined_on.to_string(),
                "left_on": k.left_on.map(|d| d.to_string()),
                "status": k.status,
                "goods_received_value": format!("IDR {}", k.aid_value),
            })
        })
        .collect();
    // Enrolments in programme order, each with its benefits.
    let mut programmes: Vec<Value> = Vec::new();
    for b in &r.benefits {
        let key = format!("{}|{}", b.programme, b.programme_year);
        let at = match programmes
            .iter()
            .position(|p| p["programme"]["programme_identifier"] == key.as_str())
        {
            Some(i) => i,
            None => {
                programmes.push(json!({
                    "programme": {"programme_identifier": key, "programme_name": b.programme},
                    "enrolment_date": b.enrolled_on.to_string(),
                    "enrolment_status": "Active",
                    "benefits": [],
                }));
                programmes.len() - 1
            }
        };
        if let (Some(kind), Some(amount)) = (&b.kind, b.amount) {
            if let Some(list) = programmes[at]["benefits"].as_array_mut() {
                list.push(json!({
                    "benefit_type": kind,
                    "benefit_date": b.given_on.map(|d| d.to_string()),
                    "benefit_value": format!("IDR {amount}"),
                    "benefit_frequency": b.period,
                }));
            }
        }
    }
    let mut out = json!({
        "@type": "Member",
        "member_identifier": [identifier("NIK", &r.nik)],
        "demographic_info": demographic,
        "relationship_head": match r.household_role.as_deref() {
            Some("kepala_keluarga") => "self",
            Some(other) => other,
            None => "",
        },
        "registration_date": r.created_at,
        "last_update": r.updated_at,
        "additional_attributes": attributes,
        "kube_membership": kube,
        "programme_identifier": programmes,
    });
    if let Some(kk) = &r.kk_number {
        out["group_identifier"] = json!([identifier("KK", kk)]);
    }
    out
}

/// One search of a batch: its answer item (found, or refused with the reason).
async fn one_search(state: &AppState, s: &Session, item: &Value) -> Result<Value, Response> {
    let reference = item["reference_id"].as_str().unwrap_or("").to_string();
    let refused = |r: Rejected| {
        json!({"reference_id": reference, "timestamp": now(state), "status": "rjct",
               "status_reason_code": r.code, "status_reason_message": r.message})
    };
    if reference.is_empty() || reference.len() > 99 {
        return Ok(refused(Rejected {
            code: "rjct.reference_id.invalid",
            message: "reference_id is required (at most 99 characters)".into(),
        }));
    }
    let criteria = &item["search_criteria"];
    // No criterion holds a NUL character (PostgreSQL refuses one in text).
    if crate::json::has_nul(criteria) {
        return Ok(refused(Rejected {
            code: "rjct.search_criteria.invalid",
            message: "a text of the search criteria holds a NUL character".into(),
        }));
    }
    if criteria["response_entity"]
        .as_str()
        .is_some_and(|e| e != "Member")
    {
        return Ok(refused(Rejected {
            code: "rjct.search_criteria.invalid",
            message: "this registry answers persons (response_entity Member)".into(),
        }));
    }
    let parsed = domain::registry::parse(
        criteria["query_type"].as_str().unwrap_or(""),
        &criteria["query"],
    )
    .and_then(|q| Ok((q, domain::registry::page(&criteria["pagination"])?)));
    let (q, page): (_, PageOf) = match parsed {
        Ok(x) => x,
        Err(r) => return Ok(refused(r)),
    };
    let found = match app::registry::search(&state.app(), &s.caller(), &q, page).await {
        Ok(f) => f,
        Err(app::Error::Forbidden) => {
            return Err(http_error(
                StatusCode::FORBIDDEN,
                "err.request.forbidden",
                "this account may not search the registry",
            ))
        }
        Err(app::Error::Limited(m)) => {
            return Err(http_error(
                StatusCode::TOO_MANY_REQUESTS,
                "err.request.too_many_requests",
                &m.text(domain::Lang::En),
            ))
        }
        Err(_) => {
            return Err(http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "err.service.unavailable",
                "the search failed",
            ))
        }
    };
    let records: Vec<Value> = found.items.iter().map(|r| record(state, r)).collect();
    Ok(json!({
        "reference_id": reference,
        "timestamp": now(state),
        "status": "succ",
        "data": {"version": VERSION, "reg_records": records},
        "pagination": {"page_size": page.size, "page_number": page.number, "total_count": found.total},
        "locale": "ind",
    }))
}

/// Search the registry synchronously (DCI Social Registry v1.0.0 `/registry/sync/search`):
/// `idtype-value` by `NIK` or `KK`, or `predicate` on `district_code`, `village_code`
/// (`eq`, `in`), `sex` (`eq`), `age` (`eq`, `gt`, `ge`, `lt`, `le`), `kube_member` (`eq`),
/// combined with `and` (an age as text: the standard's `oneOf` of integer and number takes
/// no whole number); `pagination` from page 1 (at most 500 a page); at most 10
/// searches a message. Answers `reg_records` of persons (Member) with their family card,
/// KUBE and the goods their group received, enrolments and benefits. For accounts of role
/// `interop` (the kecamatan granted to them; NIK, KK masked, birth date withheld) and the
/// administrator. Each NIK or KK search is a counted, limited lookup; every search is audited.
#[utoipa::path(post, path = "/api/v1/registry/sync/search", tag = "registry",
    request_body(content = Object, description = "The standard's envelope: `{signature?, header: MsgHeader (action `search`), message: SearchRequest}`"),
    responses((status = 200, description = "The standard's envelope: `{header: MsgCallbackHeader (action `on-search`), message: SearchResponse}`", body = Object),
              (status = 400, description = "Not a message (`HttpErrorResponse`)", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object),
              (status = 403, description = "`HttpErrorResponse`", body = Object),
              (status = 429, description = "Lookups of the day used up (`HttpErrorResponse`)", body = Object)))]
pub(crate) async fn api_sync_search(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    body: Bytes,
) -> Response {
    let Some(Extension(s)) = session else {
        return unauthorized();
    };
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return http_error(
            StatusCode::BAD_REQUEST,
            "err.request.bad",
            "the body is not JSON",
        );
    };
    let header = &v["header"];
    let message = &v["message"];
    let signed = v
        .get("signature")
        .is_none_or(|s| s.is_string() && !crate::json::has_nul(s));
    if !header.is_object() || !message.is_object() || !signed {
        return http_error(
            StatusCode::BAD_REQUEST,
            "err.request.bad",
            "a message has a header and a message (and a text signature, if any)",
        );
    }
    let rejected = |code: &str, text: &str| {
        envelope(
            &state,
            header,
            "on-search",
            "rjct",
            Some((code, text)),
            0,
            Value::Null,
        )
    };
    if header["is_msg_encrypted"].as_bool() == Some(true) || message.get("ciphertext").is_some() {
        return http_error(
            StatusCode::BAD_REQUEST,
            "err.encryption.invalid",
            "this registry takes unencrypted messages over TLS",
        );
    }
    if header["version"].as_str().is_some_and(|v| v != VERSION) {
        return rejected("rjct.version.invalid", "this registry speaks version 1.0.0");
    }
    if header["action"].as_str() != Some("search") {
        return rejected(
            "rjct.action.invalid",
            "the action of a search is \"search\"",
        );
    }
    let Some(items) = message["search_request"].as_array() else {
        return rejected("rjct.action.invalid", "the message has no search_request");
    };
    if items.is_empty() || items.len() > BATCH_MAX {
        return rejected(
            "rjct.total_count.limit_exceeded",
            "a message holds 1 to 10 searches",
        );
    }
    let mut answers = Vec::with_capacity(items.len());
    let mut seen = Vec::new();
    for item in items {
        let reference = item["reference_id"].as_str().unwrap_or("");
        if !reference.is_empty() && seen.contains(&reference) {
            answers.push(
                json!({"reference_id": reference, "timestamp": now(&state), "status": "rjct",
                "status_reason_code": "rjct.reference_id.duplicate",
                "status_reason_message": "each search of a message has its own reference_id"}),
            );
            continue;
        }
        seen.push(reference);
        match one_search(&state, &s, item).await {
            Ok(a) => answers.push(a),
            Err(r) => return r,
        }
    }
    let transaction = message["transaction_id"].as_str().unwrap_or("").to_string();
    let correlation = new_id(&state, &transaction);
    envelope(
        &state,
        header,
        "on-search",
        "succ",
        None,
        answers.len(),
        json!({"transaction_id": transaction, "correlation_id": correlation, "search_response": answers}),
    )
}

/// The standard's acknowledgement refusing an operation this registry does not offer.
fn not_offered(state: &AppState, session: Option<Extension<Session>>, what: &str) -> Response {
    if session.is_none() {
        return unauthorized();
    }
    (
        StatusCode::OK,
        Json(json!({"message": {
            "ack_status": "ERR",
            "timestamp": now(state),
            "error": {"code": "err.request.bad",
                      "message": format!("{what} is not offered by this registry: use /api/v1/registry/sync/search")},
            "correlation_id": new_id(state, what),
        }})),
    )
        .into_response()
}

/// The asynchronous search: not offered (the standard's `ERR` acknowledgement).
#[utoipa::path(post, path = "/api/v1/registry/search", tag = "registry",
    responses((status = 200, description = "The standard's acknowledgement, `ack_status` `ERR`", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object)))]
pub(crate) async fn api_search(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Response {
    not_offered(&state, session, "the asynchronous search")
}

/// Subscriptions to registry events: not offered (the standard's `ERR` acknowledgement).
#[utoipa::path(post, path = "/api/v1/registry/subscribe", tag = "registry",
    responses((status = 200, description = "The standard's acknowledgement, `ack_status` `ERR`", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object)))]
pub(crate) async fn api_subscribe(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Response {
    not_offered(&state, session, "subscribing")
}

/// Ending a subscription: not offered (the standard's `ERR` acknowledgement).
#[utoipa::path(post, path = "/api/v1/registry/unsubscribe", tag = "registry",
    responses((status = 200, description = "The standard's acknowledgement, `ack_status` `ERR`", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object)))]
pub(crate) async fn api_unsubscribe(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Response {
    not_offered(&state, session, "unsubscribing")
}

/// The status of an asynchronous request: not offered (the standard's `ERR` acknowledgement).
#[utoipa::path(post, path = "/api/v1/registry/txn/status", tag = "registry",
    responses((status = 200, description = "The standard's acknowledgement, `ack_status` `ERR`", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object)))]
pub(crate) async fn api_txn_status(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Response {
    not_offered(&state, session, "the transaction status")
}

/// The synchronous status check: nothing is kept to check (searches answer at once), so
/// the standard's envelope refuses the action.
#[utoipa::path(post, path = "/api/v1/registry/sync/txn/status", tag = "registry",
    responses((status = 200, description = "The standard's envelope, header `status` `rjct`, `rjct.action.not_supported`", body = Object),
              (status = 401, description = "`HttpErrorResponse`", body = Object)))]
pub(crate) async fn api_sync_txn_status(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
) -> Response {
    if session.is_none() {
        return unauthorized();
    }
    envelope(
        &state,
        &Value::Null,
        "txn-on-status",
        "rjct",
        Some((
            "rjct.action.not_supported",
            "searches are answered at once: there is no transaction to check",
        )),
        0,
        Value::Null,
    )
}
