//! The certificate Kong serves on a TLS admin listener when none is
//! configured: self-signed, generated at start (as Kong does), so a client
//! can only accept it by choosing not to verify it — or by trusting that
//! very certificate as its CA file, as a user does for an ECS-hosted admin URL.

use std::sync::{Arc, OnceLock};

use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// One acceptor for every node of this process; `None` only if key generation failed.
pub fn acceptor() -> Option<tokio_rustls::TlsAcceptor> {
    static ACCEPTOR: OnceLock<Option<tokio_rustls::TlsAcceptor>> = OnceLock::new();
    ACCEPTOR
        .get_or_init(|| match self_signed(&["localhost"]) {
            Ok((config, _)) => Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))),
            Err(e) => {
                tracing::warn!("Kong admin TLS certificate: {e}");
                None
            }
        })
        .clone()
}

/// The server config and certificate PEM of an admin URL served over TLS on
/// 127.0.0.1 (Kong on ECS with `admin_ssl_cert` set to its own self-signed one).
pub fn url_listener() -> Result<(Arc<rustls::ServerConfig>, String), String> {
    self_signed(&["localhost", "127.0.0.1"])
        .map(|(config, pem)| (Arc::new(config), pem))
        .map_err(|e| format!("Kong admin TLS certificate: {e}"))
}

fn self_signed(
    names: &[&str],
) -> Result<(rustls::ServerConfig, String), Box<dyn std::error::Error>> {
    let key = KeyPair::generate()?;
    // Kong's generated default certificate names "localhost".
    let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(sans)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.self_signed(&key)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((config, cert.pem()))
}
