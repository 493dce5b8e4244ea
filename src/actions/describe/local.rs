//! Describe for what fleetdeck already holds in full: Kong nodes, upstreams
//! and targets (as polled per node), EKS/ECS objects (as polled per region)
//! and a cluster's connection. Built from the state's rows, no IO.

use jiff::Timestamp;

use crate::actions::subject::Subject;
use crate::model::fleet::Fleet;
use crate::model::kong::{KongDb, KongNode, KongVia};
use crate::model::text::sanitize;

fn kv(out: &mut Vec<String>, indent: usize, k: &str, v: impl AsRef<str>) {
    let key = if k.is_empty() {
        String::new()
    } else {
        format!("{k}:")
    };
    out.push(format!(
        "{}{key:<w$}{}",
        " ".repeat(indent),
        v.as_ref(),
        w = 16.max(key.len() + 1)
    ));
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("<none>")
}

/// `(title, lines)` for a non-Kubernetes subject (or a whole cluster), or why not.
pub fn describe(
    fleet: &Fleet,
    subject: &Subject,
    now: Timestamp,
) -> Result<(String, Vec<String>), String> {
    let mut out = Vec::new();
    let title = match subject {
        Subject::Kube(k) => return Err(format!("{} is described from the API", k.label())),
        Subject::Cluster(name) => cluster(&mut out, fleet, name, now)?,
        Subject::KongNode { gateway, node } => {
            kong_node_with_upstreams(&mut out, fleet, gateway, node, now)?
        }
        Subject::KongUpstream {
            gateway,
            node,
            upstream,
        } => kong_upstream(&mut out, fleet, gateway, node, upstream)?,
        Subject::KongTarget {
            gateway,
            node,
            upstream,
            target,
        } => kong_target(&mut out, fleet, gateway, node, upstream, target)?,
        Subject::AwsRegion(region) => aws_region(&mut out, fleet, region, now)?,
        Subject::EksCluster { region, name } => eks_cluster(&mut out, fleet, region, name)?,
        Subject::FargateProfile {
            region,
            cluster,
            name,
        } => fargate_profile(&mut out, fleet, region, cluster, name)?,
        Subject::Nodegroup {
            region,
            cluster,
            name,
        } => nodegroup(&mut out, fleet, region, cluster, name)?,
        Subject::EcsCluster { region, name } => ecs_cluster(&mut out, fleet, region, name)?,
        Subject::EcsService {
            region,
            cluster,
            name,
        } => ecs_service(&mut out, fleet, region, cluster, name)?,
        Subject::EcsTask {
            region,
            cluster,
            id,
        } => ecs_task(&mut out, fleet, region, cluster, id)?,
    };
    Ok((title, out.iter().map(|l| sanitize(l)).collect()))
}

/// `Subject::Cluster`: its lines into `out`, its title back.
fn cluster(
    out: &mut Vec<String>,
    fleet: &Fleet,
    name: &str,
    now: Timestamp,
) -> Result<String, String> {
    let c = fleet
        .clusters
        .get(name)
        .ok_or_else(|| format!("cluster {name} is gone"))?;
    kv(out, 0, "Context", &c.name);
    kv(out, 0, "Server", opt(&c.server));
    kv(out, 0, "Version", opt(&c.version));
    kv(
        out,
        0,
        "Region",
        fleet.cluster_region(name).unwrap_or_default(),
    );
    kv(out, 0, "Connection", c.connection.label(now));
    out.push("Sources:".into());
    for (kind, st) in &c.kinds {
        let mut line = st.label(now);
        if let Some(e) = st.error() {
            line = format!("{line} — {}", e.message());
        }
        kv(out, 2, kind.label(), line);
    }
    let s = &c.stores;
    out.push("Objects:".into());
    kv(out, 2, "nodes", s.nodes.len().to_string());
    kv(out, 2, "pods", s.pods.len().to_string());
    kv(out, 2, "deployments", s.deployments.len().to_string());
    kv(out, 2, "statefulsets", s.statefulsets.len().to_string());
    kv(out, 2, "hpas", s.hpas.len().to_string());
    kv(out, 2, "pvcs", s.pvcs.len().to_string());
    Ok(format!("cluster {name}"))
}

/// `Subject::KongNode`: its lines into `out`, its title back.
fn kong_node_with_upstreams(
    out: &mut Vec<String>,
    fleet: &Fleet,
    gateway: &str,
    node: &str,
    now: Timestamp,
) -> Result<String, String> {
    let n = kong_node(fleet, gateway, node)?;
    node_lines(out, n, now);
    for u in &n.upstreams {
        out.push(format!(
            "  {} balancer {} · {} targets",
            u.name,
            u.balancer.as_deref().unwrap_or("-"),
            u.targets.len()
        ));
    }
    Ok(format!("Kong node {gateway}/{node}"))
}

/// `Subject::KongUpstream`: its lines into `out`, its title back.
fn kong_upstream(
    out: &mut Vec<String>,
    fleet: &Fleet,
    gateway: &str,
    node: &str,
    upstream: &str,
) -> Result<String, String> {
    let n = kong_node(fleet, gateway, node)?;
    let u = n
        .upstreams
        .iter()
        .find(|u| u.name == *upstream)
        .ok_or_else(|| format!("{node} has no upstream {upstream}"))?;
    kv(out, 0, "Upstream", &u.name);
    kv(out, 0, "Gateway", gateway);
    kv(out, 0, "Seen by node", node);
    kv(
        out,
        0,
        "Balancer",
        u.balancer.as_deref().unwrap_or("<not polled>"),
    );
    if u.broken() {
        out.push("Warning: no peer available: clients routed through this node get 503 \"failure to get a peer from the ring-balancer\"".into());
    }
    out.push(format!("Targets ({}):", u.targets.len()));
    out.push(format!("  {:<28} {:>7}  Health", "Target", "Weight"));
    for t in &u.targets {
        out.push(format!("  {:<28} {:>7}  {}", t.target, t.weight, t.health));
    }
    Ok(format!("Kong upstream {upstream} @ {node}"))
}

/// `Subject::KongTarget`: its lines into `out`, its title back.
fn kong_target(
    out: &mut Vec<String>,
    fleet: &Fleet,
    gateway: &str,
    node: &str,
    upstream: &str,
    target: &str,
) -> Result<String, String> {
    let n = kong_node(fleet, gateway, node)?;
    let t = n
        .upstreams
        .iter()
        .find(|u| u.name == *upstream)
        .and_then(|u| u.targets.iter().find(|t| t.target == *target))
        .ok_or_else(|| format!("{node} has no target {target} in {upstream}"))?;
    kv(out, 0, "Target", &t.target);
    kv(out, 0, "Upstream", upstream);
    kv(out, 0, "Gateway", gateway);
    kv(out, 0, "Seen by node", node);
    kv(out, 0, "Weight", t.weight.to_string());
    kv(out, 0, "Health", &t.health);
    let ip = target.rsplit_once(':').map_or(target, |(h, _)| h);
    let pods: Vec<String> = fleet
        .clusters
        .values()
        .flat_map(|c| {
            c.stores
                .pods
                .iter()
                .filter(|p| p.ip.as_deref() == Some(ip))
                .map(move |p| format!("pod {}/{}/{} ({})", c.name, p.namespace, p.name, p.status))
        })
        .chain(fleet.aws.values().flat_map(|r| {
            r.rows
                .tasks
                .iter()
                .filter(|t| t.ip.as_deref() == Some(ip))
                .map(|t| {
                    format!(
                        "ECS task {}/{} ({} {})",
                        t.cluster, t.id, t.last_status, t.health
                    )
                })
        }))
        .collect();
    kv(
        out,
        0,
        "Behind it",
        if pods.is_empty() {
            "no pod or task has this IP (stale target)".into()
        } else {
            pods.join("; ")
        },
    );
    Ok(format!("Kong target {target}"))
}

/// `Subject::AwsRegion`: its lines into `out`, its title back.
fn aws_region(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    now: Timestamp,
) -> Result<String, String> {
    let r = fleet
        .aws
        .get(region)
        .ok_or_else(|| format!("region {region} is gone"))?;
    kv(out, 0, "Region", &r.region);
    let mut st = r.state.label(now);
    if let Some(e) = r.state.error() {
        st = format!("{st} — {}", e.message());
    }
    kv(out, 0, "State", st);
    kv(
        out,
        0,
        "Polled",
        r.polled
            .map(|t| t.to_string())
            .unwrap_or_else(|| "never".into()),
    );
    kv(out, 0, "EKS clusters", r.rows.eks.len().to_string());
    kv(out, 0, "Node groups", r.rows.nodegroups.len().to_string());
    kv(out, 0, "ECS clusters", r.rows.ecs.len().to_string());
    kv(out, 0, "ECS services", r.rows.services.len().to_string());
    Ok(format!("AWS region {region}"))
}

/// `Subject::EksCluster`: its lines into `out`, its title back.
fn eks_cluster(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    name: &str,
) -> Result<String, String> {
    let r = region_rows(fleet, region)?;
    let c = r
        .eks
        .iter()
        .find(|c| c.name == *name)
        .ok_or_else(|| format!("EKS cluster {name} is gone"))?;
    kv(out, 0, "Name", &c.name);
    kv(out, 0, "Region", &c.region);
    kv(out, 0, "Status", &c.status);
    kv(out, 0, "Version", opt(&c.version));
    kv(out, 0, "Endpoint", opt(&c.endpoint));
    out.push("Fargate profiles:".into());
    for p in r.profiles.iter().filter(|p| p.cluster == *name) {
        out.push(format!(
            "  {} ({}): {}",
            p.name,
            p.status,
            p.selectors.join("; ")
        ));
    }
    out.push("Node groups:".into());
    for g in r.nodegroups.iter().filter(|g| g.cluster == *name) {
        out.push(format!(
            "  {} ({}) {} ≤ {} ≤ {}",
            g.name, g.status, g.min, g.desired, g.max
        ));
    }
    Ok(format!("EKS cluster {name}"))
}

/// `Subject::FargateProfile`: its lines into `out`, its title back.
fn fargate_profile(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    cluster: &str,
    name: &str,
) -> Result<String, String> {
    let p = region_rows(fleet, region)?
        .profiles
        .iter()
        .find(|p| p.cluster == *cluster && p.name == *name)
        .ok_or_else(|| format!("Fargate profile {name} is gone"))?;
    kv(out, 0, "Name", &p.name);
    kv(out, 0, "Cluster", &p.cluster);
    kv(out, 0, "Region", &p.region);
    kv(out, 0, "Status", &p.status);
    out.push("Selectors:".into());
    for s in &p.selectors {
        out.push(format!("  {s}"));
    }
    out.push(
        "Note: profiles are immutable; a pod created before its profile must be recreated.".into(),
    );
    Ok(format!("Fargate profile {cluster}/{name}"))
}

/// `Subject::Nodegroup`: its lines into `out`, its title back.
fn nodegroup(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    cluster: &str,
    name: &str,
) -> Result<String, String> {
    let g = region_rows(fleet, region)?
        .nodegroups
        .iter()
        .find(|g| g.cluster == *cluster && g.name == *name)
        .ok_or_else(|| format!("node group {name} is gone"))?;
    kv(out, 0, "Name", &g.name);
    kv(out, 0, "Cluster", &g.cluster);
    kv(out, 0, "Region", &g.region);
    kv(out, 0, "Status", &g.status);
    kv(out, 0, "Capacity Type", opt(&g.capacity_type));
    kv(out, 0, "Instance Types", g.instance_types.join(", "));
    kv(
        out,
        0,
        "Scaling",
        format!("min {} · desired {} · max {}", g.min, g.desired, g.max),
    );
    kv(
        out,
        0,
        "Health issues",
        if g.issues.is_empty() {
            "<none>".into()
        } else {
            g.issues.join("; ")
        },
    );
    Ok(format!("node group {cluster}/{name}"))
}

/// `Subject::EcsCluster`: its lines into `out`, its title back.
fn ecs_cluster(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    name: &str,
) -> Result<String, String> {
    let r = region_rows(fleet, region)?;
    let c = r
        .ecs
        .iter()
        .find(|c| c.name == *name)
        .ok_or_else(|| format!("ECS cluster {name} is gone"))?;
    kv(out, 0, "Name", &c.name);
    kv(out, 0, "Region", &c.region);
    kv(out, 0, "Status", &c.status);
    kv(
        out,
        0,
        "Tasks",
        format!("{} running · {} pending", c.running_tasks, c.pending_tasks),
    );
    out.push("Services:".into());
    for s in r.services.iter().filter(|s| s.cluster == *name) {
        out.push(format!(
            "  {} ({}) {}/{} running, {} pending",
            s.name, s.status, s.running, s.desired, s.pending
        ));
    }
    Ok(format!("ECS cluster {name}"))
}

/// `Subject::EcsService`: its lines into `out`, its title back.
fn ecs_service(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    cluster: &str,
    name: &str,
) -> Result<String, String> {
    let r = region_rows(fleet, region)?;
    let s = r
        .services
        .iter()
        .find(|s| s.cluster == *cluster && s.name == *name)
        .ok_or_else(|| format!("ECS service {name} is gone"))?;
    kv(out, 0, "Name", &s.name);
    kv(out, 0, "Cluster", &s.cluster);
    kv(out, 0, "Region", &s.region);
    kv(out, 0, "Status", &s.status);
    kv(out, 0, "Launch Type", opt(&s.launch_type));
    kv(
        out,
        0,
        "Tasks",
        format!(
            "{} desired · {} running · {} pending",
            s.desired, s.running, s.pending
        ),
    );
    out.push("Deployments:".into());
    for d in &s.deployments {
        out.push(format!("  {d}"));
    }
    kv(out, 0, "Last event", opt(&s.last_event));
    out.push("Tasks:".into());
    for t in r
        .tasks
        .iter()
        .filter(|t| t.cluster == *cluster && t.service.as_deref() == Some(name))
    {
        out.push(format!(
            "  {} {} {} ip {}",
            t.id,
            t.last_status,
            t.health,
            t.ip.as_deref().unwrap_or("-")
        ));
    }
    Ok(format!("ECS service {cluster}/{name}"))
}

/// `Subject::EcsTask`: its lines into `out`, its title back.
fn ecs_task(
    out: &mut Vec<String>,
    fleet: &Fleet,
    region: &str,
    cluster: &str,
    id: &str,
) -> Result<String, String> {
    let t = region_rows(fleet, region)?
        .tasks
        .iter()
        .find(|t| t.cluster == *cluster && t.id == *id)
        .ok_or_else(|| format!("ECS task {id} is gone"))?;
    kv(out, 0, "Task", &t.id);
    kv(out, 0, "Cluster", &t.cluster);
    kv(out, 0, "Region", &t.region);
    kv(out, 0, "Service", opt(&t.service));
    kv(out, 0, "Last Status", &t.last_status);
    kv(out, 0, "Desired Status", &t.desired_status);
    kv(out, 0, "Health", &t.health);
    kv(out, 0, "IP", opt(&t.ip));
    kv(out, 0, "Launch Type", opt(&t.launch_type));
    Ok(format!("ECS task {cluster}/{id}"))
}

fn kong_node<'a>(fleet: &'a Fleet, gateway: &str, node: &str) -> Result<&'a KongNode, String> {
    fleet
        .gateways
        .get(gateway)
        .and_then(|g| g.nodes.get(node))
        .ok_or_else(|| format!("Kong node {gateway}/{node} is gone"))
}

fn region_rows<'a>(
    fleet: &'a Fleet,
    region: &str,
) -> Result<&'a crate::model::aws::AwsRegionRows, String> {
    fleet
        .aws
        .get(region)
        .map(|r| &r.rows)
        .ok_or_else(|| format!("region {region} is gone"))
}

fn node_lines(out: &mut Vec<String>, n: &KongNode, now: Timestamp) {
    kv(out, 0, "Node", &n.name);
    kv(out, 0, "Gateway", &n.gateway);
    let via = match &n.via {
        KongVia::Pod {
            cluster,
            namespace,
            pod,
        } => format!("pod proxy {cluster} {namespace}/{pod}"),
        KongVia::Url(u) => format!("admin URL {u}"),
    };
    kv(out, 0, "Reached via", via);
    kv(out, 0, "IP", n.ip.as_deref().unwrap_or("<unknown>"));
    kv(
        out,
        0,
        "Version",
        n.version.as_deref().unwrap_or("<unknown>"),
    );
    kv(
        out,
        0,
        "Reachable",
        match &n.reachable {
            Ok(()) => "yes".to_owned(),
            Err(e) => format!("no — {e}"),
        },
    );
    kv(
        out,
        0,
        "Ready",
        match &n.ready {
            Some(Ok(())) => "yes".to_owned(),
            Some(Err(e)) => format!("no — {e}"),
            None => "<not polled>".to_owned(),
        },
    );
    kv(
        out,
        0,
        "Database",
        match &n.db {
            KongDb::Reachable(true) => "reachable".to_owned(),
            KongDb::Reachable(false) => "UNREACHABLE".to_owned(),
            KongDb::Hash(h) if h == crate::model::kong::EMPTY_CONFIG_HASH => {
                format!("DB-less, configuration_hash {h} (no configuration)")
            }
            KongDb::Hash(h) => format!("DB-less, configuration_hash {h}"),
            KongDb::Unknown => "<unknown>".to_owned(),
        },
    );
    kv(
        out,
        0,
        "Polled",
        n.polled
            .map(|t| format!("{} ago", crate::model::format::age(Some(t), now)))
            .unwrap_or_else(|| "never".into()),
    );
    kv(out, 0, "Healthy", if n.healthy() { "yes" } else { "NO" });
    out.push(format!("Upstreams ({}):", n.upstreams.len()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kong::{KongTarget, KongUpstream};

    #[test]
    fn kong_target_and_upstream_describe_from_the_polled_node() {
        let mut fleet = Fleet::default();
        let mut n = KongNode::new("kong", "kong-0", KongVia::Url("http://k:8001".into()));
        n.reachable = Ok(());
        n.upstreams.push(KongUpstream {
            name: "hello.shop.80.svc".into(),
            balancer: Some("UNHEALTHY".into()),
            targets: vec![KongTarget {
                target: "10.0.9.9:8080".into(),
                weight: 100,
                health: "UNHEALTHY".into(),
            }],
        });
        let mut g = crate::model::fleet::Gateway {
            name: "kong".into(),
            cluster: None,
            ecs_service: None,
            state: crate::model::status::SourceState::Live,
            nodes: Default::default(),
        };
        g.nodes.insert("kong-0".into(), n);
        fleet.gateways.insert("kong".into(), g);
        let now = Timestamp::UNIX_EPOCH;
        let (title, lines) = describe(
            &fleet,
            &Subject::KongUpstream {
                gateway: "kong".into(),
                node: "kong-0".into(),
                upstream: "hello.shop.80.svc".into(),
            },
            now,
        )
        .expect("upstream");
        let t = lines.join("\n");
        assert_eq!(title, "Kong upstream hello.shop.80.svc @ kong-0");
        assert!(t.contains("failure to get a peer"), "{t}");
        assert!(
            t.contains("10.0.9.9:8080") && t.contains("UNHEALTHY"),
            "{t}"
        );
        let (_, lines) = describe(
            &fleet,
            &Subject::KongTarget {
                gateway: "kong".into(),
                node: "kong-0".into(),
                upstream: "hello.shop.80.svc".into(),
                target: "10.0.9.9:8080".into(),
            },
            now,
        )
        .expect("target");
        assert!(lines.join("\n").contains("stale target"));
        let (_, lines) = describe(
            &fleet,
            &Subject::KongNode {
                gateway: "kong".into(),
                node: "kong-0".into(),
            },
            now,
        )
        .expect("node");
        assert!(lines.join("\n").contains("admin URL http://k:8001"));
    }
}
