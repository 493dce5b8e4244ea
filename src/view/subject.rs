//! The identity of a table row: which object it shows (a Kubernetes object,
//! a cluster, a Kong node/upstream/target, an AWS object, a finding). Rows
//! carry it typed, so nothing parses it back from text.

/// A Kubernetes object by kind and name, in one cluster.
/// Ordered by cluster, kind, namespace, name: the order views list them in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KubeRef {
    pub cluster: String,
    /// `Pod`, `Deployment`, `StatefulSet`, `DaemonSet`, `Node`,
    /// `HorizontalPodAutoscaler`, `PersistentVolumeClaim`, `Secret`…
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
}

impl KubeRef {
    pub fn new(cluster: &str, kind: &str, namespace: &str, name: &str) -> Self {
        KubeRef {
            cluster: cluster.to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }
    }

    /// `Deployment tb-demo/service`.
    pub fn label(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// What a table row shows, typed: the identity the selection is held by and
/// the object an action acts on.
/// Ordered by variant, then fields: the last tie-break of an arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// Shared: a row, its arrangement and the selection hold one copy.
    Kube(std::sync::Arc<KubeRef>),
    /// A kubeconfig context as a whole (the Fleet view's rows).
    Cluster(String),
    /// A Kong gateway as a whole (its row above its nodes).
    Gateway(String),
    KongNode {
        gateway: String,
        node: String,
    },
    KongUpstream {
        gateway: String,
        node: String,
        upstream: String,
    },
    KongTarget {
        gateway: String,
        node: String,
        upstream: String,
        target: String,
    },
    AwsRegion(String),
    EksCluster {
        region: String,
        name: String,
    },
    FargateProfile {
        region: String,
        cluster: String,
        name: String,
    },
    Nodegroup {
        region: String,
        cluster: String,
        name: String,
    },
    EcsCluster {
        region: String,
        name: String,
    },
    EcsService {
        region: String,
        cluster: String,
        name: String,
    },
    EcsTask {
        region: String,
        cluster: String,
        id: String,
    },
    /// A finding, by its code and the label of its primary object.
    Finding {
        code: String,
        object: String,
    },
}

impl Subject {
    /// A Kubernetes object; `namespace` empty for cluster-scoped kinds.
    pub fn kube(cluster: &str, kind: &str, namespace: &str, name: &str) -> Self {
        Subject::Kube(std::sync::Arc::new(KubeRef::new(
            cluster, kind, namespace, name,
        )))
    }
}
