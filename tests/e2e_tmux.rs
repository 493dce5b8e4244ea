//! End to end: the built binary in a real terminal (tmux, 160x48). Keys are
//! sent with `send-keys`, the screen read with `capture-pane`; every wait
//! polls the pane for expected text (no fixed sleeps). Each test visits every
//! view, quits with `q`, and checks the terminal was restored.

mod common;

use std::path::Path;
use std::time::Duration;

use common::tmux::{Tmux, cmd, have_tmux};

/// Visits every view by command and by tab, opens help, quits, checks the terminal.
fn tour(t: &Tmux, expect: &[(&str, &str)]) {
    let long = Duration::from_secs(60);
    t.wait_for(&["Fleet (", "<q> quit"], long);
    for (cmd, title) in expect {
        t.type_text(&format!(":{cmd}"));
        t.keys(&["Enter"]);
        t.wait_for(&[&format!("┌ {title} ")], long);
    }
    // The tour ends on Fleet; tab moves to the next view.
    t.keys(&["Tab"]);
    t.wait_for(&["┌ Nodes ("], long);
    t.type_text("?");
    t.wait_for(&["esc closes", "describe the selected object"], long);
    t.keys(&["Escape"]);
    t.wait_for(&["<q> quit"], long);
    t.type_text("q");
    let screen = t.wait_for(&["FLEETDECK-EXITED=0"], long);
    assert!(
        !screen.contains("┌ Fleet"),
        "the dashboard is gone after q:\n{screen}"
    );
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "alternate screen left on after quit"
    );
}

const VIEWS: &[(&str, &str)] = &[
    ("nodes", "Nodes"),
    ("pods", "Pods"),
    ("deploy", "Workloads"),
    ("hpa", "HPAs"),
    ("pvc", "PVCs"),
    ("gw", "Gateways"),
    ("aws", "AWS"),
    ("findings", "Findings"),
    ("fleet", "Fleet"),
];

/// A fleet where nothing answers: the dashboard must still come up, say
/// "unreachable" per cluster, and stay responsive.
#[test]
fn offline_fleet_every_view_and_clean_quit() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("kubeconfig"),
        "apiVersion: v1\nkind: Config\nclusters:\n- name: down\n  cluster: {server: \"https://127.0.0.1:1\"}\n\
         contexts:\n- name: down\n  context: {cluster: down, user: u}\ncurrent-context: down\n\
         users:\n- name: u\n  user: {token: t}\n",
    )
    .expect("kubeconfig");
    std::fs::write(
        dir.path().join("fleetdeck.toml"),
        "kubeconfig = \"kubeconfig\"\n[aws]\nregions = [\"eu-west-1\"]\nendpoint_url = \"http://127.0.0.1:2\"\n\
         access_key_id = \"x\"\nsecret_access_key = \"y\"\n[[gateways]]\nname = \"kong-ecs\"\nadmin_urls = [\"http://127.0.0.1:3\"]\n",
    )
    .expect("config");
    let cfg = dir.path().join("fleetdeck.toml");
    let log = dir.path().join("log");
    let t = Tmux::start(
        "offline",
        &cmd(&["--config", path(&cfg), "--log-file", path(&log)]),
    );
    t.wait_for(&["unreachable"], Duration::from_secs(30));
    tour(&t, VIEWS);
}

/// `fleetdeck demo`: the simulated fleet in-process and the TUI on it.
#[test]
fn demo_every_view_and_clean_quit() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let log = dir.path().join("log");
    let t = Tmux::start("demo", &cmd(&["demo", "--log-file", path(&log)]));
    t.wait_for(&["live"], Duration::from_secs(60));
    tour(&t, VIEWS);
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
