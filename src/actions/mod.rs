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
//! | [`keys`] | keys inside the modal and panes |
//! | [`events`] | results coming back from the executor |
//! | [`exec`] | the executor: clients per cluster/region, one task per effect |

pub mod describe;
pub mod events;
pub mod exec;
#[cfg(test)]
mod exec_tests;
#[cfg(test)]
mod flow_tests;
pub mod keys;
pub mod logs;
pub mod open;
pub mod scale;
pub mod subject;

use std::sync::Arc;

use jiff::Timestamp;

use self::describe::DescribePane;
use self::logs::LogPane;
use self::logs::stream::LogRequest;
use self::scale::{ScaleModal, ScaleRequest};
use self::subject::KubeRef;

/// IO the user asked for; performed by the executor, never by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A confirmed mutation (the modal was shown and confirmed).
    Scale(ScaleRequest),
    /// Fetch the full object and its events, format them.
    Describe { id: u64, object: KubeRef },
    /// Stream one pod's logs (every container, or the chosen one) into a session.
    LogStart { session: u64, request: LogRequest },
    /// Stop every stream of a session.
    LogStop { session: u64 },
    /// Write text to a file.
    Save {
        path: std::path::PathBuf,
        text: String,
    },
}

/// A result coming back from the executor.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionEvent {
    /// A finished mutation or save: its answer for the status bar.
    Done { ok: bool, message: String },
    Described {
        id: u64,
        result: Result<describe::Described, String>,
    },
    /// The containers of a pod whose logs are being streamed.
    LogContainers {
        session: u64,
        pod: String,
        containers: Vec<String>,
    },
    /// Lines of one stream, sanitized, in order.
    LogLines {
        session: u64,
        source: Arc<str>,
        lines: Vec<(Option<Timestamp>, String)>,
    },
    /// What happened to a stream (ended, why, reconnected).
    LogMarker {
        session: u64,
        source: Arc<str>,
        text: String,
    },
}

/// The modal or pane over the table.
#[derive(Debug)]
pub enum Overlay {
    Scale(ScaleModal),
    Describe(DescribePane),
    Logs(Box<LogPane>),
}

/// The actions' part of the app state.
#[derive(Debug)]
pub struct ActState {
    pub overlay: Option<Overlay>,
    /// Effects queued by `update`, taken by the run loop.
    pub effects: Vec<Effect>,
    /// `[ui] log_buffer_lines`.
    pub log_buffer_lines: usize,
    next_id: u64,
}

impl Default for ActState {
    fn default() -> Self {
        ActState {
            overlay: None,
            effects: Vec::new(),
            log_buffer_lines: logs::buffer::DEFAULT_LINES,
            next_id: 1,
        }
    }
}

impl ActState {
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Takes the queued effects (the run loop calls this after each batch).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}
