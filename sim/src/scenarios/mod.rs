//! Named, seeded scenarios: each reproduces one of the seed write-ups (see
//! `../shared/seeds/README.md`) as a living fleet. `demo` combines several
//! faults; `healthy` has none; `scale` is for benchmarks.
//!
//! Adding one: a file with `pub fn build(seed, params) -> Fleet` using the
//! `build` and `fleet` helpers, and a line in [`SCENARIOS`].

pub mod build;
mod demo;
mod fleet;
mod global;
mod healthy;
mod kong_ecs;
mod kong_fargate;
pub mod kube_system;
pub mod late_profile;
pub mod objects;
pub mod scale;
mod terrax;
mod virtual_kubelet;

use super::world::Fleet;

pub use fleet::FleetBuilder;

type Builder = fn(u64, &Params) -> Result<Fleet, ScenarioError>;

/// Scenario parameters, `key=value` from `--param`.
pub type Params = [(String, String)];

const SCENARIOS: &[(&str, &str, Builder)] = &[
    (
        "demo",
        "a living multi-cluster fleet with several faults at once (default for `fleetdeck demo`)",
        demo::build,
    ),
    (
        "healthy",
        "one EKS cluster (EC2 + Fargate) behind in-cluster Kong, every pod ready, no fault",
        healthy::build,
    ),
    (
        "terrax",
        "seed 001: terrax-fargate (eu-west-1), Fargate profiles, a MySQL PVC deadlocked on WaitForFirstConsumer",
        terrax::build,
    ),
    (
        "kong-fargate",
        "seed 000: KIC DB-less Kong on EC2, hello-api on Fargate scaled by an HPA under a load ramp",
        kong_fargate::build,
    ),
    (
        "late-profile",
        "seed 000 on Fargate only: the kube-system profile created after CoreDNS's pods, which stay Pending until the rollout is restarted",
        late_profile::build,
    ),
    (
        "kong-ecs",
        "seed 002: Kong on ECS Fargate, 3 nodes sharing Postgres, one node's ring-balancer without a healthy peer",
        kong_ecs::build,
    ),
    (
        "virtual-kubelet",
        "seed 003: a virtual-kubelet node mapping pods to ECS Fargate tasks",
        virtual_kubelet::build,
    ),
    (
        "global",
        "seed 004: a management cluster and four Fargate workload clusters in two regions, one unreachable",
        global::build,
    ),
    (
        "scale",
        "nodes=5000 pods=100000 events_per_sec=1000 busy=1000 (override with --param) for benchmarks",
        scale::build,
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("unknown scenario {0:?}; expected one of: {1}")]
    Unknown(String, String),
    #[error("scenario {scenario}: parameter {key}={value:?}: {expected}")]
    BadParam {
        scenario: &'static str,
        key: String,
        value: String,
        expected: &'static str,
    },
}

/// (name, one-line description) of every scenario.
pub fn list() -> Vec<(&'static str, &'static str)> {
    SCENARIOS.iter().map(|(n, d, _)| (*n, *d)).collect()
}

pub fn build(name: &str, seed: u64, params: &Params) -> Result<Fleet, ScenarioError> {
    let (_, _, builder) = SCENARIOS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| {
            ScenarioError::Unknown(
                name.to_owned(),
                SCENARIOS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
    builder(seed, params)
}

#[cfg(test)]
mod tests;
