//! Compact domain rows built by pure functions from API objects, and the
//! fleet they make up. One file per kind; Fargate vs EC2 vs virtual is decided
//! in [`node`] and nowhere else.

pub mod aws;
pub mod cluster;
pub mod ecs_scaling;
pub mod event;
pub mod fleet;
pub mod format;
pub mod freshness;
pub mod hpa;
pub mod ingress;
pub mod joins;
pub mod kong;
pub mod kong_host;
pub mod namespace;
pub mod node;
pub mod pod;
pub mod pod_counts;
pub mod pod_resources;
pub mod pod_wire;
pub mod pvc;
pub mod secret;
pub mod service;
pub mod status;
pub mod store;
pub mod text;
pub mod workload;

#[cfg(test)]
pub(crate) mod fixtures;
