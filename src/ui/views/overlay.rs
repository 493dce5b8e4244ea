//! Draws the open modal or pane (scale, describe, logs) over the table, from
//! state only; shared bits: search highlighting and key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::Overlay;
use crate::view::state::State;

pub fn render(f: &mut Frame, area: Rect, state: &State) {
    match &state.act.overlay {
        Some(Overlay::Scale(m)) => super::scale_modal::render(f, state, m),
        Some(Overlay::Confirm(c)) => super::scale_modal::confirm(f, state, c),
        Some(Overlay::Describe(p)) => super::describe::render(f, area, state, p),
        Some(Overlay::Logs(p)) => super::logs::render(f, area, state, p),
        None => {}
    }
}

/// `line` with every case-insensitive occurrence of `query` in `hl`.
pub fn highlight(line: &str, query: Option<&str>, base: Style, hl: Style) -> Line<'static> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Line::from(Span::styled(line.to_owned(), base));
    };
    let lower = line.to_lowercase();
    let ql = q.to_lowercase();
    // Lowercasing can change byte lengths (rare scripts): then no highlight.
    if lower.len() != line.len() {
        return Line::from(Span::styled(line.to_owned(), base));
    }
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find(&ql) {
        let start = at + i;
        let end = start + ql.len();
        if !line.is_char_boundary(start) || !line.is_char_boundary(end) {
            break;
        }
        if start > at {
            spans.push(Span::styled(line[at..start].to_owned(), base));
        }
        spans.push(Span::styled(line[start..end].to_owned(), hl));
        at = end;
    }
    spans.push(Span::styled(line[at..].to_owned(), base));
    Line::from(spans)
}

/// `<key> label` hints for a mode, from the keymap (unbound actions are left out).
pub fn hints(state: &State, mode: Mode, items: &[(Action, &str)]) -> Line<'static> {
    let t = &state.theme;
    let mut spans = Vec::new();
    for (action, label) in items {
        if let Some(k) = state.keymap.key_for(mode, *action) {
            spans.push(Span::styled(format!("<{k}>"), t.style(Role::Key)));
            spans.push(Span::styled(format!(" {label} "), t.style(Role::Hint)));
        }
    }
    Line::from(spans)
}
