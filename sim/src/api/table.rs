//! Server-side printing: `meta.k8s.io/v1` Tables with the columns kubectl
//! shows, so `kubectl get` prints READY/STATUS/RESTARTS like a real cluster.

use serde_json::{Value, json};

use crate::resources::ApiResource;

/// Whether the client asked for a Table (`as=Table` in Accept).
pub fn wants_table(accept: &str) -> bool {
    accept
        .split(',')
        .next()
        .is_some_and(|first| first.replace(' ', "").contains("as=Table"))
}

type Col = (&'static str, &'static str, u8);

/// Column definitions for a kind: (name, type, priority).
fn columns(kind: &str) -> Vec<Col> {
    let c: &[Col] = match kind {
        "Pod" => &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Status", "string", 0),
            ("Restarts", "string", 0),
            ("Age", "string", 0),
            ("IP", "string", 1),
            ("Node", "string", 1),
            ("Nominated Node", "string", 1),
            ("Readiness Gates", "string", 1),
        ],
        "Node" => &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Roles", "string", 0),
            ("Age", "string", 0),
            ("Version", "string", 0),
            ("Internal-IP", "string", 1),
            ("External-IP", "string", 1),
            ("OS-Image", "string", 1),
            ("Kernel-Version", "string", 1),
            ("Container-Runtime", "string", 1),
        ],
        "Deployment" => &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
        "ReplicaSet" => &[
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
        "StatefulSet" => &[
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
        ],
        "DaemonSet" => &[
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Node Selector", "string", 0),
            ("Age", "string", 0),
        ],
        "Service" => &[
            ("Name", "string", 0),
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
            ("Age", "string", 0),
            ("Selector", "string", 1),
        ],
        "EndpointSlice" => &[
            ("Name", "string", 0),
            ("AddressType", "string", 0),
            ("Ports", "string", 0),
            ("Endpoints", "string", 0),
            ("Age", "string", 0),
        ],
        "Endpoints" => &[
            ("Name", "string", 0),
            ("Endpoints", "string", 0),
            ("Age", "string", 0),
        ],
        "HorizontalPodAutoscaler" => &[
            ("Name", "string", 0),
            ("Reference", "string", 0),
            ("Targets", "string", 0),
            ("MinPods", "string", 0),
            ("MaxPods", "integer", 0),
            ("Replicas", "integer", 0),
            ("Age", "string", 0),
        ],
        "PersistentVolumeClaim" => &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Volume", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("StorageClass", "string", 0),
            ("VolumeAttributesClass", "string", 0),
            ("Age", "string", 0),
            ("VolumeMode", "string", 1),
        ],
        "PersistentVolume" => &[
            ("Name", "string", 0),
            ("Capacity", "string", 0),
            ("Access Modes", "string", 0),
            ("Reclaim Policy", "string", 0),
            ("Status", "string", 0),
            ("Claim", "string", 0),
            ("StorageClass", "string", 0),
            ("VolumeAttributesClass", "string", 0),
            ("Reason", "string", 0),
            ("Age", "string", 0),
        ],
        "StorageClass" => &[
            ("Name", "string", 0),
            ("Provisioner", "string", 0),
            ("ReclaimPolicy", "string", 0),
            ("VolumeBindingMode", "string", 0),
            ("AllowVolumeExpansion", "string", 0),
            ("Age", "string", 0),
        ],
        "Event" => &[
            ("Last Seen", "string", 0),
            ("Type", "string", 0),
            ("Reason", "string", 0),
            ("Object", "string", 0),
            ("Message", "string", 0),
        ],
        "Ingress" => &[
            ("Name", "string", 0),
            ("Class", "string", 0),
            ("Hosts", "string", 0),
            ("Address", "string", 0),
            ("Ports", "string", 0),
            ("Age", "string", 0),
        ],
        "IngressClass" => &[
            ("Name", "string", 0),
            ("Controller", "string", 0),
            ("Parameters", "string", 0),
            ("Age", "string", 0),
        ],
        "Namespace" => &[
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Age", "string", 0),
        ],
        "Secret" => &[
            ("Name", "string", 0),
            ("Type", "string", 0),
            ("Data", "string", 0),
            ("Age", "string", 0),
        ],
        _ => &[("Name", "string", 0), ("Age", "string", 0)],
    };
    c.to_vec()
}

pub fn column_definitions(kind: &str) -> Value {
    Value::Array(
        columns(kind)
            .into_iter()
            .map(|(name, ty, priority)| {
                let format = if name == "Name" { "name" } else { "" };
                json!({"name": name, "type": ty, "format": format, "description": name, "priority": priority})
            })
            .collect(),
    )
}

/// One table row for an object; `include` is `None`, `Metadata` or `Object`.
pub fn row(obj: &Value, include: &str, now: jiff::Timestamp) -> Value {
    let kind = obj["kind"].as_str().unwrap_or_default();
    let object = match include {
        "None" => Value::Null,
        "Object" => obj.clone(),
        _ => json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata").cloned().unwrap_or(Value::Null),
        }),
    };
    json!({"cells": cells(kind, obj, now), "object": object})
}

/// A Table of `objs`.
pub fn table(
    res: &ApiResource,
    objs: &[Value],
    include: &str,
    rv: u64,
    cont: Option<&str>,
    with_columns: bool,
) -> Value {
    let now = jiff::Timestamp::now();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": if with_columns { column_definitions(res.kind) } else { Value::Null },
        "rows": objs.iter().map(|o| row(o, include, now)).collect::<Vec<_>>(),
    })
}

fn s<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or("")
}

fn n(v: &Value, ptr: &str) -> i64 {
    v.pointer(ptr).and_then(Value::as_i64).unwrap_or(0)
}

fn arr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn or_none(x: String) -> String {
    if x.is_empty() { "<none>".into() } else { x }
}

/// kubectl's short duration: 45s, 12m, 3h4m, 5d.
pub fn human_age(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..120 => format!("{secs}s"),
        120..600 => format!("{}m{}s", secs / 60, secs % 60).replace("m0s", "m"),
        600..10_800 => format!("{}m", secs / 60),
        10_800..86_400 => format!("{}h{}m", secs / 3600, secs % 3600 / 60).replace("h0m", "h"),
        _ => format!("{}d", secs / 86_400),
    }
}

fn age(v: &Value, ptr: &str, now: jiff::Timestamp) -> String {
    match s(v, ptr).parse::<jiff::Timestamp>() {
        Ok(t) => human_age(now.as_second() - t.as_second()),
        Err(_) => "<unknown>".into(),
    }
}

fn containers(v: &Value, field: &str) -> String {
    arr(v, "/spec/template/spec/containers")
        .iter()
        .map(|c| c[field].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
}

fn selector(v: &Value) -> String {
    v.pointer("/spec/selector/matchLabels")
        .or_else(|| v.pointer("/spec/selector"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn cells(kind: &str, v: &Value, now: jiff::Timestamp) -> Vec<Value> {
    let name = json!(s(v, "/metadata/name"));
    let created = age(v, "/metadata/creationTimestamp", now);
    match kind {
        "Pod" => {
            let statuses = arr(v, "/status/containerStatuses");
            let total = arr(v, "/spec/containers").len();
            let ready = statuses
                .iter()
                .filter(|c| c["ready"].as_bool() == Some(true))
                .count();
            let restarts: i64 = statuses
                .iter()
                .map(|c| c["restartCount"].as_i64().unwrap_or(0))
                .sum();
            let last_restart = statuses
                .iter()
                .filter_map(|c| {
                    c.pointer("/lastState/terminated/finishedAt")
                        .and_then(Value::as_str)
                })
                .filter_map(|t| t.parse::<jiff::Timestamp>().ok())
                .max();
            let restarts = match last_restart {
                Some(t) if restarts > 0 => format!(
                    "{restarts} ({} ago)",
                    human_age(now.as_second() - t.as_second())
                ),
                _ => restarts.to_string(),
            };
            vec![
                name,
                json!(format!("{ready}/{total}")),
                json!(pod_status(v)),
                json!(restarts),
                json!(created),
                json!(or_none(s(v, "/status/podIP").into())),
                json!(or_none(s(v, "/spec/nodeName").into())),
                json!("<none>"),
                json!("<none>"),
            ]
        }
        "Node" => {
            let ready = arr(v, "/status/conditions")
                .iter()
                .find(|c| c["type"] == "Ready")
                .map(|c| c["status"] == "True")
                .unwrap_or(false);
            let mut status = if ready {
                "Ready".to_owned()
            } else {
                "NotReady".to_owned()
            };
            if v.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<String> = v
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .filter_map(|k| {
                            k.strip_prefix("node-role.kubernetes.io/")
                                .map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let addr = |t: &str| {
                arr(v, "/status/addresses")
                    .iter()
                    .find(|a| a["type"] == t)
                    .and_then(|a| a["address"].as_str())
                    .unwrap_or("<none>")
                    .to_owned()
            };
            vec![
                name,
                json!(status),
                json!(or_none(roles.join(","))),
                json!(created),
                json!(s(v, "/status/nodeInfo/kubeletVersion")),
                json!(addr("InternalIP")),
                json!(addr("ExternalIP")),
                json!(s(v, "/status/nodeInfo/osImage")),
                json!(s(v, "/status/nodeInfo/kernelVersion")),
                json!(s(v, "/status/nodeInfo/containerRuntimeVersion")),
            ]
        }
        "Deployment" => vec![
            name,
            json!(format!(
                "{}/{}",
                n(v, "/status/readyReplicas"),
                n(v, "/spec/replicas")
            )),
            json!(n(v, "/status/updatedReplicas")),
            json!(n(v, "/status/availableReplicas")),
            json!(created),
            json!(containers(v, "name")),
            json!(containers(v, "image")),
            json!(selector(v)),
        ],
        "ReplicaSet" => vec![
            name,
            json!(n(v, "/spec/replicas")),
            json!(n(v, "/status/replicas")),
            json!(n(v, "/status/readyReplicas")),
            json!(created),
            json!(containers(v, "name")),
            json!(containers(v, "image")),
            json!(selector(v)),
        ],
        "StatefulSet" => vec![
            name,
            json!(format!(
                "{}/{}",
                n(v, "/status/readyReplicas"),
                n(v, "/spec/replicas")
            )),
            json!(created),
            json!(containers(v, "name")),
            json!(containers(v, "image")),
        ],
        "DaemonSet" => vec![
            name,
            json!(n(v, "/status/desiredNumberScheduled")),
            json!(n(v, "/status/currentNumberScheduled")),
            json!(n(v, "/status/numberReady")),
            json!(n(v, "/status/updatedNumberScheduled")),
            json!(n(v, "/status/numberAvailable")),
            json!(or_none(
                v.pointer("/spec/template/spec/nodeSelector")
                    .and_then(Value::as_object)
                    .map(|m| m
                        .iter()
                        .map(|(k, x)| format!("{k}={}", x.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(","))
                    .unwrap_or_default()
            )),
            json!(created),
        ],
        "Service" => {
            let ports: Vec<String> = arr(v, "/spec/ports")
                .iter()
                .map(|p| {
                    let proto = p["protocol"].as_str().unwrap_or("TCP");
                    match p["nodePort"].as_i64() {
                        Some(np) => format!("{}:{np}/{proto}", p["port"]),
                        None => format!("{}/{proto}", p["port"]),
                    }
                })
                .collect();
            let ext = arr(v, "/status/loadBalancer/ingress")
                .iter()
                .filter_map(|i| i["hostname"].as_str().or(i["ip"].as_str()))
                .collect::<Vec<_>>()
                .join(",");
            let ty = s(v, "/spec/type");
            vec![
                name,
                json!(if ty.is_empty() { "ClusterIP" } else { ty }),
                json!(or_none(s(v, "/spec/clusterIP").into())),
                json!(if ext.is_empty() {
                    if ty == "LoadBalancer" {
                        "<pending>".to_owned()
                    } else {
                        "<none>".to_owned()
                    }
                } else {
                    ext
                }),
                json!(or_none(ports.join(","))),
                json!(created),
                json!(or_none(selector(v))),
            ]
        }
        "EndpointSlice" => {
            let ports = arr(v, "/ports")
                .iter()
                .map(|p| p["port"].to_string())
                .collect::<Vec<_>>()
                .join(",");
            let eps: Vec<&str> = arr(v, "/endpoints")
                .iter()
                .flat_map(|e| arr(e, "/addresses").iter().filter_map(Value::as_str))
                .collect();
            let shown = if eps.len() > 3 {
                format!("{} + {} more...", eps[..3].join(","), eps.len() - 3)
            } else {
                or_none(eps.join(","))
            };
            vec![
                name,
                json!(s(v, "/addressType")),
                json!(or_none(ports)),
                json!(shown),
                json!(created),
            ]
        }
        "Endpoints" => {
            let eps: Vec<String> = arr(v, "/subsets")
                .iter()
                .flat_map(|ss| {
                    let port = arr(ss, "/ports")
                        .first()
                        .map(|p| p["port"].to_string())
                        .unwrap_or_default();
                    arr(ss, "/addresses")
                        .iter()
                        .map(move |a| format!("{}:{port}", a["ip"].as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                })
                .collect();
            vec![name, json!(or_none(eps.join(","))), json!(created)]
        }
        "HorizontalPodAutoscaler" => vec![
            name,
            json!(format!(
                "{}/{}",
                s(v, "/spec/scaleTargetRef/kind"),
                s(v, "/spec/scaleTargetRef/name")
            )),
            json!(hpa_targets(v)),
            json!(n(v, "/spec/minReplicas").max(1).to_string()),
            json!(n(v, "/spec/maxReplicas")),
            json!(n(v, "/status/currentReplicas")),
            json!(created),
        ],
        "PersistentVolumeClaim" => vec![
            name,
            json!(s(v, "/status/phase")),
            json!(s(v, "/spec/volumeName")),
            json!(s(v, "/status/capacity/storage")),
            json!(access_modes(arr(v, "/status/accessModes"))),
            json!(s(v, "/spec/storageClassName")),
            json!("<unset>"),
            json!(created),
            json!(s(v, "/spec/volumeMode")),
        ],
        "PersistentVolume" => {
            let claim = if s(v, "/spec/claimRef/name").is_empty() {
                String::new()
            } else {
                format!(
                    "{}/{}",
                    s(v, "/spec/claimRef/namespace"),
                    s(v, "/spec/claimRef/name")
                )
            };
            vec![
                name,
                json!(s(v, "/spec/capacity/storage")),
                json!(access_modes(arr(v, "/spec/accessModes"))),
                json!(s(v, "/spec/persistentVolumeReclaimPolicy")),
                json!(s(v, "/status/phase")),
                json!(claim),
                json!(s(v, "/spec/storageClassName")),
                json!("<unset>"),
                json!(s(v, "/status/reason")),
                json!(created),
            ]
        }
        "StorageClass" => {
            let default = v
                .pointer("/metadata/annotations/storageclass.kubernetes.io~1is-default-class")
                .and_then(Value::as_str)
                == Some("true");
            vec![
                json!(if default {
                    format!("{} (default)", s(v, "/metadata/name"))
                } else {
                    s(v, "/metadata/name").to_owned()
                }),
                json!(s(v, "/provisioner")),
                json!(if s(v, "/reclaimPolicy").is_empty() {
                    "Delete"
                } else {
                    s(v, "/reclaimPolicy")
                }),
                json!(if s(v, "/volumeBindingMode").is_empty() {
                    "Immediate"
                } else {
                    s(v, "/volumeBindingMode")
                }),
                json!(
                    v.get("allowVolumeExpansion")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                        .to_string()
                ),
                json!(created),
            ]
        }
        "Event" => {
            let last = [
                "/lastTimestamp",
                "/eventTime",
                "/metadata/creationTimestamp",
            ]
            .into_iter()
            .find(|p| !s(v, p).is_empty())
            .unwrap_or("/lastTimestamp");
            let obj = format!(
                "{}/{}",
                s(v, "/involvedObject/kind").to_lowercase(),
                s(v, "/involvedObject/name")
            );
            vec![
                json!(age(v, last, now)),
                json!(s(v, "/type")),
                json!(s(v, "/reason")),
                json!(obj),
                json!(s(v, "/message")),
            ]
        }
        "Ingress" => {
            let class = v
                .pointer("/spec/ingressClassName")
                .or_else(|| v.pointer("/metadata/annotations/kubernetes.io~1ingress.class"))
                .and_then(Value::as_str)
                .unwrap_or("<none>");
            let hosts: Vec<&str> = arr(v, "/spec/rules")
                .iter()
                .map(|r| r["host"].as_str().unwrap_or("*"))
                .collect();
            let address = arr(v, "/status/loadBalancer/ingress")
                .iter()
                .filter_map(|i| i["ip"].as_str().or(i["hostname"].as_str()))
                .collect::<Vec<_>>()
                .join(",");
            let ports = if arr(v, "/spec/tls").is_empty() {
                "80"
            } else {
                "80, 443"
            };
            vec![
                name,
                json!(class),
                json!(if hosts.is_empty() {
                    "*".to_owned()
                } else {
                    hosts.join(",")
                }),
                json!(address),
                json!(ports),
                json!(created),
            ]
        }
        "IngressClass" => {
            let params = v
                .pointer("/spec/parameters")
                .map(|p| format!("{}/{}", s(p, "/kind"), s(p, "/name")))
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(s(v, "/spec/controller")),
                json!(params),
                json!(created),
            ]
        }
        "Namespace" => vec![
            name,
            json!(if s(v, "/status/phase").is_empty() {
                "Active"
            } else {
                s(v, "/status/phase")
            }),
            json!(created),
        ],
        // Data is the number of keys, as kubectl shows it: never a value.
        "Secret" => vec![
            name,
            json!(s(v, "/type")),
            json!(
                v.get("data")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len())
                    + v.get("stringData")
                        .and_then(Value::as_object)
                        .map_or(0, |m| m.len())
            ),
            json!(created),
        ],
        _ => vec![name, json!(created)],
    }
}

fn access_modes(modes: &[Value]) -> String {
    modes
        .iter()
        .filter_map(Value::as_str)
        .map(|m| match m {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// kubectl's pod STATUS: the most telling reason, as `kubectl get pods` prints it.
pub fn pod_status(v: &Value) -> String {
    if !s(v, "/metadata/deletionTimestamp").is_empty() {
        return "Terminating".into();
    }
    let mut reason = if s(v, "/status/reason").is_empty() {
        s(v, "/status/phase").to_owned()
    } else {
        s(v, "/status/reason").to_owned()
    };
    for c in arr(v, "/status/containerStatuses") {
        if let Some(r) = c.pointer("/state/waiting/reason").and_then(Value::as_str) {
            reason = r.to_owned();
        } else if let Some(r) = c
            .pointer("/state/terminated/reason")
            .and_then(Value::as_str)
        {
            reason = r.to_owned();
        }
    }
    if reason.is_empty() {
        "Pending".into()
    } else {
        reason
    }
}

fn hpa_targets(v: &Value) -> String {
    let specs = arr(v, "/spec/metrics");
    let current = arr(v, "/status/currentMetrics");
    let parts: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let ty = m["type"].as_str().unwrap_or_default();
            let key = match ty {
                "Resource" => "resource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                "ContainerResource" => "containerResource",
                _ => "",
            };
            let target = &m[key]["target"];
            let cur = current.get(i).map(|c| &c[key]["current"]);
            let metric_name = m[key]["name"]
                .as_str()
                .or(m[key].pointer("/metric/name").and_then(Value::as_str))
                .unwrap_or(ty);
            let (cur_s, tgt_s) = match target["type"].as_str() {
                Some("Utilization") => (
                    cur.and_then(|c| c["averageUtilization"].as_i64())
                        .map(|x| format!("{x}%")),
                    format!("{}%", target["averageUtilization"]),
                ),
                Some("AverageValue") => (
                    cur.and_then(|c| c["averageValue"].as_str())
                        .map(str::to_owned),
                    target["averageValue"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                ),
                _ => (
                    cur.and_then(|c| c["value"].as_str()).map(str::to_owned),
                    target["value"].as_str().unwrap_or_default().to_owned(),
                ),
            };
            format!(
                "{metric_name}: {}/{tgt_s}",
                cur_s.unwrap_or_else(|| "<unknown>".into())
            )
        })
        .collect();
    or_none(parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_cells_are_kubectls() {
        let now: jiff::Timestamp = "2024-01-01T12:00:00Z".parse().expect("ts");
        let ing = json!({"metadata": {"name": "shop", "creationTimestamp": "2024-01-01T11:00:00Z"},
            "spec": {"ingressClassName": "kong", "tls": [{"hosts": ["a.example.com"]}],
                "rules": [{"host": "a.example.com"}, {"http": {"paths": []}}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.5"}]}}});
        assert_eq!(
            cells("Ingress", &ing, now),
            vec![
                json!("shop"),
                json!("kong"),
                json!("a.example.com,*"),
                json!("10.0.0.5"),
                json!("80, 443"),
                json!("60m")
            ]
        );
        let class = json!({"metadata": {"name": "kong"}, "spec": {"controller": "ingress-controllers.konghq.com/kong"}});
        assert_eq!(
            cells("IngressClass", &class, now)[1..3],
            [
                json!("ingress-controllers.konghq.com/kong"),
                json!("<none>")
            ]
        );
    }

    #[test]
    fn pod_status_prefers_container_waiting_reason() {
        let pod = json!({"status": {"phase": "Running", "containerStatuses": [{"ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        assert_eq!(pod_status(&pod), "CrashLoopBackOff");
        assert_eq!(
            pod_status(&json!({"status": {"phase": "Pending"}})),
            "Pending"
        );
        assert_eq!(human_age(59), "59s");
        assert_eq!(human_age(3 * 3600 + 60), "3h1m");
    }

    #[test]
    fn hpa_targets_show_each_metric() {
        let hpa = json!({"spec": {"metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "100"}}}
        ]}, "status": {"currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 93}}},
            {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "current": {"averageValue": "120"}}}
        ]}});
        assert_eq!(
            hpa_targets(&hpa),
            "cpu: 93%/80%, requests_per_second: 120/100"
        );
    }
}
