//! End to end: the built binary in a real terminal (tmux, 160x48). Keys are
//! sent with `send-keys`, the screen read with `capture-pane`; every wait
//! polls the pane for expected text (no fixed sleeps). Each test visits every
//! view, quits with `q`, and checks the terminal was restored.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fleetdeck");

struct Tmux {
    session: String,
}

impl Tmux {
    /// Starts `cmd` in a detached 160x48 session; the shell prints a marker after it exits.
    fn start(name: &str, cmd: &str) -> Tmux {
        let session = format!("fd-e2e-{name}-{}", std::process::id());
        let script = format!("{cmd}; echo FLEETDECK-EXITED=$?; sleep 600");
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "48",
                "-s",
                &session,
                "sh",
                "-c",
                &script,
            ])
            .status()
            .expect("tmux runs")
            .success();
        assert!(ok, "tmux new-session failed");
        Tmux { session }
    }

    fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let ok = Command::new("tmux")
                .args(["send-keys", "-t", &self.session, k])
                .status()
                .expect("send-keys")
                .success();
            assert!(ok, "send-keys {k}");
        }
    }

    /// Types literal text (no key-name interpretation).
    fn type_text(&self, text: &str) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-l", "-t", &self.session, text])
            .status()
            .expect("send-keys")
            .success();
        assert!(ok, "send-keys -l {text}");
    }

    /// Polls the pane until every needle is on screen.
    fn wait_for(&self, needles: &[&str], timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {needles:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn alternate_screen(&self) -> bool {
        let out = Command::new("tmux")
            .args([
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{alternate_on}",
            ])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

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
    t.wait_for(
        &["help — esc to close", "describe the selected object"],
        long,
    );
    t.keys(&["Escape"]);
    t.wait_for(&["<q> quit"], long);
    t.type_text("q");
    let screen = t.wait_for(&["FLEETDECK-EXITED=0"], long);
    assert!(
        !screen.contains("┌ Fleet"),
        "the dashboard is gone after q:\n{screen}"
    );
    assert!(!t.alternate_screen(), "alternate screen left on after quit");
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

fn cmd(args: &[&str]) -> String {
    let mut s = format!("'{BIN}'");
    for a in args {
        s.push_str(&format!(" '{a}'"));
    }
    s
}
