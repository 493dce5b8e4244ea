//! DaemonSet → one pod per node it fits and tolerates, pinned to that node
//! with `matchFields metadata.name` as the real controller does; pods on
//! nodes that went away or no longer fit are removed.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    Toleration,
};

use super::events::{self, Source};
use super::meta::{controller_of, name, namespace, owner, safe_suffix, set_label, uid};
use super::replicasets::pods_by_owner;
use super::selectors::{node_fits, pinned_node, untolerated};
use super::{Ctx, admission, kubelet, podspec};
use crate::rng::{hash_str, mix};
use crate::store::Store;

const SOURCE: Source<'static> = Source {
    component: "daemonset-controller",
    host: None,
};

/// The tolerations the DaemonSet controller adds to every pod it makes.
fn default_tolerations() -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Default::default()
    };
    vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
}

fn pin(node: &str) -> Affinity {
    Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: None,
                    match_fields: Some(vec![NodeSelectorRequirement {
                        key: "metadata.name".into(),
                        operator: "In".into(),
                        values: Some(vec![node.to_owned()]),
                    }]),
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) {
    let sets = store.list::<DaemonSet>(None);
    let mut by_owner = pods_by_owner(store);
    for pods in by_owner.values() {
        for p in pods {
            if controller_of(&p.metadata).is_some_and(|o| {
                o.kind == "DaemonSet" && !sets.iter().any(|s| uid(&s.metadata) == o.uid)
            }) {
                kubelet::kill(store, p, ctx.now);
            }
        }
    }
    if sets.is_empty() {
        return;
    }
    let nodes = store.list::<Node>(None);
    for ds in sets {
        let pods = by_owner.remove(uid(&ds.metadata)).unwrap_or_default();
        sync_one(store, ctx, ds, pods, &nodes);
    }
}

fn sync_one(store: &mut Store, ctx: &Ctx, mut ds: DaemonSet, pods: Vec<Pod>, nodes: &[Node]) {
    let spec = ds.spec.clone();
    let template_spec = spec.template.spec.clone().unwrap_or_default();
    let mut probe = template_spec.clone();
    probe
        .tolerations
        .get_or_insert_with(Vec::new)
        .extend(default_tolerations());
    let eligible: Vec<&Node> = nodes
        .iter()
        .filter(|n| node_fits(&probe, n) && untolerated(&probe, n).is_none())
        .collect();
    let ns = namespace(&ds.metadata).to_owned();
    let dref = events::reference("DaemonSet", "apps/v1", &ds.metadata);
    let mut on_node: BTreeMap<String, Pod> = BTreeMap::new();
    for p in pods {
        let target = p
            .spec
            .as_ref()
            .and_then(pinned_node)
            .or_else(|| podspec::node_name(&p).map(str::to_owned));
        match target {
            Some(n)
                if eligible.iter().any(|e| name(&e.metadata) == n) && !on_node.contains_key(&n) =>
            {
                on_node.insert(n, p);
            }
            _ => {
                kubelet::kill(store, &p, ctx.now);
                let msg = format!("Deleted pod: {}", name(&p.metadata));
                events::record(
                    store,
                    ctx.now,
                    events::normal(&dref, "SuccessfulDelete", msg, SOURCE),
                );
            }
        }
    }
    for node in &eligible {
        let node_name = name(&node.metadata).to_owned();
        if on_node.contains_key(&node_name) {
            continue;
        }
        let mut n = mix(ctx.seed ^ hash_str(&node_name) ^ hash_str(uid(&ds.metadata)));
        let pod_name = loop {
            let candidate = format!("{}-{}", name(&ds.metadata), safe_suffix(n, 5));
            if store.get::<Pod>(&ns, &candidate).is_none() {
                break candidate;
            }
            n = mix(n);
        };
        let mut template = spec.template.clone();
        let ps = template.spec.get_or_insert_with(Default::default);
        ps.affinity = Some(pin(&node_name));
        ps.tolerations
            .get_or_insert_with(Vec::new)
            .extend(default_tolerations());
        let mut pod = podspec::from_template(
            &template,
            &ns,
            &pod_name,
            owner("DaemonSet", "apps/v1", &ds.metadata),
            ctx.now,
        );
        set_label(
            &mut pod.metadata,
            "controller-revision-hash",
            &safe_suffix(hash_str(&format!("{:?}", spec.template.spec)), 9),
        );
        set_label(
            &mut pod.metadata,
            "pod-template-generation",
            &ds.metadata.generation.unwrap_or(1).to_string(),
        );
        admission::admit(&mut pod, ctx.eks);
        if store.create(&pod).is_ok() {
            events::record(
                store,
                ctx.now,
                events::normal(
                    &dref,
                    "SuccessfulCreate",
                    format!("Created pod: {pod_name}"),
                    SOURCE,
                ),
            );
            on_node.insert(node_name, pod);
        }
    }
    let scheduled = on_node
        .values()
        .filter(|p| podspec::node_name(p).is_some())
        .count() as i32;
    let ready = on_node.values().filter(|p| podspec::is_ready(p)).count() as i32;
    let desired = eligible.len() as i32;
    let status = DaemonSetStatus {
        desired_number_scheduled: desired,
        current_number_scheduled: scheduled,
        number_ready: ready,
        number_available: Some(ready),
        number_unavailable: Some((desired - ready).max(0)),
        updated_number_scheduled: Some(on_node.len() as i32),
        number_misscheduled: 0,
        observed_generation: ds.metadata.generation,
        ..Default::default()
    };
    if ds.status.as_ref() != Some(&status) {
        ds.status = Some(status);
        let _ = store.replace(&ds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn one_pod_per_ec2_node_and_none_on_fargate() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("default", "web", &[("app", "web")], 1);
        t.apply_daemonset("kube-system", "aws-node", &[("k8s-app", "aws-node")], true);
        t.run_secs(20);
        let nodes: Vec<Node> = t.list("");
        assert_eq!(nodes.len(), 2, "one EC2 node and one Fargate node for web");
        let ds_pods = t.pods("kube-system");
        assert_eq!(ds_pods.len(), 1, "aws-node excludes Fargate by affinity");
        assert!(
            ds_pods[0]
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .is_some_and(|n| n.starts_with("ip-"))
        );
        let ds: DaemonSet = t.get("kube-system", "aws-node");
        assert_eq!(
            ds.status
                .map(|s| (s.desired_number_scheduled, s.number_ready)),
            Some((1, 1))
        );
    }
}
