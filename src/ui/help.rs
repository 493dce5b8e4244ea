//! `?`: every key of every mode, generated from the keymap (the keys of
//! the mode it was opened in first), then the commands. Long
//! descriptions wrap under their column, so nothing is cut; the list
//! scrolls (`j/k`, `pgup/pgdn`, `g/G`) when it is taller than the screen.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::config::keymap::Mode;
use crate::config::theme::Role;
use crate::view::commands::commands;
use crate::view::state::State;
use crate::view::wrap::wrap;

/// Width of the key column (keys, or `:command`), two spaces in.
const KEY_COLUMN: usize = 16;
/// The widest help box: wider only spreads the text thinner.
const MAX_WIDTH: u16 = 110;

/// What each mode's section is called.
fn section(mode: Mode) -> &'static str {
    match mode {
        Mode::Normal => "tables (normal)",
        Mode::Command => ": command line",
        Mode::Filter => "/ filter line",
        Mode::Help => "this help",
        Mode::Scale => "scale dialog",
        Mode::Describe => "describe pane",
        Mode::Logs => "log pane",
        Mode::Search => "search line (describe, logs)",
        Mode::Picker => "picker (:ctx, :ns)",
    }
}

/// The modes in the order help lists them: the one it was opened from first.
fn modes(from: Mode) -> Vec<Mode> {
    let mut m = vec![from];
    m.extend(Mode::ALL.iter().copied().filter(|x| *x != from));
    m
}

/// Every line of help for a box `width` columns inside.
pub fn lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let t = &state.theme;
    let text_width = width.saturating_sub(KEY_COLUMN + 2).max(10);
    let mut out = Vec::new();
    let entry = |out: &mut Vec<Line<'static>>, key: String, desc: String, extra: String| {
        let mut words = wrap(&desc, text_width);
        if !extra.is_empty() {
            words.extend(wrap(&extra, text_width));
        }
        let mut first = true;
        if key.chars().count() >= KEY_COLUMN {
            // Many keys for one action (the sort initials): keys on their own line.
            out.push(Line::from(Span::styled(
                format!("  {key}"),
                t.style(Role::Key),
            )));
            first = false;
        }
        for w in words {
            let k = if first { key.as_str() } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("  {k:<KEY_COLUMN$}"), t.style(Role::Key)),
                Span::styled(w, t.style(Role::Text)),
            ]));
            first = false;
        }
    };
    let from = state.help_from;
    for mode in modes(from) {
        let keys = state.keymap.help(mode);
        if keys.is_empty() {
            continue;
        }
        let title = if mode == from {
            format!("keys ({}) — {}", state.keymap.name, section(mode))
        } else {
            section(mode).to_owned()
        };
        out.push(Line::from(Span::styled(title, t.style(Role::Header))));
        for (_, desc, k) in keys {
            entry(&mut out, k.join(" "), desc, String::new());
        }
        out.push(Line::from(""));
        // What the current view's columns show, after the keys at hand.
        let columns = crate::ui::views::columns_about(state.entry().kind());
        if mode == from && !columns.is_empty() {
            out.push(Line::from(Span::styled(
                format!("columns ({})", state.entry().kind().title()),
                t.style(Role::Header),
            )));
            for (title, about) in columns {
                entry(&mut out, title.to_owned(), about.to_owned(), String::new());
            }
            out.push(Line::from(""));
        }
    }
    out.push(Line::from(Span::styled("commands", t.style(Role::Header))));
    for (names, desc) in commands() {
        let also = if names.len() > 1 {
            format!("(also {})", names[1..].join(", "))
        } else {
            String::new()
        };
        entry(&mut out, format!(":{}", names[0]), desc.to_owned(), also);
    }
    out
}

pub fn render(f: &mut Frame, state: &State) {
    let t = &state.theme;
    let outer = f.area();
    let width = outer.width.min(MAX_WIDTH);
    let all = lines(state, usize::from(width.saturating_sub(2)));
    let height = (all.len() as u16 + 2).min(outer.height);
    let area = super::centered(outer, width, height);
    let shown = usize::from(area.height.saturating_sub(2)).max(1);
    let max = all.len().saturating_sub(shown);
    state.help_max.set(max);
    state.help_page.set(shown);
    let top = state.help_scroll.min(max);
    let last = (top + shown).min(all.len());
    let title = if max == 0 {
        " help — esc closes ".to_owned()
    } else {
        format!(
            " help {}-{last}/{} — j/k pgup/pgdn g/G scroll, esc closes ",
            top + 1,
            all.len()
        )
    };
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(title, t.style(Role::Header)));
    let visible: Vec<Line> = all.into_iter().skip(top).take(shown).collect();
    f.render_widget(Paragraph::new(visible).block(block), area);
}
