//! The AWS SDK's credential chain as real users have it, against the
//! simulated fleet's AWS endpoint (which refuses unsigned requests): a
//! profile with `credential_process` (a script the test writes) signs the
//! calls; a profile with no credentials cannot; an SSO profile never logged
//! in is one line saying to run `aws sso login --profile P`. Each run gets
//! its own HOME and AWS config file: the machine's `~/.aws` plays no part.

mod common;

use std::path::Path;
use std::process::Command;

use common::Sim;

/// `fleetdeck diagnose --region eu-west-1` as profile `profile` of the
/// config file `config`, no kubeconfig: (exit code, stderr).
fn diagnose(sim: &Sim, home: &Path, config: &Path, profile: &str) -> (i32, String) {
    let cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("sim config");
    let endpoint = cfg.aws.and_then(|a| a.endpoint_url).expect("sim endpoint");
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("AWS_CONFIG_FILE", config)
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_PROFILE", profile)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["diagnose", "--region", "eu-west-1", "--log-file"])
        .arg(home.join(format!("{profile}.log")))
        .output()
        .expect("run fleetdeck diagnose");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn credential_process_signs_and_an_sso_profile_not_logged_in_says_what_to_run() {
    let sim = Sim::start("kong-ecs", &[]);
    let home = sim.dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let marker = home.join("credential-process-ran");
    let script = home.join("creds.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ntouch '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS\", \"SecretAccessKey\": \"process-secret\"}}'\n",
            marker.display()
        ),
    )
    .expect("script");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let config = home.join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile proc]\ncredential_process = {}\n\n[profile bare]\noutput = json\n\n\
             [profile sso-user]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n\
             [profile sso-old]\nsso_session = old\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\n\
             [sso-session old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n",
            script.display()
        ),
    )
    .expect("aws config");

    // No credentials anywhere: the sim refuses, so the region is not reached.
    let (code, err) = diagnose(&sim, &home, &config, "bare");
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("could not reach aws eu-west-1: unauthorized (no AWS credentials"),
        "{err}"
    );

    let (code, err) = diagnose(&sim, &home, &config, "proc");
    assert!(marker.exists(), "credential_process never ran: {err}");
    assert!(!err.contains("could not reach aws"), "{err}");
    assert_ne!(code, 3, "{err}");

    let (code, err) = diagnose(&sim, &home, &config, "sso-user");
    assert_eq!(code, 3, "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("aws eu-west-1"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("unauthorized"), "{err}");
    assert!(
        lines[0].contains("run aws sso login --profile sso-user"),
        "{err}"
    );

    // Logged in once, long ago: the cached token (named by the SHA-1 of the
    // session name, as the SDK and the CLI name it) expired and cannot refresh.
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).expect("sso cache");
    std::fs::write(
        cache.join("c00dbbc9dadfbe1e232e93a729dd4752fade0abf.json"),
        r#"{"accessToken": "expired", "expiresAt": "2020-01-01T00:00:00Z", "region": "eu-west-1", "startUrl": "https://old.awsapps.com/start"}"#,
    )
    .expect("cached token");
    let (code, err) = diagnose(&sim, &home, &config, "sso-old");
    assert_eq!(code, 3, "{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("aws eu-west-1"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("expired and cannot be refreshed"),
        "{err}"
    );
    assert!(
        lines[0].contains("run aws sso login --profile sso-old"),
        "{err}"
    );
    sim.stop();
}
