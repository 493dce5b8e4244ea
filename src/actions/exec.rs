//! The executor: performs effects in tasks and sends the results back as
//! [`ActionEvent`]s. Holds one kube client per context (built on first use
//! from the same kubeconfig the watchers use) and the AWS settings. In
//! `--readonly` it refuses every mutation here, at the boundary, whatever
//! the UI let through.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event as KubeEvent, Pod};
use kube::api::{ApiResource, DynamicObject, ListParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::describe::{Described, kube as kube_describe, yaml};
use super::logs::stream::{self, kube_message};
use super::scale::ScaleRequest;
use super::subject::KubeRef;
use super::{ActionEvent, Effect};
use crate::config::fleet::AwsConfig;
use crate::model::pod_resources::NodePods;
use crate::model::text::path_segment;
use crate::sources::Plan;

pub struct Executor {
    kubeconfig: Option<Kubeconfig>,
    aws: Option<AwsConfig>,
    readonly: bool,
    tx: mpsc::Sender<ActionEvent>,
    clients: Arc<Mutex<HashMap<String, Client>>>,
    sessions: HashMap<u64, Vec<AbortHandle>>,
}

impl Executor {
    pub fn new(plan: &Plan, readonly: bool, tx: mpsc::Sender<ActionEvent>) -> Self {
        Executor {
            kubeconfig: plan.kubeconfig.clone(),
            aws: plan.aws.clone(),
            readonly,
            tx,
            clients: Arc::default(),
            sessions: HashMap::new(),
        }
    }

    /// Starts an effect; must be called inside the runtime.
    pub fn run(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::Scale(req) => {
                if self.readonly {
                    let message = format!(
                        "read-only (--readonly): refused to {}; nothing was changed",
                        req.summary()
                    );
                    tokio::spawn(async move {
                        let _ = tx
                            .send(ActionEvent::Applied {
                                request: req,
                                ok: false,
                                message,
                            })
                            .await;
                    });
                    return;
                }
                let kube = self.kube_handle();
                let aws = self.aws.clone();
                tokio::spawn(async move {
                    let result = scale(kube, aws, &req).await;
                    let (ok, message) = match result {
                        Ok(m) => (true, m),
                        Err(e) => (false, format!("{} failed: {e}", req.summary())),
                    };
                    let _ = tx
                        .send(ActionEvent::Applied {
                            request: req,
                            ok,
                            message,
                        })
                        .await;
                });
            }
            Effect::Describe {
                id,
                object,
                node_pods,
            } => {
                let kube = self.kube_handle();
                tokio::spawn(async move {
                    let result = match kube.client(&object.cluster).await {
                        Ok(c) => describe(c, &object, node_pods.as_ref()).await,
                        Err(e) => Err(e),
                    };
                    let _ = tx.send(ActionEvent::Described { id, result }).await;
                });
            }
            Effect::LogStart { session, request } => {
                let kube = self.kube_handle();
                let handle = tokio::spawn(async move {
                    match kube.client(&request.cluster).await {
                        Ok(c) => stream::run(c, session, request, tx).await,
                        Err(e) => {
                            let _ = tx
                                .send(ActionEvent::LogMarker {
                                    session,
                                    source: std::sync::Arc::from(request.pod.as_str()),
                                    text: format!("cannot connect: {e}"),
                                })
                                .await;
                        }
                    }
                })
                .abort_handle();
                let handles = self.sessions.entry(session).or_default();
                handles.retain(|h| !h.is_finished());
                handles.push(handle);
            }
            Effect::LogStop { session } => {
                for h in self.sessions.remove(&session).into_iter().flatten() {
                    h.abort();
                }
            }
            Effect::Save { path, text } => {
                tokio::spawn(async move {
                    let _ = tx.send(save(path, text).await).await;
                });
            }
        }
    }

    fn kube_handle(&self) -> KubeClients {
        KubeClients {
            kubeconfig: self.kubeconfig.clone(),
            cache: self.clients.clone(),
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        for h in self.sessions.values().flatten() {
            h.abort();
        }
    }
}

/// Kube clients by context, built once from the kubeconfig.
#[derive(Clone)]
struct KubeClients {
    kubeconfig: Option<Kubeconfig>,
    cache: Arc<Mutex<HashMap<String, Client>>>,
}

impl KubeClients {
    async fn client(&self, context: &str) -> Result<Client, String> {
        if let Ok(cache) = self.cache.lock()
            && let Some(c) = cache.get(context)
        {
            return Ok(c.clone());
        }
        let kc = self
            .kubeconfig
            .clone()
            .ok_or("no kubeconfig: cannot reach the cluster")?;
        let options = KubeConfigOptions {
            context: Some(context.to_owned()),
            ..Default::default()
        };
        let config = Config::from_custom_kubeconfig(kc, &options)
            .await
            .map_err(|e| crate::errors::root_cause(&e))?;
        let client = Client::try_from(config).map_err(|e| kube_message(&e))?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(context.to_owned(), client.clone());
        }
        Ok(client)
    }
}

async fn save(path: PathBuf, text: String) -> ActionEvent {
    let lines = text.lines().count();
    match tokio::fs::write(&path, text).await {
        Ok(()) => ActionEvent::Done {
            ok: true,
            message: format!("saved {lines} lines to {}", path.display()),
        },
        Err(e) => ActionEvent::Done {
            ok: false,
            message: format!("cannot write {}: {e}", path.display()),
        },
    }
}

/// Group, version and plural of a kind to describe: the registry's kinds,
/// and the Secrets and ConfigMaps a pod's describe links to.
pub fn api_resource(kind: &str) -> Option<ApiResource> {
    use k8s_openapi::api::core::v1::{ConfigMap, Secret};
    match kind {
        "Secret" => Some(ApiResource::erase::<Secret>(&())),
        "ConfigMap" => Some(ApiResource::erase::<ConfigMap>(&())),
        _ => crate::kinds::Kind::by_api_kind(kind).map(|k| k.api_resource()),
    }
}

async fn describe(
    client: Client,
    obj: &KubeRef,
    node_pods: Option<&NodePods>,
) -> Result<Described, String> {
    let ar = api_resource(&obj.kind).ok_or_else(|| format!("cannot describe a {}", obj.kind))?;
    let api: Api<DynamicObject> = if obj.namespace.is_empty() {
        Api::all_with(client.clone(), &ar)
    } else {
        Api::namespaced_with(client.clone(), &obj.namespace, &ar)
    };
    let found = api
        .get(&path_segment(&obj.name))
        .await
        .map_err(|e| kube_message(&e))?;
    let mut v = serde_json::to_value(&found).map_err(|e| e.to_string())?;
    if v.get("kind").is_none_or(Value::is_null) {
        v["kind"] = json!(obj.kind);
        v["apiVersion"] = json!(ar.api_version);
    }
    yaml::redact_secret(&mut v);
    if let Some(Value::Object(m)) = v.get_mut("metadata") {
        // As `kubectl get -o yaml` does by default.
        m.remove("managedFields");
    }
    let events_api: Api<KubeEvent> = if obj.namespace.is_empty() {
        Api::all(client)
    } else {
        Api::namespaced(client, &obj.namespace)
    };
    let fields = format!(
        "involvedObject.name={},involvedObject.kind={}",
        obj.name, obj.kind
    );
    // Events are context, not the object: a failure to list them is said, not fatal.
    let events: Vec<Value> = match events_api
        .list(&ListParams::default().fields(&fields))
        .await
    {
        Ok(list) => list
            .items
            .iter()
            .filter(|e| {
                e.involved_object.name.as_deref() == Some(obj.name.as_str())
                    && e.involved_object.kind.as_deref() == Some(obj.kind.as_str())
            })
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect(),
        Err(e) => vec![json!({"type": "-", "reason": "EventsUnavailable",
            "message": format!("cannot list events: {}", kube_message(&e))})],
    };
    Ok(Described {
        text: kube_describe::describe(&v, &events, node_pods, jiff::Timestamp::now()),
        yaml: yaml::to_yaml(&v)
            .iter()
            .map(|l| crate::model::text::sanitize(l))
            .collect(),
    })
}

async fn scale(
    kube: KubeClients,
    aws: Option<AwsConfig>,
    req: &ScaleRequest,
) -> Result<String, String> {
    let pp = PatchParams::default();
    match req {
        ScaleRequest::Workload { object, replicas } => {
            let client = kube.client(&object.cluster).await?;
            let body = Patch::Merge(json!({"spec": {"replicas": replicas}}));
            let scale = match object.kind.as_str() {
                "Deployment" => {
                    Api::<Deployment>::namespaced(client, &object.namespace)
                        .patch_scale(&path_segment(&object.name), &pp, &body)
                        .await
                }
                "StatefulSet" => {
                    Api::<StatefulSet>::namespaced(client, &object.namespace)
                        .patch_scale(&path_segment(&object.name), &pp, &body)
                        .await
                }
                other => return Err(format!("a {other} has no scale subresource")),
            }
            .map_err(|e| kube_message(&e))?;
            let spec = scale.spec.and_then(|s| s.replicas).unwrap_or(0);
            let current = scale.status.map(|s| s.replicas).unwrap_or(0);
            Ok(format!(
                "scaled {} to {spec} replicas (API: spec {spec}, currently {current})",
                object.label()
            ))
        }
        ScaleRequest::Hpa { object, min, max } => {
            let client = kube.client(&object.cluster).await?;
            let body = Patch::Merge(json!({"spec": {"minReplicas": min, "maxReplicas": max}}));
            let h = Api::<HorizontalPodAutoscaler>::namespaced(client, &object.namespace)
                .patch(&path_segment(&object.name), &pp, &body)
                .await
                .map_err(|e| kube_message(&e))?;
            Ok(format!(
                "HPA {}/{} now min {} max {} (API: {} current, {} desired)",
                object.namespace,
                object.name,
                h.spec.min_replicas.unwrap_or(1),
                h.spec.max_replicas,
                h.status
                    .as_ref()
                    .and_then(|s| s.current_replicas)
                    .unwrap_or(0),
                h.status.as_ref().map(|s| s.desired_replicas).unwrap_or(0),
            ))
        }
        ScaleRequest::Nodegroup {
            region,
            cluster,
            name,
            desired,
        } => {
            let cfg = aws.ok_or("no AWS configuration")?;
            let conf = crate::sources::aws::sdk_config(region, &cfg).await;
            let eks = aws_sdk_eks::Client::new(&conf);
            let out = eks
                .update_nodegroup_config()
                .cluster_name(cluster)
                .nodegroup_name(name)
                .scaling_config(
                    aws_sdk_eks::types::NodegroupScalingConfig::builder()
                        .desired_size(*desired)
                        .build(),
                )
                .send()
                .await
                .map_err(|e| aws_message(&e))?;
            let update = out.update();
            Ok(format!(
                "node group {cluster}/{name}: desired size → {desired} (EKS update {} {})",
                update.and_then(|u| u.id()).unwrap_or("-"),
                update
                    .and_then(|u| u.status())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default()
            ))
        }
        ScaleRequest::EcsService {
            region,
            cluster,
            name,
            desired,
        } => {
            let cfg = aws.ok_or("no AWS configuration")?;
            let conf = crate::sources::aws::sdk_config(region, &cfg).await;
            let ecs = aws_sdk_ecs::Client::new(&conf);
            let out = ecs
                .update_service()
                .cluster(cluster)
                .service(name)
                .desired_count(*desired)
                .send()
                .await
                .map_err(|e| aws_message(&e))?;
            let s = out.service();
            Ok(format!(
                "ECS service {cluster}/{name}: desired count → {} (running {}, pending {})",
                s.map(|s| s.desired_count()).unwrap_or(*desired),
                s.map(|s| s.running_count()).unwrap_or(0),
                s.map(|s| s.pending_count()).unwrap_or(0)
            ))
        }
        ScaleRequest::DeletePod { object } => {
            let client = kube.client(&object.cluster).await?;
            Api::<Pod>::namespaced(client, &object.namespace)
                .delete(&path_segment(&object.name), &Default::default())
                .await
                .map_err(|e| kube_message(&e))?;
            Ok(format!(
                "deleted pod {}/{} in cluster {} (the API accepted the DELETE)",
                object.namespace, object.name, object.cluster
            ))
        }
        ScaleRequest::RolloutRestart { object } => {
            let client = kube.client(&object.cluster).await?;
            // kubectl's own annotation and value (RFC 3339), so `kubectl
            // rollout history` and other tools read it as theirs.
            let at = jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            let body = Patch::Strategic(json!({"spec": {"template": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": at
            }}}}}));
            let name = path_segment(&object.name);
            let generation = match object.kind.as_str() {
                "Deployment" => Api::<Deployment>::namespaced(client, &object.namespace)
                    .patch(&name, &pp, &body)
                    .await
                    .map(|d| d.metadata.generation),
                "StatefulSet" => Api::<StatefulSet>::namespaced(client, &object.namespace)
                    .patch(&name, &pp, &body)
                    .await
                    .map(|d| d.metadata.generation),
                other => return Err(format!("a {other} has no rollout to restart")),
            }
            .map_err(|e| kube_message(&e))?;
            Ok(format!(
                "restarted the rollout of {} in cluster {} (restartedAt {at}, generation {}): its pods are replaced",
                object.label(),
                object.cluster,
                generation.map_or_else(|| "?".to_owned(), |g| g.to_string())
            ))
        }
        ScaleRequest::StopEcsTask {
            region,
            cluster,
            id,
            service,
        } => {
            let cfg = aws.ok_or("no AWS configuration")?;
            let conf = crate::sources::aws::sdk_config(region, &cfg).await;
            let ecs = aws_sdk_ecs::Client::new(&conf);
            let out = ecs
                .stop_task()
                .cluster(cluster)
                .task(id)
                .reason("fleetdeck: replace a failing Kong node")
                .send()
                .await
                .map_err(|e| aws_message(&e))?;
            let status = out
                .task()
                .and_then(|t| t.last_status())
                .unwrap_or("?")
                .to_owned();
            let follows = match service {
                Some(s) => format!("; service {s} starts a replacement"),
                None => String::new(),
            };
            Ok(format!(
                "stopped ECS task {id} in cluster {cluster} ({region}): {status}{follows}"
            ))
        }
    }
}

/// `Code: message` of a service error, else the root cause.
fn aws_message<E, R>(e: &aws_sdk_eks::error::SdkError<E, R>) -> String
where
    E: aws_sdk_eks::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match e.as_service_error() {
        Some(se) => crate::model::text::sanitize(&format!(
            "{}: {}",
            se.code().unwrap_or("Error"),
            se.message().unwrap_or_default()
        )),
        None => crate::errors::root_cause(e),
    }
}
