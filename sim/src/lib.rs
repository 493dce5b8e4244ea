//! fleetdeck-sim: the simulated fleet fleetdeck is built, tested and
//! benchmarked on — Kubernetes API servers (one per cluster), Kong admin
//! APIs (one per Kong node), and EKS/ECS on one AWS endpoint. It depends on
//! nothing of the app.
//!
//! The public API is small: [`start`] a scenario with [`SimOptions`], read
//! its state dir through the [`SimHandle`] (`kubeconfig`, `fleetdeck.toml`),
//! [`SimHandle::shutdown`] it; [`headless`] runs one until a signal, and
//! [`scenarios::list`] names them. The API-level modules below are public
//! for the conformance tests that drive one cluster or the AWS endpoint
//! directly with clients nobody here wrote (kubectl, the AWS SDK, moto).

pub mod api;
pub mod aws;
pub mod cluster;
mod controllers;
pub mod faults;
mod fleet_toml;
pub mod headless;
pub mod kong;
pub mod kubeconfig;
pub mod link;
mod resources;
mod rng;
mod run;
pub mod scenarios;
pub mod server;
mod store;
mod tls;
mod world;
pub use run::{SimError, SimHandle, SimOptions, start};
pub use world::Fleet;
