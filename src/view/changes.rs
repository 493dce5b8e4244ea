//! What changed for the top view since its rows were last arranged: the
//! subjects of the rows the sources touched, or "anything" when a change
//! can reach rows it does not name (a relist, a node, a new cluster…).

use crate::kinds::KubeUpdate;
use crate::model::fleet::{Fleet, SourceUpdate};
use crate::model::store::{Change, Row};
use crate::view::nav::ViewKind;
use crate::view::subject::Subject;

/// Past this many changed rows, arranging again costs less than applying them.
const MOST_ROWS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Only these rows may differ (possibly none).
    Rows(Vec<Subject>),
    /// Any row may differ: arrange again.
    All,
}

impl Default for Changes {
    fn default() -> Self {
        Changes::Rows(Vec::new())
    }
}

impl Changes {
    /// Adds what one change touched (`None`: anything).
    pub fn note(&mut self, touched: Option<Vec<Subject>>) {
        match (&mut *self, touched) {
            (Changes::Rows(rows), Some(more)) if rows.len() + more.len() <= MOST_ROWS => {
                rows.extend(more)
            }
            _ => *self = Changes::All,
        }
    }

    /// What changed since the last call; starts over.
    pub fn take(&mut self) -> Changes {
        std::mem::take(self)
    }
}

/// The rows of `view` that `update` can change, read before it is applied
/// to `fleet` (a deletion names its object only in the row it removes).
/// `None` when the view cannot say which (any view but Pods, Nodes and
/// Findings, today).
pub fn touched(view: ViewKind, update: &SourceUpdate, fleet: &Fleet) -> Option<Vec<Subject>> {
    if view == ViewKind::Findings {
        // Its rows change only with a diagnosis ([`touched_by_findings`]).
        return Some(Vec::new());
    }
    let kept = matches!(view, ViewKind::Pods | ViewKind::Nodes);
    let (cluster, update) = match update {
        SourceUpdate::Kube { cluster, update } => (cluster, update),
        // Kong and AWS show nowhere in a pod's or a node's row.
        SourceUpdate::GatewayAdded { .. }
        | SourceUpdate::GatewayState { .. }
        | SourceUpdate::KongNode(_)
        | SourceUpdate::KongNodeGone { .. }
        | SourceUpdate::AwsRegion { .. }
        | SourceUpdate::AwsError { .. }
            if kept =>
        {
            return Some(Vec::new());
        }
        _ => return None,
    };
    match view {
        ViewKind::Pods => pod_rows(cluster, update, fleet),
        ViewKind::Nodes => node_rows(cluster, update, fleet),
        _ => None,
    }
}

/// The Nodes rows a change reaches: the node itself, and for a pod the
/// nodes it ran and runs on (their pod counts, a Fargate node's pod).
fn node_rows(cluster: &str, update: &KubeUpdate, fleet: &Fleet) -> Option<Vec<Subject>> {
    let node = |name: &str| Subject::kube(cluster, "Node", "", name);
    let pods = fleet.clusters.get(cluster).map(|c| &c.stores.pods);
    match update {
        KubeUpdate::Nodes(Change::Apply(n)) => Some(vec![node(&n.name)]),
        KubeUpdate::Nodes(Change::Delete((_, name))) => Some(vec![node(name)]),
        KubeUpdate::Pods(c @ (Change::Apply(_) | Change::Delete(_))) => {
            let key = match c {
                Change::Apply(p) => p.owned_key(),
                Change::Delete(k) => k.clone(),
                Change::Reset(_) => return None,
            };
            let old = pods.and_then(|s| s.get(&key.0, &key.1));
            let new = match c {
                Change::Apply(p) => Some(p),
                _ => None,
            };
            let mut on: Vec<Subject> = old
                .into_iter()
                .chain(new)
                .filter_map(|p| p.node.as_deref().map(node))
                .collect();
            on.dedup();
            Some(on)
        }
        KubeUpdate::Nodes(Change::Reset(_)) | KubeUpdate::Pods(Change::Reset(_)) => None,
        // The other kinds show nowhere in a node's row.
        _ => Some(Vec::new()),
    }
}

/// The Pods rows a change reaches.
fn pod_rows(cluster: &str, update: &KubeUpdate, fleet: &Fleet) -> Option<Vec<Subject>> {
    let pod = |ns: &str, name: &str| Subject::kube(cluster, "Pod", ns, name);
    let stores = fleet.clusters.get(cluster).map(|c| &c.stores);
    match update {
        KubeUpdate::Pods(Change::Apply(p)) => Some(vec![pod(&p.namespace, &p.name)]),
        KubeUpdate::Pods(Change::Delete((ns, name))) => Some(vec![pod(ns, name)]),
        // A pod's status and why come from the latest event about it: the
        // pods an event was and is about.
        KubeUpdate::Events(c @ (Change::Apply(_) | Change::Delete(_))) => {
            let key = match c {
                Change::Apply(e) => (e.namespace.clone(), e.name.clone()),
                Change::Delete(k) => k.clone(),
                Change::Reset(_) => return None,
            };
            let old = stores.and_then(|s| s.events.get(&key.0, &key.1));
            let new = match c {
                Change::Apply(e) => Some(e),
                _ => None,
            };
            Some(
                old.into_iter()
                    .chain(new)
                    .filter(|e| e.object_kind == "Pod")
                    .map(|e| pod(&e.namespace, &e.object_name))
                    .collect(),
            )
        }
        // Relists, nodes (where a pod runs) and replica sets (who owns it)
        // reach rows they do not name.
        KubeUpdate::Pods(Change::Reset(_))
        | KubeUpdate::Events(Change::Reset(_))
        | KubeUpdate::Nodes(_)
        | KubeUpdate::ReplicaSets(_) => None,
        // The other kinds show nowhere in a pod's row.
        _ => Some(Vec::new()),
    }
}

/// The rows of `view` a new diagnosis can change (Pods and Nodes show
/// none of it in their cells: markers are painted from the findings).
pub fn touched_by_findings(view: ViewKind) -> Option<Vec<Subject>> {
    matches!(view, ViewKind::Pods | ViewKind::Nodes).then(Vec::new)
}
