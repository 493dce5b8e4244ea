//! One gateway's upstreams, per Kong node: the balancer's verdict and its
//! targets' health on that node, and the Kubernetes service behind it.

use std::collections::BTreeSet;

use crate::config::theme::Role;
use crate::model::kong::KongUpstream;
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// One upstream on one Kong node.
pub enum UpstreamFacts<'a> {
    /// The node lacks the upstream the others have.
    Missing { name: &'a str, node: &'a str },
    Present {
        upstream: &'a KongUpstream,
        node: &'a str,
        /// The Kubernetes service behind it and its ready endpoints.
        backed_by: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamColumn {
    Upstream,
    KongNode,
    Balancer,
    Targets,
    Healthy,
    Unhealthy,
    Off,
    DnsError,
    BackedBy,
}

impl Column for UpstreamColumn {
    type Row<'a> = UpstreamFacts<'a>;
    const ALL: &'static [Self] = &[
        UpstreamColumn::Upstream,
        UpstreamColumn::KongNode,
        UpstreamColumn::Balancer,
        UpstreamColumn::Targets,
        UpstreamColumn::Healthy,
        UpstreamColumn::Unhealthy,
        UpstreamColumn::Off,
        UpstreamColumn::DnsError,
        UpstreamColumn::BackedBy,
    ];

    fn spec(self) -> Spec {
        match self {
            UpstreamColumn::Upstream => Spec::fixed("upstream", "UPSTREAM", 32),
            UpstreamColumn::KongNode => Spec::fixed("kong-node", "KONG NODE", 28),
            UpstreamColumn::Balancer => Spec::fixed("balancer", "BALANCER", 9),
            UpstreamColumn::Targets => Spec::fixed("targets", "TARGETS", 7),
            UpstreamColumn::Healthy => Spec::fixed("healthy", "HEALTHY", 7),
            UpstreamColumn::Unhealthy => Spec::fixed("unhealthy", "UNHEALTHY", 9),
            UpstreamColumn::Off => Spec::fixed("off", "OFF", 3),
            UpstreamColumn::DnsError => Spec::fixed("dns-error", "DNS_ERR", 7),
            UpstreamColumn::BackedBy => Spec::fill("backed-by", "BACKED BY"),
        }
    }

    fn about(self) -> Option<&'static str> {
        Some(match self {
            UpstreamColumn::Upstream => {
                "the upstream (Kong Ingress Controller names it service.namespace.port.svc)"
            }
            UpstreamColumn::KongNode => "the Kong node this row is seen from: health is per node",
            UpstreamColumn::Balancer => {
                "the node's balancer health for the upstream: HEALTHY, UNHEALTHY (no peer: 503), or MISSING (this node lacks it)"
            }
            UpstreamColumn::Targets => "targets of the upstream on this node",
            UpstreamColumn::Healthy => "targets this node's health checks pass",
            UpstreamColumn::Unhealthy => "targets this node's health checks fail",
            UpstreamColumn::Off => {
                "targets with health checks off (HEALTHCHECKS_OFF): Kong sends to them unchecked"
            }
            UpstreamColumn::DnsError => "targets whose hostname does not resolve (DNS_ERROR)",
            UpstreamColumn::BackedBy => {
                "the Kubernetes service behind the upstream and its ready endpoints"
            }
        })
    }

    fn cell(self, r: &UpstreamFacts<'_>) -> Cell {
        let (u, node, backed_by) = match r {
            UpstreamFacts::Missing { name, node } => {
                return match self {
                    UpstreamColumn::Upstream => cell(*name, Role::Text),
                    UpstreamColumn::KongNode => cell(*node, Role::Muted),
                    UpstreamColumn::Balancer => cell("MISSING", Role::Critical),
                    _ => cell("", Role::Muted),
                };
            }
            UpstreamFacts::Present {
                upstream,
                node,
                backed_by,
            } => (*upstream, *node, backed_by),
        };
        let count = |h: &str| u.targets.iter().filter(|t| t.health == h).count() as i64;
        // A non-zero count of these is bad news.
        let bad = |n: i64| num(n, if n > 0 { Role::Critical } else { Role::Muted });
        match self {
            UpstreamColumn::Upstream => cell(&u.name, Role::Text),
            UpstreamColumn::KongNode => cell(node, Role::Muted),
            UpstreamColumn::Balancer => cell(
                u.balancer.as_deref().unwrap_or("-"),
                if u.broken() { Role::Critical } else { Role::Ok },
            ),
            UpstreamColumn::Targets => num(
                u.targets.len() as i64,
                if u.targets.is_empty() {
                    Role::Critical
                } else {
                    Role::Text
                },
            ),
            UpstreamColumn::Healthy => num(count("HEALTHY"), Role::Ok),
            UpstreamColumn::Unhealthy => bad(count("UNHEALTHY")),
            UpstreamColumn::Off => num(count("HEALTHCHECKS_OFF"), Role::Muted),
            UpstreamColumn::DnsError => bad(count("DNS_ERROR")),
            UpstreamColumn::BackedBy => cell(backed_by, Role::Muted),
        }
    }
}

/// KIC names upstreams `<service>.<namespace>.<port>.svc`.
pub fn service_of(upstream: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = upstream.split('.').collect();
    (parts.len() == 4 && parts[3] == "svc").then(|| (parts[1].to_owned(), parts[0].to_owned()))
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(UpstreamColumn::ALL.to_vec());
    let gateway = scope
        .gateway
        .as_ref()
        .and_then(|g| state.fleet.gateways.get(g));
    if let Some(g) = gateway {
        let names: BTreeSet<&str> = g
            .nodes
            .values()
            .flat_map(|n| n.upstreams.iter().map(|u| u.name.as_str()))
            .collect();
        let cluster = g.cluster.as_ref().and_then(|c| state.fleet.clusters.get(c));
        for name in names {
            let backing = service_of(name).map(|(ns, svc)| {
                let ready: usize = cluster
                    .map(|c| {
                        c.stores
                            .endpointslices
                            .iter()
                            .filter(|s| {
                                s.namespace == ns && s.service.as_deref() == Some(svc.as_str())
                            })
                            .map(|s| s.ready_count())
                            .sum()
                    })
                    .unwrap_or(0);
                (format!("svc {ns}/{svc}: {ready} ready endpoints"), ready)
            });
            // Drilled from one Kong node: that node's rows only.
            for n in g
                .nodes
                .values()
                .filter(|n| scope.kong_node.as_ref().is_none_or(|k| *k == n.name))
            {
                let Some(u) = n.upstreams.iter().find(|u| u.name == name) else {
                    let meta = TableRow {
                        subject: Subject::KongUpstream {
                            gateway: g.name.clone(),
                            node: n.name.clone(),
                            upstream: name.to_owned(),
                        },
                        group: 0,
                        target: None,
                        detail: vec![(
                            format!(
                                "{} does not have upstream {name}: its configuration lags the others",
                                n.name
                            ),
                            Role::Critical,
                        )],
                    };
                    table.push(
                        meta,
                        UpstreamFacts::Missing {
                            name,
                            node: &n.name,
                        },
                    );
                    continue;
                };
                let broken = u.broken();
                let mut detail = Vec::new();
                if broken {
                    detail.push((
                        format!("{}: \"failure to get a peer from the ring-balancer\" (503) for requests to {name}", n.name),
                        Role::Critical,
                    ));
                }
                if let Some((text, ready)) = &backing {
                    let role = if *ready == 0 {
                        Role::Critical
                    } else {
                        Role::Muted
                    };
                    detail.push((text.clone(), role));
                }
                let meta = TableRow {
                    subject: Subject::KongUpstream {
                        gateway: g.name.clone(),
                        node: n.name.clone(),
                        upstream: name.to_owned(),
                    },
                    group: 0,
                    target: Some(Box::new(Target::Upstream {
                        gateway: g.name.clone(),
                        upstream: name.to_owned(),
                        node: scope.kong_node.clone(),
                    })),
                    detail,
                };
                table.push(
                    meta,
                    UpstreamFacts::Present {
                        upstream: u,
                        node: &n.name,
                        backed_by: backing.as_ref().map(|b| b.0.clone()).unwrap_or_default(),
                    },
                );
            }
        }
    }
    let empty = match gateway {
        Some(g) if g.nodes.is_empty() => {
            format!("gateway {} has no reachable Kong nodes", g.name)
        }
        Some(g) => format!("gateway {} has no upstreams", g.name),
        None => "no such gateway".into(),
    };
    table.finish(vec![], empty)
}

#[cfg(test)]
mod tests {
    #[test]
    fn kic_upstream_names_map_to_services() {
        assert_eq!(
            super::service_of("hello-api.default.80.svc"),
            Some(("default".into(), "hello-api".into()))
        );
        assert_eq!(super::service_of("my-upstream"), None);
    }
}
