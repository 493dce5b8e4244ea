//! The describe pane: the text (or YAML) from the scroll offset, wrapped
//! at the pane's width or scrolled sideways (`w`), matches of the search
//! highlighted, position, wrap state and keys in the frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::overlay::{highlight, hints};
use crate::config::keymap::{Action, Mode};
use crate::config::theme::Role;
use crate::view::panes::describe::DescribePane;
use crate::view::state::State;
use crate::view::wrap::skip_cells;

pub fn render(f: &mut Frame, area: Rect, state: &State, p: &DescribePane) {
    let t = &state.theme;
    let height = area.height.saturating_sub(2) as usize;
    p.height.set(height.max(1));
    p.width
        .set(usize::from(area.width.saturating_sub(2)).max(1));
    let rows = p.rows();
    // A search puts its match on the top line, even near the end; a resize
    // since the last key can leave the scroll past the last row: show that row.
    let top = p.scroll.min(rows.len().saturating_sub(1));
    let body: Vec<Line> = if p.loading {
        vec![Line::from(Span::styled("loading…", t.style(Role::Muted)))]
    } else if let Some(e) = &p.error {
        vec![Line::from(Span::styled(
            format!("cannot describe: {e}"),
            t.style(Role::Critical),
        ))]
    } else {
        rows.iter()
            .skip(top)
            .take(height)
            .map(|(_, l)| {
                let shown = if p.wrap {
                    l.as_str()
                } else {
                    skip_cells(l, p.hscroll)
                };
                highlight(
                    shown,
                    p.search.as_deref(),
                    t.style(Role::Text),
                    t.style(Role::Selected),
                )
            })
            .collect()
    };
    let mode = if p.show_yaml { "yaml" } else { "describe" };
    let total = rows.len();
    let wrap = if p.wrap {
        "wrap".to_owned()
    } else {
        format!("no wrap ←/→ col {}", p.hscroll + 1)
    };
    let pos = format!(
        " {mode} · {}-{}/{} · {wrap} ",
        (top + 1).min(total),
        (top + height).min(total),
        total
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
                (Action::Wrap, "wrap"),
                (Action::Search, "search"),
                (Action::SearchNext, "next"),
                (Action::PageDown, "page"),
            ],
        ));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(body).block(block), area);
}
