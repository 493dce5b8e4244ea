//! The virtual-kubelet bridge (seed 003): pods bound to the virtual node run
//! as ECS Fargate tasks, one ECS service per `namespace-app`, and each pod
//! takes its task's private IP once the task runs.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Pod, PodIP};

use crate::aws::{EcsService, SharedAws};
use crate::cluster::Cluster;
use crate::controllers::meta::{label, name, namespace};
use crate::controllers::podspec;

/// The tag naming who manages an ECS service (the Kubernetes label's key).
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// `service` tagged as the bridge of virtual node `node` manages it, as a
/// controller marks what it sizes.
pub fn managed(service: EcsService, node: &str) -> EcsService {
    service
        .tagged(MANAGED_BY, "virtual-kubelet")
        .tagged("virtual-kubelet.io/node", node)
}

/// A virtual node in `cluster` backed by an ECS cluster.
pub struct VirtualKubelet {
    pub cluster: usize,
    pub node: String,
    pub region: String,
    pub ecs_cluster: String,
}

/// The ECS service a virtual pod runs under.
pub fn service_for(pod: &Pod) -> String {
    let app = label(&pod.metadata, "app").unwrap_or(name(&pod.metadata));
    format!("{}-{app}", namespace(&pod.metadata))
}

impl VirtualKubelet {
    /// Sizes one ECS service per app to its pod count, then gives each pod
    /// (by name order) the IP of a running task (by task order).
    pub fn sync(&self, cluster: &Cluster, aws: &SharedAws, now: Timestamp) {
        let mut by_service: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
        for p in cluster.store().list::<Pod>(None) {
            if podspec::node_name(&p) == Some(self.node.as_str())
                && p.metadata.deletion_timestamp.is_none()
            {
                by_service.entry(service_for(&p)).or_default().push(p);
            }
        }
        let ips: BTreeMap<String, Vec<String>> = {
            let mut world = aws.lock().unwrap_or_else(|e| e.into_inner());
            let account = world.account_id.clone();
            let Some(ecs) = world.ecs_cluster_mut(&self.region, &self.ecs_cluster) else {
                return;
            };
            for (svc, pods) in &by_service {
                let want = pods.len() as i32;
                match ecs.services.get_mut(svc) {
                    Some(s) if s.desired != want => s.set_desired(want, now),
                    Some(_) => {}
                    None => {
                        let image = pods
                            .first()
                            .and_then(|p| p.spec.as_ref()?.containers.first()?.image.clone())
                            .unwrap_or_default();
                        let td = format!(
                            "arn:aws:ecs:{}:{account}:task-definition/{svc}:1",
                            self.region
                        );
                        ecs.services.insert(
                            svc.clone(),
                            managed(
                                EcsService::fargate(svc, &td, want, now).with_image(&image),
                                &self.node,
                            ),
                        );
                    }
                }
            }
            for (svc, s) in ecs.services.iter_mut() {
                if !by_service.contains_key(svc) && s.desired != 0 {
                    s.set_desired(0, now);
                }
            }
            by_service
                .keys()
                .map(|svc| {
                    let running = ecs
                        .service_tasks(svc)
                        .filter(|t| t.last_status.as_str() == "RUNNING")
                        .map(|t| t.private_ip.clone())
                        .collect();
                    (svc.clone(), running)
                })
                .collect()
        };
        let mut store = cluster.store();
        for (svc, mut pods) in by_service {
            pods.sort_by(|a, b| name(&a.metadata).cmp(name(&b.metadata)));
            let running = ips.get(&svc).map(Vec::as_slice).unwrap_or_default();
            for (mut pod, ip) in pods.into_iter().zip(running) {
                let status = pod.status.get_or_insert_with(Default::default);
                if status.pod_ip.as_deref() != Some(ip.as_str()) {
                    status.pod_ip = Some(ip.clone());
                    status.pod_ips = Some(vec![PodIP { ip: ip.clone() }]);
                    let _ = store.replace(&pod);
                }
            }
        }
    }
}
