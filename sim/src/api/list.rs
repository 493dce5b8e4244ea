//! get and list: selectors, `limit`/`continue` paging, JSON or Table.

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::path::ResourcePath;
use super::selectors::{FieldSelector, LabelSelector};
use super::{ApiError, Params, bytes_response, json_response, table};
use crate::cluster::Cluster;
use crate::resources::RESOURCES;
use crate::store::Stored;

/// Both selectors of a request, parsed.
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn from_params(rp: &ResourcePath, params: &Params) -> Result<Self, ApiError> {
        let res = &RESOURCES[rp.rid];
        Ok(Selectors {
            labels: LabelSelector::parse(
                params
                    .get("labelSelector")
                    .map(String::as_str)
                    .unwrap_or(""),
            )
            .map_err(ApiError::bad_request)?,
            fields: FieldSelector::parse(
                params
                    .get("fieldSelector")
                    .map(String::as_str)
                    .unwrap_or(""),
                res,
            )
            .map_err(ApiError::bad_request)?,
        })
    }

    pub fn matches(&self, obj: &Stored) -> bool {
        self.labels.matches(&obj.labels) && self.fields.matches(obj)
    }
}

pub fn get(
    cluster: &Cluster,
    rp: &ResourcePath,
    params: &Params,
    accept: &str,
) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    let name = rp.name.as_deref().unwrap_or_default();
    let obj = cluster
        .store()
        .get_raw(rp.rid, rp.namespace.as_deref().unwrap_or(""), name)
        .ok_or_else(|| ApiError::not_found(&qualified(res.plural, res.group), name))?;
    if table::wants_table(accept) {
        let include = params
            .get("includeObject")
            .map(String::as_str)
            .unwrap_or("Metadata");
        return Ok(json_response(
            StatusCode::OK,
            table::table(res, &[obj.value()], include, obj.rv, None, true),
        ));
    }
    Ok(bytes_response(StatusCode::OK, obj.json.to_vec()))
}

/// `plural.group` as the apiserver names resources in messages.
pub fn qualified(plural: &str, group: &str) -> String {
    if group.is_empty() {
        plural.to_owned()
    } else {
        format!("{plural}.{group}")
    }
}

pub fn list(
    cluster: &Cluster,
    rp: &ResourcePath,
    params: &Params,
    accept: &str,
) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    let sel = Selectors::from_params(rp, params)?;
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(usize::MAX);
    let (after, served) = match params.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => {
            let (key, served) = decode_continue(token).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: illegal base64 data")
            })?;
            (Some(key), served)
        }
        None => (None, 0),
    };
    let (items, rv, next, remaining) = {
        let store = cluster.store();
        let mut items: Vec<std::sync::Arc<Stored>> = Vec::new();
        let mut iter = store
            .iter_raw(rp.rid, rp.namespace.as_deref(), after.as_ref())
            .filter(|o| sel.matches(o));
        for o in iter.by_ref() {
            items.push(o.clone());
            if items.len() == limit {
                break;
            }
        }
        let more = items.len() == limit && iter.next().is_some();
        let served = served + items.len();
        let next = more
            .then(|| {
                items
                    .last()
                    .map(|o| encode_continue(&o.namespace, &o.name, served))
            })
            .flatten();
        let remaining = if !more
            || !sel.labels.is_empty()
            || params.get("fieldSelector").is_some_and(|f| !f.is_empty())
        {
            None
        } else if rp.namespace.is_none() {
            // An estimate, as the API server's is ("clients should not rely
            // on it to be exact"): the kind's count less what earlier pages
            // served. Counting what follows the page instead cost O(n) a
            // page, a 1,000,000-pod list O(n²) in all.
            Some(store.count(rp.rid).saturating_sub(served))
        } else {
            let last = items.last().map(|o| (o.namespace.clone(), o.name.clone()));
            Some(
                store
                    .iter_raw(rp.rid, rp.namespace.as_deref(), last.as_ref())
                    .count(),
            )
        };
        (items, store.resource_version(), next, remaining)
    };
    if table::wants_table(accept) {
        let include = params
            .get("includeObject")
            .map(String::as_str)
            .unwrap_or("Metadata");
        let values: Vec<Value> = items.iter().map(|o| o.value()).collect();
        return Ok(json_response(
            StatusCode::OK,
            table::table(res, &values, include, rv, next.as_deref(), true),
        ));
    }
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(n) = &next {
        meta["continue"] = json!(n);
    }
    if let Some(r) = remaining {
        meta["remainingItemCount"] = json!(r);
    }
    let head = format!(
        "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
        res.list_kind(),
        res.api_version(),
        meta
    );
    let mut out =
        Vec::with_capacity(head.len() + items.iter().map(|o| o.json.len() + 1).sum::<usize>() + 2);
    out.extend_from_slice(head.as_bytes());
    for (i, o) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&o.json);
    }
    out.extend_from_slice(b"]}");
    Ok(bytes_response(StatusCode::OK, out))
}

/// The last key served and how many items all pages so far served.
fn encode_continue(ns: &str, name: &str, served: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{ns}\u{0}{name}\u{0}{served}"))
}

fn decode_continue(token: &str) -> Option<((String, String), usize)> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let mut parts = text.split('\u{0}');
    let (ns, name) = (parts.next()?, parts.next()?);
    let served = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    Some(((ns.to_owned(), name.to_owned()), served))
}

/// The `scale` subresource of a workload, as an `autoscaling/v1` Scale.
pub fn scale_of(obj: &Value) -> Value {
    let selector = obj
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": obj.pointer("/metadata/name"),
            "namespace": obj.pointer("/metadata/namespace"),
            "uid": obj.pointer("/metadata/uid"),
            "resourceVersion": obj.pointer("/metadata/resourceVersion"),
            "creationTimestamp": obj.pointer("/metadata/creationTimestamp"),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector},
    })
}

pub fn get_scale(cluster: &Cluster, rp: &ResourcePath) -> Result<Response, ApiError> {
    let res = &RESOURCES[rp.rid];
    if !res.subresources.iter().any(|s| s.name == "scale") {
        return Err(ApiError::not_found(
            &qualified(res.plural, res.group),
            rp.name.as_deref().unwrap_or_default(),
        ));
    }
    let name = rp.name.as_deref().unwrap_or_default();
    let obj = cluster
        .store()
        .get_raw(rp.rid, rp.namespace.as_deref().unwrap_or(""), name)
        .ok_or_else(|| ApiError::not_found(&qualified(res.plural, res.group), name))?;
    Ok(json_response(StatusCode::OK, scale_of(&obj.value())))
}
