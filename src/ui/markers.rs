//! Severity markers: rows whose object a finding involves get the worst
//! severity's glyph painted on the table's left border, the same in every
//! view, without changing any view's columns.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::nav::{NavEntry, ViewKind};
use crate::app::state::State;
use crate::diagnose::{ObjectRef, Severity};
use crate::ui::table::{Line, TableModel};

/// The object a row of `view` shows, from its row id.
pub fn object_of(view: ViewKind, entry: &NavEntry, id: &str) -> Option<ObjectRef> {
    let split = |n: usize| -> Option<Vec<&str>> {
        let mut parts: Vec<&str> = id.rsplitn(n, '/').collect();
        parts.reverse();
        (parts.len() == n).then_some(parts)
    };
    Some(match view {
        ViewKind::Pods | ViewKind::Pvc | ViewKind::Hpa => {
            let p = split(3)?;
            let kind = match view {
                ViewKind::Pods => "Pod",
                ViewKind::Pvc => "PersistentVolumeClaim",
                _ => "HorizontalPodAutoscaler",
            };
            ObjectRef::new(p[0], kind, p[1], p[2])
        }
        ViewKind::Nodes => {
            let p = split(2)?;
            ObjectRef::new(p[0], "Node", "", p[1])
        }
        ViewKind::Workloads => {
            let p = split(4)?;
            ObjectRef::new(p[0], p[1], p[2], p[3])
        }
        ViewKind::Fleet => {
            let c = id.strip_prefix("k8s/")?;
            ObjectRef::new(c, "Cluster", "", c)
        }
        ViewKind::Gateways => {
            let (g, n) = id.rsplit_once('/')?;
            if n == "-" {
                ObjectRef::new("", "Gateway", "", g)
            } else {
                ObjectRef::new("", "KongNode", g, n)
            }
        }
        ViewKind::Upstreams => {
            let (u, _) = id.rsplit_once('@')?;
            ObjectRef::new("", "KongUpstream", entry.scope.gateway.as_deref()?, u)
        }
        ViewKind::Kind(k) => {
            let p = split(3)?;
            ObjectRef::new(p[0], k.api_kind(), p[1], p[2])
        }
        ViewKind::Targets | ViewKind::Aws | ViewKind::Findings => return None,
    })
}

/// The worst severity of the findings about a row, if any.
pub fn mark(state: &State, view: ViewKind, entry: &NavEntry, id: &str) -> Option<Severity> {
    if state.findings.marks.is_empty() {
        return None;
    }
    let o = object_of(view, entry, id)?;
    let direct = state.findings.marks.get(&o).copied();
    // A cluster row also carries the worst finding inside it.
    if o.kind == "Cluster" {
        let inside = state
            .findings
            .list
            .iter()
            .filter(|f| f.objects.iter().any(|x| x.cluster == o.name))
            .map(|f| f.severity)
            .max();
        return direct.max(inside);
    }
    direct
}

/// Paints the markers of the visible rows on the left border of `area`.
pub fn paint(
    f: &mut Frame,
    area: Rect,
    state: &State,
    model: &TableModel<'_>,
    lines: &[Line],
    entry: &NavEntry,
) {
    let view = entry.kind();
    if view == ViewKind::Findings || state.findings.marks.is_empty() {
        return;
    }
    let top = area.y.saturating_add(2);
    let height = usize::from(area.height.saturating_sub(3));
    for (row, line) in lines
        .iter()
        .skip(entry.offset.get())
        .take(height)
        .enumerate()
    {
        let Line::Row(i) = line else { continue };
        let Some(r) = model.rows.get(*i) else {
            continue;
        };
        if let Some(sev) = mark(state, view, entry, &r.id) {
            let style = state.theme.style(super::views::findings::role(sev));
            let y = top + row as u16;
            f.buffer_mut().set_string(area.x, y, sev.glyph(), style);
        }
    }
}
