//! Starting a simulated fleet: build the scenario, open every listener,
//! write `DIR/kubeconfig` and `DIR/fleetdeck.toml`, drive the controllers.
//! Scenarios with Kong on ECS also serve each node's admin API over TLS with
//! a self-signed certificate (`DIR/kong-admin.pem`) and write
//! `DIR/fleetdeck-tls.toml`, the same config reaching those nodes by https.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::faults::{self, FaultSpec};
use super::fleet_toml::{AwsToml, FleetToml, GatewayToml};
use super::kubeconfig::{self, Entry};
use super::server::{self, ServeError};
use super::world::{Fleet, GatewaySpec};
use super::{aws, scenarios, world};

/// The self-signed certificate of the ECS Kong nodes' TLS admin listeners.
const ADMIN_CERT: &str = "kong-admin.pem";

/// How to start a simulated fleet.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub scenario: String,
    pub seed: u64,
    pub state_dir: PathBuf,
    /// Scenario parameters as `key=value`.
    pub params: Vec<String>,
    /// Fault specs (see [`faults`]).
    pub faults: Vec<String>,
}

/// Why a fleet could not start; each says what to do in one line.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    Scenario(String),
    #[error("--param {0:?}: expected key=value")]
    Param(String),
    #[error(transparent)]
    Fault(#[from] faults::FaultParseError),
    #[error("state dir {dir}: {source}")]
    StateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Serve(#[from] ServeError),
}

/// A running fleet. Dropping it leaves the tasks running until the runtime ends.
pub struct SimHandle {
    config_path: PathBuf,
    kubeconfig_path: PathBuf,
    pub fleet: Arc<Fleet>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl SimHandle {
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
    }
}

pub async fn start(opts: SimOptions) -> Result<SimHandle, SimError> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let params = opts
        .params
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| SimError::Param(p.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fault_specs = opts
        .faults
        .iter()
        .map(|f| faults::parse(f))
        .collect::<Result<Vec<_>, _>>()?;
    let state_err = |source| SimError::StateDir {
        dir: opts.state_dir.clone(),
        source,
    };
    std::fs::create_dir_all(&opts.state_dir).map_err(state_err)?;
    let probe = opts.state_dir.join(".fleetdeck-write-test");
    std::fs::write(&probe, b"").map_err(state_err)?;
    let _ = std::fs::remove_file(&probe);

    let fleet = Arc::new(
        scenarios::build(&opts.scenario, opts.seed, &params)
            .map_err(|e| SimError::Scenario(e.to_string()))?,
    );
    // The fleet has been running for hours before anyone looks at it.
    {
        let fleet = fleet.clone();
        let seed = opts.seed;
        let aged = tokio::task::spawn_blocking(move || {
            let mut rng = crate::rng::Rng::new(seed ^ 0xA6ED_F1EE);
            world::age(&fleet, &mut rng, world::LIVED_FOR_SECS);
        })
        .await;
        if let Err(e) = aged {
            return Err(SimError::Scenario(format!(
                "scenario {:?} failed while aging: {e}",
                opts.scenario
            )));
        }
    }

    // A black hole replaces the listener itself, so it is known before serving.
    for tf in fault_specs
        .iter()
        .filter(|tf| tf.fault == FaultSpec::Blackhole)
    {
        for c in &fleet.clusters {
            if tf.context.as_ref().is_none_or(|ctx| *ctx == c.name) {
                c.faults.apply(&tf.fault);
            }
        }
    }
    let account = fleet
        .aws
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .account_id
        .clone();
    let mut entries = Vec::new();
    for cluster in &fleet.clusters {
        let served = server::serve_cluster(cluster.clone()).await?;
        entries.push(Entry {
            arn: aws::ids::eks_cluster_arn(&cluster.region, &account, &cluster.name),
            region: cluster.region.clone(),
            context: cluster.name.clone(),
            server: served.url,
            ca_pem: served.ca_pem,
            token: cluster.token.clone(),
        });
    }
    let aws_url = server::serve_http(aws::router(fleet.aws.clone())).await?;
    let mut gateways = Vec::new();
    let mut tls_gateways = Vec::new();
    let admin_cert = if fleet
        .gateways
        .iter()
        .any(|g| matches!(g, GatewaySpec::Ecs { .. }))
    {
        Some(crate::kong::admin_tls::url_listener().map_err(ServeError::AdminCert)?)
    } else {
        None
    };
    for gw in &fleet.gateways {
        gateways.push(match gw {
            GatewaySpec::InCluster {
                name,
                context,
                namespace,
                selector,
                admin_port,
            } => {
                let gw = GatewayToml {
                    name: name.clone(),
                    context: Some(context.clone()),
                    namespace: Some(namespace.clone()),
                    selector: Some(selector.clone()),
                    admin_port: *admin_port,
                    ..Default::default()
                };
                tls_gateways.push(gw.clone());
                gw
            }
            GatewaySpec::Ecs {
                name,
                nodes,
                ecs_service,
            } => {
                let mut urls = Vec::new();
                let mut https = Vec::new();
                for (_, router) in nodes {
                    urls.push(server::serve_http(router.clone()).await?);
                    if let Some((tls_config, _)) = &admin_cert {
                        https.push(server::serve_https(router.clone(), tls_config.clone()).await?);
                    }
                }
                tls_gateways.push(GatewayToml {
                    name: name.clone(),
                    admin_urls: https,
                    ecs_service: Some(ecs_service.clone()),
                    ca_file: Some(ADMIN_CERT.into()),
                    ..Default::default()
                });
                GatewayToml {
                    name: name.clone(),
                    admin_urls: urls,
                    ecs_service: Some(ecs_service.clone()),
                    ..Default::default()
                }
            }
        });
    }
    let regions: Vec<String> = {
        let world = fleet.aws.lock().unwrap_or_else(|e| e.into_inner());
        world.regions.keys().cloned().collect()
    };
    let aws_toml = || AwsToml {
        regions: regions.clone(),
        endpoint_url: aws_url.clone(),
        access_key_id: "AKIAFLEETDECKSIM".into(),
        secret_access_key: "fleetdeck-sim-secret".into(),
    };
    let config = FleetToml {
        kubeconfig: "kubeconfig".into(),
        all_contexts: true,
        aws: aws_toml(),
        gateways,
    };
    let kubeconfig_path = opts.state_dir.join("kubeconfig");
    let config_path = opts.state_dir.join("fleetdeck.toml");
    std::fs::write(&kubeconfig_path, kubeconfig::render(&entries)).map_err(state_err)?;
    std::fs::write(&config_path, config.render()).map_err(state_err)?;
    if let Some((_, pem)) = &admin_cert {
        std::fs::write(opts.state_dir.join(ADMIN_CERT), pem).map_err(state_err)?;
        let tls = FleetToml {
            kubeconfig: "kubeconfig".into(),
            all_contexts: true,
            aws: aws_toml(),
            gateways: tls_gateways,
        };
        std::fs::write(opts.state_dir.join("fleetdeck-tls.toml"), tls.render())
            .map_err(state_err)?;
    }
    let script = opts.state_dir.join("aws-eks-token");
    std::fs::write(&script, kubeconfig::token_script(&entries)).map_err(state_err)?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .map_err(state_err)?;
    }
    let script = std::fs::canonicalize(&script).map_err(state_err)?;
    std::fs::write(
        opts.state_dir.join("kubeconfig-eks"),
        kubeconfig::render_eks(&entries, &script.display().to_string()),
    )
    .map_err(state_err)?;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    for tf in &fault_specs {
        let targets: Vec<_> = fleet
            .clusters
            .iter()
            .filter(|c| tf.context.as_ref().is_none_or(|ctx| *ctx == c.name))
            .cloned()
            .collect();
        match &tf.fault {
            FaultSpec::DropWatchesEvery(every) => {
                let every = *every;
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::select! {
                            _ = tokio::time::sleep(every) => targets.iter().for_each(|c| c.faults.drop_watches()),
                            _ = stopped.changed() => return,
                        }
                    }
                });
            }
            FaultSpec::KongTimeout(node)
            | FaultSpec::KongGarbage(node)
            | FaultSpec::KongSplit(node) => {
                let found = match &tf.fault {
                    FaultSpec::KongSplit(_) => fleet.set_kong_split(node),
                    f => fleet.set_kong_fault(node, matches!(f, FaultSpec::KongGarbage(_))),
                };
                if !found {
                    let known = fleet.kong_node_names();
                    return Err(SimError::Scenario(format!(
                        "--fault: no Kong node named {node:?} in scenario {:?} (its ECS Kong nodes: {})",
                        opts.scenario,
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    )));
                }
            }
            other => targets.iter().for_each(|c| c.faults.apply(other)),
        }
    }
    world::spawn(fleet.clone(), opts.seed, stopped);
    wait_until_serving(&fleet).await;
    Ok(SimHandle {
        config_path,
        kubeconfig_path,
        fleet,
        stop,
    })
}

/// Ready means the controllers have made their first pass on every cluster.
async fn wait_until_serving(fleet: &Fleet) {
    for _ in 0..100 {
        if fleet.is_settled() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
