//! The bounded sync `diagnose` and `snapshot` share: it waits for every
//! source the plan starts, and a source that goes back to syncing restarts
//! the settle period instead of being judged half-listed.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::snapshot::{Expected, sync};
use super::state::State;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::model::cluster::Kind;
use crate::model::fleet::SourceUpdate;
use crate::model::status::SourceState;
use crate::sources::Plan;

fn state() -> State {
    let (theme, _) = Theme::load(None, None);
    State::new(
        theme,
        Keymap::builtin("default").expect("keymap"),
        jiff::Timestamp::now(),
    )
}

fn expecting(cluster: &str) -> Expected {
    Expected::of(&Plan {
        kubeconfig: None,
        contexts: vec![cluster.to_owned()],
        namespace: None,
        gateways: Vec::new(),
        discover_kong: false,
        aws: None,
    })
}

fn kind(cluster: &str, kind: Kind, state: SourceState) -> SourceUpdate {
    SourceUpdate::KindState {
        cluster: cluster.to_owned(),
        kind,
        state,
    }
}

/// What a cluster's source sends once it is connected and listed everything.
fn connected(cluster: &str) -> Vec<SourceUpdate> {
    let mut v = vec![SourceUpdate::ClusterConnected {
        cluster: cluster.to_owned(),
        version: "v1.30".into(),
    }];
    v.extend(
        Kind::ALL
            .iter()
            .map(|k| kind(cluster, *k, SourceState::Live)),
    );
    v
}

/// Sends each batch after its delay from the start, then keeps the channel
/// open (as running sources do) until the receiver is dropped.
fn source(batches: Vec<(u64, Vec<SourceUpdate>)>) -> mpsc::Receiver<SourceUpdate> {
    let (tx, rx) = mpsc::channel(256);
    let start = Instant::now();
    tokio::spawn(async move {
        for (ms, batch) in batches {
            tokio::time::sleep_until(start + Duration::from_millis(ms)).await;
            for u in batch {
                let _ = tx.send(u).await;
            }
        }
        tx.closed().await;
    });
    rx
}

#[tokio::test]
async fn sync_waits_for_a_cluster_that_announces_itself_late() {
    let added = SourceUpdate::ClusterAdded {
        cluster: "late".into(),
        server: None,
    };
    let mut rx = source(vec![(300, vec![added]), (1200, connected("late"))]);
    let mut s = state();
    let start = Instant::now();
    sync(&mut s, &mut rx, &expecting("late"), Duration::from_secs(20)).await;
    let c = s
        .fleet
        .clusters
        .get("late")
        .expect("the cluster was waited for");
    assert_eq!(c.connection, SourceState::Live);
    assert!(s.fleet.settled());
    assert!(
        start.elapsed() >= Duration::from_millis(1200),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_source_syncing_again_restarts_the_settle_period() {
    let added = SourceUpdate::ClusterAdded {
        cluster: "c".into(),
        server: None,
    };
    let mut first = vec![added];
    first.extend(connected("c"));
    let mut rx = source(vec![
        (0, first),
        (200, vec![kind("c", Kind::Pods, SourceState::Syncing)]),
        (1200, vec![kind("c", Kind::Pods, SourceState::Live)]),
    ]);
    let mut s = state();
    sync(&mut s, &mut rx, &expecting("c"), Duration::from_secs(20)).await;
    assert_eq!(
        s.fleet.clusters["c"].kinds.get(&Kind::Pods),
        Some(&SourceState::Live),
        "judged while pods were relisting"
    );
}

#[tokio::test]
async fn sync_gives_up_at_its_bound() {
    let added = SourceUpdate::ClusterAdded {
        cluster: "c".into(),
        server: None,
    };
    let mut rx = source(vec![(0, vec![added])]);
    let mut s = state();
    let start = Instant::now();
    sync(&mut s, &mut rx, &expecting("c"), Duration::from_millis(600)).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(!s.fleet.settled());
}
