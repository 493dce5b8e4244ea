//! Nodes, and the one place that decides Fargate vs EC2 vs virtual.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Node;

use super::format::{bytes, parse_quantity};
use super::store::Row;
use super::text::sanitize;

pub const LABEL_COMPUTE_TYPE: &str = "eks.amazonaws.com/compute-type";
pub const LABEL_NODEGROUP: &str = "eks.amazonaws.com/nodegroup";
pub const LABEL_CAPACITY_TYPE: &str = "eks.amazonaws.com/capacityType";
pub const LABEL_KARPENTER_CAPACITY: &str = "karpenter.sh/capacity-type";
pub const LABEL_INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

/// What kind of capacity a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    /// One micro-VM per pod; sized by the pod's `CapacityProvisioned`.
    Fargate,
    /// EC2 instance: managed/self-managed node group, Karpenter, Auto Mode.
    Ec2,
    /// virtual-kubelet (pods become e.g. ECS tasks).
    Virtual,
}

impl NodeKind {
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::Fargate => "fargate",
            NodeKind::Ec2 => "ec2",
            NodeKind::Virtual => "virtual",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeRow {
    pub name: String,
    pub kind: NodeKind,
    pub ready: Option<bool>,
    pub unschedulable: bool,
    /// Conditions other than Ready that are True (MemoryPressure, DiskPressure…).
    pub pressures: Vec<String>,
    pub nodegroup: Option<String>,
    pub instance_type: Option<String>,
    /// `ON_DEMAND` / `SPOT` (EKS or Karpenter label).
    pub capacity_type: Option<String>,
    pub zone: Option<String>,
    pub pods_allocatable: Option<i64>,
    pub cpu_allocatable: Option<String>,
    pub memory_allocatable: Option<String>,
    pub kubelet_version: Option<String>,
    pub internal_ip: Option<String>,
    pub created: Option<Timestamp>,
}

impl Row for NodeRow {
    fn key(&self) -> (&str, &str) {
        ("", &self.name)
    }
}

/// Fargate: compute-type label; virtual-kubelet: `type=virtual-kubelet`; everything else is EC2.
pub fn node_kind(labels: &std::collections::BTreeMap<String, String>) -> NodeKind {
    if labels.get(LABEL_COMPUTE_TYPE).map(String::as_str) == Some("fargate") {
        NodeKind::Fargate
    } else if labels.get("type").map(String::as_str) == Some("virtual-kubelet") {
        NodeKind::Virtual
    } else {
        NodeKind::Ec2
    }
}

impl From<&Node> for NodeRow {
    fn from(node: &Node) -> Self {
        let meta = &node.metadata;
        let empty = Default::default();
        let labels = meta.labels.as_ref().unwrap_or(&empty);
        let label = |k: &str| labels.get(k).map(|v| sanitize(v));
        let status = node.status.as_ref();
        let conditions = status.and_then(|s| s.conditions.as_ref());
        let ready = conditions
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
            .map(|c| c.status == "True");
        let pressures = conditions
            .map(|cs| {
                cs.iter()
                    .filter(|c| c.type_ != "Ready" && c.status == "True")
                    .map(|c| sanitize(&c.type_))
                    .collect()
            })
            .unwrap_or_default();
        let alloc = status.and_then(|s| s.allocatable.as_ref());
        let alloc_q = |k: &str| alloc.and_then(|a| a.get(k)).map(|q| q.0.clone());
        let kind = node_kind(labels);
        let nodegroup = label(LABEL_NODEGROUP).or_else(|| {
            (labels.get(LABEL_COMPUTE_TYPE).map(String::as_str) == Some("auto"))
                .then(|| "auto-mode".to_owned())
        });
        NodeRow {
            name: meta.name.clone().unwrap_or_default(),
            kind,
            ready,
            unschedulable: node
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false),
            pressures,
            nodegroup,
            instance_type: label(LABEL_INSTANCE_TYPE),
            capacity_type: label(LABEL_CAPACITY_TYPE).or_else(|| {
                label(LABEL_KARPENTER_CAPACITY).map(|v| v.to_uppercase().replace('-', "_"))
            }),
            zone: label(LABEL_ZONE),
            pods_allocatable: alloc_q("pods")
                .and_then(|q| parse_quantity(&q))
                .map(|v| v as i64),
            cpu_allocatable: alloc_q("cpu"),
            memory_allocatable: alloc_q("memory")
                .map(|q| parse_quantity(&q).map(bytes).unwrap_or(q)),
            kubelet_version: status
                .and_then(|s| s.node_info.as_ref())
                .map(|i| sanitize(&i.kubelet_version)),
            internal_ip: status.and_then(|s| s.addresses.as_ref()).and_then(|a| {
                a.iter()
                    .find(|a| a.type_ == "InternalIP")
                    .map(|a| sanitize(&a.address))
            }),
            created: meta.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

impl NodeRow {
    /// `Ready`, `NotReady`, `Ready,SchedulingDisabled`, plus pressures.
    pub fn status_text(&self) -> String {
        let mut s = match self.ready {
            Some(true) => "Ready".to_owned(),
            Some(false) => "NotReady".to_owned(),
            None => "Unknown".to_owned(),
        };
        if self.unschedulable {
            s.push_str(",SchedulingDisabled");
        }
        for p in &self.pressures {
            s.push(',');
            s.push_str(p);
        }
        s
    }

    pub fn healthy(&self) -> bool {
        self.ready == Some(true) && self.pressures.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn fargate_node_is_fargate_and_ignores_host_capacity() {
        let row = NodeRow::from(&fixtures::fargate_node());
        assert_eq!(row.kind, NodeKind::Fargate);
        assert_eq!(row.name, "fargate-ip-10-0-1-23.eu-west-1.compute.internal");
        assert_eq!(row.pods_allocatable, Some(1));
        assert_eq!(row.ready, Some(true));
        assert_eq!(row.nodegroup, None);
    }

    #[test]
    fn ec2_node_has_group_type_and_capacity() {
        let row = NodeRow::from(&fixtures::ec2_node());
        assert_eq!(row.kind, NodeKind::Ec2);
        assert_eq!(row.nodegroup.as_deref(), Some("ng-mysql"));
        assert_eq!(row.instance_type.as_deref(), Some("t2.medium"));
        assert_eq!(row.capacity_type.as_deref(), Some("ON_DEMAND"));
        assert_eq!(row.pods_allocatable, Some(17));
        assert_eq!(row.status_text(), "Ready,SchedulingDisabled");
    }

    #[test]
    fn virtual_kubelet_node_is_virtual() {
        let row = NodeRow::from(&fixtures::virtual_node());
        assert_eq!(row.kind, NodeKind::Virtual);
    }
}
