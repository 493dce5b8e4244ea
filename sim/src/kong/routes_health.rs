//! `GET /upstreams/{u}/health` (per target, or `?balancer_health=1` for the
//! balancer) and `PUT|POST /upstreams/{u}/targets/{t}/healthy|unhealthy`,
//! following `kong/api/routes/upstreams.lua`. Everything here is this node's
//! view; `node_id` says which node answered.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::api_error::AdminError;
use super::health::TargetHealth;
use super::ids::is_uuid;
use super::node::SharedKongNode;
use super::pagination::{escape_uri, paginate};
use super::reply::{lock, ok};
use super::routes_entities::check_db;

pub async fn upstream_health(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let balancer = n.balancer(&key).ok_or(AdminError::NotFound)?;
    if q.get("balancer_health").map(String::as_str) == Some("1") {
        return Ok(ok(&json!({
            "data": balancer.balancer_json(),
            "next": null,
            "node_id": n.node_id,
        })));
    }
    let mut rows: Vec<(String, Value)> = balancer
        .hosts
        .iter()
        .map(|h| h.target.id.clone())
        .zip(balancer.target_rows())
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let page = paginate(rows.into_iter().map(|(_, v)| v).collect(), &q)?;
    let next = page
        .offset
        .as_ref()
        .map(|o| format!("/upstreams/{key}/health?offset={}", escape_uri(o)));
    Ok(ok(&json!({
        "data": page.data,
        "offset": page.offset,
        "next": next,
        "node_id": n.node_id,
    })))
}

pub async fn mark_healthy(
    state: State<SharedKongNode>,
    path: Path<(String, String)>,
) -> Result<Response, AdminError> {
    mark(state, path, TargetHealth::Healthy)
}

pub async fn mark_unhealthy(
    state: State<SharedKongNode>,
    path: Path<(String, String)>,
) -> Result<Response, AdminError> {
    mark(state, path, TargetHealth::Unhealthy)
}

/// Sets the health of one target in this node's health checker; Kong refuses
/// when the upstream has no health checker.
fn mark(
    State(node): State<SharedKongNode>,
    Path((key, target)): Path<(String, String)>,
    health: TargetHealth,
) -> Result<Response, AdminError> {
    let mut n = lock(&node);
    check_db(&n)?;
    let up = n.config.upstream(&key).ok_or(AdminError::NotFound)?;
    let by_id = is_uuid(&target);
    let t = up
        .targets
        .iter()
        .find(|t| {
            if by_id {
                t.id == target
            } else {
                t.target == target
            }
        })
        .ok_or(AdminError::NotFound)?;
    if !up.healthchecks.enabled() {
        return Err(AdminError::BadRequest(format!(
            "no healthchecker found for {}",
            up.name
        )));
    }
    let (name, address) = (up.name.clone(), t.target.clone());
    n.set_target_health(&name, &address, health);
    Ok(StatusCode::NO_CONTENT.into_response())
}
