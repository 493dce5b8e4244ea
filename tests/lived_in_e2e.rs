//! The simulated fleet starts as one that has been running for hours: right
//! after `ready`, kubectl sees hours-old pods and a crash loop's restarts,
//! and the very first `diagnose` names the demo's faults (no boot phase,
//! no waiting out grace periods).

mod common;

use std::collections::BTreeSet;

use common::Sim;

#[test]
fn demo_is_lived_in_from_its_first_answer() {
    let sim = Sim::start("demo", &[]);
    let pods: serde_json::Value = serde_json::from_str(&sim.kubectl(&[
        "--context",
        "prod-eu",
        "get",
        "pods",
        "-n",
        "shop",
        "-o",
        "json",
    ]))
    .expect("pod list JSON");
    let now = jiff::Timestamp::now();
    let items = pods["items"].as_array().expect("items");
    let payments: Vec<&serde_json::Value> = items
        .iter()
        .filter(|p| {
            p["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("payments-"))
        })
        .collect();
    assert!(!payments.is_empty(), "no payments pod in {items:#?}");
    for p in items {
        let created: jiff::Timestamp = p["metadata"]["creationTimestamp"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("creationTimestamp");
        let age = now.duration_since(created).as_secs();
        assert!(age >= 3600, "{} is {age} s old", p["metadata"]["name"]);
    }
    for p in &payments {
        let restarts = p["status"]["containerStatuses"][0]["restartCount"]
            .as_i64()
            .unwrap_or(0);
        assert!(restarts > 0, "{} never restarted", p["metadata"]["name"]);
    }
    let (code, json, stderr) = sim.diagnose_json();
    let mut codes: BTreeSet<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    // The HPA follows a load curve and may legitimately sit at its max.
    codes.remove("FD-HPA-AT-MAX");
    let expected: BTreeSet<&str> = [
        "FD-KONG-NO-PEER",
        "FD-PVC-WFFC-DEADLOCK",
        "FD-SVC-NO-ENDPOINTS",
        "FD-POD-CRASHLOOP",
        "FD-POD-IMAGE-PULL",
    ]
    .into();
    assert_eq!(codes, expected, "first diagnose, exit {code}: {stderr}");
    sim.stop();
}
