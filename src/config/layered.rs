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

/// A theme or keymap: built-ins by name, and TOML files laid on top.
pub trait Layered: Clone {
    /// `theme` / `keymap`: in messages and as the user file's stem.
    const WHAT: &'static str;
    fn builtin(name: &str) -> Option<Self>;
    fn builtin_names() -> Vec<&'static str>;
    /// Applies a file's text; unknown keys warn, a bad value is an error.
    fn overlay_text(
        &mut self,
        text: &str,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), String>;
    fn set_name(&mut self, name: String);
}

/// Loads `base` (the default) with the layers of [`sources`] on top. A
/// layer that cannot be read or is wrong is skipped with a one-line warning
/// naming the file; nothing panics.
pub fn load<T: Layered>(
    mut value: T,
    spec: Option<&str>,
    user_dir: Option<&Path>,
) -> (T, Vec<String>) {
    let mut warnings = Vec::new();
    let what = T::WHAT;
    for source in sources(spec, user_dir, what, &T::builtin_names(), &mut warnings) {
        match source {
            Source::Builtin(name) => {
                if let Some(v) = T::builtin(&name) {
                    value = v;
                }
            }
            Source::File(path) => {
                let file = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        let mut candidate = value.clone();
                        match candidate.overlay_text(&text, &file, &mut warnings) {
                            Ok(()) => {
                                candidate.set_name(file);
                                value = candidate;
                            }
                            Err(e) => warnings.push(format!("{e}; using the built-in {what}")),
                        }
                    }
                    Err(e) => warnings.push(format!(
                        "{file}: cannot read: {e}; using the built-in {what}"
                    )),
                }
            }
        }
    }
    (value, warnings)
}

/// `$XDG_CONFIG_HOME/fleetdeck` (or `~/.config/fleetdeck`).
pub fn user_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("fleetdeck"))
}
