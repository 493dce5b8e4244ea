//! Entity reads: `/services`, `/routes`, `/upstreams` and their single-entity
//! and nested forms. Rows are ordered by id, as the Postgres strategy pages.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::Value;

use super::api_error::AdminError;
use super::ids::is_uuid;
use super::node::{DbMode, KongNode, SharedKongNode};
use super::pagination::{collection_body, nested_body, paginate, tags_match};
use super::reply::{lock, ok};

type Q = Query<HashMap<String, String>>;

/// Reads hit the database in DB mode; with it down Kong answers 500.
pub fn check_db(n: &KongNode) -> Result<(), AdminError> {
    match n.db {
        DbMode::Postgres { reachable: false } => Err(AdminError::Database),
        _ => Ok(()),
    }
}

/// Orders `(id, row)` pairs by id and drops the ids.
fn by_id(mut rows: Vec<(String, Value)>) -> Vec<Value> {
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, v)| v).collect()
}

pub async fn list_services(
    State(node): State<SharedKongNode>,
    Query(q): Q,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let rows = n.config.services.iter().filter(|s| tags_match(&s.tags, &q));
    let rows = by_id(rows.map(|s| (s.id.clone(), s.to_json())).collect());
    Ok(ok(&collection_body(paginate(rows, &q)?, "services", &q)))
}

pub async fn get_service(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let service = n.config.service(&key).ok_or(AdminError::NotFound)?;
    Ok(ok(&service.to_json()))
}

pub async fn service_routes(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
    Query(q): Q,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let service = n.config.service(&key).ok_or(AdminError::NotFound)?;
    let rows = n
        .config
        .routes
        .iter()
        .filter(|r| r.service_id == service.id);
    let rows = by_id(rows.map(|r| (r.id.clone(), r.to_json())).collect());
    let base = format!("/services/{key}/routes");
    Ok(ok(&nested_body(paginate(rows, &q)?, &base)))
}

pub async fn list_routes(
    State(node): State<SharedKongNode>,
    Query(q): Q,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let rows = n.config.routes.iter().filter(|r| tags_match(&r.tags, &q));
    let rows = by_id(rows.map(|r| (r.id.clone(), r.to_json())).collect());
    Ok(ok(&collection_body(paginate(rows, &q)?, "routes", &q)))
}

pub async fn get_route(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let route = n.config.route(&key).ok_or(AdminError::NotFound)?;
    Ok(ok(&route.to_json()))
}

pub async fn list_upstreams(
    State(node): State<SharedKongNode>,
    Query(q): Q,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let rows = n
        .config
        .upstreams
        .iter()
        .filter(|u| tags_match(&u.tags, &q));
    let rows = by_id(rows.map(|u| (u.id.clone(), u.to_json())).collect());
    Ok(ok(&collection_body(paginate(rows, &q)?, "upstreams", &q)))
}

pub async fn get_upstream(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let upstream = n.config.upstream(&key).ok_or(AdminError::NotFound)?;
    Ok(ok(&upstream.to_json()))
}

pub async fn list_targets(
    State(node): State<SharedKongNode>,
    Path(key): Path<String>,
    Query(q): Q,
) -> Result<Response, AdminError> {
    let n = lock(&node);
    check_db(&n)?;
    let up = n.config.upstream(&key).ok_or(AdminError::NotFound)?;
    let rows = up.targets.iter().filter(|t| tags_match(&t.tags, &q));
    let rows = by_id(rows.map(|t| (t.id.clone(), t.to_json(&up.id))).collect());
    let base = format!("/upstreams/{key}/targets");
    Ok(ok(&nested_body(paginate(rows, &q)?, &base)))
}

pub async fn get_target(
    State(node): State<SharedKongNode>,
    Path((key, target)): Path<(String, String)>,
) -> Result<Response, AdminError> {
    let n = lock(&node);
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
    Ok(ok(&t.to_json(&up.id)))
}
