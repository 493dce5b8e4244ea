//! Secrets exist in the sim and never leak: kubectl lists, gets and watches
//! them as the API serves them; in the TUI a pod that mounts one and the
//! Secret itself are described by keys and sizes only, and no value (nor its
//! base64) reaches the screen, the trace log or `diagnose --output json`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use common::Sim;
use common::tmux::{Tmux, cmd, have_tmux};

const LONG: Duration = Duration::from_secs(60);

/// The values of `db-credentials` in `apps`, as the API holds them:
/// (key, plain text, base64).
fn values(sim: &Sim) -> Vec<(String, String, String)> {
    let json = sim.kubectl(&[
        "get",
        "secret",
        "db-credentials",
        "-n",
        "apps",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("secret JSON");
    let data = v["data"].as_object().expect("data");
    data.iter()
        .map(|(k, b64)| {
            let b64 = b64.as_str().expect("base64 text").to_owned();
            let plain = base64::engine::general_purpose::STANDARD
                .decode(&b64)
                .expect("valid base64");
            (
                k.clone(),
                String::from_utf8(plain).expect("utf-8 value"),
                b64,
            )
        })
        .collect()
}

fn assert_no_value(what: &str, text: &str, values: &[(String, String, String)]) {
    for (key, plain, b64) in values {
        assert!(!text.contains(plain.as_str()), "{key}'s value in {what}");
        assert!(!text.contains(b64.as_str()), "{key}'s base64 in {what}");
    }
}

#[test]
fn kubectl_lists_gets_and_watches_secrets() {
    let sim = Sim::start("healthy", &[]);
    let list = sim.kubectl(&["get", "secrets", "-n", "apps"]);
    let row = list
        .lines()
        .find(|l| l.starts_with("db-credentials "))
        .unwrap_or_else(|| panic!("no db-credentials in:\n{list}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[1..3], ["Opaque", "3"], "{list}");
    let vals = values(&sim);
    assert_eq!(vals.len(), 3);
    assert!(vals.iter().any(|(k, _, _)| k == "password"));
    assert_no_value("kubectl's table", &list, &vals);
    let kong = sim.kubectl(&["get", "secrets", "-n", "kong", "-o", "name"]);
    assert!(
        kong.contains("secret/kong-validation-webhook-keypair"),
        "{kong}"
    );
    let tls = sim.kubectl(&[
        "get",
        "secrets",
        "-A",
        "--field-selector",
        "type=kubernetes.io/tls",
        "-o",
        "name",
    ]);
    assert_eq!(tls.trim(), "secret/kong-validation-webhook-keypair");

    // A watch sees a Secret created after it started.
    let mut watch = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig())
        .args(["get", "secrets", "-n", "apps", "--watch", "-o", "name"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl --watch");
    let (tx, rx) = mpsc::channel();
    let out = watch.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    // The initial list arrives first: the watch is established after it.
    let first = rx.recv_timeout(LONG).expect("initial list");
    assert_eq!(first, "secret/db-credentials");
    sim.kubectl(&[
        "create",
        "secret",
        "generic",
        "api-token",
        "-n",
        "apps",
        "--from-literal=token=s3cr3t-VALUE-token-0b5e",
    ]);
    let seen = loop {
        match rx.recv_timeout(LONG) {
            Ok(l) if l == "secret/api-token" => break true,
            Ok(_) => continue,
            Err(_) => break false,
        }
    };
    let _ = watch.kill();
    let _ = watch.wait();
    assert!(seen, "the watch never saw secret/api-token");

    // As the API server: stringData is stored as base64 data, and the type defaults.
    let manifest = serde_json::json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "from-string-data", "namespace": "apps"},
        "stringData": {"token": "s3cr3t-VALUE-plain-3d9e"},
    });
    let file = sim.dir.path().join("string-data.json");
    std::fs::write(&file, manifest.to_string()).expect("write manifest");
    sim.kubectl(&[
        "create",
        "--validate=false",
        "-f",
        file.to_str().expect("utf-8"),
    ]);
    let got: serde_json::Value = serde_json::from_str(&sim.kubectl(&[
        "get",
        "secret",
        "from-string-data",
        "-n",
        "apps",
        "-o",
        "json",
    ]))
    .expect("secret JSON");
    assert_eq!(got["type"], "Opaque");
    assert!(got.get("stringData").is_none(), "{got}");
    let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr3t-VALUE-plain-3d9e");
    assert_eq!(got["data"]["token"], b64.as_str(), "{got}");
}

#[test]
fn describe_shows_secret_keys_and_sizes_and_no_value_reaches_screen_log_or_diagnose() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &[]);
    let vals = values(&sim);
    let cfg = sim.config();
    let log = sim.dir.path().join("secrets-trace.log");
    let t = Tmux::start(
        "secrets",
        &format!(
            "FLEETDECK_LOG=trace {}",
            cmd(&[
                "--config",
                cfg.to_str().expect("utf-8"),
                "--log-file",
                log.to_str().expect("utf-8"),
            ])
        ),
    );
    let mut screens = Vec::new();
    screens.push(t.wait_for(&["Fleet (", "live"], LONG));

    // A pod that mounts the secret and reads one key into its environment.
    t.type_text(":pods apps");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ Pods "], LONG);
    t.type_text("/hello-api");
    t.keys(&["Enter"]);
    screens.push(t.wait_until("a hello-api row", LONG, |s| {
        s.lines()
            .skip(4)
            .any(|l| l.starts_with('│') && l.contains("hello-api-"))
    }));
    t.type_text("d");
    screens.push(t.wait_for(
        &[
            "describe Pod apps/hello-api-",
            "DB_PASSWORD: <set to the key 'password' in secret 'db-credentials'>",
            "/etc/db from db-credentials (ro)",
        ],
        LONG,
    ));
    t.type_text("/Volumes");
    t.keys(&["Enter"]);
    screens.push(t.wait_for(&["Volumes:", "Type:", "Secret db-credentials"], LONG));
    t.keys(&["Escape"]);
    t.wait_for(&["┌ Pods "], LONG);

    // The Secret itself: its keys and their decoded sizes.
    t.type_text(":secrets apps");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ Secrets "], LONG);
    t.type_text("/db-credentials");
    t.keys(&["Enter"]);
    screens.push(t.wait_until("the db-credentials row", LONG, |s| {
        s.lines()
            .skip(4)
            .any(|l| l.starts_with('│') && l.contains("db-credentials") && l.contains("Opaque"))
    }));
    t.type_text("d");
    let mut needles: Vec<String> = vec!["describe Secret apps/db-credentials".into()];
    needles.extend(
        vals.iter()
            .map(|(k, plain, _)| format!("{k}:  {} bytes", plain.len())),
    );
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    screens.push(t.wait_for(&needles, LONG));
    // The YAML form redacts too.
    t.type_text("y");
    screens.push(t.wait_for(&["kind: Secret", "yaml ·"], LONG));
    t.keys(&["Escape"]);
    t.wait_for(&["┌ Secrets "], LONG);
    t.type_text("q");
    t.wait_for(&["FLEETDECK-EXITED=0"], LONG);
    for (i, s) in screens.iter().enumerate() {
        assert_no_value(&format!("screen {i}"), s, &vals);
    }

    let trace = std::fs::read_to_string(&log).expect("the trace log");
    assert!(
        trace.contains("TRACE"),
        "the log is not at trace level ({} bytes)",
        trace.len()
    );
    // The log did trace the Secrets' traffic: the search below covers it.
    assert!(
        trace.contains("/secrets"),
        "no Secrets request in the trace log"
    );
    assert_no_value("the trace log", &trace, &vals);

    let diag_log = sim.dir.path().join("diagnose-trace.log");
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .env("FLEETDECK_LOG", "trace")
        .arg("diagnose")
        .arg("--config")
        .arg(&cfg)
        .args(["--all-contexts", "--output", "json"])
        .arg("--log-file")
        .arg(&diag_log)
        .output()
        .expect("run fleetdeck diagnose");
    let json = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str::<serde_json::Value>(&json).expect("diagnose prints JSON");
    assert_no_value("diagnose's JSON", &json, &vals);
    assert_no_value(
        "diagnose's stderr",
        &String::from_utf8_lossy(&out.stderr),
        &vals,
    );
    let diag_trace = std::fs::read_to_string(&diag_log).expect("diagnose's log");
    assert_no_value("diagnose's trace log", &diag_trace, &vals);
}

/// Secrets RBAC forbids (the built-in `view` role does): the `:secrets` view
/// says so, while the cluster and its other kinds stay live, on screen and
/// in `diagnose`.
#[test]
fn forbidden_secrets_are_said_in_their_view_and_leave_the_cluster_live() {
    assert!(
        have_tmux(),
        "tmux is missing: run ./scripts/test (it installs the test dependencies)"
    );
    let sim = Sim::start("healthy", &["--fault", "forbid=secrets"]);
    let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "secrets", "-A"]);
    assert!(!ok && err.contains("forbidden"), "kubectl refused: {err}");
    let cfg = sim.config();
    let log = sim.dir.path().join("forbid-secrets.log");
    let t = Tmux::start(
        "forbid-secrets",
        &cmd(&[
            "--config",
            cfg.to_str().expect("utf-8"),
            "--log-file",
            log.to_str().expect("utf-8"),
        ]),
    );
    t.type_text(":secrets");
    t.keys(&["Enter"]);
    let secrets = t.wait_for(&["no secrets — healthy-eks: forbidden"], LONG);
    assert!(
        secrets.contains("healthy-eks secrets forbidden"),
        "{secrets}"
    );
    t.type_text(":fleet");
    t.keys(&["Enter"]);
    let fleet = t.wait_until("healthy-eks live", LONG, |s| {
        s.lines()
            .any(|l| l.contains("healthy-eks") && l.contains(" live "))
    });
    assert!(fleet.contains("clusters 1 live"), "{fleet}");
    let (code, json, stderr) = sim.diagnose_json();
    assert_eq!(code, 0, "a healthy fleet: {json}\n{stderr}");
    // Said, not hidden: the 403 is listed among the sources not seen.
    let unreached = json["unreached"].to_string();
    assert!(
        unreached.contains("secrets") && unreached.contains("forbidden"),
        "{unreached}"
    );
    let codes: Vec<String> = json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {json}\n{stderr}"))
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_owned))
        .collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("FD-CLUSTER-")),
        "{codes:?}"
    );
}
