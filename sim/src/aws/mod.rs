//! Simulated AWS: EKS (rest-json), ECS and Application Auto Scaling
//! (awsJson1.1) on one HTTP endpoint,
//! faithful enough that `aws-sdk-eks`/`aws-sdk-ecs` (and moto, which the
//! `aws_moto` test compares against) agree on every field fleetdeck reads.
//!
//! | module | holds |
//! |---|---|
//! | [`world`] | [`AwsWorld`]: account → regions → EKS/ECS clusters; builders, lookups, `tick` |
//! | [`eks`] | EKS clusters, Fargate profiles (selectors, matching), node groups |
//! | [`eks_update`] | UpdateNodegroupConfig validation and the updates DescribeUpdate reports |
//! | [`autoscaling`] | Application Auto Scaling's scalable targets (an ECS service's min/max desired count) |
//! | [`ecs`] | ECS clusters, services, deployments, events, injected start failures |
//! | [`ecs_task`] | ECS tasks and their Fargate lifecycle |
//! | `ecs_tick` | the service scheduler: tasks start and stop over ticks, ECS's event messages |
//! | [`ids`] | ARNs and UUID-shaped ids, derived as AWS derives them |
//! | [`error`] | [`AwsError`], named and coded as AWS does |
//! | `http` | [`router`]: the two wire protocols, SigV4 region, pagination |
//!
//! The model is plain data and deterministic: time and randomness come from
//! the scenario through [`AwsWorld::tick`]. Building a world:
//!
//! ```
//! use fleetdeck::sim::aws::*;
//! let t0 = jiff::Timestamp::from_second(1_763_700_000).unwrap();
//! let mut world = AwsWorld::new("123456789012", t0);
//! world.add_eks_cluster("eu-west-1", EksCluster::new("edge", "1.31", t0)
//!     .with_fargate_profile(FargateProfile::new("fp-default", t0).selector("kong", &[]))
//!     .with_nodegroup(Nodegroup::new("general", "m5.large", (1, 3, 6), t0)));
//! world.add_ecs_cluster("eu-west-1", EcsCluster::new("apis").with_service(
//!     EcsService::fargate("orders", "arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:4", 3, t0)));
//! let mut n = 0u64;
//! world.warm_up(t0, &mut || { n += 1; n.wrapping_mul(0x9E37_79B9_7F4A_7C15) });
//! assert_eq!(world.ecs_cluster("eu-west-1", "apis").unwrap().services["orders"].running, 3);
//! let app = router(world.shared());
//! # drop(app);
//! ```

pub mod autoscaling;
pub mod ecs;
pub mod ecs_task;
mod ecs_tick;
pub mod eks;
pub mod eks_update;
pub mod error;
mod http;
pub mod ids;
pub mod world;

pub use autoscaling::{ECS_DESIRED_COUNT, ScalableTarget};
pub use ecs::{Deployment, EcsCluster, EcsService, MAX_EVENTS, ServiceEvent, StartFailure};
pub use ecs_task::{EcsContainer, EcsTask, HealthStatus, TaskStatus};
pub use eks::{
    CapacityType, ClusterStatus, EksCluster, FargateProfile, FargateProfileStatus, FargateSelector,
    HealthIssue, Nodegroup, NodegroupStatus, Taint, TaintEffect,
};
pub use eks_update::{EksUpdate, ScalingChange, UpdateStatus, validate_scaling};
pub use error::AwsError;
pub use http::router;
pub use world::{AwsWorld, RegionState, SharedAws};
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod ecs_tick_tests;
