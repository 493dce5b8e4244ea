//! The executor against an in-process simulated cluster: under `--readonly`
//! it refuses a scale itself, whatever the UI let through, and nothing changes.

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
