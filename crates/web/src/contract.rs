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
    // A record named in the path or the body may not exist, or lie outside the caller's
    // area (which reads the same).
    if path_params || has_body {
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

/// Completes every operation of the document.
pub fn complete(doc: &mut Value) {
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            for (method, op) in item.as_object_mut().into_iter().flatten() {
                if op.get("responses").is_some() {
                    operation(method, path, op);
                }
            }
        }
    }
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
