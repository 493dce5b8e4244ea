//! Deployments, StatefulSets and DaemonSets as one row type: desired vs ready.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};

use super::store::{Row, key_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn label(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub desired: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
    pub created: Option<Timestamp>,
}

impl Row for WorkloadRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

fn base(
    kind: WorkloadKind,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> WorkloadRow {
    let (namespace, name) = key_of(meta);
    WorkloadRow {
        kind,
        namespace: namespace.clone(),
        name: name.clone(),
        desired: 0,
        ready: 0,
        updated: 0,
        available: 0,
        created: meta.creation_timestamp.as_ref().map(|t| t.0),
    }
}

impl From<&Deployment> for WorkloadRow {
    fn from(d: &Deployment) -> Self {
        let s = d.status.as_ref();
        WorkloadRow {
            desired: d.spec.replicas.unwrap_or(1),
            ready: s.and_then(|s| s.ready_replicas).unwrap_or(0),
            updated: s.and_then(|s| s.updated_replicas).unwrap_or(0),
            available: s.and_then(|s| s.available_replicas).unwrap_or(0),
            ..base(WorkloadKind::Deployment, &d.metadata)
        }
    }
}

impl From<&StatefulSet> for WorkloadRow {
    fn from(d: &StatefulSet) -> Self {
        let s = d.status.as_ref();
        WorkloadRow {
            desired: d.spec.replicas.unwrap_or(1),
            ready: s.and_then(|s| s.ready_replicas).unwrap_or(0),
            updated: s.and_then(|s| s.updated_replicas).unwrap_or(0),
            available: s.and_then(|s| s.available_replicas).unwrap_or(0),
            ..base(WorkloadKind::StatefulSet, &d.metadata)
        }
    }
}

impl From<&DaemonSet> for WorkloadRow {
    fn from(d: &DaemonSet) -> Self {
        let s = d.status.as_ref();
        WorkloadRow {
            desired: s.map(|s| s.desired_number_scheduled).unwrap_or(0),
            ready: s.map(|s| s.number_ready).unwrap_or(0),
            updated: s.and_then(|s| s.updated_number_scheduled).unwrap_or(0),
            available: s.and_then(|s| s.number_available).unwrap_or(0),
            ..base(WorkloadKind::DaemonSet, &d.metadata)
        }
    }
}

/// A ReplicaSet only matters as the link from a pod to its Deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaSetRow {
    pub namespace: String,
    pub name: String,
    pub deployment: Option<String>,
}

impl Row for ReplicaSetRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&ReplicaSet> for ReplicaSetRow {
    fn from(rs: &ReplicaSet) -> Self {
        let (namespace, name) = key_of(&rs.metadata);
        ReplicaSetRow {
            namespace,
            name,
            deployment: rs
                .metadata
                .owner_references
                .as_ref()
                .and_then(|o| o.iter().find(|o| o.kind == "Deployment"))
                .map(|o| o.name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn deployment_counts() {
        let row = WorkloadRow::from(&fixtures::deployment());
        assert_eq!((row.desired, row.ready, row.available), (4, 2, 2));
        assert_eq!(row.kind, WorkloadKind::Deployment);
        let rs = ReplicaSetRow::from(&fixtures::replicaset());
        assert_eq!(rs.deployment.as_deref(), Some("service"));
    }
}
