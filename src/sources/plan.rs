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
    /// No gateway configured: find Kong in every watched cluster.
    pub discover_kong: bool,
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
        let kubeconfig = kubeconfig.map(never_interactive);
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
            discover_kong: cfg.gateways.is_empty(),
            aws: aws.filter(|a| !a.regions.is_empty()),
        })
    }
}

/// Exec credential plugins run non-interactive: stdin piped, stderr captured
/// (kube inherits both otherwise, and the plugin would write over the TUI).
fn never_interactive(mut k: Kubeconfig) -> Kubeconfig {
    for named in &mut k.auth_infos {
        if let Some(exec) = named.auth_info.as_mut().and_then(|a| a.exec.as_mut()) {
            exec.interactive_mode = Some(kube::config::ExecInteractiveMode::Never);
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kubeconfig with contexts `a`, `b`, `c`, current `b`, in a temp dir.
    fn kubeconfig() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        let ctx = |n: &str| format!("- name: {n}\n  context: {{cluster: {n}, user: {n}}}\n");
        let cluster =
            |n: &str| format!("- name: {n}\n  cluster: {{server: 'https://{n}.example:443'}}\n");
        let user = |n: &str| format!("- name: {n}\n  user: {{token: t-{n}}}\n");
        let names = ["a", "b", "c"];
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: b\ncontexts:\n{}clusters:\n{}users:\n{}",
            names.map(ctx).concat(),
            names.map(cluster).concat(),
            names.map(user).concat(),
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        (dir, path)
    }

    fn args(path: &std::path::Path) -> ConnectionArgs {
        ConnectionArgs {
            kubeconfig: Some(path.to_owned()),
            ..ConnectionArgs::default()
        }
    }

    fn contexts(args: &ConnectionArgs, cfg: &FleetConfig) -> Vec<String> {
        Plan::resolve(args, cfg).expect("resolves").contexts
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn contexts_come_from_flags_then_config_then_the_current_context() {
        let (_dir, path) = kubeconfig();
        let none = FleetConfig::default();
        assert_eq!(contexts(&args(&path), &none), ["b"]);
        let cfg = FleetConfig {
            contexts: strings(&["c"]),
            ..FleetConfig::default()
        };
        assert_eq!(contexts(&args(&path), &cfg), ["c"]);
        let flags = ConnectionArgs {
            contexts: strings(&["a", "c"]),
            ..args(&path)
        };
        assert_eq!(contexts(&flags, &cfg), ["a", "c"]);
        let all = ConnectionArgs {
            all_contexts: true,
            ..args(&path)
        };
        assert_eq!(contexts(&all, &cfg), ["a", "b", "c"]);
        let all_cfg = FleetConfig {
            all_contexts: true,
            ..FleetConfig::default()
        };
        assert_eq!(contexts(&args(&path), &all_cfg), ["a", "b", "c"]);
        // The kubeconfig path may come from the config file too.
        let from_cfg = FleetConfig {
            kubeconfig: Some(path.clone()),
            ..FleetConfig::default()
        };
        assert_eq!(contexts(&ConnectionArgs::default(), &from_cfg), ["b"]);
    }

    #[test]
    fn an_unknown_context_is_one_clear_error() {
        let (_dir, path) = kubeconfig();
        let flags = ConnectionArgs {
            contexts: strings(&["a", "prod"]),
            ..args(&path)
        };
        let err = Plan::resolve(&flags, &FleetConfig::default()).expect_err("prod is unknown");
        assert_eq!(
            err.to_string(),
            "context \"prod\" is not in the kubeconfig (known: a, b, c)"
        );
        let cfg = FleetConfig {
            contexts: strings(&["staging"]),
            ..FleetConfig::default()
        };
        let err = Plan::resolve(&args(&path), &cfg).expect_err("staging is unknown");
        assert!(matches!(err, PlanError::UnknownContext(c, _) if c == "staging"));
    }

    #[test]
    fn an_unreadable_kubeconfig_names_its_path_on_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, "contexts: [\n  {name: \n").expect("write");
        let err = Plan::resolve(&args(&path), &FleetConfig::default()).expect_err("bad yaml");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("kubeconfig {}: ", path.display())),
            "{msg}"
        );
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn namespace_regions_profile_and_gateways() {
        let (_dir, path) = kubeconfig();
        let gateway = GatewayConfig {
            name: "edge".into(),
            context: Some("a".into()),
            namespace: Some("kong".into()),
            selector: Some("app=kong".into()),
            admin_port: None,
            admin_urls: Vec::new(),
            ecs_service: None,
            admin_token: None,
        };
        let cfg = FleetConfig {
            aws: Some(AwsConfig {
                regions: strings(&["eu-west-1"]),
                profile: Some("ops".into()),
                ..AwsConfig::default()
            }),
            gateways: vec![gateway.clone()],
            ..FleetConfig::default()
        };
        let plan = Plan::resolve(&args(&path), &cfg).expect("resolves");
        assert_eq!(plan.namespace, None);
        assert_eq!(plan.gateways, [gateway]);
        let aws = plan.aws.expect("regions from the config");
        assert_eq!(
            (aws.regions, aws.profile),
            (strings(&["eu-west-1"]), Some("ops".into()))
        );

        let flags = ConnectionArgs {
            namespace: Some("shop".into()),
            regions: strings(&["us-east-1", "us-west-2"]),
            profile: Some("oncall".into()),
            ..args(&path)
        };
        let plan = Plan::resolve(&flags, &cfg).expect("resolves");
        assert_eq!(plan.namespace.as_deref(), Some("shop"));
        let aws = plan.aws.expect("regions from the flags");
        assert_eq!(aws.regions, ["us-east-1", "us-west-2"]);
        assert_eq!(aws.profile.as_deref(), Some("oncall"));

        // A profile without any region polls nothing.
        let profile_only = ConnectionArgs {
            profile: Some("oncall".into()),
            ..args(&path)
        };
        let plan = Plan::resolve(&profile_only, &FleetConfig::default()).expect("resolves");
        assert!(plan.aws.is_none() && plan.gateways.is_empty());
    }
}
