//! The simulated control plane: one reconcile pass per controller, each a
//! function over one cluster's [`Store`] and a [`Ctx`] (the time, what EKS
//! says about capacity). Passes are idempotent and write only what changed,
//! so running them every tick costs little once the cluster has settled.
//!
//! | file | controller |
//! |---|---|
//! | `deployments`, `replicasets`, `statefulsets`, `daemonsets` | workloads → pods |
//! | `admission` | the EKS Fargate webhook: profile matching at pod creation |
//! | `fargate` | the Fargate scheduler: refusals, one `fargate-ip-…` node per pod |
//! | `scheduler` | the default scheduler onto EC2 and virtual nodes |
//! | `nodes` | EC2 nodes following each node group's desired size |
//! | `kubelet` | pod lifecycle as a pure function of time since binding |
//! | `volumes` | PVC binding and provisioning per `volumeBindingMode` |
//! | `hpa`, `load` | autoscaling/v2 over synthetic load curves |
//! | `endpoints` | EndpointSlices and Endpoints per Service |
//! | `events`, `meta`, `ips`, `podspec`, `selectors` | shared helpers |

pub mod admission;
pub mod daemonsets;
pub mod deployments;
pub mod endpoints;
pub mod events;
pub mod fargate;
pub mod hpa;
pub mod ips;
pub mod kubelet;
pub mod lifecycle;
pub mod load;
pub mod meta;
pub mod nodes;
pub mod podspec;
pub mod replicasets;
pub mod scheduler;
pub mod selectors;
pub mod statefulsets;
pub mod volumes;

#[cfg(test)]
pub(crate) mod testkit;

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::cluster::EksView;
use super::store::Store;

/// What one pass knows besides the store.
pub struct Ctx<'a> {
    pub now: Timestamp,
    pub region: &'a str,
    pub eks: &'a EksView,
    /// Stable per cluster: names and addresses derive from it.
    pub seed: u64,
    /// When the scenario started (load curves are functions of time since).
    pub started: Timestamp,
    /// HPA load curves by (namespace, hpa name).
    pub loads: &'a BTreeMap<(String, String), load::LoadCurve>,
}

impl Ctx<'_> {
    pub fn zones(&self) -> Vec<String> {
        ["a", "b", "c"]
            .iter()
            .map(|s| format!("{}{s}", self.region))
            .collect()
    }
}

/// The earliest time a controller wants to run again even if nothing is written.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Due(pub Option<Timestamp>);

impl Due {
    pub fn at(&mut self, t: Timestamp) {
        self.0 = Some(self.0.map_or(t, |d| d.min(t)));
    }

    pub fn merge(&mut self, other: Due) {
        if let Some(t) = other.0 {
            self.at(t);
        }
    }
}

/// Every Kubernetes controller once, in dependency order. Returns when the
/// next time-driven change is due.
pub fn reconcile_all(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    nodes::reconcile(store, ctx);
    deployments::reconcile(store, ctx);
    replicasets::reconcile(store, ctx);
    statefulsets::reconcile(store, ctx);
    daemonsets::reconcile(store, ctx);
    due.merge(fargate::reconcile(store, ctx));
    scheduler::reconcile(store, ctx);
    due.merge(volumes::reconcile(store, ctx));
    due.merge(kubelet::reconcile(store, ctx));
    // Status of workloads follows the pods the kubelet just moved.
    replicasets::reconcile(store, ctx);
    deployments::reconcile(store, ctx);
    statefulsets::reconcile(store, ctx);
    daemonsets::reconcile(store, ctx);
    endpoints::reconcile(store, ctx);
    due.merge(hpa::reconcile(store, ctx));
    events::gc(store, ctx.now);
    due
}
