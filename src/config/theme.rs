//! Themes name roles (header, selected, ok, warn, critical, fargate, ec2…),
//! not colours. Built-ins are the files in `themes/`, embedded; a user file
//! overrides only the roles and attributes it sets.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::layered;

const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

macro_rules! roles {
    ($($variant:ident => $name:literal,)*) => {
        /// What a piece of text means; the theme decides how it looks.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Role { $($variant,)* }
        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$variant,)*];
            pub fn name(self) -> &'static str { match self { $(Role::$variant => $name,)* } }
            pub fn from_name(s: &str) -> Option<Role> { match s { $($name => Some(Role::$variant),)* _ => None } }
        }
    };
}

roles! {
    Text => "text",
    Muted => "muted",
    Title => "title",
    Header => "header",
    Border => "border",
    Selected => "selected",
    Group => "group",
    Ok => "ok",
    Warn => "warn",
    Critical => "critical",
    Fargate => "fargate",
    Ec2 => "ec2",
    Virtual => "virtual",
    Key => "key",
    Command => "command",
    Hint => "hint",
    Flash => "flash",
}

/// One role's look; unset fields inherit from the layer below.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleStyle {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub underlined: Option<bool>,
    pub dim: Option<bool>,
    pub reversed: Option<bool>,
}

impl RoleStyle {
    fn overlay(&mut self, top: &RoleStyle) {
        self.fg = top.fg.or(self.fg);
        self.bg = top.bg.or(self.bg);
        self.bold = top.bold.or(self.bold);
        self.italic = top.italic.or(self.italic);
        self.underlined = top.underlined.or(self.underlined);
        self.dim = top.dim.or(self.dim);
        self.reversed = top.reversed.or(self.reversed);
    }

    pub fn style(&self) -> Style {
        let mut s = Style::default();
        if let Some(c) = self.fg {
            s = s.fg(c);
        }
        if let Some(c) = self.bg {
            s = s.bg(c);
        }
        for (flag, m) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.dim, Modifier::DIM),
            (self.reversed, Modifier::REVERSED),
        ] {
            if flag == Some(true) {
                s = s.add_modifier(m);
            }
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    roles: BTreeMap<Role, RoleStyle>,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.roles
            .get(&role)
            .map(RoleStyle::style)
            .unwrap_or_default()
    }

    pub fn role(&self, role: Role) -> RoleStyle {
        self.roles.get(&role).copied().unwrap_or_default()
    }

    /// The built-in default, which always parses (a test guards it).
    pub fn builtin(name: &str) -> Option<Theme> {
        let text = BUILTIN.iter().find(|(n, _)| *n == name)?.1;
        let mut theme = Theme {
            name: name.to_owned(),
            roles: BTreeMap::new(),
        };
        let mut warnings = Vec::new();
        theme
            .overlay(text, &format!("themes/{name}.toml"), &mut warnings)
            .ok()?;
        Some(theme)
    }

    /// The same theme with every colour removed (`NO_COLOR`): bold, dim and
    /// the rest stay, and a role that a background set apart (the selection,
    /// the title bar) is shown reversed instead.
    pub fn without_colour(mut self) -> Theme {
        for style in self.roles.values_mut() {
            if style.bg.take().is_some() {
                style.reversed = Some(true);
            }
            style.fg = None;
        }
        self
    }

    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// `--theme NAME|FILE` (or `[ui] theme`), then `$XDG_CONFIG_HOME/fleetdeck/theme.toml`
    /// on top. Problems come back as one-line warnings; the default is used instead.
    pub fn load(spec: Option<&str>, user_dir: Option<&Path>) -> (Theme, Vec<String>) {
        let base = Theme::builtin("default").unwrap_or_else(|| Theme {
            name: "default".into(),
            roles: BTreeMap::new(),
        });
        layered::load(base, spec, user_dir)
    }

    /// Applies a theme file on top of `self`. Unknown keys warn; a bad value is an error.
    fn overlay(
        &mut self,
        text: &str,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), String> {
        let doc: toml::Table =
            toml::from_str(text).map_err(|e| format!("{file}: {}", crate::errors::one_line(&e)))?;
        for (key, value) in &doc {
            if key != "roles" {
                warnings.push(format!("{file}: unknown key `{key}` (expected [roles])"));
                continue;
            }
            let Some(roles) = value.as_table() else {
                return Err(format!("{file}: `roles` must be a table"));
            };
            for (name, spec) in roles {
                let Some(role) = Role::from_name(name) else {
                    let known: Vec<_> = Role::ALL.iter().map(|r| r.name()).collect();
                    warnings.push(format!(
                        "{file}: unknown role `roles.{name}` (known: {})",
                        known.join(", ")
                    ));
                    continue;
                };
                let parsed = parse_role(spec, &format!("roles.{name}"), file, warnings)?;
                self.roles.entry(role).or_default().overlay(&parsed);
            }
        }
        Ok(())
    }
}

fn parse_role(
    v: &toml::Value,
    at: &str,
    file: &str,
    warnings: &mut Vec<String>,
) -> Result<RoleStyle, String> {
    let Some(t) = v.as_table() else {
        return Err(format!(
            "{file}: {at} = {v}: expected a table like {{ fg = \"yellow\", bold = true }}"
        ));
    };
    let mut s = RoleStyle::default();
    for (k, val) in t {
        let bad = |what: &str| format!("{file}: {at}.{k} = {val}: expected {what}");
        match k.as_str() {
            "fg" | "bg" => {
                let c = val
                    .as_str()
                    .and_then(|s| Color::from_str(s).ok())
                    .ok_or_else(|| bad("a colour name (red, lightcyan, darkgray…), #rrggbb or 0-255"))?;
                if k == "fg" { s.fg = Some(c) } else { s.bg = Some(c) }
            }
            "bold" | "italic" | "underlined" | "dim" | "reversed" => {
                let b = val.as_bool().ok_or_else(|| bad("true or false"))?;
                let slot = match k.as_str() {
                    "bold" => &mut s.bold,
                    "italic" => &mut s.italic,
                    "underlined" => &mut s.underlined,
                    "dim" => &mut s.dim,
                    _ => &mut s.reversed,
                };
                *slot = Some(b);
            }
            other => warnings.push(format!("{file}: unknown key `{at}.{other}` (expected fg, bg, bold, italic, underlined, dim, reversed)")),
        }
    }
    Ok(s)
}

impl layered::Layered for Theme {
    const WHAT: &'static str = "theme";

    fn builtin(name: &str) -> Option<Self> {
        Theme::builtin(name)
    }

    fn builtin_names() -> Vec<&'static str> {
        Theme::builtin_names()
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

    #[test]
    fn without_colour_keeps_no_colour_and_sets_the_selection_apart() {
        let theme = Theme::builtin("default").expect("default theme");
        assert!(theme.role(Role::Selected).bg.is_some());
        let plain = theme.without_colour();
        for role in Role::ALL {
            let style = plain.style(*role);
            assert_eq!((style.fg, style.bg), (None, None), "{}", role.name());
        }
        assert!(
            plain
                .style(Role::Selected)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert!(
            plain
                .style(Role::Selected)
                .add_modifier
                .contains(Modifier::BOLD)
        );
    }

    #[test]
    fn builtins_parse_and_define_every_role() {
        for name in Theme::builtin_names() {
            let t = Theme::builtin(name).expect(name);
            for role in Role::ALL {
                assert!(t.roles.contains_key(role), "{name} lacks {}", role.name());
            }
        }
    }

    #[test]
    fn user_file_overrides_only_what_it_sets() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("mine.toml");
        std::fs::write(
            &path,
            "[roles]\nwarn = { bg = \"#102030\" }\nbogus = { fg = \"red\" }\n",
        )
        .expect("write");
        let (t, warnings) = Theme::load(Some(path.to_str().expect("utf8")), None);
        let base = Theme::builtin("default").expect("default");
        assert_eq!(t.role(Role::Warn).fg, base.role(Role::Warn).fg);
        assert_eq!(t.role(Role::Warn).bg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(t.role(Role::Ok), base.role(Role::Ok));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("roles.bogus"), "{warnings:?}");
    }

    #[test]
    fn bad_value_names_file_key_and_value_and_falls_back() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[roles]\nwarn = { fg = \"yelow\" }\n").expect("write");
        let (t, warnings) = Theme::load(Some(path.to_str().expect("utf8")), None);
        assert_eq!(t, Theme::builtin("default").expect("default"));
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert!(
            w.contains("bad.toml") && w.contains("roles.warn.fg") && w.contains("yelow"),
            "{w}"
        );
    }
}
