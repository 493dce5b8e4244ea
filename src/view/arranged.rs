//! One open view's arranged rows: the lines on screen in order (group
//! headers and rows, scope, filter and sort applied), each row's typed
//! subject. Made in full when the view or its arrangement changes, then
//! kept up to date from the rows the sources changed ([`Arranged::apply`]):
//! a change costs a binary search per changed row and one pass that moves
//! pointers, never a rebuild of the view. Keys move the selection here by
//! index, in time that follows the move, not the number of rows.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::view::sort::SortKey;
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

/// A row as the view-model keeps it: what it shows, where `enter` leads,
/// and what places it in the order (its group and sort key).
#[derive(Debug, Clone, PartialEq)]
pub struct RowRef<T> {
    pub subject: Subject,
    /// Boxed: most views' rows lead nowhere or find their target when
    /// entered (views kept row by row leave it `None` and make it then).
    pub target: Option<Box<T>>,
    /// The row's group (0 when the view has none).
    pub group: usize,
    /// The sorted column's key; `None` when the view is not sorted.
    pub key: Option<SortKey>,
}

/// How rows are ordered: by group, then by sort key (reversed when
/// descending), then by subject, so any two rows have one order and an
/// arrangement kept up to date equals one made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order {
    /// Group headers are drawn (the view has groups).
    pub grouped: bool,
    /// A column is sorted on: rows carry keys.
    pub sorted: bool,
    pub desc: bool,
}

impl Order {
    fn cmp(
        &self,
        a: (usize, Option<&SortKey>, &Subject),
        b: (usize, Option<&SortKey>, &Subject),
    ) -> Ordering {
        a.0.cmp(&b.0)
            .then_with(|| {
                let o = a.1.cmp(&b.1);
                if self.desc { o.reverse() } else { o }
            })
            .then_with(|| a.2.cmp(b.2))
    }

    fn rows<T>(&self, a: &RowRef<T>, b: &RowRef<T>) -> Ordering {
        self.cmp(
            (a.group, a.key.as_ref(), &a.subject),
            (b.group, b.key.as_ref(), &b.subject),
        )
    }

    /// Whether a row's place needs more than its subject to be found.
    fn keyed(&self) -> bool {
        self.grouped || self.sorted
    }
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
    /// The rows shown, in order (boxed: a change moves pointers, not rows).
    pub rows: Vec<Box<RowRef<T>>>,
    order: Order,
    /// Rows are in the view's own order, not [`Order`]'s: found by a scan,
    /// and never kept up to date by [`Arranged::apply`].
    listed: bool,
    /// Each row's group and key by subject, when the order needs them to
    /// find a row (sorted or grouped views); empty otherwise.
    places: HashMap<Subject, (usize, Option<SortKey>)>,
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
            order: Order::default(),
            listed: false,
            places: HashMap::new(),
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
    /// An arrangement of `rows` (the ones the scope and filter let through),
    /// put in `order` here.
    pub fn new(
        key: String,
        version: u64,
        columns: Vec<ColumnId>,
        order: Order,
        rows: Vec<RowRef<T>>,
    ) -> Self {
        let rows = rows.into_iter().map(Box::new).collect();
        Self::boxed(key, version, columns, order, rows)
    }

    /// [`Arranged::new`] from rows already boxed (a whole view's: boxing
    /// them here would hold every row twice at once).
    pub fn boxed(
        key: String,
        version: u64,
        columns: Vec<ColumnId>,
        order: Order,
        mut rows: Vec<Box<RowRef<T>>>,
    ) -> Self {
        rows.sort_by(|a, b| order.rows(a, b));
        let places = if order.keyed() {
            rows.iter()
                .map(|r| (r.subject.clone(), (r.group, r.key.clone())))
                .collect()
        } else {
            HashMap::new()
        };
        let mut a = Arranged {
            key,
            version,
            columns,
            lines: Vec::new(),
            rows,
            order,
            listed: false,
            places,
            found: None,
        };
        a.relines(None);
        a
    }

    /// An arrangement of `rows` already in the view's own order (views
    /// whose rows are not kept up to date change by change).
    pub fn listed(
        key: String,
        version: u64,
        columns: Vec<ColumnId>,
        grouped: bool,
        rows: Vec<RowRef<T>>,
    ) -> Self {
        let mut a = Arranged {
            key,
            version,
            columns,
            lines: Vec::new(),
            rows: rows.into_iter().map(Box::new).collect(),
            order: Order {
                grouped,
                sorted: false,
                desc: false,
            },
            listed: true,
            places: HashMap::new(),
            found: None,
        };
        a.relines(None);
        a
    }

    /// Whether [`Arranged::apply`] can keep these rows up to date.
    pub fn is_kept(&self) -> bool {
        !self.listed
    }

    /// Whether this arrangement was made for `key` at `version`.
    pub fn is_for(&self, key: &str, version: u64) -> bool {
        self.key == key && self.version == version
    }

    pub fn order(&self) -> Order {
        self.order
    }

    /// Brings the arrangement to `version`: every row whose subject is in
    /// `changed` leaves its place, and `fresh` (the rows of those subjects
    /// that exist now and pass the scope and filter) take theirs. The
    /// selection found last is carried to its new line.
    /// Returns false, changing nothing, for rows in the view's own order
    /// (a merge would misplace them): arrange those again.
    pub fn apply(&mut self, version: u64, changed: &[Subject], mut fresh: Vec<RowRef<T>>) -> bool {
        if self.listed {
            return false;
        }
        self.version = version;
        let mut gone: Vec<usize> = changed.iter().filter_map(|s| self.position(s)).collect();
        gone.sort_unstable();
        gone.dedup();
        if self.order.keyed() {
            for s in changed {
                self.places.remove(s);
            }
        }
        let order = self.order;
        fresh.sort_by(|a, b| order.rows(a, b));
        fresh.dedup_by(|a, b| a.subject == b.subject);
        if order.keyed() {
            for r in &fresh {
                self.places
                    .insert(r.subject.clone(), (r.group, r.key.clone()));
            }
        }
        let kept_found = self
            .found
            .take()
            .filter(|(s, _)| !changed.contains(s))
            .map(|(s, _)| s);
        // One pass: the kept rows and the fresh ones, merged in order.
        let old = std::mem::take(&mut self.rows);
        let mut out: Vec<Box<RowRef<T>>> = Vec::with_capacity(old.len() + fresh.len());
        let mut fresh = fresh.into_iter().map(Box::new).peekable();
        let mut gone = gone.into_iter().peekable();
        for (i, row) in old.into_iter().enumerate() {
            if gone.peek() == Some(&i) {
                gone.next();
                continue;
            }
            while let Some(f) = fresh.next_if(|f| order.rows(f, &row) == Ordering::Less) {
                out.push(f);
            }
            out.push(row);
        }
        out.extend(fresh);
        self.rows = out;
        let found_row = kept_found.as_ref().and_then(|s| self.position(s));
        let line = self.relines(found_row);
        if let (Some(s), Some(line)) = (kept_found, line) {
            self.found = Some((s, line));
        }
        true
    }

    /// Where `subject`'s row is in `rows`: a binary search by its place.
    pub fn position(&self, subject: &Subject) -> Option<usize> {
        if self.listed {
            return self.rows.iter().position(|r| r.subject == *subject);
        }
        let (group, key) = if self.order.keyed() {
            let (g, k) = self.places.get(subject)?;
            (*g, k.as_ref())
        } else {
            (0, None)
        };
        let order = self.order;
        self.rows
            .binary_search_by(|r| {
                order.cmp((r.group, r.key.as_ref(), &r.subject), (group, key, subject))
            })
            .ok()
    }

    /// Makes the lines from the rows: a header before each group when the
    /// view has groups. Returns the line of row `row`, if given.
    fn relines(&mut self, row: Option<usize>) -> Option<usize> {
        self.lines.clear();
        self.lines.reserve(self.rows.len());
        let mut at = None;
        let mut i = 0;
        while i < self.rows.len() {
            let g = self.rows[i].group;
            let end = if self.order.grouped {
                let n = self.rows[i..].iter().take_while(|r| r.group == g).count();
                self.lines.push(Line::Group(g, n));
                i + n
            } else {
                self.rows.len()
            };
            for r in i..end {
                if Some(r) == row {
                    at = Some(self.lines.len());
                }
                self.lines.push(Line::Row(r));
            }
            i = end;
        }
        at
    }
    /// The row on `line`, if that line is a row.
    pub fn row_at(&self, line: usize) -> Option<&RowRef<T>> {
        match self.lines.get(line)? {
            Line::Row(i) => self.rows.get(*i).map(|r| &**r),
            Line::Group(..) => None,
        }
    }

    /// How many rows are shown (the filter applied; group headers aside).
    pub fn row_count_shown(&self) -> usize {
        self.rows.len()
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
            // Rows are in order: a binary search, then past the group headers before it.
            let line = self.position(s).and_then(|i| {
                (i..self.lines.len()).find(|&l| self.lines.get(l) == Some(&Line::Row(i)))
            });
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
    use proptest::prelude::*;

    fn pod(name: &str) -> Subject {
        Subject::kube("prod", "Pod", "shop", name)
    }

    /// Rows named `names`, shown in that order (sorted on their position),
    /// with a group header before row `split`.
    fn arranged(names: &[&str], split: Option<usize>) -> Arranged<()> {
        let rows: Vec<RowRef<()>> = names
            .iter()
            .enumerate()
            .map(|(i, n)| RowRef {
                subject: pod(n),
                target: None,
                group: usize::from(split.is_some_and(|s| i >= s)),
                key: Some(SortKey::Num(i as i64)),
            })
            .collect();
        let order = Order {
            grouped: split.is_some(),
            sorted: true,
            desc: false,
        };
        Arranged::new("k".into(), 1, vec![], order, rows)
    }

    #[test]
    fn moves_skip_group_headers_and_hold_at_the_ends() {
        let mut a = arranged(&["a", "b", "c", "d"], Some(2));
        let s = a.step(Some(&pod("b")), 0, 1).map(|s| s.subject);
        assert_eq!(s, Some(pod("c")));
        assert_eq!(a.step(Some(&pod("c")), 0, -1).map(|s| s.line), Some(2));
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

    /// One source change: a row upserted (its group, its key, whether the
    /// filter lets it through) or deleted.
    #[derive(Debug, Clone)]
    enum Op {
        Upsert(u8, usize, i64, bool),
        Delete(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u8..40, 0usize..3, -3i64..4, prop::bool::weighted(0.8))
                .prop_map(|(n, g, k, f)| Op::Upsert(n, g, k, f)),
            1 => (0u8..40).prop_map(Op::Delete),
        ]
    }

    fn name(n: u8) -> Subject {
        // Mixed case and digits: the subject order is the last tie-break.
        pod(&format!(
            "{}-{n}",
            if n.is_multiple_of(3) { "Api" } else { "api" }
        ))
    }

    /// A row as its view would make it under `order`: no group or key where
    /// the order has none; a text key for odd values so numbers and text mix.
    fn row(n: u8, g: usize, k: i64, order: Order) -> RowRef<()> {
        let key = order.sorted.then(|| {
            if k % 2 == 0 {
                SortKey::Num(k)
            } else {
                SortKey::Text(format!("pod-{k}"))
            }
        });
        RowRef {
            subject: name(n),
            target: None,
            group: if order.grouped { g } else { 0 },
            key,
        }
    }

    fn subjects(a: &Arranged<()>) -> Vec<(Option<Subject>, Line)> {
        a.lines
            .iter()
            .enumerate()
            .map(|(l, line)| (a.row_at(l).map(|r| r.subject.clone()), *line))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Changes applied in batches give the same lines as arranging all
        /// rows again, and the selection stays on its object while it exists.
        #[test]
        fn incremental_equals_a_full_rebuild(
            grouped in any::<bool>(),
            sorted in any::<bool>(),
            desc in any::<bool>(),
            start in prop::collection::vec((0u8..40, 0usize..3, -3i64..4), 0..30),
            batches in prop::collection::vec(prop::collection::vec(op(), 0..12), 1..8),
            pick in 0usize..64,
        ) {
            let order = Order { grouped, sorted, desc };
            // The source's truth: every object and whether the filter shows it.
            let mut truth: std::collections::BTreeMap<u8, (RowRef<()>, bool)> = start
                .iter()
                .map(|&(n, g, k)| (n, (row(n, g, k, order), true)))
                .collect();
            let shown = |t: &std::collections::BTreeMap<u8, (RowRef<()>, bool)>| -> Vec<RowRef<()>> {
                t.values().filter(|(_, f)| *f).map(|(r, _)| r.clone()).collect()
            };
            let mut inc = Arranged::new("k".into(), 0, vec![], order, shown(&truth));
            for (v, batch) in batches.iter().enumerate() {
                // Select some row and let the view find it, as a key would.
                let selected = inc.rows.get(pick % inc.rows.len().max(1)).map(|r| r.subject.clone());
                inc.locate(selected.as_ref(), 0);
                let mut changed = Vec::new();
                for o in batch {
                    match *o {
                        Op::Upsert(n, g, k, f) => {
                            truth.insert(n, (row(n, g, k, order), f));
                            changed.push(name(n));
                        }
                        Op::Delete(n) => {
                            truth.remove(&n);
                            changed.push(name(n));
                        }
                    }
                }
                let fresh: Vec<RowRef<()>> = changed
                    .iter()
                    .filter_map(|s| truth.values().find(|(r, f)| *f && r.subject == *s))
                    .map(|(r, _)| r.clone())
                    .collect();
                inc.apply(v as u64 + 1, &changed, fresh);
                let full = Arranged::new("k".into(), v as u64 + 1, vec![], order, shown(&truth));
                prop_assert_eq!(subjects(&inc), subjects(&full));
                if let Some(s) = &selected {
                    let at = inc.locate(Some(s), 0);
                    let still = full.rows.iter().any(|r| r.subject == *s);
                    if still {
                        let line = at.expect("a line for a row that is shown");
                        prop_assert_eq!(inc.row_at(line).map(|r| &r.subject), Some(s));
                    } else {
                        prop_assert!(at.is_none_or(|l| inc.row_at(l).is_some_and(|r| r.subject != *s)));
                    }
                }
            }
        }
    }
}
