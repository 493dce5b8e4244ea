//! The table every view is drawn as: columns, rows of themed cells, optional
//! groups (Fargate / EC2 / virtual…), filtering, sorting and scrolling.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Cell as TuiCell, Row as TuiRow, Table, TableState};

use crate::config::theme::{Role, Theme};
use crate::model::text::sanitize;
use crate::ui::columns::{Cells, ColumnId, SortKey, Spec};
use crate::view::arranged::{Order, RowRef};
use crate::view::band::Band;
use crate::view::band::Cut;
use crate::view::filter::{Filter, Labels};
use crate::view::nav::{NavEntry, Target};
use crate::view::subject::Subject;

pub use crate::view::band::Cell;

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

/// What a row is besides its cells: identity, group, where `enter` leads, detail.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The object the row shows: the selection is held by it, actions act on it.
    pub subject: Subject,
    pub group: usize,
    pub target: Option<Box<Target>>,
    /// Shown under the table for the selected row (messages, conditions…).
    pub detail: Vec<(String, Role)>,
}

/// A view's table: its columns, its rows, and their cells on demand.
pub struct TableModel<'a> {
    pub columns: Vec<Spec>,
    /// Group titles; rows refer to them by index. Empty: no group headers.
    pub groups: Vec<String>,
    pub rows: Vec<TableRow>,
    /// What to say when there are no rows (and why, if a source is failing).
    pub empty: String,
    cells: Box<dyn Cells + 'a>,
    /// How many rows' cells were made: what a frame costs beyond the rows.
    made: std::cell::Cell<usize>,
    /// Rows whose data is not current: drawn in the muted role throughout.
    muted: Vec<bool>,
}

pub use crate::view::arranged::Line;

impl<'a> TableModel<'a> {
    pub fn new(
        columns: Vec<Spec>,
        groups: Vec<String>,
        rows: Vec<TableRow>,
        cells: Box<dyn Cells + 'a>,
        empty: String,
    ) -> Self {
        TableModel {
            columns,
            groups,
            rows,
            empty,
            cells,
            made: std::cell::Cell::new(0),
            muted: Vec::new(),
        }
    }

    /// Draws row `row` muted: its data is stale, whatever its cells say.
    pub fn mute(&mut self, row: usize) {
        if self.muted.len() <= row {
            self.muted.resize(self.rows.len().max(row + 1), false);
        }
        self.muted[row] = true;
    }

    /// Row `row`'s cells, one per column.
    pub fn cells(&self, row: usize) -> Vec<Cell> {
        self.made.set(self.made.get() + 1);
        let muted = self.muted.get(row).copied().unwrap_or(false);
        (0..self.columns.len())
            .filter_map(|c| self.cells.cell(row, c))
            .map(|mut c| {
                if muted {
                    c.role = Role::Muted;
                }
                c
            })
            .collect()
    }

    /// Row `row`'s detail lines: what it holds (a stale note first), then
    /// what its view makes for it only now.
    pub fn detail(&self, row: usize) -> Vec<(String, Role)> {
        let mut d = self
            .rows
            .get(row)
            .map(|r| r.detail.clone())
            .unwrap_or_default();
        d.extend(self.cells.detail(row));
        d
    }

    /// How many times a row's cells were made since the model was built.
    pub fn cells_made(&self) -> usize {
        self.made.get()
    }

    /// Position of the column with this id among the visible ones.
    pub fn position(&self, id: ColumnId) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    /// Filtered, sorted (within groups) lines, with a header before each non-empty group.
    pub fn arrange(&self, filter: &str, sort: Option<(ColumnId, bool)>) -> Vec<Line> {
        self.arrange_by(&Filter::parse(filter), &|_| None, sort)
    }

    /// [`Self::arrange`] with a parsed filter and the labels of a row's
    /// object (`None`: its kind keeps no labels). Filtering reads the rows'
    /// identities, never their cells.
    pub fn arrange_by(
        &self,
        filter: &Filter,
        labels: Labels,
        sort: Option<(ColumnId, bool)>,
    ) -> Vec<Line> {
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.kept(i, filter, labels))
            .collect();
        let sort = sort.and_then(|(id, desc)| Some((self.position(id)?, desc)));
        if let Some((col, desc)) = sort {
            // One key per row, made once.
            let keys: Vec<Option<SortKey>> = (0..self.rows.len())
                .map(|i| {
                    idx.binary_search(&i)
                        .ok()
                        .and_then(|_| self.cells.sort_key(i, col))
                })
                .collect();
            idx.sort_by(|&a, &b| {
                let ord = keys[a].cmp(&keys[b]);
                self.rows[a].group.cmp(&self.rows[b].group).then(if desc {
                    ord.reverse()
                } else {
                    ord
                })
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

    /// The rows the filter lets through, each with its group and the key of
    /// the sort column, for an arrangement in [`Order`] (view-model rows).
    /// Their targets are left out: a view kept row by row makes the one
    /// entered when it is entered.
    pub fn row_refs(
        &self,
        filter: &Filter,
        labels: Labels,
        sort: Option<(ColumnId, bool)>,
    ) -> (Order, Vec<Box<RowRef<Target>>>) {
        let col = sort.and_then(|(id, _)| self.position(id));
        let order = Order {
            grouped: !self.groups.is_empty(),
            sorted: col.is_some(),
            desc: sort.is_some_and(|(_, d)| d),
        };
        let rows = (0..self.rows.len())
            .filter(|&i| self.kept(i, filter, labels))
            .map(|i| {
                Box::new(RowRef {
                    subject: self.rows[i].subject.clone(),
                    // Made when the row is entered ([`crate::ui::target_of`]).
                    target: None,
                    group: if order.grouped { self.rows[i].group } else { 0 },
                    key: col.and_then(|c| self.cells.sort_key(i, c)),
                })
            })
            .collect();
        (order, rows)
    }

    /// Whether row `i` passes the filter: it reads the row's identity (and
    /// its labels only for a label selector), never its cells — but for a
    /// finding, whose cause names the objects it is about (the upstream a
    /// Kong node's no-peer finding concerns).
    fn kept(&self, i: usize, filter: &Filter, labels: Labels) -> bool {
        let s = &self.rows[i].subject;
        let l = if filter.needs_labels() {
            labels(s)
        } else {
            None
        };
        let more: Vec<String> = if matches!(s, Subject::Finding { .. }) && filter.is_active() {
            (0..self.columns.len())
                .filter_map(|c| self.cells.cell(i, c).map(|cell| cell.text))
                .collect()
        } else {
            Vec::new()
        };
        filter.keeps_also(s, l.as_deref(), &more)
    }

    /// Index into `lines` of the selected row: by id, else the nearest row to `cursor`.
    pub fn selected_line(&self, lines: &[Line], entry: &NavEntry) -> Option<usize> {
        if let Some(s) = &entry.selected
            && let Some(pos) = lines
                .iter()
                .position(|l| matches!(l, Line::Row(i) if self.rows[*i].subject == *s))
        {
            return Some(pos);
        }
        let start = entry.cursor.min(lines.len().saturating_sub(1));
        (start..lines.len())
            .chain((0..start).rev())
            .find(|&p| matches!(lines.get(p), Some(Line::Row(_))))
    }

    pub fn selected_row(&self, lines: &[Line], entry: &NavEntry) -> Option<&TableRow> {
        match lines.get(self.selected_line(lines, entry)?) {
            Some(Line::Row(i)) => self.rows.get(*i),
            _ => None,
        }
    }
}

/// What the table is drawn from: a freshly built model, or the band of
/// cells kept from the last build.
pub trait Source {
    fn columns(&self) -> &[Spec];
    fn groups(&self) -> &[String];
    fn empty(&self) -> &str;
    /// The cells of row `row`, drawn on line `line`.
    fn row_cells(&self, row: usize, line: usize) -> Vec<Cell>;
}

impl Source for TableModel<'_> {
    fn columns(&self) -> &[Spec] {
        &self.columns
    }

    fn groups(&self) -> &[String] {
        &self.groups
    }

    fn empty(&self) -> &str {
        &self.empty
    }

    fn row_cells(&self, row: usize, _line: usize) -> Vec<Cell> {
        self.cells(row)
    }
}

impl Source for Band {
    fn columns(&self) -> &[Spec] {
        &self.columns
    }

    fn groups(&self) -> &[String] {
        &self.groups
    }

    fn empty(&self) -> &str {
        &self.empty
    }

    fn row_cells(&self, _row: usize, line: usize) -> Vec<Cell> {
        self.line(line).map(|(c, _)| c.clone()).unwrap_or_default()
    }
}

pub use crate::view::sort::natural;

/// Draws the table in `area` with a titled border, `selected` being the
/// selected line; remembers the scroll offset in the entry. Only the lines
/// that fit are handed to the widget, so cells are made for them alone.
#[allow(clippy::too_many_arguments)]
pub fn render(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    model: &dyn Source,
    lines: &[Line],
    selected: Option<usize>,
    entry: &NavEntry,
    title: TextLine<'_>,
) {
    let titles: Vec<String> = model
        .columns()
        .iter()
        .map(|c| {
            let mark = match entry.sort {
                Some((id, false)) if id == c.id => "↑",
                Some((id, true)) if id == c.id => "↓",
                _ => "",
            };
            format!("{}{mark}", c.title)
        })
        .collect();
    let header = TuiRow::new(titles.iter().map(|t| TuiCell::from(t.clone())))
        .style(theme.style(Role::Header));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(title);
    if lines.is_empty() {
        let msg = if entry.filter.is_empty() {
            model.empty().to_owned()
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
    // Borders and the header take three lines.
    let height = usize::from(area.height.saturating_sub(3));
    let window = scrolled(lines.len(), entry.offset.get(), selected, height);
    // Names are data, drawn text is display: sanitized here and only here,
    // so widths are measured on what is drawn.
    let shown: Vec<Option<Vec<Cell>>> = lines[window.clone()]
        .iter()
        .zip(window.clone())
        .map(|(l, line)| match l {
            Line::Group(..) => None,
            Line::Row(i) => Some(
                model
                    .row_cells(*i, line)
                    .into_iter()
                    .map(|c| Cell {
                        text: sanitize(&c.text),
                        ..c
                    })
                    .collect(),
            ),
        })
        .collect();
    let room = usize::from(area.width.saturating_sub(2));
    let fitted = column_widths(model.columns(), &titles, &shown, entry, room);
    // A name too long for its column loses its middle; other text its end (the widget's cut).
    let fit_cell = |col: usize, text: String| match (model.columns().get(col), fitted.get(col)) {
        (Some(spec), Some(&w)) if spec.cut == Cut::Middle => {
            crate::view::wrap::cut_middle(&text, usize::from(w))
        }
        _ => text,
    };
    let body: Vec<TuiRow> = shown
        .into_iter()
        .map(|cells| match cells {
            // Painted across the full width afterwards.
            None => TuiRow::new(Vec::<TuiCell>::new()).style(theme.style(Role::Group)),
            Some(cells) => TuiRow::new(cells.into_iter().enumerate().map(|(col, c)| {
                TuiCell::from(Span::styled(fit_cell(col, c.text), theme.style(c.role)))
            })),
        })
        .collect();
    let widths: Vec<Constraint> = fitted.into_iter().map(Constraint::Length).collect();
    let table = Table::new(body, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected));
    let mut state = TableState::default()
        .with_offset(0)
        .with_selected(selected.and_then(|s| s.checked_sub(window.start)));
    f.render_stateful_widget(table, area, &mut state);
    entry.offset.set(window.start);
    paint_group_titles(f, area, theme, model, lines, window.start);
}

/// Each column's width from its title and the cells of the rows shown
/// (grown to the widest the view has needed since it opened), fitted in
/// `room` cells.
fn column_widths(
    columns: &[Spec],
    titles: &[String],
    shown: &[Option<Vec<Cell>>],
    entry: &NavEntry,
    room: usize,
) -> Vec<u16> {
    use crate::view::wrap::width;
    let mut needs = entry.needs.borrow_mut();
    let title: Vec<usize> = titles.iter().map(|t| width(t)).collect();
    let need: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let cells = shown
                .iter()
                .flatten()
                .filter_map(|row| row.get(c))
                .map(|cell| width(&cell.text))
                .max()
                .unwrap_or(0);
            let mut need = cells.max(title[c]);
            match needs.iter_mut().find(|(id, _)| *id == spec.id) {
                Some((_, seen)) => {
                    need = need.max(*seen);
                    *seen = need;
                }
                None => needs.push((spec.id, need)),
            }
            need
        })
        .collect();
    crate::ui::widths::fit(columns, &need, &title, room)
}

/// The lines shown this frame, scrolled as little as keeps the selection
/// in view: the offset is kept unless the selection is above it or below
/// the last line that fits (one line per row, as the widget would).
pub fn scrolled(
    len: usize,
    offset: usize,
    selected: Option<usize>,
    height: usize,
) -> std::ops::Range<usize> {
    let mut start = offset.min(len.saturating_sub(1));
    if let Some(sel) = selected.map(|s| s.min(len.saturating_sub(1))) {
        if sel >= start + height {
            start = (sel + 1).saturating_sub(height);
        } else if sel < start {
            start = sel;
        }
    }
    start..(start + height).min(len)
}

/// A table cell cannot span columns, so group titles are painted over their
/// (otherwise empty) rows across the full width.
fn paint_group_titles(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    model: &dyn Source,
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
            let title = model
                .groups()
                .get(*g)
                .map(String::as_str)
                .unwrap_or_default();
            let text = format!("▸ {} ({n})", sanitize(title));
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
        spans.push(Span::styled(
            format!("[{}] ", sanitize(scope)),
            theme.style(Role::Text),
        ));
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
    use crate::ui::columns::{Builder, Column, visible};

    /// A pod-like row: where, what, and its age in seconds.
    struct Item {
        group: usize,
        cluster: &'static str,
        name: &'static str,
        age: i64,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum TestColumn {
        Cluster,
        Name,
        Age,
    }

    impl Column for TestColumn {
        type Row<'a> = Item;
        const ALL: &'static [Self] = &[TestColumn::Cluster, TestColumn::Name, TestColumn::Age];

        fn spec(self) -> Spec {
            match self {
                TestColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 8),
                TestColumn::Name => Spec::fixed("name", "NAME", 10),
                TestColumn::Age => Spec::fill("age", "AGE"),
            }
        }

        fn cell(self, r: &Item) -> Cell {
            match self {
                TestColumn::Cluster => cell(r.cluster, Role::Muted),
                TestColumn::Name => cell(r.name, Role::Text),
                // Text that sorts wrongly as text: `2h` < `30s` < `5m`.
                TestColumn::Age => Cell {
                    text: match r.age {
                        a if a >= 3600 => format!("{}h", a / 3600),
                        a if a >= 60 => format!("{}m", a / 60),
                        a => format!("{a}s"),
                    },
                    role: Role::Muted,
                    sort: Some(r.age),
                },
            }
        }
    }

    fn model(multi: bool, items: Vec<Item>) -> TableModel<'static> {
        let mut b = Builder::new(visible(TestColumn::Cluster, multi));
        for it in items {
            let meta = TableRow {
                subject: Subject::kube(it.cluster, "Pod", "", it.name),
                group: it.group,
                target: None,
                detail: vec![],
            };
            b.push(meta, it);
        }
        b.finish(vec!["fargate".into(), "ec2".into()], String::new())
    }

    fn item(group: usize, cluster: &'static str, name: &'static str, age: i64) -> Item {
        Item {
            group,
            cluster,
            name,
            age,
        }
    }

    fn names(m: &TableModel, lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| match l {
                Line::Row(i) => match &m.rows[*i].subject {
                    Subject::Kube(k) => Some(k.name.clone()),
                    _ => None,
                },
                Line::Group(..) => None,
            })
            .collect()
    }

    #[test]
    fn arrange_groups_filters_and_sorts() {
        let m = model(
            false,
            vec![
                item(1, "a", "pod-10", 30),
                item(1, "a", "pod-9", 300),
                item(0, "a", "fg-a", 7200),
            ],
        );
        let lines = m.arrange("", Some(("name", false)));
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
        let lines = m.arrange("", Some(("age", true)));
        assert_eq!(lines[3..], [Line::Row(1), Line::Row(0)]);
        let lines = m.arrange("POD-9$", None);
        assert_eq!(lines, vec![Line::Group(1, 1), Line::Row(1)]);
        // A sort on a column this table does not show keeps the group order.
        assert_eq!(m.arrange("", Some(("cluster", false))), m.arrange("", None));
    }

    #[test]
    fn a_numeric_column_sorts_by_value_not_text() {
        let m = model(
            false,
            vec![
                item(0, "a", "hour", 7200),
                item(0, "a", "half-minute", 30),
                item(0, "a", "five-minutes", 300),
            ],
        );
        let lines = m.arrange("", Some(("age", false)));
        assert_eq!(names(&m, &lines), ["half-minute", "five-minutes", "hour"]);
        let lines = m.arrange("", Some(("age", true)));
        assert_eq!(names(&m, &lines), ["hour", "five-minutes", "half-minute"]);
    }

    #[test]
    fn sort_by_id_stays_on_its_column_when_cluster_appears() {
        let items = || {
            vec![
                item(0, "a-cluster", "zeta", 1),
                item(0, "b-cluster", "alpha", 2),
                item(0, "c-cluster", "mid", 3),
            ]
        };
        let (one, all) = (model(false, items()), model(true, items()));
        assert_eq!(one.columns[0].id, "name");
        assert_eq!(all.columns[0].id, "cluster");
        let sort = Some(("name", false));
        assert_eq!(
            names(&one, &one.arrange("", sort)),
            ["alpha", "mid", "zeta"]
        );
        assert_eq!(
            names(&all, &all.arrange("", sort)),
            ["alpha", "mid", "zeta"]
        );
    }

    #[test]
    fn header_and_cells_come_from_one_column_list() {
        for multi in [false, true] {
            let m = model(multi, vec![item(0, "a", "x", 5)]);
            assert_eq!(m.cells(0).len(), m.columns.len());
            assert_eq!(m.cells(0)[0].text, if multi { "a" } else { "x" });
        }
    }

    #[test]
    fn a_frame_makes_cells_for_the_visible_lines_only() {
        // 100,000 rows, the selection in the middle, a 30-line terminal.
        let m = model(
            false,
            (0..100_000).map(|_| item(1, "a", "pod", 60)).collect(),
        );
        let lines = m.arrange("", None);
        assert_eq!(
            m.cells_made(),
            0,
            "arranging without a filter makes no cell"
        );
        let entry = NavEntry::default();
        drawn(&m, &lines, 50_000, &entry, 30);
        // 30 lines minus borders and header: 27 rows at most, whatever the row count.
        assert!(m.cells_made() <= 27, "{} rows' cells made", m.cells_made());
        assert!(m.cells_made() > 0);
        // The selection is on screen: the window scrolled to it.
        assert_eq!(entry.offset.get(), 50_000 - 26);
    }

    /// The table drawn 80 wide and `height` high with line `selected` selected.
    fn drawn(
        m: &TableModel,
        lines: &[Line],
        selected: usize,
        entry: &NavEntry,
        height: u16,
    ) -> ratatui::Terminal<ratatui::backend::TestBackend> {
        let backend = ratatui::backend::TestBackend::new(80, height);
        let mut terminal = ratatui::Terminal::new(backend).expect("test terminal");
        terminal
            .draw(|f| {
                render(
                    f,
                    f.area(),
                    &Theme::builtin("default").expect("theme"),
                    m,
                    lines,
                    Some(selected),
                    entry,
                    TextLine::from("t"),
                )
            })
            .expect("draw");
        terminal
    }

    /// The header line of the table drawn 80x10 with line `selected` selected.
    fn header_at(m: &TableModel, lines: &[Line], selected: usize, entry: &NavEntry) -> String {
        let terminal = drawn(m, lines, selected, entry, 10);
        let buf = terminal.backend().buffer();
        (0..80).map(|x| buf[(x, 1)].symbol()).collect()
    }

    /// Width of the CLUSTER column: up to where NAME starts, less the gap.
    fn cluster_width(header: &str) -> usize {
        let (c, n) = (header.find("CLUSTER"), header.find("NAME"));
        let (c, n) = (c.expect("CLUSTER"), n.expect("NAME"));
        n - c - crate::ui::widths::GAP
    }

    #[test]
    fn widths_come_from_the_rows_on_screen_and_only_grow_while_the_view_is_open() {
        // 60 rows in one cluster `a`, row 50 in one with a long name.
        let items = (0..60)
            .map(|i| item(0, if i == 50 { "eu-west-1-prod" } else { "a" }, "pod", 60))
            .collect();
        let m = model(true, items);
        let lines = m.arrange("", None);
        let entry = NavEntry::default();
        // Seven rows on screen, none of them the long one: CLUSTER is as wide as its title.
        assert_eq!(cluster_width(&header_at(&m, &lines, 0, &entry)), 7);
        let shown = m.cells_made();
        assert!(shown <= 7, "cells made for {shown} rows");
        // The long one scrolled into view: wider than the 8 it is capped at while short of room.
        assert_eq!(cluster_width(&header_at(&m, &lines, 52, &entry)), 14);
        // Scrolled away again: the width stays (no jitter as rows scroll).
        assert_eq!(cluster_width(&header_at(&m, &lines, 0, &entry)), 14);
        // A new view (a fresh entry) starts from what it shows.
        assert_eq!(
            cluster_width(&header_at(&m, &lines, 0, &NavEntry::default())),
            7
        );
    }

    #[test]
    fn the_window_scrolls_only_to_keep_the_selection_in_view() {
        // Offset kept while the selection is inside.
        assert_eq!(scrolled(100, 40, Some(45), 10), 40..50);
        // Selection below: it becomes the last line shown.
        assert_eq!(scrolled(100, 0, Some(90), 10), 81..91);
        // Selection above: it becomes the first.
        assert_eq!(scrolled(100, 60, Some(5), 10), 5..15);
        // Offset past the end (rows went away): the last line.
        assert_eq!(scrolled(5, 50, None, 10), 4..5);
        assert_eq!(scrolled(5, 0, None, 10), 0..5);
    }
}
