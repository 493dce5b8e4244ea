//! `fleetdeck sim` and `fleetdeck scenarios`: the simulated fleet without the TUI.

use std::io::Write;

use crate::run::SimOptions;

/// Runs the fleet until SIGINT/SIGTERM. Returns the process exit code:
/// 0 after a clean stop, 2 when it could not start (one line on stderr).
pub fn run(opts: SimOptions) -> i32 {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fleetdeck sim: cannot start the async runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(async {
        let handle = match super::run::start(opts).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("fleetdeck sim: {e}");
                return 2;
            }
        };
        println!("ready");
        let _ = std::io::stdout().flush();
        wait_for_signal().await;
        handle.shutdown().await;
        0
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `fleetdeck scenarios`: one line each.
pub fn print_scenarios() {
    let list = crate::scenarios::list();
    let width = list.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, about) in list {
        println!("{name:width$}  {about}");
    }
}
