//! Everything the UI draws from. Changed only by the app's `update`.

use jiff::Timestamp;

use std::cell::{Cell, RefCell};

use super::nav::{Nav, NavEntry, Scope, Target, ViewKind};
use crate::config::keymap::{Keymap, Mode};
use crate::config::theme::Theme;
use crate::model::fleet::Fleet;
use crate::view::arranged::Arranged;
use crate::view::band::Band;

/// What a diagnosis found, and the hysteresis it carried.
pub struct Diagnosed {
    pub findings: crate::diagnose::Findings,
    pub stable: Option<crate::diagnose::stable::Stable>,
    /// Where each finding's row is, made beside the findings.
    pub index: crate::view::findings_index::FindingIndex,
}

pub struct State {
    /// Shared with a diagnosis running on its own thread, never copied: the
    /// app holds source updates back while one runs.
    pub fleet: std::sync::Arc<Fleet>,
    pub nav: Nav,
    pub mode: Mode,
    /// The `:` command line or the `/` filter being typed.
    pub input: String,
    /// `:ctx NAME` — applies to every view.
    pub cluster_scope: Option<String>,
    /// `:ns NAME` / `--namespace` — applies to every namespaced view.
    pub namespace_scope: Option<String>,
    pub theme: Theme,
    pub keymap: Keymap,
    /// A one-line message in the footer, until it expires.
    pub flash: Option<(String, Timestamp)>,
    /// The last sort of each view, given back when the view opens again.
    pub sorts: std::collections::HashMap<ViewKind, (crate::view::arranged::ColumnId, bool)>,
    /// The `:ctx` picker, while open.
    pub picker: Option<super::picker::Picker>,
    /// Startup warnings (bad theme/keymap file…), shown until the first key.
    pub warnings: Vec<String>,
    pub now: Timestamp,
    pub quit: bool,
    pub readonly: bool,
    /// The latest diagnosis of the fleet (see [`State::refresh_findings`]).
    pub findings: crate::diagnose::Findings,
    /// Where each of `findings` shows in the Findings view.
    pub findings_index: crate::view::findings_index::FindingIndex,
    /// The fleet changed since the findings were computed.
    pub findings_stale: bool,
    /// The TUI's hysteresis over findings; `None` shows each evaluation as
    /// is (one-shot `snapshot`, tests).
    pub stable: Option<crate::diagnose::stable::Stable>,
    /// The Findings view lists findings flat instead of as incidents.
    pub findings_flat: bool,
    /// Incidents unfolded in the Findings view, by their root's row subject.
    pub expanded: std::collections::HashSet<crate::view::subject::Subject>,
    /// Scale modal, describe and log panes, and the effects they queue.
    pub act: crate::view::panes::ActState,
    /// Bumped on every change to what views show (source data, findings):
    /// the arrangement below is kept while it stays the same.
    pub data_version: u64,
    /// The top view's arranged rows (the view-model), brought up to date
    /// when a frame is drawn; keys move the selection in it.
    pub arranged: RefCell<Arranged<Target>>,
    /// What changed for the top view since its rows were arranged.
    pub changes: RefCell<crate::view::changes::Changes>,
    /// The cells around the window, kept from the last build of the view.
    pub band: RefCell<Band>,
    /// The frame being drawn answers a key: it may show the data the
    /// screen already shows rather than wait for the view to be rebuilt.
    pub key_frame: Cell<bool>,
    /// `?`: the first line shown, and the last first line the screen
    /// allows (written when help is drawn; keys stop there).
    pub help_scroll: usize,
    /// The mode `?` was pressed in: its keys come first, `esc` returns to it.
    pub help_from: Mode,
    pub help_max: Cell<usize>,
    /// Lines of help on one screen (for paging), written when drawn.
    pub help_page: Cell<usize>,
    /// How many times the top view was built from the fleet: what frames
    /// and keys cost beyond the window (tests read it).
    pub view_builds: Cell<u64>,
    /// How many rows were made one by one (changed rows, the window's):
    /// what a view that keeps its rows costs instead of a build.
    pub rows_built: Cell<u64>,
}

impl State {
    pub fn new(theme: Theme, keymap: Keymap, now: Timestamp) -> Self {
        State {
            fleet: Default::default(),
            nav: Nav::new(NavEntry::new(ViewKind::Fleet, Scope::default())),
            mode: Mode::Normal,
            input: String::new(),
            cluster_scope: None,
            namespace_scope: None,
            theme,
            keymap,
            flash: None,
            sorts: std::collections::HashMap::new(),
            picker: None,
            warnings: Vec::new(),
            now,
            quit: false,
            readonly: false,
            findings: crate::diagnose::Findings::default(),
            findings_index: Default::default(),
            findings_stale: false,
            stable: None,
            findings_flat: false,
            expanded: Default::default(),
            act: crate::view::panes::ActState::default(),
            data_version: 0,
            arranged: RefCell::new(Arranged::default()),
            changes: RefCell::new(crate::view::changes::Changes::default()),
            band: RefCell::new(Band::default()),
            key_frame: Cell::new(false),
            help_scroll: 0,
            help_from: Mode::Normal,
            help_max: Cell::new(0),
            help_page: Cell::new(1),
            view_builds: Cell::new(0),
            rows_built: Cell::new(0),
        }
    }

    /// Whether the rules have something to re-run for: the fleet changed
    /// since the last run, or a finding waits to be shown or cleared.
    pub fn findings_due(&self) -> bool {
        self.findings_stale || self.stable.as_ref().is_some_and(|s| s.waiting())
    }

    /// Re-runs the rules if [`State::findings_due`].
    pub fn refresh_findings(&mut self) {
        if self.findings_due() {
            let done = self.diagnosis()();
            self.diagnosed(done);
        }
    }

    /// A diagnosis of the fleet as it is now, to run anywhere (it shares the
    /// fleet and carries the hysteresis with it); give its result to
    /// [`State::diagnosed`].
    pub fn diagnosis(&mut self) -> impl FnOnce() -> Diagnosed + Send + 'static {
        let fleet = std::sync::Arc::clone(&self.fleet);
        let now = self.now;
        let mut stable = self.stable.take();
        self.findings_stale = false;
        move || {
            let findings = match &mut stable {
                Some(st) => crate::diagnose::diagnose_stable(&fleet, now, st),
                None => crate::diagnose::diagnose(&fleet, now),
            };
            let index = crate::view::findings_index::FindingIndex::of(&findings);
            Diagnosed {
                findings,
                stable,
                index,
            }
        }
    }

    /// Shows the result of a [`State::diagnosis`].
    pub fn diagnosed(&mut self, done: Diagnosed) {
        let old = std::mem::replace(&mut self.findings, done.findings);
        let old_index = std::mem::replace(&mut self.findings_index, done.index);
        self.stable = done.stable;
        self.data_version += 1;
        let touched = match self.entry().kind() {
            // Its rows move only where the diagnosis changed them.
            ViewKind::Findings => Some(crate::view::findings_index::changed(
                (&old, &old_index),
                (&self.findings, &self.findings_index),
            )),
            view => crate::view::changes::touched_by_findings(view),
        };
        self.changes.get_mut().note(touched);
    }

    /// Applies a source update to the fleet (copied only if a diagnosis
    /// still holds it, which the app avoids).
    pub fn apply(&mut self, update: crate::model::fleet::SourceUpdate) {
        let now = self.now;
        std::sync::Arc::make_mut(&mut self.fleet).apply(update, now);
    }

    pub fn entry(&self) -> &NavEntry {
        self.nav.top()
    }

    pub fn entry_mut(&mut self) -> &mut NavEntry {
        self.nav.top_mut()
    }

    /// The effective scope of an entry: its own, over the global `:ctx`/`:ns`.
    pub fn scope_of(&self, entry: &NavEntry) -> Scope {
        let mut s = entry.scope.clone();
        if s.cluster.is_none() {
            s.cluster = self.cluster_scope.clone();
        }
        if s.namespace.is_none() {
            s.namespace = self.namespace_scope.clone();
        }
        s
    }

    /// What the top view's arrangement depends on besides the data: view,
    /// scope, filter and sort.
    pub fn arrangement_key(&self) -> String {
        let entry = self.entry();
        format!(
            "{:?}|{:?}|{}|{:?}",
            entry.kind(),
            self.scope_of(entry),
            entry.filter,
            entry.sort
        )
    }

    /// `?`: help for the mode it is pressed in (every other mode below).
    pub fn open_help(&mut self) {
        self.help_from = self.mode;
        self.help_scroll = 0;
        self.mode = Mode::Help;
    }

    pub fn flash(&mut self, msg: impl Into<String>) {
        self.flash = Some((msg.into(), self.now));
    }

    /// Cluster names in display order.
    pub fn cluster_names(&self) -> Vec<String> {
        self.fleet.clusters.keys().cloned().collect()
    }
}
