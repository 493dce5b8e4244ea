//! Seed 002: Kong on ECS Fargate — three Kong nodes sharing one Postgres,
//! backend services registering their task IPs as upstream targets. One
//! node's ring-balancer has no healthy peer for `payments` while the other
//! two serve it. Kong's ECS service is an Application Auto Scaling target
//! (min 2, max 6). A small EKS cluster runs beside it.

use super::build::{Workload, kube_system, namespace, service};
use super::{FleetBuilder, Params, ScenarioError};
use crate::aws::{EcsCluster, EcsService, Nodegroup, ScalableTarget};
use crate::kong::{DbMode, KongNode, admin_router};
use crate::world::{EcsKong, Fleet, GatewaySpec, uuid_like};

pub const REGION: &str = "eu-west-1";
pub const ECS_CLUSTER: &str = "kong-gateway";

fn task_def(name: &str) -> String {
    format!("arn:aws:ecs:{REGION}:123456789012:task-definition/{name}:7")
}

/// Adds the ECS cluster, its services and the Kong nodes; `unhealthy` names
/// (node index, app) pairs whose balancer has no healthy peer.
pub fn add_ecs_kong(
    b: &mut FleetBuilder,
    unhealthy: Vec<(usize, String)>,
) -> (EcsKong, GatewaySpec) {
    let t0 = b.now;
    let mut ecs = EcsCluster::new(ECS_CLUSTER).with_service(
        EcsService::fargate("kong", &task_def("kong"), 3, t0).with_image("kong:3.9.1"),
    );
    for (svc, n) in [("orders", 3), ("inventory", 2), ("payments", 2)] {
        ecs = ecs.with_service(
            EcsService::fargate(svc, &task_def(svc), n, t0)
                .with_image(&format!("shop/{svc}:2.3.0")),
        );
    }
    b.aws.add_ecs_cluster(REGION, ecs);
    let mut rng = b.rng.clone();
    b.aws.warm_up(t0, &mut || rng.next_u64());
    let hostnames: Vec<String> = b
        .aws
        .ecs_cluster(REGION, ECS_CLUSTER)
        .map(|c| {
            c.service_tasks("kong")
                .map(|t| t.private_dns_name(REGION))
                .collect()
        })
        .unwrap_or_default();
    let nodes: Vec<_> = hostnames
        .iter()
        .map(|h| {
            (
                h.clone(),
                KongNode::new(&uuid_like(h), h, DbMode::Postgres { reachable: true }).shared(),
            )
        })
        .collect();
    let routers = nodes
        .iter()
        .map(|(h, n)| (h.clone(), admin_router(n.clone())))
        .collect();
    let apps = ["orders", "inventory", "payments"]
        .iter()
        .map(|a| {
            (
                (*a).to_owned(),
                vec![format!("/{a}")],
                (*a).to_owned(),
                8080,
            )
        })
        .collect();
    (
        EcsKong {
            region: REGION.into(),
            ecs_cluster: ECS_CLUSTER.into(),
            service: "kong".into(),
            apps,
            nodes,
            unhealthy,
        },
        GatewaySpec::Ecs {
            name: "kong-ecs".into(),
            nodes: routers,
            ecs_service: format!("{REGION}/{ECS_CLUSTER}/kong"),
        },
    )
}

pub fn build(seed: u64, _params: &Params) -> Result<Fleet, ScenarioError> {
    let mut b = FleetBuilder::new(seed);
    let t0 = b.now;
    let c = b.cluster("platform-eks", REGION, 31, |eks| {
        eks.with_nodegroup(Nodegroup::new("general", "m5.large", (2, 2, 4), t0))
    });
    {
        let mut s = b.store(c);
        kube_system(&mut s, false, true);
        namespace(&mut s, "tools");
        Workload::new(
            "tools",
            "grafana",
            1,
            &[("app", "grafana")],
            "grafana/grafana:11.3.0",
        )
        .deployment(&mut s);
        service(
            &mut s,
            "tools",
            "grafana",
            &[("app", "grafana")],
            80,
            3000,
            None,
        );
    }
    let (kong, gw) = add_ecs_kong(&mut b, vec![(1, "payments".into())]);
    // Kong's desired count is also Application Auto Scaling's to set.
    b.aws.add_scalable_target(
        REGION,
        ScalableTarget::ecs_service(ECS_CLUSTER, "kong", 2, 6, t0),
    );
    let mut fleet = b.finish();
    fleet.ecs_kong.push(kong);
    fleet.gateways.push(gw);
    Ok(fleet)
}
