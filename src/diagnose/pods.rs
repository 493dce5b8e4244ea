//! Pods in trouble, one finding per workload and kind of trouble: crash
//! loops (with the last termination reason and exit code), image pulls,
//! OOM kills, Pending too long (with the scheduler's message), not ready.

use std::collections::BTreeMap;

use super::index::ClusterIndex;
use super::pvc::scheduler_message;
use super::{Action, Code, Finding, ObjectRef, Snapshot};
use crate::model::pod::{PodHealth, PodRow};

/// Pending or unready for longer than this is a finding (rollouts and
/// Fargate provisioning take a minute or two).
pub const SLOW_GRACE: i64 = 300;

/// A container that failed this recently and restarted is still crash
/// looping: between crashes it reads Running, and the kubelet's back-off
/// caps at 5 minutes, so a loop fails at least this often.
pub const CRASH_WINDOW: i64 = 600;

/// The kind of trouble a pod is in, if any (also read by the Kong rules).
pub(super) fn trouble(s: &Snapshot, p: &PodRow) -> Option<Code> {
    let st = p.status.as_str();
    if st.contains("CrashLoopBackOff") {
        return Some(Code::PodCrashLoop);
    }
    if st.contains("ImagePullBackOff")
        || st.contains("ErrImagePull")
        || st.contains("InvalidImageName")
    {
        return Some(Code::PodImagePull);
    }
    if st == "OOMKilled"
        || (p.notes().last_termination.as_deref() == Some("OOMKilled") && p.health != PodHealth::Ok)
    {
        return Some(Code::PodOomKilled);
    }
    if p.restarts > 0
        && p.notes().last_failure.is_some()
        && s.age(p.notes().last_failure) < CRASH_WINDOW
    {
        return Some(Code::PodCrashLoop);
    }
    let old = s.age(p.created) >= SLOW_GRACE;
    if p.phase == "Pending" && p.node.is_none() && old {
        return Some(Code::PodPending);
    }
    // Unready since the Ready condition last changed, not since the pod
    // was made: a probe that flaps on an old pod is not "5 minutes unready".
    let unready_long = s.age(p.ready_changed.or(p.created)) >= SLOW_GRACE;
    if p.phase == "Running"
        && p.health == PodHealth::Pending
        && p.ready < p.containers
        && unready_long
    {
        return Some(Code::PodNotReady);
    }
    None
}

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        // (code, namespace, owner kind, owner name) → pods
        let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<&PodRow>> = BTreeMap::new();
        for p in c.data.stores.pods.iter() {
            let Some(code) = trouble(s, p) else { continue };
            let (kind, name) = c.workload_of(p).unwrap_or(("Pod", p.name.as_str()));
            groups
                .entry((code.id(), p.namespace.as_str(), kind, name))
                .or_default()
                .push(p);
        }
        for ((code, ns, kind, name), pods) in groups {
            if let Some(code) = Code::from_id(code) {
                out.push(finding(c, code, ns, kind, name, &pods));
            }
        }
    }
    out
}

fn finding(
    c: &ClusterIndex,
    code: Code,
    ns: &str,
    kind: &str,
    name: &str,
    pods: &[&PodRow],
) -> Finding {
    let owner = ObjectRef::new(c.name(), kind, ns, name);
    let first = pods[0];
    let what = match code {
        Code::PodCrashLoop => format!(
            "crash-looping{}",
            match (&first.notes().last_termination, first.notes().exit_code) {
                (Some(r), Some(e)) => format!(": last exit {r}, code {e}"),
                (Some(r), None) => format!(": last exit {r}"),
                (None, Some(e)) => format!(": last exit code {e}"),
                _ => String::new(),
            }
        ),
        Code::PodImagePull => "cannot pull its image".to_owned(),
        Code::PodOomKilled => "killed for exceeding its memory limit (OOMKilled)".to_owned(),
        Code::PodPending => "Pending for more than 5 minutes".to_owned(),
        _ => "running but not ready for more than 5 minutes".to_owned(),
    };
    let subject = if kind == "Pod" {
        format!("pod {ns}/{name}")
    } else {
        format!("{} of {} {ns}/{name}", plural(pods.len()), kind)
    };
    let mut f = Finding::new(code, owner.clone(), format!("{subject}: {what}"));
    for p in pods.iter().take(10) {
        let o = c.pod_ref(p);
        let mut fact = format!("{}, {} restarts", p.status, p.restarts);
        if let Some(m) = match code {
            Code::PodPending => scheduler_message(c, p),
            _ => Some(p.why(c.warning("Pod", &p.namespace, &p.name))).filter(|w| !w.is_empty()),
        } {
            fact.push_str(" — ");
            fact.push_str(&m);
        }
        f = f.link(o.clone(), fact).object(o);
    }
    if kind == "Pod" {
        f.objects.dedup();
    }
    let pod = c.pod_ref(first);
    let (fix, action) = match code {
        Code::PodCrashLoop => (
            "Read the previous container's logs for why it exits; fix the config or image, or roll back.",
            Action::Logs,
        ),
        Code::PodImagePull => (
            "Check the image name and tag exist and the node can pull them (registry credentials, ECR permissions, network).",
            Action::Describe,
        ),
        Code::PodOomKilled => (
            "Raise the container's memory limit (on Fargate, the request decides the VM size) or reduce its usage.",
            Action::Logs,
        ),
        Code::PodPending => (
            "Act on the scheduler's message: capacity, taints/tolerations, node selectors, or a Fargate profile.",
            Action::Describe,
        ),
        _ => (
            "Check the readiness probe and the logs; the pod gets no traffic while unready.",
            Action::Logs,
        ),
    };
    f.fix(fix).remedy(action, pod)
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 pod".into()
    } else {
        format!("{n} pods")
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use serde_json::json;

    fn waiting(reason: &str, last: Option<(&str, i32)>) -> serde_json::Value {
        let mut cs = json!({"name": "app", "image": "x", "imageID": "", "ready": false, "restartCount": 7,
                            "state": {"waiting": {"reason": reason, "message": "back-off"}}});
        if let Some((r, code)) = last {
            cs["lastState"] = json!({"terminated": {"reason": r, "exitCode": code}});
        }
        set(
            pod("shop", "payments-1"),
            "/status/containerStatuses",
            json!([cs]),
        )
    }

    #[test]
    fn crashloop_names_reason_and_exit_code() {
        let r = diagnose(
            &fleet("c", &[waiting("CrashLoopBackOff", Some(("Error", 3)))]),
            now(),
        );
        assert_eq!(codes(&r), vec!["FD-POD-CRASHLOOP"]);
        assert!(r.list[0].cause.contains("code 3"), "{}", r.list[0].cause);
    }

    /// The API's timestamp for `secs` seconds before [`now`].
    fn ago(secs: i64) -> String {
        (now() - jiff::SignedDuration::from_secs(secs))
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    #[test]
    fn crashloop_holds_between_crashes() {
        let failed_at = |secs_ago: i64| {
            let p = set(
                pod("shop", "payments-1"),
                "/status/containerStatuses/0/restartCount",
                json!(2),
            );
            set(
                p,
                "/status/containerStatuses/0/lastState",
                json!({"terminated": {"reason": "Error", "exitCode": 1,
                       "finishedAt": ago(secs_ago)}}),
            )
        };
        // Running again 20 s after a crash: the loop goes on.
        let r = diagnose(&fleet("c", &[failed_at(20)]), now());
        assert_eq!(codes(&r), vec!["FD-POD-CRASHLOOP"]);
        assert!(r.list[0].cause.contains("code 1"), "{}", r.list[0].cause);
        // Up for an hour since its last crash: it recovered.
        assert!(
            diagnose(&fleet("c", &[failed_at(3600)]), now())
                .list
                .is_empty()
        );
    }

    #[test]
    fn unready_counts_from_the_ready_condition_not_the_pods_age() {
        // A pod made ten minutes ago whose readiness probe failed `secs_ago`.
        let unready_for = |secs_ago: i64| {
            let p = set(
                pod("shop", "payments-1"),
                "/status/containerStatuses/0/ready",
                json!(false),
            );
            set(
                p,
                "/status/conditions",
                json!([{"type": "Ready", "status": "False",
                        "lastTransitionTime": ago(secs_ago)}]),
            )
        };
        let r = diagnose(&fleet("c", &[unready_for(360)]), now());
        assert_eq!(codes(&r), vec!["FD-POD-NOT-READY"]);
        // Near miss: the probe failed 30 s ago on the same old pod.
        assert!(
            diagnose(&fleet("c", &[unready_for(30)]), now())
                .list
                .is_empty()
        );
    }

    #[test]
    fn image_pull_and_oom() {
        assert_eq!(
            codes(&diagnose(
                &fleet("c", &[waiting("ImagePullBackOff", None)]),
                now()
            )),
            vec!["FD-POD-IMAGE-PULL"]
        );
        let oom = set(
            waiting("ContainerCreating", Some(("OOMKilled", 137))),
            "/status/containerStatuses/0/state",
            json!({"running": {}}),
        );
        let r = diagnose(&fleet("c", &[oom]), now());
        assert_eq!(codes(&r), vec!["FD-POD-OOMKILLED"]);
    }

    #[test]
    fn pending_only_after_grace() {
        let p = set(
            set(
                pod("shop", "web-1"),
                "/spec/nodeName",
                serde_json::Value::Null,
            ),
            "/status",
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                   "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}]}),
        );
        let r = diagnose(&fleet("c", std::slice::from_ref(&p)), now());
        assert_eq!(codes(&r), vec!["FD-POD-PENDING"]);
        assert!(r.list[0].evidence[0].fact.contains("Insufficient cpu"));
        let young = set(p, "/metadata/creationTimestamp", json!(NOW));
        assert!(diagnose(&fleet("c", &[young]), now()).list.is_empty());
    }

    #[test]
    fn running_unready_and_ready() {
        let p = set(
            pod("shop", "web-1"),
            "/status/containerStatuses/0/ready",
            json!(false),
        );
        assert_eq!(
            codes(&diagnose(&fleet("c", &[p]), now())),
            vec!["FD-POD-NOT-READY"]
        );
        assert!(
            diagnose(&fleet("c", &[pod("shop", "web-1")]), now())
                .list
                .is_empty()
        );
    }
}
