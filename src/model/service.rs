//! Services and EndpointSlices: the link from a gateway upstream to pods.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    pub namespace: String,
    pub name: String,
    pub type_: String,
    pub cluster_ip: Option<String>,
    /// `externalIPs` and load-balancer addresses; `<pending>` for a
    /// LoadBalancer still waiting for one, as kubectl shows it.
    pub external_ips: Vec<String>,
    pub ports: Vec<String>,
    /// The pod selector, to find the pods behind a service with no endpoints.
    pub selector: Vec<(String, String)>,
    pub created: Option<Timestamp>,
}

impl Row for ServiceRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&Service> for ServiceRow {
    fn from(s: &Service) -> Self {
        let (namespace, name) = key_of(&s.metadata);
        let spec = s.spec.as_ref();
        let type_ = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
        let mut external_ips: Vec<String> = spec
            .and_then(|s| s.external_ips.as_ref())
            .into_iter()
            .flatten()
            .map(|ip| sanitize(ip))
            .collect();
        external_ips.extend(
            s.status
                .as_ref()
                .and_then(|st| st.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|i| i.ip.as_deref().or(i.hostname.as_deref()))
                .map(sanitize),
        );
        if external_ips.is_empty() && type_ == "LoadBalancer" {
            external_ips.push("<pending>".into());
        }
        ServiceRow {
            namespace: namespace.clone(),
            name: name.clone(),
            type_: sanitize(type_),
            cluster_ip: spec.and_then(|s| s.cluster_ip.as_deref()).map(sanitize),
            external_ips,
            ports: spec
                .and_then(|s| s.ports.as_ref())
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let proto = sanitize(p.protocol.as_deref().unwrap_or("TCP"));
                            match p.node_port {
                                Some(np) => format!("{}:{np}/{proto}", p.port),
                                None => format!("{}/{proto}", p.port),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            selector: spec
                .and_then(|s| s.selector.as_ref())
                .map(|m| m.iter().map(|(k, v)| (sanitize(k), sanitize(v))).collect())
                .unwrap_or_default(),
            created: s.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRow {
    pub address: String,
    pub ready: bool,
    pub pod: Option<String>,
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSliceRow {
    pub namespace: String,
    pub name: String,
    pub service: Option<String>,
    pub endpoints: Vec<EndpointRow>,
    pub ports: Vec<i32>,
}

impl Row for EndpointSliceRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&EndpointSlice> for EndpointSliceRow {
    fn from(s: &EndpointSlice) -> Self {
        let (namespace, name) = key_of(&s.metadata);
        EndpointSliceRow {
            namespace: namespace.clone(),
            name: name.clone(),
            service: s
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/service-name"))
                .map(|v| sanitize(v)),
            endpoints: s
                .endpoints
                .iter()
                .flatten()
                .map(|e| EndpointRow {
                    address: e.addresses.first().map(|a| sanitize(a)).unwrap_or_default(),
                    // Kubernetes: a nil `ready` means ready.
                    ready: e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true),
                    pod: e
                        .target_ref
                        .as_ref()
                        .filter(|r| r.kind.as_deref() == Some("Pod"))
                        .and_then(|r| r.name.as_deref())
                        .map(sanitize),
                    node: e.node_name.as_deref().map(sanitize),
                })
                .collect(),
            ports: s
                .ports
                .as_ref()
                .map(|ps| ps.iter().filter_map(|p| p.port).collect())
                .unwrap_or_default(),
        }
    }
}

impl EndpointSliceRow {
    pub fn ready_count(&self) -> usize {
        self.endpoints.iter().filter(|e| e.ready).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn service_row_reads_type_addresses_and_ports_as_kubectl_shows_them() {
        let row = ServiceRow::from(&fixtures::load_balancer_service());
        assert_eq!(row.type_, "LoadBalancer");
        assert_eq!(row.cluster_ip.as_deref(), Some("172.20.14.2"));
        assert_eq!(row.external_ips, vec!["k8s-kong-proxy.elb.amazonaws.com"]);
        assert_eq!(row.ports, vec!["80:30080/TCP", "443:30443/TCP"]);
        assert!(row.created.is_some());
        let pending = ServiceRow::from(&fixtures::pending_load_balancer_service());
        assert_eq!(pending.external_ips, vec!["<pending>"]);
        assert_eq!(pending.ports, vec!["8080/TCP"]);
    }
}
