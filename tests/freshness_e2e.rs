//! The freshness model through fleetdeck itself on the simulated fleet over
//! real HTTP: a black hole, a partition, an outage that ends and token
//! expiry, each seen by the TUI (tmux) and by `diagnose --output json`.
//! Waits are bounded conditions; the measured times are printed
//! (`FRESHNESS` lines, for BENCHMARKS.md), never asserted.

mod common;

use std::time::{Duration, Instant};

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};
use serde_json::Value;

fn diagnose(sim: &Sim) -> (Value, String) {
    let (_, json, stderr) = sim.diagnose_json();
    (json, stderr)
}

/// `(source, state, message)` of each cluster connection diagnose could not use.
fn unreached_clusters(json: &Value) -> Vec<(String, String, String)> {
    json["unreached"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| {
            let source = u["source"].as_str()?;
            let name = source.strip_prefix("cluster ")?;
            (!name.contains(' ')).then(|| {
                (
                    source.to_owned(),
                    u["state"].as_str().unwrap_or("").to_owned(),
                    u["message"].as_str().unwrap_or("").to_owned(),
                )
            })
        })
        .collect()
}

fn codes(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

fn tui(sim: &Sim, name: &str) -> Tmux {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let cfg = sim.config();
    let log = sim.dir.path().join(format!("{name}.log"));
    Tmux::start(
        name,
        &cmd(&[
            "--config",
            cfg.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]),
    )
}

/// Every cluster's label on the Fleet view is "live".
fn all_live(screen: &str) -> bool {
    screen.contains("live")
        && !["stale", "syncing", "unreachable", "unauthorized"]
            .iter()
            .any(|w| screen.contains(w))
}

/// A black-holed API server (SYNs unanswered) is "unreachable" within the
/// connect timeout, and the message says the time actually waited.
#[test]
fn blackhole_is_unreachable_not_syncing() {
    let sim = Sim::start("healthy", &["--fault", "blackhole"]);
    let started = Instant::now();
    let (json, stderr) = diagnose(&sim);
    let took = started.elapsed();
    let clusters = unreached_clusters(&json);
    assert!(
        !clusters.is_empty(),
        "no cluster reported: {json}\n{stderr}"
    );
    for (source, state, message) in &clusters {
        assert_eq!(state, "unreachable", "{source}: {message}");
        assert!(!message.contains("within 20s"), "{source}: {message}");
    }
    assert!(codes(&json).contains(&"FD-CLUSTER-UNREACHABLE".to_owned()));
    eprintln!("FRESHNESS blackhole: diagnose done, every cluster unreachable, after {took:.1?}");

    let t = tui(&sim, "blackhole");
    let shown = Instant::now();
    t.wait_for(&["unreachable"], Duration::from_secs(30));
    eprintln!(
        "FRESHNESS blackhole: TUI says unreachable {:.1?} after launch",
        shown.elapsed()
    );
}

/// A partition (connections held open, nothing passing) turns the TUI's
/// clusters stale, a fresh diagnose calls them unreachable; when it lifts,
/// every kind resyncs and both say live again.
#[test]
fn partition_is_detected_and_recovers() {
    const START: u64 = 25;
    const END: u64 = 60;
    let sim = Sim::start(
        "healthy",
        &["--fault", &format!("partition={START}..{END}")],
    );
    let sim_start = Instant::now();
    let t = tui(&sim, "partition");
    t.wait_until("every cluster live", Duration::from_secs(START), all_live);
    let stale = t.wait_for(&["stale"], Duration::from_secs(START + 60));
    let detected = sim_start
        .elapsed()
        .saturating_sub(Duration::from_secs(START));
    eprintln!("FRESHNESS partition: TUI stale {detected:.1?} after it began");
    // The header and the Fleet view say when the cluster was last heard from.
    assert!(stale.contains("healthy-eks heard "), "{stale}");
    assert!(stale.contains(" ago "), "{stale}");
    let (json, stderr) = diagnose(&sim);
    if sim_start.elapsed() < Duration::from_secs(END) {
        let clusters = unreached_clusters(&json);
        assert!(!clusters.is_empty(), "partitioned, yet: {json}\n{stderr}");
        assert!(
            clusters.iter().all(|c| c.1 == "unreachable"),
            "{clusters:?}"
        );
    }
    t.wait_until(
        "every cluster live again",
        Duration::from_secs(END + 60).saturating_sub(sim_start.elapsed()),
        |s| sim_start.elapsed() >= Duration::from_secs(END) && all_live(s),
    );
    let recovered = sim_start.elapsed().saturating_sub(Duration::from_secs(END));
    eprintln!("FRESHNESS partition: TUI live {recovered:.1?} after it ended");
    let (json, stderr) = diagnose(&sim);
    assert!(unreached_clusters(&json).is_empty(), "{json}\n{stderr}");
}

/// An outage (every connection reset) that ends: stale at once, and every
/// kind — quiet ones included — live again after it, without any object
/// event having to happen.
#[test]
fn outage_that_ends_returns_every_kind_to_live() {
    const START: u64 = 20;
    const END: u64 = 40;
    let sim = Sim::start("healthy", &["--fault", &format!("outage={START}..{END}")]);
    let sim_start = Instant::now();
    let t = tui(&sim, "outage");
    t.wait_until("every cluster live", Duration::from_secs(START), all_live);
    t.wait_for(&["stale"], Duration::from_secs(START + 60));
    let detected = sim_start
        .elapsed()
        .saturating_sub(Duration::from_secs(START));
    eprintln!("FRESHNESS outage: TUI stale {detected:.1?} after it began");
    t.wait_until(
        "every cluster live again",
        Duration::from_secs(END + 60).saturating_sub(sim_start.elapsed()),
        |s| sim_start.elapsed() >= Duration::from_secs(END) && all_live(s),
    );
    let recovered = sim_start.elapsed().saturating_sub(Duration::from_secs(END));
    eprintln!("FRESHNESS outage: TUI live {recovered:.1?} after it ended");
    let (json, stderr) = diagnose(&sim);
    assert!(unreached_clusters(&json).is_empty(), "{json}\n{stderr}");
    assert!(
        !codes(&json).contains(&"FD-CLUSTER-STALE".to_owned()),
        "{json}"
    );
}

/// Token expiry mid-session: the TUI says unauthorized (not live, not a
/// network error), diagnose says FD-CLUSTER-UNAUTHORIZED, and the Kong
/// nodes behind that cluster are not blamed for its 401s.
#[test]
fn token_expiry_is_unauthorized_everywhere() {
    const EXPIRY: u64 = 20;
    let sim = Sim::start("healthy", &["--fault", &format!("token-expiry={EXPIRY}")]);
    let sim_start = Instant::now();
    let t = tui(&sim, "token");
    t.wait_until("every cluster live", Duration::from_secs(EXPIRY), all_live);
    t.wait_for(&["unauthorized"], Duration::from_secs(EXPIRY + 60));
    let detected = sim_start
        .elapsed()
        .saturating_sub(Duration::from_secs(EXPIRY));
    eprintln!("FRESHNESS token-expiry: TUI unauthorized {detected:.1?} after expiry");
    let (json, stderr) = diagnose(&sim);
    let codes = codes(&json);
    assert!(
        codes.contains(&"FD-CLUSTER-UNAUTHORIZED".to_owned()),
        "{json}\n{stderr}"
    );
    assert!(!codes.contains(&"FD-KONG-UNREACHABLE".to_owned()), "{json}");
}

/// A kind RBAC forbids: its view says "forbidden" instead of an empty
/// table, the Fleet view counts what it cannot see as "?" (not 0) while the
/// readable kinds keep their numbers, and the cluster is still heard now.
#[test]
fn forbidden_pods_say_forbidden_and_their_counts_are_unknown() {
    let sim = Sim::start("healthy", &["--fault", "forbid=pods"]);
    let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "pods", "-A"]);
    assert!(
        !ok && err.contains("forbidden"),
        "kubectl should be refused: {err}"
    );
    let t = tui(&sim, "forbid");
    let fleet = t.wait_for(&["healthy-eks", "403 pods"], Duration::from_secs(30));
    let row = fleet
        .lines()
        .find(|l| l.contains("healthy-eks") && l.contains("403 pods"))
        .unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(cells.contains(&"?"), "pod counts unknown: {row}");
    assert!(cells.contains(&"now"), "nodes still answer: {row}");
    // FARGATE/EC2 counts are numbers: nodes are readable.
    assert!(
        cells.iter().any(|c| c.parse::<u32>().is_ok_and(|n| n > 0)),
        "node counts known: {row}"
    );
    t.type_text(":pods");
    t.keys(&["Enter"]);
    let pods = t.wait_for(
        &["no pods — healthy-eks: forbidden"],
        Duration::from_secs(10),
    );
    assert!(pods.contains("healthy-eks pods forbidden"), "{pods}");
}
