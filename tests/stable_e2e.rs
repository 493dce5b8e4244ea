//! Findings do not flap: on `demo` and `virtual-kubelet`, headless
//! `diagnose --output json` is sampled back to back over a window while the
//! dashboard runs on the same fleet with its Findings view open from launch
//! (its screen sampled alongside). The incidents' root codes of every
//! headless run equal the first run's; the dashboard shows no root before
//! it shows exactly those (and never calls the fleet clean meanwhile), and
//! never another set after.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

/// How long each scenario is sampled.
const WINDOW: Duration = Duration::from_secs(45);
const LONG: Duration = Duration::from_secs(60);

/// Root code → how many incidents have it.
type Roots = BTreeMap<String, usize>;

/// hello-api's HPA follows the demo's load curve and may legitimately
/// reach and leave its maximum: its incident is left out of the comparison.
const MOVING: &str = "hello-api";

fn headless_roots(sim: &Sim) -> Option<Roots> {
    let (code, json, stderr) = sim.diagnose_json();
    let unreached = json["unreached"].as_array().map_or(0, Vec::len);
    // A run that could not reach every source is not a settled sample.
    if code == 3 || json.is_null() || unreached > 0 {
        eprintln!("unsettled run: exit {code}: {stderr}");
        return None;
    }
    let mut roots = Roots::new();
    for i in json["incidents"].as_array().into_iter().flatten() {
        let root = &i["root"];
        let cause = root["cause"].as_str().unwrap_or_default();
        if root["object"]["name"] == MOVING || cause.contains(MOVING) {
            continue;
        }
        let code = root["code"].as_str().unwrap_or("?").to_owned();
        *roots.entry(code).or_default() += 1;
    }
    Some(roots)
}

/// The root rows of the Findings view (incidents folded): their codes.
fn screen_roots(screen: &str) -> Roots {
    let mut roots = Roots::new();
    for line in screen.lines().filter(|l| l.starts_with('│')) {
        if line.contains(MOVING) {
            continue;
        }
        if let Some(code) = line.split_whitespace().find(|w| w.starts_with("FD-")) {
            *roots.entry(code.to_owned()).or_default() += 1;
        }
    }
    roots
}

fn hold(scenario: &str) {
    assert!(have_tmux(), "tmux is missing: run ./scripts/test");
    let sim = Sim::start(scenario, &[]);
    let cfg = sim.config();
    let log = sim.dir.path().join("tui.log");
    let t = Tmux::start(
        scenario,
        &cmd(&[
            "--config",
            cfg.to_str().expect("utf-8"),
            "--all-contexts",
            "--log-file",
            log.to_str().expect("utf-8"),
        ]),
    );
    t.wait_for(&["Fleet ("], LONG);
    t.type_text(":findings");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ Findings ("], LONG);
    // The screen is sampled on its own thread while diagnose runs.
    let done = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<(Roots, String)>>> = Arc::default();
    let sampler = {
        let (done, seen) = (done.clone(), seen.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let screen = t.capture();
                seen.lock()
                    .expect("samples")
                    .push((screen_roots(&screen), screen));
                std::thread::sleep(Duration::from_millis(250));
            }
        })
    };
    let start = Instant::now();
    let mut first: Option<Roots> = None;
    let mut runs = 0;
    while start.elapsed() < WINDOW {
        let Some(roots) = headless_roots(&sim) else {
            assert!(
                first.is_none(),
                "a run after the first settled one was not settled"
            );
            continue;
        };
        runs += 1;
        match &first {
            None => first = Some(roots),
            Some(f) => assert_eq!(&roots, f, "{scenario}: diagnose run {runs} changed roots"),
        }
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    let first = first.expect("at least one settled diagnose run");
    assert!(runs >= 3, "only {runs} diagnose runs in the window");
    let seen = seen.lock().expect("samples");
    let mut reached = false;
    for (i, (roots, screen)) in seen.iter().enumerate() {
        // Before the findings show, the view says it waits, never "clean".
        assert!(
            first.is_empty() || !screen.contains("nothing is wrong"),
            "{scenario}: screen sample {i} claims a clean fleet:\n{screen}"
        );
        if roots == &first {
            reached = true;
        } else {
            assert!(
                !reached && roots.is_empty(),
                "{scenario}: screen sample {i} shows roots {roots:?}, diagnose says {first:?}:\n{screen}"
            );
        }
    }
    assert!(
        reached,
        "{scenario}: the screen never showed {first:?}; last:\n{}",
        seen.last().map(|s| s.1.as_str()).unwrap_or_default()
    );
    sim.stop();
}

#[test]
fn demo_roots_hold_in_diagnose_and_on_screen() {
    hold("demo");
}

#[test]
fn virtual_kubelet_roots_hold_in_diagnose_and_on_screen() {
    hold("virtual-kubelet");
}
