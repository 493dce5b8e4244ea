//! The pod port-forward subresource over WebSocket, as the kubelet serves it
//! (`v4.channel.k8s.io`): per requested port a data channel (2i) and an error
//! channel (2i+1), every frame prefixed by its channel byte, the first frame
//! on each carrying the port as 2 bytes little-endian. Connections are made
//! inside the pod's network namespace, so loopback listeners answer here
//! (unlike the pod proxy), and TLS listeners speak TLS end to end.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::ApiError;
use crate::cluster::Cluster;
use crate::kong::{admin_tls, listen};
use crate::resources::rid_of;

/// The one subprotocol spoken (binary channels, as the kubelet's v4).
const PROTOCOL: &str = "v4.channel.k8s.io";
const BUFFER: usize = 64 * 1024;

pub async fn handle(
    State(cluster): State<Arc<Cluster>>,
    Path((ns, name)): Path<(String, String)>,
    req: Request,
) -> Response {
    if let Err(e) = super::authenticate(&cluster, req.headers()) {
        return e.into_response();
    }
    let headers = req.headers();
    let offered = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(str::trim))
        .any(|p| p == PROTOCOL);
    let key = headers.get(header::SEC_WEBSOCKET_KEY).cloned();
    let upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let (Some(key), true) = (key, upgrade) else {
        return ApiError::bad_request(
            "Upgrade request required: this simulated API server forwards ports over WebSocket only",
        )
        .into_response();
    };
    if !offered {
        return ApiError::bad_request(format!(
            "port-forward: no supported subprotocol offered (this server speaks {PROTOCOL})"
        ))
        .into_response();
    }
    let ports: Vec<u16> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| kv.strip_prefix("ports="))
        .flat_map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    if ports.is_empty() {
        return ApiError::bad_request("at least one port must be specified").into_response();
    }
    let pod = cluster
        .store()
        .get_raw(rid_of::<k8s_openapi::api::core::v1::Pod>(), &ns, &name)
        .map(|p| p.value().clone());
    let Some(pod) = pod else {
        return ApiError::not_found("pods", &name).into_response();
    };
    if pod.pointer("/status/phase").and_then(|v| v.as_str()) != Some("Running") {
        return ApiError::bad_request(format!(
            "pod {name} does not have a host assigned or is not running"
        ))
        .into_response();
    }
    let Some(on_upgrade) = req
        .into_parts()
        .0
        .extensions
        .remove::<hyper::upgrade::OnUpgrade>()
    else {
        return ApiError::bad_request("connection cannot be upgraded").into_response();
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let listeners = listen::pod_listeners(&pod);
    let router = cluster.kong_pod(&ns, &name);
    let ip = pod
        .pointer("/status/podIP")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_owned();
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        let targets = ports
            .iter()
            .map(|p| {
                let listener = listeners.iter().find(|l| l.port == *p).cloned();
                match (listener, &router) {
                    (Some(l), Some(r)) => Ok((l.ssl, r.clone())),
                    _ => Err(format!(
                        "error forwarding port {p} to pod {name}: failed to connect to localhost:{p} inside namespace of {ip}: connection refused"
                    )),
                }
            })
            .collect();
        session(ws, &ports, targets).await;
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .header(header::SEC_WEBSOCKET_PROTOCOL, PROTOCOL)
        .body(Body::empty())
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// What one requested port reaches: (TLS?, the node's admin router) or why not.
type PortTarget = Result<(bool, axum::Router), String>;

/// Serves Kong's admin API on one end of an in-memory pipe (TLS when the listener says so).
fn serve(end: DuplexStream, ssl: bool, router: axum::Router) {
    tokio::spawn(async move {
        let service = hyper_util::service::TowerToHyperService::new(router);
        let http = hyper::server::conn::http1::Builder::new();
        if ssl {
            let Some(acceptor) = admin_tls::acceptor() else {
                return;
            };
            if let Ok(tls) = acceptor.accept(end).await {
                let _ = http.serve_connection(TokioIo::new(tls), service).await;
            }
        } else {
            let _ = http.serve_connection(TokioIo::new(end), service).await;
        }
    });
}

async fn session<S>(ws: WebSocketStream<S>, ports: &[u16], targets: Vec<PortTarget>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(64);
    // Every channel's first frame names its port.
    for (i, port) in ports.iter().enumerate() {
        let [lo, hi] = port.to_le_bytes();
        for ch in [2 * i as u8, 2 * i as u8 + 1] {
            if sink
                .send(Message::Binary(vec![ch, lo, hi].into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
    let mut writers: Vec<Option<tokio::io::WriteHalf<DuplexStream>>> = Vec::new();
    let mut open = 0usize;
    for (i, target) in targets.into_iter().enumerate() {
        let data_ch = 2 * i as u8;
        match target {
            Ok((ssl, router)) => {
                let (ours, theirs) = tokio::io::duplex(BUFFER);
                serve(theirs, ssl, router);
                let (mut read, write) = tokio::io::split(ours);
                writers.push(Some(write));
                open += 1;
                let tx = out_tx.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; BUFFER];
                    loop {
                        match read.read(&mut buf[1..]).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                buf[0] = data_ch;
                                if tx
                                    .send(Message::Binary(buf[..=n].to_vec().into()))
                                    .await
                                    .is_err()
                                {
                                    break;
                                }
                            }
                        }
                    }
                    // Data ended: an empty message tells the pump this port is done.
                    let _ = tx.send(Message::Binary(vec![data_ch].into())).await;
                });
            }
            Err(message) => {
                writers.push(None);
                let mut frame = vec![data_ch + 1];
                frame.extend_from_slice(message.as_bytes());
                let _ = out_tx.send(Message::Binary(frame.into())).await;
            }
        }
    }
    drop(out_tx);
    if open == 0 {
        // Only errors to say: say them, then close.
        while let Some(m) = out_rx.recv().await {
            let _ = sink.send(m).await;
        }
        let _ = sink.close().await;
        return;
    }
    loop {
        tokio::select! {
            out = out_rx.recv() => match out {
                Some(Message::Binary(b)) if b.len() == 1 => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        let _ = sink.close().await;
                        return;
                    }
                }
                Some(m) => {
                    if sink.send(m).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Binary(b))) if !b.is_empty() => {
                    let ch = b[0] as usize;
                    if ch.is_multiple_of(2)
                        && let Some(Some(w)) = writers.get_mut(ch / 2)
                        && w.write_all(&b[1..]).await.is_err()
                    {
                        writers[ch / 2] = None;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
