//! HPAs: every metric's current value and target, whatever its type, and the
//! conditions that say whether the HPA can do its job.

use super::common::{age_cell, clusters, empty_reason, multi, ns_ok};
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::hpa::HpaRow;
use crate::ui::table::{cell, num};

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        for h in c.stores.hpas.iter() {
            if !ns_ok(&scope, &h.namespace) || scope.name.as_ref().is_some_and(|n| *n != h.name) {
                continue;
            }
            let (cond_text, cond_role) = conditions(h);
            let metrics: Vec<String> = h.metrics.iter().map(|m| m.text()).collect();
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&h.namespace, Role::Muted),
                cell(&h.name, Role::Text),
                cell(format!("{}/{}", h.target_kind, h.target_name), Role::Text),
                num(i64::from(h.min), Role::Text),
                num(i64::from(h.max), Role::Text),
                num(
                    i64::from(h.current),
                    if h.at_max() { Role::Warn } else { Role::Text },
                ),
                num(
                    i64::from(h.desired),
                    if h.desired > h.current {
                        Role::Warn
                    } else {
                        Role::Text
                    },
                ),
                cell(cond_text, cond_role),
                age_cell(h.created, state.now),
                cell(metrics.join(", "), Role::Text),
            ]);
            let mut detail: Vec<(String, Role)> = h
                .conditions
                .iter()
                .map(|c| {
                    let role = match (c.type_.as_str(), c.status) {
                        ("ScalingLimited", true) => Role::Warn,
                        ("ScalingLimited", false) => Role::Muted,
                        (_, false) => Role::Critical,
                        _ => Role::Muted,
                    };
                    (
                        format!("{}={} {}: {}", c.type_, c.status, c.reason, c.message),
                        role,
                    )
                })
                .collect();
            if h.metrics.iter().any(|m| m.current.is_none()) {
                detail.push((
                    "(none): the HPA has not read this metric yet — see ScalingActive".into(),
                    Role::Warn,
                ));
            }
            rows.push(LegacyRow {
                id: format!("{}/{}/{}", c.name, h.namespace, h.name),
                group: 0,
                cells,
                target: Some(Target::Workload {
                    cluster: c.name.clone(),
                    namespace: h.namespace.clone(),
                    kind: h.target_kind.clone(),
                    name: h.target_name.clone(),
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
        col("NAME", 18),
        col("TARGET", 22),
        col("MIN", 3),
        col("MAX", 3),
        col("CUR", 3),
        col("DESIRED", 7),
        col("CONDITIONS", 30),
        col("AGE", 4),
        fill("METRICS (current/target)"),
    ]);
    LegacyModel {
        columns,
        groups: vec![],
        rows,
        empty: empty_reason(state, &scope, "HPAs"),
    }
}

/// The condition worth reading first: a False ScalingActive/AbleToScale, else ScalingLimited.
fn conditions(h: &HpaRow) -> (String, Role) {
    for t in ["ScalingActive", "AbleToScale"] {
        if let Some(c) = h.condition(t).filter(|c| !c.status) {
            return (format!("{t}=False {}", c.reason), Role::Critical);
        }
    }
    if let Some(c) = h.condition("ScalingLimited").filter(|c| c.status) {
        return (format!("ScalingLimited {}", c.reason), Role::Warn);
    }
    if h.conditions.is_empty() {
        return ("-".into(), Role::Muted);
    }
    ("ok".into(), Role::Ok)
}
