//! Kong gateways, per node (each replica has its own balancer): ring-balancers
//! with no peer, stale targets, unreachable / not ready nodes, unreachable
//! database, configuration drift, and the ECS service behind a gateway.

use std::collections::{BTreeMap, HashSet};

use super::index::ClusterIndex;
use super::services::{parse_upstream, service_chain};
use super::{Action, Code, Finding, ObjectRef, Severity, Snapshot};
use crate::model::aws::{EcsServiceRow, EcsTaskRow};
use crate::model::fleet::Gateway;
use crate::model::kong::{EMPTY_CONFIG_HASH, KongDb, KongNode, KongUpstream, KongVia};

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in s.fleet.gateways.values() {
        if cluster_blind(s, g) {
            // Its nodes are polled through that cluster's API server: their
            // failures are the cluster's, already said once as the cluster's.
            continue;
        }
        nodes(s, g, &mut out);
        balancers(s, g, &mut out);
    }
    ecs_services(s, &mut out);
    out
}

/// Whether the gateway's nodes are reached through a cluster we cannot
/// currently talk to (unauthorized or unreachable).
fn cluster_blind(s: &Snapshot, g: &Gateway) -> bool {
    g.cluster
        .as_ref()
        .and_then(|c| s.fleet.clusters.get(c))
        .is_some_and(|c| c.connection.error().is_some())
}

pub fn node_ref(g: &Gateway, n: &KongNode) -> ObjectRef {
    ObjectRef::new("", "KongNode", &g.name, &n.name)
}

fn upstream_ref(g: &Gateway, u: &str) -> ObjectRef {
    ObjectRef::new("", "KongUpstream", &g.name, u)
}

fn polled(g: &Gateway) -> impl Iterator<Item = &KongNode> {
    g.nodes.values().filter(|n| n.polled.is_some())
}

/// A Kong pod this young that has not answered yet is starting, not down:
/// Kong loads its configuration before the admin API listens.
pub const START_GRACE: i64 = 120;

/// Whether `n` runs in a pod created within [`START_GRACE`].
fn starting(s: &Snapshot, n: &KongNode) -> bool {
    let KongVia::Pod {
        cluster,
        namespace,
        pod,
        ..
    } = &n.via
    else {
        return false;
    };
    let Some(c) = s.cluster(cluster) else {
        return false;
    };
    c.data
        .stores
        .pods
        .get(namespace, pod)
        .is_some_and(|p| p.created.is_some() && s.age(p.created) < START_GRACE)
}

fn nodes(s: &Snapshot, g: &Gateway, out: &mut Vec<Finding>) {
    let all: Vec<&KongNode> = polled(g)
        .filter(|n| n.reachable.is_ok() || !starting(s, n))
        .collect();
    let down = all.iter().filter(|n| n.reachable.is_err()).count();
    for n in &all {
        let o = node_ref(g, n);
        if let Err(e) = &n.reachable {
            let sev = if down == all.len() {
                Severity::Critical
            } else {
                Severity::Warning
            };
            out.push(
                Finding::new(
                    Code::KongUnreachable,
                    o.clone(),
                    format!("Kong node {} of gateway {} does not answer its admin API", n.name, g.name),
                )
                .with_severity(sev)
                .link(o.clone(), format!("/status: {e}"))
                .link(
                    ObjectRef::new("", "Gateway", "", &g.name),
                    format!("{} of {} nodes unreachable", down, all.len()),
                )
                .fix(if e.starts_with("TLS:") {
                    // The node answered: its certificate is refused, replacing it would not help.
                    "The node answers but its TLS certificate is not trusted: set ca_file to its CA (or insecure = true) on this gateway in fleetdeck.toml."
                } else {
                    "Check the node's task/pod and its admin listener; if the process is wedged, replace that node (delete the pod / stop the task)."
                })
                .remedy(Action::Describe, o),
            );
            continue;
        }
        match &n.db {
            KongDb::Reachable(false) => out.push(
                Finding::new(
                    Code::KongDbUnreachable,
                    o.clone(),
                    format!("Kong node {} cannot reach its database", n.name),
                )
                .link(o.clone(), "/status: database.reachable = false")
                .fix("Check the Postgres endpoint, credentials and security groups from this node; Kong serves from cache but cannot apply changes.")
                .remedy(Action::Describe, o.clone()),
            ),
            KongDb::Hash(h) if h == EMPTY_CONFIG_HASH => out.push(
                Finding::new(
                    Code::KongEmptyConfig,
                    o.clone(),
                    format!("DB-less Kong node {} has no configuration", n.name),
                )
                .link(o.clone(), "/status: configuration_hash is all zeros")
                .fix("Check that the ingress controller can push to this node (POST /config); it answers 404 to every route until it has a configuration.")
                .remedy(Action::Describe, o.clone()),
            ),
            _ => {}
        }
        if let Some(Err(reason)) = &n.ready
            && !matches!(n.db, KongDb::Reachable(false))
            && !matches!(&n.db, KongDb::Hash(h) if h == EMPTY_CONFIG_HASH)
        {
            out.push(
                Finding::new(
                    Code::KongNotReady,
                    o.clone(),
                    format!("Kong node {} is not ready: {reason}", n.name),
                )
                .link(o.clone(), format!("/status/ready: 503 {reason}"))
                .fix("The load balancer takes this node out of rotation; see its logs for why it is not ready.")
                .remedy(Action::Logs, o.clone()),
            );
        }
    }
    let hashes: BTreeMap<&str, Vec<&str>> = all
        .iter()
        .filter(|n| n.reachable.is_ok())
        .filter_map(|n| match &n.db {
            KongDb::Hash(h) if h != EMPTY_CONFIG_HASH => Some((h.as_str(), n.name.as_str())),
            _ => None,
        })
        .fold(BTreeMap::new(), |mut m, (h, n)| {
            m.entry(h).or_insert_with(Vec::new).push(n);
            m
        });
    if hashes.len() > 1 {
        let gw = ObjectRef::new("", "Gateway", "", &g.name);
        let mut f = Finding::new(
            Code::KongConfigDrift,
            gw,
            format!(
                "the {} replicas of gateway {} run {} different configurations",
                all.len(),
                g.name,
                hashes.len()
            ),
        );
        for (h, names) in &hashes {
            for n in names {
                let o = ObjectRef::new("", "KongNode", &g.name, n);
                f = f
                    .link(o.clone(), format!("configuration_hash {h}"))
                    .object(o);
            }
        }
        // The replicas on the least common hash lag; replacing one refetches.
        let lagging = hashes
            .values()
            .min_by_key(|names| names.len())
            .and_then(|names| names.first())
            .map(|n| ObjectRef::new("", "KongNode", &g.name, n));
        f = f.fix("Check the controller's sync errors for the replicas that lag; restarting a lagging replica makes it fetch the current configuration.");
        if let Some(o) = lagging {
            f = f.remedy(Action::ReplaceKongNode, o);
        }
        out.push(f);
    }
}

/// Why a node's balancer for `u` yields no peer, if it does not.
fn no_peer(u: &KongUpstream) -> Option<String> {
    if u.targets.is_empty() {
        return Some("upstream has no targets".into());
    }
    if u.targets.iter().all(|t| t.weight == 0) {
        return Some("every target has weight 0".into());
    }
    let dead = |h: &str| h == "UNHEALTHY" || h == "DNS_ERROR";
    if u.targets.iter().all(|t| t.weight == 0 || dead(&t.health)) {
        let states: Vec<String> = u
            .targets
            .iter()
            .map(|t| format!("{} {}", t.target, t.health))
            .collect();
        return Some(format!("every target is down: {}", states.join(", ")));
    }
    if u.balancer.as_deref() == Some("UNHEALTHY") {
        return Some("balancer_health UNHEALTHY".into());
    }
    None
}

/// Where a target's IP should be alive: ready endpoints of the service (KIC) or running tasks (ECS).
enum Live<'a> {
    Endpoints(HashSet<&'a str>),
    Tasks(HashSet<&'a str>),
    Unknown,
}

fn live_set<'a>(s: &Snapshot<'a>, g: &Gateway, upstream: &str) -> Live<'a> {
    if let Some(cluster) = &g.cluster
        && let Some((ns, svc, _)) = parse_upstream(upstream)
        && let Some(c) = s.cluster(cluster)
        && c.complete()
        && c.data.stores.services.get(ns, svc).is_some()
    {
        return Live::Endpoints(c.ready_addresses(ns, svc).into_iter().collect());
    }
    if let Some((region, _, _)) = ecs_parts(g)
        && let Some(r) = s.fleet.aws.get(region)
        && r.polled.is_some()
    {
        return Live::Tasks(
            r.rows
                .tasks
                .iter()
                .filter(|t| t.last_status == "RUNNING")
                .filter_map(|t| t.ip.as_deref())
                .collect(),
        );
    }
    Live::Unknown
}

/// The service's ready endpoints but those of crash-looping pods: such a
/// pod is ready only between crashes, so whether it is at the moment of an
/// evaluation must not change what the finding says.
fn steady_endpoints<'a>(s: &Snapshot, c: &ClusterIndex<'a>, ns: &str, svc: &str) -> Vec<&'a str> {
    let looping: HashSet<&str> = c
        .data
        .stores
        .pods
        .iter()
        .filter(|p| p.namespace == ns)
        .filter(|p| super::pods::trouble(s, p) == Some(Code::PodCrashLoop))
        .filter_map(|p| p.ip.as_deref())
        .collect();
    c.ready_addresses(ns, svc)
        .into_iter()
        .filter(|ip| !looping.contains(ip))
        .collect()
}

fn ecs_parts(g: &Gateway) -> Option<(&str, &str, &str)> {
    let mut it = g.ecs_service.as_deref()?.splitn(3, '/');
    Some((it.next()?, it.next()?, it.next()?))
}

fn target_ip(t: &str) -> &str {
    t.rsplit_once(':').map(|(h, _)| h).unwrap_or(t)
}

fn balancers(s: &Snapshot, g: &Gateway, out: &mut Vec<Finding>) {
    let nodes: Vec<&KongNode> = polled(g).filter(|n| n.reachable.is_ok()).collect();
    let names: std::collections::BTreeSet<&str> = nodes
        .iter()
        .flat_map(|n| n.upstreams.iter().map(|u| u.name.as_str()))
        .collect();
    for uname in names {
        let per_node: Vec<(&KongNode, &KongUpstream)> = nodes
            .iter()
            .filter_map(|n| {
                n.upstreams
                    .iter()
                    .find(|u| u.name == uname)
                    .map(|u| (*n, u))
            })
            .collect();
        let live = live_set(s, g, uname);
        let mut failing = Vec::new();
        let mut serving = Vec::new();
        let mut stale_nodes = Vec::new();
        for (n, u) in &per_node {
            if let Some(why) = no_peer(u) {
                failing.push((*n, *u, why));
                continue;
            }
            serving.push(n.name.as_str());
            let stale: Vec<&str> = match &live {
                Live::Endpoints(set) | Live::Tasks(set) => u
                    .targets
                    .iter()
                    .filter(|t| t.weight > 0 && t.target.parse::<std::net::SocketAddr>().is_ok())
                    .filter(|t| !set.contains(target_ip(&t.target)))
                    .filter(|t| !lagging(s, g, n, target_ip(&t.target)))
                    .map(|t| t.target.as_str())
                    .collect(),
                Live::Unknown => Vec::new(),
            };
            if !stale.is_empty() {
                stale_nodes.push((*n, *u, stale));
            }
        }
        if !failing.is_empty() {
            out.push(no_peer_finding(s, g, uname, &failing, &serving, &live));
        }
        // An upstream some nodes have no peer for is said above (with the
        // nodes that still serve it); elsewhere a target up on some nodes
        // and down on others is a split view.
        if failing.is_empty()
            && let Some(f) = health_split(g, uname, &per_node)
        {
            out.push(f);
        }
        for (n, u, stale) in stale_nodes {
            out.push(stale_finding(g, n, u, &stale, &live));
        }
    }
}

/// Targets that some of `nodes` see HEALTHY and others UNHEALTHY: each
/// node runs its own health checks, so the ones that see a target down
/// cannot reach it or kept a stale state.
fn health_split(g: &Gateway, uname: &str, nodes: &[(&KongNode, &KongUpstream)]) -> Option<Finding> {
    let mut views: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for (n, u) in nodes {
        for t in u.targets.iter().filter(|t| t.weight > 0) {
            let v = views.entry(t.target.as_str()).or_default();
            // Without active checks a target is used as long as nothing marked it down.
            match t.health.as_str() {
                "HEALTHY" | "HEALTHCHECKS_OFF" => v.0.push(n.name.as_str()),
                "UNHEALTHY" | "DNS_ERROR" => v.1.push(n.name.as_str()),
                _ => {}
            }
        }
    }
    views.retain(|_, (up, down)| !up.is_empty() && !down.is_empty());
    if views.is_empty() {
        return None;
    }
    // The node that sees the most targets down is the odd one out.
    let mut down_count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, down) in views.values() {
        for n in down {
            *down_count.entry(n).or_default() += 1;
        }
    }
    let odd = down_count
        .iter()
        .max_by_key(|(n, c)| (**c, std::cmp::Reverse(**n)))
        .map(|(n, _)| *n)?;
    let odd_ref = ObjectRef::new("", "KongNode", &g.name, odd);
    let mut f = Finding::new(
        Code::KongHealthSplit,
        odd_ref.clone(),
        format!(
            "gateway {}: nodes disagree on {} target(s) of upstream {uname}; {odd} sees them down while others see them up",
            g.name,
            views.len()
        ),
    )
    .object(upstream_ref(g, uname));
    for (target, (up, down)) in &views {
        for n in down.iter().filter(|n| **n != odd) {
            f = f.object(ObjectRef::new("", "KongNode", &g.name, n));
        }
        f = f.link(
            odd_ref.clone(),
            format!(
                "target {target}: in use on {}; UNHEALTHY on {}",
                up.join(", "),
                down.join(", ")
            ),
        );
    }
    Some(
        f.fix("Each node health-checks on its own: from the nodes that see targets down, check the network path to them (security groups, AZ routes, DNS); if only one node disagrees, replace it.")
            .remedy(Action::ReplaceKongNode, odd_ref),
    )
}

/// Kong's controller syncs every few seconds, and the node's poll and the
/// endpoints are read at different instants: a target whose pod changed
/// readiness within this many seconds of the poll is a lag, not stale.
pub const STALE_GRACE: i64 = 30;

/// Whether `ip` is a pod of the gateway's cluster whose readiness changed
/// too close to `n`'s poll for Kong to have followed it yet.
fn lagging(s: &Snapshot, g: &Gateway, n: &KongNode, ip: &str) -> bool {
    let Some(c) = g.cluster.as_deref().and_then(|name| s.cluster(name)) else {
        return false;
    };
    let polled = n.polled.unwrap_or(s.now).as_second();
    c.data
        .stores
        .pods
        .iter()
        .filter(|p| p.ip.as_deref() == Some(ip))
        .filter_map(|p| p.ready_changed)
        .any(|t| t.as_second() > polled - STALE_GRACE)
}

fn no_peer_finding(
    s: &Snapshot,
    g: &Gateway,
    uname: &str,
    failing: &[(&KongNode, &KongUpstream, String)],
    serving: &[&str],
    live: &Live,
) -> Finding {
    let up = upstream_ref(g, uname);
    let failing_names: Vec<&str> = failing.iter().map(|(n, _, _)| n.name.as_str()).collect();
    let serves = if serving.is_empty() {
        "no node serves it".to_owned()
    } else {
        format!("{} still serve(s) it", serving.join(", "))
    };
    let mut f = Finding::new(
        Code::KongNoPeer,
        node_ref(g, failing[0].0),
        format!(
            "gateway {}: upstream {uname} has no peer on {} ({}); {serves}",
            g.name,
            failing_names.join(", "),
            failing[0].2
        ),
    );
    for (n, _, _) in failing.iter().skip(1) {
        f = f.object(node_ref(g, n));
    }
    f = f.object(up.clone());
    for (n, u, why) in failing {
        f = f.link(
            node_ref(g, n),
            format!(
                "{why}; balancer {}; clients get 503 \"failure to get a peer from the ring-balancer\"",
                u.balancer.as_deref().unwrap_or("?")
            ),
        );
    }
    for name in serving {
        f = f.link(
            ObjectRef::new("", "KongNode", &g.name, name),
            format!("serves {uname}: balancer has a healthy peer"),
        );
    }
    let mut fix = String::new();
    // Join back to Kubernetes or ECS.
    if let Some(cluster) = &g.cluster
        && let Some((ns, svc, _)) = parse_upstream(uname)
        && let Some(c) = s.cluster(cluster)
        && let Some(row) = c.data.stores.services.get(ns, svc)
    {
        f = f.object(ObjectRef::new(cluster, "Service", ns, svc));
        let (links, pods) = service_chain(c, row);
        for (o, fact) in links {
            f = f.link(o, fact);
        }
        if steady_endpoints(s, c, ns, svc).is_empty() {
            fix = format!(
                "The service {ns}/{svc} has no ready endpoints (a crash-looping pod's, ready between crashes, do not count): fix the pods in the chain; the controller then adds targets."
            );
        }
        if let Some(p) = pods.first() {
            f = f.remedy(Action::Describe, p.clone());
        }
    } else if let Live::Tasks(_) = live
        && let Some((region, cluster, service)) = ecs_parts(g)
    {
        let tasks: Vec<&EcsTaskRow> = s
            .fleet
            .aws
            .get(region)
            .map(|r| r.rows.tasks.iter().collect())
            .unwrap_or_default();
        for (n, u, _) in failing {
            for t in &u.targets {
                let ip = target_ip(&t.target);
                let fact = match tasks.iter().find(|x| x.ip.as_deref() == Some(ip)) {
                    Some(task) => format!(
                        "target {} on {}: ECS task {} ({}) is {} / health {}",
                        t.target,
                        n.name,
                        task.id,
                        task.service.as_deref().unwrap_or("-"),
                        task.last_status,
                        task.health
                    ),
                    None => format!(
                        "target {} on {}: no ECS task has this IP (task gone)",
                        t.target, n.name
                    ),
                };
                f = f.link(ObjectRef::new(region, "EcsService", cluster, service), fact);
            }
        }
    }
    if fix.is_empty() {
        fix = if serving.is_empty() {
            "Restore healthy targets for the upstream (the backends behind it are down)."
        } else {
            f = f.remedy(Action::ReplaceKongNode, node_ref(g, failing[0].0));
            "Only these nodes lost their peers while others serve: their balancer state is stale. Replace the failing node(s) (delete the pod / stop the ECS task) and check their health-check settings."
        }
        .into();
    }
    f.fix(fix)
}

fn stale_finding(
    g: &Gateway,
    n: &KongNode,
    u: &KongUpstream,
    stale: &[&str],
    live: &Live,
) -> Finding {
    let o = node_ref(g, n);
    let whose = match live {
        Live::Tasks(_) => "running ECS tasks",
        _ => "ready endpoints of the service",
    };
    let sev = if stale.len() == u.targets.iter().filter(|t| t.weight > 0).count() {
        Severity::Critical
    } else {
        Severity::Warning
    };
    Finding::new(
        Code::KongStaleTarget,
        o.clone(),
        format!(
            "Kong node {} balances upstream {} to {} target(s) that are not {whose}",
            n.name,
            u.name,
            stale.len()
        ),
    )
    .with_severity(sev)
    .object(upstream_ref(g, &u.name))
    .link(o.clone(), format!("stale targets: {}", stale.join(", ")))
    .fix("Requests to these targets fail or time out; the node's view lags. Check the controller's sync, or replace this node.")
    .remedy(Action::ReplaceKongNode, o)
}

fn ecs_services(s: &Snapshot, out: &mut Vec<Finding>) {
    for r in s.fleet.aws.values() {
        for svc in r.rows.services.iter().filter(|v| v.status == "ACTIVE") {
            if svc.running >= svc.desired {
                continue;
            }
            out.push(ecs_finding(svc, &r.rows.tasks));
        }
    }
}

fn ecs_finding(svc: &EcsServiceRow, tasks: &[EcsTaskRow]) -> Finding {
    let o = ObjectRef::new(&svc.region, "EcsService", &svc.cluster, &svc.name);
    let sev = if svc.running == 0 {
        Severity::Critical
    } else {
        Severity::Warning
    };
    let mut f = Finding::new(
        Code::EcsServiceDegraded,
        o.clone(),
        format!(
            "ECS service {}/{} runs {} of {} desired tasks ({} pending)",
            svc.cluster, svc.name, svc.running, svc.desired, svc.pending
        ),
    )
    .with_severity(sev)
    .link(
        o.clone(),
        format!("deployments: {}", svc.deployments.join(", ")),
    );
    if let Some(e) = &svc.last_event {
        f = f.link(o.clone(), format!("latest event: {e}"));
    }
    for t in tasks
        .iter()
        .filter(|t| t.cluster == svc.cluster && t.service.as_deref() == Some(&svc.name))
        .filter(|t| t.last_status != "RUNNING")
        .take(5)
    {
        f = f.link(
            ObjectRef::new(&svc.region, "EcsTask", &svc.cluster, &t.id),
            format!("{} (desired {})", t.last_status, t.desired_status),
        );
    }
    f.fix("Read the service events for why tasks stop or cannot be placed (capacity, image, health checks).")
        .remedy(Action::ScaleEcsService, o)
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use crate::model::aws::{AwsRegionRows, EcsServiceRow, EcsTaskRow};
    use crate::model::kong::KongDb;
    use serde_json::json;

    fn task(id: &str, ip: &str, status: &str) -> EcsTaskRow {
        EcsTaskRow {
            region: "eu-west-1".into(),
            cluster: "kong-gateway".into(),
            id: id.into(),
            service: Some("payments".into()),
            last_status: status.into(),
            desired_status: "RUNNING".into(),
            health: "HEALTHY".into(),
            ip: Some(ip.into()),
            launch_type: Some("FARGATE".into()),
        }
    }

    fn ecs_fleet(node2: &[(&str, i64, &str)], balancer2: &str) -> crate::model::fleet::Fleet {
        let mut f = crate::model::fleet::Fleet::default();
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                tasks: vec![
                    task("t1", "10.1.0.5", "RUNNING"),
                    task("t2", "10.1.0.6", "RUNNING"),
                ],
                ..Default::default()
            },
        );
        let ok = [
            ("10.1.0.5:8080", 100, "HEALTHY"),
            ("10.1.0.6:8080", 100, "HEALTHY"),
        ];
        let nodes = vec![
            kong_node(
                "kong-ecs",
                None,
                "node-1",
                vec![upstream("payments", "HEALTHY", &ok)],
            ),
            kong_node(
                "kong-ecs",
                None,
                "node-2",
                vec![upstream("payments", balancer2, node2)],
            ),
            kong_node(
                "kong-ecs",
                None,
                "node-3",
                vec![upstream("payments", "HEALTHY", &ok)],
            ),
        ];
        gateway(
            &mut f,
            "kong-ecs",
            None,
            Some("eu-west-1/kong-gateway/kong"),
            nodes,
        );
        f
    }

    #[test]
    fn one_node_without_peer_is_named_with_the_serving_ones() {
        let down = [
            ("10.1.0.5:8080", 100, "UNHEALTHY"),
            ("10.1.0.6:8080", 100, "UNHEALTHY"),
        ];
        let r = diagnose(&ecs_fleet(&down, "UNHEALTHY"), now());
        assert_eq!(codes(&r), vec!["FD-KONG-NO-PEER"]);
        let f = &r.list[0];
        let nodes: Vec<&str> = f
            .objects
            .iter()
            .filter(|o| o.kind == "KongNode")
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(nodes, vec!["node-2"]);
        assert!(f.cause.contains("node-1, node-3"), "{}", f.cause);
        assert!(f.evidence.iter().any(|l| l.fact.contains("ECS task t1")));
    }

    #[test]
    fn zero_targets_and_zero_weight_have_no_peer() {
        assert_eq!(
            codes(&diagnose(&ecs_fleet(&[], "UNHEALTHY"), now())),
            vec!["FD-KONG-NO-PEER"]
        );
        let zero = [("10.1.0.5:8080", 0, "HEALTHY")];
        let r = diagnose(&ecs_fleet(&zero, "UNHEALTHY"), now());
        assert!(r.list[0].cause.contains("weight 0"));
    }

    #[test]
    fn healthy_balancers_and_healthchecks_off_are_quiet() {
        let off = [("10.1.0.5:8080", 100, "HEALTHCHECKS_OFF")];
        assert!(diagnose(&ecs_fleet(&off, "HEALTHY"), now()).list.is_empty());
    }

    #[test]
    fn stale_target_is_flagged() {
        let stale = [
            ("10.1.0.5:8080", 100, "HEALTHY"),
            ("10.1.0.99:8080", 100, "HEALTHCHECKS_OFF"),
        ];
        let r = diagnose(&ecs_fleet(&stale, "HEALTHY"), now());
        assert_eq!(codes(&r), vec!["FD-KONG-STALE-TARGET"]);
        assert!(r.list[0].evidence[0].fact.contains("10.1.0.99:8080"));
    }

    /// A KIC gateway whose node balances to checkout-1, which went unready
    /// at `unready_at` and so left the service's ready endpoints.
    fn kic_fleet(unready_at: &str) -> crate::model::fleet::Fleet {
        let pod = set(
            set(
                pod("shop", "checkout-1"),
                "/status/containerStatuses/0/ready",
                serde_json::json!(false),
            ),
            "/status/conditions",
            serde_json::json!([{"type": "Ready", "status": "False",
                                "lastTransitionTime": unready_at}]),
        );
        let items = [
            serde_json::json!({"kind": "Service", "metadata": {"namespace": "shop", "name": "checkout"},
                   "spec": {"selector": {"app": "checkout-1"}, "ports": [{"port": 80}]}}),
            serde_json::json!({"kind": "EndpointSlice",
                   "metadata": {"namespace": "shop", "name": "checkout-abc",
                                "labels": {"kubernetes.io/service-name": "checkout"}},
                   "addressType": "IPv4",
                   "endpoints": [{"addresses": ["10.0.1.50"], "conditions": {"ready": false},
                                  "targetRef": {"kind": "Pod", "name": "checkout-1"}}]}),
            pod,
        ];
        let mut f = fleet("prod", &items);
        let targets = [
            ("10.0.1.50:8080", 100, "HEALTHCHECKS_OFF"),
            ("10.0.1.51:8080", 100, "HEALTHCHECKS_OFF"),
        ];
        let up = upstream("checkout.shop.80.svc", "HEALTHY", &targets);
        let node = kong_node("prod/kong", Some("prod"), "kong-1", vec![up]);
        gateway(&mut f, "prod/kong", Some("prod"), None, vec![node]);
        f
    }

    /// payments' one pod `p` (IP 10.0.1.60, endpoint ready or not) behind
    /// two Kong nodes that have no peer for it.
    fn payments_fleet(p: serde_json::Value, ready: bool) -> crate::model::fleet::Fleet {
        let p = set(
            set(
                p,
                "/metadata/labels",
                serde_json::json!({"app": "payments"}),
            ),
            "/status/podIP",
            serde_json::json!("10.0.1.60"),
        );
        let items = [
            serde_json::json!({"kind": "Service", "metadata": {"namespace": "shop", "name": "payments"},
                   "spec": {"selector": {"app": "payments"}, "ports": [{"port": 80}]}}),
            serde_json::json!({"kind": "EndpointSlice",
                   "metadata": {"namespace": "shop", "name": "payments-abc",
                                "labels": {"kubernetes.io/service-name": "payments"}},
                   "addressType": "IPv4",
                   "endpoints": [{"addresses": ["10.0.1.60"], "conditions": {"ready": ready},
                                  "targetRef": {"kind": "Pod", "name": "payments-1"}}]}),
            p,
        ];
        let mut f = fleet("prod", &items);
        let nodes = ["kong-1", "kong-2"]
            .iter()
            .map(|n| {
                let up = upstream(
                    "payments.shop.80.svc",
                    "UNHEALTHY",
                    &[("10.0.1.60:8080", 100, "UNHEALTHY")],
                );
                kong_node("prod/kong", Some("prod"), n, vec![up])
            })
            .collect();
        gateway(&mut f, "prod/kong", Some("prod"), None, nodes);
        f
    }

    /// payments' pod crash-loops. `between_crashes`: the moment it runs and
    /// its endpoint is ready; otherwise it waits in CrashLoopBackOff.
    fn crash_looping_fleet(between_crashes: bool) -> crate::model::fleet::Fleet {
        let state = if between_crashes {
            serde_json::json!({"running": {"startedAt": "2024-01-01T11:59:50Z"}})
        } else {
            serde_json::json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}})
        };
        let p = set(
            pod("shop", "payments-1"),
            "/status/containerStatuses/0",
            serde_json::json!({"name": "app", "image": "app:1", "imageID": "", "ready": between_crashes,
                "restartCount": 7, "state": state,
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                    "startedAt": "2024-01-01T11:59:20Z", "finishedAt": "2024-01-01T11:59:40Z"}}}),
        );
        payments_fleet(p, between_crashes)
    }

    /// The no-peer fix says the service has no ready endpoints whichever
    /// moment of the crash loop each evaluation catches, in either order,
    /// through the hysteresis the TUI uses.
    #[test]
    fn no_peer_fix_is_the_same_between_and_during_crashes() {
        let want = "The service shop/payments has no ready endpoints (a crash-looping pod's, ready between crashes, do not count): fix the pods in the chain; the controller then adds targets.";
        let fixes = |r: &super::super::Findings| -> Vec<String> {
            r.list
                .iter()
                .filter(|f| f.code == "FD-KONG-NO-PEER")
                .map(|f| f.fix.clone())
                .collect()
        };
        for first in [true, false] {
            let mut st = super::super::stable::Stable::default();
            let mut shown = 0;
            for i in 0..6_i64 {
                let f = crash_looping_fleet((i % 2 == 0) == first);
                let at = now() + jiff::SignedDuration::from_secs(2 * i);
                let r = super::super::diagnose_stable(&f, at, &mut st);
                for fix in fixes(&r) {
                    assert_eq!(fix, want, "evaluation {i}, first between crashes: {first}");
                    shown += 1;
                }
            }
            assert!(shown > 0, "the no-peer finding was never shown");
        }
        // Near miss: the same pod steadily ready (no recent crash).
        let r = diagnose(&payments_fleet(pod("shop", "payments-1"), true), now());
        let healthy = fixes(&r);
        assert!(
            !healthy.is_empty()
                && healthy
                    .iter()
                    .all(|x| x.starts_with("Restore healthy targets")),
            "{healthy:?}"
        );
    }

    #[test]
    fn stale_target_waits_out_the_controllers_lag() {
        let stale = |r: &super::super::Findings| -> Vec<String> {
            r.list
                .iter()
                .filter(|f| f.code == "FD-KONG-STALE-TARGET")
                .flat_map(|f| f.evidence.iter().map(|l| l.fact.clone()))
                .collect()
        };
        // Unready 5 s before the poll: Kong may not have synced yet; the
        // target of no pod at all is stale all the same.
        let r = diagnose(&kic_fleet("2024-01-01T11:59:55Z"), now());
        assert_eq!(stale(&r), vec!["stale targets: 10.0.1.51:8080"]);
        // Unready for ten minutes: Kong should long have dropped it.
        let r = diagnose(&kic_fleet(OLD), now());
        assert_eq!(
            stale(&r),
            vec!["stale targets: 10.0.1.50:8080, 10.0.1.51:8080"]
        );
    }

    #[test]
    fn node_health_db_and_drift() {
        let mut f = ecs_fleet(&[("10.1.0.5:8080", 100, "HEALTHY")], "HEALTHY");
        if let Some(g) = f.gateways.get_mut("kong-ecs") {
            if let Some(n) = g.nodes.get_mut("node-1") {
                n.reachable = Err("connection refused".into());
            }
            if let Some(n) = g.nodes.get_mut("node-3") {
                n.db = KongDb::Reachable(false);
            }
        }
        let r = diagnose(&f, now());
        assert_eq!(
            codes(&r),
            vec!["FD-KONG-DB-UNREACHABLE", "FD-KONG-UNREACHABLE"]
        );
        let mut f = ecs_fleet(&[("10.1.0.5:8080", 100, "HEALTHY")], "HEALTHY");
        if let Some(g) = f.gateways.get_mut("kong-ecs") {
            for (i, n) in g.nodes.values_mut().enumerate() {
                n.db = KongDb::Hash(format!("{:032x}", if i == 0 { 1 } else { 2 }));
            }
        }
        assert_eq!(codes(&diagnose(&f, now())), vec!["FD-KONG-CONFIG-DRIFT"]);
    }

    #[test]
    fn a_starting_kong_pod_that_does_not_answer_yet_is_not_down() {
        let kong_pod = |created: &str| {
            set(
                set(
                    pod("kong", "kong-1"),
                    "/metadata/creationTimestamp",
                    json!(created),
                ),
                "/metadata/labels",
                json!({"app": "kong"}),
            )
        };
        let down = |created: &str| {
            let mut f = fleet("prod", &[kong_pod(created)]);
            let mut n = kong_node("prod/kong", Some("prod"), "kong-1", vec![]);
            n.reachable = Err("connection refused".into());
            gateway(&mut f, "prod/kong", Some("prod"), None, vec![n]);
            codes(&diagnose(&f, now()))
        };
        // Created 10 s ago: Kong is still loading.
        assert!(down("2024-01-01T11:59:50Z").is_empty());
        // Created 10 min ago and still not answering: down.
        assert_eq!(down(OLD), vec!["FD-KONG-UNREACHABLE"]);
    }

    #[test]
    fn ecs_service_below_desired() {
        let mut f = crate::model::fleet::Fleet::default();
        let svc = |running| EcsServiceRow {
            region: "eu-west-1".into(),
            cluster: "kong-gateway".into(),
            name: "kong".into(),
            status: "ACTIVE".into(),
            desired: 3,
            running,
            pending: 0,
            launch_type: Some("FARGATE".into()),
            deployments: vec!["PRIMARY 2/3".into()],
            last_event: Some("(service kong) was unable to place a task".into()),
            managed_by: None,
        };
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                services: vec![svc(2)],
                ..Default::default()
            },
        );
        let r = diagnose(&f, now());
        assert_eq!(codes(&r), vec!["FD-ECS-SERVICE-DEGRADED"]);
        assert!(
            r.list[0]
                .evidence
                .iter()
                .any(|l| l.fact.contains("unable to place"))
        );
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                services: vec![svc(3)],
                ..Default::default()
            },
        );
        assert!(diagnose(&f, now()).list.is_empty());
    }
}
