//! What the Pods watcher decodes: only the parts of a Pod that [`PodRow`]
//! reads, with the field names and shapes of k8s-openapi's `Pod`.
//!
//! A relist of 100,000 pods used to decode each one whole — every
//! container's image, command, environment, probes and mounts, the managed
//! fields, every annotation — only to keep a few dozen facts. serde skips
//! what is not named here without allocating it, so a relist does about a
//! third of the work and never holds the rest.
//!
//! [`PodRow`]: super::pod::PodRow

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use super::node::LABEL_COMPUTE_TYPE;
use super::pod::ANNOTATION_CAPACITY_PROVISIONED;

type Full = k8s_openapi::api::core::v1::Pod;

/// The annotations a pod row reads; every other one is dropped as it is decoded.
const KEPT_ANNOTATIONS: [&str; 2] = [ANNOTATION_CAPACITY_PROVISIONED, LABEL_COMPUTE_TYPE];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pod {
    #[serde(default, deserialize_with = "slim_meta")]
    pub metadata: ObjectMeta,
    pub spec: Option<PodSpec>,
    pub status: Option<PodStatus>,
}

impl k8s_openapi::Resource for Pod {
    const API_VERSION: &'static str = <Full as k8s_openapi::Resource>::API_VERSION;
    const GROUP: &'static str = <Full as k8s_openapi::Resource>::GROUP;
    const KIND: &'static str = <Full as k8s_openapi::Resource>::KIND;
    const VERSION: &'static str = <Full as k8s_openapi::Resource>::VERSION;
    const URL_PATH_SEGMENT: &'static str = <Full as k8s_openapi::Resource>::URL_PATH_SEGMENT;
    type Scope = <Full as k8s_openapi::Resource>::Scope;
}

impl k8s_openapi::Metadata for Pod {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

impl Pod {
    /// The same pod, read from a whole k8s-openapi `Pod` (tests and
    /// fixtures build those) through its API JSON.
    pub fn of_full(pod: &Full) -> Result<Pod, serde_json::Error> {
        serde_json::to_value(pod).and_then(serde_json::from_value)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(default)]
    pub containers: Vec<Container>,
    pub init_containers: Option<Vec<Container>>,
    pub node_name: Option<String>,
    pub scheduler_name: Option<String>,
    pub volumes: Option<Vec<Volume>>,
    pub host_network: Option<bool>,
    pub overhead: Option<BTreeMap<String, Quantity>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub resources: Option<ResourceRequirements>,
    pub security_context: Option<SecurityContext>,
    pub ports: Option<Vec<ContainerPort>>,
    /// `Always` on an init container makes it a sidecar.
    pub restart_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResourceRequirements {
    pub requests: Option<BTreeMap<String, Quantity>>,
    pub limits: Option<BTreeMap<String, Quantity>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SecurityContext {
    pub privileged: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    pub host_port: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub persistent_volume_claim: Option<ClaimSource>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimSource {
    pub claim_name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    pub phase: Option<String>,
    pub reason: Option<String>,
    pub message: Option<String>,
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    pub conditions: Option<Vec<PodCondition>>,
    pub container_statuses: Option<Vec<ContainerStatus>>,
    pub init_container_statuses: Option<Vec<ContainerStatus>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition_time: Option<Time>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    #[serde(default)]
    pub ready: bool,
    #[serde(default)]
    pub restart_count: i32,
    pub state: Option<ContainerState>,
    pub last_state: Option<ContainerState>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContainerState {
    /// Only whether it is there matters.
    pub running: Option<IgnoredAny>,
    pub waiting: Option<ContainerStateWaiting>,
    pub terminated: Option<ContainerStateTerminated>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContainerStateWaiting {
    pub reason: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStateTerminated {
    #[serde(default)]
    pub exit_code: i32,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub finished_at: Option<Time>,
}

/// The metadata the row and the watcher read (the watcher resumes from
/// `resourceVersion`); managed fields and other annotations are skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    uid: Option<String>,
    resource_version: Option<String>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
    labels: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "kept_annotations")]
    annotations: Option<BTreeMap<String, String>>,
    owner_references: Option<Vec<OwnerReference>>,
}

fn slim_meta<'de, D: Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    let m = Meta::deserialize(d)?;
    Ok(ObjectMeta {
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resource_version: m.resource_version,
        creation_timestamp: m.creation_timestamp,
        deletion_timestamp: m.deletion_timestamp,
        labels: m.labels,
        annotations: m.annotations,
        owner_references: m.owner_references,
        ..ObjectMeta::default()
    })
}

fn kept_annotations<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    /// Visits the map, keeping only [`KEPT_ANNOTATIONS`].
    struct Kept;
    impl<'de> serde::de::Visitor<'de> for Kept {
        type Value = Option<BTreeMap<String, String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of annotations")
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut kept = BTreeMap::new();
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if KEPT_ANNOTATIONS.contains(&key.as_ref()) {
                    kept.insert(key.into_owned(), map.next_value::<String>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(Some(kept))
        }
    }
    d.deserialize_option(Kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Decoding the slim pod keeps everything the row reads, and drops the
    /// rest (annotations the row does not read, managed fields).
    #[test]
    fn keeps_what_the_row_reads_and_drops_the_rest() {
        let raw = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "namespace": "shop", "uid": "u1", "resourceVersion": "42",
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "labels": {"app": "web"},
                "annotations": {"CapacityProvisioned": "0.25vCPU 0.5GB",
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"big\": true}"},
                "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsV1": {"f:spec": {}}}],
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1",
                    "uid": "u0", "controller": true}]},
            "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "x",
                "env": [{"name": "A", "value": "b"}], "resources": {"requests": {"cpu": "100m"}}}]},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "containerStatuses": [{"name": "app", "image": "x", "imageID": "", "ready": true,
                    "restartCount": 2, "state": {"running": {"startedAt": "2026-01-01T00:00:01Z"}}}]}
        });
        let pod: Pod = serde_json::from_value(raw.clone()).expect("slim pod");
        assert_eq!(pod.metadata.resource_version.as_deref(), Some("42"));
        assert!(pod.metadata.managed_fields.is_none());
        let annotations = pod.metadata.annotations.as_ref().expect("annotations");
        assert_eq!(annotations.len(), 1, "{annotations:?}");
        let status = pod.status.as_ref().expect("status");
        assert_eq!(status.pod_ip.as_deref(), Some("10.0.0.1"));
        let c = &status.container_statuses.as_ref().expect("statuses")[0];
        assert!(c.ready && c.restart_count == 2);
        assert!(c.state.as_ref().is_some_and(|s| s.running.is_some()));
        // The same JSON read whole, then slimmed, gives the same row.
        let full: Full = serde_json::from_value(raw).expect("full pod");
        let via_full = Pod::of_full(&full).expect("slimmed");
        assert_eq!(
            super::super::pod::PodRow::from(&pod),
            super::super::pod::PodRow::from(&via_full)
        );
    }
}
