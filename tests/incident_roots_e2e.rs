//! Each scenario gives exactly its expected incidents: root code, root
//! object (a Kong node on ECS by its gateway: its address is random) and
//! symptom codes, from `fleetdeck diagnose --output json`. A scenario
//! converges after `ready`, so diagnose is re-run until the set is exact
//! (bounded), then must stay exact on every further run.

mod common;

use std::time::{Duration, Instant};

use common::Sim;
use serde_json::Value;

/// `(root code, root object, symptom codes)`.
type Incident = (String, String, Vec<String>);

/// Runs after the first exact one that must be exact too.
const STEADY_RUNS: usize = 2;

/// Sorted: two incidents of the same shape (two upstreams split) count twice.
fn incidents(json: &Value) -> Vec<Incident> {
    let mut all: Vec<Incident> = json["incidents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let (code, object, mut symptoms) = common::incident_of(i);
            symptoms.sort();
            (code, object, symptoms)
        })
        .collect();
    all.sort();
    all
}

fn incident(code: &str, object: &str, symptoms: &[&str]) -> Incident {
    (
        code.to_owned(),
        object.to_owned(),
        symptoms.iter().map(|s| (*s).to_owned()).collect(),
    )
}

/// Diagnose until the incidents are one of `expected`, then `STEADY_RUNS`
/// more runs, each of which must be one of them too.
fn exactly(scenario: &str, expected: &[Vec<Incident>]) {
    exactly_with(scenario, &[], expected);
}

fn exactly_with(scenario: &str, faults: &[&str], expected: &[Vec<Incident>]) {
    let expected: Vec<Vec<Incident>> = expected
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.sort();
            e
        })
        .collect();
    let sim = Sim::start(scenario, faults);
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut held = 0;
    loop {
        let (code, json, stderr) = sim.diagnose_json();
        let got = incidents(&json);
        if expected.contains(&got) {
            held += 1;
            if held > STEADY_RUNS {
                break;
            }
            continue;
        }
        assert!(
            held == 0,
            "{scenario}: exact, then on run {held} after: exit {code} {got:#?}"
        );
        assert!(
            Instant::now() < deadline,
            "{scenario}: never exactly {expected:#?}; last exit {code}: {got:#?}\n{stderr}"
        );
    }
    sim.stop();
}

#[test]
fn demo_gives_exactly_its_incidents() {
    let base = [
        incident(
            "FD-POD-IMAGE-PULL",
            "checkout",
            &["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"],
        ),
        incident(
            "FD-POD-CRASHLOOP",
            "payments",
            &["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"],
        ),
        incident("FD-PVC-WFFC-DEADLOCK", "mysql-data", &[]),
        incident("FD-KONG-NO-PEER", "kong-ecs", &[]),
    ];
    // hello-api's HPA follows a load curve: at its max, it is the root of
    // its stale Kong node's no-peer; below it, that no-peer stands alone.
    let with = |extra: Incident| -> Vec<Incident> {
        base.iter().cloned().chain(std::iter::once(extra)).collect()
    };
    exactly(
        "demo",
        &[
            with(incident("FD-HPA-AT-MAX", "hello-api", &["FD-KONG-NO-PEER"])),
            with(incident("FD-KONG-NO-PEER", "prod-eu/kong", &[])),
        ],
    );
}

#[test]
fn kong_ecs_gives_exactly_its_incidents() {
    exactly(
        "kong-ecs",
        &[vec![incident("FD-KONG-NO-PEER", "kong-ecs", &[])]],
    );
}

/// `kong-split=NODE`: that node alone sees the first target of `orders` and
/// `inventory` down (payments already has its no-peer node, said once).
#[test]
fn kong_ecs_with_a_split_node_gives_one_incident_per_split_upstream() {
    exactly_with(
        "kong-ecs",
        &[
            "--fault",
            "kong-split=ip-10-106-8-192.eu-west-1.compute.internal",
        ],
        &[vec![
            incident("FD-KONG-NO-PEER", "kong-ecs", &[]),
            incident("FD-KONG-HEALTH-SPLIT", "kong-ecs", &[]),
            incident("FD-KONG-HEALTH-SPLIT", "kong-ecs", &[]),
        ]],
    );
}

#[test]
fn terrax_gives_exactly_its_incidents() {
    exactly(
        "terrax",
        &[vec![incident(
            "FD-PVC-WFFC-DEADLOCK",
            "mysql-pv-claim",
            &[],
        )]],
    );
}

#[test]
fn global_gives_exactly_its_incidents() {
    exactly(
        "global",
        &[vec![incident(
            "FD-CLUSTER-UNREACHABLE",
            "fargate-eu-2",
            &[],
        )]],
    );
}

#[test]
fn virtual_kubelet_gives_exactly_its_incidents() {
    exactly("virtual-kubelet", &[Vec::new()]);
}
