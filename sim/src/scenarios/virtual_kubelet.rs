//! Seed 003: a virtual-kubelet node (tainted, `type=virtual-kubelet`) whose
//! pods run as ECS Fargate tasks, beside an EC2 node group.

use serde_json::json;

use super::build::{Workload, kube_system, namespace, put};
use super::{Params, ScenarioError};
use crate::aws::{EcsCluster, EcsService, Nodegroup};
use crate::world::{Fleet, VirtualKubelet};

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let c = b.cluster("contentful-infra", "us-east-1", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("workers", "m5.xlarge", (2, 2, 4), t0))
    });
    {
        let mut s = b.store(c);
        kube_system(&mut s, false, true);
        put(
            &mut s,
            "",
            "v1",
            "nodes",
            json!({
                "metadata": {"name": "virtual-kubelet", "labels": {"type": "virtual-kubelet", "kubernetes.io/role": "agent", "kubernetes.io/hostname": "virtual-kubelet", "alpha.service-controller.kubernetes.io/exclude-balancer": "true", "kubernetes.io/os": "linux"}},
                "spec": {"taints": [{"key": "virtual-kubelet.io/provider", "value": "aws", "effect": "NoSchedule"}]},
                "status": {"capacity": {"cpu": "20", "memory": "100Gi", "pods": "20"}, "allocatable": {"cpu": "20", "memory": "100Gi", "pods": "20"},
                    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "ok", "lastHeartbeatTime": "2026-11-21T00:00:00Z", "lastTransitionTime": "2026-11-21T00:00:00Z"}],
                    "nodeInfo": {"kubeletVersion": "v1.31.2-vk-aws-0.4.1", "operatingSystem": "linux", "architecture": "amd64", "osImage": "AWS Fargate", "kernelVersion": "", "containerRuntimeVersion": "", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""},
                    "addresses": [{"type": "InternalIP", "address": "10.0.200.1"}]},
            }),
        );
        namespace(&mut s, "batch");
        let mut w = Workload::new(
            "batch",
            "report-renderer",
            3,
            &[("app", "report-renderer")],
            "contentful/report-renderer:3.2.0",
        );
        w.pod_spec_extra = json!({"nodeSelector": {"type": "virtual-kubelet"}, "tolerations": [{"key": "virtual-kubelet.io/provider", "operator": "Equal", "value": "aws", "effect": "NoSchedule"}]});
        w.deployment(&mut s);
    }
    let td = "arn:aws:ecs:us-east-1:123456789012:task-definition/batch-report-renderer:1";
    b.aws.add_ecs_cluster(
        "us-east-1",
        EcsCluster::new("virtual-kubelet").with_service(crate::world::managed_by_virtual_kubelet(
            EcsService::fargate("batch-report-renderer", td, 3, t0)
                .with_image("contentful/report-renderer:3.2.0"),
            "virtual-kubelet",
        )),
    );
    let mut fleet = b.finish();
    fleet.virtual_kubelets.push(VirtualKubelet {
        cluster: c,
        node: "virtual-kubelet".into(),
        region: "us-east-1".into(),
        ecs_cluster: "virtual-kubelet".into(),
    });
    Ok(fleet)
}
