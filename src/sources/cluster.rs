//! One cluster: build its client from the kubeconfig context, check the
//! connection, and start a watcher per kind. Clusters run independently.

use std::time::Duration;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{
    Event, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};
use tokio::task::JoinSet;

use super::watch::watch;
use super::{SourceUpdate, Tx};
use crate::config::fleet::GatewayConfig;
use crate::model::cluster::{Kind, KubeUpdate};
use crate::model::status::SourceError;

pub async fn run(
    context: String,
    kubeconfig: Option<Kubeconfig>,
    namespace: Option<String>,
    gateways: Vec<GatewayConfig>,
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
    let config = match Config::from_custom_kubeconfig(kubeconfig, &options).await {
        Ok(c) => c,
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
            let error = super::errors::from_kube(&e);
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
    while tasks.join_next().await.is_some() {}
}

/// `/version` until it answers: the cluster's version and the first sign of
/// "unreachable" or "unauthorized", independent of any watcher's backoff.
async fn version_loop(client: Client, cluster: String, tx: Tx) {
    let mut delay = Duration::from_secs(2);
    loop {
        let result =
            tokio::time::timeout(Duration::from_secs(10), client.apiserver_version()).await;
        let update = match result {
            Ok(Ok(info)) => SourceUpdate::ClusterConnected {
                cluster: cluster.clone(),
                version: crate::model::text::sanitize(&info.git_version),
            },
            Ok(Err(e)) => SourceUpdate::ClusterError {
                cluster: cluster.clone(),
                error: super::errors::from_kube(&e),
            },
            Err(_) => SourceUpdate::ClusterError {
                cluster: cluster.clone(),
                error: SourceError::Unreachable("timed out after 10s".into()),
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

fn namespaced<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as kube::Resource>::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

fn spawn_watchers(
    tasks: &mut JoinSet<()>,
    client: &Client,
    cluster: &str,
    ns: Option<&str>,
    tx: &Tx,
) {
    let c = || cluster.to_owned();
    tasks.spawn(watch::<Node, _>(
        Api::all(client.clone()),
        c(),
        Kind::Nodes,
        KubeUpdate::Nodes,
        tx.clone(),
    ));
    tasks.spawn(watch::<Pod, _>(
        namespaced(client, ns),
        c(),
        Kind::Pods,
        KubeUpdate::Pods,
        tx.clone(),
    ));
    tasks.spawn(watch::<Deployment, _>(
        namespaced(client, ns),
        c(),
        Kind::Deployments,
        KubeUpdate::Deployments,
        tx.clone(),
    ));
    tasks.spawn(watch::<ReplicaSet, _>(
        namespaced(client, ns),
        c(),
        Kind::ReplicaSets,
        KubeUpdate::ReplicaSets,
        tx.clone(),
    ));
    tasks.spawn(watch::<StatefulSet, _>(
        namespaced(client, ns),
        c(),
        Kind::StatefulSets,
        KubeUpdate::StatefulSets,
        tx.clone(),
    ));
    tasks.spawn(watch::<DaemonSet, _>(
        namespaced(client, ns),
        c(),
        Kind::DaemonSets,
        KubeUpdate::DaemonSets,
        tx.clone(),
    ));
    tasks.spawn(watch::<Service, _>(
        namespaced(client, ns),
        c(),
        Kind::Services,
        KubeUpdate::Services,
        tx.clone(),
    ));
    tasks.spawn(watch::<EndpointSlice, _>(
        namespaced(client, ns),
        c(),
        Kind::EndpointSlices,
        KubeUpdate::EndpointSlices,
        tx.clone(),
    ));
    tasks.spawn(watch::<Event, _>(
        namespaced(client, ns),
        c(),
        Kind::Events,
        KubeUpdate::Events,
        tx.clone(),
    ));
    tasks.spawn(watch::<HorizontalPodAutoscaler, _>(
        namespaced(client, ns),
        c(),
        Kind::Hpas,
        KubeUpdate::Hpas,
        tx.clone(),
    ));
    tasks.spawn(watch::<PersistentVolumeClaim, _>(
        namespaced(client, ns),
        c(),
        Kind::Pvcs,
        KubeUpdate::Pvcs,
        tx.clone(),
    ));
    tasks.spawn(watch::<PersistentVolume, _>(
        Api::all(client.clone()),
        c(),
        Kind::Pvs,
        KubeUpdate::Pvs,
        tx.clone(),
    ));
    tasks.spawn(watch::<StorageClass, _>(
        Api::all(client.clone()),
        c(),
        Kind::StorageClasses,
        KubeUpdate::StorageClasses,
        tx.clone(),
    ));
}
