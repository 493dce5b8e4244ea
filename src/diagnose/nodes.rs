//! Nodes: NotReady, pressure conditions, cordoned; EKS node groups at max.

use super::{Action, Code, Finding, ObjectRef, Severity, Snapshot};

/// A node boots NotReady for a while.
const BOOT_GRACE: i64 = 90;

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        for n in c.data.stores.nodes.iter() {
            let o = ObjectRef::new(c.name(), "Node", "", &n.name);
            let on_node = |f: Finding| f.remedy(Action::Describe, o.clone());
            if n.ready != Some(true) && s.age(n.created) >= BOOT_GRACE {
                let fact = c
                    .warning("Node", "", &n.name)
                    .map(|e| format!("{}: {}", e.reason, e.message))
                    .unwrap_or_else(|| n.status_text());
                out.push(on_node(
                    Finding::new(Code::NodeNotReady, o.clone(), format!("node {} is {}", n.name, n.status_text()))
                        .link(o.clone(), fact)
                        .fix("Check the kubelet and the instance (EC2 status checks); pods on it are evicted after the toleration expires. Replace the node if it does not recover."),
                ));
            }
            if !n.pressures.is_empty() {
                out.push(on_node(
                    Finding::new(
                        Code::NodePressure,
                        o.clone(),
                        format!("node {} reports {}", n.name, n.pressures.join(", ")),
                    )
                    .link(o.clone(), n.status_text())
                    .fix(
                        "Free the resource under pressure (evictions are coming), or add capacity.",
                    ),
                ));
            }
            if n.unschedulable {
                out.push(on_node(
                    Finding::new(
                        Code::NodeCordoned,
                        o.clone(),
                        format!("node {} is cordoned", n.name),
                    )
                    .link(o.clone(), "SchedulingDisabled")
                    .fix("Uncordon it when maintenance is done (kubectl uncordon)."),
                ));
            }
        }
    }
    for r in s.fleet.aws.values() {
        for ng in r
            .rows
            .nodegroups
            .iter()
            .filter(|g| g.max > 0 && g.desired >= g.max)
        {
            let o = ObjectRef::new(&ng.region, "Nodegroup", &ng.cluster, &ng.name);
            let waiting: Vec<ObjectRef> = s
                .clusters
                .iter()
                .filter(|c| Snapshot::eks_name(c.name()) == ng.cluster)
                .flat_map(|c| {
                    c.data
                        .stores
                        .pods
                        .iter()
                        .filter(|p| p.node.is_none() && p.status == "Pending:Unschedulable")
                        .filter(|p| !super::pvc::on_fargate(p) && s.age(p.created) >= 60)
                        .map(|p| c.pod_ref(p))
                })
                .take(5)
                .collect();
            let sev = if waiting.is_empty() {
                Severity::Info
            } else {
                Severity::Warning
            };
            let mut f = Finding::new(
                Code::NodegroupAtMax,
                o.clone(),
                format!(
                    "node group {} of {} is at its maximum ({}/{}){}",
                    ng.name,
                    ng.cluster,
                    ng.desired,
                    ng.max,
                    if waiting.is_empty() {
                        String::new()
                    } else {
                        format!(" and {} pod(s) wait for room", waiting.len())
                    }
                ),
            )
            .with_severity(sev)
            .link(
                o.clone(),
                format!(
                    "scaling min {} desired {} max {}",
                    ng.min, ng.desired, ng.max
                ),
            );
            for p in waiting {
                f = f.link(p.clone(), "Pending: Unschedulable").object(p);
            }
            out.push(
                f.fix("Raise the node group's maximum (and desired) size, or right-size the pods.")
                    .remedy(Action::ScaleNodegroup, o),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use crate::model::aws::AwsRegionRows;
    use serde_json::json;

    #[test]
    fn not_ready_pressure_cordoned() {
        let n = set(
            ec2_node("ip-1"),
            "/status/conditions",
            json!([{"type": "Ready", "status": "False"},
            {"type": "MemoryPressure", "status": "True"}]),
        );
        let n = set(n, "/spec/unschedulable", json!(true));
        let r = diagnose(&fleet("c", &[n]), now());
        assert_eq!(
            codes(&r),
            vec!["FD-NODE-NOT-READY", "FD-NODE-PRESSURE", "FD-NODE-CORDONED"]
        );
        assert!(
            diagnose(&fleet("c", &[ec2_node("ip-1")]), now())
                .list
                .is_empty()
        );
        let booting = set(
            set(
                ec2_node("ip-2"),
                "/status/conditions/0/status",
                json!("False"),
            ),
            "/metadata/creationTimestamp",
            json!(NOW),
        );
        assert!(diagnose(&fleet("c", &[booting]), now()).list.is_empty());
    }

    #[test]
    fn nodegroup_at_max() {
        let mut f = fleet("prod", &[]);
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                nodegroups: vec![nodegroup("prod", "general", (1, 3, 3))],
                ..Default::default()
            },
        );
        let r = diagnose(&f, now());
        assert_eq!(codes(&r), vec!["FD-NODEGROUP-AT-MAX"]);
        assert_eq!(r.exit_code(), 0, "info only without waiting pods");
        aws(
            &mut f,
            "eu-west-1",
            AwsRegionRows {
                nodegroups: vec![nodegroup("prod", "general", (1, 2, 3))],
                ..Default::default()
            },
        );
        assert!(diagnose(&f, now()).list.is_empty());
    }
}
