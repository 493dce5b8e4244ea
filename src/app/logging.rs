//! Logs go to a file, never to the screen; the path is printed once on stderr.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;

/// Log lines waiting for the writer thread at most.
const LOG_QUEUE_LINES: usize = 4096;

/// `--log-file`, else `$XDG_STATE_HOME/fleetdeck/fleetdeck.log` (or `~/.local/state/…`),
/// else the temp dir. Keep the guard alive for the program's life.
pub fn init(explicit: Option<&Path>) -> Option<WorkerGuard> {
    let path = explicit.map(Path::to_path_buf).unwrap_or_else(default_path);
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!(
            "fleetdeck: cannot create log dir {}: {e}; logging disabled",
            dir.display()
        );
        return None;
    }
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "fleetdeck: cannot open log file {}: {e}; logging disabled",
                path.display()
            );
            return None;
        }
    };
    // The default queue holds 128,000 lines, allocated up front (4 MB):
    // far more than a TUI that logs warnings ever has in flight. Lines past
    // the limit are dropped, never waited for.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(file);
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("FLEETDECK_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("info,kube=warn,hyper=warn,aws=warn,rustls=warn")
        });
    let ok = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .is_ok();
    if ok {
        eprintln!("fleetdeck: logging to {}", path.display());
    }
    Some(guard)
}

fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("fleetdeck").join("fleetdeck.log")
}
