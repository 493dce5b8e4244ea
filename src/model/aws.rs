//! EKS and ECS, as polled per region. Built from the AWS SDK's types.

use super::text::sanitize;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EksClusterRow {
    pub region: String,
    pub name: String,
    pub version: Option<String>,
    pub status: String,
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FargateProfileRow {
    pub region: String,
    pub cluster: String,
    pub name: String,
    pub status: String,
    /// `ns=tb-demo app=service`, one string per selector.
    pub selectors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodegroupRow {
    pub region: String,
    pub cluster: String,
    pub name: String,
    pub status: String,
    pub capacity_type: Option<String>,
    pub instance_types: Vec<String>,
    pub min: i32,
    pub desired: i32,
    pub max: i32,
    pub issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsClusterRow {
    pub region: String,
    pub name: String,
    pub status: String,
    pub running_tasks: i32,
    pub pending_tasks: i32,
    pub services: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsServiceRow {
    pub region: String,
    pub cluster: String,
    pub name: String,
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub launch_type: Option<String>,
    /// `PRIMARY 3/3`, `ACTIVE 1/0` …
    pub deployments: Vec<String>,
    /// Latest service event message.
    pub last_event: Option<String>,
    /// The `app.kubernetes.io/managed-by` tag: a controller that sets the
    /// desired count itself (virtual-kubelet sizes a service to its pods).
    pub managed_by: Option<String>,
}

/// The tag a controller marks the ECS services it manages with.
pub const MANAGED_BY_TAG: &str = "app.kubernetes.io/managed-by";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsTaskRow {
    pub region: String,
    pub cluster: String,
    /// Last segment of the task ARN.
    pub id: String,
    /// `service:<name>` → `<name>`.
    pub service: Option<String>,
    pub last_status: String,
    pub desired_status: String,
    pub health: String,
    pub ip: Option<String>,
    pub launch_type: Option<String>,
}

/// Where and since when an ECS task runs (kept beside [`EcsTaskRow`], by
/// cluster and task id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsTaskPlacement {
    pub cluster: String,
    pub id: String,
    pub az: Option<String>,
    pub started: Option<jiff::Timestamp>,
}

/// Everything one region's poll returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsRegionRows {
    pub eks: Vec<EksClusterRow>,
    pub profiles: Vec<FargateProfileRow>,
    pub nodegroups: Vec<NodegroupRow>,
    pub ecs: Vec<EcsClusterRow>,
    pub services: Vec<EcsServiceRow>,
    pub tasks: Vec<EcsTaskRow>,
    pub placements: Vec<EcsTaskPlacement>,
    /// ECS services whose tasks run a Kong image.
    pub kong_services: Vec<EcsKongService>,
    /// Application Auto Scaling's bounds on the services' desired counts.
    pub ecs_scaling: super::ecs_scaling::EcsScaling,
}

/// An ECS service seen running Kong: a task of it has a Kong container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsKongService {
    pub cluster: String,
    pub service: String,
    pub image: String,
}

/// The service of task `t` when one of its containers runs a Kong image.
pub fn ecs_kong_service(cluster: &str, t: &aws_sdk_ecs::types::Task) -> Option<EcsKongService> {
    let service = t.group()?.strip_prefix("service:")?;
    let image = t
        .containers()
        .iter()
        .filter_map(|c| c.image())
        .find(|i| super::kong::is_kong_image(i))?;
    Some(EcsKongService {
        cluster: cluster.to_owned(),
        service: sanitize(service),
        image: sanitize(image),
    })
}

impl AwsRegionRows {
    /// The Kong image service `service` of ECS cluster `cluster` runs, if seen.
    pub fn kong_image(&self, cluster: &str, service: &str) -> Option<&str> {
        self.kong_services
            .iter()
            .find(|k| k.cluster == cluster && k.service == service)
            .map(|k| k.image.as_str())
    }

    /// The placement of task `id` in ECS cluster `cluster`, when polled.
    pub fn placement(&self, cluster: &str, id: &str) -> Option<&EcsTaskPlacement> {
        self.placements
            .iter()
            .find(|p| p.cluster == cluster && p.id == id)
    }
}

fn s(v: Option<&str>) -> String {
    sanitize(v.unwrap_or_default())
}

/// The name part of an ARN (`…/name`) or the string itself.
pub fn arn_name(arn: &str) -> String {
    sanitize(arn.rsplit('/').next().unwrap_or(arn))
}

pub fn eks_cluster(region: &str, c: &aws_sdk_eks::types::Cluster) -> EksClusterRow {
    EksClusterRow {
        region: region.to_owned(),
        name: s(c.name()),
        version: c.version().map(sanitize),
        status: c.status().map(|s| sanitize(s.as_str())).unwrap_or_default(),
        endpoint: c.endpoint().map(sanitize),
    }
}

pub fn fargate_profile(region: &str, p: &aws_sdk_eks::types::FargateProfile) -> FargateProfileRow {
    FargateProfileRow {
        region: region.to_owned(),
        cluster: s(p.cluster_name()),
        name: s(p.fargate_profile_name()),
        status: p.status().map(|s| sanitize(s.as_str())).unwrap_or_default(),
        selectors: p
            .selectors()
            .iter()
            .map(|sel| {
                let mut parts = vec![format!("ns={}", s(sel.namespace()))];
                if let Some(labels) = sel.labels() {
                    let mut labels: Vec<_> = labels.iter().collect();
                    labels.sort();
                    parts.extend(
                        labels
                            .iter()
                            .map(|(k, v)| format!("{}={}", sanitize(k), sanitize(v))),
                    );
                }
                parts.join(" ")
            })
            .collect(),
    }
}

pub fn nodegroup(region: &str, n: &aws_sdk_eks::types::Nodegroup) -> NodegroupRow {
    let scaling = n.scaling_config();
    NodegroupRow {
        region: region.to_owned(),
        cluster: s(n.cluster_name()),
        name: s(n.nodegroup_name()),
        status: n.status().map(|s| sanitize(s.as_str())).unwrap_or_default(),
        capacity_type: n.capacity_type().map(|c| sanitize(c.as_str())),
        instance_types: n.instance_types().iter().map(|t| sanitize(t)).collect(),
        min: scaling.and_then(|s| s.min_size()).unwrap_or(0),
        desired: scaling.and_then(|s| s.desired_size()).unwrap_or(0),
        max: scaling.and_then(|s| s.max_size()).unwrap_or(0),
        issues: n
            .health()
            .map(|h| {
                h.issues()
                    .iter()
                    .map(|i| {
                        format!(
                            "{}: {}",
                            i.code().map(|c| c.as_str()).unwrap_or("?"),
                            s(i.message())
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

pub fn ecs_cluster(region: &str, c: &aws_sdk_ecs::types::Cluster) -> EcsClusterRow {
    EcsClusterRow {
        region: region.to_owned(),
        name: s(c.cluster_name()),
        status: s(c.status()),
        running_tasks: c.running_tasks_count(),
        pending_tasks: c.pending_tasks_count(),
        services: c.active_services_count(),
    }
}

pub fn ecs_service(region: &str, cluster: &str, v: &aws_sdk_ecs::types::Service) -> EcsServiceRow {
    EcsServiceRow {
        region: region.to_owned(),
        cluster: cluster.to_owned(),
        name: s(v.service_name()),
        status: s(v.status()),
        desired: v.desired_count(),
        running: v.running_count(),
        pending: v.pending_count(),
        launch_type: v.launch_type().map(|l| sanitize(l.as_str())),
        deployments: v
            .deployments()
            .iter()
            .map(|d| {
                format!(
                    "{} {}/{}",
                    s(d.status()),
                    d.running_count(),
                    d.desired_count()
                )
            })
            .collect(),
        last_event: v.events().first().and_then(|e| e.message()).map(sanitize),
        managed_by: v
            .tags()
            .iter()
            .find(|t| t.key() == Some(MANAGED_BY_TAG))
            .and_then(|t| t.value())
            .map(sanitize),
    }
}

pub fn ecs_task(region: &str, cluster: &str, t: &aws_sdk_ecs::types::Task) -> EcsTaskRow {
    let ip = t.attachments().iter().find_map(|a| {
        a.details()
            .iter()
            .find(|d| d.name() == Some("privateIPv4Address"))
            .and_then(|d| d.value())
            .map(sanitize)
    });
    EcsTaskRow {
        region: region.to_owned(),
        cluster: cluster.to_owned(),
        id: arn_name(t.task_arn().unwrap_or_default()),
        service: t
            .group()
            .and_then(|g| g.strip_prefix("service:"))
            .map(sanitize),
        last_status: s(t.last_status()),
        desired_status: s(t.desired_status()),
        health: t
            .health_status()
            .map(|h| sanitize(h.as_str()))
            .unwrap_or_else(|| "UNKNOWN".into()),
        ip,
        launch_type: t.launch_type().map(|l| sanitize(l.as_str())),
    }
}

pub fn ecs_task_placement(cluster: &str, t: &aws_sdk_ecs::types::Task) -> EcsTaskPlacement {
    EcsTaskPlacement {
        cluster: cluster.to_owned(),
        id: arn_name(t.task_arn().unwrap_or_default()),
        az: t.availability_zone().map(sanitize),
        started: t
            .started_at()
            .and_then(|d| jiff::Timestamp::from_second(d.secs()).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_runs_kong_when_a_task_has_a_kong_container() {
        use aws_sdk_ecs::types::{Container, Task};
        let task = |group: &str, images: &[&str]| {
            let mut b = Task::builder().group(group);
            for i in images {
                b = b.containers(Container::builder().image(*i).build());
            }
            b.build()
        };
        let kong = task(
            "service:edge",
            &[
                "envoy:1.30",
                "123.dkr.ecr.eu-west-1.amazonaws.com/kong/kong-gateway:3.9",
            ],
        );
        assert_eq!(
            ecs_kong_service("apps", &kong),
            Some(EcsKongService {
                cluster: "apps".into(),
                service: "edge".into(),
                image: "123.dkr.ecr.eu-west-1.amazonaws.com/kong/kong-gateway:3.9".into(),
            })
        );
        let kic = task("service:kic", &["kong/kubernetes-ingress-controller:3.4"]);
        assert_eq!(ecs_kong_service("apps", &kic), None);
        // A standalone task (no service) is no service's.
        assert_eq!(
            ecs_kong_service("apps", &task("family:kong", &["kong:3.9.1"])),
            None
        );
    }

    #[test]
    fn task_row_from_sdk_task() {
        use aws_sdk_ecs::types::{Attachment, KeyValuePair, Task};
        let task = Task::builder()
            .task_arn("arn:aws:ecs:eu-west-1:123:task/kong/0a1b2c")
            .group("service:kong-gw")
            .last_status("RUNNING")
            .desired_status("RUNNING")
            .attachments(
                Attachment::builder()
                    .r#type("ElasticNetworkInterface")
                    .details(
                        KeyValuePair::builder()
                            .name("privateIPv4Address")
                            .value("10.1.0.5")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let row = ecs_task("eu-west-1", "kong", &task);
        assert_eq!(row.id, "0a1b2c");
        assert_eq!(row.service.as_deref(), Some("kong-gw"));
        assert_eq!(row.ip.as_deref(), Some("10.1.0.5"));
        assert_eq!(row.health, "UNKNOWN");
    }
}
