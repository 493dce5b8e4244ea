//! The scale modal: current → new for the chosen field, the HPA warning and
//! its min/max, the validation error, the keys.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::scale::{Field, ScaleModal, ScaleTarget};
use crate::view::state::State;

/// The confirmation of a fix: what, to which object, where, and what follows.
pub fn confirm(f: &mut Frame, state: &State, c: &crate::view::panes::confirm::Confirm) {
    let t = &state.theme;
    let mut lines = vec![
        Line::from(Span::styled(
            crate::model::text::sanitize(&format!("fix {}", c.about)),
            t.style(Role::Title),
        )),
        Line::from(""),
    ];
    for l in &c.lines {
        lines.push(Line::from(Span::styled(
            crate::model::text::sanitize(l),
            t.style(Role::Text),
        )));
    }
    lines.push(Line::from(""));
    lines.push(super::overlay::hints(
        state,
        Mode::Scale,
        &[(Action::Submit, "apply"), (Action::Cancel, "cancel")],
    ));
    let area = crate::ui::centered(f.area(), 110, lines.len() as u16 + 6);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            " confirm — enter applies, esc cancels ",
            t.style(Role::Header),
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn render(f: &mut Frame, state: &State, m: &ScaleModal) {
    let t = &state.theme;
    let field_line = |label: &str, from: String, to: &str, focused: bool| {
        let value_style = if focused {
            t.style(Role::Selected)
        } else {
            t.style(Role::Text)
        };
        Line::from(vec![
            Span::styled(
                format!("{} {label:<12}", if focused { "›" } else { " " }),
                t.style(Role::Header),
            ),
            Span::styled(format!("{from} → "), t.style(Role::Muted)),
            Span::styled(format!(" {to} "), value_style),
        ])
    };
    let what = match &m.target {
        ScaleTarget::Workload(_) | ScaleTarget::Hpa(_) => "replicas",
        ScaleTarget::Nodegroup { .. } => "desired size",
        ScaleTarget::EcsService { .. } => "desired count",
    };
    let mut lines = vec![Line::from(Span::styled(
        crate::model::text::sanitize(&m.title),
        t.style(Role::Title),
    ))];
    lines.push(Line::from(""));
    if let Some(h) = &m.hpa {
        if !matches!(m.target, ScaleTarget::Hpa(_)) {
            lines.push(Line::from(Span::styled(
                format!(
                    "HPA {} owns this scale ({}..{}, now {}): a manual replica count would be undone by it.",
                    h.object.name, h.min, h.max, h.current
                ),
                t.style(Role::Warn),
            )));
            lines.push(Line::from(Span::styled(
                "Change the HPA's min/max instead:",
                t.style(Role::Text),
            )));
        }
        lines.push(field_line(
            "HPA min",
            h.min.to_string(),
            &h.new_min,
            m.field == Field::HpaMin,
        ));
        lines.push(field_line(
            "HPA max",
            h.max.to_string(),
            &h.new_max,
            m.field == Field::HpaMax,
        ));
        lines.push(Line::from(""));
    }
    if !matches!(m.target, ScaleTarget::Hpa(_)) {
        lines.push(field_line(
            what,
            m.current.to_string(),
            &m.value,
            m.field == Field::Replicas,
        ));
        if m.replicas_fight_hpa() {
            lines.push(Line::from(Span::styled(
                "  the HPA will scale it back within its next sync",
                t.style(Role::Warn),
            )));
        }
    }
    if let ScaleTarget::Nodegroup { min, max, .. } = &m.target {
        lines.push(Line::from(Span::styled(
            format!("  within min {min} and max {max} (UpdateNodegroupConfig)"),
            t.style(Role::Muted),
        )));
    }
    lines.push(Line::from(""));
    if let Some(e) = &m.error {
        lines.push(Line::from(Span::styled(e.clone(), t.style(Role::Critical))));
    }
    let mut items = vec![
        (Action::Submit, "apply"),
        (Action::Cancel, "cancel"),
        (Action::Increase, "+1"),
        (Action::Decrease, "-1"),
    ];
    if m.fields().len() > 1 {
        items.push((Action::NextField, "next field"));
    }
    let mut hint = super::overlay::hints(state, Mode::Scale, &items);
    hint.spans
        .push(Span::styled("digits type a number", t.style(Role::Hint)));
    lines.push(hint);
    let area = crate::ui::centered(f.area(), 92, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            " scale — enter applies, esc cancels ",
            t.style(Role::Header),
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
