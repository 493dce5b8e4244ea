//! EKS objects in their rest-json wire shape (what `aws-sdk-eks` parses).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::reply::epoch;
use crate::aws::eks::{EksCluster, FargateProfile, HealthIssue, Nodegroup};
use crate::aws::eks_update::EksUpdate;
use crate::aws::ids::{eks_cluster_arn, eks_fargate_profile_arn, eks_nodegroup_arn, stable_hash};

/// Where an object lives: region and account, for its ARN.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub account: &'a str,
}

fn tags(tags: &BTreeMap<String, String>) -> Value {
    json!(tags)
}

fn issues(issues: &[HealthIssue]) -> Value {
    issues
        .iter()
        .map(|i| json!({"code": i.code, "message": i.message, "resourceIds": i.resource_ids}))
        .collect()
}

pub fn cluster(scope: Scope<'_>, c: &EksCluster) -> Value {
    let id = format!("{:016x}", stable_hash(&["oidc", scope.region, &c.name]));
    json!({
        "name": c.name,
        "arn": eks_cluster_arn(scope.region, scope.account, &c.name),
        "createdAt": epoch(c.created_at),
        "version": c.version,
        "endpoint": c.endpoint,
        "roleArn": c.role_arn,
        "resourcesVpcConfig": {
            "subnetIds": c.subnet_ids,
            "securityGroupIds": c.security_group_ids,
            "clusterSecurityGroupId": c.security_group_ids.first(),
            "vpcId": c.vpc_id,
            "endpointPublicAccess": true,
            "endpointPrivateAccess": true,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        "kubernetesNetworkConfig": {"serviceIpv4Cidr": c.service_ipv4_cidr, "ipFamily": "ipv4"},
        "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"], "enabled": false}]},
        "identity": {"oidc": {"issuer": format!("https://oidc.eks.{}.amazonaws.com/id/{}", scope.region, id.to_uppercase())}},
        "status": c.status.as_str(),
        "certificateAuthority": {"data": c.certificate_authority},
        "platformVersion": c.platform_version,
        "tags": tags(&c.tags),
        "health": {"issues": []},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
        "upgradePolicy": {"supportType": "STANDARD"},
    })
}

pub fn fargate_profile(scope: Scope<'_>, cluster: &str, p: &FargateProfile) -> Value {
    let created = p.created_at.to_string();
    json!({
        "fargateProfileName": p.name,
        "fargateProfileArn": eks_fargate_profile_arn(scope.region, scope.account, cluster, &p.name, &created),
        "clusterName": cluster,
        "createdAt": epoch(p.created_at),
        "podExecutionRoleArn": p.pod_execution_role_arn,
        "subnets": p.subnets,
        "selectors": p.selectors.iter().map(|s| json!({"namespace": s.namespace, "labels": s.labels})).collect::<Vec<_>>(),
        "status": p.status.as_str(),
        "tags": tags(&p.tags),
        "health": {"issues": issues(&p.health_issues)},
    })
}

pub fn nodegroup(scope: Scope<'_>, cluster: &str, n: &Nodegroup) -> Value {
    let created = n.created_at.to_string();
    let asg = format!(
        "eks-{}-{}",
        n.name,
        crate::aws::ids::stable_uuid(&["asg", cluster, &n.name])
    );
    json!({
        "nodegroupName": n.name,
        "nodegroupArn": eks_nodegroup_arn(scope.region, scope.account, cluster, &n.name, &created),
        "clusterName": cluster,
        "version": n.version,
        "releaseVersion": n.release_version,
        "createdAt": epoch(n.created_at),
        "modifiedAt": epoch(n.modified_at),
        "status": n.status.as_str(),
        "capacityType": n.capacity_type.as_str(),
        "scalingConfig": {"minSize": n.min, "maxSize": n.max, "desiredSize": n.desired},
        "instanceTypes": n.instance_types,
        "subnets": n.subnets,
        "amiType": n.ami_type,
        "nodeRole": n.node_role,
        "labels": n.labels,
        "taints": n.taints.iter().map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect.as_str()})).collect::<Vec<_>>(),
        "resources": {"autoScalingGroups": [{"name": asg}]},
        "diskSize": n.disk_size,
        "health": {"issues": issues(&n.health_issues)},
        "updateConfig": {"maxUnavailable": 1},
        "tags": tags(&n.tags),
    })
}

pub fn update(u: &EksUpdate) -> Value {
    json!({
        "id": u.id,
        "status": u.status.as_str(),
        "type": u.kind,
        "params": u.params.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
        "createdAt": epoch(u.created_at),
        "errors": [],
    })
}
