//! Kong gateways: each node polled on its own (health is per node). In-cluster
//! Kong pods are found by a pod watch (a configured gateway's selector, or the
//! chart's labels when no gateway is configured) and reached as their admin
//! listener allows (see `kong_access`); ECS-hosted or external Kong through
//! its admin URLs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client};
use serde_json::Value;
use tokio::task::JoinHandle;

use super::kong_access::{self, AdminError};
use super::{SourceUpdate, Tx};
use crate::config::fleet::GatewayConfig;
use crate::model::kong::{self, KongNode, KongUpstream, KongVia, PodAccess, UrlTls};
use crate::model::status::{SourceError, SourceState};

const POLL_EVERY: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// Enough for any real gateway; bounds the work one poll can cause.
const MAX_UPSTREAMS: usize = 500;
const MAX_PAGES: usize = 50;

/// How one node's admin API is reached.
#[derive(Clone)]
enum Admin {
    PodProxy {
        client: Client,
        namespace: String,
        pod: String,
        port: u16,
        tls: bool,
        token: Option<String>,
    },
    /// A localhost listener, through a port-forward kept open between requests.
    PortForward {
        api: Api<Pod>,
        pod: String,
        port: u16,
        tls: bool,
        token: Option<String>,
        conn: Arc<tokio::sync::Mutex<Option<hyper::client::conn::http1::SendRequest<String>>>>,
    },
    Direct {
        http: reqwest::Client,
        base: String,
        token: Option<String>,
        tls: UrlTls,
    },
}

/// A response: status code and body.
type Reply = (u16, Vec<u8>);

impl Admin {
    /// After a refusal, the node answered through the cluster again: its
    /// credentials work, so the connection is said live again (with the
    /// version `/version` gives, as the cluster task does).
    async fn reauthorized(&self, cluster: Option<&str>) -> Option<SourceUpdate> {
        let client = match self {
            Admin::PodProxy { client, .. } => client.clone(),
            Admin::PortForward { api, .. } => api.clone().into_client(),
            Admin::Direct { .. } => return None,
        };
        let info = client.apiserver_version().await.ok()?;
        Some(SourceUpdate::ClusterConnected {
            cluster: cluster?.to_owned(),
            version: crate::model::text::sanitize(&info.git_version),
        })
    }

    async fn get(&self, path: &str) -> Result<Reply, AdminError> {
        let fut = async {
            match self {
                Admin::PodProxy {
                    client,
                    namespace,
                    pod,
                    port,
                    tls,
                    token,
                } => {
                    let req =
                        kube::core::Request::new(format!("/api/v1/namespaces/{namespace}/pods"));
                    let scheme = if *tls { "https:" } else { "" };
                    let mut req = req
                        .get_subresource(&format!("proxy{path}"), &format!("{scheme}{pod}:{port}"))
                        .map_err(|e| e.to_string())?;
                    if let Some(t) = token
                        && let Ok(v) = t.parse()
                    {
                        req.headers_mut().insert("kong-admin-token", v);
                    }
                    let res = client
                        .send(req.map(kube::client::Body::from))
                        .await
                        .map_err(|e| AdminError::from_kube("", &e))?;
                    let status = res.status().as_u16();
                    let body = res
                        .into_body()
                        .collect_bytes()
                        .await
                        .map_err(|e| crate::errors::root_cause(&e))?;
                    if let Some(refused) = AdminError::from_proxy_reply(status, &body) {
                        return Err(refused);
                    }
                    Ok((status, body.to_vec()))
                }
                Admin::PortForward {
                    api,
                    pod,
                    port,
                    tls,
                    token,
                    conn,
                } => {
                    let mut guard = conn.lock().await;
                    if guard.as_ref().is_none_or(|s| s.is_closed()) {
                        *guard = Some(kong_access::connect(api, pod, *port, *tls).await?);
                    }
                    let Some(sender) = guard.as_mut() else {
                        return Err(AdminError::Node("port-forward: no connection".to_owned()));
                    };
                    let mut req = hyper::Request::get(path).header("host", "localhost");
                    if let Some(t) = token {
                        req = req.header("kong-admin-token", t.as_str());
                    }
                    let req = req.body(String::new()).map_err(|e| e.to_string())?;
                    let sent = match sender.ready().await {
                        Ok(()) => sender.send_request(req).await,
                        Err(e) => Err(e),
                    };
                    let res = match sent {
                        Ok(r) => r,
                        Err(e) => {
                            // A broken forward is reopened on the next request.
                            *guard = None;
                            return Err(AdminError::Node(crate::errors::root_cause(&e)));
                        }
                    };
                    let status = res.status().as_u16();
                    let body = http_body_util::BodyExt::collect(res.into_body())
                        .await
                        .map_err(|e| crate::errors::root_cause(&e))?
                        .to_bytes();
                    Ok((status, body.to_vec()))
                }
                Admin::Direct {
                    http,
                    base,
                    token,
                    tls,
                } => {
                    let mut req = http.get(format!("{}{path}", base.trim_end_matches('/')));
                    if let Some(t) = token {
                        req = req.header("kong-admin-token", t);
                    }
                    let res = req.send().await.map_err(|e| {
                        kong_access::tls_failure(&e, tls)
                            .unwrap_or_else(|| crate::errors::root_cause(&e))
                    })?;
                    let status = res.status().as_u16();
                    let body = res
                        .bytes()
                        .await
                        .map_err(|e| crate::errors::root_cause(&e))?;
                    Ok((status, body.to_vec()))
                }
            }
        };
        tokio::time::timeout(REQUEST_TIMEOUT, fut)
            .await
            .unwrap_or_else(|_| {
                Err(AdminError::Node(format!(
                    "no answer within {}s",
                    REQUEST_TIMEOUT.as_secs()
                )))
            })
    }

    /// GET returning JSON; non-2xx or non-JSON is an error naming what came back.
    async fn json(&self, path: &str) -> Result<Value, AdminError> {
        let (status, body) = self.get(path).await?;
        if !(200..300).contains(&status) {
            return Err(AdminError::Node(format!(
                "{path}: HTTP {status}{}",
                message_suffix(&body)
            )));
        }
        serde_json::from_slice(&body)
            .map_err(|_| AdminError::Node(format!("{path}: not JSON ({} bytes)", body.len())))
    }

    /// Every item of a paginated collection, following `next`.
    async fn collect(&self, path: &str) -> Result<Vec<Value>, AdminError> {
        let mut items = Vec::new();
        let mut next = Some(path.to_owned());
        let mut pages = 0;
        while let Some(p) = next.take() {
            let (data, n) = kong::parse_page(&self.json(&p).await?);
            items.extend(data);
            pages += 1;
            if pages < MAX_PAGES {
                next = n;
            }
        }
        Ok(items)
    }
}

fn message_suffix(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(Value::as_str)
                .map(|m| format!(": {}", crate::model::text::sanitize(m)))
        })
        .unwrap_or_default()
}

fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One full poll of one node: status, readiness, then every upstream's
/// targets with their health on this node and the balancer's verdict. A
/// cluster that refuses our credentials on the way is an error of the
/// cluster: the node is then unknown, not down.
async fn poll(admin: &Admin, mut node: KongNode) -> Result<KongNode, SourceError> {
    node.polled = Some(jiff::Timestamp::now());
    let status = match admin.json("/status").await {
        Ok(v) => v,
        Err(AdminError::Cluster(e)) => return Err(e),
        Err(AdminError::Node(e)) => {
            node.reachable = Err(e);
            node.ready = None;
            return Ok(node);
        }
    };
    node.reachable = Ok(());
    node.db = kong::parse_status(&status);
    if let Ok(root) = admin.json("/").await {
        node.version = kong::parse_version(&root);
        node.hostname = kong::parse_hostname(&root);
    }
    node.ready = Some(match admin.get("/status/ready").await {
        Ok((200, _)) => Ok(()),
        Ok((code, body)) => Err(format!("HTTP {code}{}", message_suffix(&body))),
        Err(AdminError::Cluster(e)) => return Err(e),
        Err(AdminError::Node(e)) => Err(e),
    });
    let upstreams = match admin.collect("/upstreams").await {
        Ok(u) => u,
        Err(AdminError::Cluster(e)) => return Err(e),
        Err(e) => {
            tracing::warn!(gateway = node.gateway, node = node.name, "upstreams: {e}");
            return Ok(node);
        }
    };
    node.upstreams.clear();
    for name in upstreams
        .iter()
        .filter_map(kong::upstream_name)
        .take(MAX_UPSTREAMS)
    {
        let path = format!("/upstreams/{}/health", encode(&name));
        let targets = admin
            .collect(&path)
            .await
            .map(|items| items.iter().filter_map(kong::parse_target_health).collect())
            .unwrap_or_default();
        let balancer = admin
            .json(&format!("{path}?balancer_health=1"))
            .await
            .ok()
            .and_then(|v| kong::parse_balancer_health(&v));
        node.upstreams.push(KongUpstream {
            name,
            balancer,
            targets,
        });
    }
    // Routes say which requests a broken upstream fails; a failed list leaves
    // them empty, which the impact reads as "unknown", never as "none".
    if let (Ok(services), Ok(routes)) = (
        admin.collect("/services").await,
        admin.collect("/routes").await,
    ) {
        let hosts: Vec<(String, String)> = services
            .iter()
            .filter_map(kong::parse_service_host)
            .collect();
        node.routes = routes
            .iter()
            .filter_map(|r| kong::parse_route(r, &hosts))
            .take(MAX_UPSTREAMS)
            .collect();
    }
    Ok(node)
}

async fn poll_loop(admin: Admin, template: KongNode, tx: Tx) {
    let mut tick = tokio::time::interval(POLL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let cluster = match &template.via {
        KongVia::Pod { cluster, .. } => Some(cluster.clone()),
        KongVia::Url(_) => None,
    };
    let mut refused = false;
    loop {
        tick.tick().await;
        let updates = match poll(&admin, template.clone()).await {
            Ok(node) => {
                let mut updates = Vec::new();
                if std::mem::take(&mut refused) {
                    updates.extend(admin.reauthorized(cluster.as_deref()).await);
                    updates.push(SourceUpdate::GatewayState {
                        gateway: template.gateway.clone(),
                        state: SourceState::Live,
                    });
                }
                updates.push(SourceUpdate::KongNode(Box::new(node)));
                updates
            }
            Err(error) => {
                refused = true;
                tracing::warn!(
                    gateway = template.gateway,
                    node = template.name,
                    "{}",
                    error.message()
                );
                // The node's last poll stays as it was: what it is now is unknown.
                let mut updates = vec![SourceUpdate::GatewayState {
                    gateway: template.gateway.clone(),
                    state: SourceState::Failed {
                        since: jiff::Timestamp::now(),
                        error: error.clone(),
                    },
                }];
                updates.extend(
                    cluster
                        .clone()
                        .map(|cluster| SourceUpdate::ClusterError { cluster, error }),
                );
                updates
            }
        };
        for u in updates {
            if tx.send(u).await.is_err() {
                return;
            }
        }
    }
}

/// Kong pods matching the gateway's selector, each polled through the pod proxy.
pub async fn run_pods(gw: GatewayConfig, client: Client, cluster: String, tx: Tx) {
    let _ = tx
        .send(SourceUpdate::GatewayAdded {
            gateway: gw.name.clone(),
            cluster: Some(cluster.clone()),
            ecs_service: gw.ecs_service.clone(),
        })
        .await;
    let mut pods = PodPollers {
        gw: gw.clone(),
        client: client.clone(),
        cluster,
        tx: tx.clone(),
        pollers: BTreeMap::new(),
    };
    let namespace = gw.namespace.clone().unwrap_or_else(|| "kong".into());
    let api: Api<Pod> = Api::namespaced(client, &namespace);
    let mut config = watcher::Config::default();
    if let Some(sel) = &gw.selector {
        config = config.labels(sel);
    }
    let stream = watcher(api, config).default_backoff();
    futures::pin_mut!(stream);
    let mut listed: Vec<String> = Vec::new();
    while let Some(event) = stream.next().await {
        match event {
            Ok(watcher::Event::Init) => listed.clear(),
            Ok(watcher::Event::InitApply(pod)) => {
                listed.extend(pod.metadata.name.clone());
                pods.upsert(&pod).await;
            }
            Ok(watcher::Event::InitDone) => {
                let gone: Vec<String> = pods
                    .pollers
                    .keys()
                    .filter(|k| !listed.contains(k))
                    .cloned()
                    .collect();
                for name in gone {
                    pods.remove(&name).await;
                }
                pods.state(SourceState::Live).await;
            }
            Ok(watcher::Event::Apply(pod)) => pods.upsert(&pod).await,
            Ok(watcher::Event::Delete(pod)) => {
                if let Some(name) = &pod.metadata.name {
                    pods.remove(name).await;
                }
            }
            Err(e) => {
                if let Some(error) = super::errors::from_watcher(&e) {
                    pods.state(SourceState::Failed {
                        since: jiff::Timestamp::now(),
                        error,
                    })
                    .await;
                }
            }
        }
    }
}

/// With no gateway configured: every Kong pod of the cluster, found by the
/// official chart's labels and its Kong container, one gateway per release
/// (`CONTEXT/RELEASE`), each pod reached as its admin listener allows.
pub async fn run_discovered(client: Client, cluster: String, tx: Tx) {
    let api: Api<Pod> = Api::all(client.clone());
    let config = watcher::Config::default().labels(kong_access::DISCOVERY_SELECTOR);
    let stream = watcher(api, config).default_backoff();
    futures::pin_mut!(stream);
    let mut groups: BTreeMap<String, PodPollers> = BTreeMap::new();
    let mut listed: Vec<(String, String)> = Vec::new();
    let mut live = false;
    while let Some(event) = stream.next().await {
        match event {
            Ok(watcher::Event::Init) => listed.clear(),
            Ok(watcher::Event::InitApply(pod) | watcher::Event::Apply(pod)) => {
                if !kong_access::is_kong(&pod) {
                    continue;
                }
                let release = kong_access::release_of(&pod);
                let name = format!("{cluster}/{release}");
                if !groups.contains_key(&release) {
                    let gw = GatewayConfig {
                        name,
                        context: Some(cluster.clone()),
                        namespace: pod.metadata.namespace.clone(),
                        selector: None,
                        admin_port: None,
                        admin_urls: Vec::new(),
                        ecs_service: None,
                        admin_token: None,
                        ca_file: None,
                        insecure: false,
                    };
                    let _ = tx
                        .send(SourceUpdate::GatewayAdded {
                            gateway: gw.name.clone(),
                            cluster: Some(cluster.clone()),
                            ecs_service: None,
                        })
                        .await;
                    let pollers = PodPollers {
                        gw,
                        client: client.clone(),
                        cluster: cluster.clone(),
                        tx: tx.clone(),
                        pollers: BTreeMap::new(),
                    };
                    if live {
                        pollers.state(SourceState::Live).await;
                    }
                    groups.insert(release.clone(), pollers);
                }
                listed.extend(pod.metadata.name.clone().map(|n| (release.clone(), n)));
                if let Some(g) = groups.get_mut(&release) {
                    g.upsert(&pod).await;
                }
            }
            Ok(watcher::Event::InitDone) => {
                live = true;
                for (release, g) in groups.iter_mut() {
                    let gone: Vec<String> = g
                        .pollers
                        .keys()
                        .filter(|k| !listed.iter().any(|(r, n)| r == release && n == *k))
                        .cloned()
                        .collect();
                    for name in gone {
                        g.remove(&name).await;
                    }
                    g.state(SourceState::Live).await;
                }
            }
            Ok(watcher::Event::Delete(pod)) => {
                let release = kong_access::release_of(&pod);
                if let (Some(g), Some(name)) = (groups.get_mut(&release), &pod.metadata.name) {
                    g.remove(name).await;
                }
            }
            Err(e) => {
                if let Some(error) = super::errors::from_watcher(&e) {
                    for g in groups.values() {
                        g.state(SourceState::Failed {
                            since: jiff::Timestamp::now(),
                            error: error.clone(),
                        })
                        .await;
                    }
                }
            }
        }
    }
}

/// The pollers of one in-cluster gateway, one per Kong pod.
struct PodPollers {
    gw: GatewayConfig,
    client: Client,
    cluster: String,
    tx: Tx,
    pollers: BTreeMap<String, (Option<String>, JoinHandle<()>)>,
}

impl PodPollers {
    /// Starts polling a new pod, or restarts when its IP changed. A pod
    /// without an IP has no Kong running yet: it is not a node (the pod
    /// views and rules say why it is not up).
    async fn upsert(&mut self, pod: &Pod) {
        let Some(name) = pod.metadata.name.clone() else {
            return;
        };
        let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
        if ip.is_none() {
            if self.pollers.contains_key(&name) {
                self.remove(&name).await;
            }
            return;
        }
        if self.pollers.get(&name).is_some_and(|(old, _)| *old == ip) {
            return;
        }
        if let Some((_, h)) = self.pollers.remove(&name) {
            h.abort();
        }
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let Some(access) = kong_access::access_for(pod, self.gw.admin_port) else {
            return;
        };
        let token = self.gw.admin_token.clone();
        let admin = match access {
            PodAccess::Proxy { port, tls } => Admin::PodProxy {
                client: self.client.clone(),
                namespace: namespace.clone(),
                pod: name.clone(),
                port,
                tls,
                token,
            },
            PodAccess::PortForward { port, tls } => Admin::PortForward {
                api: Api::namespaced(self.client.clone(), &namespace),
                pod: name.clone(),
                port,
                tls,
                token,
                conn: Arc::default(),
            },
        };
        let via = KongVia::Pod {
            cluster: self.cluster.clone(),
            namespace,
            pod: name.clone(),
            access,
        };
        let mut node = KongNode::new(&self.gw.name, &name, via);
        node.ip = ip.clone();
        let handle = tokio::spawn(poll_loop(admin, node, self.tx.clone()));
        self.pollers.insert(name, (ip, handle));
    }

    async fn remove(&mut self, name: &str) {
        if let Some((_, h)) = self.pollers.remove(name) {
            h.abort();
        }
        let gone = SourceUpdate::KongNodeGone {
            gateway: self.gw.name.clone(),
            node: name.to_owned(),
        };
        let _ = self.tx.send(gone).await;
    }

    async fn state(&self, state: SourceState) {
        let _ = self
            .tx
            .send(SourceUpdate::GatewayState {
                gateway: self.gw.name.clone(),
                state,
            })
            .await;
    }
}

impl Drop for PodPollers {
    fn drop(&mut self) {
        for (_, h) in self.pollers.values() {
            h.abort();
        }
    }
}

/// Kong nodes listed by admin URL (Kong on ECS, external Kong).
pub async fn run_urls(gw: GatewayConfig, tx: Tx) {
    let _ = tx
        .send(SourceUpdate::GatewayAdded {
            gateway: gw.name.clone(),
            cluster: gw.context.clone().filter(|_| gw.admin_urls.is_empty()),
            ecs_service: gw.ecs_service.clone(),
        })
        .await;
    let http = match kong_access::url_client(&gw, REQUEST_TIMEOUT) {
        Ok(h) => h,
        Err(message) => {
            let error = SourceError::Other(message);
            let state = SourceState::Failed {
                since: jiff::Timestamp::now(),
                error,
            };
            let _ = tx
                .send(SourceUpdate::GatewayState {
                    gateway: gw.name,
                    state,
                })
                .await;
            return;
        }
    };
    let _ = tx
        .send(SourceUpdate::GatewayState {
            gateway: gw.name.clone(),
            state: SourceState::Live,
        })
        .await;
    let mut tasks = tokio::task::JoinSet::new();
    for url in &gw.admin_urls {
        let name = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .trim_end_matches('/')
            .to_owned();
        let mut node = KongNode::new(&gw.name, &name, KongVia::Url(url.clone()));
        node.ip = name.split(':').next().map(str::to_owned);
        let ca_file = gw.ca_file.as_ref().map(|p| p.display().to_string());
        let tls = UrlTls::for_url(url, ca_file.as_deref(), gw.insecure);
        node.url_tls = tls.clone();
        let admin = Admin::Direct {
            http: http.clone(),
            base: url.clone(),
            token: gw.admin_token.clone(),
            tls,
        };
        tasks.spawn(poll_loop(admin, node, tx.clone()));
    }
    while tasks.join_next().await.is_some() {}
}

/// A pod-proxy gateway whose context is not being watched: say so once.
pub async fn announce_unwatched(gw: GatewayConfig, tx: Tx) {
    let _ = tx
        .send(SourceUpdate::GatewayAdded {
            gateway: gw.name.clone(),
            cluster: gw.context.clone(),
            ecs_service: gw.ecs_service.clone(),
        })
        .await;
    let error = SourceError::Other(format!(
        "context {} is not watched (add it with --context)",
        gw.context.as_deref().unwrap_or("?")
    ));
    let _ = tx
        .send(SourceUpdate::GatewayState {
            gateway: gw.name,
            state: SourceState::Failed {
                since: jiff::Timestamp::now(),
                error,
            },
        })
        .await;
}
