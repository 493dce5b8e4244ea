//! One file per view. Each builds a [`TableModel`] from the state: pure, no IO.

pub mod aws;
pub mod common;
pub mod describe;
pub mod endpoints;
pub mod events;
pub mod findings;
pub mod fleet;
pub mod freshness;
pub mod gateways;
pub mod hpa;
pub mod ingresses;
pub mod logs;
pub mod namespaces;
pub mod nodes;
pub mod overlay;
pub mod pods;
pub mod pvc;
pub mod pvs;
pub mod scale_modal;
pub mod secrets;
pub mod services;
pub mod storageclasses;
pub mod targets;
pub mod upstreams;
pub mod workloads;

use crate::kinds::KindView;
use crate::ui::table::TableModel;
use crate::view::nav::{NavEntry, ViewKind};
use crate::view::state::State;

/// `(title, what it shows)` of the columns of `view` that explain
/// themselves, for `?`.
pub fn columns_about(view: ViewKind) -> Vec<(&'static str, &'static str)> {
    use crate::ui::columns::explained;
    match view {
        ViewKind::Gateways => explained::<gateways::GatewayColumn>(),
        ViewKind::Upstreams => explained::<upstreams::UpstreamColumn>(),
        ViewKind::Targets => explained::<targets::TargetColumn>(),
        _ => Vec::new(),
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let mut model = build_view(state, entry);
    freshness::mark(state, &mut model);
    model
}

fn build_view<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    match entry.kind() {
        ViewKind::Fleet => fleet::build(state, entry),
        ViewKind::Nodes => nodes::build(state, entry),
        ViewKind::Pods => pods::build(state, entry),
        ViewKind::Workloads => workloads::build(state, entry),
        ViewKind::Hpa => hpa::build(state, entry),
        ViewKind::Pvc => pvc::build(state, entry),
        ViewKind::Gateways => gateways::build(state, entry),
        ViewKind::Upstreams => upstreams::build(state, entry),
        ViewKind::Targets => targets::build(state, entry),
        ViewKind::Aws => aws::build(state, entry),
        ViewKind::Findings => findings::build(state, entry),
        ViewKind::Kind(k) => match k.view() {
            KindView::Own(_, build) => build(state, entry),
            // Only `Own` kinds are opened as `ViewKind::Kind`; say so rather than panic.
            KindView::In(_) | KindView::Hidden => TableModel::new(
                vec![],
                vec![],
                vec![],
                Box::new(NoCells),
                format!("{} have no view of their own", k.label()),
            ),
        },
    }
}

/// The rows of `subjects` alone, for views that can make a row by itself
/// (their rows are kept up to date change by change); `None` for the others.
pub fn build_some<'a>(
    state: &'a State,
    entry: &NavEntry,
    subjects: &[crate::view::subject::Subject],
) -> Option<TableModel<'a>> {
    let mut model = match entry.kind() {
        ViewKind::Pods => pods::build_some(state, entry, subjects),
        ViewKind::Nodes => nodes::build_some(state, entry, subjects),
        ViewKind::Findings => findings::build_some(state, entry, subjects),
        _ => return None,
    };
    // Muted and dated like the same rows of a whole build.
    freshness::mark(state, &mut model);
    Some(model)
}

/// Whether [`build_some`] makes this view's rows one by one.
pub fn keeps_rows(view: ViewKind) -> bool {
    matches!(view, ViewKind::Pods | ViewKind::Nodes | ViewKind::Findings)
}

/// The order of a view the user has not sorted, when it is not its rows'
/// identity: findings rank by their incident tree, worst first.
pub fn implicit_sort(view: ViewKind) -> Option<(crate::ui::columns::ColumnId, bool)> {
    (view == ViewKind::Findings).then_some(("severity", false))
}

/// The cells of a table without rows.
struct NoCells;

impl crate::ui::columns::Cells for NoCells {
    fn cell(&self, _row: usize, _col: usize) -> Option<crate::ui::table::Cell> {
        None
    }

    fn sort_key(&self, _row: usize, _col: usize) -> Option<crate::ui::columns::SortKey> {
        None
    }
}
