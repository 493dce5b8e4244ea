//! A cluster's pods counted by health, per namespace, kept up to date as
//! pod changes arrive (each change moves one pod between counts), so the
//! Fleet view reads its counts instead of counting 100,000 pods per frame.

use std::collections::{HashMap, HashSet};

use super::pod::{PodHealth, PodRow};
use super::store::{Change, Row, Store};

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
    /// Counts `p` in (`add`) or out of these counts.
    fn count(&mut self, p: &PodRow, add: bool) {
        let slot = match p.health {
            PodHealth::Ok => Some(&mut self.running),
            PodHealth::Failed => Some(&mut self.failed),
            PodHealth::Pending if p.phase == "Running" => Some(&mut self.not_ready),
            PodHealth::Pending | PodHealth::Done => None,
        };
        let bump = |n: &mut usize| *n = if add { *n + 1 } else { n.saturating_sub(1) };
        if let Some(n) = slot {
            bump(n);
        }
        if p.phase == "Pending" {
            bump(&mut self.pending);
        }
    }

    fn plus(self, o: PodCounts) -> PodCounts {
        PodCounts {
            running: self.running + o.running,
            pending: self.pending + o.pending,
            not_ready: self.not_ready + o.not_ready,
            failed: self.failed + o.failed,
        }
    }
}

/// Counts by namespace.
#[derive(Debug, Clone, Default)]
pub struct NamespaceCounts(HashMap<String, PodCounts>);

impl NamespaceCounts {
    /// Takes note of `change` before it reaches `store` (which still holds
    /// the row it replaces).
    pub fn note(&mut self, store: &Store<PodRow>, change: &Change<PodRow>) {
        match change {
            Change::Reset(rows) => {
                self.0.clear();
                // A key listed twice is counted once, as the store keeps it (the last).
                let mut seen = HashSet::with_capacity(rows.len());
                for p in rows.iter().rev() {
                    if seen.insert(p.key()) {
                        self.at(&p.namespace).count(p, true);
                    }
                }
            }
            Change::Apply(p) => {
                if let Some(old) = store.get(&p.namespace, &p.name) {
                    self.at(&old.namespace).count(old, false);
                }
                self.at(&p.namespace).count(p, true);
            }
            Change::Delete((ns, name)) => {
                if let Some(old) = store.get(ns, name) {
                    self.at(&old.namespace).count(old, false);
                }
            }
        }
    }

    fn at(&mut self, ns: &str) -> &mut PodCounts {
        self.0.entry(ns.to_owned()).or_default()
    }

    /// The counts in namespace `ns`, or in all of them.
    pub fn of(&self, ns: Option<&str>) -> PodCounts {
        match ns {
            Some(ns) => self.0.get(ns).copied().unwrap_or_default(),
            None => self
                .0
                .values()
                .fold(PodCounts::default(), |a, &b| a.plus(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;
    use proptest::prelude::*;

    fn pod(ns: &str, name: &str, state: u8) -> PodRow {
        let mut p: PodRow = match state % 3 {
            0 => (&fixtures::running_fargate_pod()).into(),
            1 => (&fixtures::pending_fargate_pod()).into(),
            _ => (&fixtures::crashloop_pod()).into(),
        };
        p.namespace = ns.into();
        p.name = name.into();
        p
    }

    /// Counting every pod of the store from scratch.
    fn recount(store: &Store<PodRow>, ns: Option<&str>) -> PodCounts {
        let mut n = PodCounts::default();
        for p in store
            .iter()
            .filter(|p| ns.is_none_or(|ns| ns == p.namespace))
        {
            n.count(p, true);
        }
        n
    }

    proptest! {
        /// Counts kept change by change equal a count of the store made
        /// again, for every namespace and for all, through relists with
        /// names listed twice, updates that move a pod between counts,
        /// and deletes of pods that exist or not.
        #[test]
        fn kept_counts_equal_a_recount(ops in prop::collection::vec(
            (0u8..4, 0u8..3, 0u8..6, 0u8..3, prop::collection::vec((0u8..3, 0u8..6, 0u8..3), 0..8)),
            1..40,
        )) {
            let mut store = Store::default();
            let mut counts = NamespaceCounts::default();
            let name = |n: u8| format!("p{n}");
            let ns = |n: u8| format!("ns{n}");
            for (op, n, p, s, list) in ops {
                let change = match op {
                    0 => Change::reset(list.iter().map(|&(n, p, s)| pod(&ns(n), &name(p), s)).collect()),
                    1 | 2 => Change::Apply(pod(&ns(n), &name(p), s)),
                    _ => Change::Delete((ns(n), name(p))),
                };
                counts.note(&store, &change);
                store.apply(change);
                for scope in [None, Some("ns0"), Some("ns1"), Some("ns2")] {
                    prop_assert_eq!(counts.of(scope), recount(&store, scope));
                }
            }
        }
    }
}
