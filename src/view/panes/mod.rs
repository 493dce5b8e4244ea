//! The modal and panes over the table (scale, describe, logs) and the
//! effects they queue: state the ui draws and the actions change, kept in
//! the view layer so neither imports the other. The IO behind them is the
//! actions' executor.

pub mod buffer;
pub mod confirm;
pub mod describe;
pub mod logs;
pub mod scale;

use std::sync::Arc;

use jiff::Timestamp;

use self::describe::DescribePane;
use self::logs::{LogPane, LogRequest};
use self::scale::{ScaleModal, ScaleRequest};
use crate::view::subject::KubeRef;

/// IO the user asked for; performed by the executor, never by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A confirmed mutation (the modal was shown and confirmed).
    Scale(ScaleRequest),
    /// Fetch the full object and its events, format them; a node's
    /// describe also lists its pods as watched (`node_pods`).
    Describe {
        id: u64,
        object: KubeRef,
        node_pods: Option<crate::model::pod_resources::NodePods>,
    },
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
    /// A finished save: its answer for the status bar.
    Done { ok: bool, message: String },
    /// A finished mutation: which, and its answer for the status bar.
    Applied {
        request: ScaleRequest,
        ok: bool,
        message: String,
    },
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
    Scale(Box<ScaleModal>),
    /// A fix from the Findings view, shown in full before it is applied.
    Confirm(confirm::Confirm),
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
    /// The finding (code, object label) whose fix the open overlay applies.
    pub fix_for: Option<(String, String)>,
    /// A confirmed fix in flight: its finding and request.
    pub fix_pending: Option<((String, String), ScaleRequest)>,
    /// The finding of the last applied fix, watched until it clears.
    pub watch: Option<crate::diagnose::watch::FixWatch>,
    next_id: u64,
}

impl Default for ActState {
    fn default() -> Self {
        ActState {
            overlay: None,
            effects: Vec::new(),
            log_buffer_lines: buffer::DEFAULT_LINES,
            fix_for: None,
            fix_pending: None,
            watch: None,
            next_id: 1,
        }
    }
}

impl ActState {
    /// The overlay closed by a submit of `req`: a fix it was for is now in flight.
    pub fn submitted(&mut self, req: &ScaleRequest) {
        self.fix_pending = self.fix_for.take().map(|f| (f, req.clone()));
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Takes the queued effects (the run loop calls this after each batch).
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}
