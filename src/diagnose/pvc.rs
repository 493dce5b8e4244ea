//! Claims that can never bind: the WaitForFirstConsumer deadlock (the claim
//! waits for its pod, the pod waits for the claim), and EBS claims mounted by
//! pods Fargate runs (Fargate cannot mount EBS).

use super::index::ClusterIndex;
use super::{Action, Code, Finding, ObjectRef, Snapshot};
use crate::model::pod::PodRow;
use crate::model::pvc::{PvcRow, StorageClassRow};

/// Seconds the default scheduler gets before "no node fits" is a deadlock.
const SCHEDULER_GRACE: i64 = 120;

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        for pvc in c.data.stores.pvcs.iter() {
            let class = pvc
                .class
                .as_deref()
                .and_then(|n| c.data.stores.storageclasses.get("", n));
            let consumers = c
                .pods_by_claim
                .get(&(pvc.namespace.as_str(), pvc.name.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            if pvc.phase == "Pending"
                && let Some(sc) = class.filter(|sc| sc.binding_mode == "WaitForFirstConsumer")
            {
                out.extend(
                    consumers
                        .iter()
                        .filter(|p| p.node.is_none() && p.phase == "Pending")
                        .find_map(|p| deadlock(s, c, pvc, sc, p)),
                );
                continue;
            }
            if let Some(sc) = class.filter(|sc| is_ebs(&sc.provisioner)) {
                for p in consumers.iter().filter(|p| on_fargate(p)) {
                    out.push(ebs_on_fargate(c, pvc, sc, p));
                }
            }
        }
    }
    out
}

pub fn is_ebs(provisioner: &str) -> bool {
    provisioner == "ebs.csi.aws.com" || provisioner == "kubernetes.io/aws-ebs"
}

/// Claimed by a Fargate profile (or already scheduled by the Fargate scheduler).
pub fn on_fargate(p: &PodRow) -> bool {
    p.fargate_profile.is_some() || p.scheduler.as_deref() == Some("fargate-scheduler")
}

fn pvc_ref(c: &ClusterIndex, pvc: &PvcRow) -> ObjectRef {
    ObjectRef::new(c.name(), "PersistentVolumeClaim", &pvc.namespace, &pvc.name)
}

fn class_ref(c: &ClusterIndex, sc: &StorageClassRow) -> ObjectRef {
    ObjectRef::new(c.name(), "StorageClass", "", &sc.name)
}

/// The scheduler's reason a pod is not placed: its condition message, else the latest warning.
pub fn scheduler_message(c: &ClusterIndex, p: &PodRow) -> Option<String> {
    c.warning("Pod", &p.namespace, &p.name)
        .map(|e| e.message.clone())
        .or_else(|| p.notes().message.clone())
        .filter(|m| !m.is_empty())
}

fn deadlock(
    s: &Snapshot,
    c: &ClusterIndex,
    pvc: &PvcRow,
    sc: &StorageClassRow,
    p: &PodRow,
) -> Option<Finding> {
    let pod = c.pod_ref(p);
    let msg = scheduler_message(c, p);
    let why = if let Some(profile) = p.fargate_profile.as_deref().filter(|_| on_fargate(p)) {
        let storage = if is_ebs(&sc.provisioner) {
            "Fargate cannot mount EBS volumes"
        } else {
            "Fargate supports only statically provisioned EFS volumes"
        };
        format!("claimed by Fargate profile {profile}, which refuses it: {storage}")
    } else if on_fargate(p) {
        "scheduled by the Fargate scheduler, which refuses it: Fargate cannot mount EBS volumes"
            .to_owned()
    } else {
        let m = msg.as_deref()?;
        if s.age(p.created) < SCHEDULER_GRACE {
            return None;
        }
        let lower = m.to_lowercase();
        if lower.contains("volume node affinity") || lower.contains("zone") {
            "zone conflict: no node in the volume's zone fits".to_owned()
        } else if lower.contains("nodes are available") || lower.contains("insufficient") {
            "no node fits".to_owned()
        } else {
            return None;
        }
    };
    let pvc_obj = pvc_ref(c, pvc);
    let mut f = Finding::new(
        Code::PvcWffcDeadlock,
        pvc_obj.clone(),
        format!(
            "PVC {}/{} waits for its first consumer, and pod {} can never be scheduled: {why}",
            pvc.namespace, pvc.name, p.name
        ),
    )
    .object(pod.clone());
    let pvc_fact = match c.event("PersistentVolumeClaim", &pvc.namespace, &pvc.name) {
        Some(e) => format!("Pending; {}: {}", e.reason, e.message),
        None => "Pending, no volume bound".to_owned(),
    };
    f = f
        .link(pvc_obj, pvc_fact)
        .link(
            class_ref(c, sc),
            format!(
                "volumeBindingMode {}, provisioner {}",
                sc.binding_mode, sc.provisioner
            ),
        )
        .link(
            pod.clone(),
            format!(
                "Pending, scheduler {}{}",
                p.scheduler.as_deref().unwrap_or("default-scheduler"),
                p.fargate_profile
                    .as_deref()
                    .map(|x| format!(", label eks.amazonaws.com/fargate-profile={x}"))
                    .unwrap_or_default()
            ),
        );
    if let Some(m) = &msg {
        f = f.link(pod.clone(), m.clone());
    }
    if let Some(profile) = p.fargate_profile.as_deref() {
        for pr in s.profiles(c.name()).filter(|pr| pr.name == profile) {
            let o = ObjectRef::new(&pr.region, "FargateProfile", &pr.cluster, &pr.name);
            f = f
                .link(o.clone(), format!("selectors: {}", pr.selectors.join("; ")))
                .object(o);
        }
    }
    let fix = if on_fargate(p) {
        format!(
            "Keep pod {} off Fargate: narrow the profile's selector (profiles are immutable: recreate it without namespace {}'s stateful pods) so it runs on an EC2 node group, or use EFS. A StorageClass with volumeBindingMode: Immediate binds the claim, but Fargate still cannot mount EBS.",
            p.name, p.namespace
        )
    } else {
        "Make room for the pod where its volume can live: add capacity in the volume's zone, or relax the pod's node selector/affinity; then the claim binds.".to_owned()
    };
    Some(f.fix(fix).remedy(Action::Describe, pod))
}

fn ebs_on_fargate(c: &ClusterIndex, pvc: &PvcRow, sc: &StorageClassRow, p: &PodRow) -> Finding {
    let pod = c.pod_ref(p);
    let pvc_obj = pvc_ref(c, pvc);
    let mut f = Finding::new(
        Code::PvcEbsOnFargate,
        pod.clone(),
        format!(
            "pod {} runs on Fargate{} but mounts EBS-backed PVC {}: Fargate cannot mount EBS",
            p.name,
            p.fargate_profile
                .as_deref()
                .map(|x| format!(" (profile {x})"))
                .unwrap_or_default(),
            pvc.name
        ),
    )
    .object(pvc_obj.clone())
    .link(pod.clone(), format!("{}; claims {}", p.status, pvc.name))
    .link(
        pvc_obj,
        format!(
            "{}, class {}",
            pvc.phase,
            pvc.class.as_deref().unwrap_or("-")
        ),
    )
    .link(class_ref(c, sc), format!("provisioner {}", sc.provisioner));
    if let Some(m) = scheduler_message(c, p) {
        f = f.link(pod.clone(), m);
    }
    f.fix("Run this pod on an EC2 node group (narrow the Fargate profile's selector) or move its data to EFS.")
        .remedy(Action::Describe, pod)
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use serde_json::json;

    fn gp2(mode: &str) -> serde_json::Value {
        json!({"kind": "StorageClass", "metadata": {"name": "gp2"},
               "provisioner": "kubernetes.io/aws-ebs", "volumeBindingMode": mode})
    }

    fn claim(phase: &str) -> serde_json::Value {
        json!({"kind": "PersistentVolumeClaim",
               "metadata": {"namespace": "tb-demo", "name": "data", "creationTimestamp": OLD},
               "spec": {"storageClassName": "gp2", "accessModes": ["ReadWriteOnce"]},
               "status": {"phase": phase}})
    }

    fn mysql(fargate: bool) -> serde_json::Value {
        let mut p = pod("tb-demo", "mysql-0");
        p = set(
            p,
            "/spec/volumes",
            json!([{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]),
        );
        p = set(p, "/spec/nodeName", serde_json::Value::Null);
        p = set(
            p,
            "/status",
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/2 nodes are available"}]}),
        );
        if fargate {
            p = set(
                p,
                "/metadata/labels/eks.amazonaws.com~1fargate-profile",
                json!("fp-demo-service"),
            );
            p = set(p, "/spec/schedulerName", json!("fargate-scheduler"));
        }
        p
    }

    #[test]
    fn fargate_claimed_consumer_is_a_deadlock() {
        let fargate_event = event(
            "tb-demo",
            "Pod",
            "mysql-0",
            "Warning",
            "FailedScheduling",
            "Pod not supported on Fargate: volumes not supported: data not supported because: PVC data not bound",
        );
        let f = fleet(
            "terrax",
            &[
                gp2("WaitForFirstConsumer"),
                claim("Pending"),
                mysql(true),
                fargate_event,
            ],
        );
        let r = diagnose(&f, now());
        assert_eq!(codes(&r), vec!["FD-PVC-WFFC-DEADLOCK"]);
        let d = &r.list[0];
        assert!(
            d.cause.contains("fp-demo-service") && d.cause.contains("EBS"),
            "{}",
            d.cause
        );
        assert!(
            d.evidence
                .iter()
                .any(|l| l.fact.contains("PVC data not bound"))
        );
        assert_eq!(d.objects[1].kind, "Pod");
    }

    #[test]
    fn immediate_class_or_bound_claim_is_no_deadlock() {
        let f = fleet("c", &[gp2("Immediate"), claim("Pending"), mysql(false)]);
        let r = diagnose(&f, now());
        assert!(
            !codes(&r).contains(&"FD-PVC-WFFC-DEADLOCK"),
            "{:?}",
            codes(&r)
        );
        let f = fleet("c", &[gp2("WaitForFirstConsumer"), claim("Pending")]);
        assert!(
            diagnose(&f, now()).list.is_empty(),
            "no consumer yet is normal"
        );
    }

    #[test]
    fn default_scheduler_no_fit_is_a_deadlock_after_grace() {
        let f = fleet(
            "c",
            &[gp2("WaitForFirstConsumer"), claim("Pending"), mysql(false)],
        );
        let r = diagnose(&f, now());
        assert_eq!(codes(&r), vec!["FD-PVC-WFFC-DEADLOCK"]);
        assert!(r.list[0].cause.contains("no node fits"));
        let young = set(mysql(false), "/metadata/creationTimestamp", json!(NOW));
        let f = fleet("c", &[gp2("WaitForFirstConsumer"), claim("Pending"), young]);
        assert!(!codes(&diagnose(&f, now())).contains(&"FD-PVC-WFFC-DEADLOCK"));
    }

    #[test]
    fn bound_ebs_claim_on_fargate_pod() {
        let f = fleet("c", &[gp2("Immediate"), claim("Bound"), mysql(true)]);
        let r = diagnose(&f, now());
        assert!(
            codes(&r).contains(&"FD-PVC-EBS-ON-FARGATE"),
            "{:?}",
            codes(&r)
        );
        let f = fleet(
            "c",
            &[
                gp2("Immediate"),
                claim("Bound"),
                set(mysql(false), "/status/phase", json!("Running")),
            ],
        );
        assert!(!codes(&diagnose(&f, now())).contains(&"FD-PVC-EBS-ON-FARGATE"));
    }
}
