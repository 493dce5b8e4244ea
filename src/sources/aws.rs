//! EKS, ECS and the ECS services' Application Auto Scaling targets, polled
//! per region with the AWS SDK (endpoint and static credentials from
//! `fleetdeck.toml` when given, the SDK's chain otherwise).

use std::time::Duration;

use aws_config::BehaviorVersion;

use super::{SourceUpdate, Tx};
use crate::config::fleet::AwsConfig;
use crate::model::aws::{self as rows, AwsRegionRows};
use crate::model::ecs_scaling::{self, EcsScaling};
use crate::model::status::SourceError;

const POLL_EVERY: Duration = Duration::from_secs(15);

/// The SDK config for one region: endpoint, profile and static credentials
/// from `fleetdeck.toml` when given, the SDK's own chain otherwise.
pub async fn sdk_config(region: &str, cfg: &AwsConfig) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(20))
                .connect_timeout(Duration::from_secs(5))
                .build(),
        );
    if let Some(url) = &cfg.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(p) = &cfg.profile {
        loader = loader.profile_name(p);
    }
    if let (Some(id), Some(secret)) = (&cfg.access_key_id, &cfg.secret_access_key) {
        loader = loader.credentials_provider(aws_sdk_eks::config::Credentials::new(
            id,
            secret,
            None,
            None,
            "fleetdeck.toml",
        ));
    }
    loader.load().await
}

pub async fn run(region: String, cfg: AwsConfig, tx: Tx) {
    let conf = sdk_config(&region, &cfg).await;
    // The profile the SDK reads, as it picks it.
    let profile = cfg
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".into());
    let eks = aws_sdk_eks::Client::new(&conf);
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let scaling = aws_sdk_applicationautoscaling::Client::new(&conf);
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let mut out = AwsRegionRows::default();
        let eks_err = poll_eks(&eks, &region, &mut out).await.err();
        let ecs_err = poll_ecs(&ecs, &region, &mut out).await.err();
        if !out.services.is_empty() {
            out.ecs_scaling = poll_scaling(&scaling).await;
        }
        let any_rows = !(out.eks.is_empty() && out.ecs.is_empty());
        if any_rows || (eks_err.is_none() && ecs_err.is_none()) {
            let update = SourceUpdate::AwsRegion {
                region: region.clone(),
                rows: Box::new(out),
            };
            if tx.send(update).await.is_err() {
                return;
            }
        }
        if let Some(error) = eks_err.or(ecs_err) {
            let error = with_sso_hint(error, &profile);
            tracing::warn!(region, "aws: {}", error.message());
            if tx
                .send(SourceUpdate::AwsError {
                    region: region.clone(),
                    error,
                })
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// How an SSO profile whose cached token is missing or expired is said.
const SSO_EXPIRED: &str = "SSO session expired or not logged in";

/// An SSO failure names the command that fixes it, for the profile in use.
fn with_sso_hint(error: SourceError, profile: &str) -> SourceError {
    match error {
        SourceError::Unauthorized(m) if m.starts_with(SSO_EXPIRED) => {
            SourceError::Unauthorized(format!("{m}: run aws sso login --profile {profile}"))
        }
        other => other,
    }
}

/// Unreachable / unauthorized / forbidden from an SDK error.
fn classify<E, R>(e: &aws_smithy_types_error::SdkError<E, R>) -> SourceError
where
    E: aws_sdk_eks::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_smithy_types_error::SdkError;
    match e {
        // The SDK reports credentials it could not get as a dispatch failure
        // that is neither IO nor a timeout: the endpoint was never tried.
        SdkError::DispatchFailure(d) if !(d.is_io() || d.is_timeout()) => {
            let chain = crate::errors::one_line(e);
            let root = crate::errors::root_cause(e);
            if chain.contains("SSO token") || chain.contains("SSO session") {
                SourceError::Unauthorized(format!("{SSO_EXPIRED} ({root})"))
            } else if chain.to_ascii_lowercase().contains("credential") {
                SourceError::Unauthorized(format!("no AWS credentials: {root}"))
            } else {
                SourceError::Other(root)
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            SourceError::Unreachable(crate::errors::root_cause(e))
        }
        SdkError::ServiceError(se) => {
            let err = se.err();
            let code = err.code().unwrap_or("Unknown");
            let msg = format!("{code}: {}", err.message().unwrap_or_default());
            match code {
                c if c.starts_with("AccessDenied") => SourceError::Forbidden(msg),
                "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "ExpiredToken"
                | "ExpiredTokenException"
                | "InvalidSignatureException" => SourceError::Unauthorized(msg),
                _ => SourceError::Other(msg),
            }
        }
        other => SourceError::Other(crate::errors::root_cause(other)),
    }
}

/// The SDK error type both clients share (re-exported by each SDK crate).
mod aws_smithy_types_error {
    pub use aws_sdk_eks::error::SdkError;
}

async fn poll_eks(
    c: &aws_sdk_eks::Client,
    region: &str,
    out: &mut AwsRegionRows,
) -> Result<(), SourceError> {
    let names: Vec<String> = c
        .list_clusters()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify(&e))?;
    for name in names {
        if let Ok(r) = c.describe_cluster().name(&name).send().await
            && let Some(cl) = r.cluster()
        {
            out.eks.push(rows::eks_cluster(region, cl));
        }
        let profiles: Vec<String> = c
            .list_fargate_profiles()
            .cluster_name(&name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap_or_default();
        for p in profiles {
            let r = c
                .describe_fargate_profile()
                .cluster_name(&name)
                .fargate_profile_name(&p)
                .send()
                .await;
            if let Some(fp) = r.ok().as_ref().and_then(|r| r.fargate_profile()) {
                out.profiles.push(rows::fargate_profile(region, fp));
            }
        }
        let groups: Vec<String> = c
            .list_nodegroups()
            .cluster_name(&name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap_or_default();
        for g in groups {
            let r = c
                .describe_nodegroup()
                .cluster_name(&name)
                .nodegroup_name(&g)
                .send()
                .await;
            if let Some(ng) = r.ok().as_ref().and_then(|r| r.nodegroup()) {
                out.nodegroups.push(rows::nodegroup(region, ng));
            }
        }
    }
    Ok(())
}

/// Application Auto Scaling's ECS targets; a failure is kept as the reason
/// they are unknown (the dialog says so), not as a source error.
async fn poll_scaling(c: &aws_sdk_applicationautoscaling::Client) -> EcsScaling {
    use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
    let targets = c
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await;
    match targets {
        Ok(t) => ecs_scaling::from_targets(&t),
        Err(e) => EcsScaling {
            error: Some(classify(&e).message().to_owned()),
            ..EcsScaling::default()
        },
    }
}

async fn poll_ecs(
    c: &aws_sdk_ecs::Client,
    region: &str,
    out: &mut AwsRegionRows,
) -> Result<(), SourceError> {
    let arns: Vec<String> = c
        .list_clusters()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify(&e))?;
    for chunk in arns.chunks(100) {
        let r = c
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&e))?;
        for cl in r.clusters() {
            out.ecs.push(rows::ecs_cluster(region, cl));
        }
    }
    for cluster_arn in &arns {
        let cluster = rows::arn_name(cluster_arn);
        let services: Vec<String> = c
            .list_services()
            .cluster(cluster_arn)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap_or_default();
        for chunk in services.chunks(10) {
            if let Ok(r) = c
                .describe_services()
                .cluster(cluster_arn)
                .set_services(Some(chunk.to_vec()))
                // Tags say who else sets the desired count (the scale dialog warns).
                .include(aws_sdk_ecs::types::ServiceField::Tags)
                .send()
                .await
            {
                out.services.extend(
                    r.services()
                        .iter()
                        .map(|s| rows::ecs_service(region, &cluster, s)),
                );
            }
        }
        let tasks: Vec<String> = c
            .list_tasks()
            .cluster(cluster_arn)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap_or_default();
        for chunk in tasks.chunks(100) {
            if let Ok(r) = c
                .describe_tasks()
                .cluster(cluster_arn)
                .set_tasks(Some(chunk.to_vec()))
                .send()
                .await
            {
                out.tasks.extend(
                    r.tasks()
                        .iter()
                        .map(|t| rows::ecs_task(region, &cluster, t)),
                );
                out.placements.extend(
                    r.tasks()
                        .iter()
                        .map(|t| rows::ecs_task_placement(&cluster, t)),
                );
                for k in r
                    .tasks()
                    .iter()
                    .filter_map(|t| rows::ecs_kong_service(&cluster, t))
                {
                    if !out.kong_services.contains(&k) {
                        out.kong_services.push(k);
                    }
                }
            }
        }
    }
    Ok(())
}
