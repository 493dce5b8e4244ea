//! `?`: the key bindings, generated from the keymap, and the commands.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::commands::COMMANDS;
use crate::app::state::State;
use crate::config::keymap::Mode;
use crate::config::theme::Role;

pub fn render(f: &mut Frame, state: &State) {
    let t = &state.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!("keys ({})", state.keymap.name),
        t.style(Role::Header),
    ))];
    for (_, desc, keys) in state.keymap.help(Mode::Normal) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), t.style(Role::Key)),
            Span::styled(desc, t.style(Role::Text)),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled("commands", t.style(Role::Header))));
    for (names, desc) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!("  :{:<15}", names[0]), t.style(Role::Key)),
            Span::styled(desc.to_string(), t.style(Role::Text)),
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
    let height = (lines.len() as u16 + 2).min(f.area().height);
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(f.area());
    let [area] = Layout::horizontal([Constraint::Length(86.min(f.area().width))])
        .flex(Flex::Center)
        .areas(area);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(" help — esc to close ", t.style(Role::Header)));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
