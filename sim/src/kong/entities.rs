//! Kong entities (services, routes, upstreams, targets) and their admin-API
//! JSON, with the schema defaults Kong 3.x fills in.
//!
//! Ids are derived from names (`ids::entity_id`), so the same configuration
//! pushed to two nodes yields the same ids, as a shared database or one
//! declarative file would. Timestamps left at 0 are stamped when the config
//! is installed on a node (`KongConfig::stamp`).

use serde_json::{Value, json};

use super::healthchecks::Healthchecks;
use super::ids::entity_id;
use super::target::Target;

/// Kong's default target weight.
pub const DEFAULT_WEIGHT: u32 = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub protocol: String,
    pub host: String,
    pub port: u16,
    pub path: Option<String>,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub id: String,
    pub name: String,
    /// Id of the service the route points at.
    pub service_id: String,
    pub protocols: Vec<String>,
    pub paths: Vec<String>,
    pub hosts: Vec<String>,
    pub strip_path: bool,
    pub preserve_host: bool,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Upstream {
    pub id: String,
    pub name: String,
    pub algorithm: String,
    pub slots: u32,
    pub healthchecks: Healthchecks,
    pub targets: Vec<Target>,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Kong renders an absent tag list as `null`.
pub(crate) fn tags_json(tags: &[String]) -> Value {
    if tags.is_empty() {
        Value::Null
    } else {
        json!(tags)
    }
}

fn list_or_null(items: &[String]) -> Value {
    tags_json(items)
}

impl Service {
    /// A plain HTTP service named `name` proxying to `host:port`.
    pub fn new(name: &str, host: &str, port: u16) -> Self {
        Self {
            id: entity_id("services", name),
            name: name.to_string(),
            protocol: "http".into(),
            host: host.to_string(),
            port,
            path: None,
            tags: Vec::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "created_at": self.created_at, "updated_at": self.updated_at,
            "name": self.name, "protocol": self.protocol, "host": self.host,
            "port": self.port, "path": self.path, "retries": 5,
            "connect_timeout": 60000, "write_timeout": 60000, "read_timeout": 60000,
            "tags": tags_json(&self.tags), "client_certificate": null,
            "tls_verify": null, "tls_verify_depth": null, "ca_certificates": null,
            "enabled": true,
        })
    }
}

impl Route {
    /// A route matching `paths` (any host) for the service with `service_id`.
    pub fn new(name: &str, service_id: &str, paths: &[&str]) -> Self {
        Self {
            id: entity_id("routes", name),
            name: name.to_string(),
            service_id: service_id.to_string(),
            protocols: vec!["http".into(), "https".into()],
            paths: paths.iter().map(|p| p.to_string()).collect(),
            hosts: Vec::new(),
            strip_path: true,
            preserve_host: false,
            tags: Vec::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "created_at": self.created_at, "updated_at": self.updated_at,
            "name": self.name, "protocols": self.protocols, "methods": null,
            "hosts": list_or_null(&self.hosts), "paths": list_or_null(&self.paths),
            "headers": null, "snis": null, "sources": null, "destinations": null,
            "https_redirect_status_code": 426, "regex_priority": 0,
            "strip_path": self.strip_path, "path_handling": "v0",
            "preserve_host": self.preserve_host, "request_buffering": true,
            "response_buffering": true, "tags": tags_json(&self.tags),
            "service": { "id": self.service_id },
        })
    }
}

impl Upstream {
    /// A round-robin upstream with Kong's defaults (health checks off).
    pub fn new(name: &str) -> Self {
        Self {
            id: entity_id("upstreams", name),
            name: name.to_string(),
            algorithm: "round-robin".into(),
            slots: 10000,
            healthchecks: Healthchecks::default(),
            targets: Vec::new(),
            tags: Vec::new(),
            created_at: 0,
            updated_at: 0,
        }
    }

    /// Adds a target (`host:port`) with `weight`, replacing one with the same
    /// address, as Kong's upsert-by-target does.
    pub fn add_target(&mut self, target: &str, weight: u32) -> &mut Target {
        let t = Target::new(&self.name, target, weight);
        let index = match self.targets.iter().position(|x| x.target == t.target) {
            Some(i) => {
                self.targets[i] = t;
                i
            }
            None => {
                self.targets.push(t);
                self.targets.len() - 1
            }
        };
        &mut self.targets[index]
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "created_at": self.created_at, "updated_at": self.updated_at,
            "name": self.name, "algorithm": self.algorithm, "slots": self.slots,
            "hash_on": "none", "hash_fallback": "none", "hash_on_header": null,
            "hash_fallback_header": null, "hash_on_cookie": null,
            "hash_on_cookie_path": "/", "hash_on_query_arg": null,
            "hash_fallback_query_arg": null, "hash_on_uri_capture": null,
            "hash_fallback_uri_capture": null, "host_header": null,
            "client_certificate": null, "use_srv_name": false,
            "healthchecks": self.healthchecks, "tags": tags_json(&self.tags),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_target_replaces_same_address() {
        let mut up = Upstream::new("orders.upstream");
        up.add_target("10.0.0.1:80", 100);
        up.add_target("10.0.0.1:80", 0);
        assert_eq!(up.targets.len(), 1);
        assert_eq!(up.targets[0].weight, 0);
    }

    #[test]
    fn json_has_kong_defaults() {
        let s = Service::new("orders", "orders.upstream", 80).to_json();
        assert_eq!(s["retries"], 5);
        assert!(s["tags"].is_null());
        let r = Route::new("orders", "sid", &["/orders"]).to_json();
        assert_eq!(r["service"]["id"], "sid");
        assert_eq!(r["paths"][0], "/orders");
        let u = Upstream::new("orders.upstream").to_json();
        assert_eq!(u["algorithm"], "round-robin");
        assert_eq!(u["healthchecks"]["threshold"], 0.0);
    }
}
