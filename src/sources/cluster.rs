//! One cluster: build its client from the kubeconfig context, check the
//! connection, and start a watcher per kind. Clusters run independently.

use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use tokio::task::JoinSet;

use super::{SourceUpdate, Tx};
use crate::config::fleet::GatewayConfig;
use crate::model::cluster::Kind;
use crate::model::status::SourceError;

pub async fn run(
    context: String,
    kubeconfig: Option<Kubeconfig>,
    namespace: Option<String>,
    gateways: Vec<GatewayConfig>,
    discover_kong: bool,
    tx: Tx,
) {
    let Some(kubeconfig) = kubeconfig else {
        let error = SourceError::Other("no kubeconfig".into());
        let _ = tx
            .send(SourceUpdate::ClusterError {
                cluster: context,
                error,
            })
            .await;
        return;
    };
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let exec_command = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| {
            kubeconfig
                .auth_infos
                .iter()
                .find(|a| Some(&a.name) == c.user.as_ref())
        })
        .and_then(|a| a.auth_info.as_ref()?.exec.as_ref()?.command.clone());
    let proxy_url = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)
        .and_then(|c| c.context.as_ref())
        .and_then(|c| kubeconfig.clusters.iter().find(|n| n.name == c.cluster))
        .and_then(|n| n.cluster.as_ref()?.proxy_url.clone());
    let config = match Config::from_custom_kubeconfig(kubeconfig, &options).await {
        Ok(mut c) => {
            // Short: a black-holed endpoint is unreachable in seconds, not minutes.
            c.connect_timeout = Some(CONNECT_TIMEOUT);
            // Bounded silence: a watch that passes nothing (not even the
            // server's timeout or a bookmark) is dead, not quiet.
            c.read_timeout = Some(super::watch::IDLE_TIMEOUT);
            c.proxy_url = match proxy_for(proxy_url.as_deref(), &c) {
                Ok(p) => p,
                Err(message) => {
                    let _ = tx
                        .send(SourceUpdate::ClusterAdded {
                            cluster: context.clone(),
                            server: None,
                        })
                        .await;
                    let error = SourceError::Other(message);
                    let _ = tx
                        .send(SourceUpdate::ClusterError {
                            cluster: context,
                            error,
                        })
                        .await;
                    return;
                }
            };
            c
        }
        Err(e) => {
            let error = SourceError::Other(crate::errors::root_cause(&e));
            let _ = tx
                .send(SourceUpdate::ClusterAdded {
                    cluster: context.clone(),
                    server: None,
                })
                .await;
            let _ = tx
                .send(SourceUpdate::ClusterError {
                    cluster: context,
                    error,
                })
                .await;
            return;
        }
    };
    let server = config.cluster_url.to_string();
    let _ = tx
        .send(SourceUpdate::ClusterAdded {
            cluster: context.clone(),
            server: Some(server.trim_end_matches('/').to_owned()),
        })
        .await;
    let client = match Client::try_from(config) {
        Ok(c) => c,
        Err(e) => {
            let error = super::errors::from_client_build(&e, exec_command.as_deref());
            let _ = tx
                .send(SourceUpdate::ClusterError {
                    cluster: context,
                    error,
                })
                .await;
            return;
        }
    };
    let mut tasks = JoinSet::new();
    tasks.spawn(version_loop(client.clone(), context.clone(), tx.clone()));
    spawn_watchers(&mut tasks, &client, &context, namespace.as_deref(), &tx);
    for gw in gateways {
        tasks.spawn(super::kong::run_pods(
            gw,
            client.clone(),
            context.clone(),
            tx.clone(),
        ));
    }
    if discover_kong {
        tasks.spawn(super::kong::run_discovered(
            client.clone(),
            context.clone(),
            tx.clone(),
        ));
    }
    while tasks.join_next().await.is_some() {}
}

/// The proxy to reach this cluster through (see `proxy`), or why its URL is unusable.
fn proxy_for(from_kubeconfig: Option<&str>, c: &Config) -> Result<Option<hyper::Uri>, String> {
    let Some(p) = super::proxy::for_server(from_kubeconfig, &c.cluster_url.to_string()) else {
        return Ok(None);
    };
    p.parse::<hyper::Uri>()
        .map(Some)
        .map_err(|e| format!("proxy {p}: {e}"))
}

/// TCP + TLS handshake bound for every call to the API server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Bound on a `/version` answer (connect included).
const VERSION_TIMEOUT: Duration = Duration::from_secs(4);

/// `/version` until it answers: the cluster's version and the first sign of
/// "unreachable" or "unauthorized", independent of any watcher's backoff.
async fn version_loop(client: Client, cluster: String, tx: Tx) {
    let mut delay = Duration::from_secs(2);
    loop {
        let started = Instant::now();
        let result = tokio::time::timeout(VERSION_TIMEOUT, client.apiserver_version()).await;
        let elapsed = started.elapsed().as_secs_f64();
        let update = match result {
            Ok(Ok(info)) => SourceUpdate::ClusterConnected {
                cluster: cluster.clone(),
                version: crate::model::text::sanitize(&info.git_version),
            },
            Ok(Err(e)) => SourceUpdate::ClusterError {
                cluster: cluster.clone(),
                error: with_elapsed(super::errors::from_kube(&e), elapsed),
            },
            Err(_) => SourceUpdate::ClusterError {
                cluster: cluster.clone(),
                error: SourceError::Unreachable(format!("no answer within {elapsed:.1}s")),
            },
        };
        let connected = matches!(update, SourceUpdate::ClusterConnected { .. });
        if tx.send(update).await.is_err() || connected {
            return;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(30));
    }
}

/// An unreachable cluster's message says how long we actually waited.
fn with_elapsed(error: SourceError, secs: f64) -> SourceError {
    match error {
        SourceError::Unreachable(m) => SourceError::Unreachable(format!("{m} (after {secs:.1}s)")),
        other => other,
    }
}

/// One watcher per registered kind.
fn spawn_watchers(
    tasks: &mut JoinSet<()>,
    client: &Client,
    cluster: &str,
    ns: Option<&str>,
    tx: &Tx,
) {
    for kind in Kind::ALL {
        kind.spawn_watch(tasks, client, cluster, ns, tx);
    }
}
