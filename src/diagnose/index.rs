//! The snapshot rules read: the fleet, the time, and joins built once per
//! diagnosis so that no rule scans every pod for every object.

use std::collections::HashMap;

use jiff::Timestamp;

use super::ObjectRef;
use crate::model::cluster::ClusterData;
use crate::model::event::EventRow;
use crate::model::fleet::Fleet;
use crate::model::node::NodeKind;
use crate::model::pod::PodRow;
use crate::model::service::EndpointSliceRow;

/// Joins for one cluster.
pub struct ClusterIndex<'a> {
    pub data: &'a ClusterData,
    /// `(namespace, claim)` → pods mounting it.
    pub pods_by_claim: HashMap<(&'a str, &'a str), Vec<&'a PodRow>>,
    /// `(kind, namespace, name)` → the latest event, Warning preferred.
    pub events: HashMap<(&'a str, &'a str, &'a str), &'a EventRow>,
    /// `(namespace, service)` → its slices.
    pub slices: HashMap<(&'a str, &'a str), Vec<&'a EndpointSliceRow>>,
    /// `(namespace, ReplicaSet)` → Deployment.
    pub rs_owner: HashMap<(&'a str, &'a str), &'a str>,
    pub ec2_nodes: usize,
}

impl<'a> ClusterIndex<'a> {
    fn new(c: &'a ClusterData) -> Self {
        let s = &c.stores;
        let mut pods_by_claim: HashMap<(&str, &str), Vec<&PodRow>> = HashMap::new();
        for p in s.pods.iter() {
            for claim in &p.claims {
                pods_by_claim
                    .entry((p.namespace.as_str(), claim.as_str()))
                    .or_default()
                    .push(p);
            }
        }
        let mut events: HashMap<(&str, &str, &str), &EventRow> = HashMap::new();
        for e in s.events.iter() {
            let key = (
                e.object_kind.as_str(),
                e.namespace.as_str(),
                e.object_name.as_str(),
            );
            let newer = events.get(&key).is_none_or(|old| {
                (old.type_ != "Warning" && e.type_ == "Warning")
                    || (old.type_ == e.type_ && e.last >= old.last)
            });
            if newer {
                events.insert(key, e);
            }
        }
        let mut slices: HashMap<(&str, &str), Vec<&EndpointSliceRow>> = HashMap::new();
        for sl in s.endpointslices.iter() {
            if let Some(svc) = &sl.service {
                slices
                    .entry((sl.namespace.as_str(), svc.as_str()))
                    .or_default()
                    .push(sl);
            }
        }
        let rs_owner = s
            .replicasets
            .iter()
            .filter_map(|r| {
                r.deployment
                    .as_deref()
                    .map(|d| ((r.namespace.as_str(), r.name.as_str()), d))
            })
            .collect();
        ClusterIndex {
            data: c,
            pods_by_claim,
            events,
            slices,
            rs_owner,
            ec2_nodes: s.nodes.iter().filter(|n| n.kind == NodeKind::Ec2).count(),
        }
    }

    pub fn name(&self) -> &'a str {
        &self.data.name
    }

    /// The latest event about an object (Warning preferred).
    pub fn event(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a EventRow> {
        self.events.get(&(kind, namespace, name)).copied()
    }

    /// The latest Warning event about an object.
    pub fn warning(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a EventRow> {
        self.event(kind, namespace, name)
            .filter(|e| e.type_ == "Warning")
    }

    /// The workload owning a pod: `(kind, name)`, through its ReplicaSet.
    pub fn workload_of(&self, p: &'a PodRow) -> Option<(&'a str, &'a str)> {
        let o = p.owner.as_ref()?;
        if o.kind == "ReplicaSet" {
            return self
                .rs_owner
                .get(&(p.namespace.as_str(), o.name.as_str()))
                .map(|d| ("Deployment", *d));
        }
        Some((o.kind.as_str(), o.name.as_str()))
    }

    pub fn pod_ref(&self, p: &PodRow) -> ObjectRef {
        ObjectRef::new(self.name(), "Pod", &p.namespace, &p.name)
    }

    /// Ready endpoint addresses of a service.
    pub fn ready_addresses(&self, namespace: &str, service: &str) -> Vec<&'a str> {
        self.slices
            .get(&(namespace, service))
            .into_iter()
            .flatten()
            .flat_map(|s| s.endpoints.iter())
            .filter(|e| e.ready)
            .map(|e| e.address.as_str())
            .collect()
    }

    /// Whether the cluster's sources are live enough to judge absences.
    pub fn complete(&self) -> bool {
        self.data.connection.error().is_none()
            && self
                .data
                .kinds
                .values()
                .all(|s| matches!(s, crate::model::status::SourceState::Live))
    }
}

pub struct Snapshot<'a> {
    pub fleet: &'a Fleet,
    pub now: Timestamp,
    pub clusters: Vec<ClusterIndex<'a>>,
}

impl<'a> Snapshot<'a> {
    pub fn new(fleet: &'a Fleet, now: Timestamp) -> Self {
        Snapshot {
            fleet,
            now,
            clusters: fleet.clusters.values().map(ClusterIndex::new).collect(),
        }
    }

    pub fn cluster(&self, name: &str) -> Option<&ClusterIndex<'a>> {
        self.clusters.iter().find(|c| c.data.name == name)
    }

    /// Seconds since `t` (0 when unknown or in the future).
    pub fn age(&self, t: Option<Timestamp>) -> i64 {
        t.map(|t| self.now.as_second().saturating_sub(t.as_second()).max(0))
            .unwrap_or(0)
    }

    /// The EKS cluster name a context refers to (`arn:…:cluster/NAME` → NAME).
    pub fn eks_name(context: &str) -> &str {
        context.rsplit('/').next().unwrap_or(context)
    }

    /// Fargate profiles of the EKS cluster behind a context.
    pub fn profiles(
        &self,
        context: &str,
    ) -> impl Iterator<Item = &'a crate::model::aws::FargateProfileRow> {
        let short = Self::eks_name(context).to_owned();
        self.fleet
            .aws
            .values()
            .flat_map(|r| r.rows.profiles.iter())
            .filter(move |p| p.cluster == short)
    }
}
