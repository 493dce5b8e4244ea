//! PersistentVolumeClaims, PersistentVolumes and StorageClasses: enough to
//! explain why a claim is Pending (class, provisioner, binding mode).

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct PvcRow {
    pub namespace: String,
    pub name: String,
    pub phase: String,
    pub class: Option<String>,
    pub volume: Option<String>,
    pub requested: Option<String>,
    pub capacity: Option<String>,
    pub access_modes: Vec<String>,
    pub created: Option<Timestamp>,
}

impl Row for PvcRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&PersistentVolumeClaim> for PvcRow {
    fn from(p: &PersistentVolumeClaim) -> Self {
        let (namespace, name) = key_of(&p.metadata);
        let spec = p.spec.as_ref();
        let status = p.status.as_ref();
        PvcRow {
            namespace: namespace.clone(),
            name: name.clone(),
            phase: sanitize(status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending")),
            class: spec
                .and_then(|s| s.storage_class_name.as_deref())
                .map(sanitize),
            volume: spec
                .and_then(|s| s.volume_name.as_deref())
                .filter(|v| !v.is_empty())
                .map(sanitize),
            requested: spec
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone()),
            capacity: status
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("storage"))
                .map(|q| q.0.clone()),
            access_modes: spec
                .and_then(|s| s.access_modes.clone())
                .unwrap_or_default()
                .iter()
                .map(|m| short_mode(m))
                .collect(),
            created: p.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

fn short_mode(m: &str) -> String {
    match m {
        "ReadWriteOnce" => "RWO".into(),
        "ReadOnlyMany" => "ROX".into(),
        "ReadWriteMany" => "RWX".into(),
        "ReadWriteOncePod" => "RWOP".into(),
        other => sanitize(other),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PvRow {
    pub name: String,
    pub phase: String,
    pub claim: Option<(String, String)>,
    pub class: Option<String>,
    pub capacity: Option<String>,
    pub reclaim: Option<String>,
    pub access_modes: Vec<String>,
    pub created: Option<Timestamp>,
}

impl Row for PvRow {
    fn key(&self) -> (&str, &str) {
        ("", &self.name)
    }
}

impl From<&PersistentVolume> for PvRow {
    fn from(p: &PersistentVolume) -> Self {
        let spec = p.spec.as_ref();
        PvRow {
            name: p.metadata.name.clone().unwrap_or_default(),
            phase: sanitize(
                p.status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .unwrap_or("Pending"),
            ),
            claim: spec.and_then(|s| s.claim_ref.as_ref()).map(|c| {
                (
                    sanitize(c.namespace.as_deref().unwrap_or_default()),
                    sanitize(c.name.as_deref().unwrap_or_default()),
                )
            }),
            class: spec
                .and_then(|s| s.storage_class_name.as_deref())
                .map(sanitize),
            capacity: spec
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("storage"))
                .map(|q| q.0.clone()),
            reclaim: spec
                .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                .map(sanitize),
            access_modes: spec
                .and_then(|s| s.access_modes.as_ref())
                .into_iter()
                .flatten()
                .map(|m| short_mode(m))
                .collect(),
            created: p.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StorageClassRow {
    pub name: String,
    pub provisioner: String,
    /// `Immediate` (the default) or `WaitForFirstConsumer`.
    pub binding_mode: String,
    pub is_default: bool,
    pub reclaim: Option<String>,
    pub created: Option<Timestamp>,
}

impl Row for StorageClassRow {
    fn key(&self) -> (&str, &str) {
        ("", &self.name)
    }
}

impl From<&StorageClass> for StorageClassRow {
    fn from(s: &StorageClass) -> Self {
        let (_, name) = key_of(&s.metadata);
        StorageClassRow {
            name: name.clone(),
            provisioner: sanitize(&s.provisioner),
            binding_mode: sanitize(s.volume_binding_mode.as_deref().unwrap_or("Immediate")),
            is_default: s
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("storageclass.kubernetes.io/is-default-class"))
                .is_some_and(|v| v == "true"),
            reclaim: s.reclaim_policy.as_deref().map(sanitize),
            created: s.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn pending_claim_and_wffc_class() {
        let pvc = PvcRow::from(&fixtures::pending_pvc());
        assert_eq!(pvc.phase, "Pending");
        assert_eq!(pvc.class.as_deref(), Some("gp2"));
        assert_eq!(pvc.volume, None);
        assert_eq!(pvc.access_modes, vec!["RWO".to_string()]);
        let sc = StorageClassRow::from(&fixtures::gp2_class());
        assert_eq!(sc.binding_mode, "WaitForFirstConsumer");
        assert_eq!(sc.provisioner, "kubernetes.io/aws-ebs");
        assert!(sc.is_default);
    }
}
