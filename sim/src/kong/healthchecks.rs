//! An upstream's `healthchecks` record, with Kong's schema defaults
//! (`kong/db/schema/entities/upstreams.lua`). Serializes to the exact shape
//! the admin API returns.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Healthchecks {
    /// Percentage (0–100) of weight that must be available for the balancer
    /// to count as healthy.
    pub threshold: f64,
    pub active: ActiveChecks,
    pub passive: PassiveChecks,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveChecks {
    #[serde(rename = "type")]
    pub kind: String,
    pub timeout: f64,
    pub concurrency: u32,
    pub http_path: String,
    pub https_verify_certificate: bool,
    pub https_sni: Option<String>,
    pub headers: Option<serde_json::Value>,
    pub healthy: ActiveHealthy,
    pub unhealthy: ActiveUnhealthy,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveHealthy {
    pub interval: f64,
    pub successes: u32,
    pub http_statuses: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveUnhealthy {
    pub interval: f64,
    pub http_failures: u32,
    pub tcp_failures: u32,
    pub timeouts: u32,
    pub http_statuses: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassiveChecks {
    #[serde(rename = "type")]
    pub kind: String,
    pub healthy: PassiveHealthy,
    pub unhealthy: PassiveUnhealthy,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassiveHealthy {
    pub successes: u32,
    pub http_statuses: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassiveUnhealthy {
    pub http_failures: u32,
    pub tcp_failures: u32,
    pub timeouts: u32,
    pub http_statuses: Vec<u16>,
}

impl Default for Healthchecks {
    /// Kong's defaults: every interval and failure counter is 0, so health
    /// checks are off and targets report `HEALTHCHECKS_OFF`.
    fn default() -> Self {
        Self {
            threshold: 0.0,
            active: ActiveChecks {
                kind: "http".into(),
                timeout: 1.0,
                concurrency: 10,
                http_path: "/".into(),
                https_verify_certificate: true,
                https_sni: None,
                headers: None,
                healthy: ActiveHealthy {
                    interval: 0.0,
                    successes: 0,
                    http_statuses: vec![200, 302],
                },
                unhealthy: ActiveUnhealthy {
                    interval: 0.0,
                    http_failures: 0,
                    tcp_failures: 0,
                    timeouts: 0,
                    http_statuses: vec![429, 404, 500, 501, 502, 503, 504, 505],
                },
            },
            passive: PassiveChecks {
                kind: "http".into(),
                healthy: PassiveHealthy {
                    successes: 0,
                    http_statuses: vec![
                        200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
                        305, 306, 307, 308,
                    ],
                },
                unhealthy: PassiveUnhealthy {
                    http_failures: 0,
                    tcp_failures: 0,
                    timeouts: 0,
                    http_statuses: vec![429, 500, 503],
                },
            },
        }
    }
}

impl Healthchecks {
    /// Active HTTP probes every `interval` seconds on `http_path`, with the
    /// thresholds the Kong docs and KIC examples use (1 success, 3 failures).
    pub fn active(interval: f64, http_path: &str) -> Self {
        let mut hc = Self::default();
        hc.active.http_path = http_path.to_string();
        hc.active.healthy.interval = interval;
        hc.active.healthy.successes = 1;
        hc.active.unhealthy.interval = interval;
        hc.active.unhealthy.http_failures = 3;
        hc.active.unhealthy.tcp_failures = 3;
        hc.active.unhealthy.timeouts = 3;
        hc
    }

    /// Sets the balancer health threshold (percent, clamped to 0–100).
    pub fn with_threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold.clamp(0.0, 100.0);
        self
    }

    /// Kong's `is_upstream_using_healthcheck`: any active interval or passive
    /// failure counter set turns the health checker on.
    pub fn enabled(&self) -> bool {
        self.active.healthy.interval != 0.0
            || self.active.unhealthy.interval != 0.0
            || self.passive.unhealthy.tcp_failures != 0
            || self.passive.unhealthy.timeouts != 0
            || self.passive.unhealthy.http_failures != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_off_and_active_is_on() {
        assert!(!Healthchecks::default().enabled());
        assert!(Healthchecks::active(5.0, "/healthz").enabled());
        let mut passive = Healthchecks::default();
        passive.passive.unhealthy.timeouts = 2;
        assert!(passive.enabled());
    }

    #[test]
    fn serializes_with_kong_field_names() {
        let v = serde_json::to_value(Healthchecks::default()).expect("serialize");
        assert_eq!(v["active"]["type"], "http");
        assert_eq!(v["active"]["healthy"]["http_statuses"][1], 302);
        assert_eq!(v["passive"]["unhealthy"]["http_statuses"][2], 503);
        assert_eq!(v["threshold"], 0.0);
        assert!(v["active"]["https_sni"].is_null());
    }
}
