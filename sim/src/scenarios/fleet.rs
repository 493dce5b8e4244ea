//! Assembling a [`Fleet`]: clusters with their EKS side, the AWS world,
//! gateways.

use std::sync::Arc;

use crate::aws::{AwsWorld, EksCluster};
use crate::cluster::Cluster;
use crate::rng::Rng;
use crate::store::Store;
use crate::world::{Fleet, LIVED_FOR_SECS};

pub struct FleetBuilder {
    pub rng: Rng,
    pub now: jiff::Timestamp,
    pub aws: AwsWorld,
    pub clusters: Vec<Cluster>,
}

impl FleetBuilder {
    /// A fleet that started [`LIVED_FOR_SECS`] before now: [`crate::world::age`]
    /// runs it up to now before it serves.
    pub fn new(seed: u64) -> Self {
        let now = clock_start() - jiff::SignedDuration::from_secs(LIVED_FOR_SECS);
        FleetBuilder {
            rng: Rng::new(seed),
            now,
            aws: AwsWorld::new("123456789012", now),
            clusters: Vec::new(),
        }
    }

    /// Adds a cluster (and its EKS twin, built by `eks`); returns its index.
    pub fn cluster(
        &mut self,
        name: &str,
        region: &str,
        minor: u32,
        eks: impl FnOnce(EksCluster) -> EksCluster,
    ) -> usize {
        let token = format!("k8s-aws-v1.{}", self.rng.hex(40));
        let seed = self.rng.next_u64();
        let cluster = Cluster::new(name, region, minor, token, seed);
        // What the scenario creates is as old as the fleet.
        cluster.store().set_clock(Some(self.now));
        self.clusters.push(cluster);
        let t0 = self.now;
        self.aws.add_eks_cluster(
            region,
            eks(EksCluster::new(name, &format!("1.{minor}"), t0)),
        );
        self.clusters.len() - 1
    }

    pub fn store(&mut self, i: usize) -> std::sync::MutexGuard<'_, Store> {
        self.clusters[i].store()
    }

    pub fn finish(mut self) -> Fleet {
        let mut rng = self.rng.clone();
        self.aws.warm_up(self.now, &mut || rng.next_u64());
        Fleet::new(
            self.clusters.into_iter().map(Arc::new).collect(),
            self.aws.shared(),
            self.now,
        )
    }
}

/// The wall clock now, down to the whole second. Objects keep their times
/// to the second, so a start with a fraction would make "is it due yet"
/// depend on the clock's phase instead of on the seed; a real run still
/// ticks on the wall clock, so ages on screen stay real.
fn clock_start() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second()).unwrap_or(now)
}
