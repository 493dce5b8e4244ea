//! ECS service auto scaling as a second owner of a desired count, against
//! the sim's `kong-ecs` scenario: Application Auto Scaling's
//! `DescribeScalableTargets` as the AWS SDK reads it, and the scale dialog
//! naming the owner and keeping to its min/max.

mod common;

use std::time::Duration;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use common::Sim;
use common::tmux::dashboard;

const LONG: Duration = Duration::from_secs(60);

fn credentials() -> aws_sdk_ecs::config::Credentials {
    aws_sdk_ecs::config::Credentials::new(
        "AKIAFLEETDECKSIM",
        "fleetdeck-sim-secret",
        None,
        None,
        "sim",
    )
}

fn scaling(sim: &Sim) -> aws_sdk_applicationautoscaling::Client {
    use aws_sdk_applicationautoscaling::config::{BehaviorVersion, Region};
    let config = aws_sdk_applicationautoscaling::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(credentials())
        .endpoint_url(sim.aws_endpoint())
        .build();
    aws_sdk_applicationautoscaling::Client::from_conf(config)
}

fn ecs(sim: &Sim) -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::config::{BehaviorVersion, Region};
    let config = aws_sdk_ecs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(credentials())
        .endpoint_url(sim.aws_endpoint())
        .build();
    aws_sdk_ecs::Client::from_conf(config)
}

/// The SDK reads Kong's scalable target (and only it) from the sim, filters
/// by resource id, and gets a ValidationException for a namespace AWS
/// does not have.
#[test]
fn describe_scalable_targets_serves_kongs_target_to_the_sdk() {
    let sim = Sim::start("kong-ecs", &[]);
    let c = scaling(&sim);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let all = rt
        .block_on(
            c.describe_scalable_targets()
                .service_namespace(ServiceNamespace::Ecs)
                .send(),
        )
        .expect("DescribeScalableTargets");
    let targets: Vec<_> = all
        .scalable_targets()
        .iter()
        .map(|t| {
            (
                t.resource_id().to_owned(),
                t.scalable_dimension().clone(),
                t.min_capacity(),
                t.max_capacity(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        vec![(
            "service/kong-gateway/kong".to_owned(),
            ScalableDimension::EcsServiceDesiredCount,
            2,
            6
        )]
    );
    let other = rt
        .block_on(
            c.describe_scalable_targets()
                .service_namespace(ServiceNamespace::Ecs)
                .resource_ids("service/kong-gateway/orders")
                .send(),
        )
        .expect("DescribeScalableTargets for orders");
    assert!(other.scalable_targets().is_empty(), "orders has no target");
    let bad = rt.block_on(
        c.describe_scalable_targets()
            .service_namespace(ServiceNamespace::from("nosuch"))
            .send(),
    );
    let code = bad
        .err()
        .and_then(|e| e.into_service_error().meta().code().map(str::to_owned));
    assert_eq!(code.as_deref(), Some("ValidationException"));
}

/// `s` on Kong's ECS service names ECS service auto scaling as an owner;
/// `+` stops at its max, a typed count beyond it is refused, one below its
/// min (0) is refused on enter, and nothing reaches ECS. A service without a
/// target says nothing of auto scaling.
#[test]
fn scale_dialog_names_ecs_auto_scaling_and_keeps_to_its_bounds() {
    let sim = Sim::start("kong-ecs", &[]);
    let t = dashboard("ecs-aas", &sim, &[]);
    t.type_text(":aws");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ AWS ", "inventory"], LONG);
    t.type_text("/^orders$");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ AWS (1) "], LONG);
    t.type_text("s");
    let screen = t.wait_for(&["ECS service kong-gateway/orders", "desired count"], LONG);
    assert!(!screen.contains("auto scaling"), "{screen}");
    t.keys(&["Escape"]);
    t.wait_for(&["scale cancelled, nothing was changed"], LONG);

    // `/` reopens the filter as typed: erase `^orders$` first.
    t.type_text("/");
    t.keys(&["BSpace"; 8]);
    t.type_text("^kong$");
    t.keys(&["Enter"]);
    t.wait_for(&["/^kong$ "], LONG);
    t.type_text("s");
    t.wait_for(
        &[
            "ECS service kong-gateway/kong",
            "ECS service auto scaling (min 2, max 6) also sets this",
        ],
        LONG,
    );
    t.type_text("++++");
    t.wait_for(&["stopped at 6: ECS service auto scaling's max"], LONG);
    t.type_text("1");
    t.wait_for(&["61 refused"], LONG);
    t.keys(&["BSpace"]);
    t.type_text("0");
    t.keys(&["Enter"]);
    t.wait_for(&["0 refused: desired count must be within"], LONG);
    t.keys(&["Escape"]);
    t.wait_for(&["scale cancelled, nothing was changed"], LONG);

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let desired = rt
        .block_on(
            ecs(&sim)
                .describe_services()
                .cluster("kong-gateway")
                .services("kong")
                .send(),
        )
        .expect("DescribeServices")
        .services()
        .first()
        .map(|s| s.desired_count());
    assert_eq!(desired, Some(3), "no refused count reached ECS");
}
