//! The EKS Fargate mutating webhook: at pod creation, the first ACTIVE
//! profile (alphabetically) with a selector matching the pod's namespace
//! and labels claims it for the Fargate scheduler. Decided once: a profile
//! created later does not move an existing pod. The API server calls
//! [`admit`] on create; controllers call it on the pods they create.

use k8s_openapi::api::core::v1::Pod;

use super::meta::{annotation, set_label};
use super::selectors::pinned_node;
use crate::cluster::{EksView, ProfileView};

pub const PROFILE_LABEL: &str = "eks.amazonaws.com/fargate-profile";
pub const COMPUTE_TYPE: &str = "eks.amazonaws.com/compute-type";
pub const FARGATE_SCHEDULER: &str = "fargate-scheduler";
pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

/// The profile that claims a pod in `namespace` with `labels`, if any.
pub fn matching_profile<'a>(
    eks: &'a EksView,
    namespace: &str,
    labels: &std::collections::BTreeMap<String, String>,
) -> Option<&'a ProfileView> {
    let mut hits: Vec<&ProfileView> = eks
        .fargate_profiles
        .iter()
        .filter(|p| p.active)
        .filter(|p| {
            p.selectors.iter().any(|(ns, want)| {
                ns == namespace && want.iter().all(|(k, v)| labels.get(k) == Some(v))
            })
        })
        .collect();
    hits.sort_by(|a, b| a.name.cmp(&b.name));
    hits.into_iter().next()
}

/// Sets `spec.schedulerName` (and the profile label when Fargate claims the pod).
pub fn admit(pod: &mut Pod, eks: &EksView) {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let opted_out = annotation(&pod.metadata, COMPUTE_TYPE) == Some("ec2");
    let Some(spec) = pod.spec.as_mut() else {
        return;
    };
    let custom = spec
        .scheduler_name
        .as_deref()
        .is_some_and(|s| s != DEFAULT_SCHEDULER);
    // Pods already placed (nodeName, or a DaemonSet pin to an EC2 node) are not claimed.
    let placed =
        spec.node_name.is_some() || pinned_node(spec).is_some_and(|n| !n.starts_with("fargate-"));
    let profile = if opted_out || custom || placed {
        None
    } else {
        matching_profile(eks, &ns, &labels)
    };
    match profile {
        Some(p) => {
            spec.scheduler_name = Some(FARGATE_SCHEDULER.into());
            let name = p.name.clone();
            set_label(&mut pod.metadata, PROFILE_LABEL, &name);
        }
        None => {
            spec.scheduler_name
                .get_or_insert_with(|| DEFAULT_SCHEDULER.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn ties_go_to_the_alphabetically_first_active_profile() {
        let mut eks = testkit::terrax_eks();
        eks.fargate_profiles.push(ProfileView {
            name: "fp-aaa".into(),
            selectors: vec![("tb-demo".into(), Default::default())],
            active: false,
            subnets_azs: vec!["eu-west-1a".into()],
        });
        let mut pod = testkit::pod("tb-demo", "svc-1", &[("app", "service")]);
        admit(&mut pod, &eks);
        assert_eq!(
            pod.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(PROFILE_LABEL))
                .map(String::as_str),
            Some("fp-demo-service"),
            "the inactive fp-aaa must not win"
        );
        let mut db = testkit::pod("tb-demo", "mysql-0", &[("app", "database")]);
        admit(&mut db, &eks);
        assert_eq!(
            db.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()),
            Some(DEFAULT_SCHEDULER),
            "a pod missing the selector's label stays with the default scheduler"
        );
    }

    #[test]
    fn coredns_annotated_ec2_is_not_claimed() {
        let eks = testkit::terrax_eks();
        let mut pod = testkit::pod("kube-system", "coredns-x", &[("k8s-app", "kube-dns")]);
        pod.metadata.annotations = Some([(COMPUTE_TYPE.to_owned(), "ec2".to_owned())].into());
        admit(&mut pod, &eks);
        assert_eq!(
            pod.spec.as_ref().and_then(|s| s.scheduler_name.as_deref()),
            Some(DEFAULT_SCHEDULER)
        );
    }
}
