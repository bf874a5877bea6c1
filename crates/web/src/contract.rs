//! The OpenAPI document as served: what every operation shares, stated once, so that a
//! generated client and a fuzzer read the server as it is — the error answers each
//! operation can give (with the error body), files as bytes, and the operations that need
//! no authentication marked so.
use serde_json::{json, Value};

/// Operations anyone may call.
const PUBLIC: [&str; 3] = ["/healthz", "/readyz", "/api/v1/auth/login"];

/// The DCI registry interface answers in its standard's shapes (documented on its
/// operations), not in SIKUBE's error body.
const OWN_SHAPES: &str = "/api/v1/registry/";

fn error(description: &str) -> Value {
    json!({"description": description,
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
}

/// A file: its bytes (`format: binary`, which generators hand to the caller as a file).
fn bytes() -> Value {
    json!({"type": "string", "format": "binary"})
}

/// An operation's id from its method and path (`get_kube_id_checklists`): unique, as a
/// generated client names its functions by it (the handlers' names repeat per module).
fn operation_id(method: &str, path: &str) -> String {
    let rest = path.strip_prefix(crate::schema::PREFIX).unwrap_or(path);
    let words: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_matches(|c| c == '{' || c == '}')
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    format!("{method}_{}", words.join("_"))
}

/// Completes one operation of `path`.
fn operation(method: &str, path: &str, op: &mut Value) {
    op["operationId"] = json!(operation_id(method, path));
    let public = PUBLIC.contains(&path);
    if public {
        op["security"] = json!([]);
    }
    // Files both ways are bytes.
    // (`get_mut`, not indexing: indexing a missing key would insert a null.)
    let body = op.get_mut("requestBody").and_then(|b| b.get_mut("content"));
    for (media_type, media) in body.and_then(Value::as_object_mut).into_iter().flatten() {
        if media_type != "application/json" {
            media["schema"] = bytes();
        }
    }
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (_, r) in responses.iter_mut() {
            let content = r.get_mut("content").and_then(Value::as_object_mut);
            for (media, m) in content.into_iter().flatten() {
                if media != "application/json" && !m["schema"].is_object() {
                    m["schema"] = bytes();
                }
            }
        }
    }
    if path.starts_with(OWN_SHAPES) || !path.starts_with("/api/") {
        return;
    }
    let has_body = op.get("requestBody").is_some();
    let json_body = op["requestBody"]["content"]
        .get("application/json")
        .is_some();
    let has_params = op["parameters"].as_array().is_some_and(|p| !p.is_empty());
    let path_params = path.contains('{');
    let names_record = op["parameters"].as_array().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["name"].as_str().is_some_and(|n| n.ends_with("_id")))
    });
    let mut add = |status: &str, description: &str| {
        if let Some(rs) = op.get_mut("responses").and_then(Value::as_object_mut) {
            rs.entry(status).or_insert_with(|| error(description));
        }
    };
    add(
        "400",
        "The request could not be read (malformed parameter or body)",
    );
    if !public {
        add("401", "Not logged in, or the token ended");
        add("403", "The caller's role may not do this");
    }
    // A record named in the path, the body or a query parameter (`…_id`) may not exist,
    // or lie outside the caller's area (which reads the same).
    if path_params || has_body || names_record {
        add("404", "No such record in the caller's area");
    }
    if has_body || has_params {
        add("422", "Invalid input: each field with its reason");
    }
    // A change may meet a record in a state that refuses it (merged into another, already
    // decided, dissolved, changed meanwhile).
    if method != "get" {
        add("409", "The record's state refuses this change");
    }
    if json_body {
        add("415", "The body is not sent as application/json");
    }
    if has_body {
        add("413", "The body is too large");
    }
    add(
        "429",
        "Too many requests (login attempts, NIK lookups, imports at once)",
    );
    add("500", "An internal error (logged; nothing was changed)");
}

/// A text without NUL characters: PostgreSQL refuses them, and so does the server.
const NO_NUL: &str = "^[^\\u0000]*$";

/// Not blank (the source's `\S`) and without NUL characters.
const NON_BLANK: &str = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$";

/// A pattern that would let a NUL character through, made to refuse it too: the source's
/// `\S` (not blank), and lookahead rules (`^(?=…)`, the password's) get one more rule.
/// The others list their characters.
fn without_nul(pattern: &str) -> Option<String> {
    if pattern == "\\S" {
        Some(NON_BLANK.to_string())
    } else {
        let rest = pattern.strip_prefix("^(?=")?;
        Some(format!("^(?=[^\\u0000]*$)(?={rest}"))
    }
}

/// Whether a schema's `type` (one name or a list) includes `t`.
fn has_type(type_: Option<&Value>, t: &str) -> bool {
    match type_ {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|x| x == t),
        _ => false,
    }
}

/// `allOf` parts merged into one object schema (their properties and required fields), so
/// that each object can be closed without refusing its other parts' fields.
fn merge_all_of(node: &mut Value, components: &Value) {
    match node {
        Value::Object(m) => {
            if let Some(Value::Array(parts)) = m.remove("allOf") {
                let mut props = serde_json::Map::new();
                let mut required: Vec<Value> = Vec::new();
                for mut part in parts {
                    if let Some(name) = part["$ref"].as_str() {
                        let name = name.rsplit('/').next().unwrap_or_default();
                        part = components[name].clone();
                    }
                    merge_all_of(&mut part, components);
                    if let Some(p) = part["properties"].as_object() {
                        props.extend(p.clone());
                    }
                    for r in part["required"].as_array().into_iter().flatten() {
                        if !required.contains(r) {
                            required.push(r.clone());
                        }
                    }
                }
                m.insert("type".into(), json!("object"));
                m.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    m.insert("required".into(), Value::Array(required));
                }
            }
            m.values_mut().for_each(|v| merge_all_of(v, components));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| merge_all_of(v, components)),
        _ => {}
    }
}

/// Every schema as strict as the server reads it: objects refuse fields they do not
/// name (`web::json::JsonIn` does), texts hold no NUL character, integers fit the server's
/// integer — so that what the document calls valid, the server accepts.
fn tighten(node: &mut Value) {
    match node {
        Value::Object(m) => {
            let (text, integer) = (
                has_type(m.get("type"), "string"),
                has_type(m.get("type"), "integer"),
            );
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), json!(false));
            }
            let free_text = ["format", "pattern", "enum", "const"]
                .iter()
                .all(|k| !m.contains_key(*k));
            if text && free_text {
                m.insert("pattern".into(), json!(NO_NUL));
            }
            if let Some(p) = m
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(without_nul)
            {
                m.insert("pattern".into(), json!(p));
            }
            if integer {
                let (min, max) = if m.get("format").is_some_and(|f| f == "int32") {
                    (i64::from(i32::MIN), i64::from(i32::MAX))
                } else {
                    (i64::MIN, i64::MAX)
                };
                m.entry("minimum").or_insert(json!(min));
                m.entry("maximum").or_insert(json!(max));
            }
            m.values_mut().for_each(tighten);
        }
        Value::Array(a) => a.iter_mut().for_each(tighten),
        _ => {}
    }
}

/// A query parameter is left out, not sent empty (the server refuses `name=` under
/// `/api`: an empty date or number is no value, and an empty text filters nothing).
fn query_not_empty(op: &mut Value) {
    for p in op
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if p["in"] == "query" && has_type(p["schema"].get("type"), "string") {
            let min = p["schema"]["minLength"].as_u64().unwrap_or(0).max(1);
            p["schema"]["minLength"] = json!(min);
        }
    }
}

/// The DCI registry's envelope, as far as the server reads it before answering in the
/// standard's own shapes: a header and a message, both objects.
fn envelope() -> Value {
    json!({"type": "object", "required": ["header", "message"], "additionalProperties": true,
           "properties": {"signature": {"type": "string"},
                          "header": {"type": "object"}, "message": {"type": "object"}}})
}

/// Completes every operation of the document.
pub fn complete(doc: &mut Value) {
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            for (method, op) in item.as_object_mut().into_iter().flatten() {
                if op.get("responses").is_some() {
                    operation(method, path, op);
                    query_not_empty(op);
                    let json_body = op
                        .get_mut("requestBody")
                        .and_then(|b| b.get_mut("content"))
                        .and_then(|c| c.get_mut("application/json"));
                    if let (true, Some(media)) = (path.starts_with(OWN_SHAPES), json_body) {
                        media["schema"] = envelope();
                    }
                }
            }
        }
    }
    let components = doc["components"]["schemas"].clone();
    merge_all_of(doc, &components);
    tighten(doc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/v1/kube/{id}/checklists"),
            "get_kube_id_checklists"
        );
        assert_eq!(
            operation_id("get", "/api/v1/dtsen/usulan.xlsx"),
            "get_dtsen_usulan_xlsx"
        );
        assert_eq!(operation_id("get", "/healthz"), "get_healthz");
    }

    #[test]
    fn errors_files_and_public_operations() {
        let mut doc = json!({"paths": {
            "/healthz": {"get": {"responses": {"200": {"description": "alive"}}}},
            "/api/v1/kube/{id}/visits": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/VisitIn"}}}},
                "responses": {"201": {"description": ""}}}},
            "/api/v1/proposals/{id}/bast.pdf": {"get": {"responses": {"200": {"description": "PDF",
                "content": {"application/pdf": {}}}}}},
        }});
        complete(&mut doc);
        let health = &doc["paths"]["/healthz"]["get"];
        assert_eq!(health["security"], json!([]));
        assert!(health["responses"].get("401").is_none());
        let visits = &doc["paths"]["/api/v1/kube/{id}/visits"]["post"]["responses"];
        for s in [
            "400", "401", "403", "404", "413", "415", "422", "429", "500",
        ] {
            assert_eq!(
                visits[s]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{s}"
            );
        }
        let pdf = &doc["paths"]["/api/v1/proposals/{id}/bast.pdf"]["get"];
        assert_eq!(
            pdf["responses"]["200"]["content"]["application/pdf"]["schema"],
            bytes()
        );
        assert!(pdf.get("requestBody").is_none(), "nothing inserted");
        assert!(pdf["responses"].get("415").is_none() && pdf["responses"].get("422").is_none());
        assert!(
            pdf["responses"].get("409").is_none(),
            "a read changes nothing"
        );
    }
}
