//! Events, as k9s shows them: newest first, warnings highlighted; enter
//! goes to the pod or node an event is about.

use jiff::Timestamp;

use super::common::{clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::event::EventRow;
use crate::model::format::age;
use crate::ui::columns::{Builder, Column, SortKey, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

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

/// An event in its cluster.
pub struct EventFacts<'a> {
    cluster: &'a str,
    event: &'a EventRow,
    now: Timestamp,
}

impl EventFacts<'_> {
    fn role(&self) -> Role {
        if self.event.type_ == "Normal" {
            Role::Text
        } else {
            Role::Warn
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    Cluster,
    Namespace,
    LastSeen,
    Type,
    Reason,
    Object,
    Count,
    Message,
}

impl Column for EventColumn {
    type Row<'a> = EventFacts<'a>;
    const ALL: &'static [Self] = &[
        EventColumn::Cluster,
        EventColumn::Namespace,
        EventColumn::LastSeen,
        EventColumn::Type,
        EventColumn::Reason,
        EventColumn::Object,
        EventColumn::Count,
        EventColumn::Message,
    ];

    fn spec(self) -> Spec {
        match self {
            EventColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            EventColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            EventColumn::LastSeen => Spec::fixed("last-seen", "LAST SEEN", 9),
            EventColumn::Type => Spec::fixed("type", "TYPE", 7),
            EventColumn::Reason => Spec::fixed("reason", "REASON", 20),
            EventColumn::Object => Spec::fixed("object", "OBJECT", 30),
            EventColumn::Count => Spec::fixed("count", "COUNT", 5),
            EventColumn::Message => Spec::fill("message", "MESSAGE"),
        }
    }

    fn cell(self, r: &EventFacts<'_>) -> Cell {
        let e = r.event;
        match self {
            EventColumn::Cluster => cell(r.cluster, Role::Muted),
            EventColumn::Namespace => cell(&e.namespace, Role::Muted),
            EventColumn::LastSeen => cell(age(e.last, r.now), Role::Muted),
            EventColumn::Type => cell(&e.type_, r.role()),
            EventColumn::Reason => cell(&e.reason, r.role()),
            EventColumn::Object => cell(
                format!("{}/{}", e.object_kind.to_lowercase(), e.object_name),
                Role::Text,
            ),
            EventColumn::Count => num(i64::from(e.count), Role::Muted),
            EventColumn::Message => cell(&e.message, r.role()),
        }
    }

    fn sort_key(self, r: &EventFacts<'_>) -> SortKey {
        match self {
            // Newest first when ascending, as the unsorted table.
            EventColumn::LastSeen => {
                SortKey::Num(r.event.last.map_or(i64::MAX, |t| -t.as_second()))
            }
            other => SortKey::from(other.cell(r)),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
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
    let mut table = Builder::new(visible(EventColumn::Cluster, multi(state, &scope)));
    for (cluster, e) in events {
        let facts = EventFacts {
            cluster,
            event: e,
            now: state.now,
        };
        let meta = TableRow {
            subject: Subject::kube(cluster, "Event", &e.namespace, &e.name),
            group: 0,
            target: target(cluster, e).map(Box::new),
            detail: vec![(
                format!("from {}: {}", or_dash(&e.source), e.message),
                facts.role(),
            )],
        };
        table.push(meta, facts);
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Events))
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}
