//! Keymaps: mode → key → named action with a description. Built-ins are the
//! files in `keymaps/`, embedded; a user file overrides only the keys it sets.
//! Help (`?`) is generated from here.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::layered;

const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
];

macro_rules! actions {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        /// Something a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Action { $($variant,)* }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];
            pub fn name(self) -> &'static str { match self { $(Action::$variant => $name,)* } }
            pub fn description(self) -> &'static str { match self { $(Action::$variant => $desc,)* } }
            pub fn from_name(s: &str) -> Option<Action> { match s { $($name => Some(Action::$variant),)* _ => None } }
        }
    };
}

actions! {
    Quit => "quit", "quit";
    Up => "up", "previous row";
    Down => "down", "next row";
    PageUp => "page_up", "page up";
    PageDown => "page_down", "page down";
    Top => "top", "first row";
    Bottom => "bottom", "last row";
    Enter => "enter", "drill in";
    Back => "back", "back";
    Command => "command", "command line";
    Filter => "filter", "filter rows";
    Help => "help", "help";
    NextView => "next_view", "next view";
    PrevView => "prev_view", "previous view";
    SortNext => "sort_next", "sort by next column";
    SortPrev => "sort_prev", "sort by previous column";
    SortReverse => "sort_reverse", "reverse sort order";
    SortInitial => "sort_initial", "sort by the column with this initial (again: reverse)";
    AllScopes => "all_scopes", "all clusters and namespaces";
    NextCluster => "next_cluster", "scope to next cluster";
    PrevCluster => "prev_cluster", "scope to previous cluster";
    Describe => "describe", "describe the object";
    Logs => "logs", "tail the logs";
    Scale => "scale", "scale";
    Expand => "expand", "unfold an incident's symptoms";
    Collapse => "collapse", "fold an incident's symptoms";
    FlatFindings => "flat_findings", "findings: incidents / the flat list";
    Fix => "fix", "findings: apply the incident's fix (asks first)";
    Delete => "delete", "delete the selected pod (asks first)";
    Submit => "submit", "submit";
    Cancel => "cancel", "cancel";
    Complete => "complete", "complete";
    Erase => "erase", "delete a character";
    Close => "close", "close";
    Increase => "increase", "one more";
    Decrease => "decrease", "one less";
    NextField => "next_field", "next field";
    Yaml => "yaml", "toggle YAML";
    Search => "search", "search";
    SearchNext => "search_next", "next match";
    SearchPrev => "search_prev", "previous match";
    Pause => "pause", "pause / resume";
    Follow => "follow", "follow the end";
    Wrap => "wrap", "toggle wrap";
    ScrollLeft => "scroll_left", "scroll left (wrap off)";
    ScrollRight => "scroll_right", "scroll right (wrap off)";
    Timestamps => "timestamps", "toggle timestamps";
    Previous => "previous", "previous container";
    Container => "container", "pick the container";
    Since => "since", "since / tail";
    Save => "save", "save to a file";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Normal,
    Command,
    Filter,
    Help,
    /// The scale modal.
    Scale,
    /// The describe pane.
    Describe,
    /// The log pane.
    Logs,
    /// Typing a search in the describe or log pane.
    Search,
    /// The `:ctx` picker.
    Picker,
}

impl Mode {
    pub const ALL: &'static [Mode] = &[
        Mode::Normal,
        Mode::Command,
        Mode::Filter,
        Mode::Help,
        Mode::Scale,
        Mode::Describe,
        Mode::Logs,
        Mode::Search,
        Mode::Picker,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Command => "command",
            Mode::Filter => "filter",
            Mode::Help => "help",
            Mode::Scale => "scale",
            Mode::Describe => "describe",
            Mode::Logs => "logs",
            Mode::Search => "search",
            Mode::Picker => "picker",
        }
    }
}

/// A key as written in a keymap file: `j`, `G`, `ctrl-c`, `enter`, `backtab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "space" => KeyCode::Char(' '),
            f if f.starts_with('f')
                && f.len() > 1
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                KeyCode::F(f[1..].parse().ok()?)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        // Terminals report shift-letters as the uppercase char (plus SHIFT); the char is enough.
        Key {
            code: e.code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Delete => "delete".into(),
            KeyCode::F(n) => format!("f{n}"),
            KeyCode::Char(' ') => "space".into(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".into(),
        };
        let mut out = String::new();
        if self.ctrl {
            out.push_str("ctrl-");
        }
        if self.alt {
            out.push_str("alt-");
        }
        out.push_str(&base);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub desc: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub name: String,
    modes: BTreeMap<Mode, Vec<(Key, Binding)>>,
}

impl Keymap {
    pub fn action(&self, mode: Mode, key: &Key) -> Option<Action> {
        self.modes
            .get(&mode)?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, b)| b.action)
    }

    /// Bindings of a mode grouped by action, in action order: `(action, desc, keys)`.
    pub fn help(&self, mode: Mode) -> Vec<(Action, String, Vec<String>)> {
        let mut by_action: BTreeMap<Action, (String, Vec<String>)> = BTreeMap::new();
        for (key, b) in self.modes.get(&mode).into_iter().flatten() {
            let e = by_action
                .entry(b.action)
                .or_insert_with(|| (b.desc.clone(), Vec::new()));
            e.1.push(key.label());
        }
        by_action
            .into_iter()
            .map(|(a, (d, mut k))| {
                // Short keys first: "q" before "ctrl-c".
                k.sort_by(|x, y| (x.chars().count(), x).cmp(&(y.chars().count(), y)));
                (a, d, k)
            })
            .collect()
    }

    /// The first key bound to an action, for hints (`<:> command`).
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<String> {
        self.help(mode)
            .into_iter()
            .find(|(a, _, _)| *a == action)
            .and_then(|(_, _, keys)| keys.into_iter().next())
    }

    pub fn builtin(name: &str) -> Option<Keymap> {
        let text = BUILTIN.iter().find(|(n, _)| *n == name)?.1;
        let mut km = Keymap {
            name: name.to_owned(),
            modes: BTreeMap::new(),
        };
        km.overlay(text, &format!("keymaps/{name}.toml"), &mut Vec::new())
            .ok()?;
        Some(km)
    }

    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// `--keymap NAME|FILE` (or `[ui] keymap`), then `$XDG_CONFIG_HOME/fleetdeck/keymap.toml`.
    pub fn load(spec: Option<&str>, user_dir: Option<&Path>) -> (Keymap, Vec<String>) {
        let base = Keymap::builtin("default").unwrap_or_else(|| Keymap {
            name: "default".into(),
            modes: BTreeMap::new(),
        });
        layered::load(base, spec, user_dir)
    }

    fn overlay(
        &mut self,
        text: &str,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        let doc: toml::Table =
            toml::from_str(text).map_err(|e| format!("{file}: {}", crate::errors::one_line(&e)))?;
        for (mode_name, keys) in &doc {
            let Some(mode) = Mode::ALL.iter().copied().find(|m| m.name() == mode_name) else {
                warnings.push(format!(
                    "{file}: unknown mode `[{mode_name}]` (known: normal, command, filter, help, scale, describe, logs, search, picker)"
                ));
                continue;
            };
            let Some(keys) = keys.as_table() else {
                return Err(format!(
                    "{file}: `{mode_name}` must be a table of key = {{ action, desc }}"
                ));
            };
            let bindings = self.modes.entry(mode).or_default();
            for (key_text, spec) in keys {
                let at = format!("{mode_name}.\"{key_text}\"");
                let key = Key::parse(key_text)
                    .ok_or_else(|| format!("{file}: {at}: {key_text:?} is not a key (e.g. \"j\", \"ctrl-c\", \"enter\", \"pgdn\")"))?;
                let (action_name, desc) = match spec {
                    toml::Value::String(s) => (s.as_str(), None),
                    toml::Value::Table(t) => {
                        for k in t.keys().filter(|k| *k != "action" && *k != "desc") {
                            warnings.push(format!(
                                "{file}: unknown key `{at}.{k}` (expected action, desc)"
                            ));
                        }
                        let a = t
                            .get("action")
                            .and_then(toml::Value::as_str)
                            .ok_or_else(|| format!("{file}: {at} = {spec}: expected {{ action = \"…\", desc = \"…\" }}"))?;
                        (a, t.get("desc").and_then(toml::Value::as_str))
                    }
                    other => {
                        return Err(format!(
                            "{file}: {at} = {other}: expected an action name or {{ action, desc }}"
                        ));
                    }
                };
                bindings.retain(|(k, _)| *k != key);
                if action_name == "none" {
                    continue;
                }
                let action = Action::from_name(action_name).ok_or_else(|| {
                    let known: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                    format!(
                        "{file}: {at}.action = {action_name:?}: unknown action (known: {})",
                        known.join(", ")
                    )
                })?;
                bindings.push((
                    key,
                    Binding {
                        action,
                        desc: desc.unwrap_or(action.description()).to_owned(),
                    },
                ));
            }
        }
        Ok(())
    }
}

impl layered::Layered for Keymap {
    const WHAT: &'static str = "keymap";

    fn builtin(name: &str) -> Option<Self> {
        Keymap::builtin(name)
    }

    fn builtin_names() -> Vec<&'static str> {
        Keymap::builtin_names()
    }

    fn overlay_text(
        &mut self,
        text: &str,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        self.overlay(text, file, warnings)
    }

    fn set_name(&mut self, name: String) {
        self.name = name;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::parse(s).expect(s)
    }

    #[test]
    fn builtins_parse_and_reserve_describe_logs_scale() {
        let d = Keymap::builtin("default").expect("default");
        assert_eq!(d.action(Mode::Normal, &key("q")), Some(Action::Quit));
        assert_eq!(d.action(Mode::Normal, &key("ctrl-c")), Some(Action::Quit));
        assert_eq!(d.action(Mode::Normal, &key("d")), Some(Action::Describe));
        assert_eq!(d.action(Mode::Normal, &key("l")), Some(Action::Logs));
        assert_eq!(d.action(Mode::Normal, &key("s")), Some(Action::Scale));
        let v = Keymap::builtin("vim").expect("vim");
        assert_eq!(v.action(Mode::Normal, &key("l")), Some(Action::Enter));
        assert_eq!(v.action(Mode::Normal, &key("h")), Some(Action::Back));
    }

    #[test]
    fn user_file_overrides_only_its_keys_and_warns_on_unknown() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("keymap.toml"),
            "[normal]\nx = \"quit\"\nj = \"none\"\n\"K\" = { action = \"up\", colour = \"red\" }\n[insert]\n",
        )
        .expect("write");
        let (km, warnings) = Keymap::load(None, Some(dir.path()));
        assert_eq!(km.action(Mode::Normal, &key("x")), Some(Action::Quit));
        assert_eq!(km.action(Mode::Normal, &key("j")), None);
        assert_eq!(km.action(Mode::Normal, &key("k")), Some(Action::Up));
        assert_eq!(km.action(Mode::Normal, &key("K")), Some(Action::Up));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("colour")));
        assert!(warnings.iter().any(|w| w.contains("[insert]")));
    }

    #[test]
    fn bad_action_names_file_key_and_value() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("k.toml");
        std::fs::write(&path, "[normal]\nq = \"qiut\"\n").expect("write");
        let (km, warnings) = Keymap::load(Some(path.to_str().expect("utf8")), None);
        assert_eq!(km, Keymap::builtin("default").expect("default"));
        assert!(
            warnings[0].contains("k.toml")
                && warnings[0].contains("normal.\"q\"")
                && warnings[0].contains("qiut"),
            "{warnings:?}"
        );
    }

    #[test]
    fn help_groups_keys_by_action() {
        let d = Keymap::builtin("default").expect("default");
        let help = d.help(Mode::Normal);
        let quit = help
            .iter()
            .find(|(a, _, _)| *a == Action::Quit)
            .expect("quit");
        assert_eq!(quit.2, vec!["q".to_string(), "ctrl-c".to_string()]);
    }
}
