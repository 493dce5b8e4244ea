//! Test fleets built from Kubernetes objects written as JSON, mapped to rows
//! by the same `From` impls the watchers use.

use serde_json::{Value, json};

use crate::model::aws::{AwsRegionRows, FargateProfileRow, NodegroupRow};
use crate::model::cluster::{Kind, KubeUpdate};
use crate::model::fleet::{Fleet, SourceUpdate};
use crate::model::kong::{KongDb, KongNode, KongTarget, KongUpstream, KongVia, PodAccess};
use crate::model::status::SourceState;
use crate::model::store::Change;

pub const NOW: &str = "2024-01-01T12:00:00Z";
/// Ten minutes before [`NOW`]: old enough for every grace period.
pub const OLD: &str = "2024-01-01T11:50:00Z";

pub fn now() -> jiff::Timestamp {
    NOW.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn typed<K: serde::de::DeserializeOwned>(v: &Value) -> K {
    match serde_json::from_value(v.clone()) {
        Ok(k) => k,
        Err(e) => panic!("fixture {}: {e}", v["kind"]),
    }
}

/// A live cluster holding `items` (objects with `kind`).
pub fn cluster(fleet: &mut Fleet, name: &str, items: &[Value]) {
    let t = now();
    fleet.apply(
        SourceUpdate::ClusterAdded {
            cluster: name.into(),
            server: None,
        },
        t,
    );
    fleet.apply(
        SourceUpdate::ClusterConnected {
            cluster: name.into(),
            version: "v1.31.0-eks".into(),
        },
        t,
    );
    macro_rules! reset {
        ($kind:literal, $variant:ident, $k8s:ty) => {
            let rows = items
                .iter()
                .filter(|i| i["kind"] == $kind)
                .map(|i| (&typed::<$k8s>(i)).into())
                .collect();
            fleet.apply(
                SourceUpdate::Kube {
                    cluster: name.into(),
                    update: KubeUpdate::$variant(Change::reset(rows)),
                },
                t,
            );
        };
    }
    use k8s_openapi::api::{apps, autoscaling, core, discovery, storage};
    reset!("Node", Nodes, core::v1::Node);
    reset!("Pod", Pods, core::v1::Pod);
    reset!("Deployment", Deployments, apps::v1::Deployment);
    reset!("ReplicaSet", ReplicaSets, apps::v1::ReplicaSet);
    reset!("StatefulSet", StatefulSets, apps::v1::StatefulSet);
    reset!("DaemonSet", DaemonSets, apps::v1::DaemonSet);
    reset!("Service", Services, core::v1::Service);
    reset!(
        "EndpointSlice",
        EndpointSlices,
        discovery::v1::EndpointSlice
    );
    reset!("Event", Events, core::v1::Event);
    reset!(
        "HorizontalPodAutoscaler",
        Hpas,
        autoscaling::v2::HorizontalPodAutoscaler
    );
    reset!(
        "PersistentVolumeClaim",
        Pvcs,
        core::v1::PersistentVolumeClaim
    );
    reset!("PersistentVolume", Pvs, core::v1::PersistentVolume);
    reset!("StorageClass", StorageClasses, storage::v1::StorageClass);
    for k in Kind::ALL {
        fleet.apply(
            SourceUpdate::KindState {
                cluster: name.into(),
                kind: *k,
                state: SourceState::Live,
            },
            t,
        );
    }
}

pub fn fleet(name: &str, items: &[Value]) -> Fleet {
    let mut f = Fleet::default();
    cluster(&mut f, name, items);
    f
}

pub fn aws(fleet: &mut Fleet, region: &str, rows: AwsRegionRows) {
    fleet.apply(
        SourceUpdate::AwsRegion {
            region: region.into(),
            rows: Box::new(rows),
        },
        now(),
    );
}

pub fn profile(cluster: &str, name: &str, status: &str, selectors: &[&str]) -> FargateProfileRow {
    FargateProfileRow {
        region: "eu-west-1".into(),
        cluster: cluster.into(),
        name: name.into(),
        status: status.into(),
        selectors: selectors.iter().map(|s| (*s).to_owned()).collect(),
    }
}

pub fn nodegroup(cluster: &str, name: &str, (min, desired, max): (i32, i32, i32)) -> NodegroupRow {
    NodegroupRow {
        region: "eu-west-1".into(),
        cluster: cluster.into(),
        name: name.into(),
        status: "ACTIVE".into(),
        capacity_type: Some("ON_DEMAND".into()),
        instance_types: vec!["m5.large".into()],
        min,
        desired,
        max,
        issues: vec![],
    }
}

/// A healthy, polled Kong node of gateway `gw` (through a pod of `cluster`).
pub fn kong_node(
    gw: &str,
    cluster: Option<&str>,
    name: &str,
    upstreams: Vec<KongUpstream>,
) -> KongNode {
    let via = match cluster {
        Some(c) => KongVia::Pod {
            cluster: c.into(),
            namespace: "kong".into(),
            pod: name.into(),
            access: PodAccess::Proxy {
                port: 8001,
                tls: false,
            },
        },
        None => KongVia::Url(format!("http://{name}:8001")),
    };
    let mut n = KongNode::new(gw, name, via);
    n.reachable = Ok(());
    n.ready = Some(Ok(()));
    n.db = KongDb::Reachable(true);
    n.polled = Some(now());
    n.upstreams = upstreams;
    n
}

pub fn upstream(name: &str, balancer: &str, targets: &[(&str, i64, &str)]) -> KongUpstream {
    KongUpstream {
        name: name.into(),
        balancer: Some(balancer.into()),
        targets: targets
            .iter()
            .map(|(t, w, h)| KongTarget {
                target: (*t).into(),
                weight: *w,
                health: (*h).into(),
            })
            .collect(),
    }
}

pub fn gateway(
    fleet: &mut Fleet,
    name: &str,
    cluster: Option<&str>,
    ecs: Option<&str>,
    nodes: Vec<KongNode>,
) {
    let t = now();
    fleet.apply(
        SourceUpdate::GatewayAdded {
            gateway: name.into(),
            cluster: cluster.map(str::to_owned),
            ecs_service: ecs.map(str::to_owned),
        },
        t,
    );
    fleet.apply(
        SourceUpdate::GatewayState {
            gateway: name.into(),
            state: SourceState::Live,
        },
        t,
    );
    for n in nodes {
        fleet.apply(SourceUpdate::KongNode(Box::new(n)), t);
    }
}

/// A running, ready pod.
pub fn pod(ns: &str, name: &str) -> Value {
    json!({
        "kind": "Pod",
        "metadata": {"namespace": ns, "name": name, "creationTimestamp": OLD,
                     "labels": {"app": name}},
        "spec": {"containers": [{"name": "app", "image": "app:1",
                  "resources": {"requests": {"cpu": "100m"}}}],
                 "nodeName": "ip-10-0-1-1.eu-west-1.compute.internal"},
        "status": {"phase": "Running", "podIP": "10.0.1.50",
                   "containerStatuses": [{"name": "app", "image": "app:1", "imageID": "",
                       "ready": true, "restartCount": 0, "state": {"running": {}}}]}
    })
}

/// Sets `value` at a `/`-separated JSON pointer path, creating objects on the way.
pub fn set(mut v: Value, path: &str, value: Value) -> Value {
    let mut cur = &mut v;
    for raw in path.trim_start_matches('/').split('/') {
        let part = raw.replace("~1", "/").replace("~0", "~");
        let index = part.parse::<usize>().ok().filter(|_| cur.is_array());
        if !cur.is_object() && index.is_none() {
            *cur = json!({});
        }
        cur = match (index, cur) {
            (Some(i), Value::Array(arr)) => {
                if arr.len() <= i {
                    arr.resize(i + 1, Value::Null);
                }
                &mut arr[i]
            }
            (_, Value::Object(o)) => o.entry(part).or_insert(Value::Null),
            _ => return v,
        };
    }
    *cur = value;
    v
}

pub fn ec2_node(name: &str) -> Value {
    json!({
        "kind": "Node",
        "metadata": {"name": name, "creationTimestamp": OLD,
                     "labels": {"eks.amazonaws.com/nodegroup": "general"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}
    })
}

pub fn event(
    ns: &str,
    kind: &str,
    object: &str,
    type_: &str,
    reason: &str,
    message: &str,
) -> Value {
    json!({
        "kind": "Event",
        "metadata": {"namespace": ns, "name": format!("{object}.{reason}")},
        "involvedObject": {"kind": kind, "namespace": ns, "name": object},
        "type": type_, "reason": reason, "message": message,
        "source": {"component": "default-scheduler"},
        "lastTimestamp": NOW
    })
}

pub fn codes(f: &super::Findings) -> Vec<&'static str> {
    f.list.iter().map(|f| f.code).collect()
}
