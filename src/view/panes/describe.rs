//! The describe pane: kubectl-like text (or YAML with `y`) of one object,
//! fetched on demand (never kept in the model), scrolled and searched.
//! Long lines wrap at the pane's width (`w` toggles); the scroll counts
//! screen rows, so the last row of a wrapped line can be reached. With wrap
//! off, `←/→` scroll the lines sideways instead.

use std::cell::Cell;

use crate::view::wrap::{width, wrap};

/// What the executor sends back for a Kubernetes object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub text: Vec<String>,
    pub yaml: Vec<String>,
}

#[derive(Debug)]
pub struct DescribePane {
    /// Matches the executor's answer to this pane (a stale answer is dropped).
    pub id: u64,
    pub title: String,
    pub loading: bool,
    pub error: Option<String>,
    pub text: Vec<String>,
    /// `None` for objects without a YAML form (Kong, AWS rows).
    pub yaml: Option<Vec<String>>,
    pub show_yaml: bool,
    /// First visible screen row (of the wrapped lines when wrapping).
    pub scroll: usize,
    pub search: Option<String>,
    /// Visible lines, written by the UI when it draws (for paging).
    pub height: Cell<usize>,
    /// Text columns inside the frame, written by the UI when it draws.
    pub width: Cell<usize>,
    /// Long lines wrap (`w`); off: they are cut at the edge and `←/→` scroll.
    pub wrap: bool,
    /// Cells scrolled off to the left (wrap off).
    pub hscroll: usize,
}

impl DescribePane {
    pub fn loading(id: u64, title: String) -> Self {
        DescribePane {
            id,
            title,
            loading: true,
            error: None,
            text: Vec::new(),
            yaml: None,
            show_yaml: false,
            scroll: 0,
            search: None,
            height: Cell::new(20),
            width: Cell::new(78),
            wrap: true,
            hscroll: 0,
        }
    }

    pub fn ready(id: u64, title: String, text: Vec<String>) -> Self {
        DescribePane {
            loading: false,
            text,
            ..DescribePane::loading(id, title)
        }
    }

    pub fn lines(&self) -> &[String] {
        match (&self.yaml, self.show_yaml) {
            (Some(y), true) => y,
            _ => &self.text,
        }
    }

    /// The screen rows: each line wrapped at the pane's width (or whole,
    /// with wrap off), with the index of the line it comes from.
    pub fn rows(&self) -> Vec<(usize, String)> {
        let lines = self.lines();
        if !self.wrap {
            return lines.iter().cloned().enumerate().collect();
        }
        let width = self.width.get().max(1);
        lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| wrap(l, width).into_iter().map(move |r| (i, r)))
            .collect()
    }

    /// The first screen row of line `line`.
    fn row_of(&self, line: usize, rows: &[(usize, String)]) -> usize {
        rows.iter()
            .position(|(i, _)| *i >= line)
            .unwrap_or(rows.len())
    }

    fn max_scroll(&self) -> usize {
        self.rows().len().saturating_sub(self.height.get().max(1))
    }

    /// `w`: wrap on ⇄ off, keeping the line at the top in view.
    pub fn toggle_wrap(&mut self) {
        let rows = self.rows();
        let line = rows.get(self.scroll).map_or(0, |(i, _)| *i);
        self.wrap = !self.wrap;
        self.hscroll = 0;
        let rows = self.rows();
        self.scroll = self.row_of(line, &rows).min(self.max_scroll());
    }

    /// `←/→` with wrap off: half a pane sideways, never past the longest
    /// line's end; false with wrap on (nothing is cut to scroll to).
    pub fn scroll_x(&mut self, right: bool) -> bool {
        if self.wrap {
            return false;
        }
        let step = (self.width.get() / 2).max(1);
        let longest = self.lines().iter().map(|l| width(l)).max().unwrap_or(0);
        let max = longest.saturating_sub(self.width.get());
        self.hscroll = if right {
            (self.hscroll + step).min(max)
        } else {
            self.hscroll.saturating_sub(step)
        };
        true
    }

    pub fn scroll_by(&mut self, delta: i64) {
        let s = (self.scroll as i64).saturating_add(delta).max(0) as usize;
        self.scroll = s.min(self.max_scroll());
    }

    pub fn page(&self) -> i64 {
        self.height.get().max(2) as i64 - 1
    }

    pub fn bottom(&mut self) {
        self.scroll = self.max_scroll();
    }

    /// `y`: describe ⇄ YAML; false when there is no YAML form.
    pub fn toggle_yaml(&mut self) -> bool {
        if self.yaml.is_none() {
            return false;
        }
        self.show_yaml = !self.show_yaml;
        self.scroll = 0;
        self.hscroll = 0;
        true
    }

    /// Sets the search and moves to its first match at or after the top line.
    pub fn set_search(&mut self, q: &str) -> bool {
        self.search = (!q.is_empty()).then(|| q.to_owned());
        self.scroll = self.scroll.saturating_sub(1);
        self.next_match(true)
    }

    /// Scrolls to the next (or previous) line containing the search; false if none.
    pub fn next_match(&mut self, forward: bool) -> bool {
        let Some(q) = self.search.as_ref().map(|q| q.to_lowercase()) else {
            return false;
        };
        let lines = self.lines();
        let n = lines.len();
        if n == 0 {
            return false;
        }
        let hit = |i: usize| lines[i].to_lowercase().contains(&q);
        let rows = self.rows();
        let at = rows.get(self.scroll).map_or(0, |(i, _)| *i);
        let found = (1..=n)
            .map(|k| {
                if forward {
                    (at + k) % n
                } else {
                    (at + n * 2 - k) % n
                }
            })
            .find(|&i| hit(i));
        match found {
            Some(i) => {
                // The match goes on the top line (the rest of the page below it).
                self.scroll = self.row_of(i, &rows);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolls_searches_and_toggles_yaml() {
        let text: Vec<String> = (0..50).map(|i| format!("line {i}")).collect();
        let mut p = DescribePane::ready(1, "t".into(), text);
        p.height.set(10);
        p.scroll_by(100);
        assert_eq!(p.scroll, 40);
        p.scroll_by(-100);
        assert_eq!(p.scroll, 0);
        assert!(p.set_search("LINE 3"));
        assert_eq!(p.scroll, 3);
        assert!(p.next_match(true));
        assert_eq!(p.scroll, 30);
        assert!(p.next_match(false));
        assert_eq!(p.scroll, 3);
        assert!(!p.set_search("nope"));
        assert!(!p.toggle_yaml());
        p.yaml = Some(vec!["kind: Pod".into()]);
        assert!(p.toggle_yaml());
        assert_eq!(p.lines(), ["kind: Pod"]);
    }

    #[test]
    fn wrap_scrolls_by_screen_rows_and_toggling_keeps_the_top_line() {
        let long = "x".repeat(25);
        let text = vec!["a".to_owned(), long.clone(), "b".to_owned(), "c".to_owned()];
        let mut p = DescribePane::ready(1, "t".into(), text);
        p.height.set(2);
        p.width.set(10);
        // The long line is three rows: six rows in all, the last reachable.
        assert_eq!(p.rows().len(), 6);
        p.bottom();
        assert_eq!(p.scroll, 4);
        let top: Vec<String> = p.rows().into_iter().skip(p.scroll).map(|r| r.1).collect();
        assert_eq!(top, ["b", "c"]);
        // Search lands on the first row of the matching line.
        p.scroll = 0;
        assert!(p.set_search("b"));
        assert_eq!(p.scroll, 4);
        // Wrap off keeps line `b` on top; sideways scroll needs it off.
        p.scroll = 1;
        p.toggle_wrap();
        assert!(!p.wrap);
        assert_eq!(p.scroll, 1, "the long line stays on top");
        assert!(p.scroll_x(true));
        assert_eq!(p.hscroll, 5);
        for _ in 0..10 {
            p.scroll_x(true);
        }
        assert_eq!(p.hscroll, 15, "stops where the longest line ends");
        p.toggle_wrap();
        assert_eq!(p.hscroll, 0);
        assert!(!p.scroll_x(true), "nothing to scroll to with wrap on");
    }
}
