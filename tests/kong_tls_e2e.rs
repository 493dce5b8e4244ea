//! Kong admin URLs over https (Kong on ECS with a self-signed admin
//! certificate, which the simulated fleet writes to `DIR/kong-admin.pem`):
//! trusted through the gateway's `ca_file`, accepted unverified with
//! `insecure = true` (and said so), refused with neither — each node then
//! unreachable with the TLS reason, never a guess about its health.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::tmux::{Tmux, cmd, have_tmux};
use common::{Sim, wait_for};
use serde_json::Value;

/// `fleetdeck diagnose --output json --config CONFIG`: (exit code, JSON).
fn diagnose(dir: &Path, config: &Path) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .arg("diagnose")
        .arg("--config")
        .arg(config)
        .args(["--all-contexts", "--output", "json"])
        .arg("--log-file")
        .arg(dir.join("diagnose.log"))
        .output()
        .expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

fn codes(json: &Value) -> Vec<String> {
    let mut c: Vec<String> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect();
    c.sort();
    c.dedup();
    c
}

/// The sim's https config with its `ca_file` line replaced by `with`.
fn variant(sim: &Sim, name: &str, with: &str) -> PathBuf {
    let tls =
        std::fs::read_to_string(sim.dir.path().join("fleetdeck-tls.toml")).expect("tls config");
    assert!(tls.contains("ca_file = \"kong-admin.pem\""), "{tls}");
    assert!(tls.contains("https://127.0.0.1:"), "{tls}");
    let path = sim.dir.path().join(name);
    std::fs::write(&path, tls.replace("ca_file = \"kong-admin.pem\"", with)).expect("write");
    path
}

/// The scenario's one broken balancer and nothing else: every node answered.
fn wait_live(sim: &Sim, config: &Path) {
    wait_for(
        "the https nodes polled live",
        Duration::from_secs(60),
        || {
            let (code, json) = diagnose(sim.dir.path(), config);
            (code == 2 && codes(&json) == ["FD-KONG-NO-PEER"]).then_some(())
        },
    );
}

#[test]
fn ca_file_trusts_the_self_signed_admin_certificate() {
    let sim = Sim::start("kong-ecs", &[]);
    wait_live(&sim, &sim.dir.path().join("fleetdeck-tls.toml"));
    sim.stop();
}

#[test]
fn no_ca_file_is_the_tls_failure_on_every_node_not_a_guess() {
    let sim = Sim::start("kong-ecs", &[]);
    let config = variant(&sim, "fleetdeck-plain.toml", "");
    let json = wait_for("every node unreachable", Duration::from_secs(60), || {
        let (_, json) = diagnose(sim.dir.path(), &config);
        (codes(&json) == ["FD-KONG-UNREACHABLE"]).then_some(json)
    });
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 3, "one per node: {json}");
    for f in &findings {
        let text = f.to_string();
        assert!(
            text.contains("/status: TLS: invalid peer certificate ("),
            "{text}"
        );
        assert!(text.contains("set ca_file"), "{text}");
        // The node answered: deleting or replacing it is not the fix.
        assert!(!text.contains("replace that node"), "{text}");
    }
    sim.stop();
}

#[test]
fn insecure_is_live_and_the_describe_pane_says_unverified() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("kong-ecs", &[]);
    let config = variant(&sim, "fleetdeck-insecure.toml", "insecure = true");
    wait_live(&sim, &config);
    let log = sim.dir.path().join("tui.log");
    let t = Tmux::start(
        "insecure",
        &cmd(&[
            "--config",
            config.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]),
    );
    t.type_text(":gw");
    t.keys(&["Enter"]);
    t.wait_for(&["admin url", "db reachable"], Duration::from_secs(30));
    t.keys(&["d"]);
    let screen = t.wait_for(&["certificate NOT verified"], Duration::from_secs(30));
    assert!(screen.contains("insecure = true"), "{screen}");
    sim.stop();
}
