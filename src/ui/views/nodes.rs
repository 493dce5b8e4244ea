//! Nodes: Fargate, EC2 and virtual-kubelet capacity as separate groups. A
//! Fargate node shows the pod it hosts and that pod's `CapacityProvisioned`
//! size, not the host's capacity.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi};
use crate::config::theme::Role;
use crate::model::node::{NodeKind, NodeRow};
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A node with what runs on it: size and pool by kind, its pods.
pub struct NodeFacts<'a> {
    cluster: &'a str,
    node: &'a NodeRow,
    status_role: Role,
    kind_role: Role,
    size: String,
    pool: String,
    capacity: String,
    pods: String,
    hosted_pod: String,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeColumn {
    Cluster,
    Name,
    Status,
    Size,
    Pool,
    Capacity,
    Pods,
    Age,
    HostedPod,
}

impl Column for NodeColumn {
    type Row<'a> = NodeFacts<'a>;
    const ALL: &'static [Self] = &[
        NodeColumn::Cluster,
        NodeColumn::Name,
        NodeColumn::Status,
        NodeColumn::Size,
        NodeColumn::Pool,
        NodeColumn::Capacity,
        NodeColumn::Pods,
        NodeColumn::Age,
        NodeColumn::HostedPod,
    ];

    fn spec(self) -> Spec {
        match self {
            NodeColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            NodeColumn::Name => Spec::fixed("name", "NAME", 47).middle(),
            NodeColumn::Status => Spec::fixed("status", "STATUS", 12),
            NodeColumn::Size => Spec::fixed("size", "SIZE/TYPE", 15),
            NodeColumn::Pool => Spec::fixed("pool", "PROFILE/GROUP", 18),
            NodeColumn::Capacity => Spec::fixed("capacity", "CAPACITY", 9),
            NodeColumn::Pods => Spec::fixed("pods", "PODS", 6),
            NodeColumn::Age => Spec::fixed("age", "AGE", 4),
            NodeColumn::HostedPod => Spec::fill("hosted-pod", "HOSTED POD"),
        }
    }

    fn cell(self, r: &NodeFacts<'_>) -> Cell {
        match self {
            NodeColumn::Cluster => cell(r.cluster, Role::Muted),
            NodeColumn::Name => cell(&r.node.name, Role::Text),
            NodeColumn::Status => cell(r.node.status_text(), r.status_role),
            NodeColumn::Size => cell(&r.size, r.kind_role),
            NodeColumn::Pool => cell(&r.pool, r.kind_role),
            NodeColumn::Capacity => cell(&r.capacity, Role::Muted),
            NodeColumn::Pods => cell(&r.pods, Role::Text),
            NodeColumn::Age => age_cell(r.node.created, r.now),
            NodeColumn::HostedPod => cell(&r.hosted_pod, Role::Text),
        }
    }
}

/// The groups, in the order they are drawn (a node's group is its kind's).
fn groups() -> Vec<String> {
    vec![
        "Fargate".into(),
        "EC2".into(),
        "Virtual (virtual-kubelet)".into(),
    ]
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(NodeColumn::Cluster, multi(state, &scope)));
    table.reserve(
        clusters(state, &scope)
            .iter()
            .map(|c| c.stores.nodes.len())
            .sum(),
    );
    for c in clusters(state, &scope) {
        for n in c.stores.nodes.iter() {
            push(&mut table, state, &scope, c, n);
        }
    }
    table.finish(
        groups(),
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Nodes),
    )
}

/// The rows of `subjects` alone (nodes that exist and are in scope), made
/// the same way [`build`] makes them: what a change or a window costs.
pub fn build_some<'a>(state: &'a State, entry: &NavEntry, subjects: &[Subject]) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(NodeColumn::Cluster, multi(state, &scope)));
    for s in subjects {
        let Subject::Kube(k) = s else { continue };
        if k.kind != "Node" || scope.cluster.as_ref().is_some_and(|c| *c != k.cluster) {
            continue;
        }
        let Some(c) = state.fleet.clusters.get(&k.cluster) else {
            continue;
        };
        if let Some(n) = c.stores.nodes.get("", &k.name) {
            push(&mut table, state, &scope, c, n);
        }
    }
    table.finish(
        groups(),
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Nodes),
    )
}

/// Adds node `n` of cluster `c` to the table if the scope shows it.
fn push<'a>(
    table: &mut Builder<'a, NodeColumn>,
    state: &'a State,
    scope: &crate::view::nav::Scope,
    c: &'a crate::model::cluster::ClusterData,
    n: &'a NodeRow,
) {
    if scope.node.as_ref().is_some_and(|s| *s != n.name) {
        return;
    }
    // Kept with the pod store, not counted here.
    let pods = c.joins.pods_on(&c.stores, &n.name);
    let status_role = if !n.healthy() {
        Role::Critical
    } else if n.unschedulable {
        Role::Warn
    } else {
        Role::Ok
    };
    let (group, kind_role) = match n.kind {
        NodeKind::Fargate => (0, Role::Fargate),
        NodeKind::Ec2 => (1, Role::Ec2),
        NodeKind::Virtual => (2, Role::Virtual),
    };
    let hosted = pods.first();
    let (size, pool, capacity, pod_text) = match n.kind {
        NodeKind::Fargate => (
            hosted
                .and_then(|p| p.capacity_provisioned.clone())
                .unwrap_or_else(|| "-".into()),
            hosted
                .and_then(|p| p.fargate_profile.clone())
                .map(|p| p.to_owned())
                .unwrap_or_else(|| "-".into()),
            "fargate".to_owned(),
            hosted
                .map(|p| format!("{}/{}", p.namespace, p.name))
                .unwrap_or_else(|| "(no pod)".into()),
        ),
        NodeKind::Ec2 => (
            n.instance_type.clone().unwrap_or_else(|| "-".into()),
            n.nodegroup.clone().unwrap_or_else(|| "self-managed".into()),
            n.capacity_type.clone().unwrap_or_else(|| "-".into()),
            String::new(),
        ),
        NodeKind::Virtual => (
            "-".to_owned(),
            "virtual-kubelet".to_owned(),
            "-".to_owned(),
            String::new(),
        ),
    };
    let pods_text = match (n.kind, n.pods_allocatable) {
        (NodeKind::Fargate, _) => format!("{}", pods.len()),
        (_, Some(a)) => format!("{}/{a}", pods.len()),
        (_, None) => pods.len().to_string(),
    };
    let mut detail = vec![(
        format!(
            "{} node · zone {} · kubelet {} · ip {} · allocatable cpu {} mem {}",
            n.kind.label(),
            n.zone.as_deref().unwrap_or("-"),
            n.kubelet_version.as_deref().unwrap_or("-"),
            n.internal_ip.as_deref().unwrap_or("-"),
            n.cpu_allocatable.as_deref().unwrap_or("-"),
            n.memory_allocatable.as_deref().unwrap_or("-"),
        ),
        Role::Muted,
    )];
    if n.kind == NodeKind::Fargate {
        detail.push(("Fargate: the node's cpu/memory are the host's; the pod is billed for CapacityProvisioned".into(), Role::Muted));
    }
    let meta = TableRow {
        subject: Subject::kube(&c.name, "Node", "", &n.name),
        group,
        target: Some(Box::new(Target::PodsOnNode {
            cluster: c.name.clone(),
            node: n.name.clone(),
        })),
        detail,
    };
    table.push(
        meta,
        NodeFacts {
            cluster: &c.name,
            node: n,
            status_role,
            kind_role,
            size,
            pool,
            capacity,
            pods: pods_text,
            hosted_pod: pod_text,
            now: state.now,
        },
    );
}
