//! Stale looks stale: rows whose source is not live are muted and say the
//! age of their data; a view's title names each cluster it cannot see now;
//! a count we cannot know is `?`, never 0.

use jiff::Timestamp;

use super::common::clusters;
use crate::config::theme::Role;
use crate::model::cluster::{ClusterData, Kind};
use crate::model::freshness::Heard;
use crate::model::status::{SourceError, SourceState};
use crate::ui::table::{Cell, TableModel, cell};
use crate::view::nav::{Scope, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

/// The kinds a view's rows come from, for the title's notes.
fn view_kinds(view: ViewKind) -> Vec<Kind> {
    match view {
        ViewKind::Nodes => vec![Kind::Nodes],
        ViewKind::Pods => vec![Kind::Pods],
        ViewKind::Workloads => vec![Kind::Deployments, Kind::StatefulSets, Kind::DaemonSets],
        ViewKind::Hpa => vec![Kind::Hpas],
        ViewKind::Pvc => vec![Kind::Pvcs],
        ViewKind::Kind(k) => vec![k],
        _ => Vec::new(),
    }
}

/// The state of the data behind a row, if it comes from a source that can go stale.
fn row_source(state: &State, subject: &Subject) -> Option<SourceState> {
    let region = |r: &str| state.fleet.aws.get(r).map(|a| a.state.clone());
    match subject {
        Subject::Kube(k) => {
            let c = state.fleet.clusters.get(&k.cluster)?;
            Some(c.kind_data(Kind::by_api_kind(&k.kind)?))
        }
        Subject::EksCluster { region: r, .. }
        | Subject::FargateProfile { region: r, .. }
        | Subject::Nodegroup { region: r, .. }
        | Subject::EcsService { region: r, .. }
        | Subject::EcsTask { region: r, .. } => region(r),
        Subject::KongNode { gateway, .. }
        | Subject::KongUpstream { gateway, .. }
        | Subject::KongTarget { gateway, .. } => {
            state.fleet.gateways.get(gateway).map(|g| g.state.clone())
        }
        _ => None,
    }
}

/// `data 2m old — unreachable: Connection reset by peer`.
fn stale_line(since: Timestamp, error: &SourceError, now: Timestamp) -> String {
    let age = crate::model::format::duration(now.as_second().saturating_sub(since.as_second()));
    format!("data {age} old — {}: {}", error.short(), error.message())
}

/// Mutes every row whose source is stale and puts the age of its data first
/// in its detail. The Fleet view says freshness in its own columns.
pub fn mark(state: &State, model: &mut TableModel<'_>) {
    for i in 0..model.rows.len() {
        if matches!(model.rows[i].subject, Subject::Cluster(_)) {
            continue;
        }
        let Some(SourceState::Stale { since, error }) = row_source(state, &model.rows[i].subject)
        else {
            continue;
        };
        model.mute(i);
        let line = stale_line(since, &error, state.now);
        model.rows[i].detail.insert(0, (line, Role::Warn));
    }
}

/// One note per cluster in scope whose data for this view is not live:
/// `global-us unreachable, heard never`, `prod stale, heard 2m ago`,
/// `dev pods forbidden`. Empty when everything shown is current.
pub fn notes(state: &State, scope: &Scope, view: ViewKind) -> Vec<(String, Role)> {
    let kinds = view_kinds(view);
    if kinds.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in clusters(state, scope) {
        if let Some(note) = cluster_note(c, &kinds, state.now) {
            out.push(note);
        }
    }
    out
}

fn cluster_note(c: &ClusterData, kinds: &[Kind], now: Timestamp) -> Option<(String, Role)> {
    let worst = kinds
        .iter()
        .map(|k| (*k, c.kind_data(*k)))
        .filter(|(_, s)| *s != SourceState::Live)
        .max_by_key(|(_, s)| match s {
            SourceState::Live => 0,
            SourceState::Syncing => 1,
            SourceState::Stale { .. } => 2,
            SourceState::Failed { .. } => 3,
        })?;
    let (kind, s) = worst;
    let text = match (&s, s.error()) {
        (_, Some(e @ (SourceError::Forbidden(_) | SourceError::NotServed(_)))) => {
            format!("{} {} {}", c.name, kind.label(), e.short())
        }
        (SourceState::Syncing, _) => format!("{} syncing", c.name),
        (_, Some(e)) => format!("{} {}, heard {}", c.name, e.short(), c.heard().label(now)),
        _ => return None,
    };
    let role = match s {
        SourceState::Syncing => Role::Muted,
        SourceState::Stale { .. } => Role::Warn,
        _ => Role::Critical,
    };
    Some((text, role))
}

/// A count from one kind's rows: itself when live, muted when stale (the
/// row says how old), `?` when we have never seen that kind.
pub fn count_cell(c: &ClusterData, kind: Kind, known: Cell) -> Cell {
    match c.kind_data(kind) {
        SourceState::Live => known,
        SourceState::Stale { .. } => Cell {
            role: Role::Muted,
            ..known
        },
        SourceState::Syncing | SourceState::Failed { .. } => unknown(),
    }
}

/// A count we cannot know; sorts after every number.
pub fn unknown() -> Cell {
    cell("?", Role::Muted)
}

/// When a source was last heard from, for the Fleet view.
pub fn heard_cell(heard: Heard, now: Timestamp) -> Cell {
    let role = match heard {
        Heard::Now => Role::Ok,
        Heard::Syncing => Role::Muted,
        Heard::At(_) => Role::Warn,
        Heard::Never => Role::Critical,
    };
    let mut out = cell(heard.label(now), role);
    // Most recently heard first when ascending; never last.
    out.sort = Some(match heard {
        Heard::Now => 0,
        Heard::At(t) => now.as_second().saturating_sub(t.as_second()).max(1),
        Heard::Syncing | Heard::Never => i64::MAX,
    });
    out
}
