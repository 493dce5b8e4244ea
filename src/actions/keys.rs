//! Keys inside the scale modal, the describe pane, the log pane, and the
//! search line of either pane. Every key that means nothing here says so in
//! the status bar; `esc` always closes.

use crossterm::event::KeyCode;

use super::logs::SINCE_CHOICES;
use super::scale::Field;
use super::{Effect, Overlay};
use crate::config::keymap::{Action, Key, Mode};
use crate::view::state::State;

pub fn on_key(state: &mut State, key: &Key, action: Option<Action>) {
    match state.mode {
        Mode::Scale => scale_key(state, key, action),
        Mode::Describe => describe_key(state, key, action),
        Mode::Logs => logs_key(state, key, action),
        Mode::Search => search_key(state, key, action),
        _ => {}
    }
}

/// Closes whatever overlay is open (stopping log streams) and returns to the table.
pub fn close(state: &mut State) {
    if let Some(Overlay::Logs(p)) = state.act.overlay.take() {
        state
            .act
            .effects
            .push(Effect::LogStop { session: p.session });
    }
    // A fix's overlay closed without a submit applies nothing to watch.
    state.act.fix_for = None;
    state.input.clear();
    state.mode = Mode::Normal;
}

fn unbound(state: &mut State, key: &Key) {
    state.flash(format!("{} does nothing here (esc closes)", key.label()));
}

fn typed_char(key: &Key) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.ctrl && !key.alt => Some(c),
        _ => None,
    }
}

/// The confirmation of a mutation: enter applies it (once a needed name is
/// typed), esc changes nothing.
fn confirm_key(state: &mut State, key: &Key, action: Option<Action>) {
    let Some(Overlay::Confirm(c)) = state.act.overlay.as_mut() else {
        return close(state);
    };
    // While a name is typed, every letter is part of it.
    let naming = c.need_name.is_some();
    match action {
        Some(Action::Cancel | Action::Close | Action::Back) => {
            close(state);
            state.flash("cancelled, nothing was changed");
        }
        Some(Action::Quit) if !naming => state.quit = true,
        Some(Action::Erase) if naming => {
            c.typed.pop();
        }
        Some(Action::Submit) if !c.ready() => {
            let name = c.need_name.clone().unwrap_or_default();
            state.flash(format!(
                "type {name} to confirm: nothing replaces it; nothing was changed"
            ));
        }
        Some(Action::Submit) => {
            let req = c.request.clone();
            let summary = req.summary();
            state.act.submitted(&req);
            state.act.effects.push(Effect::Scale(req));
            close(state);
            state.flash(format!("{summary}…"));
        }
        _ => match typed_char(key).filter(|_| naming) {
            Some(ch) => c.typed.push(ch),
            None => unbound(state, key),
        },
    }
}

fn scale_key(state: &mut State, key: &Key, action: Option<Action>) {
    if matches!(state.act.overlay, Some(Overlay::Confirm(_))) {
        return confirm_key(state, key, action);
    }
    let Some(Overlay::Scale(m)) = state.act.overlay.as_mut() else {
        return close(state);
    };
    // While the name is typed, `-`, `j`, `k` are letters of it.
    let naming = m.field == Field::Name;
    match action {
        Some(Action::Cancel | Action::Close | Action::Back) => {
            close(state);
            state.flash("scale cancelled, nothing was changed");
        }
        Some(Action::Quit) => state.quit = true,
        Some(Action::NextField) => m.next_field(),
        Some(Action::Erase) => m.erase(),
        Some(Action::Submit) => {
            if let Some(req) = m.submit() {
                let summary = req.summary();
                state.act.submitted(&req);
                state.act.effects.push(Effect::Scale(req));
                close(state);
                state.flash(format!("{summary}…"));
            }
        }
        Some(Action::Increase) if !naming => m.step(1),
        Some(Action::Decrease) if !naming => m.step(-1),
        _ => match typed_char(key) {
            Some(c) => m.digit(c),
            None => unbound(state, key),
        },
    }
}

fn describe_key(state: &mut State, key: &Key, action: Option<Action>) {
    let Some(Overlay::Describe(p)) = state.act.overlay.as_mut() else {
        return close(state);
    };
    match action {
        Some(Action::Close | Action::Back | Action::Cancel) => close(state),
        Some(Action::Quit) => state.quit = true,
        Some(Action::Help) => state.open_help(),
        Some(Action::Down) => p.scroll_by(1),
        Some(Action::Up) => p.scroll_by(-1),
        Some(Action::PageDown) => p.scroll_by(p.page()),
        Some(Action::PageUp) => p.scroll_by(-p.page()),
        Some(Action::Top) => p.scroll = 0,
        Some(Action::Bottom | Action::Follow) => p.bottom(),
        Some(Action::Wrap) => p.toggle_wrap(),
        Some(Action::ScrollLeft | Action::ScrollRight) => {
            if !p.scroll_x(action == Some(Action::ScrollRight)) {
                state.flash("wrap is on: nothing is cut (w turns wrap off to scroll sideways)");
            }
        }
        Some(Action::Yaml) => {
            if !p.toggle_yaml() {
                state.flash("no YAML for this object (it is not a Kubernetes object)");
            }
        }
        Some(Action::Search) => {
            state.input.clear();
            state.mode = Mode::Search;
        }
        Some(Action::SearchNext | Action::SearchPrev) => {
            let forward = action == Some(Action::SearchNext);
            if !p.next_match(forward) {
                let msg = match &p.search {
                    Some(q) => format!("no match for {q:?}"),
                    None => "no search yet (/ to search)".into(),
                };
                state.flash(msg);
            }
        }
        _ => unbound(state, key),
    }
}

fn logs_key(state: &mut State, key: &Key, action: Option<Action>) {
    let next_session = state.act.next_id();
    let now = state.now;
    let Some(Overlay::Logs(p)) = state.act.overlay.as_mut() else {
        return close(state);
    };
    let mut flash = None;
    match action {
        Some(Action::Close | Action::Back | Action::Cancel) => return close(state),
        Some(Action::Quit) => state.quit = true,
        Some(Action::Help) => return state.open_help(),
        Some(Action::Down) => p.scroll_by(1),
        Some(Action::Up) => p.scroll_by(-1),
        Some(Action::PageDown) => p.scroll_by(p.page()),
        Some(Action::PageUp) => p.scroll_by(-p.page()),
        Some(Action::Top) => {
            p.follow = false;
            p.top = p.buffer.first_seq();
        }
        Some(Action::Follow | Action::Bottom) => p.follow = true,
        Some(Action::Pause) => {
            p.toggle_pause();
            flash = Some(if p.follow {
                "resumed: following the end".to_owned()
            } else {
                "paused: lines keep arriving below (space resumes)".to_owned()
            });
        }
        Some(Action::Wrap) => {
            p.wrap = !p.wrap;
            p.hscroll = 0;
        }
        Some(Action::ScrollLeft | Action::ScrollRight) => {
            if !p.scroll_x(action == Some(Action::ScrollRight)) {
                flash = Some(
                    "wrap is on: nothing is cut (w turns wrap off to scroll sideways)".to_owned(),
                );
            }
        }
        Some(Action::Timestamps) => p.timestamps = !p.timestamps,
        Some(Action::Search) => {
            state.input.clear();
            state.mode = Mode::Search;
        }
        Some(Action::SearchNext | Action::SearchPrev) => {
            if !p.next_match(action == Some(Action::SearchNext)) {
                flash = Some(match &p.search {
                    Some(q) => format!("no more matches for {q:?}"),
                    None => "no search yet (/ to search)".into(),
                });
            }
        }
        Some(Action::Container) => {
            let names: Vec<String> = p.containers.iter().cloned().collect();
            if names.len() < 2 {
                flash = Some(match names.first() {
                    Some(c) => format!("only one container: {c}"),
                    None => "containers not known yet".into(),
                });
            } else {
                let i = p
                    .container
                    .as_ref()
                    .and_then(|c| names.iter().position(|n| n == c));
                p.container = match i {
                    None => Some(names[0].clone()),
                    Some(i) if i + 1 < names.len() => Some(names[i + 1].clone()),
                    Some(_) => None,
                };
                flash = Some(format!(
                    "container: {}",
                    p.container.as_deref().unwrap_or("all")
                ));
                let effects = p.restart(next_session);
                state.act.effects.extend(effects);
            }
        }
        Some(Action::Previous) => {
            p.previous = !p.previous;
            flash = Some(if p.previous {
                "previous container instance (the one that exited)".to_owned()
            } else {
                "current container, following".to_owned()
            });
            let effects = p.restart(next_session);
            state.act.effects.extend(effects);
        }
        Some(Action::Since) => {
            p.since = (p.since + 1) % SINCE_CHOICES.len();
            flash = Some(SINCE_CHOICES[p.since].label());
            let effects = p.restart(next_session);
            state.act.effects.extend(effects);
        }
        Some(Action::Save) => {
            let path = p.save_path(now);
            let text = p.saved_text();
            state.act.effects.push(Effect::Save { path, text });
        }
        _ => return unbound(state, key),
    }
    if let Some(f) = flash {
        state.flash(f);
    }
}

fn search_key(state: &mut State, key: &Key, action: Option<Action>) {
    let back = match state.act.overlay {
        Some(Overlay::Describe(_)) => Mode::Describe,
        Some(Overlay::Logs(_)) => Mode::Logs,
        _ => return close(state),
    };
    match action {
        Some(Action::Submit) => {
            let q = std::mem::take(&mut state.input);
            state.mode = back;
            let found = match state.act.overlay.as_mut() {
                Some(Overlay::Describe(p)) => p.set_search(&q),
                Some(Overlay::Logs(p)) => p.set_search(&q),
                _ => false,
            };
            if !found && !q.is_empty() {
                state.flash(format!("no match for {q:?}"));
            }
        }
        Some(Action::Cancel) => {
            state.input.clear();
            state.mode = back;
        }
        Some(Action::Erase) => {
            state.input.pop();
        }
        Some(Action::Quit) => state.quit = true,
        _ => {
            if let Some(c) = typed_char(key) {
                state.input.push(c);
            }
        }
    }
}
