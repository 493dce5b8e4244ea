//! What an action is about: the object behind the selected row of a view,
//! recovered from the row's id and the view's scope (pure, tested).

use crate::app::nav::{Scope, ViewKind};

/// A Kubernetes object by kind and name, in one cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Kube(KubeRef),
    /// A kubeconfig context as a whole (the Fleet view's rows).
    Cluster(String),
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
}

/// The object behind row `id` of `view` (ids are built by `ui/views/*`).
/// Kubernetes names never contain `/`, cluster (context) names may: split from the right.
pub fn of_row(view: ViewKind, scope: &Scope, id: &str) -> Option<Subject> {
    let right = |n: usize| -> Option<Vec<&str>> {
        let mut parts: Vec<&str> = id.rsplitn(n, '/').collect();
        if parts.len() != n {
            return None;
        }
        parts.reverse();
        Some(parts)
    };
    let kube = |c: &str, k: &str, ns: &str, n: &str| Some(Subject::Kube(KubeRef::new(c, k, ns, n)));
    match view {
        // A finding's row names the finding; its objects come from the state.
        ViewKind::Findings => None,
        ViewKind::Pods => {
            let p = right(3)?;
            kube(p[0], "Pod", p[1], p[2])
        }
        ViewKind::Workloads => {
            let p = right(4)?;
            kube(p[0], p[1], p[2], p[3])
        }
        ViewKind::Nodes => {
            let p = right(2)?;
            kube(p[0], "Node", "", p[1])
        }
        ViewKind::Hpa => {
            let p = right(3)?;
            kube(p[0], "HorizontalPodAutoscaler", p[1], p[2])
        }
        ViewKind::Pvc => {
            let p = right(3)?;
            kube(p[0], "PersistentVolumeClaim", p[1], p[2])
        }
        // Registry views: `cluster/namespace/name`, namespace empty when cluster-scoped.
        ViewKind::Kind(k) => {
            let p = right(3)?;
            kube(p[0], k.api_kind(), p[1], p[2])
        }
        ViewKind::Fleet => {
            let (head, rest) = id.split_once('/')?;
            match head {
                "k8s" => Some(Subject::Cluster(rest.to_owned())),
                "aws" => Some(Subject::AwsRegion(rest.to_owned())),
                "ecs" => {
                    let (region, name) = rest.split_once('/')?;
                    Some(Subject::EcsCluster {
                        region: region.to_owned(),
                        name: name.to_owned(),
                    })
                }
                _ => None,
            }
        }
        ViewKind::Gateways => {
            let (gateway, node) = id.split_once('/')?;
            (node != "-").then(|| Subject::KongNode {
                gateway: gateway.to_owned(),
                node: node.to_owned(),
            })
        }
        ViewKind::Upstreams => {
            let (upstream, node) = id.rsplit_once('@')?;
            Some(Subject::KongUpstream {
                gateway: scope.gateway.clone()?,
                node: node.to_owned(),
                upstream: upstream.to_owned(),
            })
        }
        ViewKind::Targets => {
            let (target, node) = id.rsplit_once('@')?;
            Some(Subject::KongTarget {
                gateway: scope.gateway.clone()?,
                node: node.to_owned(),
                upstream: scope.upstream.clone()?,
                target: target.to_owned(),
            })
        }
        ViewKind::Aws => {
            let parts: Vec<&str> = id.splitn(4, '/').collect();
            let s = |i: usize| parts.get(i).map(|s| (*s).to_owned());
            match parts.first().copied()? {
                "region" => Some(Subject::AwsRegion(s(1)?)),
                "eks" => Some(Subject::EksCluster {
                    region: s(1)?,
                    name: s(2)?,
                }),
                "fp" => Some(Subject::FargateProfile {
                    region: s(1)?,
                    cluster: s(2)?,
                    name: s(3)?,
                }),
                "ng" => Some(Subject::Nodegroup {
                    region: s(1)?,
                    cluster: s(2)?,
                    name: s(3)?,
                }),
                "ecs" => Some(Subject::EcsCluster {
                    region: s(1)?,
                    name: s(2)?,
                }),
                "svc" => Some(Subject::EcsService {
                    region: s(1)?,
                    cluster: s(2)?,
                    name: s(3)?,
                }),
                "task" => Some(Subject::EcsTask {
                    region: s(1)?,
                    cluster: s(2)?,
                    id: s(3)?,
                }),
                _ => None,
            }
        }
    }
}

/// The subject of a diagnosis object (`diagnose::ObjectRef`, whose fields
/// the README's JSON section defines per kind); `None` for kinds nothing
/// can be opened on (a gateway as a whole, an upstream without its node).
pub fn of_object(o: &crate::diagnose::ObjectRef) -> Option<Subject> {
    let owned = |s: &str| s.to_owned();
    Some(match o.kind.as_str() {
        "Cluster" => Subject::Cluster(owned(&o.name)),
        "AwsRegion" => Subject::AwsRegion(owned(&o.name)),
        "KongNode" => Subject::KongNode {
            gateway: owned(&o.namespace),
            node: owned(&o.name),
        },
        "FargateProfile" => Subject::FargateProfile {
            region: owned(&o.cluster),
            cluster: owned(&o.namespace),
            name: owned(&o.name),
        },
        "Nodegroup" => Subject::Nodegroup {
            region: owned(&o.cluster),
            cluster: owned(&o.namespace),
            name: owned(&o.name),
        },
        "EcsService" => Subject::EcsService {
            region: owned(&o.cluster),
            cluster: owned(&o.namespace),
            name: owned(&o.name),
        },
        "EcsTask" => Subject::EcsTask {
            region: owned(&o.cluster),
            cluster: owned(&o.namespace),
            id: owned(&o.name),
        },
        "Gateway" | "KongUpstream" => return None,
        kind => Subject::Kube(KubeRef::new(&o.cluster, kind, &o.namespace, &o.name)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_rows_split_from_the_right_so_arn_contexts_survive() {
        let ctx = "arn:aws:eks:eu-west-1:1:cluster/terrax";
        assert_eq!(
            of_row(
                ViewKind::Pods,
                &Scope::default(),
                &format!("{ctx}/tb-demo/service-1")
            ),
            Some(Subject::Kube(KubeRef::new(
                ctx,
                "Pod",
                "tb-demo",
                "service-1"
            )))
        );
        assert_eq!(
            of_row(
                ViewKind::Workloads,
                &Scope::default(),
                "prod/Deployment/shop/hello-api"
            ),
            Some(Subject::Kube(KubeRef::new(
                "prod",
                "Deployment",
                "shop",
                "hello-api"
            )))
        );
        assert_eq!(
            of_row(
                ViewKind::Nodes,
                &Scope::default(),
                "prod/fargate-ip-10-0-1-2"
            ),
            Some(Subject::Kube(KubeRef::new(
                "prod",
                "Node",
                "",
                "fargate-ip-10-0-1-2"
            )))
        );
    }

    #[test]
    fn kong_and_aws_rows() {
        let scope = Scope {
            gateway: Some("kong".into()),
            upstream: Some("hello.shop.80.svc".into()),
            ..Scope::default()
        };
        assert_eq!(
            of_row(ViewKind::Targets, &scope, "10.0.1.5:8080@kong-0"),
            Some(Subject::KongTarget {
                gateway: "kong".into(),
                node: "kong-0".into(),
                upstream: "hello.shop.80.svc".into(),
                target: "10.0.1.5:8080".into()
            })
        );
        assert_eq!(of_row(ViewKind::Gateways, &scope, "kong/-"), None);
        assert_eq!(
            of_row(ViewKind::Aws, &scope, "ng/eu-west-1/terrax/ng-mysql"),
            Some(Subject::Nodegroup {
                region: "eu-west-1".into(),
                cluster: "terrax".into(),
                name: "ng-mysql".into()
            })
        );
        assert_eq!(
            of_row(ViewKind::Aws, &scope, "svc/us-east-1/kong/kong-gw"),
            Some(Subject::EcsService {
                region: "us-east-1".into(),
                cluster: "kong".into(),
                name: "kong-gw".into()
            })
        );
    }
}
