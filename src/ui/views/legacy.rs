//! Views not yet on typed columns: rows of prebuilt cells under titled columns.

use crate::app::nav::Target;
use crate::config::theme::Role;
use crate::ui::columns::{Cells, SortKey, Spec};
use crate::ui::table::{Cell, TableModel, TableRow};

pub struct LegacyRow {
    pub id: String,
    pub group: usize,
    pub cells: Vec<Cell>,
    pub target: Option<Target>,
    pub detail: Vec<(String, Role)>,
}

pub struct LegacyModel {
    pub columns: Vec<Spec>,
    pub groups: Vec<String>,
    pub rows: Vec<LegacyRow>,
    pub empty: String,
}

pub fn col(title: &'static str, width: u16) -> Spec {
    Spec::fixed(title, title, width)
}

pub fn fill(title: &'static str) -> Spec {
    Spec::fill(title, title)
}

struct Prebuilt(Vec<Vec<Cell>>);

impl Cells for Prebuilt {
    fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        self.0.get(row)?.get(col).cloned()
    }

    fn sort_key(&self, row: usize, col: usize) -> Option<SortKey> {
        self.cell(row, col).map(SortKey::from)
    }
}

impl From<LegacyModel> for TableModel<'static> {
    fn from(m: LegacyModel) -> Self {
        let (meta, cells) = m
            .rows
            .into_iter()
            .map(|r| {
                (
                    TableRow {
                        id: r.id,
                        group: r.group,
                        target: r.target,
                        detail: r.detail,
                    },
                    r.cells,
                )
            })
            .unzip();
        TableModel::new(
            m.columns,
            m.groups,
            meta,
            Box::new(Prebuilt(cells)),
            m.empty,
        )
    }
}
