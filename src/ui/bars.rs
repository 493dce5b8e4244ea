//! The top bar (fleet summary and scope), the tab line with breadcrumbs, and
//! the footer (command line, filter, messages, key hints).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::model::freshness::Heard;
use crate::model::status::SourceState;
use crate::model::text::sanitize;
use crate::view::commands;
use crate::view::nav::ViewKind;
use crate::view::state::State;

pub fn top(f: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let title = t.style(Role::Title);
    let mut spans = vec![Span::styled(" fleetdeck ", title)];
    let sep = || Span::styled(" │ ", t.style(Role::Muted));
    spans.push(Span::styled(
        format!(" ctx: {} ", state.cluster_scope.as_deref().unwrap_or("all")),
        t.style(Role::Text),
    ));
    spans.push(sep());
    spans.push(Span::styled(
        format!("ns: {}", state.namespace_scope.as_deref().unwrap_or("all")),
        t.style(Role::Text),
    ));
    spans.push(sep());
    let (mut live, mut syncing, mut bad) = (0, 0, 0);
    for c in state.fleet.clusters.values() {
        match c.overall() {
            SourceState::Live => live += 1,
            SourceState::Syncing => syncing += 1,
            _ => bad += 1,
        }
    }
    spans.push(Span::styled(
        format!("clusters {live} live"),
        t.style(Role::Ok),
    ));
    if syncing > 0 {
        spans.push(Span::styled(
            format!(", {syncing} syncing"),
            t.style(Role::Muted),
        ));
    }
    if bad > 0 {
        spans.push(Span::styled(
            format!(", {bad} degraded"),
            t.style(Role::Critical),
        ));
        // When each one we cannot see now was last heard from.
        let heard: Vec<String> = state
            .fleet
            .clusters
            .values()
            .filter(|c| c.overall().error().is_some() && c.heard() != Heard::Now)
            .map(|c| format!("{} heard {}", c.name, c.heard().label(state.now)))
            .collect();
        if !heard.is_empty() {
            spans.push(Span::styled(
                format!(" ({})", heard.join(", ")),
                t.style(Role::Warn),
            ));
        }
    }
    let nodes: Vec<_> = state
        .fleet
        .gateways
        .values()
        .flat_map(|g| g.nodes.values())
        .collect();
    if !nodes.is_empty() {
        let ok = nodes.iter().filter(|n| n.healthy()).count();
        spans.push(sep());
        let role = if ok == nodes.len() {
            Role::Ok
        } else {
            Role::Critical
        };
        spans.push(Span::styled(
            format!("kong {ok}/{} healthy", nodes.len()),
            t.style(role),
        ));
    }
    if !state.fleet.aws.is_empty() {
        let bad = state
            .fleet
            .aws
            .values()
            .filter(|r| r.state.error().is_some())
            .count();
        spans.push(sep());
        let role = if bad > 0 { Role::Warn } else { Role::Ok };
        spans.push(Span::styled(
            format!(
                "aws {}/{} regions",
                state.fleet.aws.len() - bad,
                state.fleet.aws.len()
            ),
            t.style(role),
        ));
    }
    if state.readonly {
        spans.push(sep());
        spans.push(Span::styled("readonly", t.style(Role::Warn)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn tabs(f: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let root = state
        .nav
        .iter()
        .next()
        .map(|e| e.kind())
        .unwrap_or_default();
    let mut spans = Vec::new();
    for v in ViewKind::TABS {
        let style = if *v == root {
            t.style(Role::Selected)
        } else {
            t.style(Role::Muted)
        };
        spans.push(Span::styled(format!(" {} ", v.title()), style));
        spans.push(Span::raw(" "));
    }
    for e in state.nav.iter().skip(1) {
        let scope = e.scope.describe();
        spans.push(Span::styled(" › ", t.style(Role::Muted)));
        spans.push(Span::styled(
            e.kind().title().to_owned(),
            t.style(Role::Header),
        ));
        if !scope.is_empty() {
            spans.push(Span::styled(
                format!(" [{}]", sanitize(&scope)),
                t.style(Role::Text),
            ));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn footer(f: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let line = match state.mode {
        Mode::Command => {
            let ghost = commands::completion(state, &state.input).unwrap_or_default();
            let rest = ghost
                .strip_prefix(state.input.as_str())
                .unwrap_or("")
                .to_owned();
            Line::from(vec![
                Span::styled(format!(":{}", state.input), t.style(Role::Command)),
                Span::styled("█", t.style(Role::Command)),
                Span::styled(rest, t.style(Role::Hint)),
            ])
        }
        Mode::Search => Line::from(vec![
            Span::styled(format!("/{}", state.input), t.style(Role::Command)),
            Span::styled("█", t.style(Role::Command)),
            Span::styled("  enter search · esc cancel", t.style(Role::Hint)),
        ]),
        Mode::Filter => Line::from(vec![
            Span::styled(format!("/{}", state.input), t.style(Role::Command)),
            Span::styled("█", t.style(Role::Command)),
            Span::styled("  enter keep · esc clear", t.style(Role::Hint)),
        ]),
        _ => {
            // Messages name objects: drawn sanitized like every other text.
            if let Some(w) = state.warnings.first() {
                Line::from(Span::styled(sanitize(w), t.style(Role::Flash)))
            } else if let Some((msg, _)) = &state.flash {
                Line::from(Span::styled(sanitize(msg), t.style(Role::Flash)))
            } else if let Some(w) = &state.act.watch {
                // After a fix, until its verdict has been shown for a while.
                Line::from(Span::styled(
                    sanitize(&w.text(state.now)),
                    t.style(Role::Flash),
                ))
            } else if state.act.overlay.is_some() {
                // The open pane or modal shows its own keys.
                Line::from("")
            } else {
                hints(state)
            }
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

fn hints(state: &State) -> Line<'static> {
    let t = &state.theme;
    let mut spans = Vec::new();
    for (action, label) in [
        (Action::Command, "command"),
        (Action::Filter, "filter"),
        (Action::Enter, "drill in"),
        (Action::Back, "back"),
        (Action::NextView, "next view"),
        (Action::SortNext, "sort"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ] {
        if let Some(k) = state.keymap.key_for(Mode::Normal, action) {
            spans.push(Span::styled(format!("<{k}>"), t.style(Role::Key)));
            spans.push(Span::styled(format!(" {label}  "), t.style(Role::Hint)));
        }
    }
    Line::from(spans)
}
