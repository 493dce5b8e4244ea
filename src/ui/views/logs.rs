//! The log pane: the buffer's last page when following, the anchored page
//! when paused; markers in the warning colour, search matches highlighted,
//! long lines wrapped at the pane's width (or, wrap off, scrolled sideways)
//! and timestamps as toggled. Only the visible lines are formatted, so
//! a frame costs the same with 100 or 100,000 lines buffered.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::overlay::{highlight, hints};
use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::logs::{LogPane, SINCE_CHOICES};
use crate::view::state::State;
use crate::view::wrap::{skip_cells, wrap};

pub fn render(f: &mut Frame, area: Rect, state: &State, p: &LogPane) {
    let t = &state.theme;
    let height = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    p.height.set(height.max(1));
    p.width.set(width.max(1));
    let top = p.view_top();
    // The screen rows to draw, as text, with whether each is a marker's.
    let mut shown: Vec<(String, bool)> = Vec::with_capacity(height);
    if p.wrap && p.follow {
        // Bottom-anchored: walk back from the newest line until the page is full.
        for l in p.buffer.iter().rev() {
            let rows = wrap(&p.display(l), width);
            shown.extend(rows.into_iter().rev().map(|r| (r, l.marker)));
            if shown.len() >= height {
                break;
            }
        }
        shown.truncate(height);
        shown.reverse();
    } else if p.wrap {
        for l in p.buffer.from_seq(top) {
            let rows = wrap(&p.display(l), width);
            shown.extend(rows.into_iter().map(|r| (r, l.marker)));
            if shown.len() >= height {
                break;
            }
        }
        shown.truncate(height);
    } else {
        for l in p.buffer.from_seq(top).take(height) {
            let text = p.display(l);
            shown.push((skip_cells(&text, p.hscroll).to_owned(), l.marker));
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
    flags.push(if p.wrap {
        "wrap".into()
    } else {
        format!("no wrap ←/→ col {}", p.hscroll + 1)
    });
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
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(body).block(block), area);
}
