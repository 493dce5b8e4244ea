//! One node's ring balancer for one upstream: which addresses are available,
//! the weights, and whether the balancer is healthy. Pure functions, following
//! `kong/runloop/balancer/balancers.lua` (`getStatus`, `updateStatus`) and
//! `kong/db/dao/targets.lua` (`page_for_upstream_with_health`).

use serde::Serialize;
use serde_json::{Value, json};

use super::entities::Upstream;
use super::ids::fnv128;
use super::target::Target;

/// A target's health as `/upstreams/{u}/health` reports it. The first three
/// can be forced per node with `KongNode::set_target_health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetHealth {
    Healthy,
    Unhealthy,
    /// The name did not resolve: the target has no addresses in the balancer.
    DnsError,
    /// The upstream has no health checks configured (Kong's default).
    HealthchecksOff,
}

impl TargetHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "HEALTHY",
            Self::Unhealthy => "UNHEALTHY",
            Self::DnsError => "DNS_ERROR",
            Self::HealthchecksOff => "HEALTHCHECKS_OFF",
        }
    }
}

/// What lua-resty-dns-client records for a name that does not resolve.
pub const DNS_ERROR_TEXT: &str = "dns server error: 3 name error";

#[derive(Debug, Clone, PartialEq)]
pub struct AddressStatus {
    pub ip: String,
    pub port: u16,
    pub weight: u32,
    pub available: bool,
    pub health: TargetHealth,
}

/// One target as the balancer sees it (Kong calls these "hosts").
#[derive(Debug, Clone, PartialEq)]
pub struct HostStatus {
    pub target: Target,
    pub host: String,
    pub port: u16,
    pub dns: String,
    pub health: TargetHealth,
    pub total_weight: u64,
    pub unavailable_weight: u64,
    pub addresses: Vec<AddressStatus>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BalancerStatus {
    pub upstream_id: String,
    pub healthchecks_enabled: bool,
    pub healthy: bool,
    pub total_weight: u64,
    pub unavailable_weight: u64,
    pub hosts: Vec<HostStatus>,
}

/// Computes the balancer of `upstream` on one node; `forced(target)` gives
/// that node's override for a target (`None`: the default, available).
pub fn balancer_status(
    upstream: &Upstream,
    forced: impl Fn(&str) -> Option<TargetHealth>,
) -> BalancerStatus {
    let hc = upstream.healthchecks.enabled();
    let hosts: Vec<HostStatus> = upstream
        .targets
        .iter()
        .map(|t| host_status(t, hc, forced(&t.target)))
        .collect();
    let total: u64 = hosts.iter().map(|h| h.total_weight).sum();
    let unavailable: u64 = hosts.iter().map(|h| h.unavailable_weight).sum();
    // updateStatus: healthy iff weight exists and the available share is above threshold.
    let healthy = total > 0
        && ((total - unavailable) as f64 / total as f64 * 100.0) > upstream.healthchecks.threshold;
    BalancerStatus {
        upstream_id: upstream.id.clone(),
        healthchecks_enabled: hc,
        healthy,
        total_weight: total,
        unavailable_weight: unavailable,
        hosts,
    }
}

fn host_status(target: &Target, hc: bool, forced: Option<TargetHealth>) -> HostStatus {
    let (host, port) = target.host_port();
    if forced == Some(TargetHealth::DnsError) {
        return HostStatus {
            target: target.clone(),
            host,
            port,
            dns: DNS_ERROR_TEXT.into(),
            health: TargetHealth::DnsError,
            total_weight: 0,
            unavailable_weight: 0,
            addresses: Vec::new(),
        };
    }
    let (ip, dns) = resolve(&host);
    let available = forced != Some(TargetHealth::Unhealthy);
    let health = match (forced, hc) {
        (Some(TargetHealth::Unhealthy), _) => TargetHealth::Unhealthy,
        (_, true) => TargetHealth::Healthy,
        (_, false) => TargetHealth::HealthchecksOff,
    };
    let weight = u64::from(target.weight);
    HostStatus {
        target: target.clone(),
        host,
        port,
        dns,
        health,
        total_weight: weight,
        unavailable_weight: if available { 0 } else { weight },
        addresses: vec![AddressStatus {
            ip,
            port,
            weight: target.weight,
            available,
            health,
        }],
    }
}

/// IPs resolve to themselves; names get a stable made-up ClusterIP-like address.
fn resolve(host: &str) -> (String, String) {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        let kind = if ip.is_ipv4() { "A" } else { "AAAA" };
        return (host.to_string(), kind.into());
    }
    let h = fnv128(&["dns", host]);
    let ip = format!("172.20.{}.{}", (h >> 8) as u8, (h as u8).max(1));
    (ip, "A".into())
}

fn host_json(h: &HostStatus, health_strings: bool) -> Value {
    let addresses: Vec<Value> = h
        .addresses
        .iter()
        .map(|a| {
            let mut v = json!({ "ip": a.ip, "port": a.port, "weight": a.weight });
            if health_strings {
                v["health"] = json!(a.health.as_str());
            } else {
                v["healthy"] = json!(a.available);
            }
            v
        })
        .collect();
    json!({
        "host": h.host, "port": h.port, "dns": h.dns, "nodeWeight": h.target.weight,
        "weight": {
            "total": h.total_weight, "unavailable": h.unavailable_weight,
            "available": h.total_weight - h.unavailable_weight,
        },
        "addresses": addresses,
    })
}

impl BalancerStatus {
    /// Rows of `GET /upstreams/{u}/health`: each target plus `health` and `data`.
    pub fn target_rows(&self) -> Vec<Value> {
        self.hosts
            .iter()
            .map(|h| {
                let mut v = h.target.to_json(&self.upstream_id);
                v["health"] = json!(h.health.as_str());
                v["data"] = host_json(h, true);
                v
            })
            .collect()
    }

    /// `data` of `GET /upstreams/{u}/health?balancer_health=1`.
    pub fn balancer_json(&self) -> Value {
        let balancer_health = if self.healthy { "HEALTHY" } else { "UNHEALTHY" };
        let health = if self.healthchecks_enabled {
            balancer_health
        } else {
            "HEALTHCHECKS_OFF"
        };
        json!({
            "id": self.upstream_id,
            "health": health,
            "balancer_health": balancer_health,
            "details": {
                "healthy": self.healthy,
                "weight": {
                    "total": self.total_weight, "unavailable": self.unavailable_weight,
                    "available": self.total_weight - self.unavailable_weight,
                },
                "hosts": self.hosts.iter().map(|h| host_json(h, false)).collect::<Vec<_>>(),
            },
        })
    }

    /// The error a proxied request through this balancer would get, if any
    /// (Kong then answers 503 "failure to get a peer from the ring-balancer").
    /// Kong 3.x's round-robin walks the wheel for any available address, so a
    /// balancer below its threshold still serves while one address is up.
    pub fn peer_error(&self) -> Option<&'static str> {
        (self.total_weight == self.unavailable_weight).then_some("No peers are available")
    }
}
