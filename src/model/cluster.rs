//! Everything known about one Kubernetes cluster (one kubeconfig context).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::event::EventRow;
use super::hpa::HpaRow;
use super::node::NodeRow;
use super::pod::PodRow;
use super::pvc::{PvRow, PvcRow, StorageClassRow};
use super::service::{EndpointSliceRow, ServiceRow};
use super::status::{SourceError, SourceState};
use super::store::{Change, Store};
use super::workload::{ReplicaSetRow, WorkloadRow};

/// Declares the watched kinds once: the `Kind` enum, the `KubeUpdate` enum
/// carrying each kind's row changes, and `ClusterData`'s stores.
macro_rules! kinds {
    ($($variant:ident => $field:ident : $row:ty, $label:literal;)*) => {
        /// A watched Kubernetes resource kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant,)* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];
            pub fn label(self) -> &'static str {
                match self { $(Kind::$variant => $label,)* }
            }
        }

        /// Row changes for one kind, sent by that kind's watcher.
        // Each update is moved once into its store: boxing the larger rows
        // (pods) would cost an allocation per watch event for nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone)]
        pub enum KubeUpdate { $($variant(Change<$row>),)* }

        /// The rows of every watched kind of one cluster.
        #[derive(Debug, Clone, Default)]
        pub struct Stores { $(pub $field: Store<$row>,)* }

        impl Stores {
            pub fn apply(&mut self, update: KubeUpdate) -> Kind {
                match update { $(KubeUpdate::$variant(c) => { self.$field.apply(c); Kind::$variant })* }
            }
        }
    };
}

kinds! {
    Nodes => nodes: NodeRow, "nodes";
    Pods => pods: PodRow, "pods";
    Deployments => deployments: WorkloadRow, "deployments";
    ReplicaSets => replicasets: ReplicaSetRow, "replicasets";
    StatefulSets => statefulsets: WorkloadRow, "statefulsets";
    DaemonSets => daemonsets: WorkloadRow, "daemonsets";
    Services => services: ServiceRow, "services";
    EndpointSlices => endpointslices: EndpointSliceRow, "endpointslices";
    Events => events: EventRow, "events";
    Hpas => hpas: HpaRow, "horizontalpodautoscalers";
    Pvcs => pvcs: PvcRow, "persistentvolumeclaims";
    Pvs => pvs: PvRow, "persistentvolumes";
    StorageClasses => storageclasses: StorageClassRow, "storageclasses";
}

#[derive(Debug, Clone)]
pub struct ClusterData {
    pub name: String,
    pub server: Option<String>,
    pub version: Option<String>,
    /// Region, from the server URL (`*.eu-west-1.eks.amazonaws.com`) or a matching EKS cluster.
    pub region: Option<String>,
    /// The connection itself: `/version` reachable and authorized.
    pub connection: SourceState,
    pub kinds: BTreeMap<Kind, SourceState>,
    pub stores: Stores,
}

impl ClusterData {
    pub fn new(name: &str) -> Self {
        ClusterData {
            name: name.to_owned(),
            server: None,
            version: None,
            region: None,
            connection: SourceState::Syncing,
            kinds: Kind::ALL
                .iter()
                .map(|k| (*k, SourceState::Syncing))
                .collect(),
            stores: Stores::default(),
        }
    }

    /// One state for the whole cluster, worst first: a connection failure,
    /// then any kind's failure, then stale, then syncing, else live.
    pub fn overall(&self) -> SourceState {
        if self.connection.error().is_some() {
            return self.connection.clone();
        }
        let states = std::iter::once(&self.connection).chain(self.kinds.values());
        let mut worst = SourceState::Live;
        for s in states {
            let rank = |s: &SourceState| match s {
                SourceState::Live => 0,
                SourceState::Syncing => 1,
                SourceState::Stale { .. } => 2,
                SourceState::Failed { .. } => 3,
            };
            if rank(s) > rank(&worst) {
                worst = s.clone();
            }
        }
        worst
    }

    /// Kinds a 403 keeps us from seeing, for the status line.
    pub fn forbidden_kinds(&self) -> Vec<&'static str> {
        self.kinds
            .iter()
            .filter(|(_, s)| matches!(s.error(), Some(SourceError::Forbidden(_))))
            .map(|(k, _)| k.label())
            .collect()
    }

    pub fn set_kind_state(&mut self, kind: Kind, state: SourceState) {
        self.kinds.insert(kind, state);
    }

    pub fn kind_error(&mut self, kind: Kind, error: SourceError, now: Timestamp) {
        let next = self
            .kinds
            .get(&kind)
            .unwrap_or(&SourceState::Syncing)
            .after_error(error, now);
        self.kinds.insert(kind, next);
    }
}

/// `https://ABC.gr7.eu-west-1.eks.amazonaws.com` → `eu-west-1`.
pub fn region_from_server(server: &str) -> Option<String> {
    let host = server.split("://").nth(1).unwrap_or(server);
    let host = host.split(['/', ':']).next()?;
    let parts: Vec<&str> = host.split('.').collect();
    let eks = parts.iter().position(|p| *p == "eks")?;
    (eks > 0).then(|| parts[eks - 1].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_eks_endpoint() {
        assert_eq!(
            region_from_server("https://ABC123.gr7.eu-west-1.eks.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(region_from_server("https://127.0.0.1:6443"), None);
    }

    #[test]
    fn overall_state_is_the_worst() {
        let mut c = ClusterData::new("c");
        assert_eq!(c.overall(), SourceState::Syncing);
        c.connection = SourceState::Live;
        for k in Kind::ALL {
            c.set_kind_state(*k, SourceState::Live);
        }
        assert_eq!(c.overall(), SourceState::Live);
        let now = Timestamp::UNIX_EPOCH;
        c.kind_error(Kind::Pods, SourceError::Forbidden("no".into()), now);
        assert!(matches!(c.overall(), SourceState::Stale { .. }));
        assert_eq!(c.forbidden_kinds(), vec!["pods"]);
    }
}
