//! Drawing. Reads `&State` only and never does IO: one file per view in
//! [`views`], shared widgets beside it (table, bars, help, svg export).

pub mod bars;
pub mod columns;
pub mod help;
pub mod markers;
pub mod picker;
pub mod svg;
pub mod table;
pub mod views;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::state::State;
use crate::config::keymap::Mode;
use crate::config::theme::Role;
use crate::ui::columns::ColumnId;
use crate::ui::table::TableModel;
use crate::view::arranged::{Arranged, RowRef};
use crate::view::band::Band;

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
    state.view_builds.set(state.view_builds.get() + 1);
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
        let filter = crate::app::filter::Filter::parse(&entry.filter);
        let lines = model.arrange_by(&filter, &|s| labels_of(state, s), entry.sort);
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

/// The screen's areas for a detail pane of `detail` lines.
/// The labels of a row's object, where the model keeps them (pods).
fn labels_of(state: &State, s: &crate::view::subject::Subject) -> Option<Vec<(String, String)>> {
    let crate::view::subject::Subject::Kube(k) = s else {
        return None;
    };
    let c = state.fleet.clusters.get(&k.cluster)?;
    match k.kind.as_str() {
        "Pod" => c
            .stores
            .pods
            .get(&k.namespace, &k.name)
            .map(|p| p.labels.clone()),
        _ => None,
    }
}

fn areas(f: &Frame, state: &State, detail: usize) -> [Rect; 5] {
    let detail_height = if detail == 0 {
        0
    } else {
        detail.min(detail_lines(state.entry().kind())) as u16 + 2
    };
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail_height),
        Constraint::Length(1),
    ])
    .areas(f.area())
}

/// Lines of the table body in `body` (borders and header aside).
fn body_lines(body: Rect) -> usize {
    usize::from(body.height.saturating_sub(3))
}

/// Draws one frame. The table comes from the kept band of cells when it
/// covers the window (same arrangement, data version and second; on a key
/// frame an older data version is fine: the key moved what was shown),
/// else from the view built again, which refills the band around the window.
pub fn draw(f: &mut Frame, state: &State) {
    let entry = state.entry();
    let key = state.arrangement_key();
    let second = state.now.as_second();
    let reuse = {
        let a = state.arranged.borrow();
        a.key == key && (a.version == state.data_version || state.key_frame.get())
    };
    if reuse {
        let mut arranged = state.arranged.borrow_mut();
        let band = state.band.borrow();
        let selected = arranged.locate(entry.selected.as_ref(), entry.cursor);
        let detail = selected
            .and_then(|l| band.line(l))
            .map(|(_, d)| d.clone())
            .unwrap_or_default();
        let all = areas(f, state, detail.len());
        let window = table::scrolled(
            arranged.lines.len(),
            entry.offset.get(),
            selected,
            body_lines(all[2]),
        );
        if band.covers(&key, arranged.version, second, &window) {
            screen(f, state, all, &*band, &arranged, selected, &detail);
            return;
        }
    }
    let model = arrange(state);
    let mut arranged = state.arranged.borrow_mut();
    let selected = arranged.locate(entry.selected.as_ref(), entry.cursor);
    let row_of = |l: usize| match arranged.lines.get(l) {
        Some(table::Line::Row(i)) => model.rows.get(*i),
        _ => None,
    };
    let detail = selected
        .and_then(row_of)
        .map(|r| r.detail.clone())
        .unwrap_or_default();
    let all = areas(f, state, detail.len());
    screen(f, state, all, &model, &arranged, selected, &detail);
    // Keep the cells of a screen above and below the window for the next keys.
    let h = body_lines(all[2]);
    let start = entry.offset.get().saturating_sub(h);
    let range = start..(entry.offset.get() + 2 * h).min(arranged.lines.len());
    let rows = range
        .clone()
        .map(|l| match arranged.lines.get(l) {
            Some(table::Line::Row(i)) => (
                model.cells(*i),
                model
                    .rows
                    .get(*i)
                    .map(|r| r.detail.clone())
                    .unwrap_or_default(),
            ),
            _ => (Vec::new(), Vec::new()),
        })
        .collect();
    *state.band.borrow_mut() = Band {
        key,
        version: arranged.version,
        second,
        columns: model.columns.clone(),
        groups: model.groups.clone(),
        empty: model.empty.clone(),
        range,
        rows,
    };
}

/// Everything on screen, the table drawn from `source`.
fn screen(
    f: &mut Frame,
    state: &State,
    [top, tabs, body, detail_area, footer]: [Rect; 5],
    source: &dyn table::Source,
    arranged: &Arranged<crate::app::nav::Target>,
    selected: Option<usize>,
    detail: &[(String, Role)],
) {
    let entry = state.entry();
    bars::top(f, top, state);
    bars::tabs(f, tabs, state);
    let scope = state.scope_of(entry).describe();
    let title = table::title_spans(
        &state.theme,
        entry.kind().title(),
        &scope,
        arranged.row_count_shown(),
        &entry.filter,
    );
    table::render(
        f,
        body,
        &state.theme,
        source,
        &arranged.lines,
        selected,
        entry,
        title,
    );
    markers::paint(f, body, state, arranged, entry);
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
    if let Some(p) = &state.picker {
        picker::render(f, state, p);
    }
}
