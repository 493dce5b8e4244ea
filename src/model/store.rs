//! A per-kind store of compact rows, keyed by namespace/name, and the
//! changes a watcher sends to it.

use std::collections::BTreeMap;

/// `(namespace, name)`; the namespace is empty for cluster-scoped kinds.
pub type Key = (String, String);

/// A compact row built from one API object.
pub trait Row {
    /// `(namespace, name)`, borrowed from the row.
    fn key(&self) -> (&str, &str);

    /// [`Row::key`] owned, for a map keyed by it.
    fn owned_key(&self) -> Key {
        let (ns, name) = self.key();
        (ns.to_owned(), name.to_owned())
    }
}

/// What a watcher sends: a full relist (replaces everything), one object
/// added/changed, or one object gone.
#[derive(Debug, Clone)]
pub enum Change<R> {
    /// Each row boxed as it was listed: the store keeps the boxes, so a
    /// relist of 100,000 pods is never copied (nor held twice).
    Reset(Vec<Box<R>>),
    Apply(R),
    Delete(Key),
}

impl<R> Change<R> {
    /// A relist of `rows`.
    pub fn reset(rows: Vec<R>) -> Self {
        Change::Reset(rows.into_iter().map(Box::new).collect())
    }
}

/// Rows by key, each boxed where its relist boxed it.
#[derive(Debug, Clone)]
pub struct Store<R> {
    rows: BTreeMap<Key, Box<R>>,
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
                // The old rows go first: a relist never holds two fleets.
                self.rows = BTreeMap::new();
                self.rows = rows.into_iter().map(|r| (r.owned_key(), r)).collect();
            }
            Change::Apply(row) => {
                let (ns, name) = row.key();
                match self.rows.get_mut(&(ns.to_owned(), name.to_owned())) {
                    Some(kept) => **kept = row,
                    None => {
                        self.rows.insert(row.owned_key(), Box::new(row));
                    }
                }
            }
            Change::Delete(key) => {
                self.rows.remove(&key);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &R> {
        self.rows.values().map(|r| &**r)
    }

    pub fn get(&self, namespace: &str, name: &str) -> Option<&R> {
        self.rows
            .get(&(namespace.to_owned(), name.to_owned()))
            .map(|r| &**r)
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
