//! What an action is about: the typed subject of the selected row (see
//! [`crate::view::subject`]), or the subject of a diagnosis object.

pub use crate::view::subject::{KubeRef, Subject};

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
        kind => Subject::kube(&o.cluster, kind, &o.namespace, &o.name),
    })
}
