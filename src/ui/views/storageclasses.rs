//! StorageClasses (`:sc`), as k9s shows them: provisioner, reclaim policy,
//! binding mode (WaitForFirstConsumer explains a Pending claim), default
//! class, and how many claims use each.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::pvc::StorageClassRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::NavEntry;
use crate::view::state::State;
use crate::view::subject::Subject;

/// A class in its cluster, with the claims that name it.
pub struct ClassFacts<'a> {
    cluster: &'a str,
    sc: &'a StorageClassRow,
    claims: usize,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassColumn {
    Cluster,
    Name,
    Provisioner,
    Reclaim,
    Binding,
    Default,
    Claims,
    Age,
}

impl Column for ClassColumn {
    type Row<'a> = ClassFacts<'a>;
    const ALL: &'static [Self] = &[
        ClassColumn::Cluster,
        ClassColumn::Name,
        ClassColumn::Provisioner,
        ClassColumn::Reclaim,
        ClassColumn::Binding,
        ClassColumn::Default,
        ClassColumn::Claims,
        ClassColumn::Age,
    ];

    fn spec(self) -> Spec {
        match self {
            ClassColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            ClassColumn::Name => Spec::fixed("name", "NAME", 16).middle(),
            ClassColumn::Provisioner => Spec::fixed("provisioner", "PROVISIONER", 24),
            ClassColumn::Reclaim => Spec::fixed("reclaim", "RECLAIM", 7),
            ClassColumn::Binding => Spec::fixed("binding", "BINDING", 20),
            ClassColumn::Default => Spec::fixed("default", "DEFAULT", 7),
            ClassColumn::Claims => Spec::fixed("claims", "CLAIMS", 6),
            ClassColumn::Age => Spec::fill("age", "AGE"),
        }
    }

    fn cell(self, r: &ClassFacts<'_>) -> Cell {
        let s = r.sc;
        match self {
            ClassColumn::Cluster => cell(r.cluster, Role::Muted),
            ClassColumn::Name => cell(&s.name, Role::Text),
            ClassColumn::Provisioner => cell(&s.provisioner, Role::Muted),
            ClassColumn::Reclaim => cell(s.reclaim.as_deref().unwrap_or("-"), Role::Muted),
            ClassColumn::Binding => cell(&s.binding_mode, Role::Text),
            ClassColumn::Default => {
                if s.is_default {
                    cell("yes", Role::Ok)
                } else {
                    cell("-", Role::Muted)
                }
            }
            ClassColumn::Claims => num(r.claims as i64, Role::Muted),
            ClassColumn::Age => age_cell(s.created, r.now),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(ClassColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for s in c.stores.storageclasses.iter() {
            if scope.name.as_ref().is_some_and(|n| *n != s.name) {
                continue;
            }
            let meta = TableRow {
                subject: Subject::kube(&c.name, "StorageClass", "", &s.name),
                group: 0,
                target: None,
                detail: vec![],
            };
            let claims = c
                .stores
                .pvcs
                .iter()
                .filter(|p| p.class.as_deref() == Some(s.name.as_str()))
                .count();
            table.push(
                meta,
                ClassFacts {
                    cluster: &c.name,
                    sc: s,
                    claims,
                    now: state.now,
                },
            );
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, Kind::StorageClasses),
    )
}
