//! Pods: the real reason behind the status, and where each one runs.

use super::common::{
    age_cell, clusters, kind_empty_reason, latest_warning, multi, ns_ok, placement, pod_role,
    workload_of,
};
use crate::config::theme::Role;
use crate::model::cluster::ClusterData;
use crate::model::event::EventRow;
use crate::model::pod::PodRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Scope, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A pod and its cluster: what its columns need is joined to it when a
/// cell is made (for the rows drawn, and each row once to sort on it), so
/// a whole view of 100,000 pods makes no text per row.
pub struct PodFacts<'a> {
    pub cluster: &'a ClusterData,
    pub pod: &'a PodRow,
    now: jiff::Timestamp,
}

impl PodFacts<'_> {
    fn warning(&self) -> Option<&EventRow> {
        latest_warning(self.cluster, "Pod", &self.pod.namespace, &self.pod.name)
    }

    /// The phase, or `Pending:<reason>` from the latest warning while it
    /// still explains the pod.
    pub fn status(&self) -> String {
        let p = self.pod;
        match self.warning().filter(|e| p.explained_by(e)) {
            Some(e) if p.status == "Pending" => format!("Pending:{}", e.reason),
            _ => p.status.to_string(),
        }
    }

    /// The pod's current state first; an event only while it still explains it.
    pub fn why(&self) -> String {
        self.pod.why(self.warning())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodColumn {
    Cluster,
    Namespace,
    Name,
    Ready,
    Status,
    Restarts,
    Node,
    RunsOn,
    Age,
    Why,
}

impl Column for PodColumn {
    type Row<'a> = PodFacts<'a>;
    const ALL: &'static [Self] = &[
        PodColumn::Cluster,
        PodColumn::Namespace,
        PodColumn::Name,
        PodColumn::Ready,
        PodColumn::Status,
        PodColumn::Restarts,
        PodColumn::Node,
        PodColumn::RunsOn,
        PodColumn::Age,
        PodColumn::Why,
    ];

    fn spec(self) -> Spec {
        match self {
            PodColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            PodColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            PodColumn::Name => Spec::fixed("name", "NAME", 26).middle(),
            PodColumn::Ready => Spec::fixed("ready", "READY", 5),
            PodColumn::Status => Spec::fixed("status", "STATUS", 28),
            PodColumn::Restarts => Spec::fixed("restarts", "RESTARTS", 8),
            PodColumn::Node => Spec::fixed("node", "NODE", 22).middle(),
            PodColumn::RunsOn => Spec::fixed("runs-on", "RUNS ON", 22),
            PodColumn::Age => Spec::fixed("age", "AGE", 4),
            PodColumn::Why => Spec::fill("why", "WHY"),
        }
    }

    fn cell(self, r: &PodFacts<'_>) -> Cell {
        let p = r.pod;
        match self {
            PodColumn::Cluster => cell(&r.cluster.name, Role::Muted),
            PodColumn::Namespace => cell(p.namespace.as_str(), Role::Muted),
            PodColumn::Name => cell(p.name.as_str(), Role::Text),
            PodColumn::Ready => Cell {
                text: p.ready_text(),
                role: if p.ready == p.containers {
                    Role::Text
                } else {
                    Role::Warn
                },
                sort: Some(i64::from(p.ready)),
            },
            PodColumn::Status => cell(r.status(), pod_role(p.health)),
            PodColumn::Restarts => num(
                i64::from(p.restarts),
                if p.restarts > 0 {
                    Role::Warn
                } else {
                    Role::Muted
                },
            ),
            PodColumn::Node => cell(p.node.as_deref().unwrap_or("-"), Role::Muted),
            PodColumn::RunsOn => {
                let (text, role) = placement(r.cluster, p);
                cell(text, role)
            }
            PodColumn::Age => age_cell(p.created, r.now),
            PodColumn::Why => cell(r.why(), pod_role(p.health)),
        }
    }

    /// Why the pod is in its state, then what it is and what it holds.
    fn detail(r: &PodFacts<'_>) -> Vec<(String, Role)> {
        let p = r.pod;
        let why = r.why();
        let mut detail = Vec::new();
        if !why.is_empty() {
            detail.push((why, pod_role(p.health)));
        }
        let mut facts = vec![format!("ip {}", p.ip.as_deref().unwrap_or("-"))];
        if let Some((k, n)) = workload_of(r.cluster, p) {
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
        if let Some(t) = &p.notes().last_termination {
            facts.push(format!("last exit {t}"));
        }
        detail.push((facts.join(" · "), Role::Muted));
        detail
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(PodColumn::Cluster, multi(state, &scope)));
    table.reserve(
        clusters(state, &scope)
            .iter()
            .map(|c| c.stores.pods.len())
            .sum(),
    );
    for c in clusters(state, &scope) {
        for p in c.stores.pods.iter() {
            push(&mut table, state, &scope, c, p, false);
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Pods),
    )
}

/// The rows of `subjects` alone (those that exist and are in scope), made
/// the same way [`build`] makes them: what a change or a window costs.
pub fn build_some<'a>(state: &'a State, entry: &NavEntry, subjects: &[Subject]) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(PodColumn::Cluster, multi(state, &scope)));
    for s in subjects {
        let Subject::Kube(k) = s else { continue };
        if k.kind != "Pod" || scope.cluster.as_ref().is_some_and(|c| *c != k.cluster) {
            continue;
        }
        let Some(c) = state.fleet.clusters.get(&k.cluster) else {
            continue;
        };
        if let Some(p) = c.stores.pods.get(&k.namespace, &k.name) {
            push(&mut table, state, &scope, c, p, true);
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Pods),
    )
}

/// Adds pod `p` of cluster `c` to the table if the scope shows it.
fn push<'a>(
    table: &mut Builder<'a, PodColumn>,
    state: &'a State,
    scope: &Scope,
    c: &'a ClusterData,
    p: &'a PodRow,
    // A whole view's rows are arranged without their targets (the one
    // entered is made again, with it): a node name per pod is left out.
    with_target: bool,
) {
    if !ns_ok(scope, &p.namespace)
        || scope
            .node
            .as_ref()
            .is_some_and(|n| p.node.as_ref() != Some(n))
        || scope.pod.as_ref().is_some_and(|n| *n != p.name)
    {
        return;
    }
    if let Some((kind, name)) = &scope.owner
        && workload_of(c, p).as_ref() != Some(&(kind.clone(), name.clone()))
    {
        return;
    }
    let meta = TableRow {
        subject: Subject::kube(&c.name, "Pod", &p.namespace, &p.name),
        group: 0,
        target: p
            .node
            .as_ref()
            .filter(|_| with_target)
            .map(|n| Target::Node {
                cluster: c.name.clone(),
                node: n.clone(),
            })
            .map(Box::new),
        detail: Vec::new(),
    };
    table.push(
        meta,
        PodFacts {
            cluster: c,
            pod: p,
            now: state.now,
        },
    );
}
