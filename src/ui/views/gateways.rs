//! Gateways: every Kong node separately (health is per node): reachable,
//! ready, DB reachable or configuration hash with drift flagged, and how many
//! of its upstreams have no peer.

use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::kong::{EMPTY_CONFIG_HASH, KongDb, KongVia, hash_drift};
use crate::ui::table::{Cell, cell, num};

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let mut rows = Vec::new();
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
            rows.push(LegacyRow {
                id: format!("{}/-", g.name),
                group,
                cells: vec![
                    cell("(no nodes)", Role::Muted),
                    cell("", Role::Muted),
                    cell(why, Role::Warn),
                ],
                target: None,
                detail: vec![],
            });
            continue;
        }
        for n in g.nodes.values() {
            let via = match &n.via {
                KongVia::Pod { .. } => "pod proxy",
                KongVia::Url(_) => "admin url",
            };
            let (reach, reach_role) = match &n.reachable {
                Ok(()) => ("yes".to_owned(), Role::Ok),
                Err(e) => (format!("no: {e}"), Role::Critical),
            };
            let (ready, ready_role) = match &n.ready {
                Some(Ok(())) => ("ready".to_owned(), Role::Ok),
                Some(Err(e)) => (format!("not ready: {e}"), Role::Critical),
                None => ("-".to_owned(), Role::Muted),
            };
            let (db, db_role) = match &n.db {
                KongDb::Reachable(true) => ("db reachable".to_owned(), Role::Ok),
                KongDb::Reachable(false) => ("DB UNREACHABLE".to_owned(), Role::Critical),
                KongDb::Hash(h) if h == EMPTY_CONFIG_HASH => {
                    ("no config (hash 0…0)".to_owned(), Role::Critical)
                }
                KongDb::Hash(h) => (
                    format!(
                        "hash {}{}",
                        &h[..h.len().min(8)],
                        if drift { " DRIFT" } else { "" }
                    ),
                    if drift { Role::Critical } else { Role::Ok },
                ),
                KongDb::Unknown => ("-".to_owned(), Role::Muted),
            };
            let broken: Vec<&str> = n
                .upstreams
                .iter()
                .filter(|u| u.broken())
                .map(|u| u.name.as_str())
                .collect();
            let mut cells = vec![
                cell(&n.name, Role::Text),
                cell(via, Role::Muted),
                cell(reach, reach_role),
                cell(ready, ready_role),
                cell(db, db_role),
                num(n.upstreams.len() as i64, Role::Text),
                num(
                    broken.len() as i64,
                    if broken.is_empty() {
                        Role::Muted
                    } else {
                        Role::Critical
                    },
                ),
                cell(n.version.clone().unwrap_or_else(|| "-".into()), Role::Muted),
            ];
            let problem = if !broken.is_empty() {
                Cell {
                    text: format!("no peer: {}", broken.join(", ")),
                    role: Role::Critical,
                    sort: None,
                }
            } else {
                cell(n.ip.clone().unwrap_or_default(), Role::Muted)
            };
            cells.push(problem);
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
            rows.push(LegacyRow {
                id: format!("{}/{}", g.name, n.name),
                group,
                cells,
                target: Some(Target::Gateway(g.name.clone())),
                detail,
            });
        }
    }
    LegacyModel {
        columns: vec![
            col("NODE", 30),
            col("VIA", 9),
            col("REACHABLE", 14),
            col("READY", 22),
            col("DB / CONFIG", 22),
            col("UPSTREAMS", 9),
            col("NO PEER", 7),
            col("VERSION", 8),
            fill("PROBLEM / IP"),
        ],
        groups,
        rows,
        empty: "no gateways configured (add [[gateways]] to fleetdeck.toml)".into(),
    }
}
