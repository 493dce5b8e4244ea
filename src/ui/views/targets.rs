//! One upstream's targets, per Kong node, with what is behind each target:
//! the Kubernetes pod (by IP) or the ECS task.

use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::ui::table::{cell, num};

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let mut rows = Vec::new();
    let gateway = scope
        .gateway
        .as_ref()
        .and_then(|g| state.fleet.gateways.get(g));
    let upstream = scope.upstream.clone().unwrap_or_default();
    let mut ready_endpoints = None;
    if let Some(g) = gateway {
        if let (Some(c), Some((ns, svc))) = (
            g.cluster.as_ref().and_then(|c| state.fleet.clusters.get(c)),
            super::upstreams::service_of(&upstream),
        ) {
            ready_endpoints = Some((
                format!("{ns}/{svc}"),
                c.stores
                    .endpointslices
                    .iter()
                    .filter(|s| s.namespace == ns && s.service.as_deref() == Some(svc.as_str()))
                    .map(|s| s.ready_count())
                    .sum::<usize>(),
            ));
        }
        for n in g.nodes.values() {
            let Some(u) = n.upstreams.iter().find(|u| u.name == upstream) else {
                continue;
            };
            for t in &u.targets {
                let ip = t
                    .target
                    .rsplit_once(':')
                    .map(|(h, _)| h)
                    .unwrap_or(&t.target);
                let (behind, role, target) = behind(state, g.cluster.as_deref(), ip);
                let health_role = match t.health.as_str() {
                    "HEALTHY" => Role::Ok,
                    "HEALTHCHECKS_OFF" => Role::Muted,
                    _ => Role::Critical,
                };
                rows.push(LegacyRow {
                    id: format!("{}@{}", t.target, n.name),
                    group: 0,
                    cells: vec![
                        cell(&t.target, Role::Text),
                        cell(&n.name, Role::Muted),
                        cell(&t.health, health_role),
                        num(
                            t.weight,
                            if t.weight == 0 {
                                Role::Warn
                            } else {
                                Role::Text
                            },
                        ),
                        cell(behind, role),
                    ],
                    target,
                    detail: vec![],
                });
            }
        }
    }
    let empty = match &ready_endpoints {
        Some((svc, 0)) => format!(
            "upstream {upstream} has no targets on any node: service {svc} has 0 ready endpoints, so clients get 503 \"failure to get a peer from the ring-balancer\""
        ),
        Some((svc, n)) => format!(
            "upstream {upstream} has no targets, yet service {svc} has {n} ready endpoints: the gateway's configuration lags"
        ),
        None => format!(
            "upstream {upstream} has no targets: clients get 503 \"failure to get a peer from the ring-balancer\""
        ),
    };
    LegacyModel {
        columns: vec![
            col("TARGET", 22),
            col("KONG NODE", 28),
            col("HEALTH", 16),
            col("WEIGHT", 6),
            fill("BEHIND IT"),
        ],
        groups: vec![],
        rows,
        empty,
    }
}

/// The pod (in the gateway's cluster first) or ECS task with this IP.
fn behind(state: &State, cluster: Option<&str>, ip: &str) -> (String, Role, Option<Target>) {
    let mut clusters: Vec<_> = state.fleet.clusters.values().collect();
    clusters.sort_by_key(|c| Some(c.name.as_str()) != cluster);
    for c in clusters {
        if let Some(p) = c.stores.pods.iter().find(|p| p.ip.as_deref() == Some(ip)) {
            let (runs_on, _) = super::common::placement(c, p);
            return (
                format!(
                    "pod {}/{} ({}) on {} [{runs_on}]",
                    p.namespace,
                    p.name,
                    p.status,
                    p.node.as_deref().unwrap_or("-")
                ),
                super::common::pod_role(p.health),
                Some(Target::Pod {
                    cluster: c.name.clone(),
                    namespace: p.namespace.clone(),
                    name: p.name.clone(),
                }),
            );
        }
    }
    for r in state.fleet.aws.values() {
        if let Some(t) = r.rows.tasks.iter().find(|t| t.ip.as_deref() == Some(ip)) {
            let role = if t.last_status == "RUNNING" && t.health != "UNHEALTHY" {
                Role::Ok
            } else {
                Role::Critical
            };
            return (
                format!(
                    "ECS task {} ({} {}) service {} in {}/{}",
                    t.id,
                    t.last_status,
                    t.health,
                    t.service.as_deref().unwrap_or("-"),
                    t.region,
                    t.cluster
                ),
                role,
                Some(Target::Task {
                    region: t.region.clone(),
                    cluster: t.cluster.clone(),
                    id: t.id.clone(),
                }),
            );
        }
    }
    (
        "no pod or task has this IP: stale target".into(),
        Role::Critical,
        None,
    )
}
