//! Entity writes. DB-less nodes refuse them all with Kong's 405. DB-mode
//! nodes accept target registration (`POST`/`DELETE` on
//! `/upstreams/{u}/targets`), which is how apps on ECS register their task
//! IPs; the write lands on this node's copy of the configuration only, so the
//! simulation copies it to the other nodes sharing the database. Other DB-mode
//! writes answer 405 "Method not allowed" (not simulated).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::api_error::AdminError;
use super::entities::DEFAULT_WEIGHT;
use super::ids::is_uuid;
use super::node::{KongNode, SharedKongNode};
use super::reply::{json_reply, lock};
use super::routes_entities::check_db;
use super::target::Target;

/// The error for a write Kong would not perform here. `key` is the path key
/// when the entity was addressed by id or endpoint key (name/target).
pub fn refuse(
    n: &KongNode,
    verb: &'static str,
    entity: &'static str,
    key: Option<&str>,
) -> AdminError {
    if n.is_db_less() {
        let by = key.filter(|k| !is_uuid(k)).map(|_| match entity {
            "targets" => "target",
            _ => "name",
        });
        return AdminError::DbLessWrite { verb, entity, by };
    }
    match check_db(n) {
        Err(e) => e,
        Ok(()) => AdminError::MethodNotAllowed,
    }
}

/// Handler refusing a write on a collection (`POST /services`).
pub fn refuse_collection(
    verb: &'static str,
    entity: &'static str,
) -> impl Fn(State<SharedKongNode>) -> std::future::Ready<AdminError> + Clone {
    move |State(node): State<SharedKongNode>| {
        std::future::ready(refuse(&lock(&node), verb, entity, None))
    }
}

/// Handler refusing a write on one entity (`PATCH /services/{s}`).
pub fn refuse_entity(
    verb: &'static str,
    entity: &'static str,
) -> impl Fn(State<SharedKongNode>, Path<String>) -> std::future::Ready<AdminError> + Clone {
    move |State(node): State<SharedKongNode>, Path(key): Path<String>| {
        std::future::ready(refuse(&lock(&node), verb, entity, Some(&key)))
    }
}

/// `POST /upstreams/{u}/targets` with a JSON or form body `{target, weight?, tags?}`.
pub async fn create_target(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AdminError> {
    let fields = parse_body(&headers, &body)?;
    let mut n = lock(&node);
    if n.is_db_less() || check_db(&n).is_err() {
        return Err(refuse(&n, "create", "targets", None));
    }
    let target = fields
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| violation("target", "required field missing"))?
        .to_string();
    let weight = match fields.get("weight") {
        None => DEFAULT_WEIGHT,
        Some(w) => as_weight(w)
            .ok_or_else(|| violation("weight", "value should be between 0 and 65535"))?,
    };
    let tags: Vec<String> = match fields.get("tags") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        Some(Value::String(s)) => s.split(',').map(String::from).collect(),
        _ => Vec::new(),
    };
    let now = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
    let upstream = n.config.upstream_mut(&key).ok_or(AdminError::NotFound)?;
    let existed = upstream
        .targets
        .iter()
        .any(|t| t.target == Target::new("", &target, 0).target);
    let up_id = upstream.id.clone();
    let t = upstream.add_target(&target, weight);
    t.tags = tags;
    t.created_at = now;
    t.updated_at = now;
    let json = t.to_json(&up_id);
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(json_reply(status, &json))
}

/// `DELETE /upstreams/{u}/targets/{target-or-id}` → 204.
pub async fn delete_target(
    State(node): State<SharedKongNode>,
    Path((key, target)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let mut n = lock(&node);
    if n.is_db_less() || check_db(&n).is_err() {
        return Err(refuse(&n, "remove", "targets", Some(&target)));
    }
    let upstream = n.config.upstream_mut(&key).ok_or(AdminError::NotFound)?;
    let by_id = is_uuid(&target);
    let before = upstream.targets.len();
    upstream.targets.retain(|t| {
        if by_id {
            t.id != target
        } else {
            t.target != target
        }
    });
    if upstream.targets.len() == before {
        return Err(AdminError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn violation(field: &str, reason: &str) -> AdminError {
    AdminError::SchemaViolation {
        field: field.into(),
        reason: reason.into(),
    }
}

fn as_weight(v: &Value) -> Option<u32> {
    let n = match v {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u32::try_from(n).ok().filter(|w| *w <= 65535)
}

/// JSON when the client says so, else `application/x-www-form-urlencoded`.
fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, Value>, AdminError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        return serde_json::from_slice(body)
            .map_err(|_| AdminError::BadRequest("Cannot parse JSON body".into()));
    }
    let text = String::from_utf8_lossy(body);
    Ok(text
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), Value::String(percent_decode(v)))
        })
        .collect())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
