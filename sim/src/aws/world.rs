//! The whole simulated AWS account: regions holding EKS and ECS clusters,
//! the builders a scenario uses, the lookups the Kubernetes side needs, and
//! the clock-driven `tick`.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use super::autoscaling::ScalableTarget;
use super::ecs::{EcsCluster, EcsService, StartFailure};
use super::ecs_tick::tick_cluster;
use super::eks::{EksCluster, FargateProfile, Nodegroup};
use super::ids::{eks_cluster_arn, stable_hash};

/// The world shared between the HTTP handlers and the scenario driver.
/// A std mutex: lock, read or change, unlock — never across an `.await`.
pub type SharedAws = std::sync::Arc<std::sync::Mutex<AwsWorld>>;

#[derive(Debug, Clone)]
pub struct AwsWorld {
    pub account_id: String,
    pub regions: BTreeMap<String, RegionState>,
    /// The simulated clock: set by `tick`, used for request-time stamps.
    pub now: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct RegionState {
    pub eks: BTreeMap<String, EksCluster>,
    pub ecs: BTreeMap<String, EcsCluster>,
    /// Application Auto Scaling's targets, by resource id.
    pub scalable_targets: BTreeMap<String, ScalableTarget>,
}

impl AwsWorld {
    pub fn new(account_id: &str, now: Timestamp) -> Self {
        Self {
            account_id: account_id.to_owned(),
            regions: BTreeMap::new(),
            now,
        }
    }

    /// Wraps the world for sharing with [`super::router`].
    pub fn shared(self) -> SharedAws {
        std::sync::Arc::new(std::sync::Mutex::new(self))
    }

    /// The region, created empty if needed.
    pub fn region_mut(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_owned()).or_default()
    }

    /// Registers an Application Auto Scaling target in `region` (replacing
    /// one with the same resource id, as `RegisterScalableTarget` does).
    pub fn add_scalable_target(&mut self, region: &str, target: ScalableTarget) -> &mut Self {
        self.region_mut(region)
            .scalable_targets
            .insert(target.resource_id.clone(), target);
        self
    }

    /// Adds an EKS cluster, filling what was left empty the way EKS would:
    /// endpoint, role ARNs, node-group version/subnets, profile subnets.
    pub fn add_eks_cluster(&mut self, region: &str, mut cluster: EksCluster) -> &mut Self {
        let account = self.account_id.clone();
        let h = stable_hash(&["endpoint", region, &cluster.name]);
        if cluster.endpoint.is_empty() {
            cluster.endpoint = format!(
                "https://{h:016X}{:016X}.gr7.{region}.eks.amazonaws.com",
                h.rotate_left(17)
            );
        }
        if cluster.role_arn.is_empty() {
            cluster.role_arn = format!("arn:aws:iam::{account}:role/{}-cluster-role", cluster.name);
        }
        let (version, subnets) = (cluster.version.clone(), cluster.subnet_ids.clone());
        for ng in cluster.nodegroups.values_mut() {
            fill_nodegroup(ng, &account, &version, &subnets);
        }
        for fp in cluster.fargate_profiles.values_mut() {
            fill_profile(fp, &account, &subnets);
        }
        self.region_mut(region)
            .eks
            .insert(cluster.name.clone(), cluster);
        self
    }

    /// Adds a node group to an existing cluster (false if there is none).
    pub fn add_nodegroup(&mut self, region: &str, cluster: &str, mut ng: Nodegroup) -> bool {
        let account = self.account_id.clone();
        let Some(c) = self.eks_cluster_mut(region, cluster) else {
            return false;
        };
        fill_nodegroup(&mut ng, &account, &c.version, &c.subnet_ids);
        c.nodegroups.insert(ng.name.clone(), ng);
        true
    }

    /// Adds a Fargate profile to an existing cluster (false if there is none).
    pub fn add_fargate_profile(
        &mut self,
        region: &str,
        cluster: &str,
        mut fp: FargateProfile,
    ) -> bool {
        let account = self.account_id.clone();
        let Some(c) = self.eks_cluster_mut(region, cluster) else {
            return false;
        };
        fill_profile(&mut fp, &account, &c.subnet_ids);
        c.fargate_profiles.insert(fp.name.clone(), fp);
        true
    }

    /// Adds an ECS cluster; with no subnets set it gets one per AZ a–c.
    pub fn add_ecs_cluster(&mut self, region: &str, mut cluster: EcsCluster) -> &mut Self {
        if cluster.subnets.is_empty() {
            let h = stable_hash(&["ecs-subnet", region, &cluster.name]);
            cluster.subnets = ["a", "b", "c"]
                .iter()
                .zip(0u64..)
                .map(|(az, i)| {
                    (
                        format!("{region}{az}"),
                        format!("subnet-{:017x}", (h >> 8) + i),
                    )
                })
                .collect();
        }
        self.region_mut(region)
            .ecs
            .insert(cluster.name.clone(), cluster);
        self
    }

    /// Adds a service to an existing ECS cluster (false if there is none).
    pub fn add_ecs_service(&mut self, region: &str, cluster: &str, service: EcsService) -> bool {
        let Some(c) = self.ecs_cluster_mut(region, cluster) else {
            return false;
        };
        c.services.insert(service.name.clone(), service);
        true
    }

    pub fn eks_cluster(&self, region: &str, name: &str) -> Option<&EksCluster> {
        self.regions.get(region)?.eks.get(name)
    }

    pub fn eks_cluster_mut(&mut self, region: &str, name: &str) -> Option<&mut EksCluster> {
        self.regions.get_mut(region)?.eks.get_mut(name)
    }

    pub fn ecs_cluster(&self, region: &str, name: &str) -> Option<&EcsCluster> {
        self.regions.get(region)?.ecs.get(name)
    }

    pub fn ecs_cluster_mut(&mut self, region: &str, name: &str) -> Option<&mut EcsCluster> {
        self.regions.get_mut(region)?.ecs.get_mut(name)
    }

    pub fn ecs_service_mut(
        &mut self,
        region: &str,
        cluster: &str,
        service: &str,
    ) -> Option<&mut EcsService> {
        self.ecs_cluster_mut(region, cluster)?
            .services
            .get_mut(service)
    }

    /// Every EKS cluster as `(region, cluster)`, e.g. to start one
    /// Kubernetes API per cluster.
    pub fn eks_clusters(&self) -> impl Iterator<Item = (&str, &EksCluster)> {
        self.regions
            .iter()
            .flat_map(|(r, s)| s.eks.values().map(move |c| (r.as_str(), c)))
    }

    /// The ACTIVE Fargate profiles of a cluster in name order (EKS's
    /// tie-break order); empty if the cluster does not exist.
    pub fn active_fargate_profiles(&self, region: &str, cluster: &str) -> Vec<&FargateProfile> {
        self.eks_cluster(region, cluster)
            .map(|c| c.active_fargate_profiles().collect())
            .unwrap_or_default()
    }

    /// The profile EKS would place a pod with, if any: the alphabetically
    /// first ACTIVE profile with a matching selector.
    pub fn fargate_profile_for(
        &self,
        region: &str,
        cluster: &str,
        namespace: &str,
        labels: &BTreeMap<String, String>,
    ) -> Option<&FargateProfile> {
        self.eks_cluster(region, cluster)?
            .active_fargate_profiles()
            .find(|p| p.matches(namespace, labels))
    }

    /// `(node group, desired size)` for each node group of a cluster — how
    /// many EC2 nodes the Kubernetes side should show per group.
    pub fn nodegroup_sizes(&self, region: &str, cluster: &str) -> Vec<(&Nodegroup, i32)> {
        self.eks_cluster(region, cluster)
            .map(|c| c.nodegroups.values().map(|ng| (ng, ng.desired)).collect())
            .unwrap_or_default()
    }

    /// The ARN EKS gives a cluster in this account.
    pub fn eks_cluster_arn(&self, region: &str, name: &str) -> String {
        eks_cluster_arn(region, &self.account_id, name)
    }

    /// Injects (or with `None` clears) a start failure on a service.
    pub fn set_ecs_fault(
        &mut self,
        region: &str,
        cluster: &str,
        service: &str,
        fault: Option<StartFailure>,
    ) -> bool {
        let Some(s) = self.ecs_service_mut(region, cluster, service) else {
            return false;
        };
        s.fault = fault;
        true
    }

    /// Advances the world to `now`: ECS services converge on their desired
    /// counts, EKS updates finish. `rng` supplies task ids, IPs, event ids.
    pub fn tick(&mut self, now: jiff::Timestamp, rng: &mut dyn FnMut() -> u64) {
        self.now = now;
        for (region, state) in &mut self.regions {
            for cluster in state.eks.values_mut() {
                cluster.finish_updates(now);
            }
            for cluster in state.ecs.values_mut() {
                tick_cluster(cluster, region, now, rng);
            }
        }
    }

    /// Runs a minute of one-second ticks ending at `now`, so a freshly built
    /// world starts with its services' tasks RUNNING and steady (the start-up
    /// events are then a minute old, as in a fleet that was already up).
    pub fn warm_up(&mut self, now: Timestamp, rng: &mut dyn FnMut() -> u64) {
        for back in (0..=60).rev() {
            self.tick(now - SignedDuration::from_secs(back), rng);
        }
    }
}

fn fill_nodegroup(ng: &mut Nodegroup, account: &str, version: &str, subnets: &[String]) {
    if ng.version.is_empty() {
        ng.version = version.to_owned();
    }
    if ng.release_version.is_empty() {
        ng.release_version = format!("{version}.0-20250101");
    }
    if ng.subnets.is_empty() {
        ng.subnets = subnets.to_vec();
    }
    if ng.node_role.is_empty() {
        ng.node_role = format!("arn:aws:iam::{account}:role/eks-node-role");
    }
}

fn fill_profile(fp: &mut FargateProfile, account: &str, subnets: &[String]) {
    if fp.subnets.is_empty() {
        fp.subnets = subnets.to_vec();
    }
    if fp.pod_execution_role_arn.is_empty() {
        fp.pod_execution_role_arn =
            format!("arn:aws:iam::{account}:role/AmazonEKSFargatePodExecutionRole");
    }
}
