//! Writes: create, update, patch (merge, strategic-merge, JSON patch),
//! delete, and the `scale` subresource.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::list::{qualified, scale_of};
use super::path::ResourcePath;
use super::{ApiError, bytes_response, json_response};
use crate::cluster::Cluster;
use crate::resources::RESOURCES;
use crate::store::StoreError;

fn store_error(e: StoreError, plural: &str) -> ApiError {
    match e {
        StoreError::AlreadyExists { name, .. } => ApiError::new(
            StatusCode::CONFLICT,
            "AlreadyExists",
            format!("{plural} \"{name}\" already exists"),
        ),
        StoreError::NotFound { name, .. } => ApiError::not_found(plural, &name),
        StoreError::Invalid(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid", m),
    }
}

fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body of the request was in an unknown format: {e}"
        ))
    })
}

pub fn create(cluster: &Cluster, rp: &ResourcePath, body: &[u8]) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    let mut obj = parse_body(body)?;
    if let Some(ns) = &rp.namespace {
        obj["metadata"]["namespace"] = json!(ns);
    }
    if res.plural == "pods" && res.group.is_empty() {
        obj = admit_pod(cluster, obj)?;
    }
    if res.kind == "Secret" {
        super::secrets::normalize(&mut obj);
    }
    let stored = cluster
        .store()
        .create_value(rp.rid, obj)
        .map_err(|e| store_error(e, &qualified(res.plural, res.group)))?;
    Ok(bytes_response(StatusCode::CREATED, stored.json.to_vec()))
}

/// The EKS Fargate webhook, as on a real cluster: a pod created through the
/// API is claimed by the profile that matches it.
fn admit_pod(cluster: &Cluster, obj: Value) -> Result<Value, ApiError> {
    let mut pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(obj)
        .map_err(|e| ApiError::bad_request(format!("invalid Pod: {e}")))?;
    crate::controllers::admission::admit(&mut pod, &cluster.eks());
    serde_json::to_value(&pod).map_err(|e| ApiError::bad_request(format!("invalid Pod: {e}")))
}

pub fn update(cluster: &Cluster, rp: &ResourcePath, body: &[u8]) -> Result<Response, ApiError> {
    let new = parse_body(body)?;
    apply(cluster, rp, |_current| Ok(new))
}

pub fn patch(
    cluster: &Cluster,
    rp: &ResourcePath,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let patch = parse_body(body)?;
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    apply(cluster, rp, move |current| match ct.as_str() {
        // Strategic merge is served as RFC 7386 merge: list keys are not modelled.
        "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            let mut target = current;
            json_patch::merge(&mut target, &patch);
            Ok(target)
        }
        "application/json-patch+json" => json_patch(current, patch),
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {other:?})"
            ),
        )),
    })
}

/// Read-modify-write of an object or its `scale`/`status` view.
fn apply(
    cluster: &Cluster,
    rp: &ResourcePath,
    change: impl FnOnce(Value) -> Result<Value, ApiError>,
) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    let plural = qualified(res.plural, res.group);
    let name = rp.name.as_deref().unwrap_or_default();
    let ns = rp.namespace.as_deref().unwrap_or("");
    let mut store = cluster.store();
    let current = store
        .get_raw(rp.rid, ns, name)
        .ok_or_else(|| ApiError::not_found(&plural, name))?
        .value();
    match rp.sub.as_deref() {
        Some("scale") if res.subresources.iter().any(|s| s.name == "scale") => {
            let scale = change(scale_of(&current))?;
            let replicas = scale
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Invalid",
                        "Scale.autoscaling \"\" is invalid: spec.replicas: Required value",
                    )
                })?;
            if replicas < 0 {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid",
                    format!(
                        "Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
                    ),
                ));
            }
            let mut updated = current;
            updated["spec"]["replicas"] = json!(replicas);
            let stored = store
                .replace_value(rp.rid, updated)
                .map_err(|e| store_error(e, &plural))?;
            Ok(json_response(StatusCode::OK, scale_of(&stored.value())))
        }
        None | Some("status") => {
            let mut new = change(current.clone())?;
            if new.pointer("/metadata/name").and_then(Value::as_str) != Some(name) {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    new.pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                )));
            }
            if let Some(want) = new
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
            {
                let have = current
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if want != have {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "Conflict",
                        format!(
                            "Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
                        ),
                    ));
                }
            }
            if rp.sub.is_some() {
                // status writes change only status
                let status = new.get("status").cloned().unwrap_or(Value::Null);
                new = current;
                new["status"] = status;
            }
            if !ns.is_empty() {
                new["metadata"]["namespace"] = json!(ns);
            }
            if res.kind == "Secret" {
                super::secrets::normalize(&mut new);
            }
            let stored = store
                .replace_value(rp.rid, new)
                .map_err(|e| store_error(e, &plural))?;
            Ok(bytes_response(StatusCode::OK, stored.json.to_vec()))
        }
        Some(other) => Err(ApiError::not_found(&format!("{plural}/{other}"), name)),
    }
}

pub fn delete(cluster: &Cluster, rp: &ResourcePath) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    let name = rp.name.as_deref().unwrap_or_default();
    let gone = cluster
        .store()
        .delete_raw(rp.rid, rp.namespace.as_deref().unwrap_or(""), name)
        .map_err(|e| store_error(e, &qualified(res.plural, res.group)))?;
    Ok(bytes_response(StatusCode::OK, gone.json.to_vec()))
}

/// RFC 6902 JSON patch, all six operations. As kube-apiserver does, a body
/// that is not a list of operations is a 400 and an operation that cannot
/// apply (a failed `test`, a missing path) is a 422; nothing is half-applied.
fn json_patch(mut doc: Value, ops: Value) -> Result<Value, ApiError> {
    let ops: json_patch::Patch = serde_json::from_value(ops)
        .map_err(|e| ApiError::bad_request(format!("invalid json patch: {e}")))?;
    json_patch::patch(&mut doc, &ops)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid", e.to_string()))?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"spec": {"replicas": 2, "paused": true}, "metadata": {"labels": {"a": "1"}}})
    }

    #[test]
    fn json_patch_adds_replaces_moves_and_copies() {
        let doc = json_patch(
            doc(),
            json!([
                {"op": "replace", "path": "/spec/replicas", "value": 1},
                {"op": "add", "path": "/metadata/labels/b", "value": "2"},
                {"op": "move", "from": "/metadata/labels/a", "path": "/metadata/labels/c"},
                {"op": "copy", "from": "/spec/paused", "path": "/spec/suspended"},
            ]),
        )
        .expect("patch");
        assert_eq!(
            doc["spec"],
            json!({"replicas": 1, "paused": true, "suspended": true})
        );
        assert_eq!(doc["metadata"]["labels"], json!({"b": "2", "c": "1"}));
    }

    #[test]
    fn json_patch_refuses_what_cannot_apply_with_422() {
        for ops in [
            json!([{"op": "replace", "path": "/spec/missing", "value": 1}]),
            json!([{"op": "remove", "path": "/nope/x"}]),
            json!([{"op": "test", "path": "/spec/replicas", "value": 3}]),
        ] {
            let err = json_patch(doc(), ops.clone()).expect_err("refused");
            assert_eq!(err.code, StatusCode::UNPROCESSABLE_ENTITY, "{ops}");
        }
    }

    #[test]
    fn json_patch_that_is_not_a_list_of_operations_is_a_400() {
        for ops in [
            json!({"op": "add"}),
            json!([{"op": "frobnicate", "path": "/a"}]),
        ] {
            let err = json_patch(doc(), ops.clone()).expect_err("refused");
            assert_eq!(err.code, StatusCode::BAD_REQUEST, "{ops}");
        }
    }
}
