//! The log pane: the buffer's last page when following, the anchored page
//! when paused; markers in the warning colour, search matches highlighted,
//! wrap and timestamps as toggled. Only the visible lines are formatted, so
//! a frame costs the same with 100 or 100,000 lines buffered.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::overlay::{highlight, hints};
use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::logs::{LogPane, SINCE_CHOICES};
use crate::view::state::State;

/// Screen rows a line takes when wrapped at `width`.
fn rows(text: &str, width: usize) -> usize {
    text.chars().count().div_ceil(width.max(1)).max(1)
}

pub fn render(f: &mut Frame, area: Rect, state: &State, p: &LogPane) {
    let t = &state.theme;
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    p.height.set(height.max(1));
    let top = p.view_top();
    // The lines to draw, as text, with whether each is a marker.
    let mut shown: Vec<(String, bool)> = Vec::with_capacity(height);
    let mut scroll = 0u16;
    if p.wrap && p.follow {
        // Bottom-anchored: walk back from the newest line until the page is full.
        let mut used = 0;
        for l in p.buffer.iter().rev() {
            let text = p.display(l);
            used += rows(&text, width);
            shown.push((text, l.marker));
            if used >= height {
                break;
            }
        }
        shown.reverse();
        scroll = used.saturating_sub(height) as u16;
    } else {
        for l in p.buffer.from_seq(top).take(height) {
            shown.push((p.display(l), l.marker));
        }
    }
    let body: Vec<Line> = if shown.is_empty() {
        vec![Line::from(Span::styled(
            "waiting for lines…",
            t.style(Role::Muted),
        ))]
    } else {
        shown
            .iter()
            .map(|(text, marker)| {
                let base = if *marker {
                    t.style(Role::Warn)
                } else {
                    t.style(Role::Text)
                };
                highlight(text, p.search.as_deref(), base, t.style(Role::Selected))
            })
            .collect()
    };
    let state_text = if p.follow {
        "following".to_owned()
    } else {
        format!("PAUSED · {} new below", p.below())
    };
    let mut flags = vec![
        state_text,
        SINCE_CHOICES[p.since % SINCE_CHOICES.len()].label(),
        format!("container {}", p.container.as_deref().unwrap_or("all")),
    ];
    if p.previous {
        flags.push("PREVIOUS".into());
    }
    if p.wrap {
        flags.push("wrap".into());
    }
    if p.timestamps {
        flags.push("timestamps".into());
    }
    flags.push(format!("{}/{} lines", p.buffer.len(), p.buffer.capacity()));
    let status_role = if p.follow { Role::Ok } else { Role::Warn };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            format!(" {} ", crate::model::text::sanitize(&p.title())),
            t.style(Role::Title),
        ))
        .title(
            Line::from(Span::styled(
                format!(" {} ", flags.join(" · ")),
                t.style(status_role),
            ))
            .right_aligned(),
        )
        .title_bottom(hints(
            state,
            Mode::Logs,
            &[
                (Action::Close, "close"),
                (Action::Pause, "pause"),
                (Action::Follow, "follow"),
                (Action::Search, "search"),
                (Action::Wrap, "wrap"),
                (Action::Timestamps, "time"),
                (Action::Container, "container"),
                (Action::Previous, "previous"),
                (Action::Since, "since"),
                (Action::Save, "save"),
            ],
        ));
    let mut para = Paragraph::new(body).block(block);
    if p.wrap {
        para = para.wrap(Wrap { trim: false }).scroll((scroll, 0));
    }
    f.render_widget(Clear, area);
    f.render_widget(para, area);
}
