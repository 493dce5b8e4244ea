//! Services, as k9s shows them, plus the Kong gateway upstream that routes
//! to each (Kong Ingress Controller names upstreams `<svc>.<ns>.<port>.svc`).

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::diagnose::services::parse_upstream;
use crate::kinds::Kind;
use crate::model::service::ServiceRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// `(gateway, upstream, balancer health)` of every in-cluster Kong upstream
/// routing to `namespace/name` on `cluster`.
fn routes<'a>(
    state: &'a State,
    cluster: &str,
    namespace: &str,
    name: &str,
) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    let mut out = Vec::new();
    for g in state.fleet.gateways.values() {
        if g.cluster.as_deref() != Some(cluster) {
            continue;
        }
        for u in g.nodes.values().flat_map(|n| n.upstreams.iter()) {
            let hit =
                parse_upstream(&u.name).is_some_and(|(ns, svc, _)| ns == namespace && svc == name);
            if hit && !out.iter().any(|(gw, up, _)| *gw == g.name && *up == u.name) {
                out.push((g.name.as_str(), u.name.as_str(), u.balancer.as_deref()));
            }
        }
    }
    out
}

/// A service in its cluster, with the gateway upstreams routing to it and
/// its endpoint readiness.
pub struct ServiceFacts<'a> {
    cluster: &'a str,
    svc: &'a ServiceRow,
    routes: Vec<(&'a str, &'a str, Option<&'a str>)>,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceColumn {
    Cluster,
    Namespace,
    Name,
    Type,
    ClusterIp,
    ExternalIp,
    Ports,
    Age,
    Gateway,
}

impl Column for ServiceColumn {
    type Row<'a> = ServiceFacts<'a>;
    const ALL: &'static [Self] = &[
        ServiceColumn::Cluster,
        ServiceColumn::Namespace,
        ServiceColumn::Name,
        ServiceColumn::Type,
        ServiceColumn::ClusterIp,
        ServiceColumn::ExternalIp,
        ServiceColumn::Ports,
        ServiceColumn::Age,
        ServiceColumn::Gateway,
    ];

    fn spec(self) -> Spec {
        match self {
            ServiceColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            ServiceColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 10),
            ServiceColumn::Name => Spec::fixed("name", "NAME", 14).middle(),
            ServiceColumn::Type => Spec::fixed("type", "TYPE", 12),
            ServiceColumn::ClusterIp => Spec::fixed("cluster-ip", "CLUSTER-IP", 13),
            ServiceColumn::ExternalIp => Spec::fixed("external-ip", "EXTERNAL-IP", 24),
            ServiceColumn::Ports => Spec::fixed("ports", "PORTS", 26),
            ServiceColumn::Age => Spec::fixed("age", "AGE", 5),
            ServiceColumn::Gateway => Spec::fill("gateway", "GATEWAY"),
        }
    }

    fn cell(self, r: &ServiceFacts<'_>) -> Cell {
        let s = r.svc;
        match self {
            ServiceColumn::Cluster => cell(r.cluster, Role::Muted),
            ServiceColumn::Namespace => cell(&s.namespace, Role::Muted),
            ServiceColumn::Name => cell(&s.name, Role::Text),
            ServiceColumn::Type => cell(&s.type_, Role::Text),
            ServiceColumn::ClusterIp => cell(
                s.cluster_ip.clone().unwrap_or_else(|| "-".into()),
                Role::Muted,
            ),
            ServiceColumn::ExternalIp => cell(
                if s.external_ips.is_empty() {
                    "<none>".to_owned()
                } else {
                    s.external_ips.join(",")
                },
                Role::Muted,
            ),
            ServiceColumn::Ports => cell(s.ports.join(","), Role::Text),
            ServiceColumn::Age => age_cell(s.created, r.now),
            ServiceColumn::Gateway => {
                let role = match r.routes.as_slice() {
                    [] => Role::Muted,
                    rs if rs.iter().any(|x| x.2 == Some("UNHEALTHY")) => Role::Critical,
                    _ => Role::Ok,
                };
                let text = match r.routes.as_slice() {
                    [] => "-".to_owned(),
                    rs => rs
                        .iter()
                        .map(|(g, u, _)| format!("{g}/{u}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                cell(text, role)
            }
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(ServiceColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for s in c.stores.services.iter() {
            if !ns_ok(&scope, &s.namespace) || scope.name.as_ref().is_some_and(|n| *n != s.name) {
                continue;
            }
            let routes = routes(state, &c.name, &s.namespace, &s.name);
            let (ready, total) = c
                .stores
                .endpointslices
                .iter()
                .filter(|e| e.namespace == s.namespace && e.service.as_deref() == Some(&s.name))
                .fold((0, 0), |(r, t), e| {
                    (r + e.ready_count(), t + e.endpoints.len())
                });
            let mut detail = vec![(
                format!("{ready} ready of {total} endpoints"),
                if total > 0 && ready == 0 {
                    Role::Critical
                } else {
                    Role::Muted
                },
            )];
            for (g, u, h) in &routes {
                detail.push((
                    format!(
                        "routed by gateway {g} upstream {u} ({})",
                        h.unwrap_or("health unknown")
                    ),
                    Role::Text,
                ));
            }
            let meta = TableRow {
                subject: Subject::kube(&c.name, "Service", &s.namespace, &s.name),
                group: 0,
                target: routes
                    .first()
                    .map(|(g, u, _)| Target::Upstream {
                        gateway: (*g).to_owned(),
                        upstream: (*u).to_owned(),
                        node: None,
                    })
                    .map(Box::new),
                detail,
            };
            table.push(
                meta,
                ServiceFacts {
                    cluster: &c.name,
                    svc: s,
                    routes,
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Services))
}
