//! Log tail under a flood: LINES_PER_SEC lines per simulated second (default
//! 5,000), for SECS simulated seconds (default 720: 3.6 million lines, an
//! hour of a busy gateway at 1,000 lines/s), every line through the same
//! path as a streamed one (timestamp split + control-sequence stripping, one
//! in seven hostile), into the log pane's bounded buffer; one full frame
//! (the whole UI, 160x48, TestBackend) per 1/30 simulated second while
//! following, plus a pause/resume key every simulated minute. Reports the
//! per-frame render time and the process RSS as the buffer fills and after.
//!
//! `cargo bench --bench log_tail --profile dev` (debug) or plain `cargo bench`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fleetdeck::actions::Overlay;
use fleetdeck::actions::logs::LogPane;
use fleetdeck::actions::logs::stream::split_timestamp;
use fleetdeck::app::state::State;
use fleetdeck::app::update::{Event, update};
use fleetdeck::config::keymap::{Keymap, Mode};
use fleetdeck::config::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn line(i: u64, t: jiff::Timestamp) -> String {
    let text = format!(
        "10.0.{}.{} - - \"GET /api/v1/orders/{i} HTTP/1.1\" 200 {} \"-\" \"curl/8.5.0\" upstream=hello.shop.80.svc latency_ms={}",
        i % 4,
        i % 250,
        40 + i % 400,
        i % 97
    );
    let text = match i % 7 {
        0 => format!("\u{1b}]0;pwned\u{7}{text}\u{1b}[31m red\u{1b}[0m"),
        3 => format!("{text}\r\u{1b}[1A\u{1b}[Kfake"),
        _ => text,
    };
    format!("{} {text}", t.strftime("%Y-%m-%dT%H:%M:%S%.9fZ"))
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let rate = env("LINES_PER_SEC", 5_000);
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` this
    // runs as a short smoke test of the same path.
    let full = std::env::args().any(|a| a == "--bench");
    let secs = env("SECS", if full { 720 } else { 10 });
    let cap = env("BUFFER_LINES", 10_000) as usize;
    let fps = 30;
    let (theme, _) = Theme::load(None, None);
    let keymap = Keymap::builtin("default").expect("default keymap");
    let start_ts = jiff::Timestamp::now();
    let mut state = State::new(theme, keymap, start_ts);
    let pods: BTreeSet<String> = ["payments-1", "payments-2"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut pane = LogPane::new(
        1,
        "prod-eu",
        "shop",
        Some(("Deployment".into(), "payments".into())),
        pods,
        cap,
    );
    pane.containers.insert("app".into());
    state.act.overlay = Some(Overlay::Logs(Box::new(pane)));
    state.mode = Mode::Logs;
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let sources: [Arc<str>; 2] = [Arc::from("payments-1/app"), Arc::from("payments-2/app")];
    let rss_start = rss_mb();
    let mut frames = Vec::with_capacity((secs * fps) as usize);
    let mut keys = Vec::new();
    let mut ingest = Duration::ZERO;
    let mut rss_samples = Vec::new();
    let per_frame = rate / fps;
    let mut n = 0u64;
    let wall = Instant::now();
    for f in 0..secs * fps {
        let t0 = Instant::now();
        let ts = start_ts + jiff::SignedDuration::from_millis((f * 1000 / fps) as i64);
        let mut batches: [Vec<_>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..per_frame {
            batches[(n % 2) as usize].push(split_timestamp(&line(n, ts)));
            n += 1;
        }
        if let Some(Overlay::Logs(p)) = state.act.overlay.as_mut() {
            for (src, batch) in sources.iter().zip(batches) {
                p.push_lines(src, batch);
            }
        }
        ingest += t0.elapsed();
        if f % (fps * 60) == fps * 30 {
            // A key press mid-flood: pause, then resume a frame later.
            for _ in 0..2 {
                let k = Instant::now();
                update(
                    &mut state,
                    Event::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)),
                );
                term.draw(|fr| fleetdeck::ui::draw(fr, &state))
                    .expect("draw");
                keys.push(k.elapsed());
            }
        }
        let d = Instant::now();
        term.draw(|fr| fleetdeck::ui::draw(fr, &state))
            .expect("draw");
        frames.push(d.elapsed());
        if f % (fps * 10) == 0 {
            rss_samples.push((f / fps, rss_mb()));
        }
    }
    let elapsed = wall.elapsed();
    let rss_end = rss_mb();
    frames.sort();
    keys.sort();
    let lines_kept = match &state.act.overlay {
        Some(Overlay::Logs(p)) => p.buffer.len(),
        _ => 0,
    };
    let after_fill = rss_samples
        .iter()
        .find(|(s, _)| *s >= 10)
        .map_or(rss_end, |(_, r)| *r);
    let peak = rss_samples.iter().map(|(_, r)| *r).fold(rss_end, f64::max);
    println!(
        "log tail benchmark ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("  lines: {n} at {rate}/s over {secs} simulated s; buffer {cap} (kept {lines_kept})");
    println!(
        "  wall time: {:.1} s; ingest (split + sanitize + push): {:.2} µs/line",
        elapsed.as_secs_f64(),
        ingest.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "  frame render (160x48, following): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} frames",
        pct(&frames, 0.5),
        pct(&frames, 0.99),
        pct(&frames, 1.0),
        frames.len()
    );
    println!(
        "  key press to frame (pause/resume mid-flood): p50 {:.2} ms, max {:.2} ms over {} presses",
        pct(&keys, 0.5),
        pct(&keys, 1.0),
        keys.len()
    );
    println!(
        "  RSS: start {rss_start:.1} MB, after 10 s {after_fill:.1} MB, peak {peak:.1} MB, end {rss_end:.1} MB"
    );
    let trail: Vec<String> = rss_samples
        .iter()
        .step_by((rss_samples.len() / 8).max(1))
        .map(|(s, r)| format!("{s}s {r:.1}"))
        .collect();
    println!("  RSS trail (MB): {}", trail.join(", "));
}
