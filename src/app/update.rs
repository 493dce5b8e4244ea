//! `update(state, event)`: the only place state changes. Keys are turned into
//! actions through the keymap; source updates go into the fleet.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};
use jiff::Timestamp;

use super::commands::{self, Command};
use super::nav::{NavEntry, Scope, Target, ViewKind};
use super::state::State;
use crate::config::keymap::{Action, Key, Mode};
use crate::model::fleet::SourceUpdate;
use crate::view::arranged::ColumnId;

// Source updates dominate the traffic; boxing them would allocate per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    Source(SourceUpdate),
    Key(KeyEvent),
    Resize,
    Tick(Timestamp),
    /// A result of an action (scale, describe, log lines…).
    Action(crate::actions::ActionEvent),
}

const FLASH_SECONDS: i64 = 5;

/// Applies one event; returns whether anything visible may have changed.
pub fn update(state: &mut State, event: Event) -> bool {
    match event {
        Event::Source(u) => {
            let touched = crate::view::changes::touched(state.entry().kind(), &u, &state.fleet);
            state.changes.get_mut().note(touched);
            state.apply(u);
            state.findings_stale = true;
            state.data_version += 1;
            true
        }
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            on_key(state, &k);
            true
        }
        Event::Key(_) => false,
        Event::Resize => true,
        Event::Action(a) => {
            crate::actions::events::on_event(state, a);
            true
        }
        Event::Tick(now) => {
            state.now = now;
            crate::actions::events::on_tick(state);
            if let Some((_, at)) = &state.flash
                && now.as_second() - at.as_second() >= FLASH_SECONDS
            {
                state.flash = None;
            }
            true
        }
    }
}

fn on_key(state: &mut State, k: &KeyEvent) {
    let key = Key::from_event(k);
    // Startup warnings stay until the user has seen them and pressed something.
    let had_warnings = !state.warnings.is_empty();
    state.warnings.clear();
    let action = state.keymap.action(state.mode, &key);
    match state.mode {
        Mode::Command | Mode::Filter => match action {
            Some(a) => input_action(state, a),
            None => {
                if let KeyCode::Char(c) = k.code
                    && !key.ctrl
                    && !key.alt
                {
                    state.input.push(c);
                    if state.mode == Mode::Filter {
                        set_filter(state);
                    }
                }
            }
        },
        Mode::Scale | Mode::Describe | Mode::Logs | Mode::Search => {
            crate::actions::keys::on_key(state, &key, action);
        }
        Mode::Picker => crate::view::picker::on_action(state, action),
        Mode::Help => help_action(state, action),
        Mode::Normal => {
            if let (Some(Action::SortInitial), KeyCode::Char(c)) = (action, k.code) {
                super::sort::by_initial(state, c);
            } else if let Some(a) = action {
                normal_action(state, a);
            } else if !had_warnings {
                state.flash(format!("{} is not bound (? for help)", key.label()));
            }
        }
    }
}

/// Keys in `?`: scroll (stopping where the last line shows), close, quit.
fn help_action(state: &mut State, action: Option<Action>) {
    let max = state.help_max.get();
    let page = state.help_page.get().max(2) - 1;
    let at = state.help_scroll;
    state.help_scroll = match action {
        Some(Action::Down) => (at + 1).min(max),
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::PageDown) => (at + page).min(max),
        Some(Action::PageUp) => at.saturating_sub(page),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        Some(Action::Quit) => {
            state.quit = true;
            at
        }
        Some(_) => {
            state.mode = state.help_from;
            0
        }
        None => at,
    };
}

fn input_action(state: &mut State, a: Action) {
    match a {
        Action::Submit => {
            let mode = state.mode;
            state.mode = Mode::Normal;
            if mode == Mode::Command {
                let input = std::mem::take(&mut state.input);
                run_command(state, input.trim());
            } else {
                state.input.clear();
                let f = super::filter::Filter::parse(&state.entry().filter);
                // Only pods keep their labels here: say so rather than show 0 rows as fact.
                if f.needs_labels() && state.entry().kind() != ViewKind::Pods {
                    state.flash("-l: labels are kept for pods only; nothing here can match");
                }
            }
        }
        Action::Cancel => {
            if state.mode == Mode::Filter {
                state.entry_mut().filter.clear();
            }
            state.input.clear();
            state.mode = Mode::Normal;
        }
        Action::Complete => {
            if let Some(c) = commands::completion(state, &state.input) {
                state.input = c;
            }
        }
        Action::Erase => {
            state.input.pop();
            if state.mode == Mode::Filter {
                set_filter(state);
            }
        }
        Action::Quit => state.quit = true,
        _ => {}
    }
}

fn set_filter(state: &mut State) {
    let f = state.input.clone();
    let e = state.entry_mut();
    e.filter = f;
    e.selected = None;
    e.cursor = 0;
}

pub fn run_command(state: &mut State, input: &str) {
    if input.is_empty() {
        return;
    }
    // Accept the completion when what was typed is an unambiguous prefix.
    let parsed = commands::parse(input).or_else(|e| {
        commands::completion(state, input)
            .map(|c| commands::parse(&c))
            .unwrap_or(Err(e))
    });
    match parsed {
        Ok(Command::View(v)) => open_view(state, v),
        Ok(Command::ViewIn(v, ns)) => {
            if let Err(e) = known_namespace(state, &ns) {
                state.flash(e);
                return;
            }
            open_view(state, v);
            state.entry_mut().scope.namespace = Some(ns);
        }
        Ok(Command::PickContext) => crate::view::picker::open_contexts(state),
        Ok(Command::Namespace(ns)) => {
            if let Some(n) = &ns
                && let Err(e) = known_namespace(state, n)
            {
                state.flash(e);
                return;
            }
            state.flash(format!("namespace: {}", ns.as_deref().unwrap_or("all")));
            state.namespace_scope = ns;
            reset_selection(state);
        }
        Ok(Command::Context(ctx)) => {
            if let Some(c) = &ctx
                && !state.fleet.clusters.contains_key(c)
            {
                state.flash(format!(
                    "no cluster {c:?} (known: {})",
                    state.cluster_names().join(", ")
                ));
                return;
            }
            state.flash(format!("cluster: {}", ctx.as_deref().unwrap_or("all")));
            state.cluster_scope = ctx;
            reset_selection(state);
        }
        Ok(Command::Help) => state.mode = Mode::Help,
        Ok(Command::Quit) => state.quit = true,
        Err(e) => state.flash(e),
    }
}

/// Refuses a namespace no cluster in view has, naming those it has; accepts
/// any while none is known yet (the watches have not listed).
fn known_namespace(state: &State, ns: &str) -> Result<(), String> {
    let known = commands::known_namespaces(state);
    if known.is_empty() || known.contains(ns) {
        return Ok(());
    }
    let list: Vec<&str> = known.iter().map(String::as_str).collect();
    Err(format!("no namespace {ns:?} (known: {})", list.join(", ")))
}

fn reset_selection(state: &mut State) {
    let e = state.entry_mut();
    e.selected = None;
    e.cursor = 0;
    e.offset.set(0);
}

/// Opens a top-level view as the new root (like k9s's `:pods`).
pub fn open_view(state: &mut State, v: ViewKind) {
    if v == ViewKind::Findings {
        state.refresh_findings();
    }
    let mut entry = NavEntry::new(v, Scope::default());
    entry.sort = state.sorts.get(&v).copied();
    state.nav.reset(entry);
}

fn normal_action(state: &mut State, a: Action) {
    match a {
        Action::Quit => state.quit = true,
        Action::Up => move_by(state, -1),
        Action::Down => move_by(state, 1),
        Action::PageUp => move_by(state, -20),
        Action::PageDown => move_by(state, 20),
        Action::Top => move_by(state, i64::MIN / 2),
        Action::Bottom => move_by(state, i64::MAX / 2),
        Action::Enter => {
            // An incident with folded symptoms unfolds first; Enter again jumps.
            if !fold(state, true) {
                drill(state);
            }
        }
        Action::Expand => {
            fold(state, true);
        }
        Action::Collapse => {
            fold(state, false);
        }
        Action::FlatFindings => {
            state.findings_flat = !state.findings_flat;
            // Every row changes (its rank, its prefix).
            state.changes.get_mut().note(None);
            state.data_version += 1;
            state.flash(if state.findings_flat {
                "findings: the flat list (f: incidents)"
            } else {
                "findings: incidents, root cause first (f: the flat list)"
            });
            if state.entry().kind() == ViewKind::Findings {
                reset_selection(state);
            }
        }
        Action::Back => {
            if !state.entry().filter.is_empty() {
                state.entry_mut().filter.clear();
            } else {
                state.nav.pop();
            }
        }
        Action::Command => {
            state.mode = Mode::Command;
            state.input.clear();
        }
        Action::Filter => {
            state.mode = Mode::Filter;
            state.input = state.entry().filter.clone();
        }
        Action::Help => state.open_help(),
        Action::NextView | Action::PrevView => {
            let root = state
                .nav
                .iter()
                .next()
                .map(|e| e.kind())
                .unwrap_or_default();
            let tabs = ViewKind::TABS;
            let i = tabs.iter().position(|v| *v == root).unwrap_or(0);
            let n = tabs.len();
            let next = if a == Action::NextView {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            open_view(state, tabs[next]);
        }
        Action::SortNext | Action::SortPrev => {
            ensure_arranged(state);
            let ids: Vec<ColumnId> = state.arranged.borrow().columns.clone();
            let e = state.entry_mut();
            // A sort on a column this view no longer shows starts over.
            let cur = e.sort.and_then(|(id, _)| ids.iter().position(|c| *c == id));
            let n = ids.len();
            let next = match (cur, a == Action::SortNext) {
                _ if n == 0 => None,
                (None, true) => Some(0),
                (None, false) => Some(n - 1),
                (Some(c), true) => Some((c + 1) % n),
                (Some(c), false) => Some((c + n - 1) % n),
            };
            if let Some(i) = next {
                e.sort = Some((ids[i], false));
            }
            super::sort::remember(state);
        }
        Action::SortReverse => {
            ensure_arranged(state);
            let first = state.arranged.borrow().columns.first().copied();
            let e = state.entry_mut();
            e.sort = match e.sort {
                Some((c, d)) => Some((c, !d)),
                None => first.map(|c| (c, true)),
            };
            super::sort::remember(state);
        }
        Action::AllScopes => {
            state.cluster_scope = None;
            state.namespace_scope = None;
            state.flash("all clusters, all namespaces");
        }
        Action::NextCluster | Action::PrevCluster => {
            let names = state.cluster_names();
            if names.is_empty() {
                return;
            }
            let pos = state
                .cluster_scope
                .as_ref()
                .and_then(|c| names.iter().position(|n| n == c));
            let n = names.len();
            // Cycle: all → first → … → last → all.
            let next = match (pos, a == Action::NextCluster) {
                (None, true) => Some(0),
                (None, false) => Some(n - 1),
                (Some(i), true) => (i + 1 < n).then_some(i + 1),
                (Some(i), false) => i.checked_sub(1),
            };
            state.cluster_scope = next.map(|i| names[i].clone());
            state.flash(format!(
                "cluster: {}",
                state.cluster_scope.as_deref().unwrap_or("all")
            ));
            reset_selection(state);
        }
        // An action acts on the row under the cursor: the view is arranged first.
        Action::Describe => {
            ensure_arranged(state);
            crate::actions::open::describe(state)
        }
        Action::Logs => {
            ensure_arranged(state);
            crate::actions::open::logs(state)
        }
        Action::Scale => {
            ensure_arranged(state);
            crate::actions::open::scale(state)
        }
        Action::Yaml => {
            ensure_arranged(state);
            crate::actions::open::yaml(state)
        }
        Action::Fix => {
            ensure_arranged(state);
            crate::actions::fix::open(state)
        }
        Action::Delete => {
            ensure_arranged(state);
            crate::actions::delete::open(state)
        }
        _ => state.flash(format!("{} does nothing in a table", a.name())),
    }
}

/// Unfolds (`open`) or folds the selected incident of the Findings view;
/// whether anything changed. A symptom row folds its incident.
fn fold(state: &mut State, open: bool) -> bool {
    if state.entry().kind() != ViewKind::Findings || state.findings_flat {
        return false;
    }
    let Some(sel) = state.entry().selected.clone() else {
        return false;
    };
    let root = crate::ui::views::findings::incident_of(state, &sel);
    let Some((root, has_symptoms)) = root else {
        return false;
    };
    let changed = if open {
        has_symptoms && state.expanded.insert(root.clone())
    } else {
        let changed = state.expanded.remove(&root);
        if changed && root != sel {
            // The symptom row goes: select its incident.
            state.entry_mut().selected = Some(root.clone());
        }
        changed
    };
    if changed {
        // The incident's rows change without a data change.
        let rows = crate::ui::views::findings::incident_rows_of(state, &root);
        state.changes.get_mut().note(Some(rows));
        state.data_version += 1;
    }
    changed
}

/// Makes sure the top view has an arrangement to move in. One made at an
/// older data version is kept: a key acts on what the screen shows.
pub(super) fn ensure_arranged(state: &State) {
    if state.arranged.borrow().key != state.arrangement_key() {
        drop(crate::ui::arrange(state));
    }
}

/// Moves the selection by `delta` rows (group headers are skipped), in the
/// view-model: no row is built, only the lines passed over are read.
fn move_by(state: &mut State, delta: i64) {
    ensure_arranged(state);
    let entry = state.nav.top();
    let moved = state
        .arranged
        .borrow_mut()
        .step(entry.selected.as_ref(), entry.cursor, delta);
    if let Some(sel) = moved {
        let e = state.entry_mut();
        e.selected = Some(sel.subject);
        e.cursor = sel.line;
    }
}

/// `enter`: where the selected row leads.
fn drill(state: &mut State) {
    ensure_arranged(state);
    let entry = state.nav.top();
    let subject = {
        let mut a = state.arranged.borrow_mut();
        a.locate(entry.selected.as_ref(), entry.cursor)
            .and_then(|l| a.row_at(l))
            .map(|r| r.subject.clone())
    };
    let target = subject.and_then(|s| crate::ui::target_of(state, &s));
    match target {
        Some(t) => {
            if let Target::Namespace { name, .. } = &t {
                state.namespace_scope = Some(name.clone());
            }
            let (view, scope) = t.destination();
            let mut entry = NavEntry::new(view, scope);
            entry.sort = state.sorts.get(&view).copied();
            state.nav.push(entry);
        }
        None => state.flash("nothing to drill into here"),
    }
}
