//! Services a gateway routes to that have no ready endpoints, and the join
//! from a Kong upstream back to Kubernetes: upstream → Service →
//! EndpointSlices → pods → why they are not ready.

use std::collections::BTreeSet;

use super::index::ClusterIndex;
use super::{Action, Code, Finding, ObjectRef, Snapshot};
use crate::model::pod::{PodHealth, PodRow};
use crate::model::service::ServiceRow;

/// `<service>.<namespace>.<port>.svc` (Kong Ingress Controller) → `(namespace, service, port)`.
pub fn parse_upstream(name: &str) -> Option<(&str, &str, &str)> {
    let rest = name.strip_suffix(".svc")?;
    let (rest, port) = rest.rsplit_once('.')?;
    let (svc, ns) = rest.rsplit_once('.')?;
    (!svc.is_empty() && !ns.is_empty()).then_some((ns, svc, port))
}

/// Pods a service selects (all of them, ready or not).
pub fn selected_pods<'a>(c: &ClusterIndex<'a>, svc: &ServiceRow) -> Vec<&'a PodRow> {
    if svc.selector.is_empty() {
        return Vec::new();
    }
    c.data
        .stores
        .pods
        .iter()
        .filter(|p| p.namespace == svc.namespace && svc.selector.iter().all(|kv| p.has_label(kv)))
        .collect()
}

/// Why a pod is not serving, in one line.
pub fn pod_why(c: &ClusterIndex, p: &PodRow) -> String {
    let mut s = p.status.clone();
    if p.node.is_none()
        && let Some(profile) = &p.fargate_profile
    {
        s.push_str(&format!(" on Fargate (profile {profile})"));
    }
    // The pod's current state first; an event only while it still explains it.
    let why = p.why(c.warning("Pod", &p.namespace, &p.name));
    if !why.is_empty() {
        s.push_str(" — ");
        s.push_str(&why);
    }
    if let Some(t) = &p.notes().last_termination {
        s.push_str(&format!(
            " (last exit {t}{})",
            p.notes()
                .exit_code
                .map(|c| format!(", code {c}"))
                .unwrap_or_default()
        ));
    }
    s.into()
}

/// Evidence links from a service down to its pods; `(links, pods named)`.
pub fn service_chain(
    c: &ClusterIndex,
    svc: &ServiceRow,
) -> (Vec<(ObjectRef, String)>, Vec<ObjectRef>) {
    let cl = c.name();
    let svc_obj = ObjectRef::new(cl, "Service", &svc.namespace, &svc.name);
    let mut links = Vec::new();
    let slices = c
        .slices
        .get(&(svc.namespace.as_str(), svc.name.as_str()))
        .map(Vec::as_slice)
        .unwrap_or_default();
    let ready: usize = slices.iter().map(|s| s.ready_count()).sum();
    let total: usize = slices.iter().map(|s| s.endpoints.len()).sum();
    links.push((
        svc_obj,
        format!(
            "{ready} ready of {total} endpoints in {} EndpointSlice(s)",
            slices.len()
        ),
    ));
    let mut pods = Vec::new();
    let selected = selected_pods(c, svc);
    // Most informative first: failed, then pending; a handful is enough.
    let mut shown: Vec<&PodRow> = selected
        .iter()
        .copied()
        .filter(|p| p.health != PodHealth::Ok)
        .collect();
    shown.sort_by(|a, b| b.health.cmp(&a.health).then(a.name.cmp(&b.name)));
    for p in shown.iter().take(5) {
        let o = c.pod_ref(p);
        links.push((o.clone(), pod_why(c, p)));
        pods.push(o);
    }
    if selected.is_empty() && !svc.selector.is_empty() {
        let sel: Vec<String> = svc
            .selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        links.push((
            ObjectRef::new(cl, "Service", &svc.namespace, &svc.name),
            format!("no pod matches selector {}", sel.join(",")),
        ));
    }
    (links, pods)
}

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    // Services named by some gateway's upstreams, per cluster.
    let mut wanted: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    for g in s.fleet.gateways.values() {
        let Some(cluster) = &g.cluster else { continue };
        for n in g.nodes.values().filter(|n| n.reachable.is_ok()) {
            for u in &n.upstreams {
                if let Some((ns, svc, _)) = parse_upstream(&u.name) {
                    wanted.insert((cluster.clone(), ns.into(), svc.into(), g.name.clone()));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (cluster, ns, name, gw) in &wanted {
        let Some(c) = s.cluster(cluster) else {
            continue;
        };
        if !c.complete() || !seen.insert((cluster, ns, name)) {
            continue;
        }
        let Some(svc) = c.data.stores.services.get(ns, name) else {
            continue;
        };
        if !c.ready_addresses(ns, name).is_empty() {
            continue;
        }
        let svc_obj = ObjectRef::new(cluster, "Service", ns, name);
        let (links, pods) = service_chain(c, svc);
        let mut f = Finding::new(
            Code::SvcNoEndpoints,
            svc_obj.clone(),
            format!("service {ns}/{name}, routed to by gateway {gw}, has no ready endpoints"),
        )
        .link(
            ObjectRef::new("", "Gateway", "", gw),
            format!("routes to {ns}/{name} (upstream {name}.{ns}.<port>.svc)"),
        );
        for (o, fact) in links {
            f = f.link(o, fact);
        }
        for p in &pods {
            f = f.object(p.clone());
        }
        let fix = match pods.first() {
            Some(_) => {
                "Fix why the pods are not ready (see the pods in the chain); the gateway recovers once endpoints are ready."
            }
            None => "Start pods matching the service's selector, or correct the selector.",
        };
        f = f.fix(fix);
        f = match pods.first() {
            Some(p) => f.remedy(Action::Describe, p.clone()),
            None => f.remedy(Action::Describe, svc_obj),
        };
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn upstream_names_parse() {
        assert_eq!(
            parse_upstream("hello-api.shop.80.svc"),
            Some(("shop", "hello-api", "80"))
        );
        assert_eq!(parse_upstream("payments"), None);
    }

    fn svc_items(ready: bool) -> Vec<serde_json::Value> {
        let p = set(
            pod("shop", "checkout-1"),
            "/metadata/labels",
            json!({"app": "checkout"}),
        );
        vec![
            json!({"kind": "Service", "metadata": {"namespace": "shop", "name": "checkout"},
                   "spec": {"selector": {"app": "checkout"}, "ports": [{"port": 80}]}}),
            json!({"kind": "EndpointSlice",
                   "metadata": {"namespace": "shop", "name": "checkout-abc",
                                "labels": {"kubernetes.io/service-name": "checkout"}},
                   "addressType": "IPv4",
                   "endpoints": [{"addresses": ["10.0.1.50"], "conditions": {"ready": ready},
                                  "targetRef": {"kind": "Pod", "name": "checkout-1"}}]}),
            if ready {
                p
            } else {
                set(
                    p,
                    "/status/containerStatuses/0",
                    json!({"name": "app", "image": "x", "imageID": "",
                    "ready": false, "restartCount": 0,
                    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}}),
                )
            },
        ]
    }

    fn with_gateway(items: &[serde_json::Value]) -> crate::model::fleet::Fleet {
        let mut f = fleet("prod", items);
        let up = upstream(
            "checkout.shop.80.svc",
            "HEALTHY",
            &[("10.0.1.50:8080", 100, "HEALTHCHECKS_OFF")],
        );
        gateway(
            &mut f,
            "prod/kong",
            Some("prod"),
            None,
            vec![kong_node("prod/kong", Some("prod"), "kong-1", vec![up])],
        );
        f
    }

    #[test]
    fn routed_service_without_ready_endpoints() {
        let r = diagnose(&with_gateway(&svc_items(false)), now());
        let f = r
            .list
            .iter()
            .find(|f| f.code == "FD-SVC-NO-ENDPOINTS")
            .expect("finding");
        assert!(
            f.evidence
                .iter()
                .any(|l| l.fact.contains("ImagePullBackOff"))
        );
        assert!(f.objects.iter().any(|o| o.name == "checkout-1"));
    }

    #[test]
    fn ready_or_unrouted_service_is_quiet() {
        let r = diagnose(&with_gateway(&svc_items(true)), now());
        assert!(r.list.is_empty(), "{:?}", codes(&r));
        let r = diagnose(&fleet("prod", &svc_items(false)), now());
        assert!(!codes(&r).contains(&"FD-SVC-NO-ENDPOINTS"));
    }
}
