//! Seed 004: an Admiralty-style fleet — a management cluster and four
//! Fargate-enabled workload clusters in two regions; one is unreachable and
//! must not hide the rest.

use super::build::{Workload, kube_system, namespace, service};
use super::{FleetBuilder, Params, ScenarioError};
use crate::aws::{FargateProfile, Nodegroup};
use crate::world::Fleet;

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = FleetBuilder::new(seed);
    let t0 = b.now;
    let mgmt = b.cluster("admiralty-mgmt", "us-east-1", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("system", "m5.large", (2, 2, 3), t0))
    });
    {
        let mut s = b.store(mgmt);
        kube_system(&mut s, false, true);
        namespace(&mut s, "admiralty");
        Workload::new(
            "admiralty",
            "multicluster-scheduler",
            1,
            &[("app", "multicluster-scheduler")],
            "quay.io/admiralty/multicluster-scheduler-agent:0.15.1",
        )
        .deployment(&mut s);
    }
    for (name, region) in [
        ("fargate-us-1", "us-east-1"),
        ("fargate-us-2", "us-east-1"),
        ("fargate-eu-1", "eu-west-1"),
        ("fargate-eu-2", "eu-west-1"),
    ] {
        let c = b.cluster(name, region, 30, |eks| {
            eks.with_fargate_profile(
                FargateProfile::new("fp-default", t0)
                    .selector("default", &[])
                    .selector("kube-system", &[]),
            )
        });
        let mut s = b.store(c);
        kube_system(&mut s, true, true);
        Workload::new(
            "default",
            "hello",
            3,
            &[("app", "hello")],
            "admiralty/hello-world:1.0",
        )
        .deployment(&mut s);
        service(
            &mut s,
            "default",
            "hello",
            &[("app", "hello")],
            80,
            8080,
            None,
        );
    }
    if let Some(c) = b.clusters.iter_mut().find(|c| c.name == "fargate-eu-2") {
        c.reachable = false;
    }
    Ok(b.finish())
}
