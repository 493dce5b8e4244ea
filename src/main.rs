use clap::Parser;

fn main() {
    let _cli = fleetdeck::cli::Cli::parse();
}
