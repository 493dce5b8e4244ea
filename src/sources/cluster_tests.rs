//! A cluster source against an in-process simulated API server: its
//! watchers deliver rows, and each kind of failure reaches the app as the
//! right [`SourceError`] (401, 403, nothing listening).

use std::time::Duration;

use kube::config::Kubeconfig;
use tokio::sync::mpsc;

use super::SourceUpdate;
use crate::model::cluster::{Kind, KubeUpdate};
use crate::model::status::SourceError;
use crate::model::store::Change;
use crate::test_sim;

const CONTEXT: &str = "terrax-fargate";

/// Runs the cluster source for `context` until `want` picks something out of
/// an update (or 20 s pass, which fails the test).
async fn first<T>(
    kubeconfig: Kubeconfig,
    context: &str,
    mut want: impl FnMut(&SourceUpdate) -> Option<T>,
) -> T {
    let (tx, mut rx) = mpsc::channel(256);
    let task = tokio::spawn(super::cluster::run(
        context.to_owned(),
        Some(kubeconfig),
        None,
        Vec::new(),
        false,
        tx,
    ));
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(u) = rx.recv().await {
            if let Some(t) = want(&u) {
                return Some(t);
            }
        }
        None
    })
    .await;
    task.abort();
    match found {
        Ok(Some(t)) => t,
        Ok(None) => panic!("the source stopped without the update"),
        Err(_) => panic!("no such update within 20 s"),
    }
}

/// `kubeconfig` text written to a temp file and read back, as a user's would be.
fn kubeconfig_file(text: &str) -> Kubeconfig {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, text).expect("write kubeconfig");
    Kubeconfig::read_from(&path).expect("kubeconfig parses")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_deliver_the_clusters_rows() {
    let sim = test_sim::start("terrax", &[]).await;
    let pods = first(sim.kubeconfig.clone(), CONTEXT, |u| match u {
        SourceUpdate::Kube {
            cluster,
            update: KubeUpdate::Pods(Change::Reset(rows)),
        } if cluster == CONTEXT => Some(rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>()),
        _ => None,
    })
    .await;
    assert!(pods.iter().any(|p| p.starts_with("mysql-")), "{pods:?}");
    assert!(
        pods.iter().filter(|p| p.starts_with("service-")).count() >= 2,
        "{pods:?}"
    );
    sim.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_unauthorized() {
    let sim = test_sim::start("terrax", &[]).await;
    let text = std::fs::read_to_string(sim.handle.kubeconfig_path()).expect("kubeconfig");
    let token = &sim.handle.fleet.clusters[0].token;
    assert!(
        text.contains(token.as_str()),
        "the sim's kubeconfig holds its token"
    );
    let wrong = kubeconfig_file(&text.replace(token.as_str(), "k8s-aws-v1.expired"));
    let error = first(wrong, CONTEXT, |u| match u {
        SourceUpdate::ClusterError { error, .. } => Some(error.clone()),
        _ => None,
    })
    .await;
    assert!(matches!(error, SourceError::Unauthorized(_)), "{error:?}");
    sim.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_kind_is_forbidden_and_the_others_still_arrive() {
    let sim = test_sim::start("terrax", &["forbid=pods"]).await;
    let mut forbidden = None;
    let mut deployments = false;
    first(sim.kubeconfig.clone(), CONTEXT, |u| {
        match u {
            SourceUpdate::KindState {
                kind: Kind::Pods,
                state,
                ..
            } => forbidden = state.error().cloned(),
            SourceUpdate::Kube {
                update: KubeUpdate::Deployments(Change::Reset(rows)),
                ..
            } => deployments = !rows.is_empty(),
            _ => {}
        }
        (forbidden.is_some() && deployments).then_some(())
    })
    .await;
    assert!(
        matches!(&forbidden, Some(SourceError::Forbidden(m)) if m.contains("pods")),
        "{forbidden:?}"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    // A port that was just free: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let kubeconfig = kubeconfig_file(&format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n\
         contexts: [{{name: gone, context: {{cluster: gone, user: gone}}}}]\n\
         clusters: [{{name: gone, cluster: {{server: 'https://127.0.0.1:{port}', insecure-skip-tls-verify: true}}}}]\n\
         users: [{{name: gone, user: {{token: t}}}}]\n"
    ));
    let error = first(kubeconfig, "gone", |u| match u {
        SourceUpdate::ClusterError { error, .. } => Some(error.clone()),
        _ => None,
    })
    .await;
    assert!(matches!(error, SourceError::Unreachable(_)), "{error:?}");
}
