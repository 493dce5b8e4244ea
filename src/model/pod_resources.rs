//! A pod's CPU and memory requests and limits, summed as kubectl sums them
//! for `describe node` (app containers and sidecars added, the largest init
//! container if larger, plus the pod's overhead), and a node's
//! non-terminated pods with them, for its describe.

use std::collections::BTreeMap;

use super::pod_wire::{Container, Pod};
use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::format::parse_quantity;

/// Requests and limits of one pod: CPU in millicores, memory in bytes.
/// A container without a limit adds 0, as in kubectl's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodResources {
    pub cpu_requests: i64,
    pub cpu_limits: i64,
    pub memory_requests: i64,
    pub memory_limits: i64,
}

impl PodResources {
    pub fn add(&mut self, o: &PodResources) {
        self.cpu_requests += o.cpu_requests;
        self.cpu_limits += o.cpu_limits;
        self.memory_requests += o.memory_requests;
        self.memory_limits += o.memory_limits;
    }

    fn max(&mut self, o: &PodResources) {
        self.cpu_requests = self.cpu_requests.max(o.cpu_requests);
        self.cpu_limits = self.cpu_limits.max(o.cpu_limits);
        self.memory_requests = self.memory_requests.max(o.memory_requests);
        self.memory_limits = self.memory_limits.max(o.memory_limits);
    }

    fn of_lists(
        requests: Option<&BTreeMap<String, Quantity>>,
        limits: Option<&BTreeMap<String, Quantity>>,
    ) -> PodResources {
        // Unparseable quantities count 0: the API server refuses them anyway.
        let cpu = |m: Option<&BTreeMap<String, Quantity>>| {
            m.and_then(|m| m.get("cpu"))
                .and_then(|q| parse_quantity(&q.0))
                .map_or(0, |v| (v * 1000.0).ceil() as i64)
        };
        let mem = |m: Option<&BTreeMap<String, Quantity>>| {
            m.and_then(|m| m.get("memory"))
                .and_then(|q| parse_quantity(&q.0))
                .map_or(0, |v| v.ceil() as i64)
        };
        PodResources {
            cpu_requests: cpu(requests),
            cpu_limits: cpu(limits),
            memory_requests: mem(requests),
            memory_limits: mem(limits),
        }
    }

    fn of_container(c: &Container) -> PodResources {
        let r = c.resources.as_ref();
        Self::of_lists(
            r.and_then(|r| r.requests.as_ref()),
            r.and_then(|r| r.limits.as_ref()),
        )
    }

    /// The pod's totals, as `kubectl describe node` counts them.
    pub fn of_pod(pod: &Pod) -> PodResources {
        let Some(spec) = pod.spec.as_ref() else {
            return PodResources::default();
        };
        let mut total = PodResources::default();
        for c in &spec.containers {
            total.add(&Self::of_container(c));
        }
        // Sidecars (init containers that keep running) run beside the app
        // containers; a plain init container runs alone, after the sidecars
        // declared before it.
        let mut sidecars = PodResources::default();
        let mut init_peak = PodResources::default();
        for c in spec.init_containers.iter().flatten() {
            let r = Self::of_container(c);
            if c.restart_policy.as_deref() == Some("Always") {
                sidecars.add(&r);
                init_peak.max(&sidecars);
            } else {
                let mut alone = sidecars;
                alone.add(&r);
                init_peak.max(&alone);
            }
        }
        total.add(&sidecars);
        total.max(&init_peak);
        let overhead = Self::of_lists(spec.overhead.as_ref(), None);
        total.cpu_requests += overhead.cpu_requests;
        total.memory_requests += overhead.memory_requests;
        // Overhead counts towards limits only where a limit is set.
        if total.cpu_limits > 0 {
            total.cpu_limits += overhead.cpu_requests;
        }
        if total.memory_limits > 0 {
            total.memory_limits += overhead.memory_requests;
        }
        total
    }
}

/// One non-terminated pod on a node, as its describe lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePod {
    pub namespace: String,
    pub name: String,
    pub resources: PodResources,
    pub created: Option<Timestamp>,
}

/// A node's non-terminated pods from the watched pods, and how current the
/// watch is: `stale` is the pods source's label when it is not live.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePods {
    pub pods: Vec<NodePod>,
    /// `None` when the pods are live; else why they may be off (`stale 2m`,
    /// `forbidden`…), said next to them.
    pub not_live: Option<String>,
    /// No pods were ever listed: the rows are unknown, not zero.
    pub unknown: bool,
}

impl NodePods {
    /// The pods on `node` in cluster `c` that have not terminated, from the
    /// pods-per-node join (one pass over that node's pods).
    pub fn of(c: &super::cluster::ClusterData, node: &str, now: Timestamp) -> NodePods {
        use super::status::SourceState;
        let state = c
            .kinds
            .get(&super::cluster::Kind::Pods)
            .cloned()
            .unwrap_or(SourceState::Syncing);
        let pods = c
            .joins
            .pods_on(&c.stores, node)
            .into_iter()
            .filter(|p| p.phase != "Succeeded" && p.phase != "Failed")
            .map(|p| NodePod {
                namespace: p.namespace.to_string(),
                name: p.name.to_string(),
                resources: p.resources,
                created: p.created,
            })
            .collect();
        NodePods {
            pods,
            unknown: matches!(state, SourceState::Syncing | SourceState::Failed { .. }),
            not_live: match &state {
                SourceState::Live => None,
                SourceState::Stale { error, .. } => {
                    Some(format!("{} — {}", state.label(now), error.message()))
                }
                SourceState::Failed { error, .. } => {
                    Some(format!("{} — {}", state.label(now), error.message()))
                }
                SourceState::Syncing => Some("syncing".into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).expect("pod")
    }

    #[test]
    fn containers_add_and_a_larger_init_container_wins() {
        let p = pod(json!({"spec": {
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                    "limits": {"memory": "128Mi"}}},
                {"name": "b", "resources": {"requests": {"cpu": "0.25", "memory": "1Gi"}}}],
            "initContainers": [
                {"name": "i", "resources": {"requests": {"cpu": "2", "memory": "10Mi"}}}]}}));
        let r = PodResources::of_pod(&p);
        assert_eq!(r.cpu_requests, 2000);
        assert_eq!(r.memory_requests, 64 * 1024 * 1024 + 1024 * 1024 * 1024);
        assert_eq!(r.cpu_limits, 0);
        assert_eq!(r.memory_limits, 128 * 1024 * 1024);
    }

    #[test]
    fn sidecars_run_beside_the_app_and_overhead_is_added() {
        let p = pod(json!({"spec": {
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}],
            "initContainers": [{"name": "proxy", "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "50m"}}}],
            "overhead": {"cpu": "250m", "memory": "64Mi"}}}));
        let r = PodResources::of_pod(&p);
        assert_eq!(r.cpu_requests, 400);
        assert_eq!(r.memory_requests, 64 * 1024 * 1024);
        assert_eq!(r.cpu_limits, 0, "no limit set: overhead adds none");
    }
}
