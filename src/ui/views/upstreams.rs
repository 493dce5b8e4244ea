//! One gateway's upstreams, per Kong node: the balancer's verdict and its
//! targets' health on that node, and the Kubernetes service behind it.

use std::collections::BTreeSet;

use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::ui::table::{cell, num};

/// KIC names upstreams `<service>.<namespace>.<port>.svc`.
pub fn service_of(upstream: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = upstream.split('.').collect();
    (parts.len() == 4 && parts[3] == "svc").then(|| (parts[1].to_owned(), parts[0].to_owned()))
}

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let mut rows = Vec::new();
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
            for n in g.nodes.values() {
                let Some(u) = n.upstreams.iter().find(|u| u.name == name) else {
                    rows.push(LegacyRow {
                        id: format!("{name}@{}", n.name),
                        group: 0,
                        cells: vec![cell(name, Role::Text), cell(&n.name, Role::Muted), cell("MISSING", Role::Critical)],
                        target: None,
                        detail: vec![(format!("{} does not have upstream {name}: its configuration lags the others", n.name), Role::Critical)],
                    });
                    continue;
                };
                let count = |h: &str| u.targets.iter().filter(|t| t.health == h).count() as i64;
                let balancer = u.balancer.clone().unwrap_or_else(|| "-".into());
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
                rows.push(LegacyRow {
                    id: format!("{name}@{}", n.name),
                    group: 0,
                    cells: vec![
                        cell(name, Role::Text),
                        cell(&n.name, Role::Muted),
                        cell(balancer, if broken { Role::Critical } else { Role::Ok }),
                        num(
                            u.targets.len() as i64,
                            if u.targets.is_empty() {
                                Role::Critical
                            } else {
                                Role::Text
                            },
                        ),
                        num(count("HEALTHY"), Role::Ok),
                        num(
                            count("UNHEALTHY"),
                            if count("UNHEALTHY") > 0 {
                                Role::Critical
                            } else {
                                Role::Muted
                            },
                        ),
                        num(count("HEALTHCHECKS_OFF"), Role::Muted),
                        num(
                            count("DNS_ERROR"),
                            if count("DNS_ERROR") > 0 {
                                Role::Critical
                            } else {
                                Role::Muted
                            },
                        ),
                        cell(
                            backing.as_ref().map(|b| b.0.clone()).unwrap_or_default(),
                            Role::Muted,
                        ),
                    ],
                    target: Some(Target::Upstream {
                        gateway: g.name.clone(),
                        upstream: name.to_owned(),
                    }),
                    detail,
                });
            }
        }
    }
    LegacyModel {
        columns: vec![
            col("UPSTREAM", 32),
            col("KONG NODE", 28),
            col("BALANCER", 9),
            col("TARGETS", 7),
            col("HEALTHY", 7),
            col("UNHEALTHY", 9),
            col("OFF", 3),
            col("DNS_ERR", 7),
            fill("BACKED BY"),
        ],
        groups: vec![],
        rows,
        empty: match gateway {
            Some(g) if g.nodes.is_empty() => {
                format!("gateway {} has no reachable Kong nodes", g.name)
            }
            Some(g) => format!("gateway {} has no upstreams", g.name),
            None => "no such gateway".into(),
        },
    }
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
