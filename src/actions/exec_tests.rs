//! The executor against an in-process simulated cluster: under `--readonly`
//! it refuses a scale itself, whatever the UI let through, and nothing changes;
//! a node's describe lists the pods and sums `kubectl describe node` does.

use k8s_openapi::api::apps::v1::Deployment;
use kube::Api;
use tokio::sync::mpsc;

use super::exec::Executor;
use super::scale::ScaleRequest;
use super::subject::KubeRef;
use super::{ActionEvent, Effect};
use crate::sources::Plan;
use crate::test_sim;

const CONTEXT: &str = "terrax-fargate";

/// Runs one scale of tb-demo/service to `replicas` and returns its answer.
async fn scale(plan: &Plan, readonly: bool, replicas: i32) -> (bool, String) {
    let (tx, mut rx) = mpsc::channel(8);
    let mut exec = Executor::new(plan, readonly, tx);
    exec.run(Effect::Scale(ScaleRequest::Workload {
        object: KubeRef::new(CONTEXT, "Deployment", "tb-demo", "service"),
        replicas,
    }));
    match rx.recv().await {
        Some(ActionEvent::Applied { ok, message, .. }) => (ok, message),
        other => panic!("expected Applied, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readonly_executor_refuses_a_scale_and_the_cluster_keeps_its_replicas() {
    let sim = test_sim::start("terrax", &[]).await;
    let plan = Plan {
        kubeconfig: Some(sim.kubeconfig.clone()),
        contexts: vec![CONTEXT.to_owned()],
        namespace: None,
        gateways: Vec::new(),
        discover_kong: false,
        aws: None,
    };
    let deployments: Api<Deployment> =
        Api::namespaced(test_sim::client(&sim.kubeconfig, CONTEXT).await, "tb-demo");
    let replicas = || async {
        let d = deployments.get("service").await.expect("get deployment");
        d.spec.replicas
    };

    // The same request without --readonly does change the cluster, so the
    // refusal below is the guard's doing, not a request that could not work.
    let (ok, message) = scale(&plan, false, 3).await;
    assert!(ok, "{message}");
    assert_eq!(replicas().await, Some(3));

    let (ok, message) = scale(&plan, true, 5).await;
    assert!(!ok, "{message}");
    assert!(message.contains("read-only"), "{message}");
    assert_eq!(replicas().await, Some(3), "--readonly changed the cluster");
    sim.handle.shutdown().await;
}

/// The lines of `text` from the row after `header`'s dashes up to the next
/// line that does not start with two spaces, split into words.
fn section_rows(text: &str, header: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|l| !l.starts_with(header))
        .skip_while(|l| !l.trim_start().starts_with("---"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// A node describe's pod rows without their age (`kubectl` counts it its
/// own way) and its CPU and memory sums, as printed.
fn node_figures(text: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let pods = section_rows(text, "Non-terminated Pods:")
        .into_iter()
        .map(|mut r| {
            r.truncate(10);
            r
        })
        .collect();
    let sums = section_rows(text, "Allocated resources:")
        .into_iter()
        .filter(|r| r.first().is_some_and(|k| k == "cpu" || k == "memory"))
        .collect();
    (pods, sums)
}

/// `kubectl describe node NAME` against the sim.
fn kubectl_describe_node(kubeconfig: &std::path::Path, context: &str, node: &str) -> String {
    let out = std::process::Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--context", context, "describe", "node", node])
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_describe_lists_the_same_pods_and_sums_as_kubectl() {
    use crate::model::cluster::Kind;
    use crate::model::fleet::Fleet;
    use crate::model::pod_resources::NodePods;
    use crate::model::status::SourceState;

    const DEMO: &str = "prod-eu";
    let sim = test_sim::start("demo", &[]).await;
    let (tx, mut updates) = mpsc::channel(1024);
    let source = tokio::spawn(crate::sources::cluster::run(
        DEMO.to_owned(),
        Some(sim.kubeconfig.clone()),
        None,
        Vec::new(),
        false,
        tx,
    ));
    let mut fleet = Fleet::default();
    let live = |f: &Fleet, k: Kind| {
        f.clusters
            .get(DEMO)
            .is_some_and(|c| c.kinds.get(&k) == Some(&SourceState::Live))
    };
    // The model as the app builds it: the watchers' updates, applied.
    tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while !(live(&fleet, Kind::Pods) && live(&fleet, Kind::Nodes)) {
            let u = updates.recv().await.expect("the source runs");
            fleet.apply(u, jiff::Timestamp::now());
        }
    })
    .await
    .expect("pods and nodes listed within 30 s");
    // The node running a CoreDNS pod: several pods, one with a memory limit.
    let node = fleet.clusters[DEMO]
        .stores
        .pods
        .iter()
        .find(|p| p.name.starts_with("coredns-") && p.node.is_some())
        .and_then(|p| p.node.clone())
        .expect("a scheduled CoreDNS pod");
    let plan = Plan {
        kubeconfig: Some(sim.kubeconfig.clone()),
        contexts: vec![DEMO.to_owned()],
        namespace: None,
        gateways: Vec::new(),
        discover_kong: false,
        aws: None,
    };
    let (tx, mut rx) = mpsc::channel(8);
    let mut exec = Executor::new(&plan, false, tx);
    let mut last = String::new();
    // Pods may come and go between the two reads: compare until they agree.
    for _ in 0..5 {
        while let Ok(u) = updates.try_recv() {
            fleet.apply(u, jiff::Timestamp::now());
        }
        let c = &fleet.clusters[DEMO];
        exec.run(Effect::Describe {
            id: 1,
            object: KubeRef::new(DEMO, "Node", "", &node),
            node_pods: Some(NodePods::of(c, &node, jiff::Timestamp::now())),
        });
        let ours = match rx.recv().await {
            Some(ActionEvent::Described { result, .. }) => {
                result.expect("described").text.join("\n")
            }
            other => panic!("expected Described, got {other:?}"),
        };
        let theirs = kubectl_describe_node(sim.handle.kubeconfig_path(), DEMO, &node);
        let (pods, sums) = node_figures(&theirs);
        assert!(
            pods.len() >= 3 && sums.len() == 2 && theirs.contains("170Mi"),
            "the case needs several pods and a limit:\n{theirs}"
        );
        if node_figures(&ours) == (pods, sums) {
            let count = |t: &str| {
                t.lines()
                    .find(|l| l.starts_with("Non-terminated Pods:"))
                    .and_then(|l| l.split_whitespace().nth(2).map(str::to_owned))
            };
            assert_eq!(count(&ours), count(&theirs), "{ours}\n---\n{theirs}");
            source.abort();
            sim.handle.shutdown().await;
            return;
        }
        last = format!("fleetdeck:\n{ours}\n---\nkubectl:\n{theirs}");
        // Differing means the watch has news on its way: wait for it.
        if let Ok(Some(u)) =
            tokio::time::timeout(std::time::Duration::from_secs(5), updates.recv()).await
        {
            fleet.apply(u, jiff::Timestamp::now());
        }
    }
    panic!("the node's pods or sums differ from kubectl's:\n{last}");
}

/// The metric lines of a describe (between `Metrics:` and `Min replicas:`),
/// spaces collapsed: kubectl and fleetdeck pad keys to different columns.
fn metric_lines(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.starts_with("Metrics:"))
        .skip(1)
        .take_while(|l| !l.starts_with("Min replicas:"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hpa_describe_and_list_give_kubectls_figures() {
    use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

    use crate::model::hpa::HpaRow;

    const DEMO: &str = "prod-eu";
    let sim = test_sim::start("demo", &[]).await;
    let hpas: Api<HorizontalPodAutoscaler> =
        Api::namespaced(test_sim::client(&sim.kubeconfig, DEMO).await, "shop");
    let mut last = String::new();
    // The HPA's reading moves: compare reads that saw the same one.
    for _ in 0..10 {
        let h = hpas.get("hello-api").await.expect("the demo's HPA");
        let theirs = std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(sim.handle.kubeconfig_path())
            .args([
                "--context",
                DEMO,
                "describe",
                "hpa",
                "-n",
                "shop",
                "hello-api",
            ])
            .output()
            .expect("kubectl runs");
        let theirs = String::from_utf8_lossy(&theirs.stdout).into_owned();
        let obj = serde_json::to_value(&h).expect("json");
        let ours = super::describe::kube::describe(&obj, &[], None, jiff::Timestamp::now());
        let ours = ours.join("\n");
        let row = HpaRow::from(&h);
        let listed = row.metrics.first().and_then(|m| m.current.clone());
        let wanted = metric_lines(&theirs);
        if !wanted.is_empty() && metric_lines(&ours) == wanted {
            // The list shows the percentage describe leads with.
            let pct = listed.expect("the list has a current value");
            assert!(pct.ends_with('%'), "list shows {pct}");
            assert!(
                wanted[0].contains(&format!("): {pct} (")),
                "list {pct} vs describe {wanted:?}"
            );
            sim.handle.shutdown().await;
            return;
        }
        last = format!("fleetdeck:\n{ours}\n---\nkubectl:\n{theirs}");
    }
    panic!("HPA metrics differ from kubectl's:\n{last}");
}
