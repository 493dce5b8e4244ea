//! Pods: the real reason behind the status, and where each one runs.

use super::common::{
    age_cell, clusters, empty_reason, latest_warnings, multi, ns_ok, placement, pod_role,
    workload_of,
};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::pod::PodHealth;
use crate::ui::table::{Cell, TableModel, TableRow, cell, col, fill, num};

pub fn build(state: &State, entry: &NavEntry) -> TableModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        let warnings = latest_warnings(c);
        for p in c.stores.pods.iter() {
            if !ns_ok(&scope, &p.namespace)
                || scope
                    .node
                    .as_ref()
                    .is_some_and(|n| p.node.as_ref() != Some(n))
                || scope.pod.as_ref().is_some_and(|n| *n != p.name)
            {
                continue;
            }
            let owner = workload_of(c, p);
            if let Some((kind, name)) = &scope.owner
                && owner.as_ref() != Some(&(kind.clone(), name.clone()))
            {
                continue;
            }
            let event = warnings.get(&("Pod".to_owned(), p.namespace.clone(), p.name.clone()));
            // The scheduler's or container's message; else the latest warning event.
            let why = if p.health == PodHealth::Ok || p.health == PodHealth::Done {
                String::new()
            } else {
                p.message
                    .clone()
                    .or_else(|| {
                        event
                            .filter(|e| e.type_ == "Warning")
                            .map(|e| format!("{}: {}", e.reason, e.message))
                    })
                    .unwrap_or_default()
            };
            let (runs_on, runs_role) = placement(c, p);
            let status = match event.filter(|e| e.type_ == "Warning") {
                Some(e) if p.status == "Pending" => format!("Pending:{}", e.reason),
                _ => p.status.clone(),
            };
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            let ready_role = if p.ready == p.containers {
                Role::Text
            } else {
                Role::Warn
            };
            cells.extend([
                cell(&p.namespace, Role::Muted),
                cell(&p.name, Role::Text),
                Cell {
                    text: p.ready_text(),
                    role: ready_role,
                    sort: Some(i64::from(p.ready)),
                },
                cell(status, pod_role(p.health)),
                num(
                    i64::from(p.restarts),
                    if p.restarts > 0 {
                        Role::Warn
                    } else {
                        Role::Muted
                    },
                ),
                cell(p.node.clone().unwrap_or_else(|| "-".into()), Role::Muted),
                cell(runs_on, runs_role),
                age_cell(p.created, state.now),
                cell(why.clone(), pod_role(p.health)),
            ]);
            let mut detail = Vec::new();
            if !why.is_empty() {
                detail.push((why, pod_role(p.health)));
            }
            let mut facts = vec![format!("ip {}", p.ip.as_deref().unwrap_or("-"))];
            if let Some((k, n)) = &owner {
                facts.push(format!("{} {n}", k.to_lowercase()));
            }
            if let Some(cp) = &p.capacity_provisioned {
                facts.push(format!("CapacityProvisioned {cp}"));
            }
            if let Some(s) = &p.scheduler {
                facts.push(format!("scheduler {s}"));
            }
            if !p.claims.is_empty() {
                facts.push(format!("pvc {}", p.claims.join(",")));
            }
            if let Some(t) = &p.last_termination {
                facts.push(format!("last exit {t}"));
            }
            detail.push((facts.join(" · "), Role::Muted));
            rows.push(TableRow {
                id: format!("{}/{}/{}", c.name, p.namespace, p.name),
                group: 0,
                cells,
                target: p.node.as_ref().map(|n| Target::Node {
                    cluster: c.name.clone(),
                    node: n.clone(),
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
        col("NAMESPACE", 12),
        col("NAME", 26),
        col("READY", 5),
        col("STATUS", 28),
        col("RESTARTS", 8),
        col("NODE", 22),
        col("RUNS ON", 22),
        col("AGE", 4),
        fill("WHY"),
    ]);
    TableModel {
        columns,
        groups: vec![],
        rows,
        empty: empty_reason(state, &scope, "pods"),
    }
}
