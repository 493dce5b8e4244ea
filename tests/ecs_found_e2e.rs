//! Kong on ECS configured by admin URLs alone (no `ecs_service`): the ECS
//! service running it is found from the nodes' task IPs (the awsvpc hostname
//! each node reports at `GET /`), so the AWS view names the service behind
//! the gateway and the Gateways view places it, said as found, not configured.
//! With no gateway at all, the AWS view still says which service runs Kong
//! (its tasks' image) and that nothing polls it.

mod common;

use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

#[test]
fn the_ecs_service_behind_kong_is_found_without_config() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("kong-ecs", &[]);
    let text = std::fs::read_to_string(sim.config()).expect("sim config");
    let line = "ecs_service = \"eu-west-1/kong-gateway/kong\"";
    assert!(text.contains(line), "{text}");
    let config = sim.dir.path().join("fleetdeck-no-ecs.toml");
    std::fs::write(&config, text.replace(line, "")).expect("write");
    let log = sim.dir.path().join("tui.log");
    let t = Tmux::start(
        "ecs-found",
        &cmd(&[
            "--config",
            config.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]),
    );
    t.type_text(":aws");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&["Kong gateway kong-ecs"], Duration::from_secs(60));
    // Only Kong's own service is the gateway's, not the backends it routes to.
    assert_eq!(
        screen.matches("Kong gateway kong-ecs").count(),
        1,
        "{screen}"
    );
    let row = screen
        .lines()
        .find(|l| l.contains("Kong gateway kong-ecs"))
        .unwrap_or_default();
    assert!(
        row.contains("kong-gateway") && row.contains(" kong "),
        "{row}"
    );
    t.type_text(":gw");
    t.keys(&["Enter"]);
    t.wait_for(
        &[
            "ECS eu-west-1/kong-gateway/kong (found by task IP)",
            "runs on task",
        ],
        Duration::from_secs(30),
    );
    sim.stop();
}

#[test]
fn an_ecs_service_running_kong_that_no_gateway_polls_is_said() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("kong-ecs", &[]);
    let mut cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("sim config");
    assert!(!cfg.gateways.is_empty());
    cfg.gateways.clear();
    let config = sim.dir.path().join("fleetdeck-no-gateway.toml");
    std::fs::write(&config, cfg.to_toml()).expect("write");
    let log = sim.dir.path().join("tui.log");
    let t = Tmux::start(
        "ecs-unpolled",
        &cmd(&[
            "--config",
            config.to_str().expect("utf-8 path"),
            "--log-file",
            log.to_str().expect("utf-8 path"),
        ]),
    );
    t.type_text(":aws");
    t.keys(&["Enter"]);
    let screen = t.wait_for(&["runs Kong (kong:3.9.1)"], Duration::from_secs(60));
    // Only the Kong service, not the backends (shop/* images).
    assert_eq!(screen.matches("runs Kong").count(), 1, "{screen}");
    assert!(!screen.contains("Kong gateway"), "{screen}");
    sim.stop();
}
