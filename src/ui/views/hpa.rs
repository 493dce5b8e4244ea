//! HPAs: every metric's current value and target, whatever its type, and the
//! conditions that say whether the HPA can do its job.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::model::hpa::HpaRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// An HPA in its cluster.
pub struct HpaFacts<'a> {
    cluster: &'a str,
    hpa: &'a HpaRow,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HpaColumn {
    Cluster,
    Namespace,
    Name,
    Target,
    Min,
    Max,
    Current,
    Desired,
    Conditions,
    Age,
    Metrics,
}

impl Column for HpaColumn {
    type Row<'a> = HpaFacts<'a>;
    const ALL: &'static [Self] = &[
        HpaColumn::Cluster,
        HpaColumn::Namespace,
        HpaColumn::Name,
        HpaColumn::Target,
        HpaColumn::Min,
        HpaColumn::Max,
        HpaColumn::Current,
        HpaColumn::Desired,
        HpaColumn::Conditions,
        HpaColumn::Age,
        HpaColumn::Metrics,
    ];

    fn spec(self) -> Spec {
        match self {
            HpaColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            HpaColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            HpaColumn::Name => Spec::fixed("name", "NAME", 18).middle(),
            HpaColumn::Target => Spec::fixed("target", "TARGET", 22),
            HpaColumn::Min => Spec::fixed("min", "MIN", 3),
            HpaColumn::Max => Spec::fixed("max", "MAX", 3),
            HpaColumn::Current => Spec::fixed("current", "CUR", 3),
            HpaColumn::Desired => Spec::fixed("desired", "DESIRED", 7),
            HpaColumn::Conditions => Spec::fixed("conditions", "CONDITIONS", 30),
            HpaColumn::Age => Spec::fixed("age", "AGE", 4),
            HpaColumn::Metrics => Spec::fill("metrics", "METRICS (current/target)"),
        }
    }

    fn cell(self, r: &HpaFacts<'_>) -> Cell {
        let h = r.hpa;
        match self {
            HpaColumn::Cluster => cell(r.cluster, Role::Muted),
            HpaColumn::Namespace => cell(&h.namespace, Role::Muted),
            HpaColumn::Name => cell(&h.name, Role::Text),
            HpaColumn::Target => cell(format!("{}/{}", h.target_kind, h.target_name), Role::Text),
            HpaColumn::Min => num(i64::from(h.min), Role::Text),
            HpaColumn::Max => num(i64::from(h.max), Role::Text),
            HpaColumn::Current => num(
                i64::from(h.current),
                if h.at_max() { Role::Warn } else { Role::Text },
            ),
            HpaColumn::Desired => num(
                i64::from(h.desired),
                if h.desired > h.current {
                    Role::Warn
                } else {
                    Role::Text
                },
            ),
            HpaColumn::Conditions => {
                let (text, role) = conditions(h);
                cell(text, role)
            }
            HpaColumn::Age => age_cell(h.created, r.now),
            HpaColumn::Metrics => {
                let metrics: Vec<String> = h.metrics.iter().map(|m| m.text()).collect();
                cell(metrics.join(", "), Role::Text)
            }
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(HpaColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for h in c.stores.hpas.iter() {
            if !ns_ok(&scope, &h.namespace) || scope.name.as_ref().is_some_and(|n| *n != h.name) {
                continue;
            }
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
            let meta = TableRow {
                subject: Subject::kube(&c.name, "HorizontalPodAutoscaler", &h.namespace, &h.name),
                group: 0,
                target: Some(Box::new(Target::Workload {
                    cluster: c.name.clone(),
                    namespace: h.namespace.clone(),
                    kind: h.target_kind.clone(),
                    name: h.target_name.clone(),
                })),
                detail,
            };
            table.push(
                meta,
                HpaFacts {
                    cluster: &c.name,
                    hpa: h,
                    now: state.now,
                },
            );
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Hpas),
    )
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
