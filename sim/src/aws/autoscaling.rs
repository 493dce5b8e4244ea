//! Application Auto Scaling's scalable targets: the min/max an ECS
//! service's desired count is kept within by its scaling policies.

use jiff::Timestamp;

/// The only dimension the sim registers (an ECS service's desired count).
pub const ECS_DESIRED_COUNT: &str = "ecs:service:DesiredCount";

/// One registered scalable target (`RegisterScalableTarget`'s result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalableTarget {
    /// `ecs` for ECS services.
    pub namespace: String,
    /// `service/CLUSTER/SERVICE`.
    pub resource_id: String,
    pub dimension: String,
    pub min: i32,
    pub max: i32,
    pub created_at: Timestamp,
}

impl ScalableTarget {
    /// The desired count of ECS service `cluster`/`service`, kept in `min..=max`.
    pub fn ecs_service(
        cluster: &str,
        service: &str,
        min: i32,
        max: i32,
        created_at: Timestamp,
    ) -> Self {
        Self {
            namespace: "ecs".into(),
            resource_id: format!("service/{cluster}/{service}"),
            dimension: ECS_DESIRED_COUNT.into(),
            min,
            max,
            created_at,
        }
    }
}
