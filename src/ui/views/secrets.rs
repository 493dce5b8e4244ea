//! Secrets (`:secrets`), as k9s lists them: type, number of keys and age.
//! Values are never in the model; `d` describes keys and byte sizes.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::secret::SecretRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::NavEntry;
use crate::view::state::State;
use crate::view::subject::Subject;

/// A secret in its cluster.
pub struct SecretFacts<'a> {
    cluster: &'a str,
    secret: &'a SecretRow,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretColumn {
    Cluster,
    Namespace,
    Name,
    Type,
    Data,
    Age,
}

impl Column for SecretColumn {
    type Row<'a> = SecretFacts<'a>;
    const ALL: &'static [Self] = &[
        SecretColumn::Cluster,
        SecretColumn::Namespace,
        SecretColumn::Name,
        SecretColumn::Type,
        SecretColumn::Data,
        SecretColumn::Age,
    ];

    fn spec(self) -> Spec {
        match self {
            SecretColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            SecretColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            SecretColumn::Name => Spec::fixed("name", "NAME", 32).middle(),
            SecretColumn::Type => Spec::fixed("type", "TYPE", 24),
            SecretColumn::Data => Spec::fixed("data", "DATA", 4),
            SecretColumn::Age => Spec::fill("age", "AGE"),
        }
    }

    fn cell(self, r: &SecretFacts<'_>) -> Cell {
        let s = r.secret;
        match self {
            SecretColumn::Cluster => cell(r.cluster, Role::Muted),
            SecretColumn::Namespace => cell(&s.namespace, Role::Muted),
            SecretColumn::Name => cell(&s.name, Role::Text),
            SecretColumn::Type => cell(&s.kind, Role::Muted),
            SecretColumn::Data => num(s.keys as i64, Role::Text),
            SecretColumn::Age => age_cell(s.created, r.now),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(SecretColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for s in c.stores.secrets.iter() {
            if !ns_ok(&scope, &s.namespace) || scope.name.as_ref().is_some_and(|n| *n != s.name) {
                continue;
            }
            let meta = TableRow {
                subject: Subject::kube(&c.name, "Secret", &s.namespace, &s.name),
                group: 0,
                target: None,
                detail: vec![],
            };
            table.push(
                meta,
                SecretFacts {
                    cluster: &c.name,
                    secret: s,
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Secrets))
}
