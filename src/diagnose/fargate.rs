//! Why Fargate pods stay Pending: no profile matches (and which one would,
//! with which label), features Fargate refuses, CoreDNS still opted out to
//! EC2 on a cluster without EC2 nodes, profiles that are not ACTIVE.

use super::index::ClusterIndex;
use super::pvc::{on_fargate, scheduler_message};
use super::{Action, Code, Finding, ObjectRef, Severity, Snapshot};
use crate::model::aws::FargateProfileRow;
use crate::model::pod::PodRow;

/// Seconds a pod may be Pending before "no profile matches" is reported.
const PENDING_GRACE: i64 = 60;

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        let profiles: Vec<&FargateProfileRow> = s.profiles(c.name()).collect();
        for p in c.data.stores.pods.iter() {
            if p.node.is_some() || p.phase != "Pending" {
                continue;
            }
            if on_fargate(p) {
                if !p.notes().fargate_unsupported.is_empty() {
                    out.push(unsupported(c, p));
                }
                continue;
            }
            if p.notes().compute_type.as_deref() == Some("ec2") {
                if c.ec2_nodes == 0 && c.complete() {
                    out.push(coredns(c, p));
                }
                continue;
            }
            if !profiles.is_empty()
                && c.ec2_nodes == 0
                && c.complete()
                && p.notes().fargate_unsupported.is_empty()
                && s.age(p.created) >= PENDING_GRACE
            {
                out.push(no_profile(c, p, &profiles));
            }
        }
        for pr in &profiles {
            if pr.status != "ACTIVE" {
                out.push(not_active(c, pr));
            }
        }
    }
    out
}

/// `ns=tb-demo app=service` → `("tb-demo", [("app", "service")])`.
pub fn parse_selector(sel: &str) -> (String, Vec<(String, String)>) {
    let mut ns = String::new();
    let mut labels = Vec::new();
    for part in sel.split_whitespace() {
        if let Some((k, v)) = part.split_once('=') {
            if k == "ns" && ns.is_empty() {
                ns = v.to_owned();
            } else {
                labels.push((k.to_owned(), v.to_owned()));
            }
        }
    }
    (ns, labels)
}

/// A namespace near miss: an active profile whose selector's labels the pod
/// has, on another namespace — preferring a name that differs by at most
/// two characters (`payment` for `payments`).
fn near_namespace<'a>(
    p: &PodRow,
    profiles: &[&'a FargateProfileRow],
) -> Option<(&'a FargateProfileRow, String)> {
    profiles
        .iter()
        .filter(|pr| pr.status == "ACTIVE")
        .flat_map(|pr| pr.selectors.iter().map(move |s| (*pr, parse_selector(s))))
        .filter(|(_, (ns, labels))| *ns != p.namespace && labels.iter().all(|kv| p.has_label(kv)))
        .min_by_key(|(_, (ns, _))| edits(ns, &p.namespace))
        .map(|(pr, (ns, _))| (pr, ns))
}

/// Levenshtein distance, for naming near-miss namespaces.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn profile_ref(pr: &FargateProfileRow) -> ObjectRef {
    ObjectRef::new(&pr.region, "FargateProfile", &pr.cluster, &pr.name)
}

fn unsupported(c: &ClusterIndex, p: &PodRow) -> Finding {
    let pod = c.pod_ref(p);
    let what = p.notes().fargate_unsupported.join(", ");
    let mut f = Finding::new(
        Code::FargateUnsupported,
        pod.clone(),
        format!(
            "pod {} is claimed by Fargate{} but uses what Fargate refuses: {what}",
            p.name,
            p.fargate_profile
                .as_deref()
                .map(|x| format!(" profile {x}"))
                .unwrap_or_default()
        ),
    )
    .link(pod.clone(), format!("Pending; {what}"));
    if let Some(m) = scheduler_message(c, p) {
        f = f.link(pod.clone(), m);
    }
    f.fix("Run it on an EC2 node group: narrow the Fargate profile's selector so it does not match this pod (DaemonSets never run on Fargate; drop privileged/hostNetwork/hostPort if it must).")
        .remedy(Action::Describe, pod)
}

fn coredns(c: &ClusterIndex, p: &PodRow) -> Finding {
    let pod = c.pod_ref(p);
    let mut f = Finding::new(
        Code::FargateCorednsEc2,
        pod.clone(),
        format!(
            "{} carries the annotation eks.amazonaws.com/compute-type: ec2 and the cluster has no EC2 node: it stays Pending",
            p.name
        ),
    )
    .link(pod.clone(), "annotation eks.amazonaws.com/compute-type: ec2 opts it out of Fargate")
    .link(ObjectRef::new(c.name(), "Cluster", "", c.name()), "0 EC2 nodes");
    if let Some(m) = scheduler_message(c, p) {
        f = f.link(pod.clone(), m);
    }
    if let Some(("Deployment", d)) = c.workload_of(p) {
        f = f.object(ObjectRef::new(c.name(), "Deployment", &p.namespace, d));
    }
    f.fix(format!(
        "Remove the annotation from the {} deployment's pod template (kubectl patch deployment coredns -n kube-system --type json -p '[{{\"op\":\"remove\",\"path\":\"/spec/template/metadata/annotations/eks.amazonaws.com~1compute-type\"}}]') and make sure a Fargate profile selects kube-system.",
        c.workload_of(p).map(|(_, n)| n).unwrap_or("coredns")
    ))
    .remedy(Action::Describe, pod)
}

fn no_profile(c: &ClusterIndex, p: &PodRow, profiles: &[&FargateProfileRow]) -> Finding {
    let pod = c.pod_ref(p);
    // The closest profile: a selector on the pod's namespace whose labels it lacks.
    let mut near: Option<(&FargateProfileRow, Vec<(String, String)>)> = None;
    for pr in profiles.iter().filter(|pr| pr.status == "ACTIVE") {
        for sel in &pr.selectors {
            let (ns, labels) = parse_selector(sel);
            if ns != p.namespace {
                continue;
            }
            let missing: Vec<(String, String)> =
                labels.into_iter().filter(|kv| !p.has_label(kv)).collect();
            if near.as_ref().is_none_or(|(_, m)| missing.len() < m.len()) {
                near = Some((pr, missing));
            }
        }
    }
    let hint = match &near {
        Some((pr, missing)) if !missing.is_empty() => {
            let l: Vec<String> = missing.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!(
                "profile {} would take it with label {}",
                pr.name,
                l.join(",")
            )
        }
        Some((pr, _)) => format!(
            "profile {} matches now, but the pod was created before it (profiles only claim new pods)",
            pr.name
        ),
        None => match near_namespace(p, profiles) {
            Some((pr, ns)) => format!(
                "profile {} selects namespace {ns}, not {} (its labels would match)",
                pr.name, p.namespace
            ),
            None => format!("no profile selects namespace {}", p.namespace),
        },
    };
    let mut f = Finding::new(
        Code::FargateNoProfile,
        pod.clone(),
        format!(
            "pod {} matches no Fargate profile and the cluster has no EC2 node: {hint}",
            p.name
        ),
    )
    .link(
        pod.clone(),
        format!(
            "{}, scheduler {}",
            p.status,
            p.scheduler.as_deref().unwrap_or("default-scheduler")
        ),
    );
    for pr in profiles {
        f = f.link(
            profile_ref(pr),
            format!("{}: {}", pr.status, pr.selectors.join("; ")),
        );
    }
    let other_ns = near
        .is_none()
        .then(|| near_namespace(p, profiles))
        .flatten();
    if let Some((pr, _)) = &near {
        f = f.object(profile_ref(pr));
    } else if let Some((pr, _)) = &other_ns {
        f = f.object(profile_ref(pr));
    }
    // A pod its profile now matches only needs recreating: a rollout restart
    // of its Deployment / StatefulSet does that.
    let restartable = c
        .workload_of(p)
        .filter(|(k, _)| matches!(*k, "Deployment" | "StatefulSet"));
    let matched_now = near.as_ref().is_some_and(|(_, m)| m.is_empty());
    let fix = match &near {
        Some((_, missing)) if !missing.is_empty() => format!(
            "Add the label{} to the pod template (then the new pods are claimed), or create a profile selecting namespace {}.",
            missing
                .iter()
                .map(|(k, v)| format!(" {k}={v}"))
                .collect::<String>(),
            p.namespace
        ),
        Some((pr, _)) => match restartable {
            Some((kind, name)) => format!(
                "Restart the rollout of {kind} {}/{name} (kubectl rollout restart {} {name} -n {}): profile {} claims only pods created after it, so the new pods are claimed.",
                p.namespace,
                kind.to_lowercase(),
                p.namespace,
                pr.name
            ),
            None => format!(
                "Recreate the pod: profile {} claims only pods created after it.",
                pr.name
            ),
        },
        None => match &other_ns {
            Some((pr, ns)) => format!(
                "Profile {} selects namespace {ns}: run the workload there, or create a profile selecting namespace {} (profiles cannot be edited).",
                pr.name, p.namespace
            ),
            None => format!(
                "Create a Fargate profile selecting namespace {} (or add an EC2 node group).",
                p.namespace
            ),
        },
    };
    match restartable.filter(|_| matched_now) {
        Some((kind, name)) => {
            let w = ObjectRef::new(c.name(), kind, &p.namespace, name);
            f.object(w.clone())
                .fix(fix)
                .remedy(Action::RolloutRestart, w)
        }
        None => f.fix(fix).remedy(Action::Describe, pod),
    }
}

fn not_active(c: &ClusterIndex, pr: &FargateProfileRow) -> Finding {
    let o = profile_ref(pr);
    let sev = if pr.status == "CREATING" {
        Severity::Info
    } else {
        Severity::Warning
    };
    Finding::new(
        Code::FargateProfileNotActive,
        o.clone(),
        format!(
            "Fargate profile {} of cluster {} is {}: it claims no pods",
            pr.name,
            c.name(),
            pr.status
        ),
    )
    .with_severity(sev)
    .link(o, format!("status {}; selectors {}", pr.status, pr.selectors.join("; ")))
    .fix("A failed profile must be deleted and recreated (profiles are immutable); pods created meanwhile must be recreated to be claimed.")
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use crate::model::aws::AwsRegionRows;
    use serde_json::json;

    fn pending(ns: &str, name: &str) -> serde_json::Value {
        let p = set(pod(ns, name), "/spec/nodeName", serde_json::Value::Null);
        set(p, "/status", json!({"phase": "Pending"}))
    }

    fn with_profiles(items: &[serde_json::Value], status: &str) -> crate::model::fleet::Fleet {
        let mut f = fleet("terrax-fargate", items);
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                profiles: vec![profile(
                    "terrax-fargate",
                    "fp-demo-service",
                    status,
                    &["ns=tb-demo app=service"],
                )],
                ..Default::default()
            },
        );
        f
    }

    #[test]
    fn no_profile_names_the_one_that_would_match() {
        let r = diagnose(
            &with_profiles(&[pending("tb-demo", "web")], "ACTIVE"),
            now(),
        );
        assert_eq!(codes(&r), vec!["FD-FARGATE-NO-PROFILE"]);
        assert!(
            r.list[0]
                .cause
                .contains("fp-demo-service would take it with label app=service"),
            "{}",
            r.list[0].cause
        );
        // Near miss: an EC2 node exists, so the default scheduler can place it.
        let r = diagnose(
            &with_profiles(&[pending("tb-demo", "web"), ec2_node("ip-1")], "ACTIVE"),
            now(),
        );
        assert!(r.list.iter().all(|f| f.code != "FD-FARGATE-NO-PROFILE"));
    }

    #[test]
    fn no_profile_names_the_namespace_near_miss() {
        let mut p = pending("tb-demos", "web");
        p = set(p, "/metadata/labels", json!({"app": "service"}));
        let r = diagnose(&with_profiles(&[p], "ACTIVE"), now());
        assert_eq!(codes(&r), vec!["FD-FARGATE-NO-PROFILE"]);
        let f = &r.list[0];
        assert!(
            f.cause
                .contains("profile fp-demo-service selects namespace tb-demo, not tb-demos"),
            "{}",
            f.cause
        );
        assert!(f.objects.iter().any(|o| o.kind == "FargateProfile"));
        // Near miss of the near miss: labels differ too, so no profile is named.
        let p = pending("tb-demos", "web");
        let r = diagnose(&with_profiles(&[p], "ACTIVE"), now());
        assert!(
            r.list[0]
                .cause
                .contains("no profile selects namespace tb-demos"),
            "{}",
            r.list[0].cause
        );
    }

    /// A pod the profile matches now but did not claim (created before it):
    /// with a Deployment the fix is its rollout restart, offered as the
    /// action; a bare pod only gets the text.
    #[test]
    fn matched_now_restarts_the_rollout_of_its_deployment() {
        let labels = json!({"app": "service"});
        let rs = json!({"kind": "ReplicaSet", "metadata": {"namespace": "tb-demo", "name": "service-1",
                  "ownerReferences": [{"kind": "Deployment", "name": "service", "apiVersion": "apps/v1", "uid": "u", "controller": true}]}});
        let owned = set(
            set(
                pending("tb-demo", "service-1-a"),
                "/metadata/labels",
                labels.clone(),
            ),
            "/metadata/ownerReferences",
            json!([{"kind": "ReplicaSet", "name": "service-1", "apiVersion": "apps/v1", "uid": "u", "controller": true}]),
        );
        let r = diagnose(&with_profiles(&[rs, owned], "ACTIVE"), now());
        assert_eq!(codes(&r), vec!["FD-FARGATE-NO-PROFILE"]);
        let f = &r.list[0];
        assert!(f.cause.contains("was created before it"), "{}", f.cause);
        assert!(
            f.fix.starts_with("Restart the rollout of Deployment tb-demo/service (kubectl rollout restart deployment service -n tb-demo)"),
            "{}",
            f.fix
        );
        let rem = f.remediation.as_ref().expect("an action");
        assert_eq!(rem.action, crate::diagnose::Action::RolloutRestart);
        assert_eq!(
            (
                rem.object.kind.as_str(),
                rem.object.namespace.as_str(),
                rem.object.name.as_str()
            ),
            ("Deployment", "tb-demo", "service")
        );

        let bare = set(pending("tb-demo", "one-off"), "/metadata/labels", labels);
        let r = diagnose(&with_profiles(&[bare], "ACTIVE"), now());
        let f = &r.list[0];
        assert!(f.fix.starts_with("Recreate the pod"), "{}", f.fix);
        assert_eq!(
            f.remediation.as_ref().map(|r| r.action),
            Some(crate::diagnose::Action::Describe)
        );
    }

    #[test]
    fn unsupported_features_on_fargate() {
        let p = set(
            pending("tb-demo", "agent"),
            "/spec/hostNetwork",
            json!(true),
        );
        let p = set(
            p,
            "/metadata/labels/eks.amazonaws.com~1fargate-profile",
            json!("fp-demo-service"),
        );
        let r = diagnose(&with_profiles(&[p], "ACTIVE"), now());
        assert_eq!(codes(&r), vec!["FD-FARGATE-UNSUPPORTED"]);
        assert!(r.list[0].cause.contains("hostNetwork"));
        let p = set(
            pending("tb-demo", "web"),
            "/metadata/labels/eks.amazonaws.com~1fargate-profile",
            json!("fp-demo-service"),
        );
        let r = diagnose(&with_profiles(&[p], "ACTIVE"), now());
        assert!(
            !codes(&r).contains(&"FD-FARGATE-UNSUPPORTED"),
            "{:?}",
            codes(&r)
        );
    }

    #[test]
    fn coredns_opted_out_without_ec2() {
        let p = set(
            pending("kube-system", "coredns-1"),
            "/metadata/annotations",
            json!({"eks.amazonaws.com/compute-type": "ec2"}),
        );
        let r = diagnose(&with_profiles(std::slice::from_ref(&p), "ACTIVE"), now());
        assert_eq!(codes(&r), vec!["FD-FARGATE-COREDNS-EC2"]);
        let r = diagnose(&with_profiles(&[p, ec2_node("ip-1")], "ACTIVE"), now());
        assert!(r.list.iter().all(|f| f.code != "FD-FARGATE-COREDNS-EC2"));
    }

    #[test]
    fn profile_not_active() {
        let r = diagnose(&with_profiles(&[], "CREATE_FAILED"), now());
        assert_eq!(codes(&r), vec!["FD-FARGATE-PROFILE-NOT-ACTIVE"]);
        assert!(
            diagnose(&with_profiles(&[], "ACTIVE"), now())
                .list
                .is_empty()
        );
    }
}
