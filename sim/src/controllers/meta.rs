//! Small helpers over object metadata: owner references, times, names,
//! annotations, and condition upserts that keep `lastTransitionTime` stable.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};

use crate::rng;

/// The characters Kubernetes uses for generated name suffixes and hashes.
const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub fn time(t: Timestamp) -> Time {
    Time(t)
}

/// Seconds from `t` to `now` (negative if `t` is later).
pub fn secs_since(t: Timestamp, now: Timestamp) -> f64 {
    (now.as_millisecond() - t.as_millisecond()) as f64 / 1000.0
}

pub fn plus_secs(t: Timestamp, secs: f64) -> Timestamp {
    let ms = t.as_millisecond().saturating_add((secs * 1000.0) as i64);
    Timestamp::from_millisecond(ms).unwrap_or(t)
}

pub fn created(meta: &ObjectMeta) -> Option<Timestamp> {
    meta.creation_timestamp.as_ref().map(|t| t.0)
}

/// A name-safe string of `len` characters derived from `seed`, like the
/// suffixes and `pod-template-hash` values the real controllers produce.
pub fn safe_suffix(seed: u64, len: usize) -> String {
    let mut n = seed;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        n = rng::mix(n);
        let mut m = n;
        for _ in 0..8 {
            if out.len() == len {
                break;
            }
            out.push(SAFE[(m % SAFE.len() as u64) as usize] as char);
            m /= SAFE.len() as u64;
        }
    }
    out
}

pub fn owner(kind: &str, api_version: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        name: meta.name.clone().unwrap_or_default(),
        uid: meta.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_ref()?
        .iter()
        .find(|o| o.controller == Some(true))
}

pub fn name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or_default()
}

pub fn namespace(meta: &ObjectMeta) -> &str {
    meta.namespace.as_deref().unwrap_or_default()
}

pub fn uid(meta: &ObjectMeta) -> &str {
    meta.uid.as_deref().unwrap_or_default()
}

pub fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

pub fn label<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.labels.as_ref()?.get(key).map(String::as_str)
}

pub fn set_annotation(meta: &mut ObjectMeta, key: &str, value: &str) {
    meta.annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(key.to_owned(), value.to_owned());
}

pub fn set_label(meta: &mut ObjectMeta, key: &str, value: &str) {
    meta.labels
        .get_or_insert_with(BTreeMap::new)
        .insert(key.to_owned(), value.to_owned());
}

/// The fields every k8s-openapi condition type shares, whatever their optionality.
pub trait Condition: Default {
    fn kind(&self) -> &str;
    fn state(&self) -> &str;
    fn fill(&mut self, type_: &str, status: &str, reason: Option<&str>, message: Option<String>);
    fn transitioned(&mut self, at: Time);
}

macro_rules! impl_condition {
    ($ty:ty, opt, $($extra:ident),*) => {
        impl Condition for $ty {
            fn kind(&self) -> &str { self.type_.as_deref().unwrap_or_default() }
            fn state(&self) -> &str { self.status.as_deref().unwrap_or_default() }
            fn fill(&mut self, type_: &str, status: &str, reason: Option<&str>, message: Option<String>) {
                self.type_ = Some(type_.to_owned());
                self.status = Some(status.to_owned());
                self.reason = reason.map(str::to_owned);
                self.message = message;
            }
            fn transitioned(&mut self, at: Time) {
                $(self.$extra = Some(at.clone());)*
                self.last_transition_time = Some(at);
            }
        }
    };
    ($ty:ty, req, $($extra:ident),*) => {
        impl Condition for $ty {
            fn kind(&self) -> &str { &self.type_ }
            fn state(&self) -> &str { &self.status }
            fn fill(&mut self, type_: &str, status: &str, reason: Option<&str>, message: Option<String>) {
                self.type_ = type_.to_owned();
                self.status = status.to_owned();
                self.reason = reason.map(str::to_owned);
                self.message = message;
            }
            fn transitioned(&mut self, at: Time) {
                $(self.$extra = Some(at.clone());)*
                self.last_transition_time = Some(at);
            }
        }
    };
}

impl_condition!(k8s_openapi::api::core::v1::PodCondition, req,);
impl_condition!(
    k8s_openapi::api::apps::v1::DeploymentCondition,
    opt,
    last_update_time
);
impl_condition!(
    k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerCondition,
    req,
);
impl_condition!(
    k8s_openapi::api::core::v1::NodeCondition,
    req,
    last_heartbeat_time
);

/// Upserts a condition; its transition time moves only when its status does.
pub fn set_condition<C: Condition>(
    list: &mut Vec<C>,
    type_: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<String>,
    now: Timestamp,
) {
    match list.iter_mut().find(|c| c.kind() == type_) {
        Some(c) => {
            let changed = c.state() != status;
            c.fill(type_, status, reason, message);
            if changed {
                c.transitioned(time(now));
            }
        }
        None => {
            let mut c = C::default();
            c.fill(type_, status, reason, message);
            c.transitioned(time(now));
            list.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_are_stable_and_safe() {
        let a = safe_suffix(42, 10);
        assert_eq!(a, safe_suffix(42, 10));
        assert_eq!(a.len(), 10);
        assert!(a.bytes().all(|b| SAFE.contains(&b)));
        assert_ne!(a, safe_suffix(43, 10));
    }
}
