//! Workloads: Deployments, StatefulSets, DaemonSets with desired vs ready,
//! and the HPA that owns their scale.

use super::common::{age_cell, clusters, empty_reason, multi, ns_ok};
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::ui::table::{Cell, cell};

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        let s = &c.stores;
        let all = s
            .deployments
            .iter()
            .chain(s.statefulsets.iter())
            .chain(s.daemonsets.iter());
        for w in all {
            if !ns_ok(&scope, &w.namespace) || scope.name.as_ref().is_some_and(|n| *n != w.name) {
                continue;
            }
            let hpa = s.hpas.iter().find(|h| {
                h.namespace == w.namespace
                    && h.target_name == w.name
                    && h.target_kind == w.kind.label()
            });
            let role = if w.desired > 0 && w.ready == 0 {
                Role::Critical
            } else if w.ready < w.desired {
                Role::Warn
            } else {
                Role::Ok
            };
            let (hpa_text, hpa_role) = match hpa {
                Some(h) => (
                    format!(
                        "{} {}..{} now {}{}",
                        h.name,
                        h.min,
                        h.max,
                        h.current,
                        if h.at_max() { " AT MAX" } else { "" }
                    ),
                    if h.at_max() || h.troubled() {
                        Role::Warn
                    } else {
                        Role::Text
                    },
                ),
                None => ("-".into(), Role::Muted),
            };
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&w.namespace, Role::Muted),
                cell(w.kind.label(), Role::Muted),
                cell(&w.name, Role::Text),
                Cell {
                    text: format!("{}/{}", w.ready, w.desired),
                    role,
                    sort: Some(i64::from(w.desired - w.ready)),
                },
                Cell {
                    text: w.updated.to_string(),
                    role: Role::Text,
                    sort: Some(i64::from(w.updated)),
                },
                Cell {
                    text: w.available.to_string(),
                    role: Role::Text,
                    sort: Some(i64::from(w.available)),
                },
                age_cell(w.created, state.now),
                cell(hpa_text, hpa_role),
            ]);
            let mut detail = Vec::new();
            if let Some(h) = hpa {
                detail.push((
                    format!(
                        "scale is owned by HPA {}: change its min/max, not the replica count",
                        h.name
                    ),
                    Role::Muted,
                ));
                let metrics: Vec<String> = h.metrics.iter().map(|m| m.text()).collect();
                detail.push((metrics.join(" · "), Role::Text));
            }
            rows.push(LegacyRow {
                id: format!("{}/{}/{}/{}", c.name, w.kind.label(), w.namespace, w.name),
                group: 0,
                cells,
                target: Some(Target::Workload {
                    cluster: c.name.clone(),
                    namespace: w.namespace.clone(),
                    kind: w.kind.label().to_owned(),
                    name: w.name.clone(),
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
        col("NAMESPACE", 14),
        col("KIND", 11),
        col("NAME", 30),
        col("READY", 7),
        col("UP-TO-DATE", 10),
        col("AVAILABLE", 9),
        col("AGE", 5),
        fill("HPA"),
    ]);
    LegacyModel {
        columns,
        groups: vec![],
        rows,
        empty: empty_reason(state, &scope, "workloads"),
    }
}
