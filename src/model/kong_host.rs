//! What runs each Kong node: an in-cluster node is its pod (on a Kubernetes
//! node); a node on ECS is the task of the gateway's ECS service whose
//! private IP the node reports (its awsvpc hostname `ip-a-b-c-d.…`, or the
//! admin URL's host when that is the task IP). Nothing is guessed: a node
//! whose task or pod is not in the polled state has no host. A gateway
//! configured without its ECS service has it found the same way: the one
//! service whose running tasks carry its nodes' IPs.

use super::aws::{EcsTaskPlacement, EcsTaskRow};
use super::fleet::{Fleet, Gateway};
use super::kong::{KongNode, KongVia, ip_of_hostname};
use super::pod::PodRow;

/// The object a Kong node runs as.
#[derive(Debug, Clone, Copy)]
pub enum KongHost<'a> {
    Pod {
        cluster: &'a str,
        pod: &'a PodRow,
    },
    EcsTask {
        region: &'a str,
        task: &'a EcsTaskRow,
        placement: Option<&'a EcsTaskPlacement>,
    },
}

/// `region/cluster/service` of an ECS-hosted gateway.
pub fn ecs_service_parts(g: &Gateway) -> Option<(&str, &str, &str)> {
    let mut it = g.ecs_service.as_deref()?.splitn(3, '/');
    Some((it.next()?, it.next()?, it.next()?))
}

/// The pod or ECS task running `node` of gateway `g`, if polled.
pub fn host_of<'a>(fleet: &'a Fleet, g: &Gateway, node: &KongNode) -> Option<KongHost<'a>> {
    match &node.via {
        KongVia::Pod {
            cluster,
            namespace,
            pod,
            ..
        } => {
            let (cluster, c) = fleet.clusters.get_key_value(cluster)?;
            let pod = c.stores.pods.get(namespace, pod)?;
            Some(KongHost::Pod { cluster, pod })
        }
        KongVia::Url(_) => {
            let (region, cluster, service) = ecs_service_parts(g)?;
            let (region, r) = fleet.aws.get_key_value(region)?;
            let ips = node_ips(node);
            let mut tasks = r.rows.tasks.iter().filter(|t| {
                t.cluster == cluster
                    && t.service.as_deref() == Some(service)
                    && t.ip.as_ref().is_some_and(|ip| ips.contains(ip))
            });
            // A replaced task keeps its IP while STOPPED; the running one wins.
            let task = tasks
                .clone()
                .find(|t| t.last_status == "RUNNING")
                .or_else(|| tasks.next())?;
            Some(KongHost::EcsTask {
                region,
                task,
                placement: r.rows.placement(cluster, &task.id),
            })
        }
    }
}

/// The IPs a node is known by: its awsvpc hostname's, then its admin URL's host.
fn node_ips(node: &KongNode) -> Vec<String> {
    node.hostname
        .as_deref()
        .and_then(ip_of_hostname)
        .into_iter()
        .chain(node.ip.clone())
        .collect()
}

/// `region/cluster/service` of the ECS service whose running tasks have the
/// IPs of this gateway's admin-URL nodes; `None` when no node matches or
/// matches disagree (the same private IP in two VPCs is not a fact).
pub fn ecs_service_by_ip(fleet: &Fleet, g: &Gateway) -> Option<String> {
    let mut found: Option<String> = None;
    for node in g.nodes.values() {
        if !matches!(node.via, KongVia::Url(_)) {
            continue;
        }
        let ips = node_ips(node);
        for (region, r) in &fleet.aws {
            let running = r.rows.tasks.iter().filter(|t| {
                t.last_status == "RUNNING" && t.ip.as_ref().is_some_and(|ip| ips.contains(ip))
            });
            for t in running {
                let Some(service) = &t.service else { continue };
                let s = format!("{region}/{}/{service}", t.cluster);
                match &found {
                    Some(f) if *f != s => return None,
                    _ => found = Some(s),
                }
            }
        }
    }
    found
}

impl KongHost<'_> {
    /// One short line for a table cell.
    pub fn short(&self, now: jiff::Timestamp) -> String {
        match self {
            KongHost::Pod { pod, .. } => {
                format!("pod on {}", pod.node.as_deref().unwrap_or("(unscheduled)"))
            }
            KongHost::EcsTask {
                task, placement, ..
            } => {
                let id = &task.id[..task.id.len().min(8)];
                let az = placement.and_then(|p| p.az.as_deref()).unwrap_or("?");
                let up = placement
                    .and_then(|p| p.started)
                    .map(|s| super::format::age(Some(s), now))
                    .unwrap_or_else(|| "?".into());
                format!("task {id} {az} up {up}")
            }
        }
    }

    /// `(key, value)` lines for the describe pane.
    pub fn lines(&self, now: jiff::Timestamp) -> Vec<(&'static str, String)> {
        match self {
            KongHost::Pod { cluster, pod } => vec![
                (
                    "Runs as",
                    format!("pod {}/{} in {cluster}", pod.namespace, pod.name),
                ),
                (
                    "On node",
                    pod.node.clone().unwrap_or_else(|| "(unscheduled)".into()),
                ),
                ("Pod IP", pod.ip.as_deref().unwrap_or("?").to_owned()),
                ("Pod status", pod.status.to_string()),
            ],
            KongHost::EcsTask {
                region,
                task,
                placement,
            } => vec![
                (
                    "Runs as",
                    format!("ECS task {} of {}/{region}", task.id, task.cluster),
                ),
                ("Task IP", task.ip.clone().unwrap_or_else(|| "?".into())),
                (
                    "Task AZ",
                    placement
                        .and_then(|p| p.az.clone())
                        .unwrap_or_else(|| "?".into()),
                ),
                (
                    "Task started",
                    placement
                        .and_then(|p| p.started)
                        .map(|s| format!("{s} ({} ago)", super::format::age(Some(s), now)))
                        .unwrap_or_else(|| "?".into()),
                ),
                (
                    "Task status",
                    format!("{} (desired {})", task.last_status, task.desired_status),
                ),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::aws::AwsRegionRows;
    use crate::model::fleet::AwsRegion;
    use crate::model::kong::KongNode;

    fn task(id: &str, ip: &str, status: &str) -> EcsTaskRow {
        EcsTaskRow {
            region: "eu-west-1".into(),
            cluster: "kong-gateway".into(),
            id: id.into(),
            service: Some("kong".into()),
            last_status: status.into(),
            desired_status: "RUNNING".into(),
            health: "HEALTHY".into(),
            ip: Some(ip.into()),
            launch_type: Some("FARGATE".into()),
        }
    }

    fn fleet(tasks: Vec<EcsTaskRow>) -> (Fleet, Gateway) {
        let mut f = Fleet::default();
        let placements = tasks
            .iter()
            .map(|t| EcsTaskPlacement {
                cluster: t.cluster.clone(),
                id: t.id.clone(),
                az: Some("eu-west-1b".into()),
                started: Some(jiff::Timestamp::UNIX_EPOCH),
            })
            .collect();
        f.aws.insert(
            "eu-west-1".into(),
            AwsRegion {
                region: "eu-west-1".into(),
                state: crate::model::status::SourceState::Live,
                rows: AwsRegionRows {
                    tasks,
                    placements,
                    ..Default::default()
                },
                polled: Some(jiff::Timestamp::UNIX_EPOCH),
            },
        );
        let g = Gateway {
            name: "kong-ecs".into(),
            cluster: None,
            ecs_service: Some("eu-west-1/kong-gateway/kong".into()),
            ecs_service_found: false,
            state: crate::model::status::SourceState::Live,
            nodes: Default::default(),
        };
        (f, g)
    }

    fn url_node(hostname: &str) -> KongNode {
        let mut n = KongNode::new(
            "kong-ecs",
            "127.0.0.1:8001",
            KongVia::Url("http://127.0.0.1:8001".into()),
        );
        n.ip = Some("127.0.0.1".into());
        n.hostname = Some(hostname.into());
        n
    }

    #[test]
    fn an_ecs_node_is_the_running_task_with_its_hostname_ip() {
        let (f, g) = fleet(vec![
            task("old", "10.0.1.23", "STOPPED"),
            task("new", "10.0.1.23", "RUNNING"),
            task("other", "10.0.1.24", "RUNNING"),
        ]);
        let n = url_node("ip-10-0-1-23.eu-west-1.compute.internal");
        let Some(KongHost::EcsTask {
            task, placement, ..
        }) = host_of(&f, &g, &n)
        else {
            panic!("no task for {n:?}");
        };
        assert_eq!(task.id, "new");
        assert_eq!(placement.and_then(|p| p.az.as_deref()), Some("eu-west-1b"));
    }

    #[test]
    fn a_node_whose_ip_matches_no_task_of_the_service_has_no_host() {
        let mut other_service = task("t", "10.0.1.23", "RUNNING");
        other_service.service = Some("payments".into());
        let (f, g) = fleet(vec![other_service, task("u", "10.0.1.99", "RUNNING")]);
        assert!(host_of(&f, &g, &url_node("ip-10-0-1-23.ec2.internal")).is_none());
        assert!(host_of(&f, &g, &url_node("kong-7f9c")).is_none());
    }

    #[test]
    fn an_unconfigured_gateways_ecs_service_is_found_by_its_nodes_task_ips() {
        use crate::model::fleet::SourceUpdate;
        let mut other = task("p", "10.0.2.9", "RUNNING");
        other.service = Some("payments".into());
        let (f, _) = fleet(vec![
            task("old", "10.0.1.23", "STOPPED"),
            task("new", "10.0.1.23", "RUNNING"),
            other,
        ]);
        let mut fleet = f;
        let now = jiff::Timestamp::UNIX_EPOCH;
        fleet.apply(
            SourceUpdate::GatewayAdded {
                gateway: "kong-ecs".into(),
                cluster: None,
                ecs_service: None,
            },
            now,
        );
        // A node whose IP is no task's: nothing found, nothing guessed.
        fleet.apply(SourceUpdate::KongNode(Box::new(url_node("kong-7f9c"))), now);
        let g = &fleet.gateways["kong-ecs"];
        assert_eq!(
            (g.ecs_service.as_deref(), g.ecs_service_found),
            (None, false)
        );
        fleet.apply(
            SourceUpdate::KongNode(Box::new(url_node(
                "ip-10-0-1-23.eu-west-1.compute.internal",
            ))),
            now,
        );
        let g = &fleet.gateways["kong-ecs"];
        assert_eq!(
            g.ecs_service.as_deref(),
            Some("eu-west-1/kong-gateway/kong")
        );
        assert!(g.ecs_service_found);
        assert!(matches!(
            host_of(&fleet, g, &g.nodes["127.0.0.1:8001"]),
            Some(KongHost::EcsTask { .. })
        ));
        // Two nodes on tasks of two services: no single answer, none is said.
        let mut g2 = g.clone();
        let mut n2 = url_node("ip-10-0-2-9.eu-west-1.compute.internal");
        n2.name = "127.0.0.1:8002".into();
        g2.nodes.insert(n2.name.clone(), n2);
        assert_eq!(ecs_service_by_ip(&fleet, &g2), None);
    }

    #[test]
    fn hostnames_spell_ips_only_when_well_formed() {
        assert_eq!(
            ip_of_hostname("ip-10-0-1-23.eu-west-1.compute.internal").as_deref(),
            Some("10.0.1.23")
        );
        assert_eq!(ip_of_hostname("ip-10-0-1.ec2.internal"), None);
        assert_eq!(ip_of_hostname("ip-10-0-1-300.ec2.internal"), None);
        assert_eq!(ip_of_hostname("kong-1"), None);
    }
}
