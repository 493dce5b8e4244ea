//! The app: state, the event loop, key handling. Data flows one way:
//! sources send [`update::Event::Source`]s, keys arrive as
//! [`update::Event::Key`], [`update::update`] changes the [`state::State`],
//! and the loop draws once per batch when something changed.

pub mod commands;
pub mod diagnose;
pub mod filter;
pub mod frame_log;
pub mod logging;
pub mod nav;
pub mod picker;
pub mod run;
pub mod snapshot;
pub mod sort;
pub mod state;
#[cfg(test)]
mod sync_tests;
pub mod update;
