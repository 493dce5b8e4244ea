//! Severity markers: rows whose object a finding involves get the worst
//! severity's glyph painted on the table's left border, the same in every
//! view, without changing any view's columns.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::diagnose::{ObjectRef, Severity};
use crate::view::arranged::{Arranged, Line};
use crate::view::nav::{NavEntry, Target, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

/// The diagnosis object a row's subject is, for the kinds findings name.
pub fn object_of(subject: &Subject) -> Option<ObjectRef> {
    Some(match subject {
        Subject::Kube(k) => ObjectRef::new(&k.cluster, &k.kind, &k.namespace, &k.name),
        Subject::Cluster(c) => ObjectRef::new(c, "Cluster", "", c),
        Subject::Gateway(g) => ObjectRef::new("", "Gateway", "", g),
        Subject::KongNode { gateway, node } => ObjectRef::new("", "KongNode", gateway, node),
        Subject::KongUpstream {
            gateway, upstream, ..
        } => ObjectRef::new("", "KongUpstream", gateway, upstream),
        Subject::KongTarget { .. }
        | Subject::AwsRegion(_)
        | Subject::EksCluster { .. }
        | Subject::FargateProfile { .. }
        | Subject::Nodegroup { .. }
        | Subject::EcsCluster { .. }
        | Subject::EcsService { .. }
        | Subject::EcsTask { .. }
        | Subject::Finding { .. } => return None,
    })
}

/// The worst severity of the findings about a row, if any.
pub fn mark(state: &State, subject: &Subject) -> Option<Severity> {
    if state.findings.marks.is_empty() {
        return None;
    }
    let o = object_of(subject)?;
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
    arranged: &Arranged<Target>,
    entry: &NavEntry,
) {
    let view = entry.kind();
    if view == ViewKind::Findings || state.findings.marks.is_empty() {
        return;
    }
    let top = area.y.saturating_add(2);
    let height = usize::from(area.height.saturating_sub(3));
    for (row, line) in arranged
        .lines
        .iter()
        .skip(entry.offset.get())
        .take(height)
        .enumerate()
    {
        let Line::Row(i) = line else { continue };
        let Some(r) = arranged.rows.get(*i) else {
            continue;
        };
        if let Some(sev) = mark(state, &r.subject) {
            let style = state.theme.style(super::views::findings::role(sev));
            let y = top + row as u16;
            f.buffer_mut().set_string(area.x, y, sev.glyph(), style);
        }
    }
}
