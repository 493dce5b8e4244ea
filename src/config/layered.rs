//! Where a theme or keymap comes from: a built-in name, a file given on the
//! command line, and the user's override in `$XDG_CONFIG_HOME/fleetdeck/`.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Builtin(String),
    File(PathBuf),
}

/// Layers bottom to top: the named built-in or the given file (over the
/// default), then `<user_dir>/<what>.toml` if it exists.
pub fn sources(
    spec: Option<&str>,
    user_dir: Option<&Path>,
    what: &str,
    builtins: &[&str],
    warnings: &mut Vec<String>,
) -> Vec<Source> {
    let mut out = Vec::new();
    match spec {
        None => {}
        Some(name) if builtins.contains(&name) => out.push(Source::Builtin(name.to_owned())),
        Some(path) if Path::new(path).is_file() => out.push(Source::File(PathBuf::from(path))),
        Some(other) => warnings.push(format!(
            "{what} {other:?}: neither a built-in ({}) nor a readable file; using default",
            builtins.join(", ")
        )),
    }
    if let Some(dir) = user_dir {
        let user = dir.join(format!("{what}.toml"));
        if user.is_file() {
            out.push(Source::File(user));
        }
    }
    out
}

/// `$XDG_CONFIG_HOME/fleetdeck` (or `~/.config/fleetdeck`).
pub fn user_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("fleetdeck"))
}

/// toml errors span lines; keep the gist on one.
pub fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^'))
        .collect::<Vec<_>>()
        .join(" ")
}
