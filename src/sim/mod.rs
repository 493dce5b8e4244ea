//! The simulated fleet: Kubernetes API servers (one per cluster), Kong admin
//! APIs (one per Kong node), and EKS/ECS on one AWS endpoint. It depends on
//! nothing else in the crate; the app uses it only for `demo`.

pub mod api;
pub mod aws;
pub mod cluster;
pub mod controllers;
pub mod faults;
pub mod headless;
pub mod kong;
pub mod kubeconfig;
pub mod resources;
pub mod rng;
pub mod run;
pub mod scenarios;
pub mod server;
pub mod store;
pub mod tls;
pub mod world;
pub use run::{SimError, SimHandle, SimOptions, start};
