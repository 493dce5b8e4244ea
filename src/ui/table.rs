//! The table every view is drawn as: columns, rows of themed cells, optional
//! groups (Fargate / EC2 / virtual…), filtering, sorting and scrolling.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Cell as TuiCell, Row as TuiRow, Table, TableState};

use crate::app::filter::fuzzy_match_cells;
use crate::app::nav::{NavEntry, Target};
use crate::config::theme::{Role, Theme};

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub width: Constraint,
}

pub fn col(title: &str, width: u16) -> Column {
    Column {
        title: title.to_owned(),
        width: Constraint::Length(width),
    }
}

/// A column that takes the remaining width.
pub fn fill(title: &str) -> Column {
    Column {
        title: title.to_owned(),
        width: Constraint::Fill(1),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub role: Role,
    /// Numeric sort key (counts, ages) when the text does not sort right.
    pub sort: Option<i64>,
}

pub fn cell(text: impl Into<String>, role: Role) -> Cell {
    Cell {
        text: text.into(),
        role,
        sort: None,
    }
}

pub fn num(n: i64, role: Role) -> Cell {
    Cell {
        text: n.to_string(),
        role,
        sort: Some(n),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Stable identity, to keep the selection when rows move.
    pub id: String,
    pub group: usize,
    pub cells: Vec<Cell>,
    pub target: Option<Target>,
    /// Shown under the table for the selected row (messages, conditions…).
    pub detail: Vec<(String, Role)>,
}

#[derive(Debug, Clone, Default)]
pub struct TableModel {
    pub columns: Vec<Column>,
    /// Group titles; rows refer to them by index. Empty: no group headers.
    pub groups: Vec<String>,
    pub rows: Vec<TableRow>,
    /// What to say when there are no rows (and why, if a source is failing).
    pub empty: String,
}

/// What is drawn on one line of the table body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    Group(usize, usize),
    Row(usize),
}

impl TableModel {
    /// Filtered, sorted (within groups) lines, with a header before each non-empty group.
    pub fn arrange(&self, filter: &str, sort: Option<(usize, bool)>) -> Vec<Line> {
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                filter.is_empty()
                    || fuzzy_match_cells(
                        filter,
                        &self.rows[i]
                            .cells
                            .iter()
                            .map(|c| c.text.as_str())
                            .collect::<Vec<_>>(),
                    )
            })
            .collect();
        if let Some((col, desc)) = sort {
            idx.sort_by(|&a, &b| {
                let (ra, rb) = (&self.rows[a], &self.rows[b]);
                let ord = compare(ra.cells.get(col), rb.cells.get(col));
                ra.group
                    .cmp(&rb.group)
                    .then(if desc { ord.reverse() } else { ord })
            });
        } else {
            idx.sort_by_key(|&i| self.rows[i].group);
        }
        let mut out = Vec::with_capacity(idx.len() + self.groups.len());
        let mut current = None;
        for i in idx.iter().copied() {
            let g = self.rows[i].group;
            if !self.groups.is_empty() && current != Some(g) {
                current = Some(g);
                let count = idx.iter().filter(|&&j| self.rows[j].group == g).count();
                out.push(Line::Group(g, count));
            }
            out.push(Line::Row(i));
        }
        out
    }

    /// Index into `lines` of the selected row: by id, else the nearest row to `cursor`.
    pub fn selected_line(&self, lines: &[Line], entry: &NavEntry) -> Option<usize> {
        if let Some(id) = &entry.selected
            && let Some(pos) = lines
                .iter()
                .position(|l| matches!(l, Line::Row(i) if self.rows[*i].id == *id))
        {
            return Some(pos);
        }
        let start = entry.cursor.min(lines.len().saturating_sub(1));
        (start..lines.len())
            .chain((0..start).rev())
            .find(|&p| matches!(lines.get(p), Some(Line::Row(_))))
    }

    pub fn selected_row<'a>(&'a self, lines: &[Line], entry: &NavEntry) -> Option<&'a TableRow> {
        match lines.get(self.selected_line(lines, entry)?) {
            Some(Line::Row(i)) => self.rows.get(*i),
            _ => None,
        }
    }
}

/// Numbers by value, text naturally (so `pod-10` follows `pod-9`).
fn compare(a: Option<&Cell>, b: Option<&Cell>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match (a.sort, b.sort) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => natural(&a.text, &b.text),
        },
        _ => std::cmp::Ordering::Equal,
    }
}

pub fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut ai, mut bi) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (ai.peek().copied(), bi.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let mut na = String::new();
                while let Some(c) = ai.peek().copied().filter(char::is_ascii_digit) {
                    na.push(c);
                    ai.next();
                }
                let mut nb = String::new();
                while let Some(c) = bi.peek().copied().filter(char::is_ascii_digit) {
                    nb.push(c);
                    bi.next();
                }
                let ord = na.len().cmp(&nb.len()).then(na.cmp(&nb));
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
                ai.next();
                bi.next();
            }
        }
    }
}

/// Draws the table in `area` with a titled border; returns nothing, but
/// remembers the scroll offset in the entry.
pub fn render(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    model: &TableModel,
    lines: &[Line],
    entry: &NavEntry,
    title: TextLine<'_>,
) {
    let selected = model.selected_line(lines, entry);
    let header = TuiRow::new(model.columns.iter().enumerate().map(|(i, c)| {
        let mark = match entry.sort {
            Some((col, false)) if col == i => "↑",
            Some((col, true)) if col == i => "↓",
            _ => "",
        };
        TuiCell::from(format!("{}{mark}", c.title))
    }))
    .style(theme.style(Role::Header));
    let body: Vec<TuiRow> = lines
        .iter()
        .map(|l| match l {
            // Painted across the full width afterwards.
            Line::Group(..) => TuiRow::new(Vec::<TuiCell>::new()).style(theme.style(Role::Group)),
            Line::Row(i) => {
                let row = &model.rows[*i];
                TuiRow::new(
                    row.cells
                        .iter()
                        .map(|c| TuiCell::from(Span::styled(c.text.clone(), theme.style(c.role)))),
                )
            }
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(title);
    let widths: Vec<Constraint> = model.columns.iter().map(|c| c.width).collect();
    if lines.is_empty() {
        let msg = if entry.filter.is_empty() {
            model.empty.clone()
        } else {
            format!("no rows match /{}", entry.filter)
        };
        let t = Table::new(
            vec![TuiRow::new(vec![TuiCell::from(Span::styled(
                msg,
                theme.style(Role::Muted),
            ))])],
            [Constraint::Fill(1)],
        )
        .header(header.clone())
        .block(block);
        f.render_widget(t, area);
        return;
    }
    let table = Table::new(body, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected));
    let mut state = TableState::default()
        .with_offset(entry.offset.get())
        .with_selected(selected);
    f.render_stateful_widget(table, area, &mut state);
    entry.offset.set(state.offset());
    paint_group_titles(f, area, theme, model, lines, state.offset());
}

/// A table cell cannot span columns, so group titles are painted over their
/// (otherwise empty) rows across the full width.
fn paint_group_titles(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    model: &TableModel,
    lines: &[Line],
    offset: usize,
) {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(2),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(3),
    };
    let style = theme.style(Role::Group);
    for (row, line) in lines
        .iter()
        .skip(offset)
        .take(usize::from(inner.height))
        .enumerate()
    {
        if let Line::Group(g, n) = line {
            let y = inner.y + row as u16;
            let title = model.groups.get(*g).map(String::as_str).unwrap_or_default();
            let text = format!("▸ {title} ({n})");
            let buf = f.buffer_mut();
            buf.set_style(
                Rect {
                    x: inner.x,
                    y,
                    width: inner.width,
                    height: 1,
                },
                style,
            );
            buf.set_stringn(inner.x, y, text, usize::from(inner.width), style);
        }
    }
}

/// Style helper for the title line.
pub fn title_spans(
    theme: &Theme,
    view: &str,
    scope: &str,
    count: usize,
    filter: &str,
) -> TextLine<'static> {
    let mut spans = vec![Span::styled(format!(" {view} "), theme.style(Role::Header))];
    if !scope.is_empty() {
        spans.push(Span::styled(format!("[{scope}] "), theme.style(Role::Text)));
    }
    spans.push(Span::styled(
        format!("({count}) "),
        theme.style(Role::Muted),
    ));
    if !filter.is_empty() {
        spans.push(Span::styled(
            format!("/{filter} "),
            theme.style(Role::Flash),
        ));
    }
    TextLine::from(spans).style(Style::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, group: usize, n: i64) -> TableRow {
        TableRow {
            id: id.into(),
            group,
            cells: vec![cell(id, Role::Text), num(n, Role::Text)],
            target: None,
            detail: vec![],
        }
    }

    #[test]
    fn arrange_groups_filters_and_sorts() {
        let m = TableModel {
            columns: vec![col("NAME", 10), col("N", 3)],
            groups: vec!["fargate".into(), "ec2".into()],
            rows: vec![row("pod-10", 1, 1), row("pod-9", 1, 5), row("fg-a", 0, 3)],
            empty: String::new(),
        };
        let lines = m.arrange("", Some((0, false)));
        assert_eq!(
            lines,
            vec![
                Line::Group(0, 1),
                Line::Row(2),
                Line::Group(1, 2),
                Line::Row(1),
                Line::Row(0)
            ]
        );
        let lines = m.arrange("", Some((1, true)));
        assert_eq!(lines[3..], [Line::Row(1), Line::Row(0)]);
        let lines = m.arrange("pod9", None);
        assert_eq!(lines, vec![Line::Group(1, 1), Line::Row(1)]);
    }
}
