//! EndpointSlices (`:ep`), as k9s shows Endpoints: the addresses behind each
//! Service and how many are ready; enter opens the Service.

use super::common::{clusters, kind_empty_reason, multi, ns_ok};
use crate::config::theme::Role;
use crate::kinds::Kind;
use crate::model::service::EndpointSliceRow;
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A slice in its cluster.
pub struct SliceFacts<'a> {
    cluster: &'a str,
    slice: &'a EndpointSliceRow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SliceColumn {
    Cluster,
    Namespace,
    Name,
    Service,
    Ready,
    Ports,
    Addresses,
}

impl Column for SliceColumn {
    type Row<'a> = SliceFacts<'a>;
    const ALL: &'static [Self] = &[
        SliceColumn::Cluster,
        SliceColumn::Namespace,
        SliceColumn::Name,
        SliceColumn::Service,
        SliceColumn::Ready,
        SliceColumn::Ports,
        SliceColumn::Addresses,
    ];

    fn spec(self) -> Spec {
        match self {
            SliceColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            SliceColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 12),
            SliceColumn::Name => Spec::fixed("name", "NAME", 24).middle(),
            SliceColumn::Service => Spec::fixed("service", "SERVICE", 18),
            SliceColumn::Ready => Spec::fixed("ready", "READY", 6),
            SliceColumn::Ports => Spec::fixed("ports", "PORTS", 12),
            SliceColumn::Addresses => Spec::fill("addresses", "ADDRESSES"),
        }
    }

    fn cell(self, r: &SliceFacts<'_>) -> Cell {
        let s = r.slice;
        match self {
            SliceColumn::Cluster => cell(r.cluster, Role::Muted),
            SliceColumn::Namespace => cell(&s.namespace, Role::Muted),
            SliceColumn::Name => cell(&s.name, Role::Text),
            SliceColumn::Service => cell(s.service.as_deref().unwrap_or("-"), Role::Text),
            SliceColumn::Ready => {
                let (ready, total) = (s.ready_count(), s.endpoints.len());
                let role = match (ready, total) {
                    (_, 0) => Role::Muted,
                    (0, _) => Role::Critical,
                    (r, t) if r < t => Role::Warn,
                    _ => Role::Ok,
                };
                Cell {
                    text: format!("{ready}/{total}"),
                    role,
                    sort: Some(ready as i64),
                }
            }
            SliceColumn::Ports => {
                let ports: Vec<String> = s.ports.iter().map(i32::to_string).collect();
                match ports.as_slice() {
                    [] => cell("-", Role::Muted),
                    _ => cell(ports.join(","), Role::Text),
                }
            }
            SliceColumn::Addresses => {
                if s.endpoints.is_empty() {
                    return cell("<none>", Role::Muted);
                }
                let addrs: Vec<&str> = s.endpoints.iter().map(|e| e.address.as_str()).collect();
                cell(addrs.join(","), Role::Muted)
            }
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(SliceColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        for s in c.stores.endpointslices.iter() {
            if !ns_ok(&scope, &s.namespace) || scope.name.as_ref().is_some_and(|n| *n != s.name) {
                continue;
            }
            // Not-ready endpoints first in the detail: they are why a route fails.
            let mut detail: Vec<(String, Role)> = s
                .endpoints
                .iter()
                .map(|e| {
                    let on = match (&e.pod, &e.node) {
                        (Some(p), Some(n)) => format!(" pod {p} on {n}"),
                        (Some(p), None) => format!(" pod {p}"),
                        (None, Some(n)) => format!(" on {n}"),
                        (None, None) => String::new(),
                    };
                    let (word, role) = if e.ready {
                        ("ready", Role::Muted)
                    } else {
                        ("not ready", Role::Critical)
                    };
                    (format!("{} {word}{on}", e.address), role)
                })
                .collect();
            detail.sort_by_key(|(_, r)| *r != Role::Critical);
            let meta = TableRow {
                subject: Subject::kube(&c.name, "EndpointSlice", &s.namespace, &s.name),
                group: 0,
                target: s
                    .service
                    .as_ref()
                    .map(|svc| Target::Named {
                        view: ViewKind::Kind(Kind::Services),
                        cluster: c.name.clone(),
                        namespace: s.namespace.clone(),
                        name: svc.clone(),
                    })
                    .map(Box::new),
                detail,
            };
            table.push(
                meta,
                SliceFacts {
                    cluster: &c.name,
                    slice: s,
                },
            );
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, Kind::EndpointSlices),
    )
}
