//! Joins across kinds kept up to date as changes arrive, so a view reads
//! them per row instead of recounting a cluster per frame: the pods on each
//! node, and the events about each object.

use std::collections::{BTreeSet, HashMap};

use super::cluster::ClusterData;
use super::event::EventRow;
use super::pod::PodRow;
use super::store::{Change, Key, Row, Store};
use crate::kinds::{KubeUpdate, Stores};

/// `(kind, namespace, name)` of the object an event is about.
pub type About = (String, String, String);

#[derive(Debug, Clone, Default)]
pub struct Joins {
    /// Node name → its pods' keys, in the pod store's order.
    pods_on_node: HashMap<String, BTreeSet<Key>>,
    /// Object → the keys of the events about it, in the event store's order.
    events_about: HashMap<About, BTreeSet<Key>>,
    /// Pods by health, per namespace.
    pub pod_counts: super::pod_counts::NamespaceCounts,
}

fn about(e: &EventRow) -> About {
    (
        e.object_kind.clone(),
        e.namespace.clone(),
        e.object_name.clone(),
    )
}

/// Moves `key` from the bucket of `old` to that of `new` (either absent).
fn rekey<B: std::hash::Hash + Eq>(
    map: &mut HashMap<B, BTreeSet<Key>>,
    key: &Key,
    old: Option<B>,
    new: Option<B>,
) {
    if let Some(b) = old
        && let Some(set) = map.get_mut(&b)
    {
        set.remove(key);
        if set.is_empty() {
            map.remove(&b);
        }
    }
    if let Some(b) = new {
        map.entry(b).or_default().insert(key.clone());
    }
}

impl Joins {
    /// Takes note of `update` before it reaches `stores` (which still hold
    /// the rows it replaces).
    pub fn note(&mut self, stores: &Stores, update: &KubeUpdate) {
        match update {
            KubeUpdate::Pods(c) => {
                self.pod_counts.note(&stores.pods, c);
                let node = |p: &PodRow| p.node.clone();
                self.pods_on_node = Self::change(
                    std::mem::take(&mut self.pods_on_node),
                    &stores.pods,
                    c,
                    node,
                );
            }
            KubeUpdate::Events(c) => {
                let of = |e: &EventRow| Some(about(e));
                self.events_about = Self::change(
                    std::mem::take(&mut self.events_about),
                    &stores.events,
                    c,
                    of,
                );
            }
            _ => {}
        }
    }

    fn change<R: Row, B: std::hash::Hash + Eq>(
        mut map: HashMap<B, BTreeSet<Key>>,
        store: &Store<R>,
        change: &Change<R>,
        bucket: impl Fn(&R) -> Option<B>,
    ) -> HashMap<B, BTreeSet<Key>> {
        match change {
            Change::Reset(rows) => {
                map.clear();
                // A key listed twice is counted once, where the store keeps
                // it (the last).
                let last: HashMap<Key, Option<B>> =
                    rows.iter().map(|r| (r.owned_key(), bucket(r))).collect();
                for (key, b) in last {
                    rekey(&mut map, &key, None, b);
                }
            }
            Change::Apply(r) => {
                let key = r.owned_key();
                let old = store.get(&key.0, &key.1).and_then(&bucket);
                rekey(&mut map, &key, old, bucket(r));
            }
            Change::Delete(key) => {
                let old = store.get(&key.0, &key.1).and_then(&bucket);
                rekey(&mut map, key, old, None);
            }
        }
        map
    }

    /// The pods on `node`, in the pod store's order.
    pub fn pods_on<'a>(&self, stores: &'a Stores, node: &str) -> Vec<&'a PodRow> {
        self.pods_on_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(|(ns, name)| stores.pods.get(ns, name))
            .collect()
    }

    /// The events about an object, in the event store's order.
    pub fn events_about<'a>(
        &self,
        stores: &'a Stores,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Vec<&'a EventRow> {
        let key = (kind.to_owned(), namespace.to_owned(), name.to_owned());
        self.events_about
            .get(&key)
            .into_iter()
            .flatten()
            .filter_map(|(ns, n)| stores.events.get(ns, n))
            .collect()
    }
}

/// The Deployment / StatefulSet / DaemonSet owning a pod: `(kind, name)`.
pub fn workload_of(cluster: &ClusterData, pod: &PodRow) -> Option<(String, String)> {
    let owner = pod.owner.as_ref()?;
    if owner.kind == "ReplicaSet" {
        let rs = cluster
            .stores
            .replicasets
            .get(&pod.namespace, &owner.name)?;
        return rs.deployment.clone().map(|d| ("Deployment".to_owned(), d));
    }
    Some((owner.kind.to_string(), owner.name.clone()))
}
