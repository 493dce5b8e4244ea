//! Drawing. Reads `&State` only and never does IO: one file per view in
//! [`views`], shared widgets beside it (table, bars, help, svg export).

pub mod bars;
pub mod columns;
pub mod help;
pub mod markers;
pub mod svg;
pub mod table;
pub mod views;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::state::State;
use crate::config::keymap::Mode;
use crate::config::theme::Role;

/// Findings show their evidence chain; other views a few lines of detail.
fn detail_lines(view: crate::app::nav::ViewKind) -> usize {
    if view == crate::app::nav::ViewKind::Findings {
        10
    } else {
        4
    }
}

/// Draws one frame.
pub fn draw(f: &mut Frame, state: &State) {
    let entry = state.entry();
    let model = views::build(state, entry);
    let lines = model.arrange(&entry.filter, entry.sort);
    let detail = model
        .selected_row(&lines, entry)
        .map(|r| r.detail.clone())
        .unwrap_or_default();
    let detail_height = if detail.is_empty() {
        0
    } else {
        detail.len().min(detail_lines(entry.kind())) as u16 + 2
    };
    let [top, tabs, body, detail_area, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail_height),
        Constraint::Length(1),
    ])
    .areas(f.area());
    bars::top(f, top, state);
    bars::tabs(f, tabs, state);
    let scope = state.scope_of(entry).describe();
    let count = lines
        .iter()
        .filter(|l| matches!(l, table::Line::Row(_)))
        .count();
    let title = table::title_spans(
        &state.theme,
        entry.kind().title(),
        &scope,
        count,
        &entry.filter,
    );
    table::render(f, body, &state.theme, &model, &lines, entry, title);
    markers::paint(f, body, state, &model, &lines, entry);
    if !detail.is_empty() {
        let text: Vec<Line> = detail
            .iter()
            .take(detail_lines(entry.kind()))
            .map(|(t, r)| Line::from(Span::styled(t.clone(), state.theme.style(*r))))
            .collect();
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(state.theme.style(Role::Border))
            .title(Span::styled(" details ", state.theme.style(Role::Muted)));
        f.render_widget(Paragraph::new(text).block(block), detail_area);
    }
    if state.act.overlay.is_some() {
        views::overlay::render(f, body.union(detail_area), state);
    }
    bars::footer(f, footer, state);
    if state.mode == Mode::Help {
        help::render(f, state);
    }
}
