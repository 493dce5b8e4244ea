//! Keys typed the moment the TUI is launched (before it has set up the
//! terminal) are not lost: `:pods⏎` sent with the command opens the Pods view.

mod common;

use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

#[test]
fn keys_typed_at_launch_are_kept() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &[]);
    let cfg = sim.config();
    for attempt in 0..3 {
        let log = sim.dir.path().join(format!("tui{attempt}.log"));
        let t = Tmux::start(
            &format!("keys{attempt}"),
            &cmd(&[
                "--config",
                cfg.to_str().expect("utf-8 path"),
                "--log-file",
                log.to_str().expect("utf-8 path"),
            ]),
        );
        t.type_text(":pods");
        t.keys(&["Enter"]);
        t.wait_for(&["┌ Pods ("], Duration::from_secs(30));
    }
}
