//! The log pane's bounded buffer: a ring of sanitized lines, each with a
//! sequence number so a paused view stays anchored while lines keep coming.

use std::collections::VecDeque;
use std::sync::Arc;

use jiff::Timestamp;

/// Default size of the buffer, in lines (`[ui] log_buffer_lines`).
pub const DEFAULT_LINES: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub seq: u64,
    /// When the kubelet saw the line (the API's `timestamps=true` prefix).
    pub ts: Option<Timestamp>,
    /// `pod/container`, shared by every line of one stream.
    pub source: Arc<str>,
    /// Already stripped of control sequences.
    pub text: String,
    /// A line fleetdeck wrote (stream ended, reconnected…), not the container.
    pub marker: bool,
}

#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    cap: usize,
    next_seq: u64,
    /// Lines pushed out of the front since the pane opened.
    pub dropped: u64,
}

impl LogBuffer {
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        LogBuffer {
            lines: VecDeque::with_capacity(cap.min(4096)),
            cap,
            next_seq: 0,
            dropped: 0,
        }
    }

    pub fn capacity(&self) -> usize {
        self.cap
    }

    pub fn push(&mut self, ts: Option<Timestamp>, source: Arc<str>, text: String, marker: bool) {
        if self.lines.len() == self.cap {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(LogLine {
            seq: self.next_seq,
            ts,
            source,
            text,
            marker,
        });
        self.next_seq += 1;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Sequence number of the oldest line kept.
    pub fn first_seq(&self) -> u64 {
        self.next_seq - self.lines.len() as u64
    }

    /// Sequence number the next line will get.
    pub fn end_seq(&self) -> u64 {
        self.next_seq
    }

    /// The line with this sequence number, if still kept.
    pub fn get(&self, seq: u64) -> Option<&LogLine> {
        let i = seq.checked_sub(self.first_seq())?;
        self.lines.get(usize::try_from(i).ok()?)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        self.lines.iter()
    }

    /// Lines from `seq` on (clamped to what is kept).
    pub fn from_seq(&self, seq: u64) -> impl Iterator<Item = &LogLine> {
        let skip = seq.saturating_sub(self.first_seq()) as usize;
        self.lines.iter().skip(skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Arc<str> {
        Arc::from("p/c")
    }

    #[test]
    fn keeps_the_newest_lines_and_counts_the_dropped() {
        let mut b = LogBuffer::new(3);
        for i in 0..5 {
            b.push(None, src(), format!("l{i}"), false);
        }
        assert_eq!(b.len(), 3);
        assert_eq!(b.first_seq(), 2);
        assert_eq!(b.end_seq(), 5);
        assert_eq!(b.dropped, 2);
        assert_eq!(b.get(1), None);
        assert_eq!(b.get(3).map(|l| l.text.as_str()), Some("l3"));
        let rest: Vec<_> = b.from_seq(3).map(|l| l.text.clone()).collect();
        assert_eq!(rest, ["l3", "l4"]);
        let clamped: Vec<_> = b.from_seq(0).map(|l| l.text.clone()).collect();
        assert_eq!(clamped, ["l2", "l3", "l4"]);
    }
}
