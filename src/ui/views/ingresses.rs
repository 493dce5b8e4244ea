//! Ingresses, as k9s shows them, plus the services each routes to; a
//! backend service that does not exist is flagged.

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::app::nav::{NavEntry, Target, ViewKind};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::ui::table::{TableModel, TableRow, cell, col, fill};

fn or_none(v: &[String]) -> String {
    if v.is_empty() {
        "*".into()
    } else {
        v.join(",")
    }
}

pub fn build(state: &State, entry: &NavEntry) -> TableModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        for i in c.stores.ingresses.iter() {
            if !ns_ok(&scope, &i.namespace) || scope.name.as_ref().is_some_and(|n| *n != i.name) {
                continue;
            }
            let missing: Vec<&str> = i
                .backends
                .iter()
                .filter(|(svc, _)| c.stores.services.get(&i.namespace, svc).is_none())
                .map(|(svc, _)| svc.as_str())
                .collect();
            let backends = i
                .backends
                .iter()
                .map(|(svc, port)| format!("{svc}:{port}"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&i.namespace, Role::Muted),
                cell(&i.name, Role::Text),
                cell(
                    i.class.clone().unwrap_or_else(|| "<none>".into()),
                    Role::Text,
                ),
                cell(or_none(&i.hosts), Role::Text),
                cell(i.addresses.join(","), Role::Muted),
                cell(&i.ports, Role::Muted),
                age_cell(i.created, state.now),
                cell(
                    if backends.is_empty() {
                        "-".to_owned()
                    } else {
                        backends
                    },
                    if missing.is_empty() {
                        Role::Text
                    } else {
                        Role::Critical
                    },
                ),
            ]);
            let detail = missing
                .iter()
                .map(|svc| {
                    (
                        format!("backend service {}/{svc} does not exist", i.namespace),
                        Role::Critical,
                    )
                })
                .collect();
            rows.push(TableRow {
                id: format!("{}/{}/{}", c.name, i.namespace, i.name),
                group: 0,
                cells,
                target: i.backends.first().map(|(svc, _)| Target::Named {
                    view: ViewKind::Kind(Kind::Services),
                    cluster: c.name.clone(),
                    namespace: i.namespace.clone(),
                    name: svc.clone(),
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
        col("CLASS", 8),
        col("HOSTS", 24),
        col("ADDRESS", 20),
        col("PORTS", 7),
        col("AGE", 5),
        fill("BACKENDS"),
    ]);
    TableModel {
        columns,
        groups: vec![],
        rows,
        empty: kind_empty_reason(state, &scope, Kind::Ingresses),
    }
}
