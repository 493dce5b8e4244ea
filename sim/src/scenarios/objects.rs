//! Typed object builders (used by the controllers' tests).
//! Builders for the objects scenarios (and controller tests) start from:
//! workloads from one [`App`] description, Services, HPAs, storage classes,
//! namespaces. Only specs: the controllers produce every status.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, Namespace, NamespaceStatus, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec,
    ResourceRequirements, SecurityContext, Service, ServicePort, ServiceSpec, Toleration, Volume,
    VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

type Map = BTreeMap<String, String>;

fn map(pairs: &[(&str, &str)]) -> Map {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn meta(ns: &str, name: &str, labels: &Map) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: (!ns.is_empty()).then(|| ns.to_owned()),
        labels: (!labels.is_empty()).then(|| labels.clone()),
        ..Default::default()
    }
}

/// One application: enough to build its Deployment, StatefulSet or DaemonSet.
#[derive(Debug, Clone)]
pub struct App {
    pub namespace: String,
    pub name: String,
    pub labels: Map,
    pub replicas: i32,
    pub image: String,
    pub container: String,
    pub requests: Option<(String, String)>,
    pub port: Option<i32>,
    pub pod_annotations: Map,
    pub tolerations: Vec<Toleration>,
    pub node_selector: Map,
    /// (volume name, claim name) mounted at /data.
    pub claim: Option<(String, String)>,
    pub privileged: bool,
    pub host_network: bool,
}

impl App {
    pub fn new(namespace: &str, name: &str, image: &str) -> App {
        App {
            namespace: namespace.into(),
            name: name.into(),
            labels: map(&[("app", name)]),
            replicas: 1,
            image: image.into(),
            container: name.into(),
            requests: Some(("100m".into(), "128Mi".into())),
            port: None,
            pod_annotations: Map::new(),
            tolerations: Vec::new(),
            node_selector: Map::new(),
            claim: None,
            privileged: false,
            host_network: false,
        }
    }

    pub fn labels(mut self, pairs: &[(&str, &str)]) -> Self {
        self.labels = map(pairs);
        self
    }

    pub fn replicas(mut self, n: i32) -> Self {
        self.replicas = n;
        self
    }

    pub fn container(mut self, name: &str) -> Self {
        self.container = name.into();
        self
    }

    pub fn requests(mut self, cpu: &str, memory: &str) -> Self {
        self.requests = Some((cpu.into(), memory.into()));
        self
    }

    pub fn no_requests(mut self) -> Self {
        self.requests = None;
        self
    }

    pub fn port(mut self, port: i32) -> Self {
        self.port = Some(port);
        self
    }

    pub fn annotate(mut self, key: &str, value: &str) -> Self {
        self.pod_annotations.insert(key.into(), value.into());
        self
    }

    /// Shorthand for the kubelet behaviour annotation.
    pub fn behavior(self, b: &str) -> Self {
        self.annotate(crate::controllers::podspec::BEHAVIOR, b)
    }

    pub fn tolerate(mut self, key: &str, value: Option<&str>, effect: &str) -> Self {
        self.tolerations.push(Toleration {
            key: Some(key.into()),
            operator: Some(if value.is_some() { "Equal" } else { "Exists" }.into()),
            value: value.map(str::to_owned),
            effect: Some(effect.into()),
            toleration_seconds: None,
        });
        self
    }

    pub fn node_selector(mut self, key: &str, value: &str) -> Self {
        self.node_selector.insert(key.into(), value.into());
        self
    }

    pub fn claim(mut self, volume: &str, claim: &str) -> Self {
        self.claim = Some((volume.into(), claim.into()));
        self
    }

    pub fn privileged(mut self) -> Self {
        self.privileged = true;
        self
    }

    pub fn host_network(mut self) -> Self {
        self.host_network = true;
        self
    }

    pub fn selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(self.labels.clone()),
            match_expressions: None,
        }
    }

    pub fn template(&self) -> PodTemplateSpec {
        let resources = self
            .requests
            .as_ref()
            .map(|(cpu, mem)| ResourceRequirements {
                requests: Some(BTreeMap::from([
                    ("cpu".to_owned(), Quantity(cpu.clone())),
                    ("memory".to_owned(), Quantity(mem.clone())),
                ])),
                limits: Some(BTreeMap::from([(
                    "memory".to_owned(),
                    Quantity(mem.clone()),
                )])),
                ..Default::default()
            });
        let container = Container {
            name: self.container.clone(),
            image: Some(self.image.clone()),
            ports: self.port.map(|p| {
                vec![ContainerPort {
                    container_port: p,
                    name: Some("http".into()),
                    protocol: Some("TCP".into()),
                    host_port: self.host_network.then_some(p),
                    ..Default::default()
                }]
            }),
            resources,
            security_context: self.privileged.then(|| SecurityContext {
                privileged: Some(true),
                ..Default::default()
            }),
            volume_mounts: self.claim.as_ref().map(|(v, _)| {
                vec![VolumeMount {
                    name: v.clone(),
                    mount_path: "/data".into(),
                    ..Default::default()
                }]
            }),
            ..Default::default()
        };
        PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(self.labels.clone()),
                annotations: (!self.pod_annotations.is_empty())
                    .then(|| self.pod_annotations.clone()),
                ..Default::default()
            }),
            spec: Some(PodSpec {
                containers: vec![container],
                tolerations: (!self.tolerations.is_empty()).then(|| self.tolerations.clone()),
                node_selector: (!self.node_selector.is_empty()).then(|| self.node_selector.clone()),
                host_network: self.host_network.then_some(true),
                volumes: self.claim.as_ref().map(|(v, c)| {
                    vec![Volume {
                        name: v.clone(),
                        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                            claim_name: c.clone(),
                            read_only: None,
                        }),
                        ..Default::default()
                    }]
                }),
                ..Default::default()
            }),
        }
    }

    pub fn deployment(&self) -> Deployment {
        Deployment {
            metadata: meta(&self.namespace, &self.name, &self.labels),
            spec: DeploymentSpec {
                replicas: Some(self.replicas),
                selector: self.selector(),
                template: self.template(),
                progress_deadline_seconds: Some(600),
                revision_history_limit: Some(10),
                ..Default::default()
            },
            status: None,
        }
    }

    /// A StatefulSet with one claim template `data` of `class` when given.
    pub fn statefulset(&self, class: Option<&str>, size: &str) -> StatefulSet {
        let mut template = self.template();
        let claim_templates = class.map(|c| {
            if let Some(container) = template
                .spec
                .as_mut()
                .and_then(|s| s.containers.first_mut())
            {
                container.volume_mounts = Some(vec![VolumeMount {
                    name: "data".into(),
                    mount_path: "/var/lib/data".into(),
                    ..Default::default()
                }]);
            }
            vec![pvc_template("data", c, size)]
        });
        StatefulSet {
            metadata: meta(&self.namespace, &self.name, &self.labels),
            spec: StatefulSetSpec {
                replicas: Some(self.replicas),
                selector: self.selector(),
                service_name: Some(self.name.clone()),
                template,
                volume_claim_templates: claim_templates,
                pod_management_policy: Some("OrderedReady".into()),
                ..Default::default()
            },
            status: None,
        }
    }

    pub fn daemonset(&self) -> DaemonSet {
        DaemonSet {
            metadata: meta(&self.namespace, &self.name, &self.labels),
            spec: DaemonSetSpec {
                selector: self.selector(),
                template: self.template(),
                ..Default::default()
            },
            status: None,
        }
    }

    /// A ClusterIP Service selecting this app: `port` → the container port.
    pub fn service(&self, port: i32) -> Service {
        service(
            &self.namespace,
            &self.name,
            &self.labels,
            port,
            self.port.unwrap_or(port),
        )
    }
}

fn pvc_template(name: &str, class: &str, size: &str) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            storage_class_name: Some(class.into()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(size.into()),
                )])),
                limits: None,
            }),
            volume_mode: Some("Filesystem".into()),
            ..Default::default()
        }),
        status: None,
    }
}

/// A standalone claim (Pending until the PV controller binds it).
pub fn pvc(ns: &str, name: &str, class: &str, size: &str) -> PersistentVolumeClaim {
    let mut p = pvc_template(name, class, size);
    p.metadata.namespace = Some(ns.into());
    p.status = Some(k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
        phase: Some("Pending".into()),
        ..Default::default()
    });
    p
}

pub fn service(ns: &str, name: &str, selector: &Map, port: i32, target: i32) -> Service {
    Service {
        metadata: meta(ns, name, &map(&[("app", name)])),
        spec: Some(ServiceSpec {
            selector: Some(selector.clone()),
            ports: Some(vec![ServicePort {
                name: Some("http".into()),
                port,
                target_port: Some(IntOrString::Int(target)),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            type_: Some("ClusterIP".into()),
            session_affinity: Some("None".into()),
            ..Default::default()
        }),
        status: None,
    }
}

/// An HPA on a Deployment at `cpu_percent` average CPU utilization.
pub fn hpa(
    ns: &str,
    deployment: &str,
    min: i32,
    max: i32,
    cpu_percent: i32,
) -> HorizontalPodAutoscaler {
    hpa_with(
        ns,
        deployment,
        min,
        max,
        vec![MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: "cpu".into(),
                target: MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(cpu_percent),
                    ..Default::default()
                },
            }),
            ..Default::default()
        }],
    )
}

pub fn hpa_with(
    ns: &str,
    deployment: &str,
    min: i32,
    max: i32,
    metrics: Vec<MetricSpec>,
) -> HorizontalPodAutoscaler {
    HorizontalPodAutoscaler {
        metadata: meta(ns, deployment, &Map::new()),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: deployment.into(),
            },
            min_replicas: Some(min),
            max_replicas: max,
            metrics: Some(metrics),
            behavior: None,
        },
        status: None,
    }
}

pub fn namespace(name: &str) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(map(&[("kubernetes.io/metadata.name", name)])),
            ..Default::default()
        },
        spec: Some(k8s_openapi::api::core::v1::NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        }),
        status: Some(NamespaceStatus {
            phase: Some("Active".into()),
            conditions: None,
        }),
    }
}

/// A StorageClass; `default` marks it the cluster default.
pub fn storage_class(name: &str, provisioner: &str, binding: &str, default: bool) -> StorageClass {
    let mut annotations = Map::new();
    if default {
        annotations.insert(
            crate::controllers::volumes::DEFAULT_CLASS.into(),
            "true".into(),
        );
    }
    let parameters = match provisioner {
        "efs.csi.aws.com" => map(&[
            ("provisioningMode", "efs-ap"),
            ("fileSystemId", "fs-0a1b2c3d4e5f60718"),
            ("directoryPerms", "700"),
        ]),
        _ => map(&[("type", "gp2"), ("fsType", "ext4")]),
    };
    StorageClass {
        metadata: ObjectMeta {
            name: Some(name.into()),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..Default::default()
        },
        provisioner: provisioner.into(),
        parameters: Some(parameters),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some(binding.into()),
        allow_volume_expansion: Some(provisioner != "efs.csi.aws.com"),
        ..Default::default()
    }
}

/// A pod already Running and Ready on `node` since `started`, as the
/// controllers would have left it (the scale scenario builds 100k of these
/// directly instead of pushing them through the scheduler).
pub fn running_pod(
    app: &App,
    pod_name: &str,
    node: &str,
    host_ip: &str,
    pod_ip: &str,
    started: jiff::Timestamp,
    owner: Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference>,
) -> k8s_openapi::api::core::v1::Pod {
    use k8s_openapi::api::core::v1::{
        ContainerState, ContainerStateRunning, ContainerStatus, HostIP, Pod, PodCondition, PodIP,
        PodStatus,
    };
    let t = crate::controllers::meta::time(started);
    let template = app.template();
    let mut spec = template.spec.unwrap_or_default();
    spec.node_name = Some(node.into());
    spec.scheduler_name = Some(crate::controllers::admission::DEFAULT_SCHEDULER.into());
    spec.restart_policy = Some("Always".into());
    let cond = |ty: &str| PodCondition {
        type_: ty.into(),
        status: "True".into(),
        last_transition_time: Some(t.clone()),
        ..Default::default()
    };
    let h = crate::rng::hash_str(pod_name);
    let statuses = spec
        .containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            image_id: format!(
                "docker.io/library/{}@sha256:{}",
                c.name,
                crate::rng::Rng::new(h).hex(64)
            ),
            container_id: Some(format!(
                "containerd://{}",
                crate::rng::Rng::new(h ^ 1).hex(64)
            )),
            ready: true,
            started: Some(true),
            restart_count: 0,
            state: Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(t.clone()),
                }),
                ..Default::default()
            }),
            last_state: Some(ContainerState::default()),
            ..Default::default()
        })
        .collect();
    let mut meta = template.metadata.unwrap_or_default();
    meta.name = Some(pod_name.into());
    meta.namespace = Some(app.namespace.clone());
    meta.creation_timestamp = Some(t.clone());
    meta.owner_references = owner.map(|o| vec![o]);
    Pod {
        metadata: meta,
        spec: Some(spec),
        status: Some(PodStatus {
            phase: Some("Running".into()),
            conditions: Some(
                [
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled",
                ]
                .iter()
                .map(|c| cond(c))
                .collect(),
            ),
            host_ip: Some(host_ip.into()),
            host_ips: Some(vec![HostIP { ip: host_ip.into() }]),
            pod_ip: Some(pod_ip.into()),
            pod_ips: Some(vec![PodIP { ip: pod_ip.into() }]),
            start_time: Some(t.clone()),
            qos_class: Some("Burstable".into()),
            container_statuses: Some(statuses),
            ..Default::default()
        }),
    }
}
