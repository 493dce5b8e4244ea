//! ReplicaSet → Pods: creates the missing pods from the template, removes
//! the surplus (unscheduled, then not ready, then newest first), keeps the
//! status counts, and garbage-collects pods whose ReplicaSet is gone.

use std::collections::{BTreeMap, HashSet};

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::Pod;

use super::events::{self, Source};
use super::meta::{controller_of, created, name, namespace, owner, safe_suffix, uid};
use super::{Ctx, admission, kubelet, podspec};
use crate::rng::{hash_str, mix};
use crate::store::Store;

const SOURCE: Source<'static> = Source {
    component: "replicaset-controller",
    host: None,
};

/// Pods grouped by the uid of their controlling owner.
pub fn pods_by_owner(store: &Store) -> BTreeMap<String, Vec<Pod>> {
    let mut out: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
    for p in store.list::<Pod>(None) {
        if let Some(o) = controller_of(&p.metadata) {
            out.entry(o.uid.clone()).or_default().push(p);
        }
    }
    out
}

/// Order in which surplus pods go: unscheduled, pending, not ready, newest.
pub fn deletion_rank(
    p: &Pod,
) -> (
    bool,
    bool,
    bool,
    std::cmp::Reverse<Option<jiff::Timestamp>>,
    String,
) {
    let assigned = podspec::node_name(p).is_some();
    let running = podspec::phase(p) == "Running";
    let ready = podspec::is_ready(p);
    let newest_first = std::cmp::Reverse(created(&p.metadata));
    (
        assigned,
        running,
        ready,
        newest_first,
        name(&p.metadata).to_owned(),
    )
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) {
    let sets = store.list::<ReplicaSet>(None);
    let mut by_owner = pods_by_owner(store);
    let live: HashSet<String> = sets.iter().map(|r| uid(&r.metadata).to_owned()).collect();
    // Garbage collection of pods whose ReplicaSet was deleted.
    for pods in by_owner.values() {
        for p in pods {
            if controller_of(&p.metadata)
                .is_some_and(|o| o.kind == "ReplicaSet" && !live.contains(&o.uid))
            {
                kubelet::kill(store, p, ctx.now);
            }
        }
    }
    for rs in sets {
        let pods = by_owner.remove(uid(&rs.metadata)).unwrap_or_default();
        sync_one(store, ctx, rs, pods);
    }
}

fn sync_one(store: &mut Store, ctx: &Ctx, mut rs: ReplicaSet, mut pods: Vec<Pod>) {
    let ns = namespace(&rs.metadata).to_owned();
    let rs_name = name(&rs.metadata).to_owned();
    let desired = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let rs_ref = events::reference("ReplicaSet", "apps/v1", &rs.metadata);
    if pods.len() < desired {
        let Some(template) = rs.spec.template.clone() else {
            return;
        };
        let mut n = mix(ctx.seed ^ hash_str(uid(&rs.metadata)) ^ store.resource_version());
        while pods.len() < desired {
            n = mix(n);
            let pod_name = format!("{rs_name}-{}", safe_suffix(n, 5));
            if store.get::<Pod>(&ns, &pod_name).is_some() {
                continue;
            }
            let mut pod = podspec::from_template(
                &template,
                &ns,
                &pod_name,
                owner("ReplicaSet", "apps/v1", &rs.metadata),
                ctx.now,
            );
            admission::admit(&mut pod, ctx.eks);
            if let Ok(stored) = store.create(&pod) {
                pod.metadata.uid = Some(stored.uid.clone());
                events::record(
                    store,
                    ctx.now,
                    events::normal(
                        &rs_ref,
                        "SuccessfulCreate",
                        format!("Created pod: {pod_name}"),
                        SOURCE,
                    ),
                );
                pods.push(pod);
            }
        }
    } else if pods.len() > desired {
        pods.sort_by_key(deletion_rank);
        let surplus = pods.len() - desired;
        for p in pods.drain(..surplus) {
            kubelet::kill(store, &p, ctx.now);
            let msg = format!("Deleted pod: {}", name(&p.metadata));
            events::record(
                store,
                ctx.now,
                events::normal(&rs_ref, "SuccessfulDelete", msg, SOURCE),
            );
        }
    }
    let ready = pods.iter().filter(|p| podspec::is_ready(p)).count() as i32;
    let status = ReplicaSetStatus {
        replicas: pods.len() as i32,
        fully_labeled_replicas: Some(pods.len() as i32),
        ready_replicas: Some(ready),
        available_replicas: Some(ready),
        observed_generation: rs.metadata.generation,
        ..rs.status.clone().unwrap_or_default()
    };
    if rs.status.as_ref() != Some(&status) {
        rs.status = Some(status);
        let _ = store.replace(&rs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn scales_up_then_down_removing_newest_first() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("tb-demo", "service", &[("app", "service")], 2);
        t.run_secs(15);
        let before: Vec<String> = t
            .pods("tb-demo")
            .iter()
            .map(|p| name(&p.metadata).to_owned())
            .collect();
        assert_eq!(before.len(), 2);
        t.scale_deployment("tb-demo", "service", 4);
        t.run_secs(15);
        assert_eq!(t.pods("tb-demo").len(), 4);
        t.scale_deployment("tb-demo", "service", 1);
        t.run_secs(2);
        let after: Vec<String> = t
            .pods("tb-demo")
            .iter()
            .map(|p| name(&p.metadata).to_owned())
            .collect();
        assert_eq!(after.len(), 1);
        assert!(
            before.contains(&after[0]),
            "the oldest pod survives: {after:?} of {before:?}"
        );
    }
}
