//! The HTTP face of the simulated AWS: EKS (rest-json, paths under
//! `/clusters`), ECS and Application Auto Scaling (awsJson1.1, `POST /`
//! with `X-Amz-Target`, told apart by its prefix) on one router. The region comes from each request's SigV4 credential scope.

mod auth;
mod autoscaling_api;
mod ecs_api;
mod ecs_json;
mod eks_api;
mod eks_json;
mod page;
mod reply;

use std::sync::MutexGuard;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;

use super::error::AwsError;
use super::world::{AwsWorld, SharedAws};
use reply::Protocol;

/// The simulated AWS endpoint, serving EKS and ECS as the SDKs call them.
pub fn router(world: SharedAws) -> Router {
    eks_api::routes()
        .route("/", post(json11))
        .fallback(unknown)
        .method_not_allowed_fallback(unknown)
        .with_state(world)
}

/// `POST /`: Application Auto Scaling by its target prefix, ECS otherwise
/// (ECS answers an unknown target itself).
async fn json11(state: State<SharedAws>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(autoscaling_api::TARGET_PREFIX))
        .map(str::to_owned);
    match target {
        Some(op) => autoscaling_api::dispatch(&state.0, &op, &headers, &body),
        None => ecs_api::dispatch(state, headers, body).await,
    }
}

/// Paths that name no operation get rest-json's answer (ECS only ever
/// posts to `/`, which always routes).
async fn unknown() -> Response {
    reply::error(Protocol::RestJson, &AwsError::unknown_operation(404))
}

fn region_or_error(headers: &HeaderMap, status: u16) -> Result<String, AwsError> {
    auth::region_of(headers, status)
}

/// The world, even if a panic elsewhere poisoned the lock (the data is
/// plain and every change is applied whole).
fn lock(world: &SharedAws) -> MutexGuard<'_, AwsWorld> {
    world
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
