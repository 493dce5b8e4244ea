//! The benchmark fleet: `nodes` EC2 nodes, `pods` pods spread over 50
//! namespaces, built directly in their final Running state (no controller
//! walks 100k pods through scheduling), then a steady churn of pod events.
//!
//! The churn is a large fleet's ordinary day: the events come from a few
//! busy pods (`busy`, 1 in 100 by default), as they do where most pods sit
//! still. Four in five busy pods flap their readiness probe; one in five
//! crash-loops. `busy=PODS` spreads the events over every pod, as earlier
//! versions did: then the fleet falls ill pod by pod, and the findings
//! (and fleetdeck's memory) grow for as long as it runs.

use serde_json::{Value, json};

use super::build::{kube_system, namespace, put};
use super::{Params, ScenarioError};
use crate::aws::Nodegroup;
use crate::resources::find;
use crate::rng::Rng;
use crate::store::Store;
use crate::world::Fleet;

const NAMESPACES: usize = 50;

fn param(params: &Params, key: &str, default: u32) -> Result<u32, ScenarioError> {
    match params.iter().find(|(k, _)| k == key) {
        None => Ok(default),
        Some((k, v)) => v.parse().map_err(|_| ScenarioError::BadParam {
            scenario: "scale",
            key: k.clone(),
            value: v.clone(),
            expected: "a whole number",
        }),
    }
}

fn pod_key(i: usize) -> (String, String) {
    (
        format!("team-{:02}", i % NAMESPACES),
        format!("svc-{:03}-{i:06}", (i / NAMESPACES) % 200),
    )
}

pub fn build(seed: u64, params: &Params) -> Result<Fleet, ScenarioError> {
    if let Some((k, v)) = params
        .iter()
        .find(|(k, _)| !["nodes", "pods", "events_per_sec", "busy"].contains(&k.as_str()))
    {
        return Err(ScenarioError::BadParam {
            scenario: "scale",
            key: k.clone(),
            value: v.clone(),
            expected: "one of nodes, pods, events_per_sec, busy",
        });
    }
    let nodes = param(params, "nodes", 5000)? as usize;
    let pods = param(params, "pods", 100_000)? as usize;
    let rate = param(params, "events_per_sec", 1000)?;
    let busy = param(params, "busy", (pods / 100).max(1) as u32)?;
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let started = t0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let c = b.cluster("scale", "us-west-2", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new(
            "bulk",
            "m5.4xlarge",
            (0, nodes as i32, nodes as i32 + 100),
            t0,
        ))
    });
    let mut s = b.store(c);
    kube_system(&mut s, false, true);
    for n in 0..NAMESPACES {
        namespace(&mut s, &format!("team-{n:02}"));
    }
    for n in 0..nodes {
        put(&mut s, "", "v1", "nodes", node(n, &started));
    }
    let rid = find("", "v1", "pods");
    for i in 0..pods {
        if let Some(rid) = rid {
            let _ = s.create_value(rid, pod(i, nodes.max(1), &started));
        }
    }
    drop(s);
    let mut fleet = b.finish();
    fleet.churn[c] = Some(Churn { rate, busy });
    Ok(fleet)
}

fn node(n: usize, started: &str) -> Value {
    let ip = format!("10.{}.{}.{}", 16 + n / 65_000, (n / 250) % 250, n % 250 + 2);
    let name = format!("ip-{}.us-west-2.compute.internal", ip.replace('.', "-"));
    json!({
        "metadata": {"name": name, "labels": {"eks.amazonaws.com/nodegroup": "bulk", "eks.amazonaws.com/capacityType": "ON_DEMAND", "node.kubernetes.io/instance-type": "m5.4xlarge",
            "topology.kubernetes.io/zone": format!("us-west-2{}", ["a", "b", "c"][n % 3]), "topology.kubernetes.io/region": "us-west-2", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
        "spec": {"providerID": format!("aws:///us-west-2a/i-{n:017x}")},
        "status": {"capacity": {"cpu": "16", "memory": "64Gi", "pods": "234"}, "allocatable": {"cpu": "15890m", "memory": "61Gi", "pods": "234"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": started, "lastTransitionTime": started}],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.31.2-eks-94953ac", "osImage": "Amazon Linux 2023", "kernelVersion": "6.1.115", "containerRuntimeVersion": "containerd://1.7.23", "operatingSystem": "linux", "architecture": "amd64", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""}},
    })
}

fn pod(i: usize, nodes: usize, started: &str) -> Value {
    let (ns, name) = pod_key(i);
    let n = i % nodes;
    let node_ip = format!("10.{}.{}.{}", 16 + n / 65_000, (n / 250) % 250, n % 250 + 2);
    let app = format!("svc-{:03}", (i / NAMESPACES) % 200);
    json!({
        "metadata": {"name": name, "namespace": ns, "labels": {"app": app}},
        "spec": {"nodeName": format!("ip-{}.us-west-2.compute.internal", node_ip.replace('.', "-")), "containers": [{"name": "app", "image": format!("{app}:1.0"), "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
        "status": {"phase": "Running", "podIP": format!("10.{}.{}.{}", 100 + i / 65_000, (i / 250) % 250, i % 250 + 2), "hostIP": node_ip, "startTime": started,
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": started}],
            "containerStatuses": [{"name": "app", "image": format!("{app}:1.0"), "imageID": "", "ready": true, "started": true, "restartCount": 0, "state": {"running": {"startedAt": started}}}]},
    })
}

/// Pod events at `rate` a second, all on `busy` pods spread evenly over
/// the fleet.
#[derive(Debug, Clone, Copy)]
pub struct Churn {
    pub rate: u32,
    pub busy: u32,
}

impl Churn {
    /// `count` events, each on a random busy pod: one in five busy pods
    /// crash-loops (its container restarts, exit code 1); the others flip
    /// their readiness, with the Ready condition's transition time, as the
    /// kubelet writes it.
    pub fn apply(&self, store: &mut Store, rng: &mut Rng, count: u32, now: jiff::Timestamp) {
        let Some(rid) = find("", "v1", "pods") else {
            return;
        };
        let total = store.count(rid);
        if total == 0 {
            return;
        }
        let busy = (self.busy as usize).clamp(1, total);
        let stride = total / busy;
        let stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        for _ in 0..count {
            let nth = rng.below(busy as u64) as usize;
            let (ns, name) = pod_key(nth * stride);
            let Some(obj) = store.get_raw(rid, &ns, &name) else {
                continue;
            };
            let mut v = obj.value();
            let cs = &mut v["status"]["containerStatuses"][0];
            if nth.is_multiple_of(5) {
                cs["restartCount"] = json!(cs["restartCount"].as_i64().unwrap_or(0) + 1);
                cs["lastState"] = json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": stamp, "finishedAt": stamp}});
            } else {
                let ready = cs["ready"].as_bool().unwrap_or(true);
                cs["ready"] = json!(!ready);
                v["status"]["conditions"][0] = json!({"type": "Ready", "status": if ready { "False" } else { "True" }, "lastTransitionTime": stamp});
            }
            let _ = store.replace_value(rid, v);
        }
    }
}
