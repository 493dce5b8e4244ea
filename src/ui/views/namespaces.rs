//! Namespaces, as k9s shows them; enter scopes the dashboard to one and
//! shows its pods.

use super::common::{age_cell, clusters, kind_empty_reason, multi};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::ui::table::{TableModel, TableRow, cell, col, fill, num};

pub fn build(state: &State, entry: &NavEntry) -> TableModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        for n in c.stores.namespaces.iter() {
            let pods = c
                .stores
                .pods
                .iter()
                .filter(|p| p.namespace == n.name)
                .count();
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&n.name, Role::Text),
                cell(
                    &n.phase,
                    if n.phase == "Active" {
                        Role::Ok
                    } else {
                        Role::Warn
                    },
                ),
                num(pods as i64, Role::Muted),
                age_cell(n.created, state.now),
            ]);
            rows.push(TableRow {
                id: format!("{}//{}", c.name, n.name),
                group: 0,
                cells,
                target: Some(Target::Namespace {
                    cluster: c.name.clone(),
                    name: n.name.clone(),
                }),
                detail: vec![],
            });
        }
    }
    let mut columns = Vec::new();
    if multi {
        columns.push(col("CLUSTER", 14));
    }
    columns.extend([
        col("NAME", 24),
        col("STATUS", 12),
        col("PODS", 5),
        fill("AGE"),
    ]);
    TableModel {
        columns,
        groups: vec![],
        rows,
        empty: kind_empty_reason(state, &scope, Kind::Namespaces),
    }
}
