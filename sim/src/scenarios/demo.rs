//! The default for `fleetdeck demo`: a living fleet with several faults at
//! once — the WaitForFirstConsumer deadlock, an upstream with no ready
//! endpoints, a Kong node with a stale balancer, a crash loop, an image pull
//! failure, an HPA pinned at max — beside healthy bulk in a second region,
//! and Kong on ECS with one node without a healthy peer. hello-api mounts
//! its database credentials from a Secret.

use super::build::{
    BEHAVIOR, KONG_CHART_SELECTOR, KongAdmin, Workload, db_credentials, hpa, kong_kic, kube_system,
    mount_db_credentials, namespace, pvc, service, with_claim,
};
use super::{Params, ScenarioError};
use crate::aws::{FargateProfile, Nodegroup};
use crate::controllers::load::LoadCurve;
use crate::world::{Fleet, GatewaySpec, InClusterKong};

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = super::FleetBuilder::new(seed);
    let t0 = b.now;
    let eu = b.cluster("prod-eu", "eu-west-1", 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("general", "m5.large", (2, 3, 6), t0))
            .with_fargate_profile(FargateProfile::new("fp-default", t0).selector("default", &[]))
            .with_fargate_profile(
                FargateProfile::new("fp-shop", t0).selector("shop", &[("compute", "fargate")]),
            )
    });
    {
        let mut s = b.store(eu);
        kube_system(&mut s, false, true);
        kong_kic(&mut s, "kong", 2, KongAdmin::ChartDefault);
        // The deadlock: MySQL in `default` is claimed by fp-default, its EBS claim waits for it.
        pvc(&mut s, "default", "mysql-data", "gp2", "20Gi");
        let mut mysql = Workload::new("default", "mysql", 1, &[("app", "mysql")], "mysql:8.0.40");
        mysql.pod_spec_extra = with_claim("mysql-data");
        mysql.deployment(&mut s);
        namespace(&mut s, "shop");
        let fargate: &[(&str, &str)] = &[("app", "hello-api"), ("compute", "fargate")];
        db_credentials(&mut s, "shop");
        let mut hello = Workload::new("shop", "hello-api", 2, fargate, "hello-api:2.1.0");
        mount_db_credentials(&mut hello);
        hello.deployment(&mut s);
        service(
            &mut s,
            "shop",
            "hello-api",
            &[("app", "hello-api")],
            80,
            8080,
            Some("/hello"),
        );
        hpa(&mut s, "shop", "hello-api", "hello-api", 2, 4, 60);
        let mut checkout = Workload::new(
            "shop",
            "checkout",
            2,
            &[("app", "checkout")],
            "shop/checkout:3.0.0-rc1",
        );
        checkout.annotations = &[(BEHAVIOR, "imagepull")];
        checkout.deployment(&mut s);
        service(
            &mut s,
            "shop",
            "checkout",
            &[("app", "checkout")],
            80,
            8080,
            Some("/checkout"),
        );
        let mut payments = Workload::new(
            "shop",
            "payments",
            2,
            &[("app", "payments")],
            "shop/payments:4.2.1",
        );
        payments.annotations = &[
            (BEHAVIOR, "crashloop"),
            ("sim.fleetdeck.io/hostile-logs", "true"),
        ];
        payments.deployment(&mut s);
        service(
            &mut s,
            "shop",
            "payments",
            &[("app", "payments")],
            80,
            8080,
            Some("/payments"),
        );
    }
    let us = b.cluster("prod-us", "us-east-1", 30, |eks| {
        eks.with_nodegroup(Nodegroup::new("general", "m5.xlarge", (3, 4, 8), t0).spot())
            .with_fargate_profile(FargateProfile::new("fp-web", t0).selector("web", &[]))
    });
    {
        let mut s = b.store(us);
        kube_system(&mut s, false, true);
        namespace(&mut s, "web");
        for (name, n) in [("storefront", 4), ("search", 3), ("recommendations", 2)] {
            let labels: &[(&str, &str)] = match name {
                "storefront" => &[("app", "storefront")],
                "search" => &[("app", "search")],
                _ => &[("app", "recommendations")],
            };
            Workload::new("web", name, n, labels, &format!("web/{name}:1.8.0")).deployment(&mut s);
            service(&mut s, "web", name, labels, 80, 8080, None);
        }
        namespace(&mut s, "data");
        Workload::new("data", "redis", 1, &[("app", "redis")], "redis:7.4").deployment(&mut s);
    }
    let (ecs_kong, ecs_gw) = super::kong_ecs::add_ecs_kong(&mut b, vec![(2, "payments".into())]);
    let mut fleet = b.finish();
    // hello-api's traffic (in pods' worth at the 60% target) is more than
    // its max of 4 can serve: the HPA sits at max, ScalingLimited.
    fleet.loads[eu].insert(
        ("shop".into(), "hello-api".into()),
        LoadCurve::Sine {
            base: 5.5,
            amplitude: 0.5,
            period: 300.0,
        },
    );
    fleet.kic.push(InClusterKong {
        cluster: eu,
        namespace: "kong".into(),
        label: ("app.kubernetes.io/name".into(), "kong".into()),
        unhealthy: vec![(1, "hello-api".into())],
        nodes: Default::default(),
    });
    fleet.gateways.push(GatewaySpec::InCluster {
        name: "prod-eu/kong".into(),
        context: "prod-eu".into(),
        namespace: "kong".into(),
        selector: KONG_CHART_SELECTOR.into(),
        admin_port: None,
    });
    fleet.ecs_kong.push(ecs_kong);
    fleet.gateways.push(ecs_gw);
    Ok(fleet)
}
