//! The cells of the lines around the window of the top view, kept with the
//! data version, arrangement and second they were made at: a key that moves
//! the selection inside them is drawn without building the view again.

use std::ops::Range;

use crate::config::theme::Role;
use crate::view::arranged::ColumnId;

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub role: Role,
    /// Numeric sort key (counts, ages) when the text does not sort right.
    pub sort: Option<i64>,
}

/// How wide a column is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Fixed(u16),
    /// Takes the width the others leave.
    Fill,
    /// At least this wide, more when there is room.
    Min(u16),
}

/// Where a cell too long for its column is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// The end goes (free text, statuses).
    End,
    /// The middle goes, the unique part stays: a pod's random suffix, a
    /// node's IP (names of objects, which differ at the end or in the host).
    Middle,
}

/// What a column says about itself: one line per column in a view's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub id: ColumnId,
    pub title: &'static str,
    pub width: Width,
    pub cut: Cut,
}

impl Spec {
    pub const fn fixed(id: ColumnId, title: &'static str, width: u16) -> Spec {
        Spec {
            id,
            title,
            width: Width::Fixed(width),
            cut: Cut::End,
        }
    }

    pub const fn fill(id: ColumnId, title: &'static str) -> Spec {
        Spec {
            id,
            title,
            width: Width::Fill,
            cut: Cut::End,
        }
    }

    /// A column of names: cut in the middle, and cut last when short of room.
    pub const fn middle(self) -> Spec {
        Spec {
            cut: Cut::Middle,
            ..self
        }
    }
}

/// A line's cells and the detail lines shown when it is selected.
pub type BandLine = (Vec<Cell>, Vec<(String, Role)>);

/// Cells made for lines `range` of an arrangement, and what the table
/// needs besides them.
#[derive(Debug, Clone, Default)]
pub struct Band {
    /// The arrangement key and data version the cells belong to.
    pub key: String,
    pub version: u64,
    /// The clock second they were made at (ages change with it).
    pub second: i64,
    pub columns: Vec<Spec>,
    pub groups: Vec<String>,
    pub empty: String,
    pub range: Range<usize>,
    /// Per line in `range`: its cells and detail lines (empty for group headers).
    pub rows: Vec<BandLine>,
}

impl Band {
    /// Whether the band can draw `window` for this arrangement, version and second.
    pub fn covers(&self, key: &str, version: u64, second: i64, window: &Range<usize>) -> bool {
        self.key == key
            && self.version == version
            && self.second == second
            && self.range.start <= window.start
            && window.end <= self.range.end
    }

    /// The cells and detail of line `line`, if the band holds it.
    pub fn line(&self, line: usize) -> Option<&BandLine> {
        self.rows.get(line.checked_sub(self.range.start)?)
    }
}
