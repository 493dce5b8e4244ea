//! Building admin API responses: Kong's JSON content type, and the lock
//! helper every handler uses to read a node.

use std::sync::MutexGuard;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::node::{KongNode, SharedKongNode};

/// Kong's admin API content type.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A JSON response the way Kong writes it.
pub fn json_reply(status: StatusCode, body: &Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    res
}

/// 200 with `body`.
pub fn ok(body: &Value) -> Response {
    json_reply(StatusCode::OK, body)
}

/// Locks the node; a poisoned lock still holds valid state, so use it.
pub fn lock(node: &SharedKongNode) -> MutexGuard<'_, KongNode> {
    node.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
