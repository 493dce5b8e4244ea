//! Frame timings for the benchmarks (`scripts/bench-tui`): when
//! `FLEETDECK_FRAME_LOG=FILE` is set, every drawn frame appends one line
//!
//! `frame ms=<since start> draw_us=<draw> settled=<0|1> key_us=<key to frame>`
//!
//! and every diagnosis of the fleet one line
//!
//! `diagnosis ms=<since start> took_us=<time it took>`
//!
//! where `key_us` is present when the frame answers a key press: the time
//! from the key being read from the terminal (so a key that waited for
//! other work counts that wait) to the frame being written to it.
//! Unset, nothing is measured and nothing is written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

pub struct FrameLog {
    out: Option<BufWriter<File>>,
    start: Instant,
    /// The oldest key press not yet answered by a frame.
    key_at: Option<Instant>,
}

impl FrameLog {
    pub fn from_env() -> Self {
        let out = std::env::var_os("FLEETDECK_FRAME_LOG")
            .and_then(|p| File::create(p).ok())
            .map(BufWriter::new);
        FrameLog {
            out,
            start: Instant::now(),
            key_at: None,
        }
    }

    /// A key press read at `at` reached the loop.
    pub fn key(&mut self, at: Instant) {
        if self.out.is_some() && self.key_at.is_none() {
            self.key_at = Some(at);
        }
    }

    /// Logs a diagnosis that took `took` (on its own thread).
    pub fn diagnosed(&mut self, took: std::time::Duration) {
        if let Some(out) = self.out.as_mut() {
            let _ = writeln!(
                out,
                "diagnosis ms={} took_us={}",
                self.start.elapsed().as_millis(),
                took.as_micros()
            );
            let _ = out.flush();
        }
    }

    /// Times `draw` and logs the frame.
    pub fn frame<T>(&mut self, settled: bool, draw: impl FnOnce() -> T) -> T {
        let Some(out) = self.out.as_mut() else {
            return draw();
        };
        let t0 = Instant::now();
        let result = draw();
        let done = Instant::now();
        let key = self
            .key_at
            .take()
            .map(|k| format!(" key_us={}", done.duration_since(k).as_micros()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "frame ms={} draw_us={} settled={}{key}",
            done.duration_since(self.start).as_millis(),
            done.duration_since(t0).as_micros(),
            u8::from(settled),
        );
        let _ = out.flush();
        result
    }
}
