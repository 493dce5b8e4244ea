//! Kong gateway nodes as seen through their admin API. Health is per node:
//! each replica has its own balancer, so each is polled and shown separately.

use jiff::Timestamp;
use serde_json::Value;

use super::text::sanitize;

/// How a Kong node is reached.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KongVia {
    /// A Kong pod, through the API server (see [`PodAccess`]).
    Pod {
        cluster: String,
        namespace: String,
        pod: String,
        access: PodAccess,
    },
    /// A direct admin URL (Kong on ECS, external).
    Url(String),
}

/// Which API server path reaches a Kong pod's admin listener.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PodAccess {
    /// The pod proxy to `port` (the listener binds the pod IP or 0.0.0.0).
    Proxy { port: u16, tls: bool },
    /// A port-forward into the pod (the listener binds localhost only); a TLS
    /// listener's self-signed certificate is accepted there and only there.
    PortForward { port: u16, tls: bool },
}

impl PodAccess {
    /// Short label for tables.
    pub fn label(&self) -> &'static str {
        match self {
            PodAccess::Proxy { .. } => "pod proxy",
            PodAccess::PortForward { .. } => "port-fwd",
        }
    }

    /// One line for the describe pane.
    pub fn describe(&self) -> String {
        match self {
            PodAccess::Proxy { port, tls: false } => format!("pod proxy to port {port} (HTTP)"),
            PodAccess::Proxy { port, tls: true } => {
                format!("pod proxy to port {port} (HTTPS, verified by the API server)")
            }
            PodAccess::PortForward { port, tls: false } => {
                format!("port-forward to localhost:{port} (HTTP)")
            }
            PodAccess::PortForward { port, tls: true } => format!(
                "port-forward to localhost:{port} (TLS; the admin's self-signed certificate is accepted for this localhost listener only)"
            ),
        }
    }
}

/// Whether a container image is Kong itself (`kong`, `kong/kong-gateway`,
/// any registry's copy of them), never its ingress controller.
pub fn is_kong_image(image: &str) -> bool {
    let repo = image.rsplit('/').next().unwrap_or(image);
    (repo.starts_with("kong:") || repo.starts_with("kong-gateway:") || repo == "kong")
        && !image.contains("ingress-controller")
}

/// How an admin URL's certificate is checked (from its gateway's config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UrlTls {
    /// Plain HTTP, or a pod (whose [`PodAccess`] says how it is reached).
    #[default]
    Plain,
    /// HTTPS verified against the system's roots and the config's `ca_file`.
    Verified { ca_file: Option<String> },
    /// HTTPS with `insecure = true`: any certificate is accepted.
    Unverified,
}

impl UrlTls {
    /// For an admin URL from its scheme and the gateway's TLS settings.
    pub fn for_url(url: &str, ca_file: Option<&str>, insecure: bool) -> Self {
        if !url.starts_with("https://") {
            UrlTls::Plain
        } else if insecure {
            UrlTls::Unverified
        } else {
            UrlTls::Verified {
                ca_file: ca_file.map(str::to_owned),
            }
        }
    }

    /// The describe pane's words, `None` for plain HTTP.
    pub fn describe(&self) -> Option<String> {
        match self {
            UrlTls::Plain => None,
            UrlTls::Verified { ca_file: Some(f) } => {
                Some(format!("TLS, certificate verified against ca_file {f}"))
            }
            UrlTls::Verified { ca_file: None } => {
                Some("TLS, certificate verified against the system's trusted roots".to_owned())
            }
            UrlTls::Unverified => {
                Some("TLS, certificate NOT verified (insecure = true in the config)".to_owned())
            }
        }
    }
}

/// What `/status` says about the node's configuration source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KongDb {
    /// DB mode: whether Postgres is reachable from this node.
    Reachable(bool),
    /// DB-less / data plane: the configuration hash (all zeros = empty).
    Hash(String),
    Unknown,
}

pub const EMPTY_CONFIG_HASH: &str = "00000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KongTarget {
    /// `host:port` as configured.
    pub target: String,
    pub weight: i64,
    /// HEALTHY, UNHEALTHY, HEALTHCHECKS_OFF, DNS_ERROR.
    pub health: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KongUpstream {
    pub name: String,
    /// `HEALTHY` / `UNHEALTHY` from `?balancer_health=1`.
    pub balancer: Option<String>,
    pub targets: Vec<KongTarget>,
}

impl KongUpstream {
    /// A balancer with no targets, or unhealthy, yields "failure to get a peer".
    pub fn broken(&self) -> bool {
        self.balancer.as_deref() == Some("UNHEALTHY")
            || self.targets.is_empty()
            || self.targets.iter().all(|t| t.weight == 0)
    }
}

/// A route as Kong's admin API lists it, joined to the upstream its service
/// sends to (the service's `host`), so a broken balancer reads as the
/// requests that fail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KongRoute {
    pub name: String,
    /// Empty: any method.
    pub methods: Vec<String>,
    /// Empty: any host.
    pub hosts: Vec<String>,
    /// Empty: any path.
    pub paths: Vec<String>,
    /// The host of the route's service: an upstream name when one exists.
    pub upstream: Option<String>,
}

impl KongRoute {
    /// `GET shop.example.com/checkout`, `/checkout (any host)`, one line per route.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if !self.methods.is_empty() {
            s.push_str(&self.methods.join("|"));
            s.push(' ');
        }
        s.push_str(self.hosts.first().map_or("", String::as_str));
        match self.paths.as_slice() {
            [] => s.push('/'),
            [p] => s.push_str(p),
            ps => s.push_str(&format!("{{{}}}", ps.join(","))),
        }
        if self.hosts.is_empty() {
            s.push_str(" (any host)");
        } else if self.hosts.len() > 1 {
            s.push_str(&format!(" (+{} hosts)", self.hosts.len() - 1));
        }
        s
    }
}

/// A service entity → `(id, host)`.
pub fn parse_service_host(v: &Value) -> Option<(String, String)> {
    Some((
        sanitize(v.get("id")?.as_str()?),
        sanitize(v.get("host")?.as_str()?),
    ))
}

/// A route entity → a route, its upstream looked up in `(service id, host)` pairs.
pub fn parse_route(v: &Value, services: &[(String, String)]) -> Option<KongRoute> {
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(sanitize).collect())
            .unwrap_or_default()
    };
    let id = v.get("id").and_then(Value::as_str).map(sanitize);
    let service = v.pointer("/service/id").and_then(Value::as_str)?;
    Some(KongRoute {
        name: v
            .get("name")
            .and_then(Value::as_str)
            .map(sanitize)
            .or(id)
            .unwrap_or_default(),
        methods: list("methods"),
        hosts: list("hosts"),
        paths: list("paths"),
        upstream: services
            .iter()
            .find(|(sid, _)| sid == service)
            .map(|(_, h)| h.clone()),
    })
}

/// One poll of one Kong node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KongNode {
    pub gateway: String,
    /// Pod name or admin URL host.
    pub name: String,
    pub via: KongVia,
    /// `Err` when `/status` did not answer.
    pub reachable: Result<(), String>,
    /// `Err(reason)` when `/status/ready` answered 503 (or not at all).
    pub ready: Option<Result<(), String>>,
    pub db: KongDb,
    pub version: Option<String>,
    pub upstreams: Vec<KongUpstream>,
    /// Routes with the upstream they send to (empty until polled).
    pub routes: Vec<KongRoute>,
    pub polled: Option<Timestamp>,
    /// IP of the node (pod IP / task IP) when known.
    pub ip: Option<String>,
    /// The `hostname` Kong reports at `GET /` (on ECS awsvpc: `ip-a-b-c-d.…`).
    pub hostname: Option<String>,
    /// How its admin URL's certificate is checked (admin URL nodes only).
    pub url_tls: UrlTls,
}

impl KongNode {
    pub fn new(gateway: &str, name: &str, via: KongVia) -> Self {
        KongNode {
            gateway: gateway.to_owned(),
            name: name.to_owned(),
            via,
            reachable: Err("not polled yet".into()),
            ready: None,
            db: KongDb::Unknown,
            version: None,
            upstreams: Vec::new(),
            routes: Vec::new(),
            polled: None,
            ip: None,
            hostname: None,
            url_tls: UrlTls::Plain,
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self.ready, Some(Ok(())))
    }

    /// Reachable, ready, its DB reachable (or it has a configuration), and every balancer has a peer.
    pub fn healthy(&self) -> bool {
        self.reachable.is_ok()
            && self.is_ready()
            && match &self.db {
                KongDb::Reachable(r) => *r,
                KongDb::Hash(h) => h != EMPTY_CONFIG_HASH,
                KongDb::Unknown => false,
            }
            && !self.upstreams.iter().any(KongUpstream::broken)
    }
}

/// `GET /status` → `(db, version?)`.
pub fn parse_status(v: &Value) -> KongDb {
    // DB-less nodes report `database.reachable: true` beside their hash; the
    // hash is what tells their state.
    if let Some(h) = v.get("configuration_hash").and_then(Value::as_str) {
        KongDb::Hash(sanitize(h))
    } else if let Some(r) = v.pointer("/database/reachable").and_then(Value::as_bool) {
        KongDb::Reachable(r)
    } else {
        KongDb::Unknown
    }
}

/// `GET /` → the Kong version.
pub fn parse_version(v: &Value) -> Option<String> {
    v.get("version").and_then(Value::as_str).map(sanitize)
}

/// `GET /` → the hostname the node reports.
pub fn parse_hostname(v: &Value) -> Option<String> {
    v.get("hostname").and_then(Value::as_str).map(sanitize)
}

/// The IPv4 address an AWS private DNS hostname spells
/// (`ip-10-0-1-23.eu-west-1.compute.internal` → `10.0.1.23`).
pub fn ip_of_hostname(h: &str) -> Option<String> {
    let label = h.split('.').next()?.strip_prefix("ip-")?;
    let parts: Vec<&str> = label.split('-').collect();
    let valid = parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok());
    valid.then(|| parts.join("."))
}

/// A collection page: the items and the `next` path, if any.
pub fn parse_page(v: &Value) -> (Vec<Value>, Option<String>) {
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let next = v
        .get("next")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    (data, next)
}

/// An upstream entity → its name.
pub fn upstream_name(v: &Value) -> Option<String> {
    v.get("name").and_then(Value::as_str).map(sanitize)
}

/// An entry of `/upstreams/{u}/health` → a target with its health on this node.
pub fn parse_target_health(v: &Value) -> Option<KongTarget> {
    Some(KongTarget {
        target: sanitize(v.get("target")?.as_str()?),
        weight: v.get("weight").and_then(Value::as_i64).unwrap_or(100),
        health: sanitize(v.get("health").and_then(Value::as_str).unwrap_or("UNKNOWN")),
    })
}

/// `/upstreams/{u}/health?balancer_health=1` → `HEALTHY` / `UNHEALTHY`.
pub fn parse_balancer_health(v: &Value) -> Option<String> {
    v.pointer("/data/balancer_health")
        .or_else(|| v.pointer("/data/health"))
        .and_then(Value::as_str)
        .map(sanitize)
}

/// The configuration hashes of a gateway's nodes disagree (DB-less drift).
pub fn hash_drift<'a>(nodes: impl Iterator<Item = &'a KongNode>) -> bool {
    let mut hashes = nodes.filter_map(|n| match &n.db {
        KongDb::Hash(h) if n.reachable.is_ok() => Some(h.as_str()),
        _ => None,
    });
    let Some(first) = hashes.next() else {
        return false;
    };
    hashes.any(|h| h != first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes_join_their_service_host() {
        let services = vec![("s1".to_string(), "checkout.shop.80.svc".to_string())];
        let r = parse_route(
            &json!({"id": "r1", "name": "checkout", "methods": ["GET"],
                    "hosts": ["shop.example.com"], "paths": ["/checkout"],
                    "service": {"id": "s1"}}),
            &services,
        )
        .expect("route");
        assert_eq!(r.upstream.as_deref(), Some("checkout.shop.80.svc"));
        assert_eq!(r.label(), "GET shop.example.com/checkout");
        let any = parse_route(
            &json!({"id": "r2", "methods": null, "hosts": null, "paths": ["/echo"],
                    "service": {"id": "other"}}),
            &services,
        )
        .expect("route");
        assert_eq!(any.name, "r2");
        assert_eq!(any.upstream, None);
        assert_eq!(any.label(), "/echo (any host)");
        // A route without a service sends nowhere Kong can tell us.
        assert!(parse_route(&json!({"id": "r3", "paths": ["/"]}), &services).is_none());
    }

    #[test]
    fn parses_status_modes() {
        assert_eq!(
            parse_status(&json!({"database": {"reachable": true}, "server": {}})),
            KongDb::Reachable(true)
        );
        assert_eq!(
            parse_status(&json!({"configuration_hash": "abc", "server": {}})),
            KongDb::Hash("abc".into())
        );
        assert_eq!(
            parse_status(&json!({"database": {"reachable": true}, "configuration_hash": "abc"})),
            KongDb::Hash("abc".into())
        );
        assert_eq!(parse_status(&json!("garbage")), KongDb::Unknown);
    }

    #[test]
    fn parses_health_pages_and_balancer() {
        let page = json!({
            "data": [
                {"target": "10.0.1.23:8080", "weight": 100, "health": "HEALTHY", "data": {}},
                {"target": "10.0.1.24:8080", "weight": 100, "health": "UNHEALTHY"}
            ],
            "next": "/upstreams/u/health?offset=abc",
            "node_id": "n1"
        });
        let (items, next) = parse_page(&page);
        let targets: Vec<_> = items.iter().filter_map(parse_target_health).collect();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[1].health, "UNHEALTHY");
        assert_eq!(next.as_deref(), Some("/upstreams/u/health?offset=abc"));
        let (_, none) = parse_page(&json!({"data": [], "next": null}));
        assert_eq!(none, None);
        assert_eq!(
            parse_balancer_health(
                &json!({"data": {"health": "HEALTHY", "balancer_health": "UNHEALTHY"}})
            ),
            Some("UNHEALTHY".into())
        );
    }

    #[test]
    fn empty_upstream_is_broken_and_drift_is_flagged() {
        let up = KongUpstream {
            name: "u".into(),
            balancer: Some("HEALTHY".into()),
            targets: vec![],
        };
        assert!(up.broken());
        let mut a = KongNode::new("g", "a", KongVia::Url("http://a".into()));
        a.reachable = Ok(());
        a.db = KongDb::Hash("1".repeat(32));
        let mut b = a.clone();
        b.name = "b".into();
        assert!(!hash_drift([&a, &b].into_iter()));
        b.db = KongDb::Hash("2".repeat(32));
        assert!(hash_drift([&a, &b].into_iter()));
    }
}
