//! One simulated EKS cluster: its identity, its object store, what EKS says
//! about its capacity, and the per-run faults its API server injects.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use super::faults::Faults;
use super::store::Store;

/// What EKS reports about a cluster's capacity, copied in from the AWS world
/// each tick so the Kubernetes side never reaches into it.
#[derive(Debug, Clone, Default)]
pub struct EksView {
    pub fargate_profiles: Vec<ProfileView>,
    pub nodegroups: Vec<NodegroupView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileView {
    pub name: String,
    /// (namespace, labels) selectors; a pod matches one when its namespace is
    /// equal and it carries every label.
    pub selectors: Vec<(String, BTreeMap<String, String>)>,
    pub active: bool,
    pub subnets_azs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodegroupView {
    pub name: String,
    pub desired: u32,
    pub instance_type: String,
    pub capacity_type: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<(String, String, String)>,
    pub azs: Vec<String>,
}

/// A simulated cluster. Shared between its API server and its controllers;
/// every lock is short and never held across an `.await`.
pub struct Cluster {
    /// kubeconfig context name.
    pub name: String,
    pub region: String,
    /// e.g. "1.31"
    pub minor_version: u32,
    pub token: String,
    /// False for a cluster whose endpoint never answers (the `global` scenario).
    pub reachable: bool,
    pub store: Mutex<Store>,
    pub eks: Mutex<EksView>,
    pub faults: Faults,
    /// Kong admin APIs reachable through the pod proxy, by (namespace, pod):
    /// the proxy hands the request to that node's router.
    pub kong_pods: Mutex<HashMap<(String, String), axum::Router>>,
}

impl Cluster {
    pub fn new(name: &str, region: &str, minor_version: u32, token: String, seed: u64) -> Self {
        Cluster {
            name: name.to_owned(),
            region: region.to_owned(),
            minor_version,
            token,
            reachable: true,
            store: Mutex::new(Store::new(seed, 20_000)),
            eks: Mutex::new(EksView::default()),
            faults: Faults::default(),
            kong_pods: Mutex::new(HashMap::new()),
        }
    }

    /// The store, even if a panicking writer poisoned the lock (its data is
    /// still consistent: every write is a single map insert).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn eks(&self) -> EksView {
        self.eks.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn kong_pod(&self, namespace: &str, pod: &str) -> Option<axum::Router> {
        self.kong_pods
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(namespace.to_owned(), pod.to_owned()))
            .cloned()
    }

    pub fn git_version(&self) -> String {
        format!("v1.{}.2-eks-7f9249a", self.minor_version)
    }
}

pub type SharedCluster = Arc<Cluster>;
