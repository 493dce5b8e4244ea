//! The kubeconfig `aws eks update-kubeconfig` writes: ARN-named contexts and
//! an exec credential plugin (the sim's `kubeconfig-eks` and its token
//! script). The plugin runs non-interactive with stderr captured: its output
//! never reaches ours, and a failure names the command and its last stderr line.

mod common;

use std::path::Path;
use std::process::Command;

use common::Sim;

const ARN: &str = "arn:aws:eks:eu-west-1:123456789012:cluster/healthy-eks";

/// `fleetdeck diagnose --kubeconfig KC` with no config file; (code, stdout, stderr).
fn diagnose(sim: &Sim, kubeconfig: &Path) -> (i32, String, String) {
    let home = sim.dir.path().join("empty-home");
    std::fs::create_dir_all(&home).expect("empty home");
    // No config file: the region comes from the ARN; the SDK's own env points
    // it at the sim's AWS endpoint with the sim's test credentials.
    let cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("sim config");
    let aws = cfg.aws.expect("sim aws");
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .env("AWS_ENDPOINT_URL", aws.endpoint_url.unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", aws.access_key_id.unwrap_or_default())
        .env(
            "AWS_SECRET_ACCESS_KEY",
            aws.secret_access_key.unwrap_or_default(),
        )
        .env_remove("AWS_PROFILE")
        .env("HOME", &home)
        .arg("diagnose")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--log-file")
        .arg(sim.dir.path().join("d.log"))
        .env_remove("FLEETDECK_CONFIG")
        .env("XDG_CONFIG_HOME", &home)
        .output()
        .expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The sim's `kubeconfig-eks` with its plugin command replaced by `command`.
fn with_command(sim: &Sim, command: &str) -> std::path::PathBuf {
    let eks = sim.dir.path().join("kubeconfig-eks");
    let script = std::fs::canonicalize(sim.dir.path().join("aws-eks-token")).expect("script");
    let text = std::fs::read_to_string(&eks).expect("kubeconfig-eks");
    assert!(
        text.contains("client.authentication.k8s.io/v1beta1"),
        "{text}"
    );
    let path = sim.dir.path().join(format!("kubeconfig-{}", command.len()));
    std::fs::write(&path, text.replace(&script.display().to_string(), command)).expect("write");
    path
}

#[test]
fn exec_plugin_works_fails_with_its_stderr_and_never_writes_to_our_screen() {
    let sim = Sim::start("healthy", &[]);
    let eks = sim.dir.path().join("kubeconfig-eks");
    // kubectl itself accepts the sim's plugin kubeconfig.
    let (ok, out, err) = sim.kubectl_with(
        "kubectl",
        &[
            "--kubeconfig",
            &eks.display().to_string(),
            "config",
            "current-context",
        ],
    );
    assert!(ok && out.trim() == ARN, "{out}{err}");
    sim.wait_kong_running();
    let (code, out, err) = diagnose(&sim, &eks);
    assert_eq!((code, out.as_str()), (0, "no findings\n"), "{err}");

    let missing = with_command(&sim, "/nonexistent/aws");
    let (code, out, _) = diagnose(&sim, &missing);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("cluster {ARN} is unauthorized: exec plugin /nonexistent/aws could not start: No such file or directory")),
        "{out}"
    );

    let failing = sim.dir.path().join("failing-plugin");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'stray progress line' >&2\necho 'Error when retrieving token from sso: Token has expired and refresh failed' >&2\nexit 255\n",
    )
    .expect("write plugin");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let failing_cfg = with_command(&sim, &failing.display().to_string());
    let (code, out, err) = diagnose(&sim, &failing_cfg);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "exec plugin {} failed (exit status: 255): Error when retrieving token from sso: Token has expired and refresh failed",
            failing.display()
        )),
        "{out}"
    );
    // The kubeconfig asks for IfAvailable: were stderr inherited, this would show.
    assert!(
        !out.contains("stray progress line") && !err.contains("stray progress line"),
        "{err}"
    );
}

/// `fleetdeck diagnose` with only the environment given; (code, stdout, stderr).
fn diagnose_env(home: &Path, kubeconfig: Option<&Path>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetdeck"));
    cmd.arg("diagnose")
        .arg("--log-file")
        .arg(home.join("d.log"))
        .env_remove("FLEETDECK_CONFIG")
        .env_remove("KUBECONFIG")
        .env("XDG_CONFIG_HOME", home)
        .env("HOME", home);
    if let Some(k) = kubeconfig {
        cmd.env("KUBECONFIG", k);
    }
    let out = cmd.output().expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_or_malformed_kubeconfig_or_no_current_context_is_one_line_and_exit_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    let missing = home.join("nope");
    let (code, out, err) = diagnose_env(home, Some(&missing));
    assert_eq!(code, 3, "{out}{err}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("fleetdeck: kubeconfig $KUBECONFIG="),
        "{err}"
    );
    let bad = home.join("bad");
    std::fs::write(&bad, "contexts: [\n  {name: \n").expect("write");
    let (code, _, err) = diagnose_env(home, Some(&bad));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap_or_default()
            .contains("$KUBECONFIG="),
        "{err}"
    );
    let no_current = home.join("no-current");
    std::fs::write(
        &no_current,
        "apiVersion: v1\nkind: Config\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\nclusters:\n- name: a\n  cluster: {server: 'https://a.example'}\nusers:\n- name: a\n  user: {token: t}\n",
    )
    .expect("write");
    let (code, _, err) = diagnose_env(home, Some(&no_current));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(
            "fleetdeck: the kubeconfig has no current-context: pick one with --context (known: a)"
        ),
        "{err}"
    );
    // A malformed ~/.kube/config is said too, not taken as "no cluster".
    std::fs::create_dir_all(home.join(".kube")).expect("mkdir");
    std::fs::write(home.join(".kube/config"), "contexts: [\n").expect("write");
    let (code, _, err) = diagnose_env(home, None);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(".kube/config: "), "{err}");
}

#[test]
fn diagnose_that_could_watch_nothing_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    let dead = home.join("dead");
    // Port 1 on loopback: refused at once, nothing else configured.
    std::fs::write(
        &dead,
        "apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\nclusters:\n- name: a\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: a\n  user: {token: t}\n",
    )
    .expect("write");
    let (code, out, err) = diagnose_env(home, Some(&dead));
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        err.contains(
            "fleetdeck: nothing could be watched (no cluster, Kong node or AWS region answered)"
        ),
        "{err}"
    );
}
