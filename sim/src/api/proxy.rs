//! The pod proxy: `/api/v1/namespaces/NS/pods/[SCHEME:]NAME[:PORT]/proxy/PATH`
//! reaches the Kong admin API of that pod, as the apiserver would dial it:
//! from outside the pod, so only listeners its env binds to a non-loopback
//! address answer, and a TLS listener only when asked with `https:`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

use super::ApiError;
use super::path::ResourcePath;
use crate::cluster::Cluster;
use crate::kong::listen;
use crate::resources::rid_of;

pub async fn proxy(
    cluster: &Arc<Cluster>,
    rp: &ResourcePath,
    method: Method,
    uri: &Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ns = rp.namespace.clone().unwrap_or_default();
    let raw = rp.name.clone().unwrap_or_default();
    let (https, raw) = match raw.split_once(':') {
        Some(("https", rest)) => (true, rest.to_owned()),
        Some(("http", rest)) => (false, rest.to_owned()),
        _ => (false, raw),
    };
    let (name, port) = match raw.split_once(':') {
        Some((n, p)) => (n.to_owned(), p.to_owned()),
        None => (raw.clone(), "80".to_owned()),
    };
    let pod = cluster
        .store()
        .get_raw(rid_of::<k8s_openapi::api::core::v1::Pod>(), &ns, &name);
    let Some(pod) = pod else {
        return ApiError::not_found("pods", &name).into_response();
    };
    let ip = pod
        .value()
        .pointer("/status/podIP")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_owned();
    let listening = listen::pod_listeners(&pod.value())
        .into_iter()
        .find(|l| l.port.to_string() == port && !l.loopback());
    if let Some(l) = &listening
        && l.ssl != https
    {
        // What the apiserver gets back from a TLS port spoken to in plain HTTP.
        return ApiError::bad_request(format!(
            "error trying to reach service: {ip}:{port}: the port speaks TLS (use https:{name}:{port})"
        ))
        .into_response();
    }
    let router = cluster.kong_pod(&ns, &name).filter(|_| listening.is_some());
    let Some(router) = router else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            format!(
                "error trying to reach service: dial tcp {ip}:{port}: connect: connection refused"
            ),
        )
        .into_response();
    };
    let mut target = format!("/{}", rp.rest);
    if let Some(q) = uri.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut req = Request::builder().method(method).uri(target);
    for (k, v) in headers
        .iter()
        .filter(|(k, _)| *k != "authorization" && *k != "host")
    {
        req = req.header(k, v);
    }
    let Ok(req) = req.body(Body::from(body)) else {
        return ApiError::bad_request("invalid proxied request").into_response();
    };
    match router.oneshot(req).await {
        Ok(resp) => resp.into_response(),
        Err(never) => match never {},
    }
}
