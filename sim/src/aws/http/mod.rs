//! The HTTP face of the simulated AWS: EKS (rest-json, paths under
//! `/clusters`) and ECS (awsJson1.1, `POST /` with `X-Amz-Target`) on one
//! router. The region comes from each request's SigV4 credential scope.

mod auth;
mod ecs_api;
mod ecs_json;
mod eks_api;
mod eks_json;
mod page;
mod reply;

use std::sync::MutexGuard;

use axum::Router;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;

use super::error::AwsError;
use super::world::{AwsWorld, SharedAws};
use reply::Protocol;

/// The simulated AWS endpoint, serving EKS and ECS as the SDKs call them.
pub fn router(world: SharedAws) -> Router {
    eks_api::routes()
        .route("/", post(ecs_api::dispatch))
        .fallback(unknown)
        .method_not_allowed_fallback(unknown)
        .with_state(world)
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
