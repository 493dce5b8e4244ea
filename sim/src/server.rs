//! Listeners: each cluster's API server on its own HTTPS port (unreachable
//! clusters get a listener that accepts and never answers; a `blackhole`
//! fault one that never completes a handshake), its connections subject to
//! partition and outage faults; plain HTTP for the AWS endpoint and each
//! ECS-hosted Kong node, and HTTPS for the same nodes' TLS admin listeners.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;

use super::cluster::Cluster;
use super::link::LinkAcceptor;
use super::tls::{TlsError, server_tls};

/// A cluster's API server, listening.
pub struct ServedCluster {
    pub url: String,
    pub ca_pem: String,
    pub handle: axum_server::Handle<SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(#[from] std::io::Error),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("{0}")]
    AdminCert(String),
}

pub async fn serve_cluster(cluster: Arc<Cluster>) -> Result<ServedCluster, ServeError> {
    let tls = server_tls(&cluster.name)?;
    if cluster.faults.blackholed() {
        let url = blackhole().await?;
        return Ok(ServedCluster {
            url,
            ca_pem: tls.ca_pem,
            handle: axum_server::Handle::new(),
        });
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("https://127.0.0.1:{}", listener.local_addr()?.port());
    let handle = axum_server::Handle::new();
    if cluster.reachable {
        let config = axum_server::tls_rustls::RustlsConfig::from_config(tls.config);
        // A partitioned handshake must stall, not be cut by the server's own timeout.
        let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config)
            .handshake_timeout(Duration::from_secs(24 * 3600))
            .acceptor(LinkAcceptor {
                cluster: cluster.clone(),
            });
        let server = axum_server::from_tcp(listener)?
            .acceptor(acceptor)
            .handle(handle.clone());
        let app = super::api::router(cluster);
        tokio::spawn(async move {
            if let Err(e) = server.serve(app.into_make_service()).await {
                tracing::error!("api server stopped: {e}");
            }
        });
    } else {
        // The endpoint accepts connections and never answers, like a control
        // plane behind a dead route: clients time out, nothing errors fast.
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                held.push(sock);
            }
        });
    }
    Ok(ServedCluster {
        url,
        ca_pem: tls.ca_pem,
        handle,
    })
}

/// A port whose accept queue is full and never drained: further SYNs are
/// dropped, so a client's connect hangs until its own timeout (loopback only).
async fn blackhole() -> Result<String, ServeError> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let listener = socket.listen(0)?;
    let addr = listener.local_addr()?;
    let mut fillers = Vec::new();
    // Connect until one hangs: that one's SYN was dropped, the queue is full.
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => fillers.push(s),
            _ => break,
        }
    }
    tokio::spawn(async move {
        let _held = (listener, fillers);
        std::future::pending::<()>().await
    });
    Ok(format!("https://127.0.0.1:{}", addr.port()))
}

/// Serves a plain-HTTP router on a fresh port; returns its base URL.
pub async fn serve_http(router: axum::Router) -> Result<String, ServeError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    // TCP_NODELAY, as nginx (Kong) and AWS's endpoints answer.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY: {e}");
        }
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!("http server stopped: {e}");
        }
    });
    Ok(url)
}

/// Serves a router over TLS with `config` on a fresh port; returns its base URL.
pub async fn serve_https(
    router: axum::Router,
    config: Arc<rustls::ServerConfig>,
) -> Result<String, ServeError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("https://127.0.0.1:{}", listener.local_addr()?.port());
    let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
    let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config)
        .acceptor(axum_server::accept::NoDelayAcceptor::new());
    let server = axum_server::from_tcp(listener)?.acceptor(acceptor);
    tokio::spawn(async move {
        if let Err(e) = server.serve(router.into_make_service()).await {
            tracing::error!("https server stopped: {e}");
        }
    });
    Ok(url)
}
