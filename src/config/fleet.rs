//! `fleetdeck.toml`: which kubeconfig/contexts, which AWS endpoint and regions,
//! which Kong gateways. The simulated fleet writes one; users write their own.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The whole config file. Every field is optional so a user sets only what they need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetConfig {
    /// kubeconfig path (relative paths are relative to the config file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubeconfig: Option<PathBuf>,
    /// Contexts to watch; empty means the current context (or all with `all_contexts`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_contexts: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<AwsConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<GatewayConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui: Option<UiConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsConfig {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Override endpoint (e.g. the simulated fleet, moto, LocalStack).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// Static credentials, for test endpoints only; real fleets use the SDK's chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<String>,
}

/// A Kong gateway: either Kong pods reached through the API server's pod proxy,
/// or a list of admin URLs (e.g. Kong on ECS).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    pub name: String,
    /// Kubernetes context whose pods run Kong (pod-proxy gateways).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Label selector of the Kong pods, e.g. `app=kong`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// Admin API port on each pod (default 8001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_port: Option<u16>,
    /// Admin URLs, one per Kong node (ECS-hosted or external Kong).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_urls: Vec<String>,
    /// ECS service running these Kong nodes (ties nodes to tasks), `region/cluster/service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_service: Option<String>,
    /// Kong Enterprise RBAC token (never logged or shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<String>,
    /// PEM file of the CA (or the self-signed certificate itself) that https
    /// admin URLs are verified against, beside the system's roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate on https admin URLs (said in the describe pane).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keymap: Option<String>,
    /// Log pane buffer, in lines (default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_buffer_lines: Option<usize>,
}

/// A config file that could not be used, said in one line for a person.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

impl FleetConfig {
    /// Reads and parses a config file; relative paths inside become relative to it.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut cfg: FleetConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: crate::errors::one_line(&e),
        })?;
        if let Some(dir) = path.parent() {
            let relative = |p: &mut Option<PathBuf>| {
                if let Some(f) = p.as_mut()
                    && f.is_relative()
                {
                    *f = dir.join(&*f);
                }
            };
            relative(&mut cfg.kubeconfig);
            for gw in &mut cfg.gateways {
                relative(&mut gw.ca_file);
            }
        }
        if let Some(gw) = cfg
            .gateways
            .iter()
            .find(|g| g.admin_urls.is_empty() && (g.insecure || g.ca_file.is_some()))
        {
            // Kong pods are reached through the API server, whose TLS the kubeconfig sets.
            return Err(ConfigError::Parse {
                path: path.to_owned(),
                message: format!(
                    "gateway {:?}: ca_file and insecure apply to admin_urls only (Kong pods are reached through the API server)",
                    gw.name
                ),
            });
        }
        if let Some(gw) = cfg
            .gateways
            .iter()
            .find(|g| g.insecure && g.ca_file.is_some())
        {
            return Err(ConfigError::Parse {
                path: path.to_owned(),
                message: format!(
                    "gateway {:?}: ca_file and insecure = true contradict each other; keep one",
                    gw.name
                ),
            });
        }
        Ok(cfg)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_unknown_keys() {
        let cfg = FleetConfig {
            kubeconfig: Some("kubeconfig".into()),
            gateways: vec![GatewayConfig {
                name: "kong".into(),
                context: Some("c1".into()),
                namespace: Some("kong".into()),
                selector: Some("app=kong".into()),
                admin_port: Some(8001),
                admin_urls: vec![],
                ecs_service: None,
                admin_token: None,
                ca_file: Some("kong-admin.pem".into()),
                insecure: false,
            }],
            ..Default::default()
        };
        let text = cfg.to_toml();
        let back: FleetConfig = toml::from_str(&text).expect("parses");
        assert_eq!(back, cfg);
        let err = toml::from_str::<FleetConfig>("kubeconfgi = \"x\"").expect_err("unknown key");
        assert!(err.to_string().contains("kubeconfgi"), "{err}");
    }

    #[test]
    fn ca_file_is_relative_to_the_config_and_excludes_insecure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fleetdeck.toml");
        let gw = "[[gateways]]\nname = \"ecs\"\nadmin_urls = [\"https://10.0.0.1:8444\"]\n";
        std::fs::write(&path, format!("{gw}ca_file = \"ca.pem\"\n")).expect("write");
        let cfg = FleetConfig::load(&path).expect("loads");
        assert_eq!(cfg.gateways[0].ca_file, Some(dir.path().join("ca.pem")));
        assert!(!cfg.gateways[0].insecure);
        std::fs::write(
            &path,
            format!("{gw}ca_file = \"/x.pem\"\ninsecure = true\n"),
        )
        .expect("write");
        let err = FleetConfig::load(&path).expect_err("both");
        assert!(err.to_string().contains("contradict"), "{err}");
    }
}
