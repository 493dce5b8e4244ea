//! What to connect to, resolved from the command line, `fleetdeck.toml`, and
//! the kubeconfig, before any IO task starts.

use kube::config::Kubeconfig;

use crate::cli::ConnectionArgs;
use crate::config::fleet::{AwsConfig, FleetConfig, GatewayConfig};

#[derive(Debug, Clone)]
pub struct Plan {
    pub kubeconfig: Option<Kubeconfig>,
    pub contexts: Vec<String>,
    pub namespace: Option<String>,
    pub gateways: Vec<GatewayConfig>,
    pub aws: Option<AwsConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error("context {0:?} is not in the kubeconfig (known: {1})")]
    UnknownContext(String, String),
}

impl Plan {
    /// Command line first, then the config file, then the environment (KUBECONFIG, ~/.kube/config).
    pub fn resolve(args: &ConnectionArgs, cfg: &FleetConfig) -> Result<Plan, PlanError> {
        let path = args.kubeconfig.clone().or_else(|| cfg.kubeconfig.clone());
        let kubeconfig = match &path {
            Some(p) => Some(Kubeconfig::read_from(p).map_err(|e| PlanError::Kubeconfig {
                path: p.display().to_string(),
                message: crate::errors::one_line(&e),
            })?),
            // No kubeconfig at all is fine: an ECS/AWS-only fleet.
            None => Kubeconfig::read().ok(),
        };
        let known: Vec<String> = kubeconfig
            .as_ref()
            .map(|k| k.contexts.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        let contexts = if !args.contexts.is_empty() {
            args.contexts.clone()
        } else if args.all_contexts || cfg.all_contexts {
            known.clone()
        } else if !cfg.contexts.is_empty() {
            cfg.contexts.clone()
        } else {
            kubeconfig
                .as_ref()
                .and_then(|k| k.current_context.clone())
                .into_iter()
                .collect()
        };
        for c in &contexts {
            if !known.contains(c) {
                return Err(PlanError::UnknownContext(c.clone(), known.join(", ")));
            }
        }
        let mut aws = cfg.aws.clone();
        if !args.regions.is_empty() {
            let a = aws.get_or_insert_with(AwsConfig::default);
            a.regions = args.regions.clone();
        }
        if let Some(p) = &args.profile {
            aws.get_or_insert_with(AwsConfig::default).profile = Some(p.clone());
        }
        Ok(Plan {
            kubeconfig,
            contexts,
            namespace: args.namespace.clone(),
            gateways: cfg.gateways.clone(),
            aws: aws.filter(|a| !a.regions.is_empty()),
        })
    }
}
