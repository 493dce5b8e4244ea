//! The describe pane: kubectl-like text (or YAML with `y`) of one object,
//! fetched on demand (never kept in the model), scrolled and searched.

use std::cell::Cell;

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
    /// First visible line.
    pub scroll: usize,
    pub search: Option<String>,
    /// Visible lines, written by the UI when it draws (for paging).
    pub height: Cell<usize>,
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

    fn max_scroll(&self) -> usize {
        self.lines().len().saturating_sub(self.height.get().max(1))
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
        let found = (1..=n)
            .map(|k| {
                if forward {
                    (self.scroll + k) % n
                } else {
                    (self.scroll + n * 2 - k) % n
                }
            })
            .find(|&i| hit(i));
        match found {
            Some(i) => {
                // The match goes on the top line (the rest of the page below it).
                self.scroll = i;
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
}
