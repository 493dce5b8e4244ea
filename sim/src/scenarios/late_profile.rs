//! Seed 000 on Fargate only, in the order people often do it: the cluster
//! and CoreDNS first, the `kube-system` Fargate profile twenty minutes
//! later. Profiles claim pods only when they are created, so CoreDNS's pods
//! stay Pending on a cluster without EC2 nodes until its rollout is
//! restarted; `hello-api` in `default` runs on the profile that was there.

use super::build::{Workload, kube_system, service};
use super::{Params, ScenarioError};
use crate::aws::FargateProfile;
use crate::world::Fleet;

/// Seconds after the cluster's creation when the kube-system profile is.
pub const PROFILE_AFTER_SECS: i64 = 20 * 60;

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let late = t0 + jiff::SignedDuration::from_secs(PROFILE_AFTER_SECS);
    let c = b.cluster("hello-fargate", "us-east-2", 31, |eks| {
        eks.with_fargate_profile(FargateProfile::new("fp-default", t0).selector("default", &[]))
            .with_fargate_profile(
                FargateProfile::new("fp-kube-system", late).selector("kube-system", &[]),
            )
    });
    let mut s = b.store(c);
    kube_system(&mut s, true, true);
    let labels: &[(&str, &str)] = &[("app", "hello-api")];
    Workload::new("default", "hello-api", 2, labels, "hello-api:1.0.0").deployment(&mut s);
    service(
        &mut s,
        "default",
        "hello-api",
        labels,
        80,
        8080,
        Some("/hello"),
    );
    drop(s);
    Ok(b.finish())
}
