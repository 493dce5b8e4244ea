//! Conventions of a well-behaved terminal program: `NO_COLOR` set (and not
//! empty) means the TUI draws without a single colour escape; `fleetdeck
//! completions SHELL` prints a completion script naming our subcommands.

mod common;

use std::process::Command;
use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

/// Every SGR parameter list (`ESC [ … m`) on the screen.
fn sgr(screen: &str) -> Vec<&str> {
    screen
        .split("\u{1b}[")
        .skip(1)
        .filter_map(|rest| rest.split_once('m').map(|(params, _)| params))
        .collect()
}

/// SGR parameter lists that set a foreground or background colour.
fn colour_escapes(screen: &str) -> Vec<String> {
    sgr(screen)
        .into_iter()
        .filter(|params| {
            params.split(';').any(|p| {
                matches!(
                    p.parse::<u16>(),
                    Ok(30..=37 | 38 | 40..=47 | 48 | 90..=97 | 100..=107)
                )
            })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_color_draws_without_colour_escapes() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &[]);
    let cfg = sim.config();
    let run = |name: &str, prefix: &str| {
        let log = sim.dir.path().join(format!("{name}.log"));
        let line = cmd(&[
            "--config",
            cfg.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]);
        let t = Tmux::start(name, &format!("{prefix}{line}"));
        t.type_text(":pods");
        t.keys(&["Enter"]);
        t.wait_for(&["┌ Pods ("], Duration::from_secs(30));
        t.capture_escapes()
    };
    // The control: the same screen in colour has colour escapes.
    let coloured = run("colour", "NO_COLOR= ");
    assert!(!colour_escapes(&coloured).is_empty(), "{coloured}");
    let plain = run("nocolour", "NO_COLOR=1 ");
    assert_eq!(colour_escapes(&plain), Vec::<String>::new(), "{plain}");
    // Not colour, but still set apart: the selected row is reversed (SGR 7).
    let reversed = sgr(&plain)
        .iter()
        .any(|params| params.split(';').any(|p| p == "7"));
    assert!(reversed, "{plain}");
    sim.stop();
}

#[test]
fn completions_for_bash_name_the_subcommands() {
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .args(["completions", "bash"])
        .output()
        .expect("run fleetdeck completions");
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains("complete -F"), "{script}");
    for sub in ["diagnose", "snapshot", "completions"] {
        assert!(
            script.contains(sub),
            "{sub} missing from the bash completions"
        );
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .args(["completions", "tcsh"])
        .output()
        .expect("run fleetdeck completions");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values"));
}
