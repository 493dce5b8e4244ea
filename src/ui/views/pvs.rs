//! PersistentVolumes (`:pv`), as k9s shows them: capacity, access modes,
//! reclaim policy, phase, the claim bound to it and its class; enter opens
//! the claim.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::pvc::PvRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A volume in its cluster.
pub struct PvFacts<'a> {
    cluster: &'a str,
    pv: &'a PvRow,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PvColumn {
    Cluster,
    Name,
    Capacity,
    Access,
    Reclaim,
    Status,
    Claim,
    Class,
    Age,
}

impl Column for PvColumn {
    type Row<'a> = PvFacts<'a>;
    const ALL: &'static [Self] = &[
        PvColumn::Cluster,
        PvColumn::Name,
        PvColumn::Capacity,
        PvColumn::Access,
        PvColumn::Reclaim,
        PvColumn::Status,
        PvColumn::Claim,
        PvColumn::Class,
        PvColumn::Age,
    ];

    fn spec(self) -> Spec {
        match self {
            PvColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            PvColumn::Name => Spec::fixed("name", "NAME", 40).middle(),
            PvColumn::Capacity => Spec::fixed("capacity", "CAPACITY", 8),
            PvColumn::Access => Spec::fixed("access", "ACCESS", 6),
            PvColumn::Reclaim => Spec::fixed("reclaim", "RECLAIM", 7),
            PvColumn::Status => Spec::fixed("status", "STATUS", 9),
            PvColumn::Claim => Spec::fixed("claim", "CLAIM", 24),
            PvColumn::Class => Spec::fixed("class", "CLASS", 10),
            PvColumn::Age => Spec::fill("age", "AGE"),
        }
    }

    fn cell(self, r: &PvFacts<'_>) -> Cell {
        let p = r.pv;
        let or_dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
        match self {
            PvColumn::Cluster => cell(r.cluster, Role::Muted),
            PvColumn::Name => cell(&p.name, Role::Text),
            PvColumn::Capacity => cell(or_dash(p.capacity.as_deref()), Role::Text),
            PvColumn::Access => cell(p.access_modes.join(","), Role::Muted),
            PvColumn::Reclaim => cell(or_dash(p.reclaim.as_deref()), Role::Muted),
            PvColumn::Status => cell(
                &p.phase,
                match p.phase.as_str() {
                    "Bound" | "Available" => Role::Ok,
                    "Released" | "Pending" => Role::Warn,
                    _ => Role::Critical,
                },
            ),
            PvColumn::Claim => cell(
                p.claim
                    .as_ref()
                    .map(|(ns, n)| format!("{ns}/{n}"))
                    .unwrap_or_else(|| "-".into()),
                Role::Text,
            ),
            PvColumn::Class => cell(or_dash(p.class.as_deref()), Role::Muted),
            PvColumn::Age => age_cell(p.created, r.now),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(PvColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for p in c.stores.pvs.iter() {
            if scope.name.as_ref().is_some_and(|n| *n != p.name) {
                continue;
            }
            let meta = TableRow {
                subject: Subject::kube(&c.name, "PersistentVolume", "", &p.name),
                group: 0,
                target: p
                    .claim
                    .as_ref()
                    .map(|(ns, n)| Target::Named {
                        view: ViewKind::Pvc,
                        cluster: c.name.clone(),
                        namespace: ns.clone(),
                        name: n.clone(),
                    })
                    .map(Box::new),
                detail: vec![],
            };
            table.push(
                meta,
                PvFacts {
                    cluster: &c.name,
                    pv: p,
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Pvs))
}
