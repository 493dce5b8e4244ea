//! `:ctx` alone: a list of the clusters (and "all") to move in and pick
//! with enter, instead of silently dropping the scope.

use super::state::State;
use crate::config::keymap::{Action, Mode};

/// The first item: no cluster scope.
pub const ALL: &str = "all";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub items: Vec<String>,
    pub cursor: usize,
}

/// Opens the cluster picker on the current scope.
pub fn open_contexts(state: &mut State) {
    let names = state.cluster_names();
    if names.is_empty() {
        state.flash("no clusters to pick from (use --kubeconfig/--context or fleetdeck.toml)");
        return;
    }
    let items: Vec<String> = std::iter::once(ALL.to_owned()).chain(names).collect();
    let cursor = state
        .cluster_scope
        .as_ref()
        .and_then(|c| items.iter().position(|i| i == c))
        .unwrap_or(0);
    state.picker = Some(Picker {
        title: "cluster".into(),
        items,
        cursor,
    });
    state.mode = Mode::Picker;
}

/// A key's action in the picker.
pub fn on_action(state: &mut State, action: Option<Action>) {
    let Some(p) = state.picker.as_mut() else {
        state.mode = Mode::Normal;
        return;
    };
    let last = p.items.len().saturating_sub(1);
    match action {
        Some(Action::Down) => p.cursor = (p.cursor + 1).min(last),
        Some(Action::Up) => p.cursor = p.cursor.saturating_sub(1),
        Some(Action::Top) => p.cursor = 0,
        Some(Action::Bottom) => p.cursor = last,
        Some(Action::Submit) => {
            let chosen = p.items.get(p.cursor).cloned();
            close(state);
            if let Some(c) = chosen {
                let scope = (c != ALL).then_some(c);
                state.flash(format!("cluster: {}", scope.as_deref().unwrap_or(ALL)));
                state.cluster_scope = scope;
                let e = state.entry_mut();
                e.selected = None;
                e.cursor = 0;
                e.offset.set(0);
            }
        }
        Some(Action::Cancel) => close(state),
        Some(Action::Quit) => state.quit = true,
        _ => {}
    }
}

fn close(state: &mut State) {
    state.picker = None;
    state.mode = Mode::Normal;
}
