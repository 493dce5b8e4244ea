use std::process::ExitCode;

use clap::Parser;
use fleetdeck::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Sim(args)) => ExitCode::from(fleetdeck::sim::headless::run(args) as u8),
        Some(Command::Scenarios) => {
            fleetdeck::sim::headless::print_scenarios();
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("fleetdeck: the dashboard lands with the views; run `fleetdeck sim` or `fleetdeck scenarios`");
            ExitCode::from(2)
        }
    }
}
