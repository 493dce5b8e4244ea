//! The `fleetdeck.toml` the simulated fleet writes beside its kubeconfig.
//! These are the sim's own write-only types: it depends on nothing of the
//! app. The app's `FleetConfig::load` reading this file back is checked by
//! `tests/sim_kubectl.rs` in the app crate.

use serde::Serialize;

#[derive(Debug, Default, Serialize)]
pub struct FleetToml {
    pub kubeconfig: String,
    pub all_contexts: bool,
    pub aws: AwsToml,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<GatewayToml>,
}

#[derive(Debug, Default, Serialize)]
pub struct AwsToml {
    pub regions: Vec<String>,
    pub endpoint_url: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// One gateway: Kong pods behind a selector, or admin URLs of Kong on ECS.
#[derive(Debug, Default, Clone, Serialize)]
pub struct GatewayToml {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_port: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub admin_urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecs_service: Option<String>,
    /// PEM the admin URLs' TLS certificates are checked against (relative to the file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

impl FleetToml {
    pub fn render(&self) -> String {
        // Plain strings, numbers and tables of them always serialize.
        toml::to_string_pretty(self).unwrap_or_default()
    }
}
