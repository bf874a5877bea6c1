//! Searches another system sends through the DCI Social Registry interface (spdci
//! `social_api_v1.0.0`): an `idtype-value` query by NIK or family card, or a `predicate`
//! query on attributes (kecamatan, village, sex, age, KUBE membership), with its page. A
//! query this registry cannot answer is rejected with the standard's reason code.
use serde_json::Value;

/// One condition of a predicate query; all of them must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Districts(Vec<String>),
    Villages(Vec<String>),
    /// `L` or `P`.
    Sex(String),
    AgeAtLeast(u32),
    AgeAtMost(u32),
    KubeMember(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Nik(String),
    FamilyCard(String),
    Where(Vec<Condition>),
}

/// Why a search is refused: the standard's reason code and words for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub code: &'static str,
    pub message: String,
}

fn criteria(message: impl Into<String>) -> Rejected {
    Rejected {
        code: "rjct.search_criteria.invalid",
        message: message.into(),
    }
}

/// The attribute names a predicate may use, as the interface documents them.
pub const ATTRIBUTES: [&str; 5] = ["district_code", "village_code", "sex", "age", "kube_member"];

/// The identifier types an `idtype-value` query may use.
pub const ID_TYPES: [&str; 2] = ["NIK", "KK"];

fn sixteen_digits(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.trim().to_string()]),
        Value::Array(a) if !a.is_empty() && a.len() <= 100 => a
            .iter()
            .map(|x| x.as_str().map(|s| s.trim().to_string()))
            .collect(),
        _ => None,
    }
}

fn age(v: &Value) -> Option<u32> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (n <= 150).then_some(n as u32)
}

/// One `attribute operator value` expression as conditions.
fn expression(e: &Value) -> Result<Vec<Condition>, Rejected> {
    let name = e["attribute_name"].as_str().unwrap_or("");
    let op = e["operator"].as_str().unwrap_or("");
    let v = &e["attribute_value"];
    let bad = || {
        criteria(format!(
            "{name} {op} {v} is not a condition this registry answers"
        ))
    };
    Ok(match (name, op) {
        ("district_code", "eq" | "in") => vec![Condition::Districts(strings(v).ok_or_else(bad)?)],
        ("village_code", "eq" | "in") => vec![Condition::Villages(strings(v).ok_or_else(bad)?)],
        ("sex", "eq") => {
            let s = match v.as_str().map(|s| s.trim().to_lowercase()).as_deref() {
                Some("l" | "male" | "m") => "L",
                Some("p" | "female" | "f") => "P",
                _ => return Err(bad()),
            };
            vec![Condition::Sex(s.into())]
        }
        ("age", _) => {
            let a = age(v).ok_or_else(bad)?;
            match op {
                "ge" => vec![Condition::AgeAtLeast(a)],
                "gt" => vec![Condition::AgeAtLeast(a + 1)],
                "le" => vec![Condition::AgeAtMost(a)],
                "lt" if a > 0 => vec![Condition::AgeAtMost(a - 1)],
                "eq" => vec![Condition::AgeAtLeast(a), Condition::AgeAtMost(a)],
                _ => return Err(bad()),
            }
        }
        ("kube_member", "eq") => vec![Condition::KubeMember(v.as_bool().ok_or_else(bad)?)],
        _ => return Err(bad()),
    })
}

/// Reads a search's `query_type` and `query`.
pub fn parse(query_type: &str, query: &Value) -> Result<Query, Rejected> {
    match query_type {
        "idtype-value" => {
            let kind = query["type"].as_str().unwrap_or("").trim().to_uppercase();
            let value = sixteen_digits(&query["value"])
                .ok_or_else(|| criteria("the value is not a 16-digit number"))?;
            match kind.as_str() {
                "NIK" => Ok(Query::Nik(value)),
                "KK" => Ok(Query::FamilyCard(value)),
                _ => Err(criteria(format!(
                    "identifier type {kind:?} is not one of {}",
                    ID_TYPES.join(", ")
                ))),
            }
        }
        "predicate" => {
            let items = query
                .as_array()
                .filter(|a| !a.is_empty() && a.len() <= 20)
                .ok_or_else(|| criteria("a predicate query is a list of 1 to 20 expressions"))?;
            let mut out = Vec::new();
            for item in items {
                out.extend(expression(&item["expression1"])?);
                match item.get("condition").and_then(Value::as_str) {
                    None if item.get("expression2").is_none() => {}
                    Some("and") => out.extend(expression(&item["expression2"])?),
                    _ => return Err(criteria("expressions combine with \"and\" only")),
                }
            }
            Ok(Query::Where(out))
        }
        other => Err(criteria(format!(
            "query type {other:?} is not supported (idtype-value, predicate)"
        ))),
    }
}

/// The most records one page holds.
pub const PAGE_MAX: u32 = 500;

/// A page as the standard counts it (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOf {
    pub size: u32,
    pub number: u32,
}

/// Reads `pagination` (absent: the first page of 100).
pub fn page(p: &Value) -> Result<PageOf, Rejected> {
    if p.is_null() {
        return Ok(PageOf {
            size: 100,
            number: 1,
        });
    }
    let bad = || Rejected {
        code: "rjct.pagination.invalid",
        message: format!("page_size is 1 to {PAGE_MAX}, page_number from 1"),
    };
    let whole = |v: &Value| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 1.0);
    let size = whole(&p["page_size"]).ok_or_else(bad)?;
    let number = if p["page_number"].is_null() {
        1.0
    } else {
        whole(&p["page_number"]).ok_or_else(bad)?
    };
    if size > PAGE_MAX as f64 || number > 1_000_000.0 {
        return Err(bad());
    }
    Ok(PageOf {
        size: size as u32,
        number: number as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identifier_queries() {
        assert_eq!(
            parse(
                "idtype-value",
                &json!({"type": "NIK", "value": "3279045708920003"})
            ),
            Ok(Query::Nik("3279045708920003".into()))
        );
        assert_eq!(
            parse(
                "idtype-value",
                &json!({"type": "kk", "value": "3279040101100009"})
            ),
            Ok(Query::FamilyCard("3279040101100009".into()))
        );
        for bad in [
            json!({"type": "UIN", "value": "3279045708920003"}),
            json!({"type": "NIK", "value": "12"}),
            json!({"type": "NIK"}),
        ] {
            assert_eq!(
                parse("idtype-value", &bad).unwrap_err().code,
                "rjct.search_criteria.invalid"
            );
        }
        assert!(parse("expression", &json!({})).is_err());
    }

    #[test]
    fn predicates_and_only() {
        let q = json!([
            {"seq_num": 1, "expression1": {"attribute_name": "district_code", "operator": "eq", "attribute_value": "32.79.04"},
             "condition": "and", "expression2": {"attribute_name": "age", "operator": "gt", "attribute_value": 59}},
            {"seq_num": 2, "expression1": {"attribute_name": "sex", "operator": "eq", "attribute_value": "female"}}
        ]);
        assert_eq!(
            parse("predicate", &q),
            Ok(Query::Where(vec![
                Condition::Districts(vec!["32.79.04".into()]),
                Condition::AgeAtLeast(60),
                Condition::Sex("P".into()),
            ]))
        );
        let or = json!([{"expression1": {"attribute_name": "sex", "operator": "eq", "attribute_value": "L"},
            "condition": "or", "expression2": {"attribute_name": "sex", "operator": "eq", "attribute_value": "P"}}]);
        assert!(parse("predicate", &or).is_err());
        let unknown = json!([{"expression1": {"attribute_name": "income", "operator": "lt", "attribute_value": 5}}]);
        assert!(parse("predicate", &unknown).is_err());
        assert!(parse("predicate", &json!([])).is_err());
        let eq = json!([{"expression1": {"attribute_name": "age", "operator": "eq", "attribute_value": "40"}}]);
        assert_eq!(
            parse("predicate", &eq),
            Ok(Query::Where(vec![
                Condition::AgeAtLeast(40),
                Condition::AgeAtMost(40)
            ]))
        );
    }

    #[test]
    fn pages() {
        assert_eq!(
            page(&Value::Null),
            Ok(PageOf {
                size: 100,
                number: 1
            })
        );
        assert_eq!(
            page(&json!({"page_size": 20, "page_number": 3})),
            Ok(PageOf {
                size: 20,
                number: 3
            })
        );
        assert_eq!(
            page(&json!({"page_size": 20})),
            Ok(PageOf {
                size: 20,
                number: 1
            })
        );
        for bad in [
            json!({"page_size": 0}),
            json!({"page_size": 501}),
            json!({"page_size": 2.5}),
            json!({"page_number": 2}),
        ] {
            assert_eq!(page(&bad).unwrap_err().code, "rjct.pagination.invalid");
        }
    }
}
