//! A target of an upstream: one `host:port` with a weight.

use serde_json::{Value, json};

use super::entities::tags_json;
use super::ids::entity_id;

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    /// `host:port`, as Kong normalizes it.
    pub target: String,
    /// 0–65535; weight 0 keeps the target listed but sends it no traffic.
    pub weight: u32,
    pub tags: Vec<String>,
    /// Targets carry millisecond timestamps (`auto_timestamp_ms`).
    pub created_at: f64,
    pub updated_at: f64,
}

impl Target {
    /// A target of the upstream named `upstream_name`; `target` gets Kong's
    /// default port 8000 when it has none.
    pub fn new(upstream_name: &str, target: &str, weight: u32) -> Self {
        let target = normalize_target(target);
        Self {
            id: entity_id("targets", &format!("{upstream_name}|{target}")),
            target,
            weight: weight.min(65535),
            tags: Vec::new(),
            created_at: 0.0,
            updated_at: 0.0,
        }
    }

    pub fn to_json(&self, upstream_id: &str) -> Value {
        json!({
            "id": self.id, "created_at": self.created_at, "updated_at": self.updated_at,
            "upstream": { "id": upstream_id }, "target": self.target,
            "weight": self.weight, "tags": tags_json(&self.tags),
        })
    }

    /// Host and port of the target (`[v6]:port`, `host:port` or `host`).
    pub fn host_port(&self) -> (String, u16) {
        split_host_port(&self.target)
    }
}

/// Splits `host:port`; IPv6 hosts are bracketed; a missing or bad port is 8000.
pub fn split_host_port(target: &str) -> (String, u16) {
    if let Some(rest) = target.strip_prefix('[')
        && let Some((host, tail)) = rest.split_once(']')
    {
        let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
        return (host.to_string(), port.unwrap_or(8000));
    }
    match target.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            (host.to_string(), port.parse().unwrap_or(8000))
        }
        _ => (target.to_string(), 8000),
    }
}

fn normalize_target(target: &str) -> String {
    let (host, port) = split_host_port(target);
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_normalized_with_default_port() {
        assert_eq!(Target::new("u", "10.0.0.1", 100).target, "10.0.0.1:8000");
        assert_eq!(Target::new("u", "10.0.0.1:80", 100).target, "10.0.0.1:80");
        assert_eq!(Target::new("u", "fd00::1", 100).target, "[fd00::1]:8000");
        assert_eq!(
            Target::new("u", "[fd00::1]:81", 100).host_port(),
            ("fd00::1".into(), 81)
        );
    }
}
