//! Typed columns. A view declares its columns as an enum implementing
//! [`Column`]: each knows its stable id, title, width policy, and how to make
//! its cell and sort key from the view's row type. The header, the widths and
//! every row's cells are made by walking one list of these, so a cell cannot
//! land under the wrong title, and the sort state names a column by id, so it
//! stays on its column when CLUSTER appears or disappears.
//!
//! Rows are kept typed ([`Builder`]); the table asks for a cell only when it
//! needs one (drawing a visible row, sorting, filtering).

use ratatui::layout::Constraint;

use crate::config::theme::Role;
use crate::ui::table::{Cell, TableModel, TableRow};

pub use crate::view::arranged::ColumnId;

pub use crate::view::band::{Spec, Width};

impl Width {
    pub fn constraint(self) -> Constraint {
        match self {
            Width::Fixed(n) => Constraint::Length(n),
            Width::Fill => Constraint::Fill(1),
            Width::Min(n) => Constraint::Min(n),
        }
    }
}

/// One view's columns. `Row` is what the view assembles once per row (the
/// object and its joins); cells are made from it on demand.
pub trait Column: Copy + PartialEq + 'static {
    type Row<'a>;

    /// Every column, in display order.
    const ALL: &'static [Self];

    fn spec(self) -> Spec;

    fn cell(self, row: &Self::Row<'_>) -> Cell;

    /// Detail lines of a row made only when it is drawn (the selected row),
    /// beside the row's eager [`TableRow::detail`]; none by default.
    fn detail(_row: &Self::Row<'_>) -> Vec<(String, Role)> {
        Vec::new()
    }

    /// What the column shows, for `?`; `None` where its title says it all.
    fn about(self) -> Option<&'static str> {
        None
    }

    /// By default the cell's numeric key, else its text.
    fn sort_key(self, row: &Self::Row<'_>) -> SortKey {
        SortKey::from(self.cell(row))
    }

    fn id(self) -> ColumnId {
        self.spec().id
    }

    fn title(self) -> &'static str {
        self.spec().title
    }

    fn width(self) -> Width {
        self.spec().width
    }
}

/// `(title, what it shows)` of each of a view's columns that says, for `?`.
pub fn explained<C: Column>() -> Vec<(&'static str, &'static str)> {
    C::ALL
        .iter()
        .filter_map(|c| c.about().map(|a| (c.title(), a)))
        .collect()
}

/// Every column but `cluster` unless `multi`: a CLUSTER column is only worth
/// its width when more than one cluster is in view.
pub fn visible<C: Column>(cluster: C, multi: bool) -> Vec<C> {
    C::ALL
        .iter()
        .copied()
        .filter(|c| multi || *c != cluster)
        .collect()
}

pub use crate::view::sort::SortKey;

/// What the table asks of a view's rows, by row and column position.
pub trait Cells {
    fn cell(&self, row: usize, col: usize) -> Option<Cell>;
    fn sort_key(&self, row: usize, col: usize) -> Option<SortKey>;

    /// A row's lazily made detail lines ([`Column::detail`]).
    fn detail(&self, _row: usize) -> Vec<(String, Role)> {
        Vec::new()
    }
}

/// A view's visible columns over its typed rows.
struct Typed<'a, C: Column> {
    columns: Vec<C>,
    rows: Vec<C::Row<'a>>,
}

impl<C: Column> Cells for Typed<'_, C> {
    fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        Some(self.columns.get(col)?.cell(self.rows.get(row)?))
    }

    fn sort_key(&self, row: usize, col: usize) -> Option<SortKey> {
        Some(self.columns.get(col)?.sort_key(self.rows.get(row)?))
    }

    fn detail(&self, row: usize) -> Vec<(String, Role)> {
        self.rows.get(row).map(C::detail).unwrap_or_default()
    }
}

/// Collects a view's rows (identity, group, target, detail beside the typed
/// row), then makes its [`TableModel`].
pub struct Builder<'a, C: Column> {
    columns: Vec<C>,
    meta: Vec<TableRow>,
    rows: Vec<C::Row<'a>>,
}

impl<'a, C: Column> Builder<'a, C> {
    pub fn new(columns: Vec<C>) -> Self {
        Builder {
            columns,
            meta: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Room for `n` more rows, so a whole view's rows are not copied as
    /// they grow (nor held with up to twice the room they need).
    pub fn reserve(&mut self, n: usize) {
        self.meta.reserve_exact(n);
        self.rows.reserve_exact(n);
    }

    pub fn push(&mut self, meta: TableRow, row: C::Row<'a>) {
        self.meta.push(meta);
        self.rows.push(row);
    }

    pub fn finish(self, groups: Vec<String>, empty: String) -> TableModel<'a> {
        let specs = self.columns.iter().map(|c| c.spec()).collect();
        TableModel::new(
            specs,
            groups,
            self.meta,
            Box::new(Typed {
                columns: self.columns,
                rows: self.rows,
            }),
            empty,
        )
    }
}
