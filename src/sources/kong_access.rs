//! How a Kong pod's admin API is reached, read from the pod itself: which
//! pods are Kong (the official chart's labels, the proxy container's image and
//! env), where `KONG_ADMIN_LISTEN` binds, and the port-forwarded connection
//! (with TLS when the listener says `ssl`) for localhost-only listeners; and
//! the HTTP client of admin URLs with the gateway's TLS settings.

use std::sync::Arc;

use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::{Container, Pod};
use kube::Api;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::config::fleet::GatewayConfig;
use crate::model::kong::{PodAccess, UrlTls};
use crate::model::status::SourceError;

/// Why a request to a node's admin API failed.
#[derive(Debug, Clone)]
pub enum AdminError {
    /// The cluster refused our credentials on the way to the pod (the API
    /// server's 401, or a token refresh that failed): the cluster's fault,
    /// not the node's.
    Cluster(SourceError),
    /// The node, or the path to it.
    Node(String),
}

impl std::fmt::Display for AdminError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdminError::Cluster(e) => write!(f, "{}: {}", e.short(), e.message()),
            AdminError::Node(m) => f.write_str(m),
        }
    }
}

impl From<String> for AdminError {
    fn from(m: String) -> Self {
        AdminError::Node(m)
    }
}

impl AdminError {
    /// A kube call on the way to the pod: unauthorized is the cluster's.
    pub fn from_kube(context: &str, e: &kube::Error) -> Self {
        match super::errors::from_kube(e) {
            u @ SourceError::Unauthorized(_) => AdminError::Cluster(u),
            _ => AdminError::Node(format!("{context}{}", crate::errors::root_cause(e))),
        }
    }

    /// A 401 answered by the API server itself (a `Status` object), not by
    /// Kong behind its proxy (Kong's RBAC answers `{"message": …}`).
    pub fn from_proxy_reply(status: u16, body: &[u8]) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        (status == 401 && v.get("kind").and_then(|k| k.as_str()) == Some("Status")).then(|| {
            let message = v.get("message").and_then(|m| m.as_str()).unwrap_or("");
            AdminError::Cluster(super::errors::from_status(401, message))
        })
    }
}

/// The label the official chart (and KIC's) put on Kong pods.
pub const DISCOVERY_SELECTOR: &str = "app.kubernetes.io/name=kong";
/// Kong's own default when the env does not set it (kong.conf.default).
const KONG_DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:8001, 127.0.0.1:8444 http2 ssl";

/// One `address:port [flags]` entry of a listen setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub address: String,
    pub port: u16,
    pub ssl: bool,
}

impl Listener {
    fn loopback(&self) -> bool {
        matches!(
            self.address.as_str(),
            "127.0.0.1" | "localhost" | "[::1]" | "::1"
        )
    }
}

/// Parses `KONG_ADMIN_LISTEN`; `off` and malformed entries yield nothing.
pub fn parse_listen(setting: &str) -> Vec<Listener> {
    setting
        .split(',')
        .filter_map(|entry| {
            let mut words = entry.split_whitespace();
            let (address, port) = words.next()?.rsplit_once(':')?;
            Some(Listener {
                address: address.to_owned(),
                port: port.parse().ok()?,
                ssl: words.any(|w| w == "ssl"),
            })
        })
        .collect()
}

fn env<'a>(c: &'a Container, name: &str) -> Option<&'a str> {
    c.env
        .as_ref()?
        .iter()
        .find(|e| e.name == name)?
        .value
        .as_deref()
}

/// Kong's own container: named `proxy` (the chart), or running a Kong image,
/// or configured by `KONG_*` listener env — never the ingress controller.
fn kong_container(pod: &Pod) -> Option<&Container> {
    let containers = &pod.spec.as_ref()?.containers;
    let is_kong_image =
        |c: &Container| crate::model::kong::is_kong_image(c.image.as_deref().unwrap_or(""));
    containers
        .iter()
        .find(|c| env(c, "KONG_ADMIN_LISTEN").is_some())
        .or_else(|| containers.iter().find(|c| is_kong_image(c)))
        .or_else(|| {
            containers.iter().find(|c| {
                c.name == "proxy" && !c.image.as_deref().unwrap_or("").contains("controller")
            })
        })
}

/// Whether a pod runs Kong itself (not only its ingress controller).
pub fn is_kong(pod: &Pod) -> bool {
    kong_container(pod).is_some()
}

/// How to reach this pod's admin API: a configured port through the pod
/// proxy, else the listener its env declares (the pod proxy where it binds
/// beyond localhost, a port-forward where it binds localhost only).
pub fn access_for(pod: &Pod, configured_port: Option<u16>) -> Option<PodAccess> {
    if let Some(port) = configured_port {
        return Some(PodAccess::Proxy { port, tls: false });
    }
    let setting = kong_container(pod)
        .and_then(|c| env(c, "KONG_ADMIN_LISTEN"))
        .unwrap_or(KONG_DEFAULT_ADMIN_LISTEN);
    let listeners = parse_listen(setting);
    let outside = listeners
        .iter()
        .find(|l| !l.loopback() && !l.ssl)
        .or_else(|| listeners.iter().find(|l| !l.loopback()));
    if let Some(l) = outside {
        return Some(PodAccess::Proxy {
            port: l.port,
            tls: l.ssl,
        });
    }
    let inside = listeners
        .iter()
        .find(|l| !l.ssl)
        .or_else(|| listeners.first())?;
    Some(PodAccess::PortForward {
        port: inside.port,
        tls: inside.ssl,
    })
}

/// The gateway a discovered pod belongs to: its chart release (instance label).
pub fn release_of(pod: &Pod) -> String {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("app.kubernetes.io/instance"))
        .cloned()
        .or_else(|| pod.metadata.namespace.clone())
        .unwrap_or_else(|| "kong".into())
}

/// Opens a port-forward to `port` of `pod` and an HTTP/1.1 connection over
/// it (TLS when `tls`, accepting the admin's self-signed certificate: the
/// peer is the pod's own localhost, reached through the authenticated API server).
pub async fn connect(
    api: &Api<Pod>,
    pod: &str,
    port: u16,
    tls: bool,
) -> Result<SendRequest<String>, AdminError> {
    let mut pf = api
        .portforward(pod, &[port])
        .await
        .map_err(|e| AdminError::from_kube("port-forward: ", &e))?;
    let stream = pf
        .take_stream(port)
        .ok_or_else(|| AdminError::Node("port-forward: no stream for the port".to_owned()))?;
    let errors = pf.take_error(port);
    tokio::spawn(async move {
        let _ = pf.join().await;
    });
    let result = if tls {
        let name = ServerName::try_from("localhost").map_err(|e| format!("TLS: {e}"))?;
        match tls_connector()?.connect(name, stream).await {
            Ok(s) => handshake(TokioIo::new(s)).await,
            Err(e) => Err(format!("TLS: {e}")),
        }
    } else {
        handshake(TokioIo::new(stream)).await
    };
    match (result, errors) {
        (Ok(s), _) => Ok(s),
        // The kubelet's own reason (e.g. connection refused) beats our symptom.
        (Err(e), Some(errors)) => {
            match tokio::time::timeout(std::time::Duration::from_secs(1), errors).await {
                Ok(Some(reason)) => Err(AdminError::Node(crate::model::text::sanitize(&reason))),
                _ => Err(AdminError::Node(e)),
            }
        }
        (Err(e), None) => Err(AdminError::Node(e)),
    }
}

async fn handshake<T>(io: T) -> Result<SendRequest<String>, String>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| crate::errors::root_cause(&e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// The client of a gateway's admin URLs: the system's roots plus its
/// `ca_file`, or no verification at all with `insecure = true`.
pub fn url_client(
    gw: &GatewayConfig,
    timeout: std::time::Duration,
) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder().timeout(timeout);
    if let Some(path) = &gw.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| format!("ca_file {}: cannot read: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            format!(
                "ca_file {}: {}",
                path.display(),
                crate::errors::root_cause(&e)
            )
        })?;
        if certs.is_empty() {
            return Err(format!(
                "ca_file {}: no PEM certificate in it",
                path.display()
            ));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if gw.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| crate::errors::root_cause(&e))
}

/// A request to an https admin URL that failed on the certificate, said as
/// such with what to set in the config; `None` for any other failure.
pub fn tls_failure(e: &reqwest::Error, tls: &UrlTls) -> Option<String> {
    let found = rustls_error(e)?;
    let refused = matches!(
        found,
        rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
    );
    let hint = match tls {
        _ if !refused => String::new(),
        UrlTls::Verified { ca_file: Some(f) } => {
            format!("the certificate does not chain to ca_file {f}")
        }
        UrlTls::Verified { ca_file: None } => {
            "set ca_file (or insecure = true) on this gateway".to_owned()
        }
        UrlTls::Unverified | UrlTls::Plain => String::new(),
    };
    let what = match found {
        rustls::Error::InvalidCertificate(c) => {
            // The variant's name; its fields are DER object ids nobody reads.
            let name = format!("{c:?}");
            let short = name
                .split(|ch: char| !ch.is_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_owned();
            format!("invalid peer certificate ({short})")
        }
        other => other.to_string(),
    };
    Some(if hint.is_empty() {
        format!("TLS: {what}")
    } else {
        format!("TLS: {what}: {hint}")
    })
}

/// The rustls error in a chain. An io::Error hides its inner error from
/// `source()` (and hyper nests one in another): look inside each one too.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(r) = e.downcast_ref::<rustls::Error>() {
        return Some(r);
    }
    if let Some(inner) = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        && let Some(r) = rustls_error(inner)
    {
        return Some(r);
    }
    e.source().and_then(rustls_error)
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LocalhostAdmin(provider)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Accepts any certificate (Kong's generated self-signed one) but still checks
/// the handshake signatures; used only on a port-forwarded localhost listener.
#[derive(Debug)]
struct LocalhostAdmin(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for LocalhostAdmin {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(env_value: Option<&str>, image: &str) -> Pod {
        let env = env_value.map(|v| serde_json::json!([{"name": "KONG_ADMIN_LISTEN", "value": v}]));
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "kong-0", "namespace": "kong", "labels": {"app.kubernetes.io/instance": "edge"}},
            "spec": {"containers": [
                {"name": "ingress-controller", "image": "kong/kubernetes-ingress-controller:3.4.1"},
                {"name": "proxy", "image": image, "env": env},
            ]},
        }))
        .expect("pod")
    }

    #[test]
    fn the_listener_decides_proxy_or_port_forward_and_tls() {
        let chart = pod(Some("127.0.0.1:8444 http2 ssl"), "kong:3.9.1");
        assert!(is_kong(&chart));
        assert_eq!(release_of(&chart), "edge");
        assert_eq!(
            access_for(&chart, None),
            Some(PodAccess::PortForward {
                port: 8444,
                tls: true
            })
        );
        assert_eq!(
            access_for(&chart, Some(8001)),
            Some(PodAccess::Proxy {
                port: 8001,
                tls: false
            })
        );
        let exposed = pod(Some("0.0.0.0:8001, 127.0.0.1:8444 ssl"), "kong:3.9.1");
        assert_eq!(
            access_for(&exposed, None),
            Some(PodAccess::Proxy {
                port: 8001,
                tls: false
            })
        );
        // No env: Kong's own default, localhost plain 8001 first.
        let bare = pod(None, "kong/kong-gateway:3.9");
        assert_eq!(
            access_for(&bare, None),
            Some(PodAccess::PortForward {
                port: 8001,
                tls: false
            })
        );
        let controller_only: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "kic-0"},
            "spec": {"containers": [{"name": "ingress-controller", "image": "kong/kubernetes-ingress-controller:3.4.1"}]},
        }))
        .expect("pod");
        assert!(!is_kong(&controller_only));
        assert!(parse_listen("off").is_empty());
    }

    /// A Kong admin API over https with a fresh self-signed certificate: (URL, its PEM).
    async fn https_admin() -> (String, String) {
        use fleetdeck_sim::kong::{DbMode, KongNode, admin_router};
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let node = KongNode::new("n1", "kong-1", DbMode::Postgres { reachable: true }).shared();
        let (config, pem) = fleetdeck_sim::kong::admin_tls::url_listener().expect("certificate");
        let url = fleetdeck_sim::server::serve_https(admin_router(node), config)
            .await
            .expect("serves");
        (url, pem)
    }

    async fn status(gw: &GatewayConfig, url: &str) -> Result<u16, String> {
        let client = url_client(gw, std::time::Duration::from_secs(5))?;
        let tls = UrlTls::for_url(
            url,
            gw.ca_file.as_ref().and_then(|p| p.to_str()),
            gw.insecure,
        );
        match client.get(format!("{url}/status")).send().await {
            Ok(r) => Ok(r.status().as_u16()),
            Err(e) => Err(tls_failure(&e, &tls).unwrap_or_else(|| format!("not TLS: {e:?}"))),
        }
    }

    #[tokio::test]
    async fn ca_file_trusts_insecure_accepts_and_neither_says_tls() {
        let (url, pem) = https_admin().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("kong-admin.pem");
        std::fs::write(&ca, &pem).expect("write");
        let plain = GatewayConfig {
            name: "ecs".into(),
            admin_urls: vec![url.clone()],
            ..GatewayConfig::default()
        };
        let err = status(&plain, &url).await.expect_err("untrusted");
        assert!(err.starts_with("TLS: invalid peer certificate"), "{err}");
        assert!(err.contains("set ca_file"), "{err}");
        let trusted = GatewayConfig {
            ca_file: Some(ca.clone()),
            ..plain.clone()
        };
        assert_eq!(status(&trusted, &url).await, Ok(200));
        let insecure = GatewayConfig {
            insecure: true,
            ..plain.clone()
        };
        assert_eq!(status(&insecure, &url).await, Ok(200));
        // Another server's certificate in ca_file: refused, and said which file.
        let (other, _) = https_admin().await;
        let err = status(&trusted, &other).await.expect_err("wrong CA");
        assert!(err.contains("does not chain to ca_file"), "{err}");
        let missing = GatewayConfig {
            ca_file: Some(dir.path().join("nope.pem")),
            ..plain
        };
        let err = status(&missing, &url).await.expect_err("unreadable");
        assert!(err.contains("nope.pem: cannot read"), "{err}");
    }

    #[test]
    fn only_the_api_servers_own_401_is_the_clusters() {
        let api = br#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#;
        assert!(matches!(
            AdminError::from_proxy_reply(401, api),
            Some(AdminError::Cluster(SourceError::Unauthorized(_)))
        ));
        // Kong's RBAC behind the proxy: the node's answer, not the cluster's.
        let kong = br#"{"message":"Invalid credentials. Token or User credentials required"}"#;
        assert!(AdminError::from_proxy_reply(401, kong).is_none());
        assert!(AdminError::from_proxy_reply(403, api).is_none());
    }
}
