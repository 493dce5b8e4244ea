//! One cluster's object store, the simulated etcd + watch cache.
//!
//! Objects are kept serialized (compact JSON bytes) with a small index
//! (namespace, name, labels, selectable fields), so 100k pods fit in little
//! memory and a list is mostly byte copies. Every write bumps one
//! cluster-wide resourceVersion and is recorded in a bounded history that
//! watches replay from; a watch older than the history gets 410 Gone.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use tokio::sync::broadcast;

use super::resources::{RESOURCES, Rid, rid_of};

/// A stored object: its index and its JSON.
#[derive(Debug, Clone)]
pub struct Stored {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub rv: u64,
    pub labels: BTreeMap<String, String>,
    /// Selectable field values, in the order of the resource's `fields`.
    pub fields: Vec<String>,
    pub json: Bytes,
}

impl Stored {
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.json).unwrap_or(Value::Null)
    }

    pub fn decode<K: DeserializeOwned>(&self) -> Option<K> {
        serde_json::from_slice(&self.json).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as watches see it.
#[derive(Debug, Clone)]
pub struct Change {
    pub rid: Rid,
    pub kind: EventType,
    pub rv: u64,
    pub obj: Arc<Stored>,
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    #[error("{kind} \"{name}\" already exists")]
    AlreadyExists { kind: &'static str, name: String },
    #[error("{kind} \"{name}\" not found")]
    NotFound { kind: &'static str, name: String },
    #[error("invalid object: {0}")]
    Invalid(String),
}

type Key = (String, String);

pub struct Store {
    rv: u64,
    uid_counter: u64,
    uid_seed: u64,
    objects: Vec<BTreeMap<Key, Arc<Stored>>>,
    history: VecDeque<Change>,
    history_cap: usize,
    changes: broadcast::Sender<Change>,
    /// Simulated time while the fleet is being aged before it serves;
    /// `None`: the wall clock.
    clock: Option<jiff::Timestamp>,
}

impl Store {
    /// A store whose uids derive from `seed` and whose watch history keeps
    /// the last `history_cap` changes.
    pub fn new(seed: u64, history_cap: usize) -> Self {
        let (changes, _) = broadcast::channel(history_cap.clamp(1024, 65_536));
        Store {
            rv: 1000,
            uid_counter: 0,
            uid_seed: seed,
            objects: RESOURCES.iter().map(|_| BTreeMap::new()).collect(),
            history: VecDeque::new(),
            history_cap,
            changes,
            clock: None,
        }
    }

    /// Stamps new objects at `at` instead of the wall clock (`None`).
    pub fn set_clock(&mut self, at: Option<jiff::Timestamp>) {
        self.clock = at;
    }

    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// The oldest resourceVersion a watch may resume from.
    pub fn oldest_watchable(&self) -> u64 {
        self.history.front().map(|c| c.rv - 1).unwrap_or(self.rv)
    }

    /// Changes after `rv` for `rid`, plus a receiver for the ones to come,
    /// taken atomically so nothing falls between them. `None`: too old (410).
    pub fn watch_from(
        &self,
        rid: Rid,
        rv: u64,
    ) -> Option<(Vec<Change>, broadcast::Receiver<Change>)> {
        if rv < self.oldest_watchable() {
            return None;
        }
        let rx = self.changes.subscribe();
        let past = self
            .history
            .iter()
            .filter(|c| c.rid == rid && c.rv > rv)
            .cloned()
            .collect();
        Some((past, rx))
    }

    pub fn get_raw(&self, rid: Rid, namespace: &str, name: &str) -> Option<Arc<Stored>> {
        self.objects[rid]
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    /// Objects of `rid` (in `namespace` if given) in key order, starting after `after`.
    pub fn iter_raw<'a>(
        &'a self,
        rid: Rid,
        namespace: Option<&'a str>,
        after: Option<&'a Key>,
    ) -> impl Iterator<Item = &'a Arc<Stored>> + 'a {
        use std::ops::Bound;
        let start = match after {
            Some(k) => Bound::Excluded(k.clone()),
            None => match namespace {
                Some(ns) => Bound::Included((ns.to_owned(), String::new())),
                None => Bound::Unbounded,
            },
        };
        self.objects[rid]
            .range((start, Bound::Unbounded))
            .take_while(move |((ns, _), _)| namespace.is_none_or(|want| ns == want))
            .map(|(_, v)| v)
    }

    pub fn count(&self, rid: Rid) -> usize {
        self.objects[rid].len()
    }

    pub fn get<K: k8s_openapi::Resource + DeserializeOwned>(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<K> {
        self.get_raw(rid_of::<K>(), namespace, name)?.decode()
    }

    pub fn list<K: k8s_openapi::Resource + DeserializeOwned>(
        &self,
        namespace: Option<&str>,
    ) -> Vec<K> {
        self.iter_raw(rid_of::<K>(), namespace, None)
            .filter_map(|s| s.decode())
            .collect()
    }

    /// Creates a typed object; fills uid, creationTimestamp, resourceVersion.
    pub fn create<K: k8s_openapi::Resource + Serialize>(
        &mut self,
        obj: &K,
    ) -> Result<Arc<Stored>, StoreError> {
        let value = serde_json::to_value(obj).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.create_value(rid_of::<K>(), value)
    }

    /// Replaces a typed object (no-op when nothing but metadata bookkeeping changed).
    pub fn replace<K: k8s_openapi::Resource + Serialize>(
        &mut self,
        obj: &K,
    ) -> Result<Arc<Stored>, StoreError> {
        let value = serde_json::to_value(obj).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.replace_value(rid_of::<K>(), value)
    }

    pub fn delete<K: k8s_openapi::Resource>(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<Stored>, StoreError> {
        self.delete_raw(rid_of::<K>(), namespace, name)
    }

    pub fn create_value(&mut self, rid: Rid, mut value: Value) -> Result<Arc<Stored>, StoreError> {
        let res = &RESOURCES[rid];
        let (ns, name) = key_of(&value, res.namespaced)?;
        let name = match name {
            Some(n) => n,
            None => {
                let prefix = value
                    .pointer("/metadata/generateName")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        StoreError::Invalid("metadata.name or generateName is required".into())
                    })?
                    .to_owned();
                self.generate_name(rid, &ns, &prefix)
            }
        };
        if self.objects[rid].contains_key(&(ns.clone(), name.clone())) {
            return Err(StoreError::AlreadyExists {
                kind: res.kind,
                name,
            });
        }
        self.uid_counter += 1;
        let uid = uid_from(self.uid_seed, self.uid_counter);
        let now = self
            .clock
            .unwrap_or_else(jiff::Timestamp::now)
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let meta = ensure_object(&mut value, "metadata");
        meta.insert("name".into(), name.into());
        meta.insert("uid".into(), uid.into());
        meta.entry("creationTimestamp").or_insert(now.into());
        if res.group == "apps" {
            meta.entry("generation").or_insert(1.into());
        }
        self.write(rid, value, EventType::Added)
    }

    pub fn replace_value(&mut self, rid: Rid, mut value: Value) -> Result<Arc<Stored>, StoreError> {
        let res = &RESOURCES[rid];
        let (ns, name) = key_of(&value, res.namespaced)?;
        let name = name.ok_or_else(|| StoreError::Invalid("metadata.name is required".into()))?;
        let Some(old) = self.objects[rid].get(&(ns, name.clone())).cloned() else {
            return Err(StoreError::NotFound {
                kind: res.kind,
                name,
            });
        };
        let mut old_value = old.value();
        // Identity and bookkeeping come from the stored object.
        let meta = ensure_object(&mut value, "metadata");
        for k in ["uid", "creationTimestamp"] {
            if let Some(v) = old_value.pointer(&format!("/metadata/{k}")) {
                meta.insert(k.into(), v.clone());
            }
        }
        meta.remove("resourceVersion");
        if let Some(m) = old_value.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
        if old_value == value {
            return Ok(old);
        }
        if res.group == "apps" && old_value.get("spec") != value.get("spec") {
            let generation = old_value
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            ensure_object(&mut value, "metadata")
                .insert("generation".into(), (generation + 1).into());
        }
        self.write(rid, value, EventType::Modified)
    }

    pub fn delete_raw(
        &mut self,
        rid: Rid,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<Stored>, StoreError> {
        let res = &RESOURCES[rid];
        let Some(old) = self.objects[rid].remove(&(namespace.to_owned(), name.to_owned())) else {
            return Err(StoreError::NotFound {
                kind: res.kind,
                name: name.to_owned(),
            });
        };
        self.rv += 1;
        let mut value = old.value();
        ensure_object(&mut value, "metadata")
            .insert("resourceVersion".into(), self.rv.to_string().into());
        let gone = Arc::new(index(rid, &value, self.rv)?);
        self.record(Change {
            rid,
            kind: EventType::Deleted,
            rv: self.rv,
            obj: gone.clone(),
        });
        Ok(gone)
    }

    fn write(
        &mut self,
        rid: Rid,
        mut value: Value,
        kind: EventType,
    ) -> Result<Arc<Stored>, StoreError> {
        self.rv += 1;
        let res = &RESOURCES[rid];
        value["apiVersion"] = res.api_version().into();
        value["kind"] = res.kind.into();
        ensure_object(&mut value, "metadata")
            .insert("resourceVersion".into(), self.rv.to_string().into());
        let stored = Arc::new(index(rid, &value, self.rv)?);
        self.objects[rid].insert(
            (stored.namespace.clone(), stored.name.clone()),
            stored.clone(),
        );
        self.record(Change {
            rid,
            kind,
            rv: self.rv,
            obj: stored.clone(),
        });
        Ok(stored)
    }

    fn record(&mut self, change: Change) {
        if self.history.len() >= self.history_cap {
            self.history.pop_front();
        }
        self.history.push_back(change.clone());
        // No receivers is fine: nobody is watching.
        let _ = self.changes.send(change);
    }

    fn generate_name(&self, rid: Rid, namespace: &str, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut n =
            self.uid_seed ^ (self.uid_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15)) ^ self.rv;
        loop {
            n = super::rng::mix(n);
            let suffix: String = (0..5)
                .map(|i| ALPHABET[((n >> (i * 8)) % ALPHABET.len() as u64) as usize] as char)
                .collect();
            let name = format!("{prefix}{suffix}");
            if !self.objects[rid].contains_key(&(namespace.to_owned(), name.clone())) {
                return name;
            }
        }
    }
}

fn key_of(value: &Value, namespaced: bool) -> Result<(String, Option<String>), StoreError> {
    let ns = value
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    if namespaced && ns.is_empty() {
        return Err(StoreError::Invalid("metadata.namespace is required".into()));
    }
    let ns = if namespaced {
        ns.to_owned()
    } else {
        String::new()
    };
    let name = value
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    Ok((ns, name))
}

fn ensure_object<'a>(value: &'a mut Value, key: &str) -> &'a mut serde_json::Map<String, Value> {
    if !value.get(key).is_some_and(Value::is_object) {
        value[key] = Value::Object(Default::default());
    }
    match value.get_mut(key) {
        Some(Value::Object(m)) => m,
        _ => unreachable!("just made {key} an object"),
    }
}

fn index(rid: Rid, value: &Value, rv: u64) -> Result<Stored, StoreError> {
    let res = &RESOURCES[rid];
    let (namespace, name) = key_of(value, res.namespaced)?;
    let text = |p: &str| match value.pointer(p) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let labels = value
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Stored {
        namespace,
        name: name.unwrap_or_default(),
        uid: text("/metadata/uid"),
        rv,
        labels,
        fields: res.fields.iter().map(|(_, p)| text(p)).collect(),
        json: Bytes::from(
            serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?,
        ),
    })
}

fn uid_from(seed: u64, n: u64) -> String {
    let a = super::rng::mix(seed ^ n);
    let b = super::rng::mix(a ^ 0x5851_F42D_4C95_7F2D);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48 & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod(name: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                labels: Some([("app".to_owned(), "web".to_owned())].into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn writes_bump_rv_and_unchanged_replace_is_a_no_op() {
        let mut s = Store::new(7, 100);
        let a = s.create(&pod("a")).expect("create");
        assert_eq!(a.labels.get("app").map(String::as_str), Some("web"));
        let rv = s.resource_version();
        let mut p: Pod = s.get("default", "a").expect("stored");
        s.replace(&p).expect("replace");
        assert_eq!(s.resource_version(), rv, "unchanged replace must not write");
        p.metadata.labels = Some([("app".to_owned(), "api".to_owned())].into());
        s.replace(&p).expect("replace");
        assert_eq!(s.resource_version(), rv + 1);
        assert_eq!(
            s.create(&pod("a")).err(),
            Some(StoreError::AlreadyExists {
                kind: "Pod",
                name: "a".into()
            })
        );
    }

    #[test]
    fn watch_replays_history_and_expires() {
        let mut s = Store::new(1, 3);
        let start = s.resource_version();
        for n in ["a", "b", "c", "d"] {
            s.create(&pod(n)).expect("create");
        }
        assert!(
            s.watch_from(rid_of::<Pod>(), start).is_none(),
            "too old → 410"
        );
        let (past, _rx) = s.watch_from(rid_of::<Pod>(), start + 2).expect("recent");
        let names: Vec<_> = past.iter().map(|c| c.obj.name.as_str()).collect();
        assert_eq!(names, ["c", "d"]);
    }

    #[test]
    fn generate_name_and_namespace_scan() {
        let mut s = Store::new(1, 10);
        let mut p = pod("");
        p.metadata.name = None;
        p.metadata.generate_name = Some("web-".into());
        let made = s.create(&p).expect("create");
        assert!(
            made.name.starts_with("web-") && made.name.len() == 9,
            "{}",
            made.name
        );
        let mut other = pod("z");
        other.metadata.namespace = Some("kube-system".into());
        s.create(&other).expect("create");
        assert_eq!(s.list::<Pod>(Some("default")).len(), 1);
        assert_eq!(s.list::<Pod>(None).len(), 2);
    }
}
