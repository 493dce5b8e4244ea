//! Everything known about one Kubernetes cluster (one kubeconfig context).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::status::{SourceError, SourceState};
/// The kinds, their updates and stores are declared in the registry.
pub use crate::kinds::{Kind, KubeUpdate, Stores};

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
    /// Pods per node and events per object, kept with the stores.
    pub joins: super::joins::Joins,
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
            joins: super::joins::Joins::default(),
        }
    }

    /// One state for the whole cluster, worst first: a connection failure,
    /// then any kind's failure, then stale, then syncing, else live.
    pub fn overall(&self) -> SourceState {
        if let SourceState::Stale { error, .. } = &self.connection {
            // Stale counts from the last data received, not from when the
            // connection check noticed.
            if let super::freshness::Heard::At(since) = self.heard() {
                return SourceState::Stale {
                    since,
                    error: error.clone(),
                };
            }
        }
        if self.connection.error().is_some() {
            return self.connection.clone();
        }
        // A kind this server does not serve is said for that kind, not for the
        // cluster; so are Secrets we may not read (the built-in `view` role
        // excludes them): their view says forbidden, the rest stays live.
        let served = self
            .kinds
            .iter()
            .filter(|(k, s)| match s.error() {
                Some(SourceError::NotServed(_)) => false,
                Some(SourceError::Forbidden(_)) => **k != Kind::Secrets,
                _ => true,
            })
            .map(|(_, s)| s);
        let states = std::iter::once(&self.connection).chain(served);
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

    /// A 401 on any call is the cluster's credentials, not one kind's: the
    /// whole cluster is unauthorized at once, whatever call noticed first.
    pub fn kind_failed(&mut self, error: Option<&SourceError>, now: Timestamp) {
        if let Some(e @ SourceError::Unauthorized(_)) = error {
            self.connection = self.connection.after_error(e.clone(), now);
        }
    }

    /// A kind just listed in full: the connection and credentials work, so a
    /// connection error recorded earlier no longer holds.
    pub fn resynced(&mut self, resync: bool) {
        if resync && self.connection.error().is_some() {
            self.connection = SourceState::Live;
        }
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

    #[test]
    fn a_401_on_one_kind_is_the_whole_cluster_until_a_resync() {
        let mut c = ClusterData::new("c");
        c.connection = SourceState::Live;
        let now = Timestamp::UNIX_EPOCH;
        c.kind_failed(Some(&SourceError::Unreachable("reset".into())), now);
        assert_eq!(
            c.connection,
            SourceState::Live,
            "one kind's network error is that kind's"
        );
        c.kind_failed(Some(&SourceError::Unauthorized("401".into())), now);
        assert!(matches!(
            c.overall().error(),
            Some(SourceError::Unauthorized(_))
        ));
        c.resynced(false);
        assert!(c.connection.error().is_some(), "an event is not a resync");
        c.resynced(true);
        assert_eq!(c.connection, SourceState::Live);
    }

    #[test]
    fn forbidden_secrets_leave_the_cluster_live_but_are_said() {
        let mut c = ClusterData::new("c");
        c.connection = SourceState::Live;
        for k in Kind::ALL {
            c.set_kind_state(*k, SourceState::Live);
        }
        let now = Timestamp::UNIX_EPOCH;
        c.kind_error(Kind::Secrets, SourceError::Forbidden("403".into()), now);
        assert_eq!(c.overall(), SourceState::Live);
        assert_eq!(c.forbidden_kinds(), vec!["secrets"]);
        c.kind_error(Kind::Services, SourceError::Forbidden("403".into()), now);
        assert!(matches!(c.overall(), SourceState::Stale { .. }));
    }

    #[test]
    fn a_kind_the_server_does_not_serve_leaves_the_cluster_live() {
        let mut c = ClusterData::new("c");
        c.connection = SourceState::Live;
        for k in Kind::ALL {
            c.set_kind_state(*k, SourceState::Live);
        }
        let now = Timestamp::UNIX_EPOCH;
        c.set_kind_state(Kind::Ingresses, SourceState::Syncing);
        c.kind_error(Kind::Ingresses, SourceError::NotServed("404".into()), now);
        assert_eq!(c.overall(), SourceState::Live);
        assert!(matches!(
            c.kinds[&Kind::Ingresses].error(),
            Some(SourceError::NotServed(_))
        ));
    }
}
