//! Incidents: a pure correlation step after the rules. Findings are grouped
//! by the links between their objects — Kong route → upstream → targets →
//! Service → pods → workload → node / Fargate profile / PVC / ECS task, and a
//! blind cluster → everything in it — so one fault and its consequences read
//! as one incident: the root cause (the finding that explains the others),
//! its symptoms, the impact on routes where Kong tells us, the worst
//! severity, and the root's fix.
//!
//! Finding A depends on finding B when an object of B lies on A's chain
//! (what A's objects run on, transitively). Connected findings form one
//! incident; its root is the finding deepest in the chain ([`depth`]), so
//! the answer does not depend on the order the rules ran in.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use super::services::parse_upstream;
use super::{Code, Finding, ObjectRef, Severity, Snapshot};
use crate::model::aws::EcsTaskRow;
use crate::model::fleet::Gateway;
use crate::model::kong::{KongNode, KongVia};
use crate::model::pod::PodRow;

/// One problem: a root cause and what it explains. Indices point into the
/// findings list the incident was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The worst severity among its findings.
    pub severity: Severity,
    pub root: usize,
    /// Worst first, in list order otherwise.
    pub symptoms: Vec<usize>,
    /// What users see, one line each (empty when Kong does not tell us).
    pub impact: Vec<String>,
}

/// How deep in the dependency chain a code sits: the deepest finding of an
/// incident is its root. Equal depths fall back to severity, then list order.
pub fn depth(code: &str) -> u8 {
    let Some(c) = Code::from_id(code) else {
        return 0;
    };
    match c {
        Code::ClusterUnreachable | Code::ClusterUnauthorized => 9,
        Code::ClusterForbidden | Code::ClusterStale | Code::AwsUnreachable => 8,
        Code::GatewaySource => 7,
        Code::NodeNotReady
        | Code::NodePressure
        | Code::NodeCordoned
        | Code::NodegroupAtMax
        | Code::PvcWffcDeadlock
        | Code::PvcEbsOnFargate
        | Code::FargateNoProfile
        | Code::FargateUnsupported
        | Code::FargateCorednsEc2
        | Code::FargateProfileNotActive => 6,
        Code::PodCrashLoop
        | Code::PodImagePull
        | Code::PodOomKilled
        | Code::HpaMetricsUnavailable
        | Code::HpaAtMax
        | Code::HpaTargetMissing
        | Code::HpaNoRequests
        | Code::EcsServiceDegraded => 5,
        // Generic: a specific finding on the same pods explains them.
        Code::PodPending | Code::PodNotReady => 4,
        Code::KongUnreachable
        | Code::KongNotReady
        | Code::KongDbUnreachable
        | Code::KongEmptyConfig
        | Code::KongConfigDrift
        | Code::KongHealthSplit => 3,
        Code::SvcNoEndpoints => 2,
        Code::KongStaleTarget => 1,
        Code::KongNoPeer => 0,
    }
}

/// Clusters we cannot see into (unreachable, unauthorized, refused).
fn blind_clusters<'a>(s: &Snapshot<'a>) -> HashSet<&'a str> {
    s.clusters
        .iter()
        .filter(|c| c.data.connection.error().is_some())
        .map(|c| c.name())
        .collect()
}

/// The cluster an object lives in, or reaches its data through (a pod-proxy gateway's).
fn home_cluster<'a>(s: &'a Snapshot, o: &'a ObjectRef) -> Option<&'a str> {
    match o.kind.as_str() {
        "KongNode" | "KongUpstream" => s.fleet.gateways.get(&o.namespace)?.cluster.as_deref(),
        "Gateway" => s.fleet.gateways.get(&o.name)?.cluster.as_deref(),
        // Region-scoped AWS objects are not in a Kubernetes cluster.
        "EcsService" | "EcsTask" | "FargateProfile" | "Nodegroup" | "AwsRegion" => None,
        _ => (!o.cluster.is_empty()).then_some(o.cluster.as_str()),
    }
}

/// Drops findings about what lies inside a blind cluster: its rows are as
/// of before it went dark, so only the cluster's own finding is claimed.
/// What we cannot reach through it (a gateway's discovery) stays, as a
/// symptom of the cluster.
pub fn drop_unseen(s: &Snapshot, list: &mut Vec<Finding>) {
    let blind = blind_clusters(s);
    if blind.is_empty() {
        return;
    }
    let inside = |o: &ObjectRef| {
        o.kind != "Cluster"
            && home_cluster(s, o) == Some(o.cluster.as_str())
            && blind.contains(o.cluster.as_str())
    };
    list.retain(|f| !f.objects.iter().any(inside));
}

/// Lookups for walking from an object to what it runs on.
struct Chain<'s, 'a> {
    s: &'s Snapshot<'a>,
    blind: HashSet<&'a str>,
    /// `(cluster, pod IP)` → pod.
    pods_by_ip: HashMap<(&'a str, &'a str), &'a PodRow>,
    /// Task IP → task (ECS tasks are region-wide; their IPs are VPC-unique).
    tasks_by_ip: HashMap<&'a str, &'a EcsTaskRow>,
}

impl<'s, 'a> Chain<'s, 'a> {
    fn new(s: &'s Snapshot<'a>) -> Self {
        let mut pods_by_ip = HashMap::new();
        for c in &s.clusters {
            for p in c.data.stores.pods.iter() {
                if let Some(ip) = p.ip.as_deref() {
                    pods_by_ip.insert((c.name(), ip), p);
                }
            }
        }
        let tasks_by_ip = s
            .fleet
            .aws
            .values()
            .flat_map(|r| r.rows.tasks.iter())
            .filter_map(|t| t.ip.as_deref().map(|ip| (ip, t)))
            .collect();
        Chain {
            blind: blind_clusters(s),
            s,
            pods_by_ip,
            tasks_by_ip,
        }
    }

    /// What `o` runs on or sends to, one step down the chain.
    fn deps(&self, o: &ObjectRef, out: &mut Vec<ObjectRef>) {
        if o.kind != "Cluster"
            && let Some(c) = home_cluster(self.s, o).filter(|c| self.blind.contains(c))
        {
            out.push(ObjectRef::new(c, "Cluster", "", c));
        }
        match o.kind.as_str() {
            "Gateway" => {
                if let Some(g) = self.s.fleet.gateways.get(&o.name) {
                    for n in g.nodes.values() {
                        out.push(ObjectRef::new("", "KongNode", &g.name, &n.name));
                    }
                }
            }
            "KongNode" => {
                if let Some(n) = self
                    .s
                    .fleet
                    .gateways
                    .get(&o.namespace)
                    .and_then(|g| g.nodes.get(&o.name))
                {
                    self.node_deps(n, out);
                }
            }
            "KongUpstream" => {
                if let Some(g) = self.s.fleet.gateways.get(&o.namespace) {
                    self.upstream_deps(g, &o.name, out);
                }
            }
            "Service" => self.service_deps(o, out),
            "Pod" => self.pod_deps(o, out),
            "Node" => self.k8s_node_deps(o, out),
            "HorizontalPodAutoscaler" => {
                if let Some(h) = self
                    .s
                    .cluster(&o.cluster)
                    .and_then(|c| c.data.stores.hpas.get(&o.namespace, &o.name))
                {
                    out.push(ObjectRef::new(
                        &o.cluster,
                        &h.target_kind,
                        &o.namespace,
                        &h.target_name,
                    ));
                }
            }
            "EcsTask" => {
                let task = self
                    .s
                    .fleet
                    .aws
                    .get(&o.cluster)
                    .and_then(|r| r.rows.tasks.iter().find(|t| t.id == o.name));
                if let Some(t) = task
                    && let Some(svc) = &t.service
                {
                    out.push(ObjectRef::new(&t.region, "EcsService", &t.cluster, svc));
                }
            }
            _ => {}
        }
    }

    fn task_ref(t: &EcsTaskRow) -> ObjectRef {
        ObjectRef::new(&t.region, "EcsTask", &t.cluster, &t.id)
    }

    fn node_deps(&self, n: &KongNode, out: &mut Vec<ObjectRef>) {
        if let KongVia::Pod {
            cluster,
            namespace,
            pod,
            ..
        } = &n.via
        {
            out.push(ObjectRef::new(cluster, "Pod", namespace, pod));
        }
        if let Some(t) = n.ip.as_deref().and_then(|ip| self.tasks_by_ip.get(ip)) {
            out.push(Self::task_ref(t));
        }
    }

    fn upstream_deps(&self, g: &Gateway, upstream: &str, out: &mut Vec<ObjectRef>) {
        if let Some(c) = &g.cluster
            && let Some((ns, svc, _)) = parse_upstream(upstream)
        {
            out.push(ObjectRef::new(c, "Service", ns, svc));
        }
        let ips: BTreeSet<&str> = g
            .nodes
            .values()
            .flat_map(|n| n.upstreams.iter().filter(|u| u.name == upstream))
            .flat_map(|u| u.targets.iter())
            .map(|t| {
                t.target
                    .rsplit_once(':')
                    .map_or(t.target.as_str(), |(h, _)| h)
            })
            .collect();
        for ip in ips {
            if let Some(c) = g.cluster.as_deref()
                && let Some(p) = self.pods_by_ip.get(&(c, ip))
            {
                out.push(ObjectRef::new(c, "Pod", &p.namespace, &p.name));
            }
            if let Some(t) = self.tasks_by_ip.get(ip) {
                out.push(Self::task_ref(t));
            }
        }
    }

    fn service_deps(&self, o: &ObjectRef, out: &mut Vec<ObjectRef>) {
        let Some(c) = self.s.cluster(&o.cluster) else {
            return;
        };
        for sl in c
            .slices
            .get(&(o.namespace.as_str(), o.name.as_str()))
            .into_iter()
            .flatten()
        {
            for e in &sl.endpoints {
                if let Some(p) = &e.pod {
                    out.push(ObjectRef::new(&o.cluster, "Pod", &o.namespace, p));
                }
            }
        }
        let Some(svc) = c.data.stores.services.get(&o.namespace, &o.name) else {
            return;
        };
        if svc.selector.is_empty() {
            return;
        }
        for p in c
            .data
            .stores
            .pods
            .iter()
            .filter(|p| p.namespace == o.namespace)
        {
            if svc.selector.iter().all(|kv| p.has_label(kv)) {
                out.push(c.pod_ref(p));
            }
        }
    }

    fn pod_deps(&self, o: &ObjectRef, out: &mut Vec<ObjectRef>) {
        let Some(c) = self.s.cluster(&o.cluster) else {
            return;
        };
        let Some(p) = c.data.stores.pods.get(&o.namespace, &o.name) else {
            return;
        };
        if let Some((kind, name)) = c.workload_of(p) {
            out.push(ObjectRef::new(&o.cluster, kind, &o.namespace, name));
        }
        if let Some(n) = &p.node {
            out.push(ObjectRef::new(&o.cluster, "Node", "", n));
        }
        for claim in &p.claims {
            out.push(ObjectRef::new(
                &o.cluster,
                "PersistentVolumeClaim",
                &o.namespace,
                claim,
            ));
        }
        if let Some(name) = &p.fargate_profile
            && let Some(pr) = self.s.profiles(&o.cluster).find(|pr| &pr.name == name)
        {
            out.push(ObjectRef::new(
                &pr.region,
                "FargateProfile",
                &pr.cluster,
                &pr.name,
            ));
        }
    }

    fn k8s_node_deps(&self, o: &ObjectRef, out: &mut Vec<ObjectRef>) {
        let Some(n) = self
            .s
            .cluster(&o.cluster)
            .and_then(|c| c.data.stores.nodes.get("", &o.name))
        else {
            return;
        };
        let eks = Snapshot::eks_name(&o.cluster);
        if let Some(ng) = &n.nodegroup {
            for r in self.s.fleet.aws.values() {
                for row in r.rows.nodegroups.iter() {
                    if row.cluster == eks && &row.name == ng {
                        out.push(ObjectRef::new(
                            &row.region,
                            "Nodegroup",
                            &row.cluster,
                            &row.name,
                        ));
                    }
                }
            }
        }
    }

    /// Everything `start` runs on, transitively (itself included).
    fn closure(&self, start: impl Iterator<Item = ObjectRef>) -> HashSet<ObjectRef> {
        let mut seen: HashSet<ObjectRef> = HashSet::new();
        let mut queue: VecDeque<ObjectRef> = start.collect();
        let mut next = Vec::new();
        while let Some(o) = queue.pop_front() {
            if !seen.insert(o.clone()) {
                continue;
            }
            next.clear();
            self.deps(&o, &mut next);
            queue.extend(next.drain(..).filter(|n| !seen.contains(n)));
        }
        seen
    }
}

fn is_balancer(f: &Finding) -> bool {
    f.code == Code::KongNoPeer.id()
        || f.code == Code::KongStaleTarget.id()
        || f.code == Code::KongHealthSplit.id()
}

/// The objects a finding's chain starts from. A balancer finding is about
/// its upstream, not the Kong nodes that report it: every upstream of a
/// node would otherwise join through that node.
fn anchors(f: &Finding) -> impl Iterator<Item = ObjectRef> + '_ {
    let balancer = is_balancer(f);
    f.objects
        .iter()
        .filter(move |o| !(balancer && o.kind == "KongNode"))
        .cloned()
}

/// The same node-level fault on several Kong nodes of one gateway (each
/// node is its own finding) is one incident: its nodes share the deployment
/// or service that runs them. Balancer findings are per upstream and join
/// through their upstream only.
/// Two findings are siblings when their keys are equal: the code and the
/// gateway of a Kong node's finding.
fn sibling_key(f: &Finding) -> Option<(&str, &str)> {
    if is_balancer(f) {
        return None;
    }
    let p = f.primary()?;
    (p.kind == "KongNode").then_some((f.code, p.namespace.as_str()))
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut i = i;
    while parent[i] != r {
        let next = parent[i];
        parent[i] = r;
        i = next;
    }
    r
}

/// Groups `list` (sorted worst first) into incidents, worst first.
pub fn correlate(s: &Snapshot, list: &[Finding]) -> Vec<Incident> {
    let chain = Chain::new(s);
    let mut parent: Vec<usize> = (0..list.len()).collect();
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        parent[ra.max(rb)] = ra.min(rb);
    };
    // Who names each object: a finding joins every finding naming an object
    // its chain reaches, found here rather than by comparing every pair
    // (thousands of findings on a large fleet).
    let mut naming: HashMap<&ObjectRef, Vec<usize>> = HashMap::new();
    for (b, f) in list.iter().enumerate() {
        for o in &f.objects {
            naming.entry(o).or_default().push(b);
        }
    }
    for (a, f) in list.iter().enumerate() {
        for o in chain.closure(anchors(f)) {
            for &b in naming.get(&o).into_iter().flatten() {
                if a != b {
                    join(&mut parent, a, b);
                }
            }
        }
    }
    // Siblings (the same node-level fault on nodes of one gateway) join the
    // first of their kind.
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (b, f) in list.iter().enumerate() {
        if let Some(key) = sibling_key(f) {
            match first.get(&key) {
                Some(&a) => join(&mut parent, a, b),
                None => {
                    first.insert(key, b);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..list.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<Incident> = groups
        .into_values()
        .map(|members| {
            let root = members
                .iter()
                .copied()
                .max_by(|&a, &b| {
                    depth(list[a].code)
                        .cmp(&depth(list[b].code))
                        .then(list[a].severity.cmp(&list[b].severity))
                        // Earlier in the (deterministic) list wins a tie.
                        .then(b.cmp(&a))
                })
                .unwrap_or(members[0]);
            let symptoms: Vec<usize> = members.iter().copied().filter(|&i| i != root).collect();
            let severity = members
                .iter()
                .map(|&i| list[i].severity)
                .max()
                .unwrap_or(list[root].severity);
            let impact = impact(s, members.iter().map(|&i| &list[i]));
            Incident {
                severity,
                root,
                symptoms,
                impact,
            }
        })
        .collect();
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.root.cmp(&b.root)));
    out
}

/// Route labels of a gateway that send to `upstream`; `None` when no node
/// told us its routes.
fn routes_to(g: &Gateway, upstream: &str) -> Option<Vec<String>> {
    let mut known = false;
    let mut labels = BTreeSet::new();
    for n in g.nodes.values().filter(|n| n.reachable.is_ok()) {
        known |= !n.routes.is_empty();
        for r in n
            .routes
            .iter()
            .filter(|r| r.upstream.as_deref() == Some(upstream))
        {
            labels.insert(r.label());
        }
    }
    known.then(|| labels.into_iter().collect())
}

/// At most this many routes are named per upstream.
const MAX_ROUTES: usize = 5;

fn requests(routes: &[String]) -> String {
    let mut s: Vec<String> = routes
        .iter()
        .take(MAX_ROUTES)
        .map(|r| format!("`{r}`"))
        .collect();
    if routes.len() > MAX_ROUTES {
        s.push(format!("{} more", routes.len() - MAX_ROUTES));
    }
    format!("requests to {}", s.join(", "))
}

/// What users see, from the Kong findings of an incident.
fn impact<'f>(s: &Snapshot, members: impl Iterator<Item = &'f Finding>) -> Vec<String> {
    let mut out = Vec::new();
    for f in members {
        let Some(up) = f.objects.iter().find(|o| o.kind == "KongUpstream") else {
            if f.code == Code::KongEmptyConfig.id()
                && let Some(n) = f.primary()
            {
                out.push(format!(
                    "every request through Kong node {} of gateway {} gets 404 (no configuration)",
                    n.name, n.namespace
                ));
            }
            continue;
        };
        let Some(g) = s.fleet.gateways.get(&up.namespace) else {
            continue;
        };
        let nodes: Vec<&str> = f
            .objects
            .iter()
            .filter(|o| o.kind == "KongNode")
            .map(|o| o.name.as_str())
            .collect();
        let total = g
            .nodes
            .values()
            .filter(|n| n.reachable.is_ok() && n.upstreams.iter().any(|u| u.name == up.name))
            .count();
        let what = match routes_to(g, &up.name) {
            Some(r) if r.is_empty() => {
                format!(
                    "no route sends to upstream {} (no requests affected)",
                    up.name
                )
            }
            Some(r) => requests(&r),
            None => format!("requests routed to upstream {} (routes not known)", up.name),
        };
        if f.code == Code::KongNoPeer.id() {
            out.push(format!(
                "{what} fail with 503 on {} of {total} Kong node(s) of gateway {}",
                nodes.len(),
                g.name
            ));
        } else if f.code == Code::KongStaleTarget.id() {
            out.push(format!(
                "{what} through Kong node {} of gateway {} may go to stale targets (errors or timeouts)",
                nodes.join(", "),
                g.name
            ));
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
#[path = "incidents_tests.rs"]
mod tests;
