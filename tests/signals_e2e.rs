//! Termination signals sent to the TUI running on the simulated fleet in
//! tmux: for each of SIGTERM, SIGINT, SIGHUP and SIGQUIT the process leaves
//! the alternate screen, puts the tty back in cooked mode (`icanon echo`)
//! and exits with 128 + the signal's number.

mod common;

use std::process::Command;
use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

/// The fleetdeck process: the only child of the pane's shell.
fn fleetdeck_pid(t: &Tmux) -> String {
    let shell = t.format("#{pane_pid}");
    common::wait_for("the fleetdeck process", Duration::from_secs(10), || {
        let out = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep runs");
        let pids = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        (!pids.is_empty() && !pids.contains('\n')).then_some(pids)
    })
}

fn check(signal: &str, number: i32) {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &[]);
    let cfg = sim.config();
    let log = sim.dir.path().join("tui.log");
    let t = Tmux::start(
        &format!("sig{number}"),
        &cmd(&[
            "--config",
            cfg.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]),
    );
    t.wait_for(&["live"], Duration::from_secs(60));
    assert_eq!(
        t.format("#{alternate_on}"),
        "1",
        "the TUI is on the alternate screen"
    );
    let pid = fleetdeck_pid(&t);
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -{signal} {pid}");
    let expected = format!("FLEETDECK-EXITED={}", 128 + number);
    t.wait_until(&expected, Duration::from_secs(10), |s| {
        s.contains("FLEETDECK-EXITED=")
    });
    let screen = t.capture();
    assert!(screen.contains(&expected), "after SIG{signal}:\n{screen}");
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "left the alternate screen"
    );
    let tty = t.format("#{pane_tty}");
    let stty = Command::new("stty")
        .args(["-F", &tty, "-a"])
        .output()
        .expect("stty runs");
    let modes = String::from_utf8_lossy(&stty.stdout).into_owned();
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "the tty is still raw after {signal}: {modes}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    check("TERM", 15);
}

#[test]
fn sigint_restores_the_terminal() {
    check("INT", 2);
}

#[test]
fn sighup_restores_the_terminal() {
    check("HUP", 1);
}

#[test]
fn sigquit_restores_the_terminal() {
    check("QUIT", 3);
}
