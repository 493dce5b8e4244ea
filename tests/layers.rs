//! The layers import one way: ui reads the view layer, config and the model,
//! never the app or the actions; actions read the view layer and the model,
//! never the app or ui. Checked on the source text, so a new import that
//! brings a cycle back fails here. Test modules (`*_tests.rs`) drive the app
//! and are left out.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, test modules aside.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs")
            && !p.to_string_lossy().ends_with("_tests.rs")
        {
            out.push(p);
        }
    }
}

/// Lines of the files under `src/<layer>` that name `crate::<other>` for
/// any forbidden `other`, comments aside.
fn offending(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(!files.is_empty(), "no sources under {}", root.display());
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for other in forbidden {
                if code.contains(&format!("crate::{other}::"))
                    || code.contains(&format!("crate::{other};"))
                    || code.contains(&format!("crate::{other}::{{"))
                {
                    out.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    out
}

#[test]
fn ui_imports_neither_the_app_nor_the_actions() {
    let bad = offending("ui", &["app", "actions"]);
    assert!(
        bad.is_empty(),
        "ui imports app or actions:\n{}",
        bad.join("\n")
    );
}

#[test]
fn actions_import_neither_the_app_nor_ui() {
    let bad = offending("actions", &["app", "ui"]);
    assert!(
        bad.is_empty(),
        "actions import app or ui:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_view_layer_imports_neither_the_app_nor_ui_nor_the_actions() {
    let bad = offending("view", &["app", "ui", "actions"]);
    assert!(
        bad.is_empty(),
        "view imports app, ui or actions:\n{}",
        bad.join("\n")
    );
}
