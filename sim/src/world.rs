//! The whole simulated fleet and the loop that drives it: the AWS world
//! ticks, each cluster's EKS view is copied in, every controller runs on
//! every reachable cluster, and the Kong nodes follow what they front.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;

use super::aws::SharedAws;
use super::cluster::{EksView, NodegroupView, ProfileView, SharedCluster};
use super::controllers::{self, Ctx, load::LoadCurve};
use super::kong::{
    DbMode, KicBackend, KongConfig, KongFault, KongNode, SharedKongNode, TargetHealth,
    admin_router, kic_config,
};
use super::rng::{Rng, hash_str};

mod virtual_kubelet;
pub use virtual_kubelet::{VirtualKubelet, managed as managed_by_virtual_kubelet};

/// The IngressClass the in-cluster Kong (Kong Ingress Controller) serves.
pub const KONG_CLASS: &str = "kong";

/// `(namespace, service)` → the paths Ingresses of class `kong` route to it.
fn kong_routes(ingresses: &[Ingress]) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for ing in ingresses {
        let Some(spec) = ing.spec.as_ref() else {
            continue;
        };
        if spec.ingress_class_name.as_deref() != Some(KONG_CLASS) {
            continue;
        }
        let ns = ing.metadata.namespace.clone().unwrap_or_default();
        let paths = spec
            .rules
            .iter()
            .flatten()
            .filter_map(|r| r.http.as_ref())
            .flat_map(|h| h.paths.iter());
        for p in paths {
            let Some(svc) = p.backend.service.as_ref() else {
                continue;
            };
            let path = p.path.clone().unwrap_or_else(|| "/".into());
            let entry = out.entry((ns.clone(), svc.name.clone())).or_default();
            if !entry.contains(&path) {
                entry.push(path);
            }
        }
    }
    out
}

/// A Kong gateway as the config file names it.
#[derive(Clone)]
pub enum GatewaySpec {
    /// Kong pods reached through the API server's pod proxy.
    InCluster {
        name: String,
        context: String,
        namespace: String,
        selector: String,
        /// A plain-HTTP admin port the pod proxy reaches; `None` lets the
        /// client read the listener from the pod's env (the chart default).
        admin_port: Option<u16>,
    },
    /// Kong nodes on ECS, each with its own admin listener.
    Ecs {
        name: String,
        nodes: Vec<(String, axum::Router)>,
        ecs_service: String,
    },
}

/// In-cluster Kong (KIC, DB-less): one node per running Kong pod.
pub struct InClusterKong {
    pub cluster: usize,
    pub namespace: String,
    pub label: (String, String),
    /// (node ordinal by pod name, Service name): that node sees every target of
    /// that Service's upstream UNHEALTHY — a stale per-node balancer.
    pub unhealthy: Vec<(usize, String)>,
    pub nodes: Mutex<BTreeMap<String, SharedKongNode>>,
}

/// Kong on ECS (DB mode, one shared Postgres): fixed nodes, upstream targets
/// are the backend ECS services' running task IPs. A node whose task is
/// stopped becomes the task that replaces it.
pub struct EcsKong {
    pub region: String,
    pub ecs_cluster: String,
    /// The ECS service running the Kong nodes.
    pub service: String,
    /// (Kong service name, paths, backend ECS service, port)
    pub apps: Vec<(String, Vec<String>, String, u16)>,
    pub nodes: Vec<(String, SharedKongNode)>,
    /// (node index, app): that node's balancer has no healthy peer for the app.
    pub unhealthy: Vec<(usize, String)>,
}

/// Everything a scenario builds.
pub struct Fleet {
    pub clusters: Vec<SharedCluster>,
    pub aws: SharedAws,
    pub gateways: Vec<GatewaySpec>,
    pub kic: Vec<InClusterKong>,
    pub ecs_kong: Vec<EcsKong>,
    /// Virtual nodes whose pods run as ECS tasks.
    pub virtual_kubelets: Vec<VirtualKubelet>,
    /// HPA load curves per cluster, by (namespace, hpa).
    pub loads: Vec<BTreeMap<(String, String), LoadCurve>>,
    /// Clusters built in their final state (the scale scenario): no
    /// controllers, only churn of pod events.
    pub churn: Vec<Option<super::scenarios::scale::Churn>>,
    pub started: jiff::Timestamp,
    pub settled: AtomicBool,
    /// When [`tick`] last ran: churn is a rate over the time between ticks.
    last_tick: Mutex<Option<jiff::Timestamp>>,
}

impl Fleet {
    /// A fleet whose simulated time starts at `started` (when it was built).
    pub fn new(clusters: Vec<SharedCluster>, aws: SharedAws, started: jiff::Timestamp) -> Self {
        let n = clusters.len();
        Fleet {
            clusters,
            aws,
            gateways: Vec::new(),
            kic: Vec::new(),
            ecs_kong: Vec::new(),
            virtual_kubelets: Vec::new(),
            loads: vec![BTreeMap::new(); n],
            churn: vec![None; n],
            started,
            settled: AtomicBool::new(false),
            last_tick: Mutex::new(None),
        }
    }

    /// True once every cluster has had one controller pass.
    pub fn is_settled(&self) -> bool {
        self.settled.load(Ordering::Acquire)
    }

    /// Hostnames of the Kong nodes a fault can name (the ECS-hosted ones).
    pub fn kong_node_names(&self) -> Vec<String> {
        self.ecs_kong
            .iter()
            .flat_map(|g| g.nodes.iter().map(|(name, _)| name.clone()))
            .collect()
    }

    /// The ECS Kong node named (by hostname) sees the first target of each
    /// upstream down while the others keep using it — as when that node
    /// alone cannot reach that task. A node already without a peer for an
    /// app keeps that.
    pub fn set_kong_split(&self, node: &str) -> bool {
        let mut found = false;
        for g in &self.ecs_kong {
            // The targets are the backend services' running tasks, in the
            // order the node's configuration lists them.
            let targets: Vec<(String, String, Vec<String>)> = {
                let aws = lock(&self.aws);
                let Some(ecs) = aws.ecs_cluster(&g.region, &g.ecs_cluster) else {
                    continue;
                };
                g.apps
                    .iter()
                    .map(|(name, _, svc, port)| {
                        let ips = ecs
                            .service_tasks(svc)
                            .filter(|t| t.last_status.as_str() == "RUNNING")
                            .map(|t| format!("{}:{port}", t.private_ip))
                            .collect();
                        (name.clone(), format!("{name}.upstream"), ips)
                    })
                    .collect()
            };
            for (i, (_, n)) in g
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, (name, _))| name == node)
            {
                found = true;
                let mut n = lock(n);
                for (app, upstream, ips) in &targets {
                    if g.unhealthy.iter().any(|(o, a)| *o == i && a == app) {
                        continue;
                    }
                    if let Some(first) = ips.first() {
                        n.set_target_health(upstream, first, TargetHealth::Unhealthy);
                    }
                }
            }
        }
        found
    }

    /// Sets an ECS-hosted Kong node's fault by its hostname.
    pub fn set_kong_fault(&self, node: &str, garbage: bool) -> bool {
        let fault = if garbage {
            KongFault::Malformed
        } else {
            KongFault::Timeout
        };
        let mut found = false;
        for g in &self.ecs_kong {
            for (name, n) in &g.nodes {
                if name == node {
                    lock(n).set_fault(Some(fault));
                    found = true;
                }
            }
        }
        found
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs the fleet on its own thread until `stopped` flips.
pub fn spawn(fleet: Arc<Fleet>, seed: u64, stopped: tokio::sync::watch::Receiver<bool>) {
    std::thread::spawn(move || {
        let mut rng = Rng::new(seed ^ 0x5EED_F1EE);
        while !*stopped.borrow() {
            tick(&fleet, &mut rng, jiff::Timestamp::now());
            fleet.settled.store(true, Ordering::Release);
            std::thread::sleep(Duration::from_millis(250));
        }
    });
}

/// How long every scenario has been running when its API first answers:
/// long enough for ages in hours, crash-loop restart counts, HPA history
/// and repeated events, so the first screen is a steady state.
pub const LIVED_FOR_SECS: i64 = 2 * 3600;

/// Seconds between two simulated ticks `t` seconds after the start: fine
/// while pods boot and controllers converge, then coarse. A tick costs the
/// same however far it jumps (the kubelet, ECS tasks and load curves are
/// functions of time), so few ticks keep a debug-built sim starting fast.
fn aging_step(t: i64) -> i64 {
    match t {
        ..60 => 5,
        60..600 => 60,
        _ => 600,
    }
}

/// Runs the fleet in simulated time from its start until `secs` later, the
/// same way for the same seed. Clusters built in their final state (churn)
/// are not aged: their objects already carry their times.
pub fn age(fleet: &Fleet, rng: &mut Rng, secs: i64) {
    let churned = fleet.churn.iter().any(Option::is_some);
    let mut t = 0;
    while !churned && t < secs {
        t = (t + aging_step(t)).min(secs);
        let now = fleet.started + jiff::SignedDuration::from_secs(t);
        for c in &fleet.clusters {
            c.store().set_clock(Some(now));
        }
        tick(fleet, rng, now);
    }
    // From here on, objects written through the API are stamped as they come.
    for c in &fleet.clusters {
        c.store().set_clock(None);
    }
}

/// One pass over the whole fleet at `now`.
pub fn tick(fleet: &Fleet, rng: &mut Rng, now: jiff::Timestamp) {
    let since_last = lock(&fleet.last_tick)
        .replace(now)
        .map_or(0.25, |t| {
            (now.as_millisecond() - t.as_millisecond()) as f64 / 1000.0
        })
        .clamp(0.0, 2.0);
    {
        let mut aws = lock(&fleet.aws);
        aws.tick(now, &mut || rng.next_u64());
        for c in &fleet.clusters {
            let view = aws
                .eks_cluster(&c.region, &c.name)
                .map(|eks| EksView {
                    fargate_profiles: eks
                        .fargate_profiles
                        .values()
                        .map(|p| ProfileView {
                            name: p.name.clone(),
                            selectors: p
                                .selectors
                                .iter()
                                .map(|s| (s.namespace.clone(), s.labels.clone()))
                                .collect(),
                            // A profile created later in the scenario claims nothing before then.
                            active: p.status.as_str() == "ACTIVE" && p.created_at <= now,
                            subnets_azs: Vec::new(),
                        })
                        .collect(),
                    nodegroups: eks
                        .nodegroups
                        .values()
                        .map(|ng| NodegroupView {
                            name: ng.name.clone(),
                            desired: ng.desired.max(0) as u32,
                            instance_type: ng
                                .instance_types
                                .first()
                                .cloned()
                                .unwrap_or_else(|| "m5.large".into()),
                            capacity_type: ng.capacity_type.as_str().to_owned(),
                            labels: ng.labels.clone(),
                            taints: ng
                                .taints
                                .iter()
                                .map(|t| {
                                    (
                                        t.key.clone(),
                                        t.value.clone(),
                                        k8s_effect(t.effect).to_owned(),
                                    )
                                })
                                .collect(),
                            azs: Vec::new(),
                        })
                        .collect(),
                })
                .unwrap_or_default();
            *lock(&c.eks) = view;
        }
    }
    for (i, c) in fleet.clusters.iter().enumerate() {
        if !c.reachable {
            continue;
        }
        if let Some(churn) = fleet.churn[i] {
            let count = (f64::from(churn.rate) * since_last).round() as u32;
            churn.apply(&mut c.store(), rng, count, now);
            continue;
        }
        let eks = c.eks();
        let ctx = Ctx {
            now,
            region: &c.region,
            eks: &eks,
            seed: hash_str(&c.name),
            started: fleet.started,
            loads: &fleet.loads[i],
        };
        controllers::reconcile_all(&mut c.store(), &ctx);
    }
    for v in &fleet.virtual_kubelets {
        if let Some(c) = fleet.clusters.get(v.cluster) {
            v.sync(c, &fleet.aws, now);
        }
    }
    for k in &fleet.kic {
        sync_kic(fleet, k);
    }
    for k in &fleet.ecs_kong {
        sync_ecs_kong(fleet, k, now);
    }
}

fn sync_kic(fleet: &Fleet, k: &InClusterKong) {
    let Some(cluster) = fleet.clusters.get(k.cluster) else {
        return;
    };
    let (pods, backends) = {
        let store = cluster.store();
        let pods: Vec<(String, bool)> = store
            .list::<Pod>(Some(&k.namespace))
            .into_iter()
            .filter(|p| {
                p.metadata.labels.as_ref().and_then(|l| l.get(&k.label.0)) == Some(&k.label.1)
            })
            .map(|p| {
                let running = p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
                (p.metadata.name.unwrap_or_default(), running)
            })
            .collect();
        let slices = store.list::<EndpointSlice>(None);
        let routes = kong_routes(&store.list::<Ingress>(None));
        let backends: Vec<KicBackend> = store
            .list::<Service>(None)
            .into_iter()
            .filter_map(|s| {
                let ns = s.metadata.namespace.clone().unwrap_or_default();
                let name = s.metadata.name.clone().unwrap_or_default();
                let paths = routes.get(&(ns.clone(), name.clone()))?.clone();
                let port = s.spec.as_ref()?.ports.as_ref()?.first()?;
                let target_port = port.target_port.as_ref().and_then(|t| match t {
                    k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(p) => {
                        Some(*p as u16)
                    }
                    _ => None,
                });
                let ready = slices
                    .iter()
                    .filter(|sl| {
                        sl.metadata.namespace.as_deref() == Some(&ns)
                            && sl
                                .metadata
                                .labels
                                .as_ref()
                                .and_then(|l| l.get("kubernetes.io/service-name"))
                                == Some(&name)
                    })
                    .flat_map(|sl| sl.endpoints.iter().flatten())
                    .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
                    .flat_map(|e| {
                        e.addresses
                            .iter()
                            .map(|a| (a.clone(), target_port.unwrap_or(port.port as u16)))
                    })
                    .collect();
                Some(KicBackend {
                    namespace: ns,
                    service: name,
                    port: port.port as u16,
                    k8s_uid: s.metadata.uid.clone().unwrap_or_default(),
                    paths,
                    ready_endpoints: ready,
                    healthchecks: true,
                })
            })
            .collect();
        (pods, backends)
    };
    let config = kic_config(&backends);
    let mut nodes = lock(&k.nodes);
    nodes.retain(|name, _| pods.iter().any(|(p, running)| p == name && *running));
    for (name, running) in &pods {
        if *running && !nodes.contains_key(name) {
            let node = KongNode::new(
                &uuid_like(&format!("{}/{name}", cluster.name)),
                name,
                DbMode::DbLess,
            )
            .shared();
            nodes.insert(name.clone(), node);
        }
    }
    let mut routers = lock(&cluster.kong_pods);
    routers.retain(|(ns, pod), _| *ns != k.namespace || nodes.contains_key(pod));
    for (ordinal, (name, node)) in nodes.iter().enumerate() {
        routers
            .entry((k.namespace.clone(), name.clone()))
            .or_insert_with(|| admin_router(node.clone()));
        let mut n = lock(node);
        n.set_config(config.clone());
        for (bad, svc) in k.unhealthy.iter().filter(|(o, _)| *o == ordinal) {
            mark_unhealthy(&mut n, &config, |u| u.starts_with(&format!("{svc}.")), *bad);
        }
    }
}

fn mark_unhealthy(
    node: &mut KongNode,
    config: &KongConfig,
    upstream: impl Fn(&str) -> bool,
    _ordinal: usize,
) {
    for u in config.upstreams.iter().filter(|u| upstream(&u.name)) {
        for t in &u.targets {
            node.set_target_health(&u.name, &t.target, TargetHealth::Unhealthy);
        }
    }
}

/// (Kong service name, its paths, the running task addresses behind it)
type AppTargets = (String, Vec<String>, Vec<(String, u16)>);

fn sync_ecs_kong(fleet: &Fleet, k: &EcsKong, now: jiff::Timestamp) {
    let (targets, kong_tasks): (Vec<AppTargets>, Vec<String>) = {
        let aws = lock(&fleet.aws);
        let Some(ecs) = aws.ecs_cluster(&k.region, &k.ecs_cluster) else {
            return;
        };
        let kong_tasks = ecs
            .service_tasks(&k.service)
            .filter(|t| t.last_status.as_str() == "RUNNING")
            .map(|t| t.private_dns_name(&k.region))
            .collect();
        let targets = k
            .apps
            .iter()
            .map(|(name, paths, svc, port)| {
                let ips = ecs
                    .service_tasks(svc)
                    .filter(|t| t.last_status.as_str() == "RUNNING")
                    .map(|t| (t.private_ip.clone(), *port))
                    .collect();
                (name.clone(), paths.clone(), ips)
            })
            .collect();
        (targets, kong_tasks)
    };
    replace_stopped_nodes(k, &kong_tasks, now);
    let mut builder = KongConfig::builder();
    for (name, paths, ips) in &targets {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let ips: Vec<(&str, u16)> = ips.iter().map(|(ip, p)| (ip.as_str(), *p)).collect();
        builder = builder.app(name, &paths, &ips);
    }
    let config = builder.build();
    for (i, (original, node)) in k.nodes.iter().enumerate() {
        let mut n = lock(node);
        n.set_config(config.clone());
        // A replacement starts with fresh balancers: the fault was the old task's.
        if n.hostname != *original {
            continue;
        }
        for (_, app) in k.unhealthy.iter().filter(|(o, _)| *o == i) {
            mark_unhealthy(&mut n, &config, |u| u == format!("{app}.upstream"), i);
        }
    }
}

/// A node whose task is no longer running becomes a running Kong task no
/// node is yet (the one ECS started in its place): new id and hostname,
/// started now, no health history — a fresh Kong, as a redeploy gives.
fn replace_stopped_nodes(k: &EcsKong, running: &[String], now: jiff::Timestamp) {
    let mut taken: Vec<String> = k
        .nodes
        .iter()
        .map(|(_, n)| lock(n).hostname.clone())
        .collect();
    for (_, node) in &k.nodes {
        let mut n = lock(node);
        if running.contains(&n.hostname) {
            continue;
        }
        let Some(free) = running.iter().find(|h| !taken.contains(h)) else {
            continue;
        };
        taken.push(free.clone());
        n.node_id = uuid_like(free);
        n.hostname = free.clone();
        n.started_at = now;
        n.clear_target_health();
    }
}

/// EKS spells taint effects NO_SCHEDULE; Kubernetes NoSchedule.
fn k8s_effect(e: super::aws::TaintEffect) -> &'static str {
    match e.as_str() {
        "NO_EXECUTE" => "NoExecute",
        "PREFER_NO_SCHEDULE" => "PreferNoSchedule",
        _ => "NoSchedule",
    }
}

/// A UUID-shaped id that is stable for a name.
pub fn uuid_like(name: &str) -> String {
    let a = super::rng::mix(hash_str(name));
    let b = super::rng::mix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48 & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}
