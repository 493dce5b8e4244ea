//! The kubeconfig a simulated fleet writes: one context per cluster, each
//! with its server URL, its CA (base64 PEM) and a bearer token.

use base64::Engine;
use serde_json::json;

/// One context's connection facts.
pub struct Entry {
    pub context: String,
    pub server: String,
    pub ca_pem: String,
    pub token: String,
}

/// A kubeconfig (JSON is valid YAML, and every client reads it).
pub fn render(entries: &[Entry]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let clusters: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"name": e.context, "cluster": {
                "server": e.server,
                "certificate-authority-data": b64.encode(&e.ca_pem),
            }})
        })
        .collect();
    let users: Vec<_> = entries
        .iter()
        .map(|e| json!({"name": format!("{}-admin", e.context), "user": {"token": e.token}}))
        .collect();
    let contexts: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"name": e.context, "context": {"cluster": e.context, "user": format!("{}-admin", e.context)}})
        })
        .collect();
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": clusters,
        "users": users,
        "contexts": contexts,
        "current-context": entries.first().map(|e| e.context.as_str()).unwrap_or_default(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
