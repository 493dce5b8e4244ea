//! `fleetdeck snapshot`: connect, wait (bounded) for every source to answer,
//! render one frame headless with ratatui's TestBackend.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::sync::mpsc;

use super::nav::ViewKind;
use super::state::State;
use super::update::{Event, open_view, update};
use crate::sources::{self, Plan};

/// Parses `160x48`.
pub fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("--size {s:?}: expected WIDTHxHEIGHT, e.g. 160x48"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u16>()
            .ok()
            .filter(|n| (10..=1000).contains(n))
    };
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err(format!(
            "--size {s:?}: width and height must be numbers from 10 to 1000"
        )),
    }
}

/// The sources a plan starts, by the names they announce themselves with:
/// "settled" means nothing until each of them has spoken.
pub use crate::diagnose::stable::Expected;

impl Expected {
    /// The sources `plan` will start: what a headless run waits for and
    /// what the TUI's stable findings wait for.
    pub fn of(plan: &Plan) -> Self {
        Expected {
            clusters: plan.contexts.clone(),
            gateways: plan
                .gateways
                .iter()
                .map(|g| (g.name.clone(), g.context.clone()))
                .collect(),
            regions: plan
                .aws
                .as_ref()
                .map(|a| a.regions.clone())
                .unwrap_or_default(),
        }
    }
}

/// Feeds source updates into `state` until every expected source has
/// answered and the fleet stayed settled for a short period (follow-up
/// events), and every gateway shows its nodes, or `limit` passes.
pub async fn sync(
    state: &mut State,
    rx: &mut mpsc::Receiver<crate::model::fleet::SourceUpdate>,
    expected: &Expected,
    limit: Duration,
) {
    let deadline = tokio::time::Instant::now() + limit;
    sync_sources(state, rx, expected, deadline).await;
    settle_gateways(state, rx, deadline).await;
}

/// How long the fleet must stay settled before it is judged.
const SETTLE: Duration = Duration::from_millis(700);

async fn sync_sources(
    state: &mut State,
    rx: &mut mpsc::Receiver<crate::model::fleet::SourceUpdate>,
    expected: &Expected,
    deadline: tokio::time::Instant,
) {
    let limit = deadline.saturating_duration_since(tokio::time::Instant::now());
    let mut settled_at = None;
    loop {
        let now = tokio::time::Instant::now();
        if now >= deadline {
            tracing::warn!(
                "snapshot: sources not all settled within {}s",
                limit.as_secs()
            );
            return;
        }
        // A source that goes back to syncing (a relist, a new node) restarts the period.
        settled_at = match (settled_at, expected.answered(&state.fleet)) {
            (_, false) => None,
            (None, true) => Some(now),
            (Some(t), true) => Some(t),
        };
        if let Some(t) = settled_at
            && now.duration_since(t) >= SETTLE
        {
            return;
        }
        let wait = match settled_at {
            Some(t) => deadline.min(t + SETTLE),
            None => deadline,
        };
        match tokio::time::timeout_at(wait, rx.recv()).await {
            Ok(Some(u)) => {
                update(state, Event::Source(u));
            }
            // Every source ended: nothing more can change.
            Ok(None) => return,
            Err(_) => {}
        }
    }
}

pub async fn render(
    plan: Plan,
    mut state: State,
    view: ViewKind,
    size: (u16, u16),
    limit: Duration,
) -> anyhow::Result<Buffer> {
    let (tx, mut rx) = mpsc::channel(4096);
    let expected = Expected::of(&plan);
    let mut tasks = sources::spawn_all(plan, tx);
    sync(&mut state, &mut rx, &expected, limit).await;
    tasks.abort_all();
    state.now = jiff::Timestamp::now();
    state.refresh_findings();
    open_view(&mut state, view);
    Ok(frame(&state, size))
}

/// One frame of `state` at `size`.
pub fn frame(state: &State, size: (u16, u16)) -> Buffer {
    // TestBackend cannot fail (its error type is Infallible).
    let Ok(mut terminal) = Terminal::new(TestBackend::new(size.0, size.1));
    let _ = terminal.draw(|f| crate::ui::draw(f, state));
    terminal.backend().buffer().clone()
}

/// Kong nodes appear only once their first poll answers, so "settled" can
/// come before a gateway shows all its nodes: keep reading until every live
/// gateway has nodes and no new node appeared for a second (bounded).
async fn settle_gateways(
    state: &mut State,
    rx: &mut mpsc::Receiver<crate::model::fleet::SourceUpdate>,
    deadline: tokio::time::Instant,
) {
    let count = |s: &State| -> usize { s.fleet.gateways.values().map(|g| g.nodes.len()).sum() };
    let empty = |s: &State| {
        s.fleet
            .gateways
            .values()
            .any(|g| g.state == crate::model::status::SourceState::Live && g.nodes.is_empty())
    };
    let mut seen = count(state);
    let mut quiet_since = tokio::time::Instant::now();
    loop {
        let now = tokio::time::Instant::now();
        if now >= deadline
            || (!empty(state) && now.duration_since(quiet_since) >= Duration::from_secs(1))
        {
            return;
        }
        let wait = deadline.min(now + Duration::from_millis(100));
        match tokio::time::timeout_at(wait, rx.recv()).await {
            Ok(Some(u)) => {
                super::update::update(state, super::update::Event::Source(u));
                let n = count(state);
                if n != seen {
                    seen = n;
                    quiet_since = tokio::time::Instant::now();
                }
            }
            Ok(None) => return,
            Err(_) => {}
        }
    }
}
