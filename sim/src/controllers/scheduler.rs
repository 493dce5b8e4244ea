//! The default scheduler: places every pod not claimed by Fargate onto a
//! node it fits (Ready, schedulable, taints tolerated, nodeSelector and
//! affinity, `pods`/cpu/memory allocatable, the zone of a bound volume);
//! otherwise reports FailedScheduling with the real `0/N nodes are
//! available: …` summary. Virtual-kubelet nodes are ordinary nodes here.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{
    Node, PersistentVolume, PersistentVolumeClaim, Pod, PodCondition,
};

use super::admission::{self, DEFAULT_SCHEDULER};
use super::events::{self, SCHEDULER};
use super::meta::{label, name, namespace, set_annotation};
use super::selectors::{node_fits, untolerated};
use super::{Ctx, nodes, podspec, volumes};
use crate::store::Store;

pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

#[derive(Default, Clone, Copy)]
struct Load {
    pods: i64,
    cpu: i64,
    mem: i64,
}

fn allocatable(n: &Node, key: &str) -> Option<String> {
    n.status
        .as_ref()?
        .allocatable
        .as_ref()?
        .get(key)
        .map(|q| q.0.clone())
}

/// What the pod's volumes demand: zones its bound PVs pin, or a pod-level refusal.
fn volume_constraints(store: &Store, pod: &Pod) -> Result<(Option<String>, Vec<String>), String> {
    let ns = namespace(&pod.metadata);
    let mut zone = None;
    let mut wffc = Vec::new();
    for v in pod.spec.iter().flat_map(|s| s.volumes.iter().flatten()) {
        let Some(claim) = &v.persistent_volume_claim else {
            continue;
        };
        let Some(pvc) = store.get::<PersistentVolumeClaim>(ns, &claim.claim_name) else {
            return Err(format!(
                "persistentvolumeclaim \"{}\" not found",
                claim.claim_name
            ));
        };
        match pvc
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.clone())
            .filter(|_| volumes::is_bound(&pvc))
        {
            Some(pv_name) => {
                let pv = store.get::<PersistentVolume>("", &pv_name);
                if let Some(z) = pv.as_ref().and_then(volumes::pv_zone) {
                    zone = Some(z);
                }
            }
            None if volumes::binds_immediately(store, &pvc) => {
                return Err("pod has unbound immediate PersistentVolumeClaims".into());
            }
            None => wffc.push(claim.claim_name.clone()),
        }
    }
    Ok((zone, wffc))
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) {
    let pods = store.list::<Pod>(None);
    let pending: Vec<Pod> = pods
        .iter()
        .filter(|p| podspec::node_name(p).is_none() && podspec::phase(p) == "Pending")
        .cloned()
        .collect();
    if pending.is_empty() {
        return;
    }
    let nodes = store.list::<Node>(None);
    let mut load: HashMap<String, Load> = HashMap::new();
    for p in &pods {
        if let Some(n) = podspec::node_name(p) {
            let (cpu, mem) = podspec::requests(p);
            let l = load.entry(n.to_owned()).or_default();
            l.pods += 1;
            l.cpu += cpu;
            l.mem += mem;
        }
    }
    for mut pod in pending {
        if pod
            .spec
            .as_ref()
            .is_some_and(|s| s.scheduler_name.is_none())
        {
            admission::admit(&mut pod, ctx.eks);
            let _ = store.replace(&pod);
        }
        if pod.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()) != Some(DEFAULT_SCHEDULER) {
            continue;
        }
        match place(store, &pod, &nodes, &load) {
            Ok((node, wffc)) => {
                let (cpu, mem) = podspec::requests(&pod);
                let l = load.entry(node.clone()).or_default();
                l.pods += 1;
                l.cpu += cpu;
                l.mem += mem;
                bind(store, ctx, pod, &node, &wffc);
            }
            Err(why) => {
                let pref = events::reference("Pod", "v1", &pod.metadata);
                events::record(
                    store,
                    ctx.now,
                    events::warning(&pref, "FailedScheduling", why.clone(), SCHEDULER).every(60.0),
                );
                let conds = pod
                    .status
                    .get_or_insert_with(Default::default)
                    .conditions
                    .get_or_insert_with(Vec::new);
                crate::controllers::meta::set_condition::<PodCondition>(
                    conds,
                    "PodScheduled",
                    "False",
                    Some("Unschedulable"),
                    Some(why),
                    ctx.now,
                );
                let _ = store.replace(&pod);
            }
        }
    }
}

fn place(
    store: &Store,
    pod: &Pod,
    nodes: &[Node],
    load: &HashMap<String, Load>,
) -> Result<(String, Vec<String>), String> {
    let total = nodes.len();
    if total == 0 {
        return Err("no nodes available to schedule pods".into());
    }
    let summary = |reasons: BTreeMap<String, usize>| {
        let list: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
        format!(
            "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
            list.join(", ")
        )
    };
    let (zone, wffc) = volume_constraints(store, pod).map_err(|e| format!("0/{total} nodes are available: {e}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."))?;
    let spec = pod.spec.clone().unwrap_or_default();
    let (cpu, mem) = podspec::requests(pod);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut fits: Vec<(i64, String)> = Vec::new();
    for n in nodes {
        let nname = name(&n.metadata).to_owned();
        let l = load.get(&nname).copied().unwrap_or_default();
        let alloc = |k: &str, parse: fn(&str) -> Option<i64>| {
            allocatable(n, k).and_then(|q| parse(&q)).unwrap_or(0)
        };
        let why = if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            Some("node(s) were unschedulable".to_owned())
        } else if !nodes::is_ready(n) {
            Some("node(s) had untolerated taint {node.kubernetes.io/not-ready: }".to_owned())
        } else if !node_fits(&spec, n) {
            Some("node(s) didn't match Pod's node affinity/selector".to_owned())
        } else if let Some(t) = untolerated(&spec, n) {
            Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.key,
                t.value.as_deref().unwrap_or_default()
            ))
        } else if l.pods + 1 > alloc("pods", |q| q.parse().ok()) {
            Some("Too many pods".to_owned())
        } else if cpu > 0 && l.cpu + cpu > alloc("cpu", podspec::cpu_millis) {
            Some("Insufficient cpu".to_owned())
        } else if mem > 0 && l.mem + mem > alloc("memory", podspec::mem_bytes) {
            Some("Insufficient memory".to_owned())
        } else if zone
            .as_deref()
            .is_some_and(|z| label(&n.metadata, "topology.kubernetes.io/zone") != Some(z))
        {
            Some("node(s) had volume node affinity conflict".to_owned())
        } else {
            None
        };
        match why {
            Some(r) => *reasons.entry(r).or_default() += 1,
            None => fits.push((l.pods, nname)),
        }
    }
    fits.sort();
    fits.into_iter()
        .next()
        .map(|(_, n)| (n, wffc))
        .ok_or_else(|| summary(reasons))
}

fn bind(store: &mut Store, ctx: &Ctx, mut pod: Pod, node: &str, wffc: &[String]) {
    let ns = namespace(&pod.metadata).to_owned();
    // The volume binder picks this node for claims waiting on their first consumer.
    for claim in wffc {
        if let Some(mut pvc) = store.get::<PersistentVolumeClaim>(&ns, claim) {
            set_annotation(&mut pvc.metadata, SELECTED_NODE, node);
            let _ = store.replace(&pvc);
        }
    }
    if let Some(s) = pod.spec.as_mut() {
        s.node_name = Some(node.to_owned());
    }
    let conds = pod
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "PodScheduled",
        "True",
        None,
        None,
        ctx.now,
    );
    if store.replace(&pod).is_ok() {
        let pref = events::reference("Pod", "v1", &pod.metadata);
        let msg = format!(
            "Successfully assigned {ns}/{} to {node}",
            name(&pod.metadata)
        );
        events::record(
            store,
            ctx.now,
            events::normal(&pref, "Scheduled", msg, SCHEDULER),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn pod_missing_the_profile_label_lands_on_ec2() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("tb-demo", "worker", &[("app", "worker")], 1);
        t.run_secs(15);
        let pod = &t.pods("tb-demo")[0];
        let node = podspec::node_name(pod).unwrap_or_default();
        assert!(node.starts_with("ip-10-0-"), "{node}");
        assert!(label(&pod.metadata, admission::PROFILE_LABEL).is_none());
    }

    #[test]
    fn a_pod_scheduled_after_failing_keeps_its_old_failed_scheduling_event() {
        let mut t = testkit::Harness::terrax();
        t.set_nodegroup_desired("node-group", 0);
        let mut dns = testkit::pod("kube-system", "coredns-late", &[("k8s-app", "kube-dns")]);
        dns.metadata.annotations =
            Some([(admission::COMPUTE_TYPE.to_owned(), "ec2".to_owned())].into());
        t.create_pod(dns);
        t.run_secs(10);
        assert_eq!(podspec::node_name(&t.pods("kube-system")[0]), None);
        // Capacity arrives: the pod binds, and its FailedScheduling stays,
        // older than the PodScheduled=True transition (as on a real cluster).
        t.set_nodegroup_desired("node-group", 1);
        t.run_secs(120);
        let pod = t.pods("kube-system").remove(0);
        assert!(podspec::node_name(&pod).is_some(), "still unbound");
        let bound = podspec::bound_at(&pod).expect("PodScheduled=True");
        let failed = events::about(t.store(), "kube-system", "coredns-late")
            .into_iter()
            .find(|e| e.reason.as_deref() == Some("FailedScheduling"))
            .expect("the FailedScheduling event is kept");
        let last = failed.last_timestamp.map(|t| t.0).expect("its time");
        assert!(last < bound, "event {last} vs bound {bound}");
    }

    #[test]
    fn coredns_opted_out_of_fargate_stays_pending_on_a_fargate_only_cluster() {
        let mut t = testkit::Harness::terrax();
        t.set_nodegroup_desired("node-group", 0);
        t.apply_deployment("default", "web", &[("app", "web")], 1);
        let mut dns = testkit::pod(
            "kube-system",
            "coredns-6d8f5c7b9-x2x4k",
            &[("k8s-app", "kube-dns")],
        );
        dns.metadata.annotations =
            Some([(admission::COMPUTE_TYPE.to_owned(), "ec2".to_owned())].into());
        t.create_pod(dns);
        t.run_secs(10);
        let dns = t.pods("kube-system").remove(0);
        assert_eq!(podspec::phase(&dns), "Pending");
        let ev = events::about(t.store(), "kube-system", "coredns-6d8f5c7b9-x2x4k")
            .pop()
            .and_then(|e| e.message)
            .unwrap_or_default();
        assert_eq!(
            ev,
            "0/1 nodes are available: 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        );
    }
}
