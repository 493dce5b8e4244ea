//! fleetdeck — a terminal dashboard for API-gateway fleets on AWS.
//!
//! Data flows one way: `sources` → events → `app` state → `ui` frame.
//!
//! | module | holds |
//! |---|---|
//! | [`cli`] | the command line (clap) |
//! | [`config`] | `fleetdeck.toml`, themes and keymaps (defaults embedded from `themes/`, `keymaps/`) |
//! | [`sources`] | IO tasks: kube watchers per cluster × kind, Kong admin pollers, AWS pollers |
//! | [`kinds`] | the kind registry: each watched Kubernetes kind declared once |
//! | [`model`] | compact domain rows built by pure functions from API objects |
//! | [`errors`] | error text on one line: an error chain's root cause or all of it |
//! | [`diagnose`] | pure rules over the fleet snapshot → findings (code, severity, evidence, fix) |
//! | [`app`] | the state, the event loop, key handling |
//! | [`actions`] | keyboard actions: scale, describe, log tail (effects, executor, panes) |
//! | [`view`] | the view-model: typed row subjects, arranged rows kept per data version |
//! | [`ui`] | drawing: one file per view plus shared widgets; never does IO |
//!
//! The simulated fleet is its own crate, `fleetdeck-sim` (folder `sim/`), reached only by
//! `demo`, `sim` and `scenarios` in `main.rs` behind the default-on `sim` feature.

pub mod actions;
pub mod app;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod errors;
pub mod kinds;
pub mod model;
pub mod sources;
pub mod ui;
pub mod view;

#[cfg(test)]
mod test_sim;
