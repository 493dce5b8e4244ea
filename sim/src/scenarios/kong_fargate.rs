//! Seed 000: Kong for Kubernetes (KIC, DB-less) on the one EC2 node,
//! `hello-api` on Fargate behind it with an HPA at 80% CPU under a load
//! ramp (new pods, so new Fargate nodes), CoreDNS on Fargate.

use super::build::{KONG_CHART_SELECTOR, KongAdmin, Workload, hpa, kong_kic, kube_system, service};
use super::{Params, ScenarioError};
use crate::aws::{FargateProfile, Nodegroup};
use crate::controllers::load::LoadCurve;
use crate::world::{Fleet, GatewaySpec, InClusterKong};

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let c = b.cluster("kong-fargate", "us-east-2", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("kong-gateway", "m5.large", (1, 1, 1), t0))
            .with_fargate_profile(
                FargateProfile::new("fp-default", t0)
                    .selector("default", &[])
                    .selector("kube-system", &[]),
            )
    });
    let mut s = b.store(c);
    kube_system(&mut s, false, true);
    kong_kic(&mut s, "kong", 1, KongAdmin::Exposed);
    Workload::new(
        "default",
        "hello-api",
        1,
        &[("app", "hello-api")],
        "hello-api:1.0.0",
    )
    .deployment(&mut s);
    service(
        &mut s,
        "default",
        "hello-api",
        &[("app", "hello-api")],
        80,
        8080,
        Some("/hello"),
    );
    hpa(&mut s, "default", "hello-api", "hello-api", 1, 10, 80);
    drop(s);
    let mut fleet = b.finish();
    // Seed 000: traffic ramps up over ten minutes; the HPA follows to 8 pods.
    fleet.loads[c].insert(
        ("default".into(), "hello-api".into()),
        LoadCurve::Ramp {
            from: 0.5,
            to: 6.0,
            secs: 600.0,
        },
    );
    fleet.kic.push(InClusterKong {
        cluster: c,
        namespace: "kong".into(),
        label: ("app.kubernetes.io/name".into(), "kong".into()),
        unhealthy: vec![],
        nodes: Default::default(),
    });
    fleet.gateways.push(GatewaySpec::InCluster {
        name: "kong-fargate/kong".into(),
        context: "kong-fargate".into(),
        namespace: "kong".into(),
        selector: KONG_CHART_SELECTOR.into(),
        admin_port: Some(8001),
    });
    Ok(fleet)
}
