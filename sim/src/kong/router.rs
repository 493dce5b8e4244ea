//! The HTTP face of one node: the admin API (`admin_router`, Kong's :8001)
//! and the status API (`status_router`, Kong's :8100), with the layers every
//! request goes through: injected faults, then Kong's response headers and
//! request counter, then the RBAC token check (admin API only).

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api_error::AdminError;
use super::node::{KongFault, SharedKongNode};
use super::reply::{JSON_CONTENT_TYPE, lock};
use super::routes_entities as entities;
use super::routes_health as health;
use super::routes_node as node_routes;
use super::routes_writes::{create_target, delete_target, refuse_collection, refuse_entity};

/// The RBAC header Kong Enterprise reads.
pub const ADMIN_TOKEN_HEADER: &str = "kong-admin-token";

/// Largest body the `Malformed` fault will buffer before truncating.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Kong's admin API for `node`. Serve it with `axum::serve`.
pub fn admin_router(node: SharedKongNode) -> Router {
    let entity_routes = Router::new()
        .route("/", get(node_routes::root))
        .route("/status", get(node_routes::status))
        .route("/status/ready", get(node_routes::ready))
        .route("/config", get(node_routes::config))
        .route(
            "/services",
            get(entities::list_services).post(refuse_collection("create", "services")),
        )
        .route(
            "/services/{s}",
            get(entities::get_service)
                .patch(refuse_entity("update", "services"))
                .put(refuse_entity("create or update", "services"))
                .delete(refuse_entity("remove", "services")),
        )
        .route("/services/{s}/routes", get(entities::service_routes))
        .route(
            "/routes",
            get(entities::list_routes).post(refuse_collection("create", "routes")),
        )
        .route(
            "/routes/{r}",
            get(entities::get_route)
                .patch(refuse_entity("update", "routes"))
                .put(refuse_entity("create or update", "routes"))
                .delete(refuse_entity("remove", "routes")),
        )
        .route(
            "/upstreams",
            get(entities::list_upstreams).post(refuse_collection("create", "upstreams")),
        )
        .route(
            "/upstreams/{u}",
            get(entities::get_upstream)
                .patch(refuse_entity("update", "upstreams"))
                .put(refuse_entity("create or update", "upstreams"))
                .delete(refuse_entity("remove", "upstreams")),
        )
        .route(
            "/upstreams/{u}/targets",
            get(entities::list_targets).post(create_target),
        )
        .route(
            "/upstreams/{u}/targets/{t}",
            get(entities::get_target).delete(delete_target),
        )
        .route(
            "/upstreams/{u}/targets/{t}/healthy",
            post(health::mark_healthy).put(health::mark_healthy),
        )
        .route(
            "/upstreams/{u}/targets/{t}/unhealthy",
            post(health::mark_unhealthy).put(health::mark_unhealthy),
        )
        .route("/upstreams/{u}/health", get(health::upstream_health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(node.clone(), require_token));
    with_common_layers(entity_routes, node)
}

/// Kong's status API for `node` (`/status`, `/status/ready`); no RBAC.
pub fn status_router(node: SharedKongNode) -> Router {
    let routes = Router::new()
        .route("/status", get(node_routes::status))
        .route("/status/ready", get(node_routes::ready))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    with_common_layers(routes, node)
}

fn with_common_layers(routes: Router<SharedKongNode>, node: SharedKongNode) -> Router {
    routes
        .layer(middleware::from_fn_with_state(node.clone(), kong_headers))
        .layer(middleware::from_fn_with_state(node.clone(), inject_fault))
        .with_state(node)
}

async fn not_found() -> AdminError {
    AdminError::NotFound
}

async fn method_not_allowed() -> AdminError {
    AdminError::MethodNotAllowed
}

/// `Timeout`: never answer. `Malformed`: answer 200 JSON, cut in half.
async fn inject_fault(State(node): State<SharedKongNode>, req: Request, next: Next) -> Response {
    let fault = lock(&node).fault;
    match fault {
        None => next.run(req).await,
        Some(KongFault::Timeout) => std::future::pending::<Response>().await,
        Some(KongFault::Malformed) => {
            let res = next.run(req).await;
            let (mut parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, MAX_BODY)
                .await
                .unwrap_or_default();
            let mut cut = bytes.slice(..bytes.len() / 2).to_vec();
            if cut.is_empty() {
                cut = b"{\"data\":[".to_vec();
            }
            parts.status = StatusCode::OK;
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
            Response::from_parts(parts, Body::from(cut))
        }
    }
}

/// Counts the request and adds the headers Kong's admin API sends.
async fn kong_headers(State(node): State<SharedKongNode>, req: Request, next: Next) -> Response {
    let server = {
        let mut n = lock(&node);
        n.total_requests += 1;
        format!("kong/{}", n.version)
    };
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&server) {
        headers.insert(header::SERVER, v);
    }
    headers.insert("x-kong-admin-latency", HeaderValue::from_static("0"));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// With a token configured, requests must carry it in `Kong-Admin-Token`.
async fn require_token(State(node): State<SharedKongNode>, req: Request, next: Next) -> Response {
    let expected = lock(&node).admin_token.clone();
    if let Some(expected) = expected {
        let given = req
            .headers()
            .get(ADMIN_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            return AdminError::Unauthorized.into_response();
        }
    }
    next.run(req).await
}
