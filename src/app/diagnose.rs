//! `fleetdeck diagnose`: connect, wait (bounded) for every source to answer,
//! run the rules once, print the findings. The exit code says the worst.

use std::time::Duration;

use tokio::sync::mpsc;

use super::snapshot::{Expected, sync};
use super::state::State;
use crate::cli::OutputFormat;
use crate::diagnose::{self, report};
use crate::sources::{self, Plan};

/// Runs the diagnosis; returns `(stdout text, stderr lines, exit code)`.
pub async fn run(
    plan: Plan,
    mut state: State,
    output: OutputFormat,
    limit: Duration,
) -> (String, Vec<String>, u8) {
    let (tx, mut rx) = mpsc::channel(4096);
    let expected = Expected::of(&plan);
    let started = std::time::Instant::now();
    let mut tasks = sources::spawn_all(plan, tx);
    sync(&mut state, &mut rx, &expected, limit).await;
    tasks.abort_all();
    // Bounded wait is over: a cluster that never answered is unreachable.
    let silent: Vec<String> = state
        .fleet
        .clusters
        .values()
        .filter(|c| c.connection == crate::model::status::SourceState::Syncing)
        .map(|c| c.name.clone())
        .collect();
    for cluster in silent {
        let error = crate::model::status::SourceError::Unreachable(format!(
            "no answer within {:.1}s",
            started.elapsed().as_secs_f64()
        ));
        state.now = jiff::Timestamp::now();
        state.apply(crate::model::fleet::SourceUpdate::ClusterError { cluster, error });
    }
    let now = jiff::Timestamp::now();
    let findings = diagnose::diagnose(&state.fleet, now);
    let unreached = report::unreached(&state.fleet);
    let mut stderr: Vec<String> = unreached
        .iter()
        .map(|u| {
            format!(
                "fleetdeck: could not reach {}: {} ({})",
                u.source, u.state, u.message
            )
        })
        .collect();
    // Nothing reached at all: no diagnosis was made, so none is reported clean.
    let fleet = &state.fleet;
    let watched_something = fleet
        .clusters
        .values()
        .any(|c| c.connection.error().is_none())
        || fleet
            .gateways
            .values()
            .any(|g| g.nodes.values().any(|n| n.reachable.is_ok()))
        || fleet.aws.values().any(|r| r.state.error().is_none());
    if !watched_something {
        stderr.push(
            "fleetdeck: nothing could be watched (no cluster, Kong node or AWS region answered)"
                .to_owned(),
        );
    }
    let out = match output {
        OutputFormat::Json => report::json(&findings, &unreached, now),
        OutputFormat::Text => report::text(&findings),
    };
    let code = if watched_something {
        findings.exit_code()
    } else {
        3
    };
    (out, stderr, code)
}
