//! Workloads: Deployments, StatefulSets, DaemonSets with desired vs ready,
//! and the HPA that owns their scale.

use jiff::Timestamp;

use super::common::{age_cell, clusters, empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::model::hpa::HpaRow;
use crate::model::workload::WorkloadRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A workload and the HPA that scales it, if any.
pub struct WorkloadFacts<'a> {
    cluster: &'a str,
    workload: &'a WorkloadRow,
    hpa: Option<&'a HpaRow>,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadColumn {
    Cluster,
    Namespace,
    Kind,
    Name,
    Ready,
    UpToDate,
    Available,
    Age,
    Hpa,
}

impl Column for WorkloadColumn {
    type Row<'a> = WorkloadFacts<'a>;
    const ALL: &'static [Self] = &[
        WorkloadColumn::Cluster,
        WorkloadColumn::Namespace,
        WorkloadColumn::Kind,
        WorkloadColumn::Name,
        WorkloadColumn::Ready,
        WorkloadColumn::UpToDate,
        WorkloadColumn::Available,
        WorkloadColumn::Age,
        WorkloadColumn::Hpa,
    ];

    fn spec(self) -> Spec {
        match self {
            WorkloadColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            WorkloadColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 14),
            WorkloadColumn::Kind => Spec::fixed("kind", "KIND", 11),
            WorkloadColumn::Name => Spec::fixed("name", "NAME", 30).middle(),
            WorkloadColumn::Ready => Spec::fixed("ready", "READY", 7),
            WorkloadColumn::UpToDate => Spec::fixed("up-to-date", "UP-TO-DATE", 10),
            WorkloadColumn::Available => Spec::fixed("available", "AVAILABLE", 9),
            WorkloadColumn::Age => Spec::fixed("age", "AGE", 5),
            WorkloadColumn::Hpa => Spec::fill("hpa", "HPA"),
        }
    }

    fn cell(self, r: &WorkloadFacts<'_>) -> Cell {
        let w = r.workload;
        match self {
            WorkloadColumn::Cluster => cell(r.cluster, Role::Muted),
            WorkloadColumn::Namespace => cell(&w.namespace, Role::Muted),
            WorkloadColumn::Kind => cell(w.kind.label(), Role::Muted),
            WorkloadColumn::Name => cell(&w.name, Role::Text),
            WorkloadColumn::Ready => Cell {
                text: format!("{}/{}", w.ready, w.desired),
                role: if w.desired > 0 && w.ready == 0 {
                    Role::Critical
                } else if w.ready < w.desired {
                    Role::Warn
                } else {
                    Role::Ok
                },
                // Most missing first when descending.
                sort: Some(i64::from(w.desired - w.ready)),
            },
            WorkloadColumn::UpToDate => count(w.updated),
            WorkloadColumn::Available => count(w.available),
            WorkloadColumn::Age => age_cell(w.created, r.now),
            WorkloadColumn::Hpa => match r.hpa {
                Some(h) => cell(
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
                None => cell("-", Role::Muted),
            },
        }
    }
}

fn count(n: i32) -> Cell {
    Cell {
        text: n.to_string(),
        role: Role::Text,
        sort: Some(i64::from(n)),
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(WorkloadColumn::Cluster, multi(state, &scope)));
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
            let meta = TableRow {
                subject: Subject::kube(&c.name, w.kind.label(), &w.namespace, &w.name),
                group: 0,
                target: Some(Box::new(Target::Workload {
                    cluster: c.name.clone(),
                    namespace: w.namespace.clone(),
                    kind: w.kind.label().to_owned(),
                    name: w.name.clone(),
                })),
                detail,
            };
            table.push(
                meta,
                WorkloadFacts {
                    cluster: &c.name,
                    workload: w,
                    hpa,
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], empty_reason(state, &scope, "workloads"))
}
