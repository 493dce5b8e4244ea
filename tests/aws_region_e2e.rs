//! The AWS region with no config file and no EKS ARN: `AWS_REGION` /
//! `AWS_DEFAULT_REGION`, else the region of the AWS profile (`--profile`,
//! else `AWS_PROFILE`, else `default`) in `AWS_CONFIG_FILE` or
//! `~/.aws/config`. Every run gets its own HOME and AWS config file, so the
//! machine's own `~/.aws` never changes a result; the AWS endpoint is a
//! closed local port, so the region polled shows in diagnose's one-line
//! "could not reach aws REGION".

use std::path::Path;
use std::process::Command;

/// `fleetdeck diagnose` with only `vars` (plus a fresh HOME) set: (exit code, stderr).
fn diagnose(home: &Path, extra_args: &[&str], vars: &[(&str, &str)]) -> (i32, String) {
    // A port that was just free: connections to it are refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a local port")
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetdeck"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{closed}"))
        .env("AWS_ACCESS_KEY_ID", "AKIATEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("diagnose")
        .args(extra_args)
        .arg("--log-file")
        .arg(home.join("d.log"));
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The regions diagnose tried, from its "could not reach aws REGION" lines.
fn regions(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("fleetdeck: could not reach aws "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_profiles_region_is_polled_when_nothing_else_names_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    std::fs::create_dir_all(home.join(".aws")).expect("mkdir");
    std::fs::write(
        home.join(".aws/config"),
        "[default]\nregion = us-east-2\n\n[profile ops]\nregion = ap-southeast-2\n",
    )
    .expect("write");
    let other = home.join("other-config");
    std::fs::write(&other, "[profile ops]\nregion = sa-east-1\n").expect("write");
    let other = other.to_str().expect("utf-8 path");

    let (code, err) = diagnose(home, &[], &[]);
    assert_eq!(
        (code, regions(&err)),
        (3, vec!["us-east-2".to_owned()]),
        "{err}"
    );
    let (_, err) = diagnose(home, &[], &[("AWS_PROFILE", "ops")]);
    assert_eq!(regions(&err), ["ap-southeast-2"], "{err}");
    let (_, err) = diagnose(home, &["--profile", "ops"], &[]);
    assert_eq!(regions(&err), ["ap-southeast-2"], "{err}");
    let (_, err) = diagnose(
        home,
        &[],
        &[("AWS_PROFILE", "ops"), ("AWS_CONFIG_FILE", other)],
    );
    assert_eq!(regions(&err), ["sa-east-1"], "{err}");
    let (_, err) = diagnose(
        home,
        &[],
        &[("AWS_PROFILE", "ops"), ("AWS_REGION", "eu-north-1")],
    );
    assert_eq!(regions(&err), ["eu-north-1"], "{err}");
    let (_, err) = diagnose(
        home,
        &["--region", "us-west-1"],
        &[("AWS_REGION", "eu-north-1")],
    );
    assert_eq!(regions(&err), ["us-west-1"], "{err}");
    // No profile file at all: no region is guessed, nothing is polled.
    let (code, err) = diagnose(home, &[], &[("AWS_CONFIG_FILE", "/nonexistent/aws-config")]);
    assert_eq!((code, regions(&err)), (3, vec![]), "{err}");
}
