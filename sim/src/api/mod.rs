//! The simulated Kubernetes API server: one HTTPS listener per cluster,
//! bearer-token auth, discovery, get/list/watch with selectors and paging,
//! server-side Tables, writes and patches, the scale subresource, pod logs
//! the pod proxy and the pod port-forward (to each Kong pod's admin API).

mod discovery;
mod list;
mod logs;
mod path;
mod portforward;
mod proxy;
mod secrets;
mod selectors;
mod status;
mod table;
mod watch;
mod write;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::cluster::Cluster;
use crate::resources::RESOURCES;
pub use logs::log_lines;
use path::Target;
pub use status::ApiError;
pub use table::human_age;

/// Query parameters, first value wins.
pub type Params = HashMap<String, String>;

/// The router for one cluster's API server.
pub fn router(cluster: Arc<Cluster>) -> axum::Router {
    axum::Router::new()
        .route(
            "/api/v1/namespaces/{ns}/pods/{name}/portforward",
            axum::routing::any(portforward::handle),
        )
        .fallback(handle)
        .with_state(cluster)
}

async fn handle(
    State(cluster): State<Arc<Cluster>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = cluster.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Err(e) = authenticate(&cluster, &headers) {
        return e.into_response();
    }
    if cluster.faults.should_fail() {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "etcdserver: request timed out (injected fault)",
        )
        .into_response();
    }
    let params: Params = Query::try_from_uri(&uri).map(|q| q.0).unwrap_or_default();
    let accept = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    match path::parse(uri.path()) {
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        )
        .into_response(),
        Some(Target::Health) => "ok".into_response(),
        Some(Target::OpenApi) => ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        )
        .into_response(),
        Some(Target::Version) => json_response(StatusCode::OK, discovery::version(&cluster)),
        Some(Target::Root { core }) => match discovery::aggregated_version(&accept) {
            Some(v) => (
                [("content-type", discovery::content_type_for(v))],
                discovery::aggregated(core, v).to_string(),
            )
                .into_response(),
            None if core => json_response(StatusCode::OK, discovery::api_versions()),
            None => json_response(StatusCode::OK, discovery::api_group_list()),
        },
        Some(Target::Group { group }) if discovery::group_exists(&group) => {
            json_response(StatusCode::OK, discovery::api_group(&group))
        }
        Some(Target::Group { .. }) => ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        )
        .into_response(),
        Some(Target::GroupVersion { group, version }) => {
            match discovery::resource_list(&group, &version) {
                Some(list) => json_response(StatusCode::OK, list),
                None => ApiError::new(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    "the server could not find the requested resource",
                )
                .into_response(),
            }
        }
        Some(Target::Resource(rp)) => {
            let res = &RESOURCES[rp.rid];
            if cluster.faults.unserves(res.plural) {
                return ApiError::new(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    "the server could not find the requested resource",
                )
                .into_response();
            }
            if cluster.faults.forbids(res.plural) {
                let verb = if rp.name.is_some() {
                    "get"
                } else if params
                    .get("watch")
                    .is_some_and(|w| w.eq_ignore_ascii_case("true") || w == "1")
                {
                    "watch"
                } else {
                    "list"
                };
                let scope = match &rp.namespace {
                    Some(ns) => format!("in the namespace \"{ns}\""),
                    None => "at the cluster scope".to_owned(),
                };
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "Forbidden",
                    format!("{} is forbidden: User \"fleetdeck\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}", res.plural, res.plural, res.group),
                )
                .into_response();
            }
            let result = match (&method, rp.sub.as_deref()) {
                (_, Some("proxy")) => {
                    return proxy::proxy(&cluster, &rp, method, &uri, headers, body).await;
                }
                (&Method::GET, Some("log")) => return logs::logs(&cluster, &rp, &params).await,
                (&Method::GET, _)
                    if rp.name.is_none()
                        && params
                            .get("watch")
                            .is_some_and(|w| w.eq_ignore_ascii_case("true") || w == "1") =>
                {
                    return watch::watch(cluster.clone(), &rp, &params, &accept);
                }
                (&Method::GET, _) if rp.name.is_none() => {
                    list::list(&cluster, &rp, &params, &accept)
                }
                (&Method::GET, Some("scale")) => list::get_scale(&cluster, &rp),
                (&Method::GET, _) => list::get(&cluster, &rp, &params, &accept),
                (&Method::POST, None) if rp.name.is_none() => write::create(&cluster, &rp, &body),
                (&Method::PUT, _) if rp.name.is_some() => write::update(&cluster, &rp, &body),
                (&Method::PATCH, _) if rp.name.is_some() => {
                    let ct = headers
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    write::patch(&cluster, &rp, ct, &body)
                }
                (&Method::DELETE, None) if rp.name.is_some() => write::delete(&cluster, &rp),
                _ => Err(ApiError::new(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "MethodNotAllowed",
                    format!(
                        "the server does not allow this method on the requested resource ({method})"
                    ),
                )),
            };
            match result {
                Ok(resp) => resp,
                Err(e) => e.into_response(),
            }
        }
    }
}

fn authenticate(cluster: &Cluster, headers: &HeaderMap) -> Result<(), ApiError> {
    let unauthorized = || ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized");
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    if token != cluster.token || cluster.faults.token_expired() {
        return Err(unauthorized());
    }
    Ok(())
}

pub(crate) fn json_response(code: StatusCode, value: serde_json::Value) -> Response {
    (
        code,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

pub(crate) fn bytes_response(code: StatusCode, bytes: Vec<u8>) -> Response {
    (
        code,
        [("content-type", "application/json")],
        Body::from(bytes),
    )
        .into_response()
}
