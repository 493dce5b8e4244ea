//! `?`: the key bindings, generated from the keymap, and the commands.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::config::keymap::Mode;
use crate::config::theme::Role;
use crate::view::commands::commands;
use crate::view::state::State;

pub fn render(f: &mut Frame, state: &State) {
    let t = &state.theme;
    let mut keys = vec![Line::from(Span::styled(
        format!("keys ({})", state.keymap.name),
        t.style(Role::Header),
    ))];
    for (_, desc, k) in state.keymap.help(Mode::Normal) {
        let names = k.join(" ");
        // Many keys for one action (the sort initials): keys on their own line.
        if names.chars().count() >= 16 {
            keys.push(Line::from(Span::styled(
                format!("  {names}"),
                t.style(Role::Key),
            )));
            keys.push(Line::from(vec![
                Span::raw(format!("  {:<16}", "")),
                Span::styled(desc, t.style(Role::Text)),
            ]));
            continue;
        }
        keys.push(Line::from(vec![
            Span::styled(format!("  {names:<16}"), t.style(Role::Key)),
            Span::styled(desc, t.style(Role::Text)),
        ]));
    }
    let mut cmds = vec![Line::from(Span::styled("commands", t.style(Role::Header)))];
    for (names, desc) in commands() {
        cmds.push(Line::from(vec![
            Span::styled(format!("  :{:<15}", names[0]), t.style(Role::Key)),
            Span::styled(desc, t.style(Role::Text)),
            Span::styled(
                if names.len() > 1 {
                    format!("  (also {})", names[1..].join(", "))
                } else {
                    String::new()
                },
                t.style(Role::Muted),
            ),
        ]));
    }
    // Keys and commands side by side when the terminal is wide enough, else stacked.
    let wide = f.area().width >= 2 * COLUMN + 2;
    let (width, height) = if wide {
        (2 * COLUMN + 2, keys.len().max(cmds.len()) as u16 + 2)
    } else {
        (COLUMN + 2, (keys.len() + cmds.len()) as u16 + 3)
    };
    let area = super::centered(f.area(), width, height);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(" help — esc to close ", t.style(Role::Header)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Length(KEYS_COLUMN), Constraint::Fill(1)]).areas(inner);
        f.render_widget(Paragraph::new(keys), left);
        f.render_widget(Paragraph::new(cmds), right);
    } else {
        keys.push(Line::from(""));
        keys.extend(cmds);
        f.render_widget(Paragraph::new(keys), inner);
    }
}

/// Width of one help column; side by side, the keys take less.
const COLUMN: u16 = 76;
const KEYS_COLUMN: u16 = 66;
