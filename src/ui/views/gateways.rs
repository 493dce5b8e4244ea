//! Gateways: every Kong node separately (health is per node): reachable,
//! ready, DB reachable or configuration hash with drift flagged, and how many
//! of its upstreams have no peer.

use crate::config::theme::Role;
use crate::model::kong::{EMPTY_CONFIG_HASH, KongDb, KongNode, KongVia, hash_drift};
use crate::model::kong_host::host_of;
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// One Kong node of a gateway, or why the gateway shows none.
pub enum GatewayFacts<'a> {
    NoNodes {
        why: String,
    },
    Node {
        node: &'a KongNode,
        /// The gateway's nodes disagree on their configuration hash.
        drift: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayColumn {
    Node,
    Via,
    Reachable,
    Ready,
    DbConfig,
    Upstreams,
    NoPeer,
    Version,
    Problem,
}

impl Column for GatewayColumn {
    type Row<'a> = GatewayFacts<'a>;
    const ALL: &'static [Self] = &[
        GatewayColumn::Node,
        GatewayColumn::Via,
        GatewayColumn::Reachable,
        GatewayColumn::Ready,
        GatewayColumn::DbConfig,
        GatewayColumn::Upstreams,
        GatewayColumn::NoPeer,
        GatewayColumn::Version,
        GatewayColumn::Problem,
    ];

    fn spec(self) -> Spec {
        match self {
            GatewayColumn::Node => Spec::fixed("node", "NODE", 30),
            GatewayColumn::Via => Spec::fixed("via", "VIA", 9),
            GatewayColumn::Reachable => Spec::fixed("reachable", "REACHABLE", 14),
            GatewayColumn::Ready => Spec::fixed("ready", "READY", 22),
            GatewayColumn::DbConfig => Spec::fixed("db-config", "DB / CONFIG", 22),
            GatewayColumn::Upstreams => Spec::fixed("upstreams", "UPSTREAMS", 9),
            GatewayColumn::NoPeer => Spec::fixed("no-peer", "NO PEER", 7),
            GatewayColumn::Version => Spec::fixed("version", "VERSION", 8),
            GatewayColumn::Problem => Spec::fill("problem", "PROBLEM / IP"),
        }
    }

    fn about(self) -> Option<&'static str> {
        Some(match self {
            GatewayColumn::Node => "the Kong node: its pod, or its admin URL's host:port",
            GatewayColumn::Via => {
                "how its admin API is reached: pod proxy (through the API server), port-fwd, or admin url"
            }
            GatewayColumn::Reachable => "whether its admin API answered the last poll, or why not",
            GatewayColumn::Ready => "its /status/ready: ready to proxy traffic, or why not",
            GatewayColumn::DbConfig => {
                "database reachable (DB mode), or its configuration hash (DB-less); DRIFT: the gateway's nodes hold different configurations"
            }
            GatewayColumn::Upstreams => "how many upstreams this node holds",
            GatewayColumn::NoPeer => {
                "upstreams with no target to send to on this node: clients routed through it get 503 \"failure to get a peer from the ring-balancer\""
            }
            GatewayColumn::Version => "the Kong version the node reports",
            GatewayColumn::Problem => "the upstreams without a peer, else the node's IP",
        })
    }

    fn cell(self, r: &GatewayFacts<'_>) -> Cell {
        let (n, drift) = match r {
            // The reason sits under REACHABLE, next to the gateway's name.
            GatewayFacts::NoNodes { why } => {
                return match self {
                    GatewayColumn::Node => cell("(no nodes)", Role::Muted),
                    GatewayColumn::Reachable => cell(why, Role::Warn),
                    _ => cell("", Role::Muted),
                };
            }
            GatewayFacts::Node { node, drift } => (*node, *drift),
        };
        match self {
            GatewayColumn::Node => cell(&n.name, Role::Text),
            GatewayColumn::Via => cell(
                match &n.via {
                    KongVia::Pod { access, .. } => access.label(),
                    KongVia::Url(_) => "admin url",
                },
                Role::Muted,
            ),
            GatewayColumn::Reachable => match &n.reachable {
                Ok(()) => cell("yes", Role::Ok),
                Err(e) => cell(format!("no: {e}"), Role::Critical),
            },
            GatewayColumn::Ready => match &n.ready {
                Some(Ok(())) => cell("ready", Role::Ok),
                Some(Err(e)) => cell(format!("not ready: {e}"), Role::Critical),
                None => cell("-", Role::Muted),
            },
            GatewayColumn::DbConfig => match &n.db {
                KongDb::Reachable(true) => cell("db reachable", Role::Ok),
                KongDb::Reachable(false) => cell("DB UNREACHABLE", Role::Critical),
                KongDb::Hash(h) if h == EMPTY_CONFIG_HASH => {
                    cell("no config (hash 0…0)", Role::Critical)
                }
                KongDb::Hash(h) => cell(
                    format!(
                        "hash {}{}",
                        &h[..h.len().min(8)],
                        if drift { " DRIFT" } else { "" }
                    ),
                    if drift { Role::Critical } else { Role::Ok },
                ),
                KongDb::Unknown => cell("-", Role::Muted),
            },
            GatewayColumn::Upstreams => num(n.upstreams.len() as i64, Role::Text),
            GatewayColumn::NoPeer => {
                let broken = broken(n).count() as i64;
                num(
                    broken,
                    if broken == 0 {
                        Role::Muted
                    } else {
                        Role::Critical
                    },
                )
            }
            GatewayColumn::Version => cell(n.version.as_deref().unwrap_or("-"), Role::Muted),
            GatewayColumn::Problem => {
                let broken: Vec<&str> = broken(n).collect();
                if broken.is_empty() {
                    cell(n.ip.as_deref().unwrap_or_default(), Role::Muted)
                } else {
                    cell(format!("no peer: {}", broken.join(", ")), Role::Critical)
                }
            }
        }
    }
}

/// Names of the node's upstreams with no peer to send to.
fn broken(n: &KongNode) -> impl Iterator<Item = &str> {
    n.upstreams
        .iter()
        .filter(|u| u.broken())
        .map(|u| u.name.as_str())
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(GatewayColumn::ALL.to_vec());
    let mut groups = Vec::new();
    for g in state.fleet.gateways.values() {
        if scope
            .cluster
            .as_ref()
            .is_some_and(|c| g.cluster.as_ref() != Some(c))
        {
            continue;
        }
        let group = groups.len();
        let place = match (&g.cluster, &g.ecs_service) {
            (Some(c), _) => format!("pods in {c}"),
            (None, Some(s)) if g.ecs_service_found => format!("ECS {s} (found by task IP)"),
            (None, Some(s)) => format!("ECS {s}"),
            (None, None) => "admin URLs".to_owned(),
        };
        let drift = hash_drift(g.nodes.values());
        let healthy = g.nodes.values().filter(|n| n.healthy()).count();
        groups.push(format!(
            "{} — {place} — {healthy}/{} nodes healthy — {}{}",
            g.name,
            g.nodes.len(),
            g.state.label(state.now),
            if drift {
                " — CONFIG DRIFT between nodes"
            } else {
                ""
            }
        ));
        if g.nodes.is_empty() {
            let why = g
                .state
                .error()
                .map(|e| format!("{}: {}", e.short(), e.message()))
                .unwrap_or_else(|| "no Kong nodes found (check the selector / admin_urls)".into());
            let meta = TableRow {
                subject: Subject::Gateway(g.name.clone()),
                group,
                target: None,
                detail: vec![],
            };
            table.push(meta, GatewayFacts::NoNodes { why });
            continue;
        }
        for n in g.nodes.values() {
            let broken: Vec<&str> = broken(n).collect();
            let mut detail = Vec::new();
            if !broken.is_empty() {
                detail.push((
                    format!(
                        "clients routed through {} get 503 \"failure to get a peer from the ring-balancer\" for {}",
                        n.name,
                        broken.join(", ")
                    ),
                    Role::Critical,
                ));
            }
            if let KongVia::Url(u) = &n.via {
                detail.push((format!("admin {u}"), Role::Muted));
            }
            // What runs this node (pod on node / ECS task, AZ, uptime), or "?".
            let runs_on = host_of(&state.fleet, g, n)
                .map(|h| h.short(state.now))
                .unwrap_or_else(|| "?".into());
            detail.push((format!("runs on {runs_on}"), Role::Muted));
            let meta = TableRow {
                subject: Subject::KongNode {
                    gateway: g.name.clone(),
                    node: n.name.clone(),
                },
                group,
                // This node's upstreams: health is per node.
                target: Some(Box::new(Target::KongNode {
                    gateway: g.name.clone(),
                    node: n.name.clone(),
                })),
                detail,
            };
            table.push(meta, GatewayFacts::Node { node: n, drift });
        }
    }
    table.finish(
        groups,
        "no gateways configured (add [[gateways]] to fleetdeck.toml)".into(),
    )
}
