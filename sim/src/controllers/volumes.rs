//! The PV controller and the EBS/EFS provisioners: claims bind per their
//! class's `volumeBindingMode`. Immediate classes provision at once;
//! WaitForFirstConsumer claims wait (with the Normal `WaitForFirstConsumer`
//! event) until the scheduler selects a node for a consuming pod, then get
//! a volume in that node's zone. Fargate never selects a node for an
//! unbound claim, so a Fargate-claimed consumer deadlocks (seed 001).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    AWSElasticBlockStoreVolumeSource, CSIPersistentVolumeSource, Node, NodeSelector,
    NodeSelectorRequirement, NodeSelectorTerm, ObjectReference, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeSpec, PersistentVolumeStatus, VolumeNodeAffinity,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::events::{self, PV_CONTROLLER, Source};
use super::meta::{annotation, label, name, namespace, plus_secs, set_annotation, time, uid};
use super::scheduler::SELECTED_NODE;
use super::{Ctx, Due};
use crate::rng::{Rng, hash_str, mix};
use crate::store::Store;

pub const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
const WFFC_REPEAT_SECS: f64 = 15.0;

pub fn is_bound(pvc: &PersistentVolumeClaim) -> bool {
    pvc.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound")
}

fn class_of(store: &Store, pvc: &PersistentVolumeClaim) -> Option<StorageClass> {
    let cname = pvc.spec.as_ref()?.storage_class_name.clone()?;
    store.get::<StorageClass>("", &cname)
}

pub fn binds_immediately(store: &Store, pvc: &PersistentVolumeClaim) -> bool {
    class_of(store, pvc)
        .is_some_and(|c| c.volume_binding_mode.as_deref() != Some("WaitForFirstConsumer"))
}

/// The zone a PV's node affinity pins it to (EBS volumes live in one AZ).
pub fn pv_zone(pv: &PersistentVolume) -> Option<String> {
    pv.spec
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required
        .as_ref()?
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_expressions.iter().flatten())
        .find(|r| r.key.ends_with("/zone"))
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// The DefaultStorageClass admission plugin: an unset class becomes the default one.
pub fn default_class(store: &Store, pvc: &mut PersistentVolumeClaim) {
    let spec = pvc.spec.get_or_insert_with(Default::default);
    if spec.storage_class_name.is_some() {
        return;
    }
    spec.storage_class_name = store
        .list::<StorageClass>(None)
        .into_iter()
        .find(|c| annotation(&c.metadata, DEFAULT_CLASS) == Some("true"))
        .and_then(|c| c.metadata.name);
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    let claims = store.list::<PersistentVolumeClaim>(None);
    // Released volumes: the claim is gone; Delete reclaims them.
    for pv in store.list::<PersistentVolume>(None) {
        let Some(claim) = pv.spec.as_ref().and_then(|s| s.claim_ref.clone()) else {
            continue;
        };
        let exists = claims
            .iter()
            .any(|c| Some(uid(&c.metadata)) == claim.uid.as_deref());
        if !exists {
            if pv
                .spec
                .as_ref()
                .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
                == Some("Retain")
            {
                let mut pv = pv;
                pv.status = Some(PersistentVolumeStatus {
                    phase: Some("Released".into()),
                    ..Default::default()
                });
                let _ = store.replace(&pv);
            } else {
                let _ = store.delete::<PersistentVolume>("", name(&pv.metadata));
            }
        }
    }
    for pvc in claims.into_iter().filter(|c| !is_bound(c)) {
        let cref = events::reference("PersistentVolumeClaim", "v1", &pvc.metadata);
        let Some(class) = class_of(store, &pvc) else {
            let msg = match pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone()) {
                Some(c) => format!("storageclass.storage.k8s.io \"{c}\" not found"),
                None => {
                    "no persistent volumes available for this claim and no storage class is set"
                        .to_owned()
                }
            };
            let reason = if msg.starts_with("storageclass") {
                "ProvisioningFailed"
            } else {
                "FailedBinding"
            };
            events::record(
                store,
                ctx.now,
                events::warning(&cref, reason, msg, PV_CONTROLLER).every(60.0),
            );
            continue;
        };
        let wffc = class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer");
        let zone = match annotation(&pvc.metadata, SELECTED_NODE) {
            Some(node) => store
                .get::<Node>("", node)
                .and_then(|n| label(&n.metadata, "topology.kubernetes.io/zone").map(str::to_owned)),
            None if wffc => {
                let msg = "waiting for first consumer to be created before binding".to_owned();
                events::record(
                    store,
                    ctx.now,
                    events::normal(&cref, "WaitForFirstConsumer", msg, PV_CONTROLLER)
                        .every(WFFC_REPEAT_SECS),
                );
                due.at(plus_secs(ctx.now, WFFC_REPEAT_SECS));
                continue;
            }
            None => None,
        };
        let zones = ctx.zones();
        let zone = zone.unwrap_or_else(|| {
            zones[(hash_str(uid(&pvc.metadata)) % zones.len() as u64) as usize].clone()
        });
        provision(store, ctx, pvc, &class, &zone);
    }
    due
}

fn provision(
    store: &mut Store,
    ctx: &Ctx,
    mut pvc: PersistentVolumeClaim,
    class: &StorageClass,
    zone: &str,
) {
    let provisioner = class.provisioner.clone();
    let pv_name = format!("pvc-{}", uid(&pvc.metadata));
    let spec = pvc.spec.clone().unwrap_or_default();
    let size = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref()?.get("storage").cloned())
        .unwrap_or_else(|| Quantity("1Gi".into()));
    let mut rng = Rng::new(mix(ctx.seed ^ hash_str(&pv_name)));
    let fs_type = class
        .parameters
        .as_ref()
        .and_then(|p| {
            p.get("csi.storage.k8s.io/fstype")
                .or(p.get("fsType"))
                .cloned()
        })
        .unwrap_or_else(|| "ext4".into());
    let zone_affinity = |key: &str| VolumeNodeAffinity {
        required: Some(NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm {
                match_expressions: Some(vec![NodeSelectorRequirement {
                    key: key.into(),
                    operator: "In".into(),
                    values: Some(vec![zone.to_owned()]),
                }]),
                match_fields: None,
            }],
        }),
    };
    let mut pv_spec = PersistentVolumeSpec {
        capacity: Some(BTreeMap::from([("storage".to_owned(), size.clone())])),
        access_modes: spec.access_modes.clone(),
        claim_ref: Some(ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("PersistentVolumeClaim".into()),
            name: pvc.metadata.name.clone(),
            namespace: pvc.metadata.namespace.clone(),
            uid: pvc.metadata.uid.clone(),
            resource_version: pvc.metadata.resource_version.clone(),
            field_path: None,
        }),
        persistent_volume_reclaim_policy: Some(
            class
                .reclaim_policy
                .clone()
                .unwrap_or_else(|| "Delete".into()),
        ),
        storage_class_name: Some(name(&class.metadata).to_owned()),
        volume_mode: Some("Filesystem".into()),
        ..Default::default()
    };
    let mut labels = BTreeMap::new();
    match provisioner.as_str() {
        "kubernetes.io/aws-ebs" => {
            pv_spec.aws_elastic_block_store = Some(AWSElasticBlockStoreVolumeSource {
                volume_id: format!("aws://{zone}/vol-0{}", rng.hex(16)),
                fs_type: Some(fs_type),
                ..Default::default()
            });
            pv_spec.node_affinity = Some(zone_affinity("topology.kubernetes.io/zone"));
            labels.insert("topology.kubernetes.io/zone".to_owned(), zone.to_owned());
            labels.insert(
                "topology.kubernetes.io/region".to_owned(),
                ctx.region.to_owned(),
            );
        }
        "efs.csi.aws.com" => {
            pv_spec.csi = Some(CSIPersistentVolumeSource {
                driver: provisioner.clone(),
                volume_handle: format!("fs-0{}::fsap-0{}", rng.hex(16), rng.hex(16)),
                ..Default::default()
            });
        }
        _ => {
            pv_spec.csi = Some(CSIPersistentVolumeSource {
                driver: provisioner.clone(),
                volume_handle: format!("vol-0{}", rng.hex(16)),
                fs_type: Some(fs_type),
                volume_attributes: Some(BTreeMap::from([(
                    "storage.kubernetes.io/csiProvisionerIdentity".to_owned(),
                    format!("1733900000000-{}-{provisioner}", rng.below(9000) + 1000),
                )])),
                ..Default::default()
            });
            pv_spec.node_affinity = Some(zone_affinity("topology.kubernetes.io/zone"));
        }
    }
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: Some(pv_name.clone()),
            labels: (!labels.is_empty()).then_some(labels),
            annotations: Some(BTreeMap::from([
                (
                    "pv.kubernetes.io/provisioned-by".to_owned(),
                    provisioner.clone(),
                ),
                (
                    "volume.kubernetes.io/provisioner-deletion-secret-name".to_owned(),
                    String::new(),
                ),
                (
                    "volume.kubernetes.io/provisioner-deletion-secret-namespace".to_owned(),
                    String::new(),
                ),
            ])),
            finalizers: Some(vec!["kubernetes.io/pv-protection".into()]),
            creation_timestamp: Some(time(ctx.now)),
            ..Default::default()
        },
        spec: Some(pv_spec),
        status: Some(PersistentVolumeStatus {
            phase: Some("Bound".into()),
            ..Default::default()
        }),
    };
    if store.create(&pv).is_err() {
        return;
    }
    let cref = events::reference("PersistentVolumeClaim", "v1", &pvc.metadata);
    let claim = format!("{}/{}", namespace(&pvc.metadata), name(&pvc.metadata));
    let csi = provisioner.contains('.');
    if csi {
        let src = Source {
            component: &provisioner,
            host: None,
        };
        let msg = format!("External provisioner is provisioning volume for claim \"{claim}\"");
        events::record(
            store,
            ctx.now,
            events::normal(&cref, "Provisioning", msg, src),
        );
        events::record(
            store,
            ctx.now,
            events::normal(
                &cref,
                "ProvisioningSucceeded",
                format!("Successfully provisioned volume {pv_name}"),
                src,
            ),
        );
    } else {
        let msg = format!("Successfully provisioned volume {pv_name} using {provisioner}");
        events::record(
            store,
            ctx.now,
            events::normal(&cref, "ProvisioningSucceeded", msg, PV_CONTROLLER),
        );
    }
    for (k, v) in [
        ("pv.kubernetes.io/bind-completed", "yes"),
        ("pv.kubernetes.io/bound-by-controller", "yes"),
        (
            "volume.beta.kubernetes.io/storage-provisioner",
            provisioner.as_str(),
        ),
        (
            "volume.kubernetes.io/storage-provisioner",
            provisioner.as_str(),
        ),
    ] {
        set_annotation(&mut pvc.metadata, k, v);
    }
    pvc.metadata
        .finalizers
        .get_or_insert_with(|| vec!["kubernetes.io/pvc-protection".into()]);
    if let Some(s) = pvc.spec.as_mut() {
        s.volume_name = Some(pv_name);
        s.volume_mode.get_or_insert_with(|| "Filesystem".into());
    }
    let status = pvc.status.get_or_insert_with(Default::default);
    status.phase = Some("Bound".into());
    status.access_modes = spec.access_modes.clone();
    status.capacity = Some(BTreeMap::from([("storage".to_owned(), size)]));
    let _ = store.replace(&pvc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;
    use k8s_openapi::api::core::v1::Pod;

    #[test]
    fn wffc_claim_binds_only_when_its_pod_lands_on_ec2() {
        let mut t = testkit::Harness::terrax();
        // On EC2 (app=database does not match fp-demo-service): binds in the node's zone.
        t.apply_statefulset("tb-demo", "mysql", &[("app", "database")], 1, Some("gp2"));
        // In the default namespace: Fargate claims it and refuses the unbound claim.
        t.apply_statefulset("default", "cache", &[("app", "cache")], 1, Some("gp2"));
        t.run_secs(30);
        let bound: PersistentVolumeClaim = t.get("tb-demo", "data-mysql-0");
        assert!(is_bound(&bound));
        let pv: PersistentVolume = t.get(
            "",
            bound
                .spec
                .as_ref()
                .and_then(|s| s.volume_name.as_deref())
                .unwrap_or_default(),
        );
        let pod: Pod = t.get("tb-demo", "mysql-0");
        let node: Node = t.get(
            "",
            pod.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .unwrap_or_default(),
        );
        assert_eq!(
            pv_zone(&pv).as_deref(),
            label(&node.metadata, "topology.kubernetes.io/zone")
        );
        assert_eq!(
            annotation(&bound.metadata, "pv.kubernetes.io/bind-completed"),
            Some("yes")
        );

        let stuck: PersistentVolumeClaim = t.get("default", "data-cache-0");
        assert!(!is_bound(&stuck));
        let reasons: Vec<String> = events::about(t.store(), "default", "data-cache-0")
            .into_iter()
            .filter_map(|e| e.reason)
            .collect();
        assert_eq!(reasons, ["WaitForFirstConsumer"]);
        let msgs: Vec<String> = events::about(t.store(), "default", "cache-0")
            .into_iter()
            .filter_map(|e| e.message)
            .collect();
        assert_eq!(
            msgs,
            [
                "Pod not supported on Fargate: volumes not supported: data not supported because: PVC data-cache-0 not bound"
            ]
        );
    }

    #[test]
    fn immediate_class_binds_at_once() {
        let mut t = testkit::Harness::terrax();
        t.apply_statefulset("default", "cache", &[("app", "cache")], 1, Some("tb-gp2"));
        t.run_secs(1);
        let pvc: PersistentVolumeClaim = t.get("default", "data-cache-0");
        assert!(is_bound(&pvc));
    }
}
