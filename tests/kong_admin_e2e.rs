//! Kong as the official Helm chart installs it: the admin API on
//! `127.0.0.1:8444` with TLS. The simulated API server's pod proxy cannot
//! reach it (as on EKS); its port-forward can, and a client nobody here wrote
//! (the Python kubernetes client) proves the port-forward protocol.

mod common;

use std::time::Duration;

use common::{Sim, wait_for};

/// The name of a running Kong pod of the `healthy` scenario.
fn running_kong_pod(sim: &Sim) -> String {
    let out = wait_for("a running Kong pod", Duration::from_secs(30), || {
        let out = sim.kubectl(&[
            "get",
            "pods",
            "-n",
            "kong",
            "-l",
            "app.kubernetes.io/name=kong,app.kubernetes.io/component=app",
            "--field-selector",
            "status.phase=Running",
            "-o",
            "name",
        ]);
        (!out.trim().is_empty()).then_some(out)
    });
    out.lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("pod/")
        .to_owned()
}

#[test]
fn chart_default_admin_is_refused_by_the_pod_proxy() {
    let sim = Sim::start("healthy", &[]);
    let pod = running_kong_pod(&sim);
    let env = sim.kubectl(&[
        "get",
        "pod",
        "-n",
        "kong",
        &pod,
        "-o",
        "jsonpath={.spec.containers[?(@.name==\"proxy\")].env[?(@.name==\"KONG_ADMIN_LISTEN\")].value}",
    ]);
    assert_eq!(env, "127.0.0.1:8444 http2 ssl");
    for target in [
        format!("{pod}:8444"),
        format!("https:{pod}:8444"),
        format!("{pod}:8001"),
    ] {
        let (ok, _, err) = sim.kubectl_with(
            "kubectl",
            &[
                "get",
                "--raw",
                &format!("/api/v1/namespaces/kong/pods/{target}/proxy/status"),
            ],
        );
        assert!(!ok && err.contains("connection refused"), "{target}: {err}");
    }
    // The chart's status listener binds 0.0.0.0: the pod proxy reaches it.
    let (ok, out, err) = sim.kubectl_with(
        "kubectl",
        &[
            "get",
            "--raw",
            &format!("/api/v1/namespaces/kong/pods/{pod}:8100/proxy/status"),
        ],
    );
    assert!(ok && out.contains("configuration_hash"), "{err}");
}

#[test]
fn python_client_port_forwards_to_the_tls_admin_listener() {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} missing: run ./scripts/setup-test-deps",
        python.display()
    );
    let sim = Sim::start("healthy", &[]);
    let pod = running_kong_pod(&sim);
    let out = std::process::Command::new(python)
        .arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/python/portforward_check.py"),
        )
        .arg(sim.kubeconfig())
        .args(["healthy-eks", "kong", &pod])
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for check in ["verify ok", "tls ok", "refused ok"] {
        assert!(text.contains(check), "{check} missing: {text}");
    }
}

/// Runs `fleetdeck ARGS` with no config file anywhere it would look (empty
/// XDG dirs, no FLEETDECK_CONFIG); returns (exit code, stdout, stderr).
fn fleetdeck_unconfigured(sim: &Sim, args: &[&str]) -> (i32, String, String) {
    let home = sim.dir.path().join("empty-home");
    std::fs::create_dir_all(&home).expect("empty home");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .args(args)
        .env_remove("FLEETDECK_CONFIG")
        .env_remove("KUBECONFIG")
        .env("XDG_CONFIG_HOME", &home)
        .env("XDG_STATE_HOME", &home)
        .env("HOME", &home)
        .output()
        .expect("run fleetdeck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `diagnose` text with and without the sim's config, and the `:gw` snapshot
/// without it, once every Kong pod of the scenario is running.
fn runs(scenario: &str, context: &str) -> (String, String, String) {
    let sim = Sim::start(scenario, &[]);
    wait_for("every Kong pod running", Duration::from_secs(30), || {
        let out = sim.kubectl(&[
            "--context",
            context,
            "get",
            "pods",
            "-n",
            "kong",
            "-l",
            "app.kubernetes.io/name=kong",
            "-o",
            "jsonpath={.items[*].status.phase}",
        ]);
        (!out.is_empty() && out.split(' ').all(|p| p == "Running")).then_some(())
    });
    let kubeconfig = sim.kubeconfig().display().to_string();
    let config = sim.config().display().to_string();
    let log = sim.dir.path().join("d.log").display().to_string();
    let (code, configured, err) =
        fleetdeck_unconfigured(&sim, &["diagnose", "--config", &config, "--log-file", &log]);
    assert!(
        code == 0 || code == 1,
        "configured diagnose exit {code}: {configured}{err}"
    );
    let (code, discovered, err) = fleetdeck_unconfigured(
        &sim,
        &[
            "diagnose",
            "--kubeconfig",
            &kubeconfig,
            "--all-contexts",
            "--log-file",
            &log,
        ],
    );
    assert!(
        code == 0 || code == 1,
        "unconfigured diagnose exit {code}: {discovered}{err}"
    );
    let (code, gw, err) = fleetdeck_unconfigured(
        &sim,
        &[
            "snapshot",
            "--kubeconfig",
            &kubeconfig,
            "--all-contexts",
            "--view",
            "gw",
            "--log-file",
            &log,
        ],
    );
    assert_eq!(code, 0, "snapshot: {gw}{err}");
    (configured, discovered, gw)
}

#[test]
fn no_config_finds_chart_default_kong_through_port_forward_over_tls() {
    let (configured, discovered, gw) = runs("healthy", "healthy-eks");
    assert_eq!(configured, "no findings\n");
    assert_eq!(
        discovered, configured,
        "discovery must diagnose as the configured run"
    );
    assert!(
        gw.contains("healthy-eks/kong — pods in healthy-eks — 2/2 nodes healthy"),
        "{gw}"
    );
    assert_eq!(gw.matches("port-fwd").count(), 2, "{gw}");
}

#[test]
fn no_config_finds_exposed_kong_through_the_pod_proxy() {
    let (configured, discovered, gw) = runs("kong-fargate", "kong-fargate");
    assert!(!configured.contains("FD-KONG"), "{configured}");
    assert!(!discovered.contains("FD-KONG"), "{discovered}");
    assert!(
        gw.contains("kong-fargate/kong — pods in kong-fargate — 1/1 nodes healthy"),
        "{gw}"
    );
    assert!(gw.contains("pod proxy") && !gw.contains("port-fwd"), "{gw}");
}
