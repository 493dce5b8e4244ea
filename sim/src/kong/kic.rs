//! What the Kong Ingress Controller pushes to a DB-less Kong for a set of
//! Kubernetes Services, from plain inputs so the simulation can feed it from
//! EndpointSlices. Names follow KIC: service `<ns>.<svc>.<port>`, upstream
//! `<svc>.<ns>.<port>.svc`, one target `<ip>:<port>` per ready endpoint.

use super::config::KongConfig;
use super::entities::{DEFAULT_WEIGHT, Route, Service, Upstream};
use super::healthchecks::Healthchecks;

/// One Kubernetes Service port exposed through Kong.
#[derive(Debug, Clone, PartialEq)]
pub struct KicBackend {
    pub namespace: String,
    pub service: String,
    /// The Service port the Ingress/HTTPRoute points at.
    pub port: u16,
    /// `metadata.uid` of the Service.
    pub k8s_uid: String,
    /// Paths routed to this backend; none means no route.
    pub paths: Vec<String>,
    /// `(pod IP, target port)` of every ready endpoint.
    pub ready_endpoints: Vec<(String, u16)>,
    /// Whether a KongUpstreamPolicy turns on active health checks.
    pub healthchecks: bool,
}

impl KicBackend {
    /// KIC's Kong service name.
    pub fn service_name(&self) -> String {
        format!("{}.{}.{}", self.namespace, self.service, self.port)
    }

    /// KIC's upstream name, also the Kong service's `host`.
    pub fn upstream_name(&self) -> String {
        format!("{}.{}.{}.svc", self.service, self.namespace, self.port)
    }

    /// The tags KIC puts on every entity it derives from the Service.
    pub fn tags(&self) -> Vec<String> {
        vec![
            format!("k8s-name:{}", self.service),
            format!("k8s-namespace:{}", self.namespace),
            "k8s-kind:Service".to_string(),
            format!("k8s-uid:{}", self.k8s_uid),
            "k8s-version:v1".to_string(),
        ]
    }
}

/// The configuration KIC would push for `backends`. A backend without ready
/// endpoints still gets its upstream, with zero targets (KIC logs "No
/// targets could be found for kubernetes service"), which leaves that
/// upstream's balancer unhealthy.
pub fn kic_config(backends: &[KicBackend]) -> KongConfig {
    let mut config = KongConfig::default();
    for b in backends {
        let tags = b.tags();
        let upstream_name = b.upstream_name();

        let mut service = Service::new(&b.service_name(), &upstream_name, b.port);
        service.tags = tags.clone();

        // KIC emits one route per Ingress rule path; index them to keep names unique.
        for (i, path) in b.paths.iter().enumerate() {
            let name = format!("{}.{}.{}.{}", b.namespace, b.service, b.port, i);
            let mut route = Route::new(&name, &service.id, &[path.as_str()]);
            route.strip_path = false;
            route.preserve_host = true;
            route.tags = tags.clone();
            config.routes.push(route);
        }

        let mut upstream = Upstream::new(&upstream_name);
        upstream.tags = tags.clone();
        if b.healthchecks {
            upstream.healthchecks = Healthchecks::active(5.0, "/");
        }
        for (ip, port) in &b.ready_endpoints {
            let target = if ip.contains(':') {
                format!("[{ip}]:{port}")
            } else {
                format!("{ip}:{port}")
            };
            upstream.add_target(&target, DEFAULT_WEIGHT).tags = tags.clone();
        }

        config.services.push(service);
        config.upstreams.push(upstream);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(endpoints: &[(&str, u16)]) -> KicBackend {
        KicBackend {
            namespace: "default".into(),
            service: "echo".into(),
            port: 80,
            k8s_uid: "3f1c9a8e-0000-4000-8000-000000000001".into(),
            paths: vec!["/echo".into()],
            ready_endpoints: endpoints
                .iter()
                .map(|(ip, p)| (ip.to_string(), *p))
                .collect(),
            healthchecks: false,
        }
    }

    #[test]
    fn names_and_targets_follow_kic() {
        let cfg = kic_config(&[echo(&[("10.0.1.10", 1027), ("10.0.1.11", 1027)])]);
        assert_eq!(cfg.services[0].name, "default.echo.80");
        assert_eq!(cfg.services[0].host, "echo.default.80.svc");
        assert_eq!(cfg.upstreams[0].name, "echo.default.80.svc");
        let targets: Vec<&str> = cfg.upstreams[0]
            .targets
            .iter()
            .map(|t| t.target.as_str())
            .collect();
        assert_eq!(targets, ["10.0.1.10:1027", "10.0.1.11:1027"]);
        assert_eq!(cfg.routes[0].service_id, cfg.services[0].id);
        assert_eq!(cfg.routes[0].paths, ["/echo"]);
    }

    #[test]
    fn no_ready_endpoints_keeps_the_upstream_without_targets() {
        let cfg = kic_config(&[echo(&[])]);
        assert_eq!(cfg.upstreams.len(), 1);
        assert!(cfg.upstreams[0].targets.is_empty());
    }

    #[test]
    fn every_entity_is_tagged_with_the_service() {
        let cfg = kic_config(&[echo(&[("10.0.1.10", 1027)])]);
        let want = "k8s-uid:3f1c9a8e-0000-4000-8000-000000000001".to_string();
        assert!(cfg.services[0].tags.contains(&want));
        assert!(cfg.routes[0].tags.contains(&want));
        assert!(cfg.upstreams[0].tags.contains(&want));
        assert!(
            cfg.upstreams[0].targets[0]
                .tags
                .contains(&"k8s-kind:Service".to_string())
        );
        assert!(
            cfg.upstreams[0]
                .tags
                .contains(&"k8s-namespace:default".to_string())
        );
    }
}
