//! Namespaces, as k9s shows them; enter scopes the dashboard to one and
//! shows its pods.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::namespace::NamespaceRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A namespace in its cluster, with how many pods run in it.
pub struct NamespaceFacts<'a> {
    cluster: &'a str,
    ns: &'a NamespaceRow,
    pods: usize,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamespaceColumn {
    Cluster,
    Name,
    Status,
    Pods,
    Age,
}

impl Column for NamespaceColumn {
    type Row<'a> = NamespaceFacts<'a>;
    const ALL: &'static [Self] = &[
        NamespaceColumn::Cluster,
        NamespaceColumn::Name,
        NamespaceColumn::Status,
        NamespaceColumn::Pods,
        NamespaceColumn::Age,
    ];

    fn spec(self) -> Spec {
        match self {
            NamespaceColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            NamespaceColumn::Name => Spec::fixed("name", "NAME", 24).middle(),
            NamespaceColumn::Status => Spec::fixed("status", "STATUS", 12),
            NamespaceColumn::Pods => Spec::fixed("pods", "PODS", 5),
            NamespaceColumn::Age => Spec::fill("age", "AGE"),
        }
    }

    fn cell(self, r: &NamespaceFacts<'_>) -> Cell {
        let n = r.ns;
        match self {
            NamespaceColumn::Cluster => cell(r.cluster, Role::Muted),
            NamespaceColumn::Name => cell(&n.name, Role::Text),
            NamespaceColumn::Status => cell(
                &n.phase,
                if n.phase == "Active" {
                    Role::Ok
                } else {
                    Role::Warn
                },
            ),
            NamespaceColumn::Pods => num(r.pods as i64, Role::Muted),
            NamespaceColumn::Age => age_cell(n.created, r.now),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(NamespaceColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for n in c.stores.namespaces.iter() {
            let meta = TableRow {
                subject: Subject::kube(&c.name, "Namespace", "", &n.name),
                group: 0,
                target: Some(Box::new(Target::Namespace {
                    cluster: c.name.clone(),
                    name: n.name.clone(),
                })),
                detail: vec![],
            };
            table.push(
                meta,
                NamespaceFacts {
                    cluster: &c.name,
                    ns: n,
                    pods: c
                        .stores
                        .pods
                        .iter()
                        .filter(|p| p.namespace == n.name)
                        .count(),
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Namespaces))
}
