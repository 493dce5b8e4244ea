//! Events, as k9s shows them: newest first, warnings highlighted; enter
//! goes to the pod or node an event is about.

use super::common::{clusters, kind_empty_reason, multi, ns_ok};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::event::EventRow;
use crate::model::format::age;
use crate::ui::table::{Cell, TableModel, TableRow, cell, col, fill, num};

fn target(cluster: &str, e: &EventRow) -> Option<Target> {
    match e.object_kind.as_str() {
        "Pod" => Some(Target::Pod {
            cluster: cluster.to_owned(),
            namespace: e.namespace.clone(),
            name: e.object_name.clone(),
        }),
        "Node" => Some(Target::Node {
            cluster: cluster.to_owned(),
            node: e.object_name.clone(),
        }),
        _ => None,
    }
}

pub fn build(state: &State, entry: &NavEntry) -> TableModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut events: Vec<(&str, &EventRow)> = clusters(state, &scope)
        .into_iter()
        .flat_map(|c| c.stores.events.iter().map(move |e| (c.name.as_str(), e)))
        .filter(|(_, e)| ns_ok(&scope, &e.namespace))
        .collect();
    // Newest first; the table keeps this order until a column sort is chosen.
    events.sort_by(|a, b| {
        b.1.last
            .cmp(&a.1.last)
            .then_with(|| a.1.name.cmp(&b.1.name))
    });
    let rows = events
        .into_iter()
        .map(|(cluster, e)| {
            let role = if e.type_ == "Normal" {
                Role::Text
            } else {
                Role::Warn
            };
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(cluster, Role::Muted));
            }
            cells.extend([
                cell(&e.namespace, Role::Muted),
                Cell {
                    text: age(e.last, state.now),
                    role: Role::Muted,
                    // Newest first when ascending, as the unsorted table.
                    sort: e.last.map(|t| -t.as_second()),
                },
                cell(&e.type_, role),
                cell(&e.reason, role),
                cell(
                    format!("{}/{}", e.object_kind.to_lowercase(), e.object_name),
                    Role::Text,
                ),
                num(i64::from(e.count), Role::Muted),
                cell(&e.message, role),
            ]);
            TableRow {
                id: format!("{cluster}/{}/{}", e.namespace, e.name),
                group: 0,
                cells,
                target: target(cluster, e),
                detail: vec![(format!("from {}: {}", or_dash(&e.source), e.message), role)],
            }
        })
        .collect();
    let mut columns = Vec::new();
    if multi {
        columns.push(col("CLUSTER", 14));
    }
    columns.extend([
        col("NAMESPACE", 12),
        col("LAST SEEN", 9),
        col("TYPE", 7),
        col("REASON", 20),
        col("OBJECT", 30),
        col("COUNT", 5),
        fill("MESSAGE"),
    ]);
    TableModel {
        columns,
        groups: vec![],
        rows,
        empty: kind_empty_reason(state, &scope, Kind::Events),
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}
