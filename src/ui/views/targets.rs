//! One upstream's targets, per Kong node, with what is behind each target:
//! the Kubernetes pod (by IP) or the ECS task.

use crate::config::theme::Role;
use crate::model::kong::KongTarget;
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A target as one Kong node sees it, and what is behind its IP.
pub struct TargetFacts<'a> {
    target: &'a KongTarget,
    node: &'a str,
    behind: String,
    behind_role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetColumn {
    Target,
    KongNode,
    Health,
    Weight,
    BehindIt,
}

impl Column for TargetColumn {
    type Row<'a> = TargetFacts<'a>;
    const ALL: &'static [Self] = &[
        TargetColumn::Target,
        TargetColumn::KongNode,
        TargetColumn::Health,
        TargetColumn::Weight,
        TargetColumn::BehindIt,
    ];

    fn spec(self) -> Spec {
        match self {
            TargetColumn::Target => Spec::fixed("target", "TARGET", 22),
            TargetColumn::KongNode => Spec::fixed("kong-node", "KONG NODE", 28),
            TargetColumn::Health => Spec::fixed("health", "HEALTH", 16),
            TargetColumn::Weight => Spec::fixed("weight", "WEIGHT", 6),
            TargetColumn::BehindIt => Spec::fill("behind-it", "BEHIND IT"),
        }
    }

    fn about(self) -> Option<&'static str> {
        Some(match self {
            TargetColumn::Target => "the address:port Kong sends requests to",
            TargetColumn::KongNode => "the Kong node this row is seen from: health is per node",
            TargetColumn::Health => {
                "this node's health for the target: HEALTHY, UNHEALTHY, DNS_ERROR or HEALTHCHECKS_OFF"
            }
            TargetColumn::Weight => "the target's relative share of requests (0 takes none)",
            TargetColumn::BehindIt => {
                "the pod or ECS task with the target's IP; none is a stale target"
            }
        })
    }

    fn cell(self, r: &TargetFacts<'_>) -> Cell {
        let t = r.target;
        match self {
            TargetColumn::Target => cell(&t.target, Role::Text),
            TargetColumn::KongNode => cell(r.node, Role::Muted),
            TargetColumn::Health => cell(
                &t.health,
                match t.health.as_str() {
                    "HEALTHY" => Role::Ok,
                    "HEALTHCHECKS_OFF" => Role::Muted,
                    _ => Role::Critical,
                },
            ),
            TargetColumn::Weight => num(
                t.weight,
                if t.weight == 0 {
                    Role::Warn
                } else {
                    Role::Text
                },
            ),
            TargetColumn::BehindIt => cell(&r.behind, r.behind_role),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(TargetColumn::ALL.to_vec());
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
        // Drilled from one Kong node: that node's targets only.
        for n in g
            .nodes
            .values()
            .filter(|n| scope.kong_node.as_ref().is_none_or(|k| *k == n.name))
        {
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
                let meta = TableRow {
                    subject: Subject::KongTarget {
                        gateway: g.name.clone(),
                        node: n.name.clone(),
                        upstream: upstream.clone(),
                        target: t.target.clone(),
                    },
                    group: 0,
                    target: target.map(Box::new),
                    detail: vec![],
                };
                table.push(
                    meta,
                    TargetFacts {
                        target: t,
                        node: &n.name,
                        behind,
                        behind_role: role,
                    },
                );
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
    table.finish(vec![], empty)
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
                    namespace: p.namespace.to_string(),
                    name: p.name.to_string(),
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
