//! Seed 001: eksctl cluster `terrax-fargate` (eu-west-1) with one t2.medium
//! node group and profiles `fp-default` (default, kube-system) and
//! `fp-demo-service` (tb-demo, app=service). MySQL in `default` is claimed by
//! `fp-default`; its EBS claim on the WaitForFirstConsumer class never binds.

use super::build::{Workload, kube_system, namespace, pvc, service, with_claim};
use super::{Params, ScenarioError};
use crate::aws::{FargateProfile, Nodegroup};
use crate::world::Fleet;

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let c = b.cluster("terrax-fargate", "eu-west-1", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("ng-mysql", "t2.medium", (1, 1, 2), t0))
            .with_fargate_profile(
                FargateProfile::new("fp-default", t0)
                    .selector("default", &[])
                    .selector("kube-system", &[]),
            )
            .with_fargate_profile(
                FargateProfile::new("fp-demo-service", t0)
                    .selector("tb-demo", &[("app", "service")]),
            )
    });
    let mut s = b.store(c);
    kube_system(&mut s, false, true);
    namespace(&mut s, "tb-demo");
    pvc(&mut s, "default", "mysql-pv-claim", "gp2", "20Gi");
    let mut mysql = Workload::new("default", "mysql", 1, &[("app", "mysql")], "mysql:5.6");
    mysql.containers = vec![super::build::container(
        "mysql",
        "mysql:5.6",
        "500m",
        "1Gi",
        3306,
    )];
    mysql.containers[0]["volumeMounts"] =
        serde_json::json!([{"name": "data", "mountPath": "/var/lib/mysql"}]);
    mysql.pod_spec_extra = with_claim("mysql-pv-claim");
    mysql.deployment(&mut s);
    service(
        &mut s,
        "default",
        "mysql",
        &[("app", "mysql")],
        3306,
        3306,
        None,
    );
    Workload::new(
        "tb-demo",
        "service",
        2,
        &[("app", "service")],
        "terrax/beer-service:1.4.2",
    )
    .deployment(&mut s);
    service(
        &mut s,
        "tb-demo",
        "service",
        &[("app", "service")],
        80,
        8080,
        None,
    );
    drop(s);
    Ok(b.finish())
}
