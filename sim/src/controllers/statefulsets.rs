//! StatefulSet → Pods `<name>-<ordinal>` created in order (each waits for
//! the previous one to be Ready), a PVC `<claim>-<name>-<ordinal>` per
//! volumeClaimTemplate (kept on scale-down), highest ordinal removed first.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeClaimVolumeSource, Pod,
    PodTemplateSpec, Volume,
};

use super::events::{self, Source};
use super::meta::{controller_of, name, namespace, owner, safe_suffix, set_label, time, uid};
use super::replicasets::pods_by_owner;
use super::{Ctx, admission, kubelet, podspec, volumes};
use crate::rng::hash_str;
use crate::store::Store;

const SOURCE: Source<'static> = Source {
    component: "statefulset-controller",
    host: None,
};

fn ordinal(sts: &str, pod: &str) -> Option<usize> {
    pod.strip_prefix(sts)?.strip_prefix('-')?.parse().ok()
}

pub fn revision(sts: &StatefulSet) -> String {
    let template = &sts.spec.template;
    let text = serde_json::to_string(&template).unwrap_or_default();
    format!(
        "{}-{}",
        name(&sts.metadata),
        safe_suffix(hash_str(&text), 10)
    )
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) {
    let sets = store.list::<StatefulSet>(None);
    let mut by_owner = pods_by_owner(store);
    for pods in by_owner.values() {
        for p in pods {
            if controller_of(&p.metadata).is_some_and(|o| {
                o.kind == "StatefulSet" && !sets.iter().any(|s| uid(&s.metadata) == o.uid)
            }) {
                kubelet::kill(store, p, ctx.now);
            }
        }
    }
    for sts in sets {
        let pods = by_owner.remove(uid(&sts.metadata)).unwrap_or_default();
        sync_one(store, ctx, sts, pods);
    }
}

fn sync_one(store: &mut Store, ctx: &Ctx, mut sts: StatefulSet, pods: Vec<Pod>) {
    let spec = sts.spec.clone();
    let ns = namespace(&sts.metadata).to_owned();
    let sts_name = name(&sts.metadata).to_owned();
    let desired = spec.replicas.unwrap_or(1).max(0) as usize;
    let rev = revision(&sts);
    let sref = events::reference("StatefulSet", "apps/v1", &sts.metadata);
    let mut by_ord: BTreeMap<usize, Pod> = pods
        .into_iter()
        .filter_map(|p| Some((ordinal(&sts_name, name(&p.metadata))?, p)))
        .collect();
    // Scale down: highest ordinal first.
    let surplus: Vec<usize> = by_ord.keys().copied().filter(|o| *o >= desired).collect();
    for o in surplus.into_iter().rev() {
        if let Some(p) = by_ord.remove(&o) {
            kubelet::kill(store, &p, ctx.now);
            let msg = format!(
                "delete Pod {} in StatefulSet {sts_name} successful",
                name(&p.metadata)
            );
            events::record(
                store,
                ctx.now,
                events::normal(&sref, "SuccessfulDelete", msg, SOURCE),
            );
        }
    }
    // Scale up in order: create the lowest missing ordinal once all below are Ready.
    let ordered = spec.pod_management_policy.as_deref() != Some("Parallel");
    for o in 0..desired {
        if by_ord.contains_key(&o) {
            continue;
        }
        if ordered && (0..o).any(|lower| !by_ord.get(&lower).is_some_and(podspec::is_ready)) {
            break;
        }
        let pod_name = format!("{sts_name}-{o}");
        let mut template: PodTemplateSpec = spec.template.clone();
        let pod_spec = template.spec.get_or_insert_with(Default::default);
        pod_spec.hostname = Some(pod_name.clone());
        pod_spec.subdomain = spec.service_name.clone();
        for claim in spec.volume_claim_templates.iter().flatten() {
            let claim_tmpl = name(&claim.metadata);
            let claim_name = format!("{claim_tmpl}-{pod_name}");
            if store
                .get::<PersistentVolumeClaim>(&ns, &claim_name)
                .is_none()
            {
                let mut pvc = claim.clone();
                pvc.metadata.name = Some(claim_name.clone());
                pvc.metadata.namespace = Some(ns.clone());
                pvc.metadata.labels = spec.selector.match_labels.clone();
                pvc.metadata.creation_timestamp = Some(time(ctx.now));
                pvc.status = Some(PersistentVolumeClaimStatus {
                    phase: Some("Pending".into()),
                    ..Default::default()
                });
                volumes::default_class(store, &mut pvc);
                if store.create(&pvc).is_ok() {
                    let msg = format!(
                        "create Claim {claim_name} Pod {pod_name} in StatefulSet {sts_name} success"
                    );
                    events::record(
                        store,
                        ctx.now,
                        events::normal(&sref, "SuccessfulCreate", msg, SOURCE),
                    );
                }
            }
            let vols = pod_spec.volumes.get_or_insert_with(Vec::new);
            vols.retain(|v| v.name != claim_tmpl);
            vols.push(Volume {
                name: claim_tmpl.to_owned(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name,
                    read_only: None,
                }),
                ..Default::default()
            });
        }
        let mut pod = podspec::from_template(
            &template,
            &ns,
            &pod_name,
            owner("StatefulSet", "apps/v1", &sts.metadata),
            ctx.now,
        );
        set_label(
            &mut pod.metadata,
            "statefulset.kubernetes.io/pod-name",
            &pod_name,
        );
        set_label(
            &mut pod.metadata,
            "apps.kubernetes.io/pod-index",
            &o.to_string(),
        );
        set_label(&mut pod.metadata, "controller-revision-hash", &rev);
        admission::admit(&mut pod, ctx.eks);
        if store.create(&pod).is_ok() {
            let msg = format!("create Pod {pod_name} in StatefulSet {sts_name} successful");
            events::record(
                store,
                ctx.now,
                events::normal(&sref, "SuccessfulCreate", msg, SOURCE),
            );
            by_ord.insert(o, pod);
        }
        if ordered {
            break;
        }
    }
    let replicas = by_ord.len() as i32;
    let ready = by_ord.values().filter(|p| podspec::is_ready(p)).count() as i32;
    let status = StatefulSetStatus {
        replicas,
        ready_replicas: Some(ready),
        available_replicas: Some(ready),
        current_replicas: Some(replicas),
        updated_replicas: Some(replicas),
        current_revision: Some(rev.clone()),
        update_revision: Some(rev),
        observed_generation: sts.metadata.generation,
        collision_count: Some(0),
        conditions: None,
    };
    if sts.status.as_ref() != Some(&status) {
        sts.status = Some(status);
        let _ = store.replace(&sts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn ordinals_come_up_in_order_with_their_claims() {
        let mut t = testkit::Harness::terrax();
        t.apply_statefulset("tb-demo", "mysql", &[("app", "database")], 2, Some("gp2"));
        t.run_secs(1);
        assert_eq!(t.pods("tb-demo").len(), 1, "mysql-1 waits for mysql-0");
        let pvc: PersistentVolumeClaim = t.get("tb-demo", "data-mysql-0");
        assert_eq!(
            pvc.spec.and_then(|s| s.storage_class_name).as_deref(),
            Some("gp2")
        );
        t.run_secs(30);
        let names: Vec<String> = t
            .pods("tb-demo")
            .iter()
            .map(|p| name(&p.metadata).to_owned())
            .collect();
        assert_eq!(names, ["mysql-0", "mysql-1"]);
        let sts: StatefulSet = t.get("tb-demo", "mysql");
        assert_eq!(sts.status.and_then(|s| s.ready_replicas), Some(2));
    }
}
