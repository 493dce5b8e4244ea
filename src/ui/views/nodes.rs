//! Nodes: Fargate, EC2 and virtual-kubelet capacity as separate groups. A
//! Fargate node shows the pod it hosts and that pod's `CapacityProvisioned`
//! size, not the host's capacity.

use std::collections::HashMap;

use super::common::{age_cell, clusters, empty_reason, multi};
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::node::NodeKind;
use crate::model::pod::PodRow;
use crate::ui::table::cell;

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        let mut on_node: HashMap<&str, Vec<&PodRow>> = HashMap::new();
        for p in c.stores.pods.iter() {
            if let Some(n) = &p.node {
                on_node.entry(n.as_str()).or_default().push(p);
            }
        }
        for n in c.stores.nodes.iter() {
            if scope.node.as_ref().is_some_and(|s| *s != n.name) {
                continue;
            }
            let pods = on_node
                .get(n.name.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
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
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&n.name, Role::Text),
                cell(n.status_text(), status_role),
                cell(size, kind_role),
                cell(pool, kind_role),
                cell(capacity, Role::Muted),
                cell(pods_text, Role::Text),
                age_cell(n.created, state.now),
                cell(pod_text, Role::Text),
            ]);
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
            rows.push(LegacyRow {
                id: format!("{}/{}", c.name, n.name),
                group,
                cells,
                target: Some(Target::PodsOnNode {
                    cluster: c.name.clone(),
                    node: n.name.clone(),
                }),
                detail,
            });
        }
    }
    let mut columns = Vec::new();
    if multi {
        columns.push(col("CLUSTER", 14));
    }
    columns.extend([
        col("NAME", 47),
        col("STATUS", 12),
        col("SIZE/TYPE", 15),
        col("PROFILE/GROUP", 18),
        col("CAPACITY", 9),
        col("PODS", 6),
        col("AGE", 4),
        fill("HOSTED POD"),
    ]);
    LegacyModel {
        columns,
        groups: vec![
            "Fargate".into(),
            "EC2".into(),
            "Virtual (virtual-kubelet)".into(),
        ],
        rows,
        empty: empty_reason(state, &scope, "nodes"),
    }
}
