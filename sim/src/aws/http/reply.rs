//! Responses in each protocol's shape: rest-json (EKS) and awsJson1.1 (ECS),
//! errors included, plus the timestamp format both use (epoch seconds).

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::aws::error::AwsError;
use crate::aws::ids::stable_uuid;

/// Which wire protocol a response is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// EKS: HTTP status carries the outcome, `x-amzn-ErrorType` names errors.
    RestJson,
    /// ECS: `application/x-amz-json-1.1`, errors named by `__type`.
    AwsJson11,
}

impl Protocol {
    fn content_type(self) -> &'static str {
        match self {
            Self::RestJson => "application/json",
            Self::AwsJson11 => "application/x-amz-json-1.1",
        }
    }
}

/// Epoch seconds as a JSON number, the timestamp format of both protocols.
pub fn epoch(ts: Timestamp) -> Value {
    // Whole milliseconds keep the number short and exact enough.
    json!(ts.as_millisecond() as f64 / 1000.0)
}

fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    stable_uuid(&["request", &NEXT.fetch_add(1, Ordering::Relaxed).to_string()])
}

fn respond(protocol: Protocol, status: StatusCode, body: &Value, error: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(protocol.content_type()),
    );
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(code) = error.and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert("x-amzn-errortype", code);
    }
    response
}

/// A 200 with a JSON body; absent optional members are left out rather
/// than sent as `null`, as AWS does.
pub fn ok(protocol: Protocol, body: &Value) -> Response {
    let mut body = body.clone();
    strip_nulls(&mut body);
    respond(protocol, StatusCode::OK, &body, None)
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// The error as the protocol's real endpoint would send it.
pub fn error(protocol: Protocol, err: &AwsError) -> Response {
    let status = StatusCode::from_u16(err.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut body = Map::new();
    if protocol == Protocol::AwsJson11 {
        // Framework-level errors come from Coral, service errors from ECS.
        let coral = matches!(
            err.code,
            "MissingAuthenticationTokenException"
                | "IncompleteSignatureException"
                | "UnknownOperationException"
                | "SerializationException"
        );
        let kind = if coral {
            format!("com.amazon.coral.service#{}", err.code)
        } else {
            err.code.to_owned()
        };
        body.insert("__type".to_owned(), Value::String(kind));
    }
    if !err.message.is_empty() || protocol == Protocol::RestJson {
        body.insert("message".to_owned(), Value::String(err.message.clone()));
    }
    for (key, value) in &err.members {
        body.insert((*key).to_owned(), Value::String(value.clone()));
    }
    respond(protocol, status, &Value::Object(body), Some(err.code))
}

/// `Ok` as 200, `Err` as the protocol's error.
pub fn result(protocol: Protocol, outcome: Result<Value, AwsError>) -> Response {
    match outcome {
        Ok(body) => ok(protocol, &body),
        Err(err) => error(protocol, &err),
    }
}
