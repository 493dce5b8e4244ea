//! A TUI in a detached tmux session: keys in with `send-keys`, the screen
//! out with `capture-pane`; waits poll the pane until text shows (no sleeps).
//!
//! Each session runs on its own tmux server (`-L`): with one shared server, a
//! session started while the previous test's last session was being killed
//! connects to a server on its way out and fails with "server exited
//! unexpectedly".

use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_fleetdeck");

pub struct Tmux {
    pub session: String,
}

impl Tmux {
    /// Starts `cmd` in a detached 160x48 session; the shell prints a marker after it exits.
    pub fn start(name: &str, cmd: &str) -> Tmux {
        let session = format!("fd-act-{name}-{}", std::process::id());
        let script = format!("{cmd}; echo FLEETDECK-EXITED=$?; sleep 600");
        let ok = tmux(&session)
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

    /// A tmux command on this session's own server.
    fn command(&self) -> Command {
        tmux(&self.session)
    }

    pub fn capture(&self) -> String {
        let out = self
            .command()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with its SGR escape sequences (colours, bold…) kept.
    pub fn capture_escapes(&self) -> String {
        let out = self
            .command()
            .args(["capture-pane", "-p", "-e", "-t", &self.session])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A tmux format of the pane, e.g. `#{pane_title}`.
    pub fn format(&self, fmt: &str) -> String {
        let out = self
            .command()
            .args(["display-message", "-p", "-t", &self.session, fmt])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Key names (`Enter`, `Escape`, `Tab`…) or single characters.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let ok = self
                .command()
                .args(["send-keys", "-t", &self.session, k])
                .status()
                .expect("send-keys")
                .success();
            assert!(ok, "send-keys {k}");
        }
    }

    /// Types literal text (no key-name interpretation).
    pub fn type_text(&self, text: &str) {
        let ok = self
            .command()
            .args(["send-keys", "-l", "-t", &self.session, text])
            .status()
            .expect("send-keys")
            .success();
        assert!(ok, "send-keys -l {text}");
    }

    /// Polls the pane until `check` accepts it.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if check(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < timeout,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Polls the pane until every needle is on screen.
    pub fn wait_for(&self, needles: &[&str], timeout: Duration) -> String {
        self.wait_until(&format!("{needles:?}"), timeout, |s| {
            needles.iter().all(|n| s.contains(n))
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}

/// A tmux command on the server named `socket`.
fn tmux(socket: &str) -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", socket]);
    c
}

pub fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The dashboard on `sim`'s `fleetdeck.toml` (log in the sim's folder as
/// `NAME.log`) with `extra` arguments, once its Fleet view is live.
pub fn dashboard(name: &str, sim: &super::Sim, extra: &[&str]) -> Tmux {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let cfg = sim.config();
    let log = sim.dir.path().join(format!("{name}.log"));
    let mut args = vec![
        "--config",
        cfg.to_str().expect("utf-8"),
        "--log-file",
        log.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let t = Tmux::start(name, &cmd(&args));
    t.wait_for(&["Fleet (", "live"], Duration::from_secs(60));
    t
}

/// A shell command line running the fleetdeck binary with `args`.
pub fn cmd(args: &[&str]) -> String {
    let mut s = format!("'{BIN}'");
    for a in args {
        s.push_str(&format!(" '{a}'"));
    }
    s
}
