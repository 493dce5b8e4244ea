//! Per-cluster pod counts for the Fleet view, counted in one pass when the
//! data changed and kept while it stays the same: the Fleet view is drawn
//! again every second for its ages, and 100,000 pods need not be counted
//! again for that.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::cluster::ClusterData;
use crate::model::pod::PodHealth;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodCounts {
    /// Running and ready (or completed).
    pub running: usize,
    pub pending: usize,
    /// Running 0/1 (starting, failing probes, terminating): not pending.
    pub not_ready: usize,
    pub failed: usize,
}

impl PodCounts {
    /// Counts the pods of `c` in namespace `ns` (all when `None`).
    pub fn of(c: &ClusterData, ns: Option<&str>) -> Self {
        let mut n = PodCounts::default();
        for p in c.stores.pods.iter() {
            if ns.is_some_and(|ns| ns != p.namespace) {
                continue;
            }
            match p.health {
                PodHealth::Ok => n.running += 1,
                PodHealth::Failed => n.failed += 1,
                PodHealth::Pending if p.phase == "Running" => n.not_ready += 1,
                PodHealth::Pending | PodHealth::Done => {}
            }
            if p.phase == "Pending" {
                n.pending += 1;
            }
        }
        n
    }
}

/// A cluster's name and the namespace scope.
type Scope = (String, Option<String>);

/// Counts by cluster and namespace scope, each for the data version it was
/// counted at.
#[derive(Debug, Default)]
pub struct CountCache {
    counts: RefCell<HashMap<Scope, (u64, PodCounts)>>,
}

impl CountCache {
    /// The counts of `c` in `ns` at data `version`: counted again only when
    /// the version moved since they were last counted.
    pub fn pods(&self, version: u64, c: &ClusterData, ns: Option<&str>) -> PodCounts {
        let key = (c.name.clone(), ns.map(str::to_owned));
        if let Some((v, n)) = self.counts.borrow().get(&key)
            && *v == version
        {
            return *n;
        }
        let n = PodCounts::of(c, ns);
        self.counts.borrow_mut().insert(key, (version, n));
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::KubeUpdate;
    use crate::model::fixtures;
    use crate::model::pod::PodRow;
    use crate::model::store::Change;

    fn cluster(pods: &[(&str, &str, bool)]) -> ClusterData {
        let mut c = ClusterData::new("east");
        let rows = pods
            .iter()
            .map(|&(ns, name, pending)| {
                let mut p: PodRow = if pending {
                    (&fixtures::pending_fargate_pod()).into()
                } else {
                    (&fixtures::running_fargate_pod()).into()
                };
                p.namespace = ns.into();
                p.name = name.into();
                p
            })
            .collect();
        c.stores.apply(KubeUpdate::Pods(Change::Reset(rows)));
        c
    }

    #[test]
    fn counts_in_one_pass_by_namespace_and_again_only_for_new_data() {
        let c = cluster(&[("a", "p1", false), ("a", "p2", true), ("b", "p3", false)]);
        let all = PodCounts::of(&c, None);
        assert_eq!((all.running, all.pending), (2, 1));
        assert_eq!(PodCounts::of(&c, Some("b")).running, 1);
        assert_eq!(PodCounts::of(&c, Some("b")).pending, 0);
        let cache = CountCache::default();
        assert_eq!(cache.pods(1, &c, None), all);
        // Same version: the kept count, even though these pods differ.
        let other = cluster(&[("a", "p1", true)]);
        assert_eq!(cache.pods(1, &other, None), all);
        assert_eq!(cache.pods(2, &other, None).pending, 1);
    }
}
