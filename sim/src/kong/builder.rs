//! [`KongConfigBuilder`]: a DB-mode configuration built the way apps on ECS
//! register themselves with Kong.

use super::config::KongConfig;
use super::entities::{DEFAULT_WEIGHT, Route, Service, Upstream};
use super::healthchecks::Healthchecks;

/// Builds a configuration the way apps register themselves with a DB-mode
/// Kong (the ECS set-up): one service, route and upstream per app, targets
/// being task IPs.
///
/// ```
/// use fleetdeck::sim::kong::{Healthchecks, KongConfig};
/// let cfg = KongConfig::builder()
///     .app("orders", &["/api/v1/orders"], &[("10.0.1.5", 8080), ("10.0.1.6", 8080)])
///     .healthchecks("orders.upstream", Healthchecks::active(5.0, "/health"))
///     .build();
/// assert_eq!(cfg.upstream("orders.upstream").map(|u| u.targets.len()), Some(2));
/// ```
#[derive(Debug, Default)]
pub struct KongConfigBuilder {
    config: KongConfig,
}

impl KongConfigBuilder {
    /// Service `name` → upstream `<name>.upstream` (port 80), route
    /// `<name>-route` on `paths`, one weight-100 target per `(ip, port)`.
    pub fn app(mut self, name: &str, paths: &[&str], targets: &[(&str, u16)]) -> Self {
        let upstream_name = format!("{name}.upstream");
        let service = Service::new(name, &upstream_name, 80);
        let route = Route::new(&format!("{name}-route"), &service.id, paths);
        let mut upstream = Upstream::new(&upstream_name);
        for (ip, port) in targets {
            upstream.add_target(&format!("{ip}:{port}"), DEFAULT_WEIGHT);
        }
        self.config.services.push(service);
        self.config.routes.push(route);
        self.config.upstreams.push(upstream);
        self
    }

    pub fn service(mut self, service: Service) -> Self {
        self.config.services.push(service);
        self
    }

    pub fn route(mut self, route: Route) -> Self {
        self.config.routes.push(route);
        self
    }

    pub fn upstream(mut self, upstream: Upstream) -> Self {
        self.config.upstreams.push(upstream);
        self
    }

    /// Adds (or re-weights) a target on an upstream already added.
    pub fn target(mut self, upstream: &str, target: &str, weight: u32) -> Self {
        if let Some(u) = self.config.upstream_mut(upstream) {
            u.add_target(target, weight);
        }
        self
    }

    /// Replaces the health-check settings of an upstream already added.
    pub fn healthchecks(mut self, upstream: &str, healthchecks: Healthchecks) -> Self {
        if let Some(u) = self.config.upstream_mut(upstream) {
            u.healthchecks = healthchecks;
        }
        self
    }

    pub fn build(self) -> KongConfig {
        self.config
    }
}
