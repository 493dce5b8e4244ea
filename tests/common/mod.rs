//! Shared by the integration tests: run `fleetdeck sim` as a child process
//! (as a user would), wait for its `ready` line, drive kubectl against it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const KUBECTL_127: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";

pub struct Sim {
    pub dir: tempfile::TempDir,
    pub child: Child,
}

impl Sim {
    /// Starts `fleetdeck sim --scenario NAME` with extra args; panics with
    /// the sim's stderr if it does not print `ready` within 60 s.
    pub fn start(scenario: &str, extra: &[&str]) -> Sim {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
            .args(["sim", "--scenario", scenario, "--state-dir"])
            .arg(dir.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn fleetdeck sim");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line == "ready" => Sim { dir, child },
            other => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("wait");
                panic!(
                    "sim did not get ready ({other:?}): {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("fleetdeck.toml")
    }

    /// The sim's AWS endpoint, from the `fleetdeck.toml` it wrote.
    pub fn aws_endpoint(&self) -> String {
        let text = std::fs::read_to_string(self.config()).expect("fleetdeck.toml");
        text.lines()
            .find_map(|l| l.strip_prefix("endpoint_url = "))
            .map(|v| v.trim_matches('"').to_owned())
            .expect("endpoint_url in fleetdeck.toml")
    }

    /// Runs kubectl (or `bin`) with this sim's kubeconfig; returns (ok, stdout, stderr).
    pub fn kubectl_with(&self, bin: &str, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(bin)
            .arg("--kubeconfig")
            .arg(self.kubeconfig())
            .arg("--cache-dir")
            .arg(
                self.dir
                    .path()
                    .join(format!("cache-{}", bin.rsplit('/').next().unwrap_or(bin))),
            )
            .args(args)
            .output()
            .expect("kubectl runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// kubectl that must succeed; returns stdout.
    pub fn kubectl(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.kubectl_with("kubectl", args);
        assert!(ok, "kubectl {args:?} failed: {err}");
        out
    }

    /// Sends SIGTERM and returns the exit status.
    /// `fleetdeck diagnose --output json` on every context of this fleet:
    /// (exit code, the JSON or Null if it did not parse, stderr).
    /// Waits until every pod in the `kong` namespace runs: the sim schedules
    /// its pods after it is ready, and a clean diagnosis needs Kong up.
    pub fn wait_kong_running(&self) {
        wait_for("Kong pods running", Duration::from_secs(30), || {
            let out = self.kubectl(&[
                "get",
                "pods",
                "-n",
                "kong",
                "-o",
                "jsonpath={.items[*].status.phase}",
            ]);
            (!out.is_empty() && out.split(' ').all(|p| p == "Running")).then_some(())
        });
    }

    pub fn diagnose_json(&self) -> (i32, serde_json::Value, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
            .arg("diagnose")
            .arg("--config")
            .arg(self.config())
            .args(["--all-contexts", "--output", "json"])
            .arg("--log-file")
            .arg(self.dir.path().join("diagnose.log"))
            .output()
            .expect("run fleetdeck diagnose");
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&self.child);
        wait_timeout(&mut self.child, Duration::from_secs(10)).expect("sim exits after SIGTERM")
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn terminate(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}

pub fn wait_timeout(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// Polls `check` until it returns Some or `limit` passes; panics with `what`.
pub fn wait_for<T>(what: &str, limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
pub mod tmux;

/// One incident of `fleetdeck diagnose --output json` as `(root code, root
/// object, symptom codes in report order)`; a root on a Kong node on ECS is
/// named by its gateway (the node's address is random).
pub fn incident_of(i: &serde_json::Value) -> (String, String, Vec<String>) {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let o = &i["root"]["object"];
    let object = if o["kind"] == "KongNode" {
        text(&o["namespace"])
    } else {
        text(&o["name"])
    };
    let symptoms = i["symptoms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| text(&s["code"]))
        .collect();
    (text(&i["root"]["code"]), object, symptoms)
}
