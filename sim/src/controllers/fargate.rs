//! The Fargate scheduler: for each pod the webhook gave it, either refuses
//! it with the scheduler's own event text (it stays Pending), or after a
//! short provisioning delay creates its `fargate-ip-…` node and binds it.
//! A Fargate node goes when its pod goes.

use std::collections::HashSet;

use k8s_openapi::api::core::v1::{
    Node, PersistentVolume, PersistentVolumeClaim, Pod, PodCondition,
};

use super::admission::{FARGATE_SCHEDULER, PROFILE_LABEL};
use super::events::{self, FARGATE};
use super::meta::{controller_of, created, label, name, namespace, plus_secs, set_annotation, uid};
use super::{Ctx, Due, ips, nodes, podspec};
use crate::rng::{hash_str, mix};
use crate::store::Store;

pub const CAPACITY_ANNOTATION: &str = "CapacityProvisioned";

/// Why Fargate cannot run this pod, in the scheduler's words; None if it can.
pub fn refusal(store: &Store, pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let mut parts = Vec::new();
    if controller_of(&pod.metadata).is_some_and(|o| o.kind == "DaemonSet") {
        parts.push("DaemonSet pods are not supported".to_owned());
    }
    let mut fields = Vec::new();
    if spec.host_network == Some(true) {
        fields.push("HostNetwork");
    }
    if spec.host_pid == Some(true) {
        fields.push("HostPID");
    }
    if spec.host_ipc == Some(true) {
        fields.push("HostIPC");
    }
    if !fields.is_empty() {
        parts.push(format!("fields not supported: {}", fields.join(", ")));
    }
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    if containers
        .clone()
        .any(|c| c.security_context.as_ref().and_then(|s| s.privileged) == Some(true))
    {
        parts.push("invalid SecurityContext fields: Privileged".to_owned());
    }
    let host_port = containers
        .flat_map(|c| c.ports.iter().flatten())
        .any(|p| p.host_port.is_some_and(|h| h != 0) || p.host_ip.is_some())
        || spec.host_network == Some(true);
    if host_port {
        parts.push("port contains HostIP or HostPort".to_owned());
    }
    let ns = namespace(&pod.metadata);
    let mut vols = Vec::new();
    for v in spec.volumes.iter().flatten() {
        if v.host_path.is_some() || v.aws_elastic_block_store.is_some() {
            vols.push(format!("{} is of an unsupported volume Type", v.name));
        } else if let Some(claim) = &v.persistent_volume_claim {
            let pvc = store.get::<PersistentVolumeClaim>(ns, &claim.claim_name);
            let bound = pvc
                .as_ref()
                .filter(|c| c.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound"))
                .and_then(|c| c.spec.as_ref()?.volume_name.clone());
            match bound {
                None => vols.push(format!(
                    "{} not supported because: PVC {} not bound",
                    v.name, claim.claim_name
                )),
                Some(pv_name) => {
                    let pv = store.get::<PersistentVolume>("", &pv_name);
                    let efs = pv
                        .as_ref()
                        .and_then(|p| p.spec.as_ref()?.csi.as_ref())
                        .is_some_and(|c| c.driver == "efs.csi.aws.com");
                    if !efs {
                        vols.push(format!("{} is of an unsupported volume Type", v.name));
                    }
                }
            }
        }
    }
    if !vols.is_empty() {
        parts.push(format!("volumes not supported: {}", vols.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("Pod not supported on Fargate: {}", parts.join(", ")))
}

/// Seconds Fargate takes to provision this pod's micro-VM (2–4 s).
fn provisioning_delay(pod: &Pod) -> f64 {
    2.0 + (hash_str(uid(&pod.metadata)) % 2000) as f64 / 1000.0
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    let pods = store.list::<Pod>(None);
    let nodes = store.list::<Node>(None);
    // A Fargate node lives exactly as long as its pod.
    let hosted: HashSet<&str> = pods.iter().filter_map(podspec::node_name).collect();
    for n in &nodes {
        if nodes::is_fargate(n) && !hosted.contains(name(&n.metadata)) {
            let _ = store.delete::<Node>("", name(&n.metadata));
        }
    }
    let mut used: HashSet<String> = nodes
        .iter()
        .filter_map(|n| ips::ip_of_node(name(&n.metadata)))
        .collect();
    for pod in pods {
        let spec = pod.spec.as_ref();
        if spec.and_then(|s| s.scheduler_name.as_deref()) != Some(FARGATE_SCHEDULER)
            || podspec::node_name(&pod).is_some()
        {
            continue;
        }
        if let Some(why) = refusal(store, &pod) {
            refuse(store, ctx, pod, why);
            continue;
        }
        let ready_at = plus_secs(
            created(&pod.metadata).unwrap_or(ctx.now),
            provisioning_delay(&pod),
        );
        if ctx.now < ready_at {
            due.at(ready_at);
            continue;
        }
        bind(store, ctx, pod, &mut used);
    }
    due
}

fn refuse(store: &mut Store, ctx: &Ctx, mut pod: Pod, why: String) {
    let pref = events::reference("Pod", "v1", &pod.metadata);
    events::record(
        store,
        ctx.now,
        events::warning(&pref, "FailedScheduling", why.clone(), FARGATE).every(60.0),
    );
    let status = pod.status.get_or_insert_with(Default::default);
    let conds = status.conditions.get_or_insert_with(Vec::new);
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

fn bind(store: &mut Store, ctx: &Ctx, mut pod: Pod, used: &mut HashSet<String>) {
    let profile = label(&pod.metadata, PROFILE_LABEL)
        .unwrap_or_default()
        .to_owned();
    let zones = ctx
        .eks
        .fargate_profiles
        .iter()
        .find(|p| p.name == profile)
        .map(|p| p.subnets_azs.clone())
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| ctx.zones());
    let h = mix(ctx.seed ^ hash_str(uid(&pod.metadata)));
    let zone = zones[(h % zones.len() as u64) as usize].clone();
    let ip = ips::pick(ctx.seed, &zone, uid(&pod.metadata), used);
    used.insert(ip.clone());
    let node_name = format!("fargate-{}", ips::host_name(&ip, ctx.region));
    let node = nodes::fargate_node(ctx, &node_name, &ip, &zone, h);
    if store.create(&node).is_err() {
        return;
    }
    let capacity = podspec::fargate_capacity(&pod);
    set_annotation(&mut pod.metadata, CAPACITY_ANNOTATION, &capacity);
    set_annotation(
        &mut pod.metadata,
        "Logging",
        "LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND",
    );
    if let Some(s) = pod.spec.as_mut() {
        s.node_name = Some(node_name.clone());
    }
    let status = pod.status.get_or_insert_with(Default::default);
    let conds = status.conditions.get_or_insert_with(Vec::new);
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
            "Successfully assigned {}/{} to {node_name}",
            namespace(&pod.metadata),
            name(&pod.metadata)
        );
        events::record(
            store,
            ctx.now,
            events::normal(&pref, "Scheduled", msg, FARGATE),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn matched_pod_gets_its_own_fargate_node_after_a_short_delay() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("tb-demo", "service", &[("app", "service")], 1);
        t.run_secs(1);
        let pod = &t.pods("tb-demo")[0];
        assert_eq!(label(&pod.metadata, PROFILE_LABEL), Some("fp-demo-service"));
        assert!(
            podspec::node_name(pod).is_none(),
            "Fargate takes a few seconds"
        );
        t.run_secs(5);
        let pod = &t.pods("tb-demo")[0];
        let node_name = podspec::node_name(pod).unwrap_or_default().to_owned();
        assert!(
            node_name.starts_with("fargate-ip-10-0-")
                && node_name.ends_with(".eu-west-1.compute.internal"),
            "{node_name}"
        );
        assert_eq!(
            super::super::meta::annotation(&pod.metadata, CAPACITY_ANNOTATION),
            Some("0.25vCPU 0.5GB")
        );
        let node: Node = t.get("", &node_name);
        assert_eq!(
            label(&node.metadata, "eks.amazonaws.com/compute-type"),
            Some("fargate")
        );
        let taint = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .and_then(|t| t.first())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (taint.key.as_str(), taint.effect.as_str()),
            ("eks.amazonaws.com/compute-type", "NoSchedule")
        );
        assert!(
            node.spec
                .and_then(|s| s.provider_id)
                .is_some_and(|p| p.starts_with("aws:///eu-west-1") && p.ends_with(&node_name))
        );
        t.scale_deployment("tb-demo", "service", 0);
        t.run_secs(2);
        assert!(
            t.store().get::<Node>("", &node_name).is_none(),
            "the node goes with its pod"
        );
    }

    #[test]
    fn refusals_use_the_fargate_scheduler_text() {
        let mut t = testkit::Harness::terrax();
        let mut pod = testkit::pod("default", "net", &[("app", "net")]);
        if let Some(s) = pod.spec.as_mut() {
            s.host_network = Some(true);
        }
        t.create_pod(pod);
        t.run_secs(10);
        let evs = events::about(t.store(), "default", "net");
        let ev = evs
            .iter()
            .find(|e| e.reason.as_deref() == Some("FailedScheduling"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            ev.message.as_deref(),
            Some(
                "Pod not supported on Fargate: fields not supported: HostNetwork, port contains HostIP or HostPort"
            )
        );
        assert_eq!(
            ev.source.and_then(|s| s.component).as_deref(),
            Some("fargate-scheduler")
        );
        assert_eq!(podspec::phase(&t.pods("default")[0]), "Pending");
    }
}
