//! The kubeconfigs a simulated fleet writes: `kubeconfig`, one context per
//! cluster with its server URL, its CA (base64 PEM) and a bearer token; and
//! `kubeconfig-eks`, as `aws eks update-kubeconfig` writes it: clusters and
//! contexts named by EKS ARN, the token from an exec credential plugin (a
//! script the sim writes that answers like `aws eks get-token`).

use base64::Engine;
use serde_json::json;

/// One context's connection facts.
pub struct Entry {
    pub context: String,
    /// `arn:aws:eks:REGION:ACCOUNT:cluster/NAME`
    pub arn: String,
    pub region: String,
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

/// The exec plugin: `aws-eks-token --region R eks get-token --cluster-name N
/// --output json` prints an ExecCredential for cluster N (exit 1 and a line on
/// stderr for an unknown cluster, as the AWS CLI does). Two files beside it
/// let a test change it mid-session: `aws-eks-token.fail` (its text goes to
/// stderr and the plugin exits 255, as an expired SSO session does) and
/// `aws-eks-token.ttl` (seconds the token is valid; under 60 makes kube-rs
/// run the plugin again before every request).
pub fn token_script(entries: &[Entry]) -> String {
    let mut cases = String::new();
    for e in entries {
        let name = e.arn.rsplit('/').next().unwrap_or_default();
        cases.push_str(&format!("  {name}) token='{}' ;;\n", e.token));
    }
    format!(
        "#!/bin/sh\n# Written by fleetdeck sim: answers like `aws eks get-token`.\nhere=$(dirname \"$0\")\nif [ -f \"$here/aws-eks-token.fail\" ]; then cat \"$here/aws-eks-token.fail\" >&2; exit 255; fi\nexpires=2099-01-01T00:00:00Z\nif [ -f \"$here/aws-eks-token.ttl\" ]; then expires=$(date -u -d \"@$(( $(date +%s) + $(cat \"$here/aws-eks-token.ttl\") ))\" +%Y-%m-%dT%H:%M:%SZ); fi\nname=''\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --cluster-name ]; then name=$2; fi\n  shift\ndone\ncase \"$name\" in\n{cases}  *) echo \"An error occurred (ResourceNotFoundException): No cluster found for name: $name.\" >&2; exit 1 ;;\nesac\nprintf '{{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"spec\":{{}},\"status\":{{\"expirationTimestamp\":\"%s\",\"token\":\"%s\"}}}}\\n' \"$expires\" \"$token\"\n"
    )
}

/// `kubeconfig-eks`: ARN-named clusters, contexts and users, each user an
/// exec plugin (`command` is the token script's absolute path).
pub fn render_eks(entries: &[Entry], command: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let clusters: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({"name": e.arn, "cluster": {
                "server": e.server,
                "certificate-authority-data": b64.encode(&e.ca_pem),
            }})
        })
        .collect();
    let users: Vec<_> = entries
        .iter()
        .map(|e| {
            let name = e.arn.rsplit('/').next().unwrap_or_default();
            json!({"name": e.arn, "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": command,
                "args": ["--region", e.region, "eks", "get-token", "--cluster-name", name, "--output", "json"],
                "interactiveMode": "IfAvailable",
                "provideClusterInfo": false,
            }}})
        })
        .collect();
    let contexts: Vec<_> = entries
        .iter()
        .map(|e| json!({"name": e.arn, "context": {"cluster": e.arn, "user": e.arn}}))
        .collect();
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": clusters,
        "users": users,
        "contexts": contexts,
        "current-context": entries.first().map(|e| e.arn.as_str()).unwrap_or_default(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
