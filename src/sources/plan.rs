//! What to connect to, resolved from the command line, `fleetdeck.toml`, and
//! the kubeconfig, before any IO task starts.

use kube::config::Kubeconfig;

use crate::cli::ConnectionArgs;
use crate::config::fleet::{AwsConfig, FleetConfig, GatewayConfig};

/// The process environment, or a test's own: tests never change the real one.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

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
    #[error("the kubeconfig has no current-context: pick one with --context (known: {0})")]
    NoCurrentContext(String),
}

impl Plan {
    /// Command line first, then the config file, then the environment (KUBECONFIG, ~/.kube/config).
    pub fn resolve(args: &ConnectionArgs, cfg: &FleetConfig) -> Result<Plan, PlanError> {
        Self::resolve_in(args, cfg, &|k| std::env::var(k).ok())
    }

    /// [`Plan::resolve`] with the AWS variables (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, `AWS_PROFILE`, `AWS_CONFIG_FILE`, `HOME`) read from `env`.
    pub fn resolve_in(
        args: &ConnectionArgs,
        cfg: &FleetConfig,
        env: Env<'_>,
    ) -> Result<Plan, PlanError> {
        let path = args.kubeconfig.clone().or_else(|| cfg.kubeconfig.clone());
        let kubeconfig = match &path {
            Some(p) => Some(Kubeconfig::read_from(p).map_err(|e| PlanError::Kubeconfig {
                path: p.display().to_string(),
                message: crate::errors::one_line(&e),
            })?),
            None => default_kubeconfig()?,
        };
        let kubeconfig = kubeconfig.map(never_interactive).map(trimmed_token_files);
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
        if contexts.is_empty() && !known.is_empty() {
            return Err(PlanError::NoCurrentContext(known.join(", ")));
        }
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
        if aws.as_ref().is_none_or(|a| a.regions.is_empty()) {
            let mut regions = kubeconfig
                .as_ref()
                .map(|k| eks_regions(k, &contexts))
                .unwrap_or_default();
            if regions.is_empty() {
                regions.extend(
                    ["AWS_REGION", "AWS_DEFAULT_REGION"]
                        .iter()
                        .find_map(|v| env(v).filter(|r| !r.is_empty())),
                );
            }
            if regions.is_empty() {
                // Last: the region the AWS profile sets, as the AWS CLI reads it.
                let profile = aws
                    .as_ref()
                    .and_then(|a| a.profile.clone())
                    .or_else(|| env("AWS_PROFILE").filter(|p| !p.is_empty()))
                    .unwrap_or_else(|| "default".into());
                regions
                    .extend(aws_config_text(env).and_then(|text| profile_region(&text, &profile)));
            }
            if !regions.is_empty() {
                aws.get_or_insert_with(AwsConfig::default).regions = regions;
            }
        }
        let namespace = args
            .namespace
            .clone()
            .or_else(|| context_namespace(&kubeconfig, &contexts));
        Ok(Plan {
            kubeconfig,
            contexts,
            namespace,
            gateways: cfg.gateways.clone(),
            discover_kong: cfg.gateways.is_empty(),
            aws: aws.filter(|a| !a.regions.is_empty()),
        })
    }
}

/// `$KUBECONFIG` when set (a missing or malformed file is an error, as for
/// kubectl), else `~/.kube/config` when it exists; none at all is fine (an
/// ECS/AWS-only fleet).
fn default_kubeconfig() -> Result<Option<Kubeconfig>, PlanError> {
    if let Some(v) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        return Kubeconfig::read()
            .map(Some)
            .map_err(|e| PlanError::Kubeconfig {
                path: format!("$KUBECONFIG={}", v.to_string_lossy()),
                message: crate::errors::one_line(&e),
            });
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(None);
    };
    let path = std::path::Path::new(&home).join(".kube/config");
    if !path.exists() {
        return Ok(None);
    }
    Kubeconfig::read_from(&path)
        .map(Some)
        .map_err(|e| PlanError::Kubeconfig {
            path: path.display().to_string(),
            message: crate::errors::one_line(&e),
        })
}

/// The namespace the one watched context sets, as kubectl's default scope.
fn context_namespace(k: &Option<Kubeconfig>, contexts: &[String]) -> Option<String> {
    let [only] = contexts else { return None };
    k.as_ref()?
        .contexts
        .iter()
        .find(|c| &c.name == only)?
        .context
        .as_ref()?
        .namespace
        .clone()
}

/// The AWS regions of the watched EKS clusters, as the kubeconfig that
/// `aws eks update-kubeconfig` wrote says them: the cluster's ARN
/// (`arn:aws:eks:REGION:…`), else the exec plugin's `--region` argument.
fn eks_regions(k: &Kubeconfig, contexts: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ctx in k.contexts.iter().filter(|c| contexts.contains(&c.name)) {
        let Some(c) = &ctx.context else { continue };
        let from_arn = |name: &str| {
            let mut parts = name.split(':');
            (parts.next() == Some("arn") && parts.nth(1) == Some("eks"))
                .then(|| parts.next().map(str::to_owned))
                .flatten()
                .filter(|r| !r.is_empty())
        };
        let from_exec = || {
            let user = k
                .auth_infos
                .iter()
                .find(|a| Some(&a.name) == c.user.as_ref())?;
            let args = user.auth_info.as_ref()?.exec.as_ref()?.args.as_ref()?;
            let i = args.iter().position(|a| a == "--region")?;
            args.get(i + 1).cloned()
        };
        let region = from_arn(&c.cluster)
            .or_else(|| from_arn(&ctx.name))
            .or_else(from_exec);
        if let Some(r) = region
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out
}

/// The shared AWS config file: `$AWS_CONFIG_FILE` (a leading `~/` is the
/// home directory, as the SDK reads it), else `~/.aws/config`.
fn aws_config_text(env: Env<'_>) -> Option<String> {
    let home = || {
        env("HOME")
            .filter(|h| !h.is_empty())
            .map(std::path::PathBuf::from)
    };
    let path = match env("AWS_CONFIG_FILE").filter(|v| !v.is_empty()) {
        Some(p) => match p.strip_prefix("~/") {
            Some(rest) => home()?.join(rest),
            None => std::path::PathBuf::from(p),
        },
        None => home()?.join(".aws/config"),
    };
    std::fs::read_to_string(path).ok()
}

/// `region` of `[profile NAME]` (`[default]` for `default`) in an AWS config file.
fn profile_region(text: &str, profile: &str) -> Option<String> {
    let wanted = if profile == "default" {
        "default".to_owned()
    } else {
        format!("profile {profile}")
    };
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.split_whitespace().collect::<Vec<_>>().join(" ");
            inside = section == wanted || (profile == "default" && section == "profile default");
            continue;
        }
        if !inside {
            continue;
        }
        if let Some((key, value)) = line.split_once('=')
            && key.trim() == "region"
        {
            let value = value.split(['#', ';']).next().unwrap_or("").trim();
            return (!value.is_empty()).then(|| value.to_owned());
        }
    }
    None
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

/// A `tokenFile` written with a trailing newline (`echo $TOKEN > f`) works
/// with kubectl, which trims it; kube-rs sends it as-is and fails on the
/// header. Such a file is read once here and its trimmed token used inline
/// (kube would re-read it each minute: that reload is lost for such files
/// only); a file without surrounding whitespace keeps kube's reload.
fn trimmed_token_files(mut k: Kubeconfig) -> Kubeconfig {
    for named in &mut k.auth_infos {
        let Some(auth) = named.auth_info.as_mut() else {
            continue;
        };
        if auth.token.is_some() {
            continue;
        }
        let Some(path) = auth.token_file.clone() else {
            continue;
        };
        let Ok(raw) = std::fs::read_to_string(&path) else {
            continue;
        };
        let token = raw.trim();
        if token.len() != raw.len() && !token.is_empty() {
            tracing::info!(
                user = named.name,
                "tokenFile {path}: surrounding whitespace trimmed"
            );
            auth.token = Some(token.to_owned().into());
            auth.token_file = None;
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An environment with only these variables.
    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_profiles_region_comes_from_its_own_section() {
        let text = "[default]\nregion = us-east-1\n\n[profile  ops]\noutput = json\nregion=eu-west-1 # Ireland\n[sso-session s]\nregion = ap-south-1\n[profile bare]\n";
        assert_eq!(
            profile_region(text, "default").as_deref(),
            Some("us-east-1")
        );
        assert_eq!(profile_region(text, "ops").as_deref(), Some("eu-west-1"));
        assert_eq!(profile_region(text, "bare"), None);
        assert_eq!(profile_region(text, "s"), None);
        assert_eq!(profile_region(text, "missing"), None);
    }

    #[test]
    fn regions_env_then_the_profiles_region_after_arns() {
        let (dir, path) = kubeconfig();
        let aws_dir = dir.path().join("home/.aws");
        std::fs::create_dir_all(&aws_dir).expect("mkdir");
        std::fs::write(
            aws_dir.join("config"),
            "[default]\nregion = us-east-2\n[profile ops]\nregion = ap-southeast-2\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("other"),
            "[profile ops]\nregion = sa-east-1\n",
        )
        .expect("write");
        let home = dir.path().join("home").display().to_string();
        let other = dir.path().join("other").display().to_string();
        let none = FleetConfig::default();
        let regions = |args: &ConnectionArgs, cfg: &FleetConfig, vars: &[(&str, &str)]| {
            Plan::resolve_in(args, cfg, &env_of(vars))
                .expect("resolves")
                .aws
                .map(|a| a.regions)
                .unwrap_or_default()
        };
        let a = args(&path);
        // No ARN, no env region: the default profile's, then AWS_PROFILE's.
        assert_eq!(regions(&a, &none, &[("HOME", &home)]), ["us-east-2"]);
        let ops = [("HOME", home.as_str()), ("AWS_PROFILE", "ops")];
        assert_eq!(regions(&a, &none, &ops), ["ap-southeast-2"]);
        // --profile (or the config's profile) names the profile before AWS_PROFILE.
        let flag = ConnectionArgs {
            profile: Some("ops".into()),
            ..a.clone()
        };
        let dflt = [("HOME", home.as_str()), ("AWS_PROFILE", "default")];
        assert_eq!(regions(&flag, &none, &dflt), ["ap-southeast-2"]);
        // AWS_CONFIG_FILE replaces ~/.aws/config.
        let file = [
            ("HOME", home.as_str()),
            ("AWS_PROFILE", "ops"),
            ("AWS_CONFIG_FILE", other.as_str()),
        ];
        assert_eq!(regions(&a, &none, &file), ["sa-east-1"]);
        // AWS_REGION, then AWS_DEFAULT_REGION, win over the profile.
        let env_region = [
            ("HOME", home.as_str()),
            ("AWS_DEFAULT_REGION", "eu-north-1"),
        ];
        assert_eq!(regions(&a, &none, &env_region), ["eu-north-1"]);
        let both = [
            ("HOME", home.as_str()),
            ("AWS_DEFAULT_REGION", "eu-north-1"),
            ("AWS_REGION", "me-south-1"),
        ];
        assert_eq!(regions(&a, &none, &both), ["me-south-1"]);
        // No file at all: no region, nothing polled.
        assert!(regions(&a, &none, &[]).is_empty());
        assert!(regions(&a, &none, &[("HOME", "/nonexistent-home")]).is_empty());
    }

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
    fn the_watched_contexts_namespace_is_the_default_scope() {
        let (_dir, path) = kubeconfig();
        let text = std::fs::read_to_string(&path).expect("read");
        let text = text.replace(
            "{cluster: b, user: b}",
            "{cluster: b, user: b, namespace: shop}",
        );
        std::fs::write(&path, text).expect("write");
        let none = FleetConfig::default();
        let ns = |a: &ConnectionArgs| Plan::resolve(a, &none).expect("resolves").namespace;
        assert_eq!(ns(&args(&path)).as_deref(), Some("shop"));
        let flag = ConnectionArgs {
            namespace: Some("web".into()),
            ..args(&path)
        };
        assert_eq!(ns(&flag).as_deref(), Some("web"));
        // Several contexts: no single namespace applies to all.
        let all = ConnectionArgs {
            all_contexts: true,
            ..args(&path)
        };
        assert_eq!(ns(&all), None);
    }

    #[test]
    fn regions_come_from_eks_arns_and_the_exec_plugins_region() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        let arn = |r: &str, n: &str| format!("arn:aws:eks:{r}:123456789012:cluster/{n}");
        let (a, b) = (arn("eu-west-1", "a"), arn("us-east-2", "b"));
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: {a}\ncontexts:\n\
             - name: {a}\n  context: {{cluster: '{a}', user: '{a}'}}\n\
             - name: {b}\n  context: {{cluster: '{b}', user: '{b}'}}\n\
             - name: plain\n  context: {{cluster: plain, user: plain}}\n\
             clusters:\n\
             - name: {a}\n  cluster: {{server: 'https://a.example'}}\n\
             - name: {b}\n  cluster: {{server: 'https://b.example'}}\n\
             - name: plain\n  cluster: {{server: 'https://p.example'}}\n\
             users:\n\
             - name: {a}\n  user: {{token: t}}\n\
             - name: {b}\n  user: {{token: t}}\n\
             - name: plain\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [--region, ap-south-1, eks, get-token, --cluster-name, p]\n"
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        let none = FleetConfig::default();
        // The ARN wins over every variable.
        let env = env_of(&[("AWS_REGION", "me-south-1"), ("AWS_PROFILE", "ops")]);
        let regions = |args: &ConnectionArgs, cfg: &FleetConfig| {
            Plan::resolve_in(args, cfg, &env)
                .expect("resolves")
                .aws
                .map(|a| a.regions)
                .unwrap_or_default()
        };
        // The current context only, then every context (ARN, ARN, exec --region).
        assert_eq!(regions(&args(&path), &none), ["eu-west-1"]);
        let all = ConnectionArgs {
            all_contexts: true,
            ..args(&path)
        };
        assert_eq!(
            regions(&all, &none),
            ["eu-west-1", "us-east-2", "ap-south-1"]
        );
        // The flag and the config still win.
        let flag = ConnectionArgs {
            regions: strings(&["us-west-2"]),
            ..all.clone()
        };
        assert_eq!(regions(&flag, &none), ["us-west-2"]);
        let cfg = FleetConfig {
            aws: Some(AwsConfig {
                regions: strings(&["eu-central-1"]),
                ..AwsConfig::default()
            }),
            ..FleetConfig::default()
        };
        assert_eq!(regions(&all, &cfg), ["eu-central-1"]);
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
            ca_file: None,
            insecure: false,
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
        let plan = Plan::resolve_in(&profile_only, &FleetConfig::default(), &env_of(&[]))
            .expect("resolves");
        assert!(plan.aws.is_none() && plan.gateways.is_empty());
    }
}
