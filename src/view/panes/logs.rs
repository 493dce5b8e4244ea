//! The log pane: one pod, or every pod of a workload (lines prefixed by
//! pod/container). Lines arrive sanitized into a bounded buffer; the view
//! follows the end, or stays put while paused (lines keep arriving, nothing
//! is lost but what the buffer's bound pushes out).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use jiff::Timestamp;

use super::Effect;
use super::buffer::{LogBuffer, LogLine};

/// What to stream from one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    /// `None`: every container of the pod.
    pub container: Option<String>,
    pub previous: bool,
    pub tail: Option<i64>,
    pub since_seconds: Option<i64>,
}

/// `s` cycles through these: how much history to fetch before following.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Tail(i64),
    Seconds(i64),
    All,
}

pub const SINCE_CHOICES: [Since; 6] = [
    Since::Tail(200),
    Since::Seconds(60),
    Since::Seconds(300),
    Since::Seconds(900),
    Since::Seconds(3600),
    Since::All,
];

impl Since {
    pub fn label(self) -> String {
        match self {
            Since::Tail(n) => format!("last {n} lines"),
            Since::Seconds(s) if s % 3600 == 0 => format!("since {}h", s / 3600),
            Since::Seconds(s) => format!("since {}m", s / 60),
            Since::All => "all lines".into(),
        }
    }
}

#[derive(Debug)]
pub struct LogPane {
    pub session: u64,
    pub cluster: String,
    pub namespace: String,
    /// `(kind, name)` when tailing a whole workload.
    pub workload: Option<(String, String)>,
    /// Pods being streamed.
    pub pods: BTreeSet<String>,
    /// Containers seen in those pods.
    pub containers: BTreeSet<String>,
    /// `None`: every container.
    pub container: Option<String>,
    pub previous: bool,
    pub since: usize,
    pub buffer: LogBuffer,
    pub follow: bool,
    /// First visible line (sequence number) when not following.
    pub top: u64,
    /// Long lines wrap (`w`, on at first); off: cut at the edge, `←/→` scroll.
    pub wrap: bool,
    /// Cells scrolled off to the left (wrap off).
    pub hscroll: usize,
    pub timestamps: bool,
    pub search: Option<String>,
    /// The last thing each stream reported (`streaming`, `ended: …`).
    pub streams: BTreeMap<Arc<str>, String>,
    /// Visible lines, written by the UI when it draws.
    pub height: Cell<usize>,
    /// Text columns inside the frame, written by the UI when it draws.
    pub width: Cell<usize>,
}

impl LogPane {
    pub fn new(
        session: u64,
        cluster: &str,
        namespace: &str,
        workload: Option<(String, String)>,
        pods: BTreeSet<String>,
        capacity: usize,
    ) -> Self {
        LogPane {
            session,
            cluster: cluster.to_owned(),
            namespace: namespace.to_owned(),
            workload,
            pods,
            containers: BTreeSet::new(),
            container: None,
            previous: false,
            since: 0,
            buffer: LogBuffer::new(capacity),
            follow: true,
            top: 0,
            wrap: true,
            hscroll: 0,
            timestamps: false,
            search: None,
            streams: BTreeMap::new(),
            height: Cell::new(20),
            width: Cell::new(78),
        }
    }

    pub fn title(&self) -> String {
        match &self.workload {
            Some((kind, name)) => format!(
                "logs {kind} {}/{name} ({} pods)",
                self.namespace,
                self.pods.len()
            ),
            None => format!(
                "logs {}/{}",
                self.namespace,
                self.pods.iter().next().map(String::as_str).unwrap_or("-")
            ),
        }
    }

    pub fn request(&self, pod: &str) -> LogRequest {
        let since = SINCE_CHOICES[self.since % SINCE_CHOICES.len()];
        LogRequest {
            cluster: self.cluster.clone(),
            namespace: self.namespace.clone(),
            pod: pod.to_owned(),
            container: self.container.clone(),
            previous: self.previous,
            tail: match since {
                Since::Tail(n) => Some(n),
                _ => None,
            },
            since_seconds: match since {
                Since::Seconds(s) => Some(s),
                _ => None,
            },
        }
    }

    /// Effects that start every stream of the current session.
    pub fn start(&self) -> Vec<Effect> {
        self.pods
            .iter()
            .map(|p| Effect::LogStart {
                session: self.session,
                request: self.request(p),
            })
            .collect()
    }

    /// New options: stop the old session, start a fresh one with an empty buffer.
    pub fn restart(&mut self, session: u64) -> Vec<Effect> {
        let mut effects = vec![Effect::LogStop {
            session: self.session,
        }];
        self.session = session;
        self.buffer = LogBuffer::new(self.buffer.capacity());
        self.streams.clear();
        self.follow = true;
        self.top = 0;
        effects.extend(self.start());
        effects
    }

    /// Whether lines need a `pod/container` prefix to be told apart.
    pub fn multi(&self) -> bool {
        self.pods.len() > 1 || (self.container.is_none() && self.containers.len() > 1)
    }

    pub fn push_lines(&mut self, source: &Arc<str>, lines: Vec<(Option<Timestamp>, String)>) {
        if !self.streams.contains_key(source) {
            self.streams.insert(source.clone(), "streaming".into());
        }
        for (ts, text) in lines {
            self.buffer.push(ts, source.clone(), text, false);
        }
    }

    pub fn marker(&mut self, source: &Arc<str>, text: String) {
        self.streams.insert(source.clone(), text.clone());
        self.buffer.push(
            Some(Timestamp::now()),
            source.clone(),
            format!("── {source}: {text} ──"),
            true,
        );
    }

    fn view_height(&self) -> u64 {
        self.height.get().max(1) as u64
    }

    /// First line shown now (following: the last page).
    pub fn view_top(&self) -> u64 {
        let first = self.buffer.first_seq();
        if self.follow {
            self.buffer
                .end_seq()
                .saturating_sub(self.view_height())
                .max(first)
        } else {
            self.top.max(first)
        }
    }

    /// Scrolling leaves follow mode; `G` / `end` returns to it.
    pub fn scroll_by(&mut self, delta: i64) {
        let top = self.view_top() as i64;
        let last = self.buffer.end_seq().saturating_sub(self.view_height()) as i64;
        let first = self.buffer.first_seq() as i64;
        self.top = (top.saturating_add(delta)).clamp(first, last.max(first)) as u64;
        self.follow = false;
    }

    pub fn page(&self) -> i64 {
        self.view_height().max(2) as i64 - 1
    }

    /// `←/→` with wrap off: half a pane sideways, never past the end of the
    /// longest line on the page; false with wrap on (nothing is cut).
    pub fn scroll_x(&mut self, right: bool) -> bool {
        if self.wrap {
            return false;
        }
        let width = self.width.get().max(1);
        let longest = self
            .buffer
            .from_seq(self.view_top())
            .take(self.height.get().max(1))
            .map(|l| crate::view::wrap::width(&self.display(l)))
            .max()
            .unwrap_or(0);
        let step = (width / 2).max(1);
        self.hscroll = if right {
            (self.hscroll + step).min(longest.saturating_sub(width))
        } else {
            self.hscroll.saturating_sub(step)
        };
        true
    }

    pub fn toggle_pause(&mut self) {
        if self.follow {
            self.top = self.view_top();
            self.follow = false;
        } else {
            self.follow = true;
        }
    }

    /// Lines below the view while it is paused or scrolled up.
    pub fn below(&self) -> u64 {
        if self.follow {
            return 0;
        }
        self.buffer
            .end_seq()
            .saturating_sub(self.view_top() + self.view_height())
    }

    pub fn display(&self, l: &LogLine) -> String {
        let mut out = String::with_capacity(l.text.len() + 48);
        if self.timestamps
            && let Some(ts) = l.ts
        {
            let _ = write!(out, "{} ", ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ"));
        }
        if self.multi() && !l.marker {
            let _ = write!(out, "{} ", l.source);
        }
        out.push_str(&l.text);
        out
    }

    pub fn set_search(&mut self, q: &str) -> bool {
        self.search = (!q.is_empty()).then(|| q.to_owned());
        self.next_match(false)
    }

    /// Moves the view to the next match above (`forward` = false, the usual
    /// direction in a log) or below the top line; pauses the view there.
    pub fn next_match(&mut self, forward: bool) -> bool {
        let Some(q) = self.search.as_ref().map(|q| q.to_lowercase()) else {
            return false;
        };
        let top = self.view_top();
        let hit = |l: &&LogLine| l.text.to_lowercase().contains(&q);
        let found = if forward {
            self.buffer.from_seq(top + 1).find(hit).map(|l| l.seq)
        } else {
            let bottom = if self.follow {
                self.buffer.end_seq()
            } else {
                top
            };
            self.buffer
                .iter()
                .rev()
                .filter(|l| l.seq < bottom)
                .find(hit)
                .map(|l| l.seq)
        };
        match found {
            Some(seq) => {
                self.top = seq;
                self.follow = false;
                true
            }
            None => false,
        }
    }

    /// The whole buffer as a file: full timestamps and sources, always.
    pub fn saved_text(&self) -> String {
        let mut out = String::new();
        for l in self.buffer.iter() {
            let ts =
                l.ts.map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
                    .unwrap_or_else(|| "-".into());
            let _ = writeln!(out, "{ts} {} {}", l.source, l.text);
        }
        out
    }

    /// `fleetdeck-logs-<ns>-<pod or workload>-<time>.log` in the current directory.
    pub fn save_path(&self, now: Timestamp) -> std::path::PathBuf {
        let what = match &self.workload {
            Some((_, n)) => n.clone(),
            None => self.pods.iter().next().cloned().unwrap_or_default(),
        };
        let name = format!(
            "fleetdeck-logs-{}-{what}-{}.log",
            self.namespace,
            now.strftime("%Y%m%dT%H%M%S")
        );
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        std::path::PathBuf::from(safe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pane(cap: usize) -> LogPane {
        LogPane::new(
            1,
            "c",
            "shop",
            None,
            ["payments-1".to_owned()].into_iter().collect(),
            cap,
        )
    }

    fn lines(n: std::ops::Range<u32>) -> Vec<(Option<Timestamp>, String)> {
        n.map(|i| (None, format!("line {i}"))).collect()
    }

    #[test]
    fn pause_freezes_the_view_and_keeps_every_line() {
        let src: Arc<str> = Arc::from("payments-1/app");
        let mut p = pane(1000);
        p.height.set(10);
        p.push_lines(&src, lines(0..30));
        assert_eq!(p.view_top(), 20);
        p.toggle_pause();
        p.push_lines(&src, lines(30..80));
        assert_eq!(p.view_top(), 20, "paused view stays put");
        assert_eq!(p.below(), 50, "new lines are counted below");
        assert_eq!(p.buffer.len(), 80, "nothing lost while paused");
        p.toggle_pause();
        assert_eq!(p.view_top(), 70);
        assert_eq!(p.below(), 0);
    }

    #[test]
    fn scroll_search_and_restart() {
        let src: Arc<str> = Arc::from("payments-1/app");
        let mut p = pane(1000);
        p.height.set(10);
        p.push_lines(&src, lines(0..100));
        p.scroll_by(-15);
        assert!(!p.follow);
        assert_eq!(p.view_top(), 75);
        p.scroll_by(1000);
        assert_eq!(p.view_top(), 90);
        assert!(p.set_search("line 42"));
        assert_eq!(p.view_top(), 42);
        assert!(!p.next_match(true));
        p.since = 2;
        let effects = p.restart(7);
        assert_eq!(effects[0], Effect::LogStop { session: 1 });
        match &effects[1] {
            Effect::LogStart { session, request } => {
                assert_eq!(*session, 7);
                assert_eq!(request.since_seconds, Some(300));
                assert_eq!(request.tail, None);
            }
            other => panic!("{other:?}"),
        }
        assert!(p.buffer.is_empty() && p.follow);
    }

    #[test]
    fn prefixes_only_when_several_sources() {
        let mut p = pane(10);
        let src: Arc<str> = Arc::from("payments-1/app");
        p.push_lines(&src, lines(0..1));
        let l = p.buffer.get(0).cloned().expect("line");
        assert_eq!(p.display(&l), "line 0");
        p.containers.insert("app".into());
        p.containers.insert("sidecar".into());
        assert_eq!(p.display(&l), "payments-1/app line 0");
        p.container = Some("app".into());
        assert_eq!(p.display(&l), "line 0");
        assert!(p.saved_text().contains("payments-1/app line 0"));
    }
}
