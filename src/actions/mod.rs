//! Keyboard actions: scale, describe, log tail. The flow stays one-way:
//! a key in [`keys`] changes the overlay state and queues an [`Effect`];
//! the run loop hands effects to the [`exec::Executor`], which does the IO
//! (kube-rs, aws-sdk) in tasks and sends [`ActionEvent`]s back; [`events`]
//! applies them. Drawing (`ui/views/{scale_modal,describe,logs}.rs`) reads
//! the overlay state only.
//!
//! | module | holds |
//! |---|---|
//! | [`subject`] | the object behind the selected row |
//! | [`scale`] | the scale modal (replicas, HPA min/max, node group, ECS) |
//! | [`describe`] | kubectl-like describe and YAML formatters, Kong/AWS describe |
//! | [`logs`] | the log pane, its bounded buffer, the streaming tasks |
//! | [`open`] | `s` / `d` / `l` on a row: what opens, or why not |
//! | [`fix`] | `x` on an incident: its root's fix, confirmed |
//! | [`keys`] | keys inside the modal and panes |
//! | [`events`] | results coming back from the executor |
//! | [`exec`] | the executor: clients per cluster/region, one task per effect |

pub mod delete;
pub mod describe;
pub mod events;
pub mod exec;
#[cfg(test)]
mod exec_tests;
pub mod fix;
#[cfg(test)]
mod flow_tests;
pub mod keys;
pub mod logs;
pub mod open;
pub use crate::view::panes::scale;
pub mod subject;

pub use crate::view::panes::{ActState, ActionEvent, Effect, Overlay};
