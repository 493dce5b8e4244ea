//! End-to-end tests: each binds a node's router on 127.0.0.1:0 and talks to
//! it with reqwest, asserting what a client would see.

mod collections;
mod faults_auth;
mod health;
mod status;
mod writes;

use std::time::Duration;

use serde_json::Value;

use super::{DbMode, KicBackend, KongNode, SharedKongNode, admin_router, kic_config};

/// Serves `router` on an ephemeral port; returns its base URL.
async fn serve_router(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serve");
    });
    format!("http://{addr}")
}

/// Serves `node`'s admin API; returns its base URL.
async fn serve(node: &SharedKongNode) -> String {
    serve_router(admin_router(node.clone())).await
}

fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; install one so the
    // client builds (the tests only speak plain HTTP).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

/// GET `url`, returning status and parsed JSON body.
async fn get_json(url: &str) -> (u16, Value) {
    let res = client().get(url).send().await.expect("request");
    let status = res.status().as_u16();
    let body = res.json::<Value>().await.expect("JSON body");
    (status, body)
}

fn backend(service: &str, endpoints: &[(&str, u16)], healthchecks: bool) -> KicBackend {
    KicBackend {
        namespace: "shop".into(),
        service: service.into(),
        port: 80,
        k8s_uid: super::entity_id("k8s", service),
        paths: vec![format!("/{service}")],
        ready_endpoints: endpoints
            .iter()
            .map(|(ip, p)| (ip.to_string(), *p))
            .collect(),
        healthchecks,
    }
}

/// A DB-less node holding what KIC would push for `backends`.
fn dbless_node(name: &str, backends: &[KicBackend]) -> SharedKongNode {
    let mut node = KongNode::new(&super::entity_id("node", name), name, DbMode::DbLess);
    node.set_config(kic_config(backends));
    node.shared()
}

fn lock(node: &SharedKongNode) -> std::sync::MutexGuard<'_, KongNode> {
    node.lock().expect("node lock")
}
