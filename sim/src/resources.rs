//! The API resources the simulated API server serves: what discovery
//! advertises, how paths map to stored kinds, and which fields a field
//! selector may name.

/// One served resource type.
#[derive(Debug)]
pub struct ApiResource {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// Subresources: (name, response group, version, kind, verbs).
    pub subresources: &'static [Subresource],
    /// Field-selector names beyond `metadata.name`/`metadata.namespace`,
    /// with the JSON pointer each reads.
    pub fields: &'static [(&'static str, &'static str)],
}

#[derive(Debug)]
pub struct Subresource {
    pub name: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
}

impl ApiResource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
}

const RW: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const STATUS: Subresource = Subresource {
    name: "status",
    group: "",
    version: "",
    kind: "",
    verbs: &["get", "patch", "update"],
};
const SCALE: Subresource = Subresource {
    name: "scale",
    group: "autoscaling",
    version: "v1",
    kind: "Scale",
    verbs: &["get", "patch", "update"],
};

/// Index into [`RESOURCES`]; the store keeps one map per entry.
pub type Rid = usize;

pub static RESOURCES: &[ApiResource] = &[
    ApiResource {
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        kind: "Namespace",
        namespaced: false,
        short_names: &["ns"],
        categories: &[],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[("status.phase", "/status/phase")],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "nodes",
        singular: "node",
        kind: "Node",
        namespaced: false,
        short_names: &["no"],
        categories: &[],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[("spec.unschedulable", "/spec/unschedulable")],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "pods",
        singular: "pod",
        kind: "Pod",
        namespaced: true,
        short_names: &["po"],
        categories: &["all"],
        verbs: RW,
        subresources: &[
            STATUS,
            Subresource {
                name: "log",
                group: "",
                version: "v1",
                kind: "Pod",
                verbs: &["get"],
            },
            Subresource {
                name: "portforward",
                group: "",
                version: "v1",
                kind: "PodPortForwardOptions",
                verbs: &["create", "get"],
            },
            Subresource {
                name: "proxy",
                group: "",
                version: "v1",
                kind: "PodProxyOptions",
                verbs: &["create", "delete", "get", "patch", "update"],
            },
        ],
        fields: &[
            ("spec.nodeName", "/spec/nodeName"),
            ("spec.schedulerName", "/spec/schedulerName"),
            ("spec.serviceAccountName", "/spec/serviceAccountName"),
            ("spec.restartPolicy", "/spec/restartPolicy"),
            ("status.phase", "/status/phase"),
            ("status.podIP", "/status/podIP"),
            ("status.nominatedNodeName", "/status/nominatedNodeName"),
        ],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        kind: "Service",
        namespaced: true,
        short_names: &["svc"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "endpoints",
        singular: "endpoints",
        kind: "Endpoints",
        namespaced: true,
        short_names: &["ep"],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "events",
        singular: "event",
        kind: "Event",
        namespaced: true,
        short_names: &["ev"],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[
            ("involvedObject.kind", "/involvedObject/kind"),
            ("involvedObject.namespace", "/involvedObject/namespace"),
            ("involvedObject.name", "/involvedObject/name"),
            ("involvedObject.uid", "/involvedObject/uid"),
            ("involvedObject.apiVersion", "/involvedObject/apiVersion"),
            (
                "involvedObject.resourceVersion",
                "/involvedObject/resourceVersion",
            ),
            ("involvedObject.fieldPath", "/involvedObject/fieldPath"),
            ("reason", "/reason"),
            ("reportingComponent", "/reportingComponent"),
            ("source", "/source/component"),
            ("type", "/type"),
        ],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        kind: "PersistentVolumeClaim",
        namespaced: true,
        short_names: &["pvc"],
        categories: &[],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        kind: "PersistentVolume",
        namespaced: false,
        short_names: &["pv"],
        categories: &[],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "configmaps",
        singular: "configmap",
        kind: "ConfigMap",
        namespaced: true,
        short_names: &["cm"],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[],
    },
    ApiResource {
        group: "",
        version: "v1",
        plural: "secrets",
        singular: "secret",
        kind: "Secret",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: RW,
        subresources: &[],
        // As the API server: `kubectl get secrets --field-selector type=...`.
        fields: &[("type", "/type")],
    },
    ApiResource {
        group: "apps",
        version: "v1",
        plural: "deployments",
        singular: "deployment",
        kind: "Deployment",
        namespaced: true,
        short_names: &["deploy"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS, SCALE],
        fields: &[],
    },
    ApiResource {
        group: "apps",
        version: "v1",
        plural: "replicasets",
        singular: "replicaset",
        kind: "ReplicaSet",
        namespaced: true,
        short_names: &["rs"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS, SCALE],
        fields: &[],
    },
    ApiResource {
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        singular: "statefulset",
        kind: "StatefulSet",
        namespaced: true,
        short_names: &["sts"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS, SCALE],
        fields: &[],
    },
    ApiResource {
        group: "apps",
        version: "v1",
        plural: "daemonsets",
        singular: "daemonset",
        kind: "DaemonSet",
        namespaced: true,
        short_names: &["ds"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "autoscaling",
        version: "v2",
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        kind: "HorizontalPodAutoscaler",
        namespaced: true,
        short_names: &["hpa"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "discovery.k8s.io",
        version: "v1",
        plural: "endpointslices",
        singular: "endpointslice",
        kind: "EndpointSlice",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[("addressType", "/addressType")],
    },
    ApiResource {
        group: "storage.k8s.io",
        version: "v1",
        plural: "storageclasses",
        singular: "storageclass",
        kind: "StorageClass",
        namespaced: false,
        short_names: &["sc"],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[],
    },
    ApiResource {
        group: "networking.k8s.io",
        version: "v1",
        plural: "ingresses",
        singular: "ingress",
        kind: "Ingress",
        namespaced: true,
        short_names: &["ing"],
        categories: &["all"],
        verbs: RW,
        subresources: &[STATUS],
        fields: &[],
    },
    ApiResource {
        group: "networking.k8s.io",
        version: "v1",
        plural: "ingressclasses",
        singular: "ingressclass",
        kind: "IngressClass",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[],
    },
    ApiResource {
        group: "coordination.k8s.io",
        version: "v1",
        plural: "leases",
        singular: "lease",
        kind: "Lease",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: RW,
        subresources: &[],
        fields: &[],
    },
];

/// The resource served at `group/version/plural`, if any.
pub fn find(group: &str, version: &str, plural: &str) -> Option<Rid> {
    RESOURCES
        .iter()
        .position(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The resource for a k8s-openapi type.
pub fn rid_of<K: k8s_openapi::Resource>() -> Rid {
    find(K::GROUP, K::VERSION, K::URL_PATH_SEGMENT)
        .unwrap_or_else(|| unreachable!("{} is not a served resource", K::KIND))
}

/// The groups served, in discovery order (core first).
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in RESOURCES {
        if !out.contains(&r.group) {
            out.push(r.group);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::{apps::v1::Deployment, autoscaling::v2::HorizontalPodAutoscaler};

    #[test]
    fn typed_kinds_map_to_served_resources() {
        assert_eq!(RESOURCES[rid_of::<Deployment>()].kind, "Deployment");
        assert_eq!(
            RESOURCES[rid_of::<HorizontalPodAutoscaler>()].api_version(),
            "autoscaling/v2"
        );
        assert_eq!(groups()[0], "");
        let ing = &RESOURCES[rid_of::<k8s_openapi::api::networking::v1::Ingress>()];
        assert_eq!(
            (ing.api_version(), ing.namespaced),
            ("networking.k8s.io/v1".into(), true)
        );
        let class = &RESOURCES[rid_of::<k8s_openapi::api::networking::v1::IngressClass>()];
        assert!(!class.namespaced);
    }
}
