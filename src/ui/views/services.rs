//! Services, as k9s shows them, plus the Kong gateway upstream that routes
//! to each (Kong Ingress Controller names upstreams `<svc>.<ns>.<port>.svc`).

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::diagnose::services::parse_upstream;
use crate::kinds::Kind;
use crate::ui::table::{TableModel, TableRow, cell, col, fill};

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

pub fn build(state: &State, entry: &NavEntry) -> TableModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        for s in c.stores.services.iter() {
            if !ns_ok(&scope, &s.namespace) || scope.name.as_ref().is_some_and(|n| *n != s.name) {
                continue;
            }
            let routes = routes(state, &c.name, &s.namespace, &s.name);
            let gateway_role = match routes.iter().map(|r| r.2).collect::<Vec<_>>().as_slice() {
                [] => Role::Muted,
                hs if hs.contains(&Some("UNHEALTHY")) => Role::Critical,
                _ => Role::Ok,
            };
            let gateway = match routes.as_slice() {
                [] => "-".to_owned(),
                rs => rs
                    .iter()
                    .map(|(g, u, _)| format!("{g}/{u}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let (ready, total) = c
                .stores
                .endpointslices
                .iter()
                .filter(|e| e.namespace == s.namespace && e.service.as_deref() == Some(&s.name))
                .fold((0, 0), |(r, t), e| {
                    (r + e.ready_count(), t + e.endpoints.len())
                });
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&s.namespace, Role::Muted),
                cell(&s.name, Role::Text),
                cell(&s.type_, Role::Text),
                cell(
                    s.cluster_ip.clone().unwrap_or_else(|| "-".into()),
                    Role::Muted,
                ),
                cell(
                    if s.external_ips.is_empty() {
                        "<none>".to_owned()
                    } else {
                        s.external_ips.join(",")
                    },
                    Role::Muted,
                ),
                cell(s.ports.join(","), Role::Text),
                age_cell(s.created, state.now),
                cell(gateway, gateway_role),
            ]);
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
            rows.push(TableRow {
                id: format!("{}/{}/{}", c.name, s.namespace, s.name),
                group: 0,
                cells,
                target: routes.first().map(|(g, u, _)| Target::Upstream {
                    gateway: (*g).to_owned(),
                    upstream: (*u).to_owned(),
                }),
                detail,
            });
        }
    }
    let mut columns = Vec::new();
    if multi {
        columns.push(col("CLUSTER", 14));
    }
    columns.extend([
        col("NAMESPACE", 10),
        col("NAME", 14),
        col("TYPE", 12),
        col("CLUSTER-IP", 13),
        col("EXTERNAL-IP", 24),
        col("PORTS", 26),
        col("AGE", 5),
        fill("GATEWAY"),
    ]);
    TableModel {
        columns,
        groups: vec![],
        rows,
        empty: kind_empty_reason(state, &scope, Kind::Services),
    }
}
