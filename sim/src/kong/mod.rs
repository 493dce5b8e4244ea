//! Simulated Kong admin API, one state per Kong node (facts: `shared/KONG.md`).
//!
//! Kong keeps balancer and target health **per node**, so the unit here is a
//! [`KongNode`]: its identity, storage mode ([`DbMode`]), configuration
//! ([`KongConfig`]), per-node target health overrides and injected
//! [`KongFault`]s. [`admin_router`] serves that node as Kong's admin API does
//! (shapes read from `kong/api/routes/*.lua`, `kong/api/endpoints.lua`,
//! `kong/runloop/balancer/*.lua`); [`status_router`] serves its status API.
//!
//! | file | holds |
//! |---|---|
//! | `node.rs` | [`KongNode`], [`DbMode`], [`KongFault`], [`SharedKongNode`] |
//! | `config.rs`, `builder.rs` | [`KongConfig`]; [`KongConfigBuilder`] for DB mode (apps on ECS) |
//! | `kic.rs` | [`kic_config`]: what the Ingress Controller pushes for [`KicBackend`]s |
//! | `entities.rs`, `target.rs`, `healthchecks.rs` | services, routes, upstreams, targets and their JSON |
//! | `health.rs` | one node's balancer: [`TargetHealth`], [`BalancerStatus`] |
//! | `router.rs` | routers and layers (faults, headers, RBAC token) |
//! | `routes_*.rs` | handlers: node/status, entity reads, writes, health |
//! | `pagination.rs`, `api_error.rs`, `reply.rs` | paging, Kong's error bodies, JSON replies |
//! | `admin_tls.rs` | the self-signed certificate of a TLS admin listener |
//! | `listen.rs` | a Kong pod's admin/status listeners read from its env |
//! | `ids.rs` | deterministic UUIDs and the `configuration_hash` |
//!
//! A typical DB-less node fed by KIC:
//!
//! ```no_run
//! use fleetdeck::sim::kong::*;
//! # async fn demo(backends: Vec<KicBackend>) -> std::io::Result<()> {
//! let node = KongNode::new("6b9b3a4e-1f0e-4d6c-9a53-0d1f6c0a0a01", "kong-7d9f-abcde", DbMode::DbLess).shared();
//! node.lock().map_err(|_| std::io::ErrorKind::Other)?.set_config(kic_config(&backends));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, admin_router(node.clone())).await
//! # }
//! ```

pub mod admin_tls;
mod api_error;
mod builder;
mod config;
mod entities;
mod health;
mod healthchecks;
mod ids;
mod kic;
pub mod listen;
mod node;
mod pagination;
mod reply;
mod router;
mod routes_entities;
mod routes_health;
mod routes_node;
mod routes_writes;
mod target;

#[cfg(test)]
mod tests;

pub use api_error::AdminError;
pub use builder::KongConfigBuilder;
pub use config::KongConfig;
pub use entities::{DEFAULT_WEIGHT, Route, Service, Upstream};
pub use health::{AddressStatus, BalancerStatus, HostStatus, TargetHealth};
pub use healthchecks::Healthchecks;
pub use ids::{EMPTY_CONFIG_HASH, entity_id};
pub use kic::{KicBackend, kic_config};
pub use node::{DbMode, KongFault, KongNode, SharedKongNode};
pub use router::{ADMIN_TOKEN_HEADER, admin_router, status_router};
pub use target::Target;
