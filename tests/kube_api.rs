//! The simulated API server in front of the real `kubectl`, with objects put
//! straight into its store (no controllers): discovery, server-side tables,
//! selectors, paging, patch/scale, watch, auth.

use std::process::Command;
use std::sync::Arc;

use fleetdeck_sim::cluster::Cluster;
use fleetdeck_sim::{kubeconfig, server};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

struct Api {
    _dir: tempfile::TempDir,
    kubeconfig: std::path::PathBuf,
    cluster: Arc<Cluster>,
    url: String,
}

async fn start() -> Api {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cluster = Arc::new(Cluster::new(
        "test-ctx",
        "eu-west-1",
        31,
        "s3cret-token".into(),
        3,
    ));
    {
        let mut store = cluster.store();
        for i in 0..7 {
            let pod: Pod = serde_json::from_value(json!({
                "metadata": {"name": format!("web-{i}"), "namespace": "default", "labels": {"app": if i % 2 == 0 { "web" } else { "api" }}},
                "spec": {"nodeName": if i < 3 { "node-a" } else { "node-b" }, "containers": [{"name": "app", "image": "hello-api:1"}]},
                "status": {"phase": "Running", "podIP": format!("10.0.0.{i}"), "containerStatuses": [{"name": "app", "image": "hello-api:1", "imageID": "", "ready": i != 4, "restartCount": i, "state": if i == 4 { json!({"waiting": {"reason": "CrashLoopBackOff"}}) } else { json!({"running": {"startedAt": "2026-11-21T00:00:00Z"}}) }}]}
            })).expect("pod");
            store.create(&pod).expect("create");
        }
        let d: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "hello-api:1"}]}}}
        })).expect("deploy");
        store.create(&d).expect("create");
    }
    let served = server::serve_cluster(cluster.clone()).await.expect("serve");
    let dir = tempfile::tempdir().expect("tmp");
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        kubeconfig::render(&[kubeconfig::Entry {
            context: "test-ctx".into(),
            arn: "arn:aws:eks:eu-west-1:123456789012:cluster/test-ctx".into(),
            region: "eu-west-1".into(),
            server: served.url.clone(),
            ca_pem: served.ca_pem.clone(),
            token: "s3cret-token".into(),
        }]),
    )
    .expect("write");
    Api {
        _dir: dir,
        kubeconfig: kc,
        cluster,
        url: served.url,
    }
}

async fn kubectl(api: &Api, bin: &str, args: &[&str]) -> (bool, String, String) {
    let kc = api.kubeconfig.clone();
    let cache = api._dir.path().join(format!("cache-{bin}"));
    let (bin, args) = (
        bin.to_owned(),
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    );
    tokio::task::spawn_blocking(move || {
        let out = Command::new(&bin)
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--cache-dir")
            .arg(&cache)
            .args(&args)
            .output()
            .expect("kubectl runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .expect("join")
}

const KUBECTL_127: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_reads_tables_selectors_and_pages() {
    let api = start().await;
    for bin in ["kubectl", KUBECTL_127] {
        let (ok, out, err) = kubectl(&api, bin, &["get", "pods", "-A", "--chunk-size=3"]).await;
        assert!(ok, "{bin}: {err}");
        let header = out.lines().next().unwrap_or_default();
        for col in ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"] {
            assert!(header.contains(col), "{bin}: {header}");
        }
        assert_eq!(out.lines().count(), 8, "{out}");
        assert!(
            out.lines().any(|l| l.contains("web-4")
                && l.contains("0/1")
                && l.contains("CrashLoopBackOff")),
            "{out}"
        );
    }
    let (ok, out, err) = kubectl(
        &api,
        "kubectl",
        &[
            "get",
            "pods",
            "-l",
            "app=web",
            "--field-selector",
            "spec.nodeName=node-b",
            "-o",
            "name",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["pod/web-4", "pod/web-6"]
    );
    let (ok, out, err) = kubectl(&api, "kubectl", &["get", "deploy,pods", "-o", "json"]).await;
    assert!(ok, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(8));
}

/// Pages of a list carry `remainingItemCount` (what is left after the
/// page) and the last page none, read raw by kubectl as any client sees it.
#[tokio::test(flavor = "multi_thread")]
async fn list_pages_count_what_remains() {
    let api = start().await;
    let mut path = "/api/v1/pods?limit=3".to_owned();
    let mut seen = 0;
    let mut remaining = Vec::new();
    loop {
        let (ok, out, err) = kubectl(&api, "kubectl", &["get", "--raw", &path]).await;
        assert!(ok, "{err}");
        let page: serde_json::Value = serde_json::from_str(&out).expect("json");
        seen += page["items"].as_array().map_or(0, Vec::len);
        remaining.push(page["metadata"]["remainingItemCount"].as_u64());
        match page["metadata"]["continue"].as_str() {
            Some(token) => path = format!("/api/v1/pods?limit=3&continue={token}"),
            None => break,
        }
    }
    assert_eq!(seen, 7);
    assert_eq!(remaining, vec![Some(4), Some(1), None]);
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_scales_patches_and_is_refused_without_token() {
    let api = start().await;
    let (ok, out, err) = kubectl(
        &api,
        "kubectl",
        &["scale", "deployment", "web", "--replicas=5"],
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("scaled"), "{out}");
    let d: Deployment = api.cluster.store().get("default", "web").expect("deploy");
    assert_eq!(d.spec.replicas, Some(5));
    let (ok, _, err) = kubectl(&api, "kubectl", &["label", "pod", "web-1", "tier=edge"]).await;
    assert!(ok, "{err}");
    let p: Pod = api.cluster.store().get("default", "web-1").expect("pod");
    assert_eq!(
        p.metadata
            .labels
            .and_then(|l| l.get("tier").cloned())
            .as_deref(),
        Some("edge")
    );
    // RFC 6902 through kubectl: `move` applies; a `replace` of a missing path is refused.
    let mv = r#"[{"op":"move","from":"/metadata/labels/tier","path":"/metadata/labels/layer"}]"#;
    let (ok, _, err) = kubectl(
        &api,
        "kubectl",
        &["patch", "pod", "web-1", "--type=json", "-p", mv],
    )
    .await;
    assert!(ok, "{err}");
    let labels = api
        .cluster
        .store()
        .get::<Pod>("default", "web-1")
        .expect("pod")
        .metadata
        .labels
        .unwrap_or_default();
    assert_eq!(
        (labels.get("tier"), labels.get("layer").map(String::as_str)),
        (None, Some("edge"))
    );
    let bad = r#"[{"op":"replace","path":"/metadata/labels/missing","value":"x"}]"#;
    let (ok, _, err) = kubectl(
        &api,
        "kubectl",
        &["patch", "pod", "web-1", "--type=json", "-p", bad],
    )
    .await;
    assert!(!ok && err.contains("is invalid"), "{err}");
    let (ok, _, err) = kubectl(&api, "kubectl", &["get", "pods", "--token", "wrong"]).await;
    assert!(!ok);
    assert!(err.contains("Unauthorized"), "{err}");
    let (ok, out, _) = kubectl(&api, "kubectl", &["get", "--raw", "/version"]).await;
    assert!(ok && out.contains("eks"), "{out}");
    let _ = &api.url;
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_watch_shows_a_change() {
    let api = start().await;
    let kc = api.kubeconfig.clone();
    let cache = api._dir.path().join("cache-w");
    let child = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&kc)
        .arg("--cache-dir")
        .arg(&cache)
        .args(["get", "pods", "-w", "--request-timeout=20s"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl -w");
    // Read kubectl's lines as they come; wait for what each step needs.
    let mut child = child;
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let wait_line = |want: &dyn Fn(&str) -> bool, what: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) if want(&l) => return,
                Ok(_) => {}
                Err(_) => panic!("kubectl -w never printed {what}"),
            }
        }
    };
    wait_line(&|l| l.contains("web-2"), "the initial list");
    {
        let mut store = api.cluster.store();
        let mut p: Pod = store.get("default", "web-2").expect("pod");
        if let Some(s) = p
            .status
            .as_mut()
            .and_then(|s| s.container_statuses.as_mut())
        {
            s[0].ready = false;
            s[0].state = Some(
                serde_json::from_value(json!({"waiting": {"reason": "ImagePullBackOff"}}))
                    .expect("state"),
            );
        }
        store.replace(&p).expect("replace");
    }
    wait_line(
        &|l| l.contains("web-2") && l.contains("ImagePullBackOff"),
        "the change",
    );
    let _ = child.kill();
    let _ = child.wait();
}
