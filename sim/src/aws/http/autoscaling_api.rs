//! Application Auto Scaling (awsJson1.1, `POST /` with
//! `X-Amz-Target: AnyScaleFrontendService.<Operation>`): the read the
//! dashboard needs, `DescribeScalableTargets`. Its members are PascalCase.

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::page::{max_results, paginate};
use super::reply::{Protocol, epoch, result};
use super::{lock, region_or_error};
use crate::aws::autoscaling::ScalableTarget;
use crate::aws::error::AwsError;
use crate::aws::ids::stable_hash;
use crate::aws::world::{AwsWorld, SharedAws};

pub const TARGET_PREFIX: &str = "AnyScaleFrontendService.";

/// The supported services' namespaces (the sim registers ECS targets only;
/// others are valid and simply have none).
const NAMESPACES: &[&str] = &[
    "ecs",
    "elasticmapreduce",
    "ec2",
    "appstream",
    "dynamodb",
    "rds",
    "sagemaker",
    "custom-resource",
    "comprehend",
    "lambda",
    "cassandra",
    "kafka",
    "elasticache",
    "neptune",
    "workspaces",
];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    service_namespace: Option<String>,
    resource_ids: Option<Vec<String>>,
    scalable_dimension: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// `POST /` for an `AnyScaleFrontendService.*` target.
pub fn dispatch(world: &SharedAws, op: &str, headers: &HeaderMap, body: &Bytes) -> Response {
    let outcome = region_or_error(headers, 400).and_then(|region| {
        let req: Request = if body.is_empty() {
            Request::default()
        } else {
            serde_json::from_slice(body).map_err(|e| AwsError::serialization(e.to_string()))?
        };
        let w = lock(world);
        match op {
            "DescribeScalableTargets" => describe_scalable_targets(&w, &region, &req),
            _ => Err(AwsError::unknown_operation(400)),
        }
    });
    result(Protocol::AwsJson11, outcome)
}

fn describe_scalable_targets(w: &AwsWorld, region: &str, req: &Request) -> Result<Value, AwsError> {
    let namespace = req
        .service_namespace
        .as_deref()
        .ok_or_else(|| AwsError::validation("ServiceNamespace is required"))?;
    if !NAMESPACES.contains(&namespace) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{namespace}' at 'serviceNamespace' failed to satisfy constraint"
        )));
    }
    let targets: Vec<&ScalableTarget> = w
        .regions
        .get(region)
        .map(|r| {
            r.scalable_targets
                .values()
                .filter(|t| t.namespace == namespace)
                .filter(|t| {
                    req.resource_ids
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&t.resource_id))
                })
                .filter(|t| {
                    req.scalable_dimension
                        .as_ref()
                        .is_none_or(|d| *d == t.dimension)
                })
                .collect()
        })
        .unwrap_or_default();
    let page = paginate(
        targets.iter().map(|t| t.resource_id.as_str()),
        max_results(req.max_results, 50)?,
        req.next_token.as_deref(),
    )?;
    let shown: Vec<Value> = targets
        .iter()
        .filter(|t| page.items.contains(&t.resource_id))
        .map(|t| target_json(w, region, t))
        .collect();
    Ok(json!({"ScalableTargets": shown, "NextToken": page.next_token}))
}

fn target_json(w: &AwsWorld, region: &str, t: &ScalableTarget) -> Value {
    let account = &w.account_id;
    json!({
        "ServiceNamespace": t.namespace,
        "ResourceId": t.resource_id,
        "ScalableDimension": t.dimension,
        "MinCapacity": t.min,
        "MaxCapacity": t.max,
        "RoleARN": format!(
            "arn:aws:iam::{account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
        ),
        "CreationTime": epoch(t.created_at),
        "ScalableTargetARN": format!(
            "arn:aws:application-autoscaling:{region}:{account}:scalable-target/{:016x}",
            stable_hash(&["scalable-target", region, &t.resource_id])
        ),
        "SuspendedState": {
            "DynamicScalingInSuspended": false,
            "DynamicScalingOutSuspended": false,
            "ScheduledScalingSuspended": false
        }
    })
}
