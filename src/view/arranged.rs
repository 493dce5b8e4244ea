//! One open view's arranged rows: the lines on screen in order (group
//! headers and rows, scope, filter and sort applied), each row's typed
//! subject, made once per data version and arrangement and kept until
//! either changes. Keys move the selection here by index, in time that
//! follows the move, not the number of rows.

use crate::view::subject::Subject;

/// A column's stable name (`"name"`, `"restarts"`), kept in the sort state.
pub type ColumnId = &'static str;

/// What is drawn on one line of the table body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Group index and how many rows it has.
    Group(usize, usize),
    /// Row index into [`Arranged::rows`].
    Row(usize),
}

/// A row as the view-model keeps it: what it shows and where `enter` leads.
#[derive(Debug, Clone, PartialEq)]
pub struct RowRef<T> {
    pub subject: Subject,
    pub target: Option<T>,
}

/// The arrangement of one view at one data version. `T` is where a row
/// leads when entered (the app's navigation target).
#[derive(Debug, Clone)]
pub struct Arranged<T> {
    /// What the arrangement was made from besides the data (view, scope,
    /// filter, sort, columns shown); another key means arrange again.
    pub key: String,
    /// The data version the rows were read at.
    pub version: u64,
    pub columns: Vec<ColumnId>,
    pub lines: Vec<Line>,
    pub rows: Vec<RowRef<T>>,
    /// How many lines are rows (the filter applied).
    shown: usize,
    /// The last selection found: its subject and line, so the next key
    /// starts from it without a search.
    found: Option<(Subject, usize)>,
}

impl<T> Default for Arranged<T> {
    fn default() -> Self {
        Arranged {
            key: String::new(),
            version: 0,
            columns: Vec::new(),
            lines: Vec::new(),
            rows: Vec::new(),
            shown: 0,
            found: None,
        }
    }
}

/// Where the selection is after a move or a rearrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub subject: Subject,
    pub line: usize,
}

impl<T> Arranged<T> {
    pub fn new(
        key: String,
        version: u64,
        columns: Vec<ColumnId>,
        lines: Vec<Line>,
        rows: Vec<RowRef<T>>,
    ) -> Self {
        let shown = lines.iter().filter(|l| matches!(l, Line::Row(_))).count();
        Arranged {
            key,
            version,
            columns,
            lines,
            rows,
            shown,
            found: None,
        }
    }

    /// Whether this arrangement was made for `key` at `version`.
    pub fn is_for(&self, key: &str, version: u64) -> bool {
        self.key == key && self.version == version
    }

    /// The row on `line`, if that line is a row.
    pub fn row_at(&self, line: usize) -> Option<&RowRef<T>> {
        match self.lines.get(line)? {
            Line::Row(i) => self.rows.get(*i),
            Line::Group(..) => None,
        }
    }

    /// How many rows are shown (the filter applied; group headers aside).
    pub fn row_count_shown(&self) -> usize {
        self.shown
    }

    /// The line of the selected object: `selected` where it still is; else
    /// (gone, or nothing selected yet) the row nearest to `cursor`. A
    /// search over the lines happens only when the selection is not the
    /// one found last.
    pub fn locate(&mut self, selected: Option<&Subject>, cursor: usize) -> Option<usize> {
        if let Some(s) = selected {
            if let Some((f, line)) = &self.found
                && f == s
            {
                return Some(*line);
            }
            let line =
                (0..self.lines.len()).find(|&l| self.row_at(l).is_some_and(|r| r.subject == *s));
            if let Some(l) = line {
                self.found = Some((s.clone(), l));
                return Some(l);
            }
        }
        self.nearest_row(cursor)
    }

    /// The row line at or after `cursor`, else the last before it.
    fn nearest_row(&self, cursor: usize) -> Option<usize> {
        let start = cursor.min(self.lines.len().saturating_sub(1));
        (start..self.lines.len())
            .chain((0..start).rev())
            .find(|&p| self.row_at(p).is_some())
    }

    /// Moves `delta` rows from the selection (group headers are skipped,
    /// the ends hold); reads only the lines it passes over.
    pub fn step(
        &mut self,
        selected: Option<&Subject>,
        cursor: usize,
        delta: i64,
    ) -> Option<Selection> {
        let from = self.locate(selected, cursor)?;
        let n = self.lines.len();
        let line = if delta <= -(n as i64) {
            self.nearest_row(0)?
        } else if delta >= n as i64 {
            (0..n).rev().find(|&p| self.row_at(p).is_some())?
        } else {
            let mut at = from;
            let mut left = delta.unsigned_abs();
            let mut p = from;
            while left > 0 {
                p = if delta < 0 {
                    match p.checked_sub(1) {
                        Some(q) => q,
                        None => break,
                    }
                } else if p + 1 < n {
                    p + 1
                } else {
                    break;
                };
                if self.row_at(p).is_some() {
                    at = p;
                    left -= 1;
                }
            }
            at
        };
        let subject = self.row_at(line)?.subject.clone();
        self.found = Some((subject.clone(), line));
        Some(Selection { subject, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> Subject {
        Subject::kube("prod", "Pod", "shop", name)
    }

    /// Rows named `names`, in that order, with a group header before row `split`.
    fn arranged(names: &[&str], split: Option<usize>) -> Arranged<()> {
        let rows: Vec<RowRef<()>> = names
            .iter()
            .map(|n| RowRef {
                subject: pod(n),
                target: None,
            })
            .collect();
        let mut lines = Vec::new();
        for i in 0..rows.len() {
            if split == Some(i) {
                lines.push(Line::Group(1, rows.len() - i));
            }
            lines.push(Line::Row(i));
        }
        Arranged::new("k".into(), 1, vec![], lines, rows)
    }

    #[test]
    fn moves_skip_group_headers_and_hold_at_the_ends() {
        let mut a = arranged(&["a", "b", "c", "d"], Some(2));
        let s = a.step(Some(&pod("b")), 0, 1).map(|s| s.subject);
        assert_eq!(s, Some(pod("c")));
        assert_eq!(a.step(Some(&pod("c")), 0, -1).map(|s| s.line), Some(1));
        assert_eq!(
            a.step(Some(&pod("a")), 0, i64::MAX / 2).map(|s| s.subject),
            Some(pod("d"))
        );
        assert_eq!(
            a.step(Some(&pod("d")), 0, 10).map(|s| s.subject),
            Some(pod("d"))
        );
        assert_eq!(
            a.step(Some(&pod("c")), 0, i64::MIN / 2).map(|s| s.subject),
            Some(pod("a"))
        );
    }

    #[test]
    fn the_selection_follows_its_object_across_inserts_deletes_and_resorts() {
        let mut before = arranged(&["a", "b", "c"], None);
        let sel = before.step(Some(&pod("a")), 0, 1).map(|s| s.subject);
        assert_eq!(sel, Some(pod("b")));
        // Rows inserted above it and the order reversed: still on `b`.
        let mut after = arranged(&["z", "y", "c", "b", "a"], None);
        assert_eq!(after.locate(sel.as_ref(), 1), Some(3));
        // A move starts from where `b` is now, not from its old line.
        assert_eq!(
            after.step(sel.as_ref(), 1, 1).map(|s| s.subject),
            Some(pod("a"))
        );
        // `b` deleted: the nearest row to where the cursor was.
        let mut gone = arranged(&["a", "c"], None);
        assert_eq!(gone.locate(sel.as_ref(), 1), Some(1));
        // Nothing left at all: no selection, no panic.
        let mut empty = arranged(&[], None);
        assert_eq!(empty.step(sel.as_ref(), 1, 1), None);
    }
}
