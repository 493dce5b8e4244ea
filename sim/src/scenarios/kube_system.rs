//! What every EKS cluster runs in kube-system: CoreDNS (Deployment +
//! `kube-dns` Service), and the `aws-node` (VPC CNI) and `kube-proxy`
//! DaemonSets, which keep off Fargate and Auto Mode nodes by affinity.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Toleration,
};

use super::objects::{App, service};
use crate::controllers::admission::COMPUTE_TYPE;
use crate::store::Store;

/// The EKS add-ons' node affinity: anything but Fargate, Auto Mode and hybrid nodes.
pub fn exclude_fargate(ds: &mut DaemonSet) {
    let Some(spec) = ds.spec.template.spec.as_mut() else {
        return;
    };
    spec.affinity = Some(Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(vec![
                        NodeSelectorRequirement {
                            key: "kubernetes.io/os".into(),
                            operator: "In".into(),
                            values: Some(vec!["linux".into()]),
                        },
                        NodeSelectorRequirement {
                            key: COMPUTE_TYPE.into(),
                            operator: "NotIn".into(),
                            values: Some(vec!["fargate".into(), "auto".into(), "hybrid".into()]),
                        },
                    ]),
                    match_fields: None,
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    });
    spec.tolerations = Some(vec![Toleration {
        operator: Some("Exists".into()),
        ..Default::default()
    }]);
    spec.priority_class_name = Some("system-node-critical".into());
}

/// Adds the kube-system basics. `coredns_ec2`: CoreDNS still carries the
/// `eks.amazonaws.com/compute-type: ec2` annotation (a Fargate-only cluster
/// must remove it, or CoreDNS stays Pending).
pub fn add(store: &mut Store, region: &str, coredns_ec2: bool) {
    let ecr = format!("602401143452.dkr.ecr.{region}.amazonaws.com");
    let mut dns = App::new(
        "kube-system",
        "coredns",
        &format!("{ecr}/eks/coredns:v1.11.4-eksbuild.2"),
    )
    .labels(&[
        ("k8s-app", "kube-dns"),
        ("eks.amazonaws.com/component", "coredns"),
    ])
    .replicas(2)
    .requests("100m", "70Mi")
    .port(53)
    .tolerate("CriticalAddonsOnly", None, "NoSchedule");
    if coredns_ec2 {
        dns = dns.annotate(COMPUTE_TYPE, "ec2");
    }
    let _ = store.create(&dns.deployment());
    let mut svc = service("kube-system", "kube-dns", &dns.labels, 53, 53);
    if let Some(p) = svc
        .spec
        .as_mut()
        .and_then(|s| s.ports.as_mut())
        .and_then(|p| p.first_mut())
    {
        p.name = Some("dns".into());
        p.protocol = Some("UDP".into());
    }
    svc.metadata.labels = Some(
        [
            ("k8s-app".to_owned(), "kube-dns".to_owned()),
            ("kubernetes.io/name".to_owned(), "CoreDNS".to_owned()),
        ]
        .into(),
    );
    let _ = store.create(&svc);
    for (name, image) in [
        (
            "aws-node",
            format!("{ecr}/amazon-k8s-cni:v1.19.2-eksbuild.1"),
        ),
        (
            "kube-proxy",
            format!("{ecr}/eks/kube-proxy:v1.31.3-minimal-eksbuild.2"),
        ),
    ] {
        let mut ds = App::new("kube-system", name, &image)
            .labels(&[("k8s-app", name)])
            .requests("25m", "64Mi")
            .host_network()
            .daemonset();
        exclude_fargate(&mut ds);
        let _ = store.create(&ds);
    }
}
