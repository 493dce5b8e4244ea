//! ECS objects in their awsJson1.1 wire shape (what `aws-sdk-ecs` parses).

use serde_json::{Value, json};

use super::eks_json::Scope;
use super::reply::epoch;
use crate::aws::ecs::{Deployment, EcsCluster, EcsService};
use crate::aws::ecs_task::{EcsTask, TaskStatus};
use crate::aws::ids::{
    ecs_cluster_arn, ecs_container_arn, ecs_service_arn, ecs_task_arn, stable_hash,
};

pub fn cluster(scope: Scope<'_>, c: &EcsCluster) -> Value {
    json!({
        "clusterArn": ecs_cluster_arn(scope.region, scope.account, &c.name),
        "clusterName": c.name,
        "status": c.status,
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": c.running_tasks_count(),
        "pendingTasksCount": c.pending_tasks_count(),
        "activeServicesCount": c.active_services_count(),
        "statistics": [],
        "tags": tags(&c.tags),
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [],
    })
}

pub fn tags(tags: &std::collections::BTreeMap<String, String>) -> Value {
    tags.iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect()
}

fn network(c: &EcsCluster) -> Value {
    json!({"awsvpcConfiguration": {
        "subnets": c.subnets.iter().map(|(_, s)| s).collect::<Vec<_>>(),
        "securityGroups": c.security_groups,
        "assignPublicIp": "DISABLED",
    }})
}

fn deployment(d: &Deployment, s: &EcsService, c: &EcsCluster) -> Value {
    json!({
        "id": d.id,
        "status": d.status,
        "taskDefinition": d.task_definition,
        "desiredCount": d.desired,
        "pendingCount": d.pending,
        "runningCount": d.running,
        "failedTasks": d.failed_tasks,
        "createdAt": epoch(d.created_at),
        "updatedAt": epoch(d.updated_at),
        "launchType": s.launch_type,
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": network(c),
        "rolloutState": d.rollout_state,
        "rolloutStateReason": d.rollout_state_reason,
    })
}

pub fn service(scope: Scope<'_>, c: &EcsCluster, s: &EcsService) -> Value {
    json!({
        "serviceArn": ecs_service_arn(scope.region, scope.account, &c.name, &s.name),
        "serviceName": s.name,
        "clusterArn": ecs_cluster_arn(scope.region, scope.account, &c.name),
        "loadBalancers": [],
        "serviceRegistries": [],
        "status": s.status,
        "desiredCount": s.desired,
        "runningCount": s.running,
        "pendingCount": s.pending,
        "launchType": s.launch_type,
        "platformVersion": s.platform_version,
        "platformFamily": "Linux",
        "taskDefinition": s.task_definition,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": false, "rollback": false},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        "deployments": s.deployments.iter().map(|d| deployment(d, s, c)).collect::<Vec<_>>(),
        "events": s.events.iter().map(|e| json!({"id": e.id, "createdAt": epoch(e.created_at), "message": e.message})).collect::<Vec<_>>(),
        "createdAt": epoch(s.created_at),
        "placementConstraints": [],
        "placementStrategy": [],
        "networkConfiguration": network(c),
        "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "createdBy": format!("arn:aws:iam::{}:role/deployer", scope.account),
        "enableECSManagedTags": false,
        "propagateTags": "NONE",
        "enableExecuteCommand": false,
    })
}

fn opt_epoch(ts: Option<jiff::Timestamp>) -> Value {
    ts.map_or(Value::Null, epoch)
}

pub fn task(scope: Scope<'_>, cluster: &str, t: &EcsTask) -> Value {
    let task_arn = ecs_task_arn(scope.region, scope.account, cluster, &t.id);
    let mac = stable_hash(&["mac", &t.eni_id]).to_be_bytes();
    let mac = format!(
        "0a:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        mac[0], mac[1], mac[2], mac[3], mac[4]
    );
    let eni_status = match t.last_status {
        TaskStatus::Provisioning => "PRECREATED",
        TaskStatus::Stopped => "DELETED",
        _ => "ATTACHED",
    };
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            json!({
                "containerArn": ecs_container_arn(scope.region, scope.account, cluster, &t.id, &c.name),
                "taskArn": task_arn,
                "name": c.name,
                "image": c.image,
                "lastStatus": c.last_status.as_str(),
                "exitCode": c.exit_code,
                "reason": c.reason,
                "networkBindings": [],
                "networkInterfaces": [{"attachmentId": t.attachment_id, "privateIpv4Address": t.private_ip}],
                "healthStatus": c.health_status.as_str(),
                "cpu": "0",
            })
        })
        .collect();
    json!({
        "attachments": [{
            "id": t.attachment_id,
            "type": "ElasticNetworkInterface",
            "status": eni_status,
            "details": [
                {"name": "subnetId", "value": t.subnet_id},
                {"name": "networkInterfaceId", "value": t.eni_id},
                {"name": "macAddress", "value": mac},
                {"name": "privateDnsName", "value": t.private_dns_name(scope.region)},
                {"name": "privateIPv4Address", "value": t.private_ip},
            ],
        }],
        "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
        "availabilityZone": t.availability_zone,
        "clusterArn": ecs_cluster_arn(scope.region, scope.account, cluster),
        "connectivity": "CONNECTED",
        "connectivityAt": epoch(t.created_at),
        "containers": containers,
        "cpu": t.cpu,
        "memory": t.memory,
        "createdAt": epoch(t.created_at),
        "desiredStatus": t.desired_status.as_str(),
        "enableExecuteCommand": false,
        "group": t.group,
        "healthStatus": t.health_status.as_str(),
        "lastStatus": t.last_status.as_str(),
        "launchType": t.launch_type,
        "platformVersion": t.platform_version,
        "platformFamily": "Linux",
        "pullStartedAt": opt_epoch(t.pull_started_at),
        "pullStoppedAt": opt_epoch(t.pull_stopped_at),
        "startedAt": opt_epoch(t.started_at),
        "startedBy": t.started_by,
        "stopCode": t.stop_code,
        "stoppedAt": opt_epoch(t.stopped_at),
        "stoppedReason": t.stopped_reason,
        "stoppingAt": opt_epoch(t.stopping_at),
        "tags": [],
        "taskArn": task_arn,
        "taskDefinitionArn": t.task_definition_arn,
        "version": t.version,
        "ephemeralStorage": {"sizeInGiB": 20},
    })
}
