//! The interactive loop: sources and keys in, one draw per batch out. The
//! terminal is restored on every exit path (guard + ratatui's panic hook,
//! which also covers a panic in a spawned task; SIGTERM, SIGINT, SIGHUP and
//! SIGQUIT end the loop, restore it and exit with 128 + the signal).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self as term, Event as TermEvent};
use tokio::sync::mpsc;

use super::state::State;
use super::update::{Event, update};
use crate::sources::{self, Plan};

/// Capacity of the source channel: past it the sources wait.
const MAX_BATCH: usize = 4096;

/// Most source updates applied between two looks at the keys: bounds the
/// latency of a key press while a flood of watch events (or the updates
/// held back during a diagnosis) is applied.
const STEP: usize = 256;

/// The shortest time between two frames that only show new source data
/// (10 per second); frames answering a key are drawn at once.
const FRAME_GAP: Duration = Duration::from_millis(100);

/// The shortest time between two diagnoses of a changing fleet.
const DIAGNOSIS_GAP: Duration = Duration::from_secs(1);

/// A diagnosis waits at least this many times its own last duration: on a
/// fleet where it takes long, data is held back at most a third of the time.
const DIAGNOSIS_SHARE: u32 = 3;

/// Most source updates held back while a diagnosis runs; past it the
/// sources wait (their channel fills), nothing is dropped.
const MOST_HELD: usize = 100_000;

/// Restores the terminal when dropped, whatever the exit path.
struct TerminalGuard {
    terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    fn enter() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Keys typed before raw mode sat in a cooked tty, which turned Enter (CR)
/// into a line feed; crossterm reads that LF as Ctrl+J. It was an Enter.
fn enter_from_line_feed(k: term::KeyEvent) -> term::KeyEvent {
    if k.code == term::KeyCode::Char('j') && k.modifiers == term::KeyModifiers::CONTROL {
        term::KeyEvent::new(term::KeyCode::Enter, term::KeyModifiers::NONE)
    } else {
        k
    }
}

/// Reads terminal input on a plain thread (crossterm's read blocks) and
/// forwards it with the time it was read (what the frame log measures a
/// key's wait from); stops when asked or when the loop is gone.
fn spawn_input(
    tx: mpsc::UnboundedSender<(Instant, Event)>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match term::poll(Duration::from_millis(100)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => return,
            }
            let ev = match term::read() {
                Ok(TermEvent::Key(k)) => Event::Key(enter_from_line_feed(k)),
                Ok(TermEvent::Resize(..)) => Event::Resize,
                Ok(_) => continue,
                Err(_) => return,
            };
            if tx.send((Instant::now(), ev)).is_err() {
                return;
            }
        }
    })
}

/// The termination signals, as one stream of signal numbers.
struct Signals(Vec<(i32, tokio::signal::unix::Signal)>);

impl Signals {
    fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            SignalKind::terminate(),
            SignalKind::interrupt(),
            SignalKind::hangup(),
            SignalKind::quit(),
        ];
        let mut all = Vec::new();
        for k in kinds {
            all.push((k.as_raw_value(), signal(k)?));
        }
        Ok(Signals(all))
    }

    /// The number of the next signal received.
    async fn recv(&mut self) -> i32 {
        let waits = self.0.iter_mut().map(|(n, s)| {
            let n = *n;
            Box::pin(async move {
                s.recv().await;
                n
            })
        });
        futures::future::select_all(waits).await.0
    }
}

pub async fn run(plan: Plan, mut state: State) -> anyhow::Result<()> {
    // Before the terminal changes: a signal must never find it half set up unhandled.
    let mut signals = Signals::install()?;
    let mut signalled = None;
    let (tx, mut rx) = mpsc::channel(MAX_BATCH);
    // Bounded: a flood of log lines slows the streams, never grows memory.
    let (act_tx, mut act_rx) = mpsc::channel(256);
    let mut executor = crate::actions::exec::Executor::new(&plan, state.readonly, act_tx);
    let mut sources = sources::spawn_all(plan, tx);
    let mut guard = TerminalGuard::enter()?;
    let stop = Arc::new(AtomicBool::new(false));
    let (key_tx, mut key_rx) = mpsc::unbounded_channel();
    let input = spawn_input(key_tx, stop.clone());
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut frames = super::frame_log::FrameLog::from_env();
    frames.frame(false, || {
        guard.terminal.draw(|f| crate::ui::draw(f, &state))
    })?;
    // Frames that only show new source data are drawn at most every
    // FRAME_GAP; a key press is answered at once.
    let mut last_draw = Instant::now();
    let mut pending = false;
    // When the next diagnosis may run. It runs on a thread of its own over
    // the shared fleet; source updates are held back until it is done, so
    // the fleet is never copied and a key never waits for it.
    let mut diagnosis_due = Instant::now();
    let (diag_tx, mut diag_rx) = mpsc::channel(1);
    let mut diagnosing = false;
    // Oldest first: applied a STEP at a time, before any newer update.
    let mut held: std::collections::VecDeque<crate::model::fleet::SourceUpdate> =
        std::collections::VecDeque::new();
    let result = loop {
        let mut keyed = false;
        let event = tokio::select! {
            Some((at, e)) = key_rx.recv() => {
                frames.key(at);
                keyed = true;
                Some(e)
            }
            Some(u) = rx.recv(), if held.len() < MOST_HELD => Some(Event::Source(u)),
            Some((done, took)) = diag_rx.recv() => {
                frames.diagnosed(took);
                diagnosing = false;
                diagnosis_due = Instant::now() + DIAGNOSIS_GAP.max(took * DIAGNOSIS_SHARE);
                state.diagnosed(done);
                Some(Event::Resize)
            }
            Some(a) = act_rx.recv() => Some(Event::Action(a)),
            _ = tick.tick() => Some(Event::Tick(jiff::Timestamp::now())),
            _ = tokio::time::sleep_until((last_draw + FRAME_GAP).into()), if pending => None,
            // Updates held during the last diagnosis wait to be applied.
            _ = std::future::ready(()), if !diagnosing && !held.is_empty() => None,
            n = signals.recv() => {
                signalled = Some(n);
                break Ok(());
            }
        };
        let mut dirty = match event {
            Some(Event::Source(u)) if diagnosing || !held.is_empty() => {
                held.push_back(u);
                false
            }
            Some(e) => update(&mut state, e),
            None => false,
        };
        // Keys first, then a bounded batch of source updates.
        while let Ok((at, e)) = key_rx.try_recv() {
            frames.key(at);
            keyed = true;
            dirty |= update(&mut state, e);
        }
        let mut step = 0;
        while step < STEP
            && !diagnosing
            && let Some(u) = held.pop_front()
        {
            dirty |= update(&mut state, Event::Source(u));
            step += 1;
        }
        for _ in step..STEP {
            if held.len() >= MOST_HELD {
                break;
            }
            match rx.try_recv() {
                Ok(u) if diagnosing || !held.is_empty() => held.push_back(u),
                Ok(u) => dirty |= update(&mut state, Event::Source(u)),
                Err(_) => break,
            }
        }
        for _ in 0..MAX_BATCH {
            match act_rx.try_recv() {
                Ok(a) => dirty |= update(&mut state, Event::Action(a)),
                Err(_) => break,
            }
        }
        for effect in state.act.take_effects() {
            executor.run(effect);
        }
        if state.quit {
            break Ok(());
        }
        if !diagnosing && held.is_empty() && state.findings_due() && Instant::now() >= diagnosis_due
        {
            let job = state.diagnosis();
            let tx = diag_tx.clone();
            diagnosing = true;
            tokio::task::spawn_blocking(move || {
                let t0 = Instant::now();
                let done = job();
                // The job's hold on the fleet ends with it, before the result goes.
                let _ = tx.blocking_send((done, t0.elapsed()));
            });
        }
        pending |= dirty;
        if !pending || (!keyed && last_draw.elapsed() < FRAME_GAP) {
            continue;
        }
        pending = false;
        last_draw = Instant::now();
        // A frame answering keys draws what the screen shows with the
        // selection moved; new data follows within FRAME_GAP.
        state.key_frame.set(keyed);
        let drawn = frames.frame(state.fleet.settled(), || {
            guard.terminal.draw(|f| crate::ui::draw(f, &state))
        });
        state.key_frame.set(false);
        if keyed && state.data_version != state.arranged.borrow().version {
            pending = true;
        }
        if let Err(e) = drawn {
            break Err(e.into());
        }
    };
    stop.store(true, Ordering::Relaxed);
    sources.abort_all();
    drop(guard);
    let _ = input.join();
    if let Some(n) = signalled {
        // The terminal is restored (guard dropped above); exit as the shell expects.
        tracing::info!("exiting on signal {n}");
        std::process::exit(128 + n);
    }
    result
}
