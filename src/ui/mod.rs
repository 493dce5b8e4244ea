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
use crate::ui::columns::ColumnId;
use crate::ui::table::TableModel;
use crate::view::arranged::{Arranged, RowRef};

/// Findings show their evidence chain; other views a few lines of detail.
fn detail_lines(view: crate::app::nav::ViewKind) -> usize {
    if view == crate::app::nav::ViewKind::Findings {
        10
    } else {
        4
    }
}

/// Brings the view-model of the top view up to date: arranges its rows
/// again only when the data version or the arrangement changed, or when
/// the rows it holds are not the model's (a view whose rows changed
/// without a data change). Returns the model the rows were read from.
pub fn arrange<'a>(state: &'a State) -> TableModel<'a> {
    let entry = state.entry();
    let model = views::build(state, entry);
    let columns: Vec<ColumnId> = model.columns.iter().map(|c| c.id).collect();
    let key = state.arrangement_key();
    let mut arranged = state.arranged.borrow_mut();
    let same_rows = arranged.rows.len() == model.rows.len()
        && arranged
            .rows
            .iter()
            .zip(&model.rows)
            .take(64)
            .all(|(a, m)| a.subject == m.subject);
    if !arranged.is_for(&key, state.data_version) || !same_rows {
        let lines = model.arrange(&entry.filter, entry.sort);
        let rows = model
            .rows
            .iter()
            .map(|r| RowRef {
                subject: r.subject.clone(),
                target: r.target.clone(),
            })
            .collect();
        *arranged = Arranged::new(key, state.data_version, columns, lines, rows);
    }
    model
}

/// Draws one frame.
pub fn draw(f: &mut Frame, state: &State) {
    let entry = state.entry();
    let model = arrange(state);
    let mut arranged = state.arranged.borrow_mut();
    let selected = arranged.locate(entry.selected.as_ref(), entry.cursor);
    let lines = &arranged.lines;
    let detail = selected
        .and_then(|l| match lines.get(l) {
            Some(table::Line::Row(i)) => model.rows.get(*i),
            _ => None,
        })
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
    let count = arranged.row_count_shown();
    let title = table::title_spans(
        &state.theme,
        entry.kind().title(),
        &scope,
        count,
        &entry.filter,
    );
    table::render(f, body, &state.theme, &model, lines, selected, entry, title);
    markers::paint(f, body, state, &arranged, entry);
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
