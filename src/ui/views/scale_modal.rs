//! The scale modal: the object and where it lives, current → new for the
//! chosen field, who else sets the count, the bounds, the name to type for
//! a change that removes most capacity, the validation error, the keys.
//! When the terminal is too small, the least needed lines go first: the
//! object, the value and the keys stay.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::model::text::sanitize;
use crate::view::panes::scale::{Field, ScaleModal, ScaleTarget};
use crate::view::state::State;

/// How much a line is needed: the lowest numbers stay on a small screen.
type Need = u8;
const MUST: Need = 0;
const HIGH: Need = 1;
const LOW: Need = 2;
const SPACER: Need = 3;

/// The widest label (`desired count`); a space always follows a label.
const LABEL: usize = 13;

/// The confirmation of a fix: what, to which object, where, and what follows.
pub fn confirm(f: &mut Frame, state: &State, c: &crate::view::panes::confirm::Confirm) {
    let t = &state.theme;
    let mut lines = vec![
        Line::from(Span::styled(
            crate::model::text::sanitize(&c.about),
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
    if c.need_name.is_some() {
        lines.push(Line::from(Span::styled(
            format!("name: {}▏", crate::model::text::sanitize(&c.typed)),
            t.style(if c.ready() { Role::Ok } else { Role::Warn }),
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
    let what = match &m.target {
        ScaleTarget::Workload(_) | ScaleTarget::Hpa(_) => "replicas",
        ScaleTarget::Nodegroup { .. } => "desired size",
        ScaleTarget::EcsService { .. } => "desired count",
    };
    let text = |s: String, role: Role| Line::from(Span::styled(s, t.style(role)));
    let area = f.area();
    let width = area.width.min(92);
    let inner_width = usize::from(width.saturating_sub(2));
    let mut title = format!("{} {}", m.header.kind, m.header.object);
    if title.chars().count() > inner_width {
        // Too narrow for kind and namespace: the name is what must show.
        title = m.header.name.clone();
    }
    // Narrow: labels unpadded, so the value still shows.
    let pad = if inner_width < 40 { 0 } else { LABEL };
    let field_line = |label: &str, from: String, to: &str, focused: bool| {
        let value_style = if focused {
            t.style(Role::Selected)
        } else {
            t.style(Role::Text)
        };
        Line::from(vec![
            Span::styled(
                format!("{} {label:<pad$} ", if focused { "›" } else { " " }),
                t.style(Role::Header),
            ),
            Span::styled(format!("{from} → "), t.style(Role::Muted)),
            Span::styled(format!(" {to} "), value_style),
        ])
    };
    let mut lines: Vec<(Need, Line)> = vec![
        (MUST, text(sanitize(&title), Role::Title)),
        (
            HIGH,
            text(sanitize(&format!("in {}", m.header.place)), Role::Text),
        ),
        (SPACER, Line::from("")),
    ];
    if let Some(h) = &m.hpa
        && !matches!(m.target, ScaleTarget::Hpa(_))
    {
        lines.push((
            HIGH,
            text(
                format!(
                    "HPA {} owns this scale ({}..{}, now {}):",
                    h.object.name, h.min, h.max, h.current
                ),
                Role::Warn,
            ),
        ));
        lines.push((
            LOW,
            text(
                "a manual replica count would be undone by it; change its min/max instead.".into(),
                Role::Warn,
            ),
        ));
    }
    for o in &m.owners {
        lines.push((HIGH, text(sanitize(o), Role::Warn)));
    }
    if let Some(h) = &m.hpa {
        let focus = |f: Field| m.field == f || (m.field == Field::Name && m.edited() == f);
        lines.push((
            HIGH,
            field_line(
                "HPA min",
                h.min.to_string(),
                &h.new_min,
                focus(Field::HpaMin),
            ),
        ));
        lines.push((
            HIGH,
            field_line(
                "HPA max",
                h.max.to_string(),
                &h.new_max,
                focus(Field::HpaMax),
            ),
        ));
    }
    if !matches!(m.target, ScaleTarget::Hpa(_)) {
        let focused = m.field == Field::Replicas;
        let need = if m.hpa.is_some() { HIGH } else { MUST };
        lines.push((
            need,
            field_line(what, m.current.to_string(), &m.value, focused),
        ));
        if m.replicas_fight_hpa() {
            lines.push((
                LOW,
                text(
                    "  the HPA will scale it back within its next sync".into(),
                    Role::Warn,
                ),
            ));
        }
        let b = &m.bounds;
        let range = if b.min == 0 {
            format!("  up to {} ({})", b.max, b.max_why)
        } else {
            format!(
                "  from {} ({}) to {} ({})",
                b.min, b.min_why, b.max, b.max_why
            )
        };
        lines.push((LOW, text(range, Role::Muted)));
    }
    if let Some(why) = m.needs_name() {
        lines.push((
            HIGH,
            text(
                sanitize(&format!("{why}: type {} to confirm", m.header.name)),
                Role::Warn,
            ),
        ));
        let focused = m.field == Field::Name;
        let style = if focused {
            t.style(Role::Selected)
        } else {
            t.style(Role::Text)
        };
        lines.push((
            HIGH,
            Line::from(vec![
                Span::styled(
                    format!("{} {:<pad$} ", if focused { "›" } else { " " }, "name"),
                    t.style(Role::Header),
                ),
                Span::styled(
                    format!("{}{}", sanitize(&m.typed), if focused { "▏" } else { "" }),
                    style,
                ),
            ]),
        ));
        lines.push((
            LOW,
            text(
                "  enter does nothing until the name matches".into(),
                Role::Muted,
            ),
        ));
    }
    if let Some(e) = &m.error {
        lines.push((HIGH, text(sanitize(e), Role::Critical)));
    }
    lines.push((SPACER, Line::from("")));

    let naming = m.field == Field::Name;
    let mut items = vec![(Action::Submit, "apply"), (Action::Cancel, "cancel")];
    if !naming {
        items.extend([(Action::Increase, "+1"), (Action::Decrease, "-1")]);
    }
    if m.fields().len() > 1 {
        items.push((Action::NextField, "next field"));
    }
    let mut hint = super::overlay::hints(state, Mode::Scale, &items);
    let typing = if naming {
        "keys type the name"
    } else {
        "digits type a number"
    };
    hint.spans.push(Span::styled(typing, t.style(Role::Hint)));
    if hint.width() > inner_width {
        // Too narrow for every key: the two that decide stay whole.
        hint = super::overlay::hints(state, Mode::Scale, &items[..2]);
    }
    if hint.width() > inner_width {
        hint = compact_hint(state);
    }
    lines.push((MUST, hint));

    let rows = usize::from(area.height.saturating_sub(2));
    let lines = fit(lines, rows);
    let area = crate::ui::centered(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            " scale — enter applies, esc cancels ",
            t.style(Role::Header),
        ));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// `<enter>ok <esc>no`: the two deciding keys in the fewest columns.
fn compact_hint(state: &State) -> Line<'static> {
    let t = &state.theme;
    let mut spans = Vec::new();
    for (action, label) in [(Action::Submit, "ok "), (Action::Cancel, "no")] {
        if let Some(k) = state.keymap.key_for(Mode::Scale, action) {
            spans.push(Span::styled(format!("<{k}>"), t.style(Role::Key)));
            spans.push(Span::styled(label, t.style(Role::Hint)));
        }
    }
    Line::from(spans)
}

/// The lines that fit in `rows`, dropping the least needed first (the
/// lowest of them first), in their order.
fn fit(mut lines: Vec<(Need, Line<'_>)>, rows: usize) -> Vec<Line<'_>> {
    while lines.len() > rows.max(1) {
        let Some(drop) = (0..lines.len()).max_by_key(|&i| lines[i].0) else {
            break;
        };
        lines.remove(drop);
    }
    lines.into_iter().map(|(_, l)| l).collect()
}
