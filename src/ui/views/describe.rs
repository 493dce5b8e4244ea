//! The describe pane: the text (or YAML) from the scroll offset, matches
//! of the search highlighted, position and keys in the frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::overlay::{highlight, hints};
use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::describe::DescribePane;
use crate::view::state::State;

pub fn render(f: &mut Frame, area: Rect, state: &State, p: &DescribePane) {
    let t = &state.theme;
    let height = area.height.saturating_sub(2) as usize;
    p.height.set(height.max(1));
    let lines = p.lines();
    let body: Vec<Line> = if p.loading {
        vec![Line::from(Span::styled("loading…", t.style(Role::Muted)))]
    } else if let Some(e) = &p.error {
        vec![Line::from(Span::styled(
            format!("cannot describe: {e}"),
            t.style(Role::Critical),
        ))]
    } else {
        lines
            .iter()
            .skip(p.scroll)
            .take(height)
            .map(|l| {
                highlight(
                    l,
                    p.search.as_deref(),
                    t.style(Role::Text),
                    t.style(Role::Selected),
                )
            })
            .collect()
    };
    let mode = if p.show_yaml { "yaml" } else { "describe" };
    let pos = format!(
        " {mode} · {}-{}/{} ",
        (p.scroll + 1).min(lines.len()),
        (p.scroll + height).min(lines.len()),
        lines.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::Border))
        .title(Span::styled(
            format!(" {} ", crate::model::text::sanitize(&p.title)),
            t.style(Role::Title),
        ))
        .title(Line::from(Span::styled(pos, t.style(Role::Muted))).right_aligned())
        .title_bottom(hints(
            state,
            Mode::Describe,
            &[
                (Action::Close, "close"),
                (Action::Yaml, "yaml"),
                (Action::Search, "search"),
                (Action::SearchNext, "next"),
                (Action::PageDown, "page"),
            ],
        ));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(body).block(block), area);
}
