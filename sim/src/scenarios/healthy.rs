//! No fault anywhere: EC2 and Fargate capacity, in-cluster Kong (DB-less)
//! in front of ready backends, a bound EBS volume, a calm HPA; hello-api
//! mounts its database credentials from a Secret.

use super::build::{
    BEHAVIOR, KONG_CHART_SELECTOR, KongAdmin, Workload, db_credentials, hpa, kong_kic, kube_system,
    mount_db_credentials, namespace, service,
};
use super::{Params, ScenarioError};
use crate::aws::{FargateProfile, Nodegroup};
use crate::world::{Fleet, GatewaySpec, InClusterKong};

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let c = b.cluster("healthy-eks", "eu-west-1", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("general", "m5.large", (2, 3, 6), t0))
            .with_fargate_profile(FargateProfile::new("fp-apps", t0).selector("apps", &[]))
    });
    let mut s = b.store(c);
    kube_system(&mut s, false, true);
    kong_kic(&mut s, "kong", 2, KongAdmin::ChartDefault);
    namespace(&mut s, "apps");
    db_credentials(&mut s, "apps");
    let mut hello = Workload::new(
        "apps",
        "hello-api",
        3,
        &[("app", "hello-api")],
        "hello-api:2.1.0",
    );
    mount_db_credentials(&mut hello);
    hello.deployment(&mut s);
    service(
        &mut s,
        "apps",
        "hello-api",
        &[("app", "hello-api")],
        80,
        8080,
        Some("/hello"),
    );
    hpa(&mut s, "apps", "hello-api", "hello-api", 3, 10, 80);
    namespace(&mut s, "shop");
    Workload::new("shop", "orders", 2, &[("app", "orders")], "orders:5.0.3").deployment(&mut s);
    service(
        &mut s,
        "shop",
        "orders",
        &[("app", "orders")],
        80,
        8080,
        Some("/orders"),
    );
    let _ = BEHAVIOR;
    drop(s);
    let mut fleet = b.finish();
    fleet.kic.push(InClusterKong {
        cluster: c,
        namespace: "kong".into(),
        label: ("app.kubernetes.io/name".into(), "kong".into()),
        unhealthy: vec![],
        nodes: Default::default(),
    });
    fleet.gateways.push(GatewaySpec::InCluster {
        name: "healthy-eks/kong".into(),
        context: "healthy-eks".into(),
        namespace: "kong".into(),
        selector: KONG_CHART_SELECTOR.into(),
        admin_port: None,
    });
    Ok(fleet)
}
