//! A Kong configuration: what a declarative file (DB-less, pushed by KIC) or
//! the database (Kong on ECS, filled by apps registering themselves) holds.

use serde_json::{Value, json};

use super::builder::KongConfigBuilder;
use super::entities::{Route, Service, Upstream};
use super::ids::{EMPTY_CONFIG_HASH, content_hash, is_uuid};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KongConfig {
    pub services: Vec<Service>,
    pub routes: Vec<Route>,
    /// Upstreams, each holding its targets.
    pub upstreams: Vec<Upstream>,
}

impl KongConfig {
    /// Starts a [`KongConfigBuilder`].
    pub fn builder() -> KongConfigBuilder {
        KongConfigBuilder::default()
    }

    /// True when there is nothing to proxy; Kong then reports the all-zero hash.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.routes.is_empty() && self.upstreams.is_empty()
    }

    /// Kong's `configuration_hash`: all zeros when empty, else 32 hex digits
    /// that depend on content only (not on timestamps).
    pub fn hash(&self) -> String {
        if self.is_empty() {
            return EMPTY_CONFIG_HASH.to_string();
        }
        content_hash(&self.declarative(false).to_string())
    }

    /// Looks an upstream up the way the admin API does: by id when the key is
    /// UUID-shaped, else by name.
    pub fn upstream(&self, id_or_name: &str) -> Option<&Upstream> {
        let by_id = is_uuid(id_or_name);
        self.upstreams.iter().find(|u| {
            if by_id {
                u.id == id_or_name
            } else {
                u.name == id_or_name
            }
        })
    }

    pub fn upstream_mut(&mut self, id_or_name: &str) -> Option<&mut Upstream> {
        let by_id = is_uuid(id_or_name);
        self.upstreams.iter_mut().find(|u| {
            if by_id {
                u.id == id_or_name
            } else {
                u.name == id_or_name
            }
        })
    }

    pub fn service(&self, id_or_name: &str) -> Option<&Service> {
        let by_id = is_uuid(id_or_name);
        self.services.iter().find(|s| {
            if by_id {
                s.id == id_or_name
            } else {
                s.name == id_or_name
            }
        })
    }

    pub fn route(&self, id_or_name: &str) -> Option<&Route> {
        let by_id = is_uuid(id_or_name);
        self.routes.iter().find(|r| {
            if by_id {
                r.id == id_or_name
            } else {
                r.name == id_or_name
            }
        })
    }

    /// Stamps entities whose timestamps are still 0: with the timestamps of
    /// the same entity (same id) in `previous` when unchanged, else `now_ms`
    /// (epoch milliseconds). Mirrors a database keeping rows across pushes.
    pub fn stamp(&mut self, previous: &KongConfig, now_ms: i64) {
        let now_s = now_ms / 1000;
        let now_f = now_ms as f64 / 1000.0;
        for s in &mut self.services {
            let old = previous.services.iter().find(|o| o.id == s.id);
            if s.created_at == 0 {
                s.created_at = old.map_or(now_s, |o| o.created_at);
            }
            if s.updated_at == 0 {
                let same = old.is_some_and(|o| o.host == s.host && o.port == s.port);
                s.updated_at = old.filter(|_| same).map_or(now_s, |o| o.updated_at);
            }
        }
        for r in &mut self.routes {
            let old = previous.routes.iter().find(|o| o.id == r.id);
            if r.created_at == 0 {
                r.created_at = old.map_or(now_s, |o| o.created_at);
            }
            if r.updated_at == 0 {
                r.updated_at = old.map_or(now_s, |o| o.updated_at);
            }
        }
        for u in &mut self.upstreams {
            let old = previous.upstreams.iter().find(|o| o.id == u.id);
            if u.created_at == 0 {
                u.created_at = old.map_or(now_s, |o| o.created_at);
            }
            if u.updated_at == 0 {
                u.updated_at = old.map_or(now_s, |o| o.updated_at);
            }
            for t in &mut u.targets {
                let old_t = old.and_then(|o| o.targets.iter().find(|x| x.id == t.id));
                if t.created_at == 0.0 {
                    t.created_at = old_t.map_or(now_f, |o| o.created_at);
                }
                if t.updated_at == 0.0 {
                    let same = old_t.is_some_and(|o| o.weight == t.weight);
                    t.updated_at = old_t.filter(|_| same).map_or(now_f, |o| o.updated_at);
                }
            }
        }
    }

    /// The declarative form (`_format_version` 3.0) served by `GET /config`.
    /// With `with_times` false it is the canonical text the hash is taken of.
    pub fn declarative(&self, with_times: bool) -> Value {
        let strip = |mut v: Value| {
            if !with_times && let Some(o) = v.as_object_mut() {
                o.remove("created_at");
                o.remove("updated_at");
            }
            v
        };
        let upstreams: Vec<Value> = self
            .upstreams
            .iter()
            .map(|u| {
                let mut v = strip(u.to_json());
                let targets: Vec<Value> =
                    u.targets.iter().map(|t| strip(t.to_json(&u.id))).collect();
                v["targets"] = Value::Array(targets);
                v
            })
            .collect();
        json!({
            "_format_version": "3.0",
            "_transform": false,
            "services": self.services.iter().map(|s| strip(s.to_json())).collect::<Vec<_>>(),
            "routes": self.routes.iter().map(|r| strip(r.to_json())).collect::<Vec<_>>(),
            "upstreams": upstreams,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> KongConfig {
        KongConfig::builder()
            .app("orders", &["/orders"], &[("10.0.1.5", 8080)])
            .build()
    }

    #[test]
    fn hash_is_zero_when_empty_and_tracks_targets_not_times() {
        assert_eq!(KongConfig::default().hash(), EMPTY_CONFIG_HASH);
        let a = orders();
        let mut stamped = a.clone();
        stamped.stamp(&KongConfig::default(), 1_700_000_000_123);
        assert_eq!(a.hash(), stamped.hash());
        let b = KongConfig::builder()
            .app(
                "orders",
                &["/orders"],
                &[("10.0.1.5", 8080), ("10.0.1.6", 8080)],
            )
            .build();
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn stamp_keeps_times_of_unchanged_entities() {
        let mut first = orders();
        first.stamp(&KongConfig::default(), 1_000_000);
        let mut second = KongConfig::builder()
            .app(
                "orders",
                &["/orders"],
                &[("10.0.1.5", 8080), ("10.0.1.7", 8080)],
            )
            .build();
        second.stamp(&first, 2_000_000);
        let targets = &second.upstreams[0].targets;
        assert_eq!(targets[0].created_at, 1000.0);
        assert_eq!(targets[1].created_at, 2000.0);
        assert_eq!(second.services[0].created_at, 1000);
    }

    #[test]
    fn lookups_by_id_or_name() {
        let cfg = orders();
        let id = cfg.upstreams[0].id.clone();
        assert_eq!(
            cfg.upstream(&id).map(|u| u.name.as_str()),
            Some("orders.upstream")
        );
        assert!(cfg.upstream("orders.upstream").is_some());
        assert!(cfg.upstream("nope").is_none());
        assert_eq!(
            cfg.route("orders-route").map(|r| &r.service_id),
            Some(&cfg.services[0].id)
        );
    }
}
