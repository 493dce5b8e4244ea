//! Ingresses, as k9s shows them, plus the services each routes to; a
//! backend service that does not exist is flagged.

use jiff::Timestamp;

use super::common::{age_cell, clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::ingress::IngressRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

fn or_star(v: &[String]) -> String {
    if v.is_empty() {
        "*".into()
    } else {
        v.join(",")
    }
}

/// An ingress in its cluster, with its backend services that do not exist.
pub struct IngressFacts<'a> {
    cluster: &'a str,
    ing: &'a IngressRow,
    missing: Vec<&'a str>,
    now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressColumn {
    Cluster,
    Namespace,
    Name,
    Class,
    Hosts,
    Address,
    Ports,
    Age,
    Backends,
}

impl Column for IngressColumn {
    type Row<'a> = IngressFacts<'a>;
    const ALL: &'static [Self] = &[
        IngressColumn::Cluster,
        IngressColumn::Namespace,
        IngressColumn::Name,
        IngressColumn::Class,
        IngressColumn::Hosts,
        IngressColumn::Address,
        IngressColumn::Ports,
        IngressColumn::Age,
        IngressColumn::Backends,
    ];

    fn spec(self) -> Spec {
        match self {
            IngressColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            IngressColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            IngressColumn::Name => Spec::fixed("name", "NAME", 18).middle(),
            IngressColumn::Class => Spec::fixed("class", "CLASS", 8),
            IngressColumn::Hosts => Spec::fixed("hosts", "HOSTS", 24),
            IngressColumn::Address => Spec::fixed("address", "ADDRESS", 20),
            IngressColumn::Ports => Spec::fixed("ports", "PORTS", 7),
            IngressColumn::Age => Spec::fixed("age", "AGE", 5),
            IngressColumn::Backends => Spec::fill("backends", "BACKENDS"),
        }
    }

    fn cell(self, r: &IngressFacts<'_>) -> Cell {
        let i = r.ing;
        match self {
            IngressColumn::Cluster => cell(r.cluster, Role::Muted),
            IngressColumn::Namespace => cell(&i.namespace, Role::Muted),
            IngressColumn::Name => cell(&i.name, Role::Text),
            IngressColumn::Class => cell(
                i.class.clone().unwrap_or_else(|| "<none>".into()),
                Role::Text,
            ),
            IngressColumn::Hosts => cell(or_star(&i.hosts), Role::Text),
            IngressColumn::Address => cell(i.addresses.join(","), Role::Muted),
            IngressColumn::Ports => cell(&i.ports, Role::Muted),
            IngressColumn::Age => age_cell(i.created, r.now),
            IngressColumn::Backends => {
                let text = i
                    .backends
                    .iter()
                    .map(|(svc, port)| format!("{svc}:{port}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                cell(
                    if text.is_empty() {
                        "-".to_owned()
                    } else {
                        text
                    },
                    if r.missing.is_empty() {
                        Role::Text
                    } else {
                        Role::Critical
                    },
                )
            }
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(IngressColumn::Cluster, multi(state, &scope)));
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
            let detail = missing
                .iter()
                .map(|svc| {
                    (
                        format!("backend service {}/{svc} does not exist", i.namespace),
                        Role::Critical,
                    )
                })
                .collect();
            let meta = TableRow {
                subject: Subject::kube(&c.name, "Ingress", &i.namespace, &i.name),
                group: 0,
                target: i
                    .backends
                    .first()
                    .map(|(svc, _)| Target::Named {
                        view: ViewKind::Kind(Kind::Services),
                        cluster: c.name.clone(),
                        namespace: i.namespace.clone(),
                        name: svc.clone(),
                    })
                    .map(Box::new),
                detail,
            };
            table.push(
                meta,
                IngressFacts {
                    cluster: &c.name,
                    ing: i,
                    missing,
                    now: state.now,
                },
            );
        }
    }
    table.finish(vec![], kind_empty_reason(state, &scope, Kind::Ingresses))
}
