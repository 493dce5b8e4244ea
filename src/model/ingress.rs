//! Ingresses (`networking.k8s.io/v1`): class, hosts, address and the
//! services each routes to — Kong for Kubernetes routes by them.

use jiff::Timestamp;
use k8s_openapi::api::networking::v1::{Ingress, IngressBackend};

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct IngressRow {
    pub namespace: String,
    pub name: String,
    /// `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation.
    pub class: Option<String>,
    pub hosts: Vec<String>,
    /// Load-balancer addresses from the status (IP or hostname).
    pub addresses: Vec<String>,
    /// `80`, or `80, 443` when TLS is configured, as kubectl shows it.
    pub ports: String,
    /// `(service, port)` of every backend: the default one, then each path's.
    pub backends: Vec<(String, String)>,
    pub created: Option<Timestamp>,
}

impl Row for IngressRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

fn backend(b: &IngressBackend) -> Option<(String, String)> {
    let svc = b.service.as_ref()?;
    let port = svc
        .port
        .as_ref()
        .and_then(|p| p.name.clone().or(p.number.map(|n| n.to_string())))
        .unwrap_or_default();
    Some((sanitize(&svc.name), sanitize(&port)))
}

impl From<&Ingress> for IngressRow {
    fn from(i: &Ingress) -> Self {
        let (namespace, name) = key_of(&i.metadata);
        let spec = i.spec.as_ref();
        let class = spec
            .and_then(|s| s.ingress_class_name.clone())
            .or_else(|| {
                i.metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("kubernetes.io/ingress.class").cloned())
            })
            .map(|c| sanitize(&c));
        let rules = spec.and_then(|s| s.rules.as_ref()).into_iter().flatten();
        let hosts = rules
            .clone()
            .filter_map(|r| r.host.as_deref())
            .map(sanitize)
            .collect();
        let mut backends: Vec<(String, String)> = spec
            .and_then(|s| s.default_backend.as_ref())
            .and_then(backend)
            .into_iter()
            .collect();
        for path in rules
            .filter_map(|r| r.http.as_ref())
            .flat_map(|h| h.paths.iter())
        {
            if let Some(b) = backend(&path.backend)
                && !backends.contains(&b)
            {
                backends.push(b);
            }
        }
        let tls = spec
            .and_then(|s| s.tls.as_ref())
            .is_some_and(|t| !t.is_empty());
        IngressRow {
            namespace: namespace.clone(),
            name: name.clone(),
            class,
            hosts,
            addresses: i
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .into_iter()
                .flatten()
                .filter_map(|a| a.ip.as_deref().or(a.hostname.as_deref()))
                .map(sanitize)
                .collect(),
            ports: if tls { "80, 443".into() } else { "80".into() },
            backends,
            created: i.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn ingress_row_reads_class_hosts_address_and_backends() {
        let row = IngressRow::from(&fixtures::kong_ingress());
        assert_eq!(row.class.as_deref(), Some("kong"));
        assert_eq!(row.hosts, vec!["shop.example.com", "api.example.com"]);
        assert_eq!(row.addresses, vec!["k8s-kong-proxy.elb.amazonaws.com"]);
        assert_eq!(row.ports, "80, 443");
        assert_eq!(
            row.backends,
            vec![
                ("web".to_owned(), "80".to_owned()),
                ("checkout".to_owned(), "http".to_owned())
            ]
        );
    }

    #[test]
    fn legacy_class_annotation_and_no_tls() {
        let row = IngressRow::from(&fixtures::annotated_ingress());
        assert_eq!(row.class.as_deref(), Some("kong"));
        assert!(row.hosts.is_empty());
        assert!(row.addresses.is_empty());
        assert_eq!(row.ports, "80");
        assert_eq!(row.backends, vec![("legacy".to_owned(), "8080".to_owned())]);
    }
}
