//! The EndpointSlice and Endpoints controllers: per Service with a
//! selector, one slice `<svc>-<hash>` (labelled `kubernetes.io/service-name`,
//! owned by the Service) listing the matching pods that have an IP, with
//! `conditions.ready`, targetRef, nodeName and zone; and the core Endpoints
//! with ready / not-ready addresses.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Node, ObjectReference, Pod, Service,
};
use k8s_openapi::api::discovery::v1::{
    Endpoint, EndpointConditions, EndpointPort as SlicePort, EndpointSlice,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{controller_of, label, name, namespace, owner, safe_suffix, time};
use super::{Ctx, podspec, selectors};
use crate::rng::hash_str;
use crate::store::Store;

pub const SERVICE_NAME: &str = "kubernetes.io/service-name";

pub fn slice_name(svc: &str) -> String {
    format!("{svc}-{}", safe_suffix(hash_str(svc), 5))
}

/// The port a service port reaches on `pod` (named target ports resolved).
fn target_port(port: &k8s_openapi::api::core::v1::ServicePort, pod: &Pod) -> i32 {
    match &port.target_port {
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(named)) => pod
            .spec
            .iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(named))
            .map(|p| p.container_port)
            .unwrap_or(port.port),
        None => port.port,
    }
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) {
    let services = store.list::<Service>(None);
    // Slices of deleted Services go with them.
    for s in store.list::<EndpointSlice>(None) {
        if controller_of(&s.metadata).is_some_and(|o| {
            o.kind == "Service"
                && !services
                    .iter()
                    .any(|svc| svc.metadata.uid.as_deref() == Some(&o.uid))
        }) {
            let _ = store.delete::<EndpointSlice>(namespace(&s.metadata), name(&s.metadata));
        }
    }
    if services.is_empty() {
        return;
    }
    let zones: HashMap<String, String> = store
        .list::<Node>(None)
        .into_iter()
        .filter_map(|n| {
            Some((
                name(&n.metadata).to_owned(),
                label(&n.metadata, "topology.kubernetes.io/zone")?.to_owned(),
            ))
        })
        .collect();
    let mut pods_by_ns: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
    for p in store.list::<Pod>(None) {
        pods_by_ns
            .entry(namespace(&p.metadata).to_owned())
            .or_default()
            .push(p);
    }
    for svc in services {
        let Some(selector) = svc
            .spec
            .as_ref()
            .and_then(|s| s.selector.clone())
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let ns = namespace(&svc.metadata).to_owned();
        let mut pods: Vec<&Pod> = pods_by_ns
            .get(&ns)
            .into_iter()
            .flatten()
            .filter(|p| {
                selectors::matches_map(&selector, &p.metadata.labels.clone().unwrap_or_default())
            })
            .filter(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_ref()).is_some())
            .collect();
        pods.sort_by_key(|p| name(&p.metadata).to_owned());
        sync_slice(store, ctx, &svc, &pods, &zones);
        sync_endpoints(store, ctx, &svc, &pods);
    }
}

fn pod_ref(p: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".into()),
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        uid: p.metadata.uid.clone(),
        ..Default::default()
    }
}

fn sync_slice(
    store: &mut Store,
    ctx: &Ctx,
    svc: &Service,
    pods: &[&Pod],
    zones: &HashMap<String, String>,
) {
    let ns = namespace(&svc.metadata);
    let svc_name = name(&svc.metadata);
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    let endpoints: Vec<Endpoint> = pods
        .iter()
        .map(|p| {
            let ready = podspec::is_ready(p);
            let node = podspec::node_name(p).map(str::to_owned);
            Endpoint {
                addresses: vec![
                    p.status
                        .as_ref()
                        .and_then(|s| s.pod_ip.clone())
                        .unwrap_or_default(),
                ],
                conditions: Some(EndpointConditions {
                    ready: Some(ready),
                    serving: Some(ready),
                    terminating: Some(false),
                }),
                target_ref: Some(pod_ref(p)),
                zone: node.as_ref().and_then(|n| zones.get(n).cloned()),
                node_name: node,
                ..Default::default()
            }
        })
        .collect();
    let slice_ports: Vec<SlicePort> = ports
        .iter()
        .map(|sp| SlicePort {
            name: Some(sp.name.clone().unwrap_or_default()),
            port: Some(pods.first().map(|p| target_port(sp, p)).unwrap_or(sp.port)),
            protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
            app_protocol: sp.app_protocol.clone(),
        })
        .collect();
    let slice_name = slice_name(svc_name);
    let existing = store.get::<EndpointSlice>(ns, &slice_name);
    let mut slice = existing.clone().unwrap_or_else(|| EndpointSlice {
        metadata: ObjectMeta {
            name: Some(slice_name.clone()),
            namespace: Some(ns.to_owned()),
            generate_name: Some(format!("{svc_name}-")),
            labels: Some(BTreeMap::from([
                (SERVICE_NAME.to_owned(), svc_name.to_owned()),
                (
                    "endpointslice.kubernetes.io/managed-by".to_owned(),
                    "endpointslice-controller.k8s.io".to_owned(),
                ),
            ])),
            owner_references: Some(vec![owner("Service", "v1", &svc.metadata)]),
            creation_timestamp: Some(time(ctx.now)),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: None,
        ports: None,
    });
    slice.endpoints = Some(endpoints);
    slice.ports = Some(slice_ports);
    match existing {
        None => {
            let _ = store.create(&slice);
        }
        Some(old) if old.endpoints != slice.endpoints || old.ports != slice.ports => {
            let _ = store.replace(&slice);
        }
        Some(_) => {}
    }
}

fn sync_endpoints(store: &mut Store, ctx: &Ctx, svc: &Service, pods: &[&Pod]) {
    let ns = namespace(&svc.metadata);
    let svc_name = name(&svc.metadata);
    let addr = |p: &&Pod| EndpointAddress {
        ip: p
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default(),
        node_name: podspec::node_name(p).map(str::to_owned),
        target_ref: Some(pod_ref(p)),
        hostname: None,
    };
    let ready: Vec<EndpointAddress> = pods
        .iter()
        .filter(|p| podspec::is_ready(p))
        .map(addr)
        .collect();
    let not_ready: Vec<EndpointAddress> = pods
        .iter()
        .filter(|p| !podspec::is_ready(p))
        .map(addr)
        .collect();
    let ports: Vec<EndpointPort> = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default()
        .iter()
        .map(|sp| EndpointPort {
            name: sp.name.clone(),
            port: pods.first().map(|p| target_port(sp, p)).unwrap_or(sp.port),
            protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
            app_protocol: None,
        })
        .collect();
    let subsets = (!pods.is_empty()).then(|| {
        vec![EndpointSubset {
            addresses: (!ready.is_empty()).then_some(ready),
            not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
            ports: Some(ports),
        }]
    });
    match store.get::<Endpoints>(ns, svc_name) {
        Some(mut ep) => {
            if ep.subsets != subsets {
                ep.subsets = subsets;
                let _ = store.replace(&ep);
            }
        }
        None => {
            let ep = Endpoints {
                metadata: ObjectMeta {
                    name: Some(svc_name.to_owned()),
                    namespace: Some(ns.to_owned()),
                    labels: svc.metadata.labels.clone(),
                    creation_timestamp: Some(time(ctx.now)),
                    ..Default::default()
                },
                subsets,
            };
            let _ = store.create(&ep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn slices_follow_ready_pods() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("tb-demo", "service", &[("app", "service")], 2);
        t.apply_service(
            "tb-demo",
            "springboot-service",
            &[("app", "service")],
            80,
            8080,
        );
        t.run_secs(3);
        let slice: EndpointSlice = t.get("tb-demo", &slice_name("springboot-service"));
        assert!(
            slice.endpoints.unwrap_or_default().is_empty(),
            "no pod has an IP yet"
        );
        t.run_secs(20);
        let slice: EndpointSlice = t.get("tb-demo", &slice_name("springboot-service"));
        let eps = slice.endpoints.clone().unwrap_or_default();
        assert_eq!(eps.len(), 2);
        assert!(eps.iter().all(
            |e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true)
                && e.zone.is_some()
                && e.target_ref.is_some()
        ));
        assert_eq!(
            slice
                .ports
                .as_ref()
                .and_then(|p| p.first())
                .and_then(|p| p.port),
            Some(8080)
        );
        assert_eq!(
            label(&slice.metadata, SERVICE_NAME),
            Some("springboot-service")
        );
        let ep: Endpoints = t.get("tb-demo", "springboot-service");
        assert_eq!(
            ep.subsets
                .and_then(|s| s.first().and_then(|s| s.addresses.clone()))
                .map(|a| a.len()),
            Some(2)
        );
    }
}
