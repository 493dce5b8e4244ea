//! `fleetdeck diagnose --output json` against the simulated fleet: each
//! scenario yields exactly its expected findings and exit code. A scenario
//! converges over a few seconds after `ready`, so each test re-runs
//! diagnose until the expectation holds (bounded), then requires it to hold
//! on every further run, so an intermittent false finding fails. The demo's
//! incidents (root code and object, symptoms) are held the same way.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use common::Sim;
use serde_json::Value;

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

fn diagnose(sim: &Sim) -> Run {
    let (code, json, stderr) = sim.diagnose_json();
    Run { code, json, stderr }
}

fn findings(r: &Run) -> Vec<&Value> {
    r.json["findings"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn codes(r: &Run) -> BTreeSet<String> {
    findings(r)
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect()
}

/// Each incident as `(root code, root object, symptom codes)`; an object
/// of a Kong node on ECS is named by its gateway (its address is random).
fn incident_roots(r: &Run) -> BTreeSet<(String, String, BTreeSet<String>)> {
    r.json["incidents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let (code, object, symptoms) = common::incident_of(i);
            (code, object, symptoms.into_iter().collect())
        })
        .collect()
}

/// Runs after the first one that holds which must all hold too: a finding
/// that comes and goes between runs is a false finding, not convergence.
const STEADY_RUNS: usize = 3;

/// Re-runs diagnose until `ok` holds (bounded: the scenario converges after
/// `ready`), then `STEADY_RUNS` more times, each of which must hold; returns
/// the last run.
fn until(sim: &Sim, what: &str, ok: impl Fn(&Run) -> bool) -> Run {
    until_then(sim, what, STEADY_RUNS, ok)
}

/// [`until`] with `steady` further runs that must hold.
fn until_then(sim: &Sim, what: &str, steady: usize, ok: impl Fn(&Run) -> bool) -> Run {
    let explain = |r: &Run| {
        format!(
            "exit {} codes {:?}\n{}\nstderr: {}",
            r.code,
            codes(r),
            serde_json::to_string_pretty(&r.json).unwrap_or_default(),
            r.stderr
        )
    };
    // Each run waits for every source to settle, so they follow back to back.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    let mut r = diagnose(sim);
    while !ok(&r) {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: never held; last {}",
            explain(&r)
        );
        r = diagnose(sim);
    }
    for i in 1..=steady {
        r = diagnose(sim);
        assert!(
            ok(&r),
            "{what}: held, then failed on run {i} after: {}",
            explain(&r)
        );
    }
    r
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn healthy_has_no_warning_or_critical() {
    let sim = Sim::start("healthy", &[]);
    let r = until(&sim, "healthy is clean", |r| r.code == 0);
    assert!(
        findings(&r).iter().all(|f| f["severity"] == "info"),
        "{:?}",
        codes(&r)
    );
    assert_eq!(r.json["schema"], "fleetdeck.diagnose/v2");
    assert_eq!(r.json["summary"]["exit_code"], 0);
    sim.stop();
}

#[test]
fn a_kind_the_server_does_not_serve_is_said_for_that_kind_only() {
    let sim = Sim::start("healthy", &["--fault", "unserve=ingresses"]);
    let r = until(&sim, "healthy is clean without ingresses", |r| r.code == 0);
    assert!(
        findings(&r).iter().all(|f| f["severity"] == "info"),
        "{:?}",
        codes(&r)
    );
    let unreached = r.json["unreached"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        unreached
            .iter()
            .map(|u| (u["source"].as_str(), u["state"].as_str()))
            .collect::<Vec<_>>(),
        vec![(Some("cluster healthy-eks ingresses"), Some("not served"))],
        "{unreached:?}"
    );
    sim.stop();
}

#[test]
fn terrax_deadlock_names_the_fargate_reason() {
    let sim = Sim::start("terrax", &[]);
    let r = until(&sim, "terrax deadlock", |r| {
        r.code == 2 && codes(r) == set(&["FD-PVC-WFFC-DEADLOCK"])
    });
    let f = findings(&r)[0];
    let cause = f["cause"].as_str().unwrap_or_default();
    assert!(
        cause.contains("Fargate profile") && cause.contains("EBS"),
        "{cause}"
    );
    let facts: Vec<&str> = f["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["fact"].as_str())
        .collect();
    assert!(
        facts.iter().any(|x| x.contains("WaitForFirstConsumer")),
        "{facts:?}"
    );
    assert!(
        facts.iter().any(|x| x.contains("not supported on Fargate")),
        "{facts:?}"
    );
    assert_eq!(f["objects"][0]["kind"], "PersistentVolumeClaim");
    sim.stop();
}

#[test]
fn kong_ecs_names_exactly_the_failing_node_and_the_serving_ones() {
    let sim = Sim::start("kong-ecs", &[]);
    let r = until(&sim, "kong-ecs no peer", |r| {
        r.code == 2 && codes(r) == set(&["FD-KONG-NO-PEER"]) && findings(r).len() == 1
    });
    let f = findings(&r)[0];
    let nodes: Vec<&str> = f["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["kind"] == "KongNode")
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(nodes.len(), 1, "exactly one failing node: {nodes:?}");
    let cause = f["cause"].as_str().unwrap_or_default();
    assert!(cause.contains("still serve"), "{cause}");
    // The two serving nodes are named, the failing one is not among them.
    let serving = cause.rsplit(';').next().unwrap_or_default();
    assert_eq!(serving.matches("127.0.0.1:").count(), 2, "{cause}");
    assert!(!serving.contains(nodes[0]), "{cause}");
    assert!(cause.contains("payments"), "{cause}");
    sim.stop();
}

fn demo_set(steady: usize) {
    let sim = Sim::start("demo", &[]);
    let expected = set(&[
        "FD-KONG-NO-PEER",
        "FD-PVC-WFFC-DEADLOCK",
        "FD-SVC-NO-ENDPOINTS",
        "FD-POD-CRASHLOOP",
        "FD-POD-IMAGE-PULL",
    ]);
    // Incidents by root (code, object) with their symptom codes; hello-api's
    // follows the HPA's load curve, so it is left out.
    let incidents =
        |sym: &[&str]| -> BTreeSet<String> { sym.iter().map(|c| (*c).to_owned()).collect() };
    let expected_incidents: BTreeSet<(String, String, BTreeSet<String>)> = [
        (
            "FD-POD-IMAGE-PULL",
            "checkout",
            incidents(&["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"]),
        ),
        (
            "FD-POD-CRASHLOOP",
            "payments",
            incidents(&["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"]),
        ),
        ("FD-PVC-WFFC-DEADLOCK", "mysql-data", incidents(&[])),
        ("FD-KONG-NO-PEER", "kong-ecs", incidents(&[])),
    ]
    .into_iter()
    .map(|(c, o, s)| (c.to_owned(), o.to_owned(), s))
    .collect();
    // The demo's HPA follows a load curve and may legitimately reach its max.
    let r = until_then(&sim, "demo set", steady, |r| {
        let mut c = codes(r);
        c.remove("FD-HPA-AT-MAX");
        r.code == 2 && c == expected && expected_incidents.is_subset(&incident_roots(r))
    });
    let no_peer: Vec<&str> = findings(&r)
        .iter()
        .filter(|f| f["code"] == "FD-KONG-NO-PEER")
        .filter_map(|f| f["cause"].as_str())
        .collect();
    // checkout and payments behind KIC, hello-api's stale node, payments on ECS.
    assert_eq!(no_peer.len(), 4, "{no_peer:#?}");
    assert!(
        no_peer
            .iter()
            .any(|c| c.contains("hello-api") && c.contains("still serve"))
    );
    let svc: BTreeSet<&str> = findings(&r)
        .iter()
        .filter(|f| f["code"] == "FD-SVC-NO-ENDPOINTS")
        .filter_map(|f| f["objects"][0]["name"].as_str())
        .collect();
    assert_eq!(svc, ["checkout", "payments"].into_iter().collect());
    sim.stop();
}

#[test]
fn demo_yields_its_set() {
    demo_set(0);
}

#[test]
fn demo_holds_its_set_on_every_run() {
    demo_set(STEADY_RUNS);
}

#[test]
fn global_names_the_unreachable_cluster() {
    let sim = Sim::start("global", &[]);
    let r = until(&sim, "global unreachable", |r| {
        r.code == 2 && codes(r) == set(&["FD-CLUSTER-UNREACHABLE"]) && findings(r).len() == 1
    });
    let f = findings(&r)[0];
    assert_eq!(f["objects"][0]["kind"], "Cluster");
    let name = f["objects"][0]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        r.stderr
            .contains(&format!("could not reach cluster {name}")),
        "{}",
        r.stderr
    );
    assert_eq!(findings(&r).len(), 1);
    sim.stop();
}

#[test]
fn bad_config_is_a_one_line_error_with_exit_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("fleetdeck.toml");
    std::fs::write(&cfg, "kubeconfig = 42\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .args(["diagnose", "--output", "json", "--config"])
        .arg(&cfg)
        .arg("--log-file")
        .arg(dir.path().join("log"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.lines().any(|l| l.contains("fleetdeck.toml")), "{err}");
}
