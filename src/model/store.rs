//! A per-kind store of compact rows, keyed by namespace/name, and the
//! changes a watcher sends to it.

use std::collections::BTreeMap;

/// `(namespace, name)`; the namespace is empty for cluster-scoped kinds.
pub type Key = (String, String);

/// A compact row built from one API object.
pub trait Row {
    fn key(&self) -> Key;
}

/// What a watcher sends: a full relist (replaces everything), one object
/// added/changed, or one object gone.
#[derive(Debug, Clone)]
pub enum Change<R> {
    Reset(Vec<R>),
    Apply(R),
    Delete(Key),
}

#[derive(Debug, Clone)]
pub struct Store<R> {
    rows: BTreeMap<Key, R>,
}

impl<R> Default for Store<R> {
    fn default() -> Self {
        Self {
            rows: BTreeMap::new(),
        }
    }
}

impl<R: Row> Store<R> {
    pub fn apply(&mut self, change: Change<R>) {
        match change {
            Change::Reset(rows) => {
                self.rows = rows.into_iter().map(|r| (r.key(), r)).collect();
            }
            Change::Apply(row) => {
                self.rows.insert(row.key(), row);
            }
            Change::Delete(key) => {
                self.rows.remove(&key);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &R> {
        self.rows.values()
    }

    pub fn get(&self, namespace: &str, name: &str) -> Option<&R> {
        self.rows.get(&(namespace.to_owned(), name.to_owned()))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Namespace and name of any Kubernetes object.
pub fn key_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Key {
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}
