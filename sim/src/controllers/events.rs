//! Core/v1 Events as the real components write them: one object per
//! (involved object, reason, message), its `count` and `lastTimestamp`
//! bumped on repeats, no more often than the caller's interval; expired
//! after an hour like the API server's TTL.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::meta::{secs_since, time};
use crate::rng::{hash_str, mix};
use crate::store::Store;

const TTL_SECS: f64 = 3600.0;

/// Who reports an event: `source.component`, `source.host`.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub component: &'a str,
    pub host: Option<&'a str>,
}

pub const SCHEDULER: Source<'static> = Source {
    component: "default-scheduler",
    host: None,
};
pub const FARGATE: Source<'static> = Source {
    component: "fargate-scheduler",
    host: None,
};
pub const PV_CONTROLLER: Source<'static> = Source {
    component: "persistentvolume-controller",
    host: None,
};

pub fn kubelet(host: &str) -> Source<'_> {
    Source {
        component: "kubelet",
        host: Some(host),
    }
}

/// The involved-object reference for a namespaced or cluster object.
pub fn reference(kind: &str, api_version: &str, meta: &ObjectMeta) -> ObjectReference {
    ObjectReference {
        api_version: Some(api_version.to_owned()),
        kind: Some(kind.to_owned()),
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        field_path: None,
    }
}

/// One event to record.
pub struct Report<'a> {
    pub object: &'a ObjectReference,
    pub type_: &'a str,
    pub reason: &'a str,
    pub message: String,
    pub source: Source<'a>,
    /// A repeat within this many seconds of the last one is not written.
    pub min_interval: f64,
}

pub fn normal<'a>(
    object: &'a ObjectReference,
    reason: &'a str,
    message: String,
    source: Source<'a>,
) -> Report<'a> {
    Report {
        object,
        type_: "Normal",
        reason,
        message,
        source,
        min_interval: 0.0,
    }
}

pub fn warning<'a>(
    object: &'a ObjectReference,
    reason: &'a str,
    message: String,
    source: Source<'a>,
) -> Report<'a> {
    Report {
        type_: "Warning",
        ..normal(object, reason, message, source)
    }
}

impl Report<'_> {
    pub fn every(mut self, secs: f64) -> Self {
        self.min_interval = secs;
        self
    }
}

/// Records `report` at `now`, deduplicated by (object, reason, message).
pub fn record(store: &mut Store, now: Timestamp, report: Report) {
    let obj = report.object;
    let ns = obj
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    let obj_name = obj.name.clone().unwrap_or_default();
    let key = format!(
        "{}/{}/{}",
        obj.uid.as_deref().unwrap_or(&obj_name),
        report.reason,
        report.message
    );
    let name = format!("{obj_name}.{:016x}", mix(hash_str(&key)));
    if let Some(mut ev) = store.get::<Event>(&ns, &name) {
        let last = ev.last_timestamp.as_ref().map(|t| t.0).unwrap_or(now);
        if secs_since(last, now) < report.min_interval.max(1.0) {
            return;
        }
        ev.count = Some(ev.count.unwrap_or(1) + 1);
        ev.last_timestamp = Some(time(now));
        ev.involved_object = obj.clone();
        let _ = store.replace(&ev);
        return;
    }
    let ev = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(ns),
            creation_timestamp: Some(time(now)),
            ..Default::default()
        },
        involved_object: obj.clone(),
        reason: Some(report.reason.to_owned()),
        message: Some(report.message),
        type_: Some(report.type_.to_owned()),
        count: Some(1),
        first_timestamp: Some(time(now)),
        last_timestamp: Some(time(now)),
        source: Some(EventSource {
            component: Some(report.source.component.to_owned()),
            host: report.source.host.map(str::to_owned),
        }),
        reporting_component: Some(report.source.component.to_owned()),
        reporting_instance: Some(
            report
                .source
                .host
                .unwrap_or(report.source.component)
                .to_owned(),
        ),
        ..Default::default()
    };
    let _ = store.create(&ev);
}

/// Deletes events whose last occurrence is older than the TTL.
pub fn gc(store: &mut Store, now: Timestamp) {
    let rid = crate::resources::rid_of::<Event>();
    // Events are checked through their index only once an hour could have passed.
    let expired: Vec<(String, String)> = store
        .iter_raw(rid, None, None)
        .filter_map(|s| {
            let ev: Event = s.decode()?;
            let last = ev
                .last_timestamp
                .as_ref()
                .or(ev.first_timestamp.as_ref())?
                .0;
            (secs_since(last, now) > TTL_SECS).then(|| (s.namespace.clone(), s.name.clone()))
        })
        .collect();
    for (ns, name) in expired {
        let _ = store.delete::<Event>(&ns, &name);
    }
}

/// Events about one object, oldest first (for the controllers' tests).
#[cfg(test)]
pub fn about(store: &Store, namespace: &str, name: &str) -> Vec<Event> {
    let mut evs: Vec<Event> = store
        .list::<Event>(Some(if namespace.is_empty() {
            "default"
        } else {
            namespace
        }))
        .into_iter()
        .filter(|e| e.involved_object.name.as_deref() == Some(name))
        .collect();
    evs.sort_by_key(|e| {
        (
            e.first_timestamp.as_ref().map(|t| t.0),
            e.metadata
                .resource_version
                .as_ref()
                .and_then(|r| r.parse::<u64>().ok()),
        )
    });
    evs
}
