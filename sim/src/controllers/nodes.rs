//! Nodes: EC2 nodes follow each managed node group's desired size (named,
//! labelled and sized as EKS makes them; removed newest first, their pods
//! evicted), plus the builders for Fargate and virtual-kubelet nodes.

use std::collections::{BTreeMap, HashSet};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus, NodeSystemInfo, Pod, Taint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::meta::{created, label, name, plus_secs, secs_since, time};
use super::{Ctx, Due, ips, kubelet, podspec};
use crate::cluster::NodegroupView;
use crate::rng::{hash_str, mix};
use crate::store::Store;

pub const NODEGROUP: &str = "eks.amazonaws.com/nodegroup";
const JOIN_SECS: f64 = 10.0;

pub fn is_fargate(n: &Node) -> bool {
    label(&n.metadata, "eks.amazonaws.com/compute-type") == Some("fargate")
}

/// (vCPUs, memory KiB, max pods) per instance type, as the VPC CNI limits pods.
pub fn instance_shape(instance_type: &str) -> (i64, i64, i64) {
    match instance_type {
        "t2.medium" => (2, 4_037_016, 17),
        "t3.medium" => (2, 3_932_540, 17),
        "t3.large" => (2, 8_048_292, 35),
        "t3.xlarge" => (4, 16_202_152, 58),
        "m5.large" => (2, 7_934_440, 29),
        "m5.xlarge" => (4, 15_896_988, 58),
        "m5.2xlarge" => (8, 32_408_504, 58),
        "c5.xlarge" => (4, 7_792_620, 58),
        "r5.large" => (2, 16_078_780, 29),
        _ => (2, 8_048_292, 29),
    }
}

fn q(s: impl Into<String>) -> Quantity {
    Quantity(s.into())
}

fn conditions(ready: bool, now: Timestamp) -> Vec<NodeCondition> {
    let c = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
        type_: t.into(),
        status: s.into(),
        reason: Some(reason.into()),
        message: Some(msg.into()),
        last_heartbeat_time: Some(time(now)),
        last_transition_time: Some(time(now)),
    };
    vec![
        c(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        c(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        c(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        if ready {
            c(
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            )
        } else {
            c(
                "Ready",
                "False",
                "KubeletNotReady",
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
            )
        },
    ]
}

fn base_labels(node_name: &str, zone: &str, region: &str) -> BTreeMap<String, String> {
    [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/hostname", node_name),
        ("topology.kubernetes.io/zone", zone),
        ("topology.kubernetes.io/region", region),
        ("failure-domain.beta.kubernetes.io/zone", zone),
        ("failure-domain.beta.kubernetes.io/region", region),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn node_info(h: u64, os_image: &str, kernel: &str) -> NodeSystemInfo {
    NodeSystemInfo {
        architecture: "amd64".into(),
        boot_id: crate::rng::Rng::new(h ^ 1).hex(32),
        machine_id: crate::rng::Rng::new(h ^ 2).hex(32),
        system_uuid: format!("ec2{}", crate::rng::Rng::new(h ^ 3).hex(29)),
        container_runtime_version: "containerd://1.7.23".into(),
        kernel_version: kernel.into(),
        kube_proxy_version: "v1.31.4-eks-aeac579".into(),
        kubelet_version: "v1.31.4-eks-aeac579".into(),
        operating_system: "linux".into(),
        os_image: os_image.into(),
        running_in_user_namespace: None,
        swap: None,
    }
}

fn addresses(ip: &str, region: &str) -> Vec<NodeAddress> {
    let host = ips::host_name(ip, region);
    vec![
        NodeAddress {
            type_: "InternalIP".into(),
            address: ip.into(),
        },
        NodeAddress {
            type_: "Hostname".into(),
            address: host.clone(),
        },
        NodeAddress {
            type_: "InternalDNS".into(),
            address: host,
        },
    ]
}

/// The node Fargate registers for one pod.
pub fn fargate_node(ctx: &Ctx, node_name: &str, ip: &str, zone: &str, h: u64) -> Node {
    let mut labels = base_labels(node_name, zone, ctx.region);
    labels.insert("eks.amazonaws.com/compute-type".into(), "fargate".into());
    let capacity: BTreeMap<String, Quantity> = [
        ("cpu", "2"),
        ("memory", "3919880Ki"),
        ("ephemeral-storage", "30787492Ki"),
        ("hugepages-1Gi", "0"),
        ("hugepages-2Mi", "0"),
        ("pods", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), q(*v)))
    .collect();
    let mut allocatable = capacity.clone();
    allocatable.insert("memory".into(), q("3817480Ki"));
    allocatable.insert("ephemeral-storage".into(), q("28373533155"));
    Node {
        metadata: ObjectMeta {
            name: Some(node_name.into()),
            labels: Some(labels),
            annotations: Some(
                [
                    ("node.alpha.kubernetes.io/ttl".to_owned(), "0".to_owned()),
                    (
                        "volumes.kubernetes.io/controller-managed-attach-detach".to_owned(),
                        "true".to_owned(),
                    ),
                ]
                .into(),
            ),
            creation_timestamp: Some(time(ctx.now)),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            provider_id: Some(format!(
                "aws:///{zone}/{}/{node_name}",
                crate::rng::Rng::new(h).hex(32)
            )),
            taints: Some(vec![Taint {
                key: "eks.amazonaws.com/compute-type".into(),
                value: Some("fargate".into()),
                effect: "NoSchedule".into(),
                time_added: None,
            }]),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            capacity: Some(capacity),
            allocatable: Some(allocatable),
            addresses: Some(addresses(ip, ctx.region)),
            conditions: Some(conditions(true, ctx.now)),
            node_info: Some(node_info(
                h,
                "Amazon Linux 2",
                "5.10.230-223.885.amzn2.x86_64",
            )),
            ..Default::default()
        }),
    }
}

fn ec2_node(ctx: &Ctx, ng: &NodegroupView, node_name: &str, ip: &str, zone: &str, h: u64) -> Node {
    let (cpu, mem_ki, pods) = instance_shape(&ng.instance_type);
    let mut labels = base_labels(node_name, zone, ctx.region);
    for (k, v) in [
        (NODEGROUP, ng.name.as_str()),
        ("eks.amazonaws.com/capacityType", ng.capacity_type.as_str()),
        ("eks.amazonaws.com/nodegroup-image", "ami-0c1a9b2e3f4d5a6b7"),
        (
            "node.kubernetes.io/instance-type",
            ng.instance_type.as_str(),
        ),
        (
            "beta.kubernetes.io/instance-type",
            ng.instance_type.as_str(),
        ),
        ("topology.ebs.csi.aws.com/zone", zone),
    ] {
        labels.insert(k.into(), v.into());
    }
    labels.extend(ng.labels.clone());
    let reserved_cpu = 60 + 10 * cpu;
    let reserved_mem_ki = (255 + 11 * pods + 100) * 1024;
    let capacity: BTreeMap<String, Quantity> = [
        ("cpu".to_owned(), q(cpu.to_string())),
        ("memory".to_owned(), q(format!("{mem_ki}Ki"))),
        ("ephemeral-storage".to_owned(), q("20959212Ki")),
        ("hugepages-1Gi".to_owned(), q("0")),
        ("hugepages-2Mi".to_owned(), q("0")),
        ("pods".to_owned(), q(pods.to_string())),
    ]
    .into();
    let mut allocatable = capacity.clone();
    allocatable.insert("cpu".into(), q(format!("{}m", cpu * 1000 - reserved_cpu)));
    allocatable.insert(
        "memory".into(),
        q(format!("{}Ki", mem_ki - reserved_mem_ki)),
    );
    allocatable.insert("ephemeral-storage".into(), q("18242267924"));
    let effect = |e: &str| {
        match e {
            "NO_EXECUTE" => "NoExecute",
            "PREFER_NO_SCHEDULE" => "PreferNoSchedule",
            "NO_SCHEDULE" => "NoSchedule",
            other => other,
        }
        .to_owned()
    };
    let taints: Vec<Taint> = ng
        .taints
        .iter()
        .map(|(k, v, e)| Taint {
            key: k.clone(),
            value: Some(v.clone()).filter(|v| !v.is_empty()),
            effect: effect(e),
            time_added: None,
        })
        .collect();
    Node {
        metadata: ObjectMeta {
            name: Some(node_name.into()),
            labels: Some(labels),
            annotations: Some(
                [
                    (
                        "alpha.kubernetes.io/provided-node-ip".to_owned(),
                        ip.to_owned(),
                    ),
                    ("node.alpha.kubernetes.io/ttl".to_owned(), "0".to_owned()),
                    (
                        "volumes.kubernetes.io/controller-managed-attach-detach".to_owned(),
                        "true".to_owned(),
                    ),
                ]
                .into(),
            ),
            creation_timestamp: Some(time(ctx.now)),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            provider_id: Some(format!(
                "aws:///{zone}/i-0{}",
                crate::rng::Rng::new(h).hex(16)
            )),
            taints: (!taints.is_empty()).then_some(taints),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            capacity: Some(capacity),
            allocatable: Some(allocatable),
            addresses: Some(addresses(ip, ctx.region)),
            conditions: Some(conditions(false, ctx.now)),
            node_info: Some(node_info(
                h,
                "Amazon Linux 2023.6.20241212",
                "6.1.119-129.201.amzn2023.x86_64",
            )),
            ..Default::default()
        }),
    }
}

pub fn is_ready(n: &Node) -> bool {
    n.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    let nodes = store.list::<Node>(None);
    let mut used: HashSet<String> = nodes
        .iter()
        .filter_map(|n| ips::ip_of_node(name(&n.metadata)))
        .collect();
    for ng in &ctx.eks.nodegroups {
        let mut mine: Vec<&Node> = nodes
            .iter()
            .filter(|n| label(&n.metadata, NODEGROUP) == Some(ng.name.as_str()))
            .collect();
        let desired = ng.desired as usize;
        if mine.len() > desired {
            mine.sort_by_key(|n| {
                (
                    std::cmp::Reverse(created(&n.metadata)),
                    name(&n.metadata).to_owned(),
                )
            });
            for n in &mine[..mine.len() - desired] {
                remove_node(store, ctx, name(&n.metadata));
            }
        }
        let zones = if ng.azs.is_empty() {
            ctx.zones()
        } else {
            ng.azs.clone()
        };
        let mut per_zone: BTreeMap<String, usize> = zones.iter().map(|z| (z.clone(), 0)).collect();
        for n in &mine {
            if let Some(z) = label(&n.metadata, "topology.kubernetes.io/zone") {
                *per_zone.entry(z.to_owned()).or_default() += 1;
            }
        }
        let mut i = 0u64;
        for _ in mine.len()..desired {
            let zone = per_zone
                .iter()
                .min_by_key(|(z, c)| (**c, (*z).clone()))
                .map(|(z, _)| z.clone())
                .unwrap_or_default();
            *per_zone.entry(zone.clone()).or_default() += 1;
            let (node_name, ip, h) = loop {
                i += 1;
                let key = format!("{}/{}/{}", ng.name, store.resource_version(), i);
                let ip = ips::pick(ctx.seed, &zone, &key, &used);
                let node_name = ips::host_name(&ip, ctx.region);
                if !used.contains(&ip) && store.get::<Node>("", &node_name).is_none() {
                    break (node_name, ip, mix(ctx.seed ^ hash_str(&key)));
                }
            };
            used.insert(ip.clone());
            let _ = store.create(&ec2_node(ctx, ng, &node_name, &ip, &zone, h));
        }
    }
    // New EC2 nodes become Ready once the CNI is up.
    for mut n in nodes
        .into_iter()
        .filter(|n| label(&n.metadata, NODEGROUP).is_some() && !is_ready(n))
    {
        let at = plus_secs(created(&n.metadata).unwrap_or(ctx.now), JOIN_SECS);
        if secs_since(at, ctx.now) >= 0.0 {
            if let Some(s) = n.status.as_mut() {
                s.conditions = Some(conditions(true, ctx.now));
            }
            let _ = store.replace(&n);
        } else {
            due.at(at);
        }
    }
    due
}

/// Deletes a node; its pods are evicted (their owners recreate them elsewhere).
pub fn remove_node(store: &mut Store, ctx: &Ctx, node_name: &str) {
    let pods: Vec<Pod> = store
        .list::<Pod>(None)
        .into_iter()
        .filter(|p| podspec::node_name(p) == Some(node_name))
        .collect();
    for p in pods {
        kubelet::kill(store, &p, ctx.now);
    }
    let _ = store.delete::<Node>("", node_name);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn nodes_follow_the_nodegroup_desired_size() {
        let mut t = testkit::Harness::terrax();
        t.run_secs(12);
        let ec2: Vec<Node> = t
            .list::<Node>("")
            .into_iter()
            .filter(|n| !is_fargate(n))
            .collect();
        assert_eq!(ec2.len(), 1);
        let n = &ec2[0];
        assert!(
            name(&n.metadata).starts_with("ip-10-0-")
                && name(&n.metadata).ends_with(".eu-west-1.compute.internal")
        );
        assert_eq!(
            label(&n.metadata, "node.kubernetes.io/instance-type"),
            Some("t2.medium")
        );
        assert_eq!(
            label(&n.metadata, "eks.amazonaws.com/capacityType"),
            Some("ON_DEMAND")
        );
        assert!(is_ready(n));
        t.set_nodegroup_desired("node-group", 3);
        t.run_secs(1);
        assert_eq!(t.list::<Node>("").len(), 3);
        t.set_nodegroup_desired("node-group", 0);
        t.run_secs(1);
        assert!(t.list::<Node>("").is_empty());
    }
}
