//! The command line, as `../shared/DESIGN.md` gives it. Connection options are
//! global: accepted before or after a subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "fleetdeck",
    version,
    about = "Terminal dashboard for API-gateway fleets on AWS: EKS (Fargate + EC2), Kong, ECS"
)]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnectionArgs,

    /// Theme: a built-in name (default, light, high-contrast) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    /// Keymap: a built-in name (default, vim) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub keymap: Option<String>,

    /// Write logs to this file (default: the state dir's fleetdeck.log).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where to find the fleet. Accepted before or after any subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// fleetdeck config file (default: $FLEETDECK_CONFIG or $XDG_CONFIG_HOME/fleetdeck/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// kubeconfig file (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// Kubernetes context to watch; repeat for several.
    #[arg(long = "context", global = true, value_name = "NAME")]
    pub contexts: Vec<String>,

    /// Watch every context of the kubeconfig.
    #[arg(long, global = true)]
    pub all_contexts: bool,

    /// Limit namespaced views to this namespace.
    #[arg(long, short = 'n', global = true, value_name = "NS")]
    pub namespace: Option<String>,

    /// AWS region to poll for EKS/ECS; repeat for several.
    #[arg(long = "region", global = true, value_name = "R")]
    pub regions: Vec<String>,

    /// AWS profile.
    #[arg(long, global = true, value_name = "P")]
    pub profile: Option<String>,

    /// Refuse every mutation (scale, node group, ECS service).
    #[arg(long, global = true)]
    pub readonly: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The TUI on the built-in simulated fleet.
    Demo {
        /// Scenario to simulate (see `fleetdeck scenarios`).
        #[arg(long, default_value = "demo")]
        scenario: String,
    },
    /// Run the simulated fleet headless until SIGINT/SIGTERM.
    Sim(SimArgs),
    /// List the simulated scenarios with a one-line description.
    Scenarios,
    /// One-shot findings; exit 0 clean/info, 1 warning, 2 critical.
    Diagnose {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output: OutputFormat,
    },
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Render one frame headless.
    Snapshot {
        #[arg(long)]
        view: String,
        #[arg(long, default_value = "160x48")]
        size: String,
        #[arg(long, value_enum, default_value_t = SnapshotFormat::Txt)]
        format: SnapshotFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Scenario to simulate (see `fleetdeck scenarios`).
    #[arg(long)]
    pub scenario: String,
    /// Directory for kubeconfig, fleetdeck.toml and the sim's log.
    #[arg(long, value_name = "DIR")]
    pub state_dir: PathBuf,
    /// Seed for the deterministic parts of the scenario.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Scenario parameter as key=value (e.g. `nodes=5000`, `pods=100000`, `events_per_sec=1000`); repeatable.
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Fault to inject (see README "Faults"), e.g. `drop-watches@30`, `5xx=0.1`, `latency=200ms`,
    /// `token-expiry=60`, `forbid=pods`, `kong-timeout=NODE`, `kong-garbage=NODE`, `gone-next-watch`,
    /// `partition=10..40`, `outage=10..40`, `blackhole`; repeatable.
    #[arg(long = "fault", value_name = "FAULT")]
    pub faults: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotFormat {
    Txt,
    Svg,
}
