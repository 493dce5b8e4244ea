//! Draws the `:ctx` picker: a centred list, the current item highlighted,
//! key hints from the keymap.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::picker::Picker;
use crate::view::state::State;

pub fn render(f: &mut Frame, state: &State, p: &Picker) {
    let t = &state.theme;
    let widest = p.items.iter().map(|i| i.chars().count()).max().unwrap_or(0);
    let width = (widest as u16 + 6).max(46).min(f.area().width);
    let inner_h = f.area().height.saturating_sub(2).max(1) as usize;
    let list_h = inner_h.saturating_sub(1).max(1);
    // Keep the cursor in view when the list is taller than the screen.
    let start = p.cursor.saturating_sub(list_h.saturating_sub(1));
    let mut lines: Vec<Line> = p
        .items
        .iter()
        .enumerate()
        .skip(start)
        .take(list_h)
        .map(|(i, item)| {
            let (mark, role) = if i == p.cursor {
                ("▶ ", Role::Selected)
            } else {
                ("  ", Role::Text)
            };
            Line::from(Span::styled(format!("{mark}{item}"), t.style(role)))
        })
        .collect();
    lines.push(super::views::overlay::hints(
        state,
        Mode::Picker,
        &[
            (Action::Submit, "pick"),
            (Action::Down, "down"),
            (Action::Up, "up"),
            (Action::Cancel, "cancel"),
        ],
    ));
    let area = super::centered(f.area(), width, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            format!(" pick a {} ", p.title),
            t.style(Role::Header),
        ));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
