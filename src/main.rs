//! fleetdeck's entry point: parse the command line, then run the TUI, the
//! demo (TUI on an in-process simulated fleet), a headless snapshot, or the
//! simulated fleet itself. The module map is in `lib.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use fleetdeck::app::commands::{self, Command as ViewCommand};
use fleetdeck::app::state::State;
use fleetdeck::cli::{Cli, Command, SnapshotFormat};
use fleetdeck::config::fleet::FleetConfig;
use fleetdeck::config::keymap::Keymap;
use fleetdeck::config::layered;
use fleetdeck::config::theme::Theme;
use fleetdeck::sources::Plan;

/// mimalloc gives freed memory back to the system: with glibc's allocator
/// the peak RSS of a 100,000-pod fleet was a third above the live heap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Sim(args)) => return simulated::run_headless(args),
        Some(Command::Scenarios) => return simulated::print_scenarios(),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "fleetdeck",
                &mut std::io::stdout(),
            );
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    // Several rustls users in one process: pick the provider once, first.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli_is_diagnose = matches!(cli.command, Some(Command::Diagnose { .. }));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fleetdeck: {e:#}");
            // `diagnose` owns 0/1/2 (clean, warning, critical); its own failure is 3.
            match cli_is_diagnose {
                true => ExitCode::from(3),
                false => ExitCode::from(2),
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match &cli.command {
        None => {
            let _log = fleetdeck::app::logging::init(cli.log_file.as_deref());
            let cfg = load_config(cli.conn.config.as_deref())?;
            let plan = Plan::resolve(&cli.conn, &cfg)?;
            let mut state = initial_state(&cli, &cfg);
            state.stable = Some(stable_for(&plan));
            runtime.block_on(fleetdeck::app::run::run(plan, state))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Demo { scenario }) => {
            let _log = fleetdeck::app::logging::init(cli.log_file.as_deref());
            runtime.block_on(simulated::demo(&cli, scenario))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Snapshot {
            view,
            size,
            format,
            out,
        }) => {
            let kind = match commands::parse(view) {
                Ok(ViewCommand::View(v)) => v,
                _ => {
                    let views: Vec<&str> = commands::commands()
                        .into_iter()
                        .map(|(names, _)| names[0])
                        .filter(|n| matches!(commands::parse(n), Ok(ViewCommand::View(_))))
                        .collect();
                    bail!("--view {view:?}: expected one of {}", views.join(", "))
                }
            };
            let size = fleetdeck::app::snapshot::parse_size(size).map_err(anyhow::Error::msg)?;
            let _log = fleetdeck::app::logging::init(cli.log_file.as_deref());
            let cfg = load_config(cli.conn.config.as_deref())?;
            let plan = Plan::resolve(&cli.conn, &cfg)?;
            let state = initial_state(&cli, &cfg);
            for w in &state.warnings {
                eprintln!("fleetdeck: {w}");
            }
            let buf = runtime.block_on(fleetdeck::app::snapshot::render(
                plan,
                state,
                kind,
                size,
                Duration::from_secs(20),
            ))?;
            let text = match format {
                SnapshotFormat::Txt => fleetdeck::ui::svg::to_text(&buf),
                SnapshotFormat::Svg => fleetdeck::ui::svg::to_svg(&buf),
            };
            match out {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Diagnose { output }) => {
            let _log = fleetdeck::app::logging::init(cli.log_file.as_deref());
            let cfg = load_config(cli.conn.config.as_deref())?;
            let plan = Plan::resolve(&cli.conn, &cfg)?;
            let state = initial_state(&cli, &cfg);
            let (out, stderr, code) = runtime.block_on(fleetdeck::app::diagnose::run(
                plan,
                state,
                *output,
                Duration::from_secs(20),
            ));
            for line in stderr {
                eprintln!("{line}");
            }
            println!("{}", out.trim_end());
            Ok(ExitCode::from(code))
        }
        Some(Command::Sim(_)) | Some(Command::Scenarios) | Some(Command::Completions { .. }) => {
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `demo`, `sim` and `scenarios`: the only places the app reaches the
/// simulated fleet (the `sim` cargo feature, on by default).
#[cfg(feature = "sim")]
mod simulated {
    use std::path::PathBuf;
    use std::process::ExitCode;

    use anyhow::Context;
    use fleetdeck::cli::{Cli, SimArgs};
    use fleetdeck::config::fleet::FleetConfig;
    use fleetdeck::sources::Plan;
    use fleetdeck_sim::{SimOptions, headless};

    pub fn run_headless(args: &SimArgs) -> ExitCode {
        let opts = SimOptions {
            scenario: args.scenario.clone(),
            seed: args.seed,
            state_dir: args.state_dir.clone(),
            params: args.params.clone(),
            faults: args.faults.clone(),
        };
        ExitCode::from(headless::run(opts) as u8)
    }

    pub fn print_scenarios() -> ExitCode {
        headless::print_scenarios();
        ExitCode::SUCCESS
    }

    /// The simulated fleet in-process, in a temp dir, and the TUI on it.
    pub async fn demo(cli: &Cli, scenario: &str) -> anyhow::Result<()> {
        let dir = tempfile_dir()?;
        let handle = fleetdeck_sim::start(SimOptions {
            scenario: scenario.to_owned(),
            seed: 1,
            state_dir: dir.clone(),
            params: Vec::new(),
            faults: Vec::new(),
        })
        .await?;
        let cfg = FleetConfig::load(handle.config_path())?;
        let mut conn = cli.conn.clone();
        conn.config = Some(handle.config_path().to_owned());
        let plan = Plan::resolve(&conn, &cfg)?;
        let mut state = super::initial_state(cli, &cfg);
        state.stable = Some(super::stable_for(&plan));
        let result = fleetdeck::app::run::run(plan, state).await;
        handle.shutdown().await;
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn tempfile_dir() -> anyhow::Result<PathBuf> {
        let dir = std::env::temp_dir().join(format!("fleetdeck-demo-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(dir)
    }
}

/// A build without the `sim` feature says so in one line.
#[cfg(not(feature = "sim"))]
mod simulated {
    use std::process::ExitCode;

    use fleetdeck::cli::{Cli, SimArgs};

    const MISSING: &str =
        "this fleetdeck was built without the simulated fleet (cargo feature `sim`)";

    pub fn run_headless(_: &SimArgs) -> ExitCode {
        eprintln!("fleetdeck sim: {MISSING}");
        ExitCode::from(2)
    }

    pub fn print_scenarios() -> ExitCode {
        eprintln!("fleetdeck scenarios: {MISSING}");
        ExitCode::from(2)
    }

    pub async fn demo(_: &Cli, _: &str) -> anyhow::Result<()> {
        anyhow::bail!("demo: {MISSING}")
    }
}

/// `--config`, else `$FLEETDECK_CONFIG`, else `$XDG_CONFIG_HOME/fleetdeck/config.toml` if present.
fn load_config(explicit: Option<&Path>) -> anyhow::Result<FleetConfig> {
    let path = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("FLEETDECK_CONFIG").map(PathBuf::from));
    if let Some(p) = path {
        return Ok(FleetConfig::load(&p)?);
    }
    match layered::user_dir()
        .map(|d| d.join("config.toml"))
        .filter(|p| p.is_file())
    {
        Some(p) => Ok(FleetConfig::load(&p)?),
        None => Ok(FleetConfig::default()),
    }
}

/// The TUI's hysteresis over findings, expecting the plan's sources.
fn stable_for(plan: &fleetdeck::sources::Plan) -> fleetdeck::diagnose::stable::Stable {
    fleetdeck::diagnose::stable::Stable::expecting(fleetdeck::app::snapshot::Expected::of(plan))
}

/// Theme and keymap (command line over `[ui]` in the config), scopes, readonly.
fn initial_state(cli: &Cli, cfg: &FleetConfig) -> State {
    let ui = cfg.ui.clone().unwrap_or_default();
    let user_dir = layered::user_dir();
    let (theme, mut warnings) = Theme::load(
        cli.theme.as_deref().or(ui.theme.as_deref()),
        user_dir.as_deref(),
    );
    let (keymap, kw) = Keymap::load(
        cli.keymap.as_deref().or(ui.keymap.as_deref()),
        user_dir.as_deref(),
    );
    warnings.extend(kw);
    for w in &warnings {
        tracing::warn!("{w}");
    }
    // https://no-color.org: set and not empty means no colour, whatever the theme.
    let theme = match std::env::var_os("NO_COLOR").filter(|v| !v.is_empty()) {
        Some(_) => theme.without_colour(),
        None => theme,
    };
    let mut state = State::new(theme, keymap, jiff::Timestamp::now());
    state.warnings = warnings;
    state.namespace_scope = cli.conn.namespace.clone();
    state.readonly = cli.conn.readonly;
    if let Some(n) = ui.log_buffer_lines {
        state.act.log_buffer_lines = n.max(100);
    }
    state
}
