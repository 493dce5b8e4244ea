//! Names are data, display is display: a pod whose name holds a terminal
//! escape (the sim stores what it is sent, as a careless admission chain
//! would) is drawn sanitized, in aligned columns, and every action on it
//! uses its real name — describe finds it instead of a 404.

mod common;

use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

const LONG: Duration = Duration::from_secs(60);
const RAW: &str = "evil\u{1b}[31mred";
const DRAWN: &str = "evilred";

#[test]
fn a_name_with_an_escape_is_drawn_sanitized_and_acted_on_by_its_real_name() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &[]);
    let pod = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": RAW, "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    });
    let file = sim.dir.path().join("evil-pod.json");
    std::fs::write(&file, pod.to_string()).expect("write pod");
    let path = file.to_str().expect("utf-8");
    let (ok, out, err) = sim.kubectl_with("kubectl", &["create", "--validate=false", "-f", path]);
    assert!(ok, "create: {out}{err}");
    // The API knows it by its real name only.
    let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "pod", "-n", "default", DRAWN]);
    assert!(!ok && err.contains("not found"), "{err}");
    sim.kubectl(&["get", "pod", "-n", "default", RAW]);

    let cfg = sim.config();
    let log = sim.dir.path().join("names.log");
    let t = Tmux::start(
        "names",
        &cmd(&[
            "--config",
            cfg.to_str().expect("utf-8"),
            "--log-file",
            log.to_str().expect("utf-8"),
        ]),
    );
    t.wait_for(&["Fleet (", "live"], LONG);
    t.type_text(":pods default");
    t.keys(&["Enter"]);
    let pods = t.wait_for(&[DRAWN], LONG);
    assert!(!pods.contains("[31m"), "escape drawn:\n{pods}");
    // Widths are measured on the drawn text: the name starts where the
    // NAME header does and the next column stays in line with the header.
    let header = pods
        .lines()
        .find(|l| l.contains("NAME") && l.contains("READY"))
        .expect("header");
    let row = pods.lines().find(|l| l.contains(DRAWN)).expect("row");
    let col = |l: &str, s: &str| l.find(s).map(|b| l[..b].chars().count());
    let name = col(header, " NAME ").map(|c| c + 1);
    assert_eq!(name, col(row, DRAWN), "\n{header}\n{row}");
    let ready = col(header, "READY").expect("READY");
    assert_eq!(
        row.chars().nth(ready.saturating_sub(1)),
        Some(' '),
        "the name spills into READY:\n{header}\n{row}"
    );

    t.type_text(&format!("/{DRAWN}"));
    t.keys(&["Enter"]);
    t.wait_for(&["(1)"], LONG);
    t.keys(&["d"]);
    let described = t.wait_for(&["busybox"], LONG);
    assert!(!described.contains("not found"), "{described}");
    assert!(!described.contains("[31m"), "{described}");
    assert!(described.contains(DRAWN), "{described}");
}
