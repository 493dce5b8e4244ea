//! Drawing. Reads `&State` only and never does IO: one file per view in
//! [`views`], shared widgets beside it (table, bars, help, svg export).

pub mod bars;
pub mod columns;
pub mod help;
#[cfg(test)]
mod keep_findings_tests;
#[cfg(test)]
mod keep_tests;
pub mod markers;
pub mod picker;
pub mod svg;
pub mod table;
pub mod views;
pub mod widths;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::config::keymap::Mode;
use crate::config::theme::Role;
use crate::ui::columns::ColumnId;
use crate::ui::table::TableModel;
use crate::view::state::State;
use std::collections::HashMap;

use crate::view::arranged::{Arranged, RowRef};
use crate::view::band::Band;
use crate::view::changes::Changes;
use crate::view::filter::{Filter, labels_of};
use crate::view::subject::Subject;

/// A `width`×`height` box centred in `outer`, clipped to it: where
/// dialogs, the picker and help are drawn.
pub fn centered(outer: ratatui::layout::Rect, width: u16, height: u16) -> ratatui::layout::Rect {
    use ratatui::layout::{Constraint, Flex, Layout};
    let [area] = Layout::vertical([Constraint::Length(height.min(outer.height))])
        .flex(Flex::Center)
        .areas(outer);
    let [area] = Layout::horizontal([Constraint::Length(width.min(outer.width))])
        .flex(Flex::Center)
        .areas(area);
    area
}

/// Lines the details area always may take: findings show their evidence
/// chain, other views a few lines of detail.
fn detail_lines(view: crate::view::nav::ViewKind) -> usize {
    if view == crate::view::nav::ViewKind::Findings {
        12
    } else {
        4
    }
}

/// Screen rows a table keeps under the details area: its frame, header
/// and a few rows, with the bars above and below.
const TABLE_KEEPS: usize = 12;

/// The details of the selected row as screen rows `width` wide: each line
/// wrapped, never cut. When they need more rows than a third of the screen
/// (or the view's usual share, if larger) while leaving the table a few
/// rows, the last row says how many more there are and where to read them.
fn detail_rows(
    view: crate::view::nav::ViewKind,
    detail: &[(String, Role)],
    width: usize,
    screen_height: usize,
) -> Vec<(String, Role)> {
    let mut rows: Vec<(String, Role)> = detail
        .iter()
        .flat_map(|(t, r)| {
            let text = crate::model::text::sanitize(t);
            crate::view::wrap::wrap(&text, width)
                .into_iter()
                .map(move |l| (l, *r))
        })
        .collect();
    let cap = detail_lines(view)
        .max(screen_height / 3)
        .min(screen_height.saturating_sub(TABLE_KEEPS))
        .max(1);
    if rows.len() > cap {
        let more = rows.len() - (cap - 1);
        rows.truncate(cap - 1);
        rows.push((format!("… {more} more lines, d to describe"), Role::Muted));
    }
    rows
}

/// Where `enter` on `subject`'s row leads. A view kept row by row makes
/// that one row again (its arranged rows do not hold targets); the others
/// read the arranged row.
pub fn target_of(state: &State, subject: &Subject) -> Option<crate::view::nav::Target> {
    let entry = state.entry();
    if views::keeps_rows(entry.kind()) {
        let model = views::build_some(state, entry, std::slice::from_ref(subject))?;
        return model
            .rows
            .into_iter()
            .find(|r| r.subject == *subject)?
            .target
            .map(|t| *t);
    }
    let a = state.arranged.borrow();
    let row = a.position(subject).and_then(|i| a.rows.get(i))?;
    row.target.as_deref().cloned()
}

/// Brings the view-model of the top view up to date with the data: the
/// rows the sources changed move, appear or go (a view that keeps its rows);
/// else, or when the view, scope, filter or sort changed, all rows are
/// arranged again. Returns the model when the whole view was built.
pub fn arrange(state: &State) -> Option<Full<'_>> {
    let entry = state.entry();
    let key = state.arrangement_key();
    let version = state.data_version;
    if state.arranged.borrow().is_for(&key, version) {
        return None;
    }
    let filter = Filter::parse(&entry.filter);
    let sort = entry.sort.or_else(|| views::implicit_sort(entry.kind()));
    let labels = |s: &Subject| labels_of(state, s);
    let changes = state.changes.borrow_mut().take();
    {
        let mut arranged = state.arranged.borrow_mut();
        if arranged.key == key
            && arranged.is_kept()
            && let Changes::Rows(mut changed) = changes
        {
            changed.sort_unstable();
            changed.dedup();
            if let Some(model) = views::build_some(state, entry, &changed) {
                state
                    .rows_built
                    .set(state.rows_built.get() + model.rows.len() as u64);
                let (_, fresh) = model.row_refs(&filter, &labels, sort);
                let fresh = fresh.into_iter().map(|r| *r).collect();
                if arranged.apply(version, &changed, fresh) {
                    return None;
                }
            }
        }
    }
    let model = views::build(state, entry);
    state.view_builds.set(state.view_builds.get() + 1);
    let columns: Vec<ColumnId> = model.columns.iter().map(|c| c.id).collect();
    let full = if views::keeps_rows(entry.kind()) {
        let (order, rows) = model.row_refs(&filter, &labels, sort);
        let arranged = Arranged::boxed(key, version, columns, order, rows);
        let at: HashMap<&Subject, usize> = model
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.subject, i))
            .collect();
        let of_row = arranged
            .rows
            .iter()
            .map(|r| at.get(&r.subject).copied().unwrap_or(usize::MAX))
            .collect();
        *state.arranged.borrow_mut() = arranged;
        of_row
    } else {
        let lines = model.arrange_by(&filter, &labels, sort);
        let of_row: Vec<usize> = lines
            .iter()
            .filter_map(|l| match l {
                table::Line::Row(i) => Some(*i),
                table::Line::Group(..) => None,
            })
            .collect();
        let rows = of_row
            .iter()
            .filter_map(|&i| model.rows.get(i))
            .map(|r| RowRef {
                subject: r.subject.clone(),
                target: r.target.clone(),
                group: r.group,
                key: None,
            })
            .collect();
        let grouped = !model.groups.is_empty();
        *state.arranged.borrow_mut() = Arranged::listed(key, version, columns, grouped, rows);
        of_row
    };
    Some(Full {
        model,
        of_row: full,
    })
}

/// The whole view as built, and which of its rows each arranged row is.
pub struct Full<'a> {
    pub model: TableModel<'a>,
    of_row: Vec<usize>,
}

/// The screen's areas for a detail pane of `detail` lines.
fn areas(f: &Frame, detail: usize) -> [Rect; 5] {
    let detail_height = if detail == 0 {
        0
    } else {
        u16::try_from(detail + 2).unwrap_or(u16::MAX)
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

/// Draws one frame from the band of cells around the window. The band is
/// made again only when it does not cover the window at this arrangement,
/// data version and second, and then only for the rows around the window
/// (a view that keeps its rows) or from the view built in full. On a key
/// frame the arrangement is not brought up to date: the key moved what
/// was shown, new data follows.
pub fn draw(f: &mut Frame, state: &State) {
    let entry = state.entry();
    let key = state.arrangement_key();
    let second = state.now.as_second();
    let stale_ok = state.key_frame.get() && state.arranged.borrow().key == key;
    let full = if stale_ok { None } else { arrange(state) };
    let mut arranged = state.arranged.borrow_mut();
    let selected = arranged.locate(entry.selected.as_ref(), entry.cursor);
    // The tallest the body can be (no detail pane): the band covers a
    // screen of it above and below the window.
    let h = body_lines(areas(f, 0)[2]);
    let window = table::scrolled(arranged.lines.len(), entry.offset.get(), selected, h);
    if !state
        .band
        .borrow()
        .covers(&key, arranged.version, second, &window)
    {
        let start = window.start.saturating_sub(h);
        let range = start..(window.end + h).min(arranged.lines.len());
        let band = fill(state, &arranged, full.as_ref(), key, second, range);
        *state.band.borrow_mut() = band;
    }
    let band = state.band.borrow();
    let detail = selected
        .and_then(|l| band.line(l))
        .map(|(_, d)| {
            let screen = f.area();
            let width = usize::from(screen.width.saturating_sub(2)).max(1);
            detail_rows(entry.kind(), d, width, usize::from(screen.height))
        })
        .unwrap_or_default();
    let all = areas(f, detail.len());
    screen(f, state, all, &*band, &arranged, selected, &detail);
}

/// The cells of lines `range`: from the whole view when it was just built,
/// else from the rows of those lines alone (or the whole view, for a view
/// that cannot make rows one by one).
fn fill(
    state: &State,
    arranged: &Arranged<crate::view::nav::Target>,
    full: Option<&Full<'_>>,
    key: String,
    second: i64,
    range: std::ops::Range<usize>,
) -> Band {
    let entry = state.entry();
    let subjects: Vec<Subject> = range
        .clone()
        .filter_map(|l| arranged.row_at(l).map(|r| r.subject.clone()))
        .collect();
    let some;
    let built;
    let (model, index): (&TableModel<'_>, HashMap<&Subject, usize>) = match full {
        Some(f) => {
            let index = range
                .clone()
                .filter_map(|l| match arranged.lines.get(l) {
                    Some(table::Line::Row(i)) => {
                        Some((&arranged.rows.get(*i)?.subject, f.of_row.get(*i).copied()?))
                    }
                    _ => None,
                })
                .collect();
            (&f.model, index)
        }
        None => {
            let model = match views::build_some(state, entry, &subjects) {
                Some(m) => {
                    state
                        .rows_built
                        .set(state.rows_built.get() + m.rows.len() as u64);
                    some = m;
                    &some
                }
                None => {
                    state.view_builds.set(state.view_builds.get() + 1);
                    built = views::build(state, entry);
                    &built
                }
            };
            let index = model
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (&r.subject, i))
                .collect();
            (model, index)
        }
    };
    let rows = range
        .clone()
        .map(|l| {
            let Some(r) = arranged.row_at(l) else {
                return (Vec::new(), Vec::new());
            };
            match index.get(&r.subject) {
                Some(&i) => (model.cells(i), model.detail(i)),
                // Gone since the arrangement (a key frame): shown as unknown, never guessed.
                None => (
                    model
                        .columns
                        .iter()
                        .map(|_| table::cell("?", Role::Muted))
                        .collect(),
                    Vec::new(),
                ),
            }
        })
        .collect();
    Band {
        key,
        version: arranged.version,
        second,
        columns: model.columns.clone(),
        groups: model.groups.clone(),
        empty: model.empty.clone(),
        range,
        rows,
    }
}

/// Everything on screen, the table drawn from `source`.
fn screen(
    f: &mut Frame,
    state: &State,
    [top, tabs, body, detail_area, footer]: [Rect; 5],
    source: &dyn table::Source,
    arranged: &Arranged<crate::view::nav::Target>,
    selected: Option<usize>,
    detail: &[(String, Role)],
) {
    let entry = state.entry();
    bars::top(f, top, state);
    bars::tabs(f, tabs, state);
    let scope = state.scope_of(entry).describe();
    let mut title = table::title_spans(
        &state.theme,
        entry.kind().title(),
        &scope,
        arranged.row_count_shown(),
        &entry.filter,
    );
    // Each cluster this view cannot see now, said where the rows are.
    for (note, role) in views::freshness::notes(state, &state.scope_of(entry), entry.kind()) {
        title
            .spans
            .push(Span::styled(format!("⚠ {note} "), state.theme.style(role)));
    }
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
        // Already wrapped to the area's width and sanitized (detail_rows).
        let text: Vec<Line> = detail
            .iter()
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
