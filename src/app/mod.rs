//! The app: state, the event loop, key handling. Data flows one way:
//! sources send [`update::Event::Source`]s, keys arrive as
//! [`update::Event::Key`], [`update::update`] changes the [`state::State`],
//! and the loop draws once per batch when something changed.

pub mod diagnose;
pub mod frame_log;
pub mod logging;
pub mod run;
pub mod snapshot;
pub mod sort;
#[cfg(test)]
mod sync_tests;
pub mod update;

// Moved to the view layer (ui and actions read them there); the app keeps its paths.
pub use crate::view::{commands, filter, nav, state};
