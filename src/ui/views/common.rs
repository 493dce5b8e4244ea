//! Joins shared by several views: where a pod runs, which workload owns it,
//! the latest warning about an object, state colours.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::config::theme::Role;
use crate::model::cluster::{ClusterData, Kind};
use crate::model::event::EventRow;
use crate::model::node::NodeKind;
use crate::model::pod::{PodHealth, PodRow};
use crate::model::status::SourceState;
use crate::ui::table::{Cell, cell};
use crate::view::nav::Scope;
use crate::view::state::State;

/// Clusters the scope covers, in name order.
pub fn clusters<'a>(state: &'a State, scope: &Scope) -> Vec<&'a ClusterData> {
    state
        .fleet
        .clusters
        .values()
        .filter(|c| scope.cluster.as_ref().is_none_or(|s| *s == c.name))
        .collect()
}

pub fn ns_ok(scope: &Scope, namespace: &str) -> bool {
    scope.namespace.as_ref().is_none_or(|n| n == namespace)
}

/// Show a CLUSTER column only when more than one cluster is in view.
pub fn multi(state: &State, scope: &Scope) -> bool {
    scope.cluster.is_none() && state.fleet.clusters.len() > 1
}

/// `fargate/<profile>`, `ng/<nodegroup>`, `virtual/<node>`, `ec2/<type>` or `-`.
pub fn placement(cluster: &ClusterData, pod: &PodRow) -> (String, Role) {
    let node = pod
        .node
        .as_deref()
        .and_then(|n| cluster.stores.nodes.get("", n));
    if let Some(p) = &pod.fargate_profile {
        return (format!("fargate/{p}"), Role::Fargate);
    }
    match node {
        Some(n) => match n.kind {
            NodeKind::Fargate => ("fargate".into(), Role::Fargate),
            NodeKind::Virtual => (format!("virtual/{}", n.name), Role::Virtual),
            NodeKind::Ec2 => match (&n.nodegroup, &n.instance_type) {
                (Some(g), _) => (format!("ng/{g}"), Role::Ec2),
                (None, Some(t)) => (format!("ec2/{t}"), Role::Ec2),
                _ => ("ec2".into(), Role::Ec2),
            },
        },
        None if pod.node.is_some() => ("node?".into(), Role::Muted),
        None => ("-".into(), Role::Muted),
    }
}

pub use crate::model::joins::workload_of;

/// Whether `e` replaces `old` as the event that explains an object: a
/// warning over a normal event, else the later of the same type.
fn newer(old: &EventRow, e: &EventRow) -> bool {
    (old.type_ != "Warning" && e.type_ == "Warning") || (old.type_ == e.type_ && e.last >= old.last)
}

/// Latest Warning event per `(kind, namespace, name)`, for explaining states.
pub fn latest_warnings(cluster: &ClusterData) -> HashMap<(String, String, String), &EventRow> {
    let mut out: HashMap<(String, String, String), &EventRow> = HashMap::new();
    for e in cluster.stores.events.iter() {
        let key = (
            e.object_kind.clone(),
            e.namespace.clone(),
            e.object_name.clone(),
        );
        if out.get(&key).is_none_or(|old| newer(old, e)) {
            out.insert(key, e);
        }
    }
    out
}

/// The event [`latest_warnings`] picks for one object, read from the
/// cluster's events-per-object join instead of every event.
pub fn latest_warning<'a>(
    cluster: &'a ClusterData,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Option<&'a EventRow> {
    let mut out: Option<&EventRow> = None;
    for e in cluster
        .joins
        .events_about(&cluster.stores, kind, namespace, name)
    {
        if out.is_none_or(|old| newer(old, e)) {
            out = Some(e);
        }
    }
    out
}

pub fn pod_role(h: PodHealth) -> Role {
    match h {
        PodHealth::Ok => Role::Ok,
        PodHealth::Done => Role::Muted,
        PodHealth::Pending => Role::Warn,
        PodHealth::Failed => Role::Critical,
    }
}

pub fn state_cell(s: &SourceState, now: Timestamp) -> Cell {
    let role = match s {
        SourceState::Live => Role::Ok,
        SourceState::Syncing => Role::Muted,
        SourceState::Stale { .. } => Role::Warn,
        SourceState::Failed { .. } => Role::Critical,
    };
    cell(s.label(now), role)
}

/// A count that is bad when non-zero.
pub fn bad_count(n: usize, role: Role) -> Cell {
    let mut c = crate::ui::table::num(n as i64, if n > 0 { role } else { Role::Muted });
    if n == 0 {
        c.text = "0".into();
    }
    c
}

pub fn age_cell(created: Option<Timestamp>, now: Timestamp) -> Cell {
    Cell {
        text: crate::model::format::age(created, now),
        role: Role::Muted,
        // Older first when ascending: sort on creation time.
        sort: created.map(|t| t.as_second()),
    }
}

/// Why a source shows nothing, for empty tables.
pub fn empty_reason(state: &State, scope: &Scope, what: &str) -> String {
    let cs = clusters(state, scope);
    if cs.is_empty() {
        return "no clusters configured (use --kubeconfig/--context or fleetdeck.toml)".into();
    }
    let mut problems = Vec::new();
    for c in cs {
        let s = c.overall();
        if let Some(e) = s.error() {
            problems.push(format!("{}: {} ({})", c.name, e.short(), e.message()));
        } else if matches!(s, SourceState::Syncing) {
            problems.push(format!("{}: syncing", c.name));
        }
    }
    if problems.is_empty() {
        format!("no {what}")
    } else {
        format!("no {what} — {}", problems.join("; "))
    }
}

/// Why a registry kind's view is empty, per cluster: that kind's data as
/// far as we can see it (unreachable, forbidden, not served, syncing), so a
/// 403 on pods reads "forbidden" in the pods view and nowhere else.
pub fn kind_empty_reason(state: &State, scope: &Scope, kind: Kind) -> String {
    let cs = clusters(state, scope);
    if cs.is_empty() {
        return empty_reason(state, scope, kind.label());
    }
    let problems: Vec<String> = cs
        .iter()
        .filter_map(|c| {
            let s = c.kind_data(kind);
            match s.error() {
                Some(e) => Some(format!("{}: {} ({})", c.name, e.short(), e.message())),
                None if s == SourceState::Syncing => Some(format!("{}: syncing", c.name)),
                None => None,
            }
        })
        .collect();
    if problems.is_empty() {
        format!("no {}", kind.label())
    } else {
        format!("no {} — {}", kind.label(), problems.join("; "))
    }
}
