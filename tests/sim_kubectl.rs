//! `fleetdeck sim` in front of the real kubectl (1.32 and 1.27) and the
//! official Python client: every kind listed, describe with events, scale
//! moving Fargate nodes, logs, the pod proxy to Kong, auth and faults.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{KUBECTL_127, Sim, wait_for};

const KINDS: &str = "nodes,pods,deploy,rs,sts,ds,svc,endpointslices,hpa,pvc,pv,storageclass,events,ingress,ingressclass,namespaces";

#[test]
fn sim_writes_its_files_answers_kubectl_and_stops_on_sigterm() {
    let sim = Sim::start("healthy", &[]);
    let cfg =
        fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("fleetdeck.toml parses");
    let aws = cfg.aws.expect("aws section");
    assert!(
        aws.endpoint_url
            .is_some_and(|u| u.starts_with("http://127.0.0.1:"))
    );
    assert!(!aws.regions.is_empty());
    let contexts = sim.kubectl(&["config", "get-contexts", "-o", "name"]);
    assert!(!contexts.trim().is_empty());
    for ctx in contexts.lines() {
        let out = sim.kubectl(&["--context", ctx, "get", "nodes", "-o", "name"]);
        assert!(out.lines().any(|l| l.starts_with("node/")), "{ctx}: {out}");
    }
    let status = sim.stop();
    assert!(status.success(), "sim exit: {status:?}");
}

#[test]
fn bad_scenario_or_state_dir_is_one_line_and_exit_2() {
    let bin = env!("CARGO_BIN_EXE_fleetdeck");
    let out = std::process::Command::new(bin)
        .args(["sim", "--scenario", "nope", "--state-dir", "/tmp/fd-nope"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("nope") && err.contains("terrax"),
        "names the bad one and the valid ones: {err}"
    );
    let out = std::process::Command::new(bin)
        .args([
            "sim",
            "--scenario",
            "healthy",
            "--state-dir",
            "/proc/fleetdeck",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/proc/fleetdeck"));
    let out = std::process::Command::new(bin)
        .arg("scenarios")
        .output()
        .expect("run");
    let list = String::from_utf8_lossy(&out.stdout);
    for name in [
        "demo",
        "healthy",
        "terrax",
        "kong-fargate",
        "late-profile",
        "kong-ecs",
        "virtual-kubelet",
        "global",
        "scale",
    ] {
        assert!(
            list.lines().any(|l| l.starts_with(name)),
            "{name} missing from {list}"
        );
    }
}

#[test]
fn terrax_every_kind_lists_and_the_wffc_deadlock_shows_in_describe() {
    let sim = Sim::start("terrax", &[]);
    // Fargate nodes arrive a few seconds after their pods are admitted.
    wait_for("Fargate nodes", Duration::from_secs(30), || {
        (fargate_nodes(&sim) > 0).then_some(())
    });
    for bin in ["kubectl", KUBECTL_127] {
        let (ok, out, err) = sim.kubectl_with(bin, &["get", KINDS, "-A"]);
        assert!(ok, "{bin}: {err}");
        for want in [
            "fargate-ip-",
            "storageclass",
            "persistentvolumeclaim/",
            "deployment.apps/",
            "endpointslice",
        ] {
            assert!(out.contains(want), "{bin}: {want} missing:\n{out}");
        }
    }
    // The PVC never binds: WaitForFirstConsumer, and its pod is refused by Fargate.
    let pvc = wait_for("a Pending PVC", Duration::from_secs(20), || {
        let out = sim.kubectl(&["get", "pvc", "-A", "--no-headers"]);
        out.lines().find(|l| l.contains("Pending")).map(|l| {
            l.split_whitespace()
                .take(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
    });
    let described = wait_for("the WFFC event", Duration::from_secs(20), || {
        let d = sim.kubectl(&["describe", "pvc", "-n", &pvc[0], &pvc[1]]);
        d.contains("WaitForFirstConsumer").then_some(d)
    });
    assert!(
        described.contains("waiting for first consumer"),
        "{described}"
    );
    let pending = sim.kubectl(&[
        "get",
        "pods",
        "-A",
        "--field-selector",
        "status.phase=Pending",
        "--no-headers",
    ]);
    let (ns, pod) = pending
        .lines()
        .next()
        .map(|l| {
            let mut f = l.split_whitespace();
            (
                f.next().unwrap_or_default().to_owned(),
                f.next().unwrap_or_default().to_owned(),
            )
        })
        .expect("a pending pod");
    let d = wait_for("the Fargate refusal", Duration::from_secs(20), || {
        let d = sim.kubectl(&["describe", "pod", "-n", &ns, &pod]);
        d.contains("not supported on Fargate").then_some(d)
    });
    assert!(
        d.contains("fargate-scheduler") && d.contains("Events:"),
        "{d}"
    );
    let node = sim
        .kubectl(&["get", "nodes", "-o", "name"])
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("node/")
        .to_owned();
    let d = sim.kubectl(&["describe", "node", &node]);
    assert!(
        d.contains("Non-terminated Pods") && d.contains("Labels:"),
        "{d}"
    );
    let deploys = sim.kubectl(&["get", "deploy", "-A", "--no-headers"]);
    let first = deploys.lines().next().expect("a deployment");
    let f: Vec<&str> = first.split_whitespace().collect();
    let d = sim.kubectl(&["describe", "deployment", "-n", f[0], f[1]]);
    assert!(
        d.contains("Replicas:") && d.contains("NewReplicaSet"),
        "{d}"
    );
}

#[test]
fn in_cluster_kong_routes_by_ingresses_kubectl_lists() {
    let sim = Sim::start("healthy", &[]);
    for bin in ["kubectl", KUBECTL_127] {
        let (ok, out, err) = sim.kubectl_with(bin, &["get", "ingress", "-A"]);
        assert!(ok, "{bin}: {err}");
        let header = out.lines().next().unwrap_or_default();
        for col in [
            "NAMESPACE",
            "NAME",
            "CLASS",
            "HOSTS",
            "ADDRESS",
            "PORTS",
            "AGE",
        ] {
            assert!(header.contains(col), "{bin}: {col} missing from {header}");
        }
        for svc in ["hello-api", "orders"] {
            assert!(
                out.lines().any(|l| l.contains(svc) && l.contains(" kong ")),
                "{bin}: no kong Ingress for {svc}:\n{out}"
            );
        }
        let (ok, out, err) = sim.kubectl_with(bin, &["get", "ingressclass"]);
        assert!(ok, "{bin}: {err}");
        assert!(
            out.lines().any(
                |l| l.starts_with("kong ") && l.contains("ingress-controllers.konghq.com/kong")
            ),
            "{bin}:\n{out}"
        );
    }
    let yaml = sim.kubectl(&["get", "ingress", "-n", "apps", "hello-api", "-o", "yaml"]);
    assert!(
        yaml.contains("ingressClassName: kong") && yaml.contains("name: hello-api"),
        "{yaml}"
    );
}

fn fargate_nodes(sim: &Sim) -> usize {
    sim.kubectl(&[
        "get",
        "nodes",
        "-l",
        "eks.amazonaws.com/compute-type=fargate",
        "-o",
        "name",
    ])
    .lines()
    .count()
}

#[test]
fn terrax_scaling_adds_and_recycles_fargate_nodes() {
    let sim = Sim::start("terrax", &[]);
    let before = wait_for("Fargate nodes", Duration::from_secs(30), || {
        let n = fargate_nodes(&sim);
        let running = sim
            .kubectl(&[
                "get",
                "pods",
                "-n",
                "tb-demo",
                "-l",
                "app=service",
                "--field-selector",
                "status.phase=Running",
                "-o",
                "name",
            ])
            .lines()
            .count();
        (n >= 2 && running == 2).then_some(n)
    });
    let out = sim.kubectl(&[
        "scale",
        "deployment",
        "service",
        "-n",
        "tb-demo",
        "--replicas=4",
    ]);
    assert!(out.contains("scaled"), "{out}");
    wait_for(
        "4 running pods on 2 more Fargate nodes",
        Duration::from_secs(30),
        || {
            let running = sim.kubectl(&[
                "get",
                "pods",
                "-n",
                "tb-demo",
                "-l",
                "app=service",
                "--field-selector",
                "status.phase=Running",
                "-o",
                "wide",
                "--no-headers",
            ]);
            (running.lines().count() == 4
                && running.lines().all(|l| l.contains("fargate-ip-"))
                && fargate_nodes(&sim) == before + 2)
                .then_some(())
        },
    );
    sim.kubectl(&[
        "scale",
        "deployment",
        "service",
        "-n",
        "tb-demo",
        "--replicas=1",
    ]);
    wait_for("nodes recycled", Duration::from_secs(30), || {
        (fargate_nodes(&sim) == before - 1).then_some(())
    });
}

#[test]
fn logs_follow_tail_container_and_previous() {
    let sim = Sim::start("demo", &[]);
    let ctx = sim
        .kubectl(&["config", "current-context"])
        .trim()
        .to_owned();
    // A crash-looping pod has a previous instance.
    let crashing = wait_for("a restarted pod", Duration::from_secs(45), || {
        let out = sim.kubectl(&["--context", &ctx, "get", "pods", "-A", "--no-headers"]);
        out.lines()
            .find(|l| l.contains("CrashLoopBackOff") || l.contains("Error"))
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f[0].to_owned(), f[1].to_owned())
            })
    });
    let prev = wait_for("previous logs", Duration::from_secs(30), || {
        let (ok, out, _) = sim.kubectl_with(
            "kubectl",
            &[
                "--context",
                &ctx,
                "logs",
                "-n",
                &crashing.0,
                &crashing.1,
                "--previous",
                "--tail=5",
            ],
        );
        (ok && !out.is_empty()).then_some(out)
    });
    assert!(prev.lines().count() <= 5, "{prev}");
    let running = sim.kubectl(&[
        "--context",
        &ctx,
        "get",
        "pods",
        "-A",
        "--field-selector",
        "status.phase=Running",
        "--no-headers",
    ]);
    let f: Vec<&str> = running
        .lines()
        .next()
        .expect("a running pod")
        .split_whitespace()
        .collect();
    let out = sim.kubectl(&["--context", &ctx, "logs", "-n", f[0], f[1], "--tail=3"]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let containers = sim.kubectl(&[
        "--context",
        &ctx,
        "get",
        "pod",
        "-n",
        f[0],
        f[1],
        "-o",
        "jsonpath={.spec.containers[0].name}",
    ]);
    let out = sim.kubectl(&[
        "--context",
        &ctx,
        "logs",
        "-n",
        f[0],
        f[1],
        "-c",
        &containers,
        "--tail=2",
        "--timestamps",
    ]);
    assert!(out.lines().all(|l| l.starts_with("20")), "{out}");
    // -f keeps the stream open and delivers new lines.
    let mut child = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(sim.kubeconfig())
        .args([
            "--context",
            &ctx,
            "logs",
            "-f",
            "--tail=1",
            "-n",
            f[0],
            f[1],
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl logs -f");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for l in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(l);
        }
    });
    let mut lines = 0;
    while lines < 3 {
        rx.recv_timeout(Duration::from_secs(10))
            .expect("followed lines keep coming");
        lines += 1;
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn pod_proxy_reaches_each_kong_pods_admin_api() {
    let sim = Sim::start("kong-fargate", &[]);
    let cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("config");
    let gw = cfg
        .gateways
        .iter()
        .find(|g| g.context.is_some())
        .expect("an in-cluster gateway");
    let (ctx, ns, sel) = (
        gw.context.clone().unwrap_or_default(),
        gw.namespace.clone().unwrap_or_default(),
        gw.selector.clone().unwrap_or_default(),
    );
    let pods = wait_for("running Kong pods", Duration::from_secs(30), || {
        let out = sim.kubectl(&[
            "--context",
            &ctx,
            "get",
            "pods",
            "-n",
            &ns,
            "-l",
            &sel,
            "--field-selector",
            "status.phase=Running",
            "-o",
            "name",
        ]);
        (!out.trim().is_empty()).then_some(out)
    });
    let pod = pods
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("pod/")
        .to_owned();
    let status = wait_for("Kong /status", Duration::from_secs(20), || {
        let (ok, out, _) = sim.kubectl_with(
            "kubectl",
            &[
                "--context",
                &ctx,
                "get",
                "--raw",
                &format!("/api/v1/namespaces/{ns}/pods/{pod}:8001/proxy/status"),
            ],
        );
        ok.then_some(out)
    });
    let v: serde_json::Value = serde_json::from_str(&status).expect("Kong /status is JSON");
    assert!(v["server"]["total_requests"].is_number(), "{v}");
    assert_eq!(
        v["configuration_hash"].as_str().map(str::len),
        Some(32),
        "DB-less node reports its hash: {v}"
    );
    let health = sim.kubectl(&[
        "--context",
        &ctx,
        "get",
        "--raw",
        &format!("/api/v1/namespaces/{ns}/pods/{pod}:8001/proxy/upstreams"),
    ]);
    assert!(health.contains("\"data\""), "{health}");
}

#[test]
fn injected_faults_reach_clients() {
    let sim = Sim::start(
        "healthy",
        &["--fault", "forbid=pods", "--fault", "token-expiry=3"],
    );
    let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "pods", "-A"]);
    assert!(!ok && err.contains("forbidden"), "{err}");
    assert!(
        sim.kubectl(&["get", "nodes", "-o", "name"])
            .contains("node/")
    );
    wait_for("the token to expire", Duration::from_secs(15), || {
        let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "nodes"]);
        (!ok && err.contains("Unauthorized")).then_some(())
    });
    let sim = Sim::start("healthy", &["--fault", "5xx=1"]);
    let (ok, _, err) = sim.kubectl_with("kubectl", &["get", "--raw", "/api/v1/nodes"]);
    assert!(!ok && err.contains("timed out"), "{err}");
}

#[test]
fn python_client_lists_watches_with_bookmarks_gets_410_and_patches() {
    let python = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} missing: run ./scripts/test (it installs the test dependencies)",
        python.display()
    );
    let sim = Sim::start("terrax", &[]);
    let ctx = sim
        .kubectl(&["config", "current-context"])
        .trim()
        .to_owned();
    let out = std::process::Command::new(python)
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/client_check.py"))
        .arg(sim.kubeconfig())
        .args([ctx.as_str(), "tb-demo", "service"])
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for check in ["list ok", "read ok", "watch ok", "gone ok"] {
        assert!(text.contains(check), "{check} missing: {text}");
    }
}

/// Runs `kubectl get --raw PATH` and returns (ok, stdout, stderr, how long).
fn raw_timed(sim: &Sim, path: &str) -> (bool, String, String, Duration) {
    let t0 = std::time::Instant::now();
    let (ok, out, err) = sim.kubectl_with("kubectl", &["get", "--raw", path]);
    (ok, out, err, t0.elapsed())
}

#[test]
fn watch_faults_latency_and_gone_reach_clients() {
    let sim = Sim::start(
        "healthy",
        &[
            "--fault",
            "gone-next-watch",
            "--fault",
            "drop-watches@2",
            "--fault",
            "latency=700",
        ],
    );
    // Every request waits the added latency.
    let (ok, _, err, took) = raw_timed(&sim, "/api/v1/namespaces");
    assert!(ok && took >= Duration::from_millis(700), "{err} {took:?}");
    // The next watch is told its version is gone (410), as after compaction.
    let (_, out, err, _) = raw_timed(
        &sim,
        "/api/v1/pods?watch=true&resourceVersion=1&timeoutSeconds=30",
    );
    assert!(
        out.contains("\"type\":\"ERROR\"") && out.contains("\"code\":410"),
        "{out} {err}"
    );
    // Later watches run, but every one is dropped within seconds, long
    // before its own 60 s timeout.
    let (_, out, _, took) = raw_timed(&sim, "/api/v1/pods?watch=true&timeoutSeconds=60");
    assert!(out.contains("\"type\":\"ADDED\""), "{out}");
    assert!(
        !out.contains("\"code\":410") && took < Duration::from_secs(30),
        "{took:?}"
    );
}

fn kong_admin_urls(sim: &Sim) -> Vec<String> {
    let cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("config");
    cfg.gateways
        .iter()
        .flat_map(|g| g.admin_urls.clone())
        .collect()
}

fn curl(url: &str) -> (bool, String) {
    let out = Command::new("curl")
        .args(["-s", "-m", "3", url])
        .output()
        .expect("curl runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn kong_nodes_can_time_out_or_answer_garbage() {
    // A wrong name is refused with the names there are.
    let out = Command::new(env!("CARGO_BIN_EXE_fleetdeck"))
        .args([
            "sim",
            "--scenario",
            "kong-ecs",
            "--fault",
            "kong-timeout=nope",
        ])
        .arg("--state-dir")
        .arg(tempfile::tempdir().expect("dir").path())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let names: Vec<String> = err
        .rsplit_once("nodes: ")
        .map(|(_, n)| {
            n.trim()
                .trim_end_matches(')')
                .split(", ")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names.len(), 3, "{err}");

    let sim = Sim::start(
        "kong-ecs",
        &[
            "--fault",
            &format!("kong-timeout={}", names[0]),
            "--fault",
            &format!("kong-garbage={}", names[1]),
        ],
    );
    let mut seen = Vec::new();
    for url in kong_admin_urls(&sim) {
        let (ok, body) = curl(&format!("{url}/status"));
        let parsed = serde_json::from_str::<serde_json::Value>(&body).is_ok();
        seen.push(match (ok, parsed) {
            (false, _) => "timeout",
            (true, false) => "garbage",
            (true, true) => "ok",
        });
    }
    seen.sort();
    assert_eq!(seen, ["garbage", "ok", "timeout"]);
}

#[test]
fn update_nodegroup_config_changes_the_ec2_nodes_kubectl_shows() {
    let sim = Sim::start("terrax", &[]);
    let ec2_nodes = || {
        sim.kubectl(&[
            "get",
            "nodes",
            "-l",
            "eks.amazonaws.com/nodegroup=ng-mysql",
            "-o",
            "name",
        ])
        .lines()
        .count()
    };
    assert_eq!(ec2_nodes(), 1);
    let cfg = fleetdeck::config::fleet::FleetConfig::load(&sim.config()).expect("config");
    let aws = cfg.aws.expect("aws section");
    let config = aws_sdk_eks::Config::builder()
        .behavior_version(aws_sdk_eks::config::BehaviorVersion::latest())
        .region(aws_sdk_eks::config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_eks::config::Credentials::new(
            aws.access_key_id.expect("key"),
            aws.secret_access_key.expect("secret"),
            None,
            None,
            "fleetdeck.toml",
        ))
        .endpoint_url(aws.endpoint_url.expect("endpoint"))
        .build();
    let eks = aws_sdk_eks::Client::from_conf(config);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let update = rt
        .block_on(
            eks.update_nodegroup_config()
                .cluster_name("terrax-fargate")
                .nodegroup_name("ng-mysql")
                .scaling_config(
                    aws_sdk_eks::types::NodegroupScalingConfig::builder()
                        .min_size(1)
                        .desired_size(2)
                        .max_size(2)
                        .build(),
                )
                .send(),
        )
        .expect("UpdateNodegroupConfig");
    assert!(update.update().and_then(|u| u.id()).is_some());
    wait_for("a second ng-mysql node", Duration::from_secs(60), || {
        (ec2_nodes() == 2).then_some(())
    });
    // EKS refuses a second update while the first runs; wait for ACTIVE.
    wait_for(
        "the node group to be ACTIVE again",
        Duration::from_secs(60),
        || {
            let ng = rt
                .block_on(
                    eks.describe_nodegroup()
                        .cluster_name("terrax-fargate")
                        .nodegroup_name("ng-mysql")
                        .send(),
                )
                .ok()?;
            let status = ng.nodegroup()?.status()?.as_str().to_owned();
            (status == "ACTIVE").then_some(())
        },
    );
    // Beyond max is refused the way EKS refuses it.
    let err = rt
        .block_on(
            eks.update_nodegroup_config()
                .cluster_name("terrax-fargate")
                .nodegroup_name("ng-mysql")
                .scaling_config(
                    aws_sdk_eks::types::NodegroupScalingConfig::builder()
                        .desired_size(5)
                        .build(),
                )
                .send(),
        )
        .expect_err("desired above max");
    let msg = format!("{:?}", err.into_service_error());
    assert!(msg.contains("InvalidParameter"), "{msg}");
}

#[test]
fn describe_hpa_shows_metrics_conditions_and_events() {
    let sim = Sim::start("kong-fargate", &[]);
    let text = wait_for("the HPA's first reading", Duration::from_secs(60), || {
        let t = sim.kubectl(&["describe", "hpa", "hello-api", "-n", "default"]);
        // Until hello-api's pod is ready the HPA has no metrics, as on EKS.
        t.contains("ValidMetricFound").then_some(t)
    });
    for want in [
        "Reference:",
        "Deployment/hello-api",
        "Metrics:",
        "resource cpu on pods",
        "Min replicas:",
        "Max replicas:",
        "Conditions:",
        "AbleToScale",
        "ValidMetricFound",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
    assert!(!text.contains("<unknown>"), "{text}");
}
