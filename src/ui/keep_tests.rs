//! The Pods and Nodes views kept up to date change by change: the same
//! rows, in the same order, as a view arranged again from scratch, and a
//! key or a change on 100,000 pods makes rows for the window only.

use jiff::Timestamp;
use proptest::prelude::*;

use crate::app::update::{Event, open_view, update};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::kinds::KubeUpdate;
use crate::model::event::EventRow;
use crate::model::fixtures;
use crate::model::fleet::SourceUpdate;
use crate::model::node::NodeRow;
use crate::model::pod::PodRow;
use crate::model::store::Change;
use crate::view::arranged::{Arranged, Line};
use crate::view::nav::ViewKind;
use crate::view::sort::SortKey;
use crate::view::state::State;
use crate::view::subject::Subject;

const NOW: &str = "2026-03-01T12:00:00Z";

fn state() -> State {
    let now: Timestamp = NOW.parse().expect("timestamp");
    State::new(
        Theme::builtin("default").expect("theme"),
        Keymap::builtin("default").expect("keymap"),
        now,
    )
}

fn send(state: &mut State, cluster: &str, u: KubeUpdate) {
    update(
        state,
        Event::Source(SourceUpdate::Kube {
            cluster: cluster.into(),
            update: u,
        }),
    );
}

/// Pod `n`: running or pending, in one of two namespaces, `restarts` restarts.
fn pod(n: u16, pending: bool, restarts: u32) -> PodRow {
    let mut p: PodRow = if pending {
        (&fixtures::pending_fargate_pod()).into()
    } else {
        (&fixtures::running_fargate_pod()).into()
    };
    if pending {
        // Not yet seen by a scheduler: the latest warning says why.
        p.status = "Pending".into();
        p.notes_mut().message = None;
    }
    p.name = format!("pod-{n}").into();
    p.namespace = if n.is_multiple_of(2) { "a" } else { "B" }.into();
    p.restarts = restarts;
    p
}

/// A warning about pod `n` (it explains a pending pod's status).
fn warning(n: u16, id: u8, reason: &str) -> EventRow {
    EventRow {
        namespace: if n.is_multiple_of(2) { "a" } else { "B" }.into(),
        name: format!("ev-{id}"),
        object_kind: "Pod".into(),
        object_name: format!("pod-{n}"),
        type_: "Warning".into(),
        reason: reason.into(),
        message: "m".into(),
        source: "s".into(),
        count: 1,
        last: NOW.parse().ok(),
    }
}

fn draw(state: &State, height: u16) {
    let backend = ratatui::backend::TestBackend::new(160, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| super::draw(f, state)).expect("draw");
}

/// Each line: its row's subject and sort key, or the group header.
type Shown = Vec<(Option<(Subject, Option<SortKey>)>, Option<Line>)>;

fn lines(a: &Arranged<crate::view::nav::Target>) -> Shown {
    (0..a.lines.len())
        .map(|l| match a.row_at(l) {
            Some(r) => (Some((r.subject.clone(), r.key.clone())), None),
            None => (None, a.lines.get(l).copied()),
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Op {
    Upsert(u16, bool, u32),
    Delete(u16),
    Warn(u16, u8, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u16..24, any::<bool>(), 0u32..4).prop_map(|(n, p, r)| Op::Upsert(n, p, r)),
        2 => (0u16..24).prop_map(Op::Delete),
        3 => (0u16..24, 0u8..4, any::<bool>()).prop_map(|(n, id, b)| Op::Warn(n, id, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random pod and event changes, two clusters, any sort and an optional
    /// filter: after every batch the kept rows equal a fresh arrangement,
    /// and no batch built the whole view.
    #[test]
    fn kept_pods_equal_a_full_rebuild(
        start in prop::collection::vec((0u16..24, any::<bool>(), 0u32..4), 0..20),
        sort in prop_oneof![
            Just(None),
            Just(Some(("restarts", false))),
            Just(Some(("restarts", true))),
            Just(Some(("name", true))),
            Just(Some(("status", false))),
            Just(Some(("namespace", false))),
        ],
        filter in prop_oneof![Just(""), Just("pod-1")],
        batches in prop::collection::vec(
            prop::collection::vec((op(), any::<bool>()), 0..8), 1..6),
    ) {
        let mut s = state();
        for c in ["east", "west"] {
            let rows = start.iter().map(|&(n, p, r)| pod(n, p, r)).collect();
            send(&mut s, c, KubeUpdate::Pods(Change::reset(rows)));
        }
        open_view(&mut s, ViewKind::Pods);
        s.entry_mut().sort = sort;
        s.entry_mut().filter = filter.into();
        draw(&s, 30);
        let builds = s.view_builds.get();
        for batch in batches {
            for (o, west) in batch {
                let c = if west { "west" } else { "east" };
                let u = match o {
                    Op::Upsert(n, p, r) => KubeUpdate::Pods(Change::Apply(pod(n, p, r))),
                    Op::Delete(n) => KubeUpdate::Pods(Change::Delete((
                        pod(n, false, 0).namespace.to_string(),
                        format!("pod-{n}"),
                    ))),
                    Op::Warn(n, id, b) => KubeUpdate::Events(Change::Apply(warning(
                        n,
                        id,
                        if b { "FailedScheduling" } else { "Evicted" },
                    ))),
                };
                send(&mut s, c, u);
            }
            draw(&s, 30);
            prop_assert_eq!(s.view_builds.get(), builds, "changes applied, not rebuilt");
            let kept = lines(&s.arranged.borrow());
            *s.arranged.borrow_mut() = Arranged::default();
            drop(super::arrange(&s));
            prop_assert_eq!(kept, lines(&s.arranged.borrow()));
            let builds_now = s.view_builds.get();
            // The rebuild above is the test's, not the view's.
            prop_assert_eq!(builds_now, builds + 1);
            s.view_builds.set(builds);
        }
    }
}

/// Node `n`: Fargate when `fargate`, else EC2, ready or not.
fn node(n: u8, fargate: bool, ready: bool) -> NodeRow {
    let mut r: NodeRow = if fargate {
        (&fixtures::fargate_node()).into()
    } else {
        (&fixtures::ec2_node()).into()
    };
    r.name = format!("node-{n}");
    r.ready = Some(ready);
    r
}

#[derive(Debug, Clone)]
enum NodeOp {
    Node(u8, bool, bool),
    DropNode(u8),
    /// Pod `n` (re)placed on node `m`.
    Place(u16, u8),
    DropPod(u16),
}

fn node_op() -> impl Strategy<Value = NodeOp> {
    prop_oneof![
        2 => (0u8..10, any::<bool>(), any::<bool>()).prop_map(|(n, f, r)| NodeOp::Node(n, f, r)),
        1 => (0u8..10).prop_map(NodeOp::DropNode),
        4 => (0u16..30, 0u8..10).prop_map(|(p, n)| NodeOp::Place(p, n)),
        2 => (0u16..30).prop_map(NodeOp::DropPod),
    ]
}

fn placed(n: u16, on: u8) -> PodRow {
    let mut p = pod(n, false, 0);
    p.node = Some(format!("node-{on}"));
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Random node and pod changes (pods move between nodes, nodes come and
    /// go, change kind and readiness) on the grouped Nodes view, any sort:
    /// after every batch the kept rows equal a fresh arrangement, and no
    /// batch built the whole view.
    #[test]
    fn kept_nodes_equal_a_full_rebuild(
        start in prop::collection::vec((0u8..10, any::<bool>(), any::<bool>()), 0..8),
        pods in prop::collection::vec((0u16..30, 0u8..10), 0..20),
        sort in prop_oneof![
            Just(None),
            Just(Some(("pods", true))),
            Just(Some(("name", false))),
            Just(Some(("status", true))),
            Just(Some(("hosted-pod", false))),
        ],
        filter in prop_oneof![Just(""), Just("node-1")],
        batches in prop::collection::vec(
            prop::collection::vec((node_op(), any::<bool>()), 0..8), 1..6),
    ) {
        let mut s = state();
        for c in ["east", "west"] {
            let nodes = start.iter().map(|&(n, f, r)| node(n, f, r)).collect();
            send(&mut s, c, KubeUpdate::Nodes(Change::reset(nodes)));
            let rows = pods.iter().map(|&(p, n)| placed(p, n)).collect();
            send(&mut s, c, KubeUpdate::Pods(Change::reset(rows)));
        }
        open_view(&mut s, ViewKind::Nodes);
        s.entry_mut().sort = sort;
        s.entry_mut().filter = filter.into();
        draw(&s, 30);
        let builds = s.view_builds.get();
        for batch in batches {
            for (o, west) in batch {
                let c = if west { "west" } else { "east" };
                let u = match o {
                    NodeOp::Node(n, f, r) => KubeUpdate::Nodes(Change::Apply(node(n, f, r))),
                    NodeOp::DropNode(n) => {
                        KubeUpdate::Nodes(Change::Delete((String::new(), format!("node-{n}"))))
                    }
                    NodeOp::Place(p, n) => KubeUpdate::Pods(Change::Apply(placed(p, n))),
                    NodeOp::DropPod(p) => KubeUpdate::Pods(Change::Delete((
                        pod(p, false, 0).namespace.to_string(),
                        format!("pod-{p}"),
                    ))),
                };
                send(&mut s, c, u);
            }
            draw(&s, 30);
            prop_assert_eq!(s.view_builds.get(), builds, "changes applied, not rebuilt");
            let kept = lines(&s.arranged.borrow());
            *s.arranged.borrow_mut() = Arranged::default();
            drop(super::arrange(&s));
            prop_assert_eq!(kept, lines(&s.arranged.borrow()));
            s.view_builds.set(builds);
        }
    }
}

#[test]
fn keys_and_changes_on_100k_pods_make_rows_for_the_window_only() {
    let mut s = state();
    let rows = (0..50_000)
        .map(|n| pod(n, n.is_multiple_of(7), n as u32 % 5))
        .collect();
    let more = (0..50_000)
        .map(|n| pod(n, n.is_multiple_of(5), 1))
        .collect();
    send(&mut s, "east", KubeUpdate::Pods(Change::reset(rows)));
    send(&mut s, "west", KubeUpdate::Pods(Change::reset(more)));
    open_view(&mut s, ViewKind::Pods);
    s.entry_mut().sort = Some(("restarts", true));
    // 40 lines: at most 37 rows shown; the band holds a screen either side.
    let most = 3 * 37;
    draw(&s, 40);
    assert_eq!(s.arranged.borrow().row_count_shown(), 100_000);
    let builds = s.view_builds.get();
    let press = |s: &mut State, c: char| {
        update(
            s,
            Event::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    };
    for keys in [
        "j",
        "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
        "G",
        "g",
    ] {
        let before = s.rows_built.get();
        for c in keys.chars() {
            press(&mut s, c);
        }
        draw(&s, 40);
        let made = s.rows_built.get() - before;
        assert!(made <= most as u64, "{keys}: {made} rows made");
        assert_eq!(s.view_builds.get(), builds, "{keys}: no view built");
    }
    // A change: one pod row made for it, then the window's.
    let before = s.rows_built.get();
    send(
        &mut s,
        "west",
        KubeUpdate::Pods(Change::Apply(pod(3, false, 9))),
    );
    draw(&s, 40);
    let made = s.rows_built.get() - before;
    assert!(made <= 1 + most as u64, "{made} rows made for one change");
    assert!(made >= 1, "the changed row was made");
    assert_eq!(s.view_builds.get(), builds, "a change builds no view");
    // It sorts first (most restarts) and the top of the table shows it.
    let a = s.arranged.borrow();
    assert_eq!(
        a.row_at(0).map(|r| r.subject.clone()),
        Some(Subject::kube("west", "Pod", "B", "pod-3"))
    );
}
