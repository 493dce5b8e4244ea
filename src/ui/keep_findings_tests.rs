//! The Findings view kept like Pods and Nodes: source updates leave its
//! rows alone, an unfold re-makes the incident's rows only, and the rows
//! always equal an arrangement made from scratch; keys and the clock on
//! 20,000 findings make rows for the window only.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use crate::app::update::{Event, open_view, update};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::diagnose::codes::Code;
use crate::diagnose::incidents::Incident;
use crate::diagnose::{Finding, Findings, ObjectRef};
use crate::kinds::KubeUpdate;
use crate::model::fixtures;
use crate::model::fleet::SourceUpdate;
use crate::model::store::Change;
use crate::view::arranged::Arranged;
use crate::view::findings_index::{FindingIndex, subject};
use crate::view::nav::ViewKind;
use crate::view::state::{Diagnosed, State};

fn state() -> State {
    let now: Timestamp = "2026-03-01T12:00:00Z".parse().expect("timestamp");
    State::new(
        Theme::builtin("default").expect("theme"),
        Keymap::builtin("default").expect("keymap"),
        now,
    )
}

/// `incidents` incidents, incident `n` a crash loop on pod `n` with
/// `symptoms[n]` services without endpoints folded under it.
fn findings(symptoms: &[u8]) -> Findings {
    findings_with(symptoms, 0)
}

/// [`findings`], every `salt`-th root (when not 0) with another cause.
fn findings_with(symptoms: &[u8], salt: usize) -> Findings {
    let mut list = Vec::new();
    let mut incidents = Vec::new();
    for (n, &k) in symptoms.iter().enumerate() {
        let root = list.len();
        let again = salt > 0 && n.is_multiple_of(salt);
        list.push(Finding::new(
            Code::PodCrashLoop,
            ObjectRef::new("east", "Pod", "shop", &format!("pod-{n}")),
            format!("pod-{n} restarts{}", if again { " again" } else { "" }),
        ));
        let syms = (0..k)
            .map(|j| {
                list.push(Finding::new(
                    Code::SvcNoEndpoints,
                    ObjectRef::new("east", "Service", "shop", &format!("svc-{n}-{j}")),
                    "no ready endpoints",
                ));
                list.len() - 1
            })
            .collect();
        incidents.push(Incident {
            severity: list[root].severity,
            root,
            symptoms: syms,
            impact: vec![],
        });
    }
    Findings {
        list,
        incidents,
        ..Default::default()
    }
}

fn diagnosed(s: &mut State, f: Findings) {
    let index = FindingIndex::of(&f);
    s.diagnosed(Diagnosed {
        findings: f,
        stable: None,
        index,
    });
}

fn draw(state: &State, height: u16) {
    let backend = ratatui::backend::TestBackend::new(160, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test terminal");
    terminal.draw(|f| super::draw(f, state)).expect("draw");
}

fn shown(a: &Arranged<crate::view::nav::Target>) -> Vec<crate::view::subject::Subject> {
    (0..a.lines.len())
        .filter_map(|l| a.row_at(l).map(|r| r.subject.clone()))
        .collect()
}

fn key(s: &mut State, k: crossterm::event::KeyCode) {
    update(s, Event::Key(crossterm::event::KeyEvent::from(k)));
}

#[derive(Debug, Clone)]
enum Op {
    /// Select incident n's root (or its first symptom) and press → or ←.
    Fold(usize, bool, bool),
    /// A pod changes in the fleet (the findings do not).
    Pod(u16),
    /// A new diagnosis: other incidents, sizes and causes.
    Diagnose(Vec<u8>, usize),
    /// `f`: the flat list, or back to incidents.
    Flat,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..8, any::<bool>(), any::<bool>()).prop_map(|(n, o, s)| Op::Fold(n, o, s)),
        1 => (0u16..8).prop_map(Op::Pod),
        2 => (prop::collection::vec(0u8..4, 0..8), 0usize..3).prop_map(|(v, s)| Op::Diagnose(v, s)),
        1 => Just(Op::Flat),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random unfolds and folds (from a root or a symptom row), source
    /// updates and new diagnoses: the kept rows equal a fresh arrangement
    /// after each, and only the flat switch builds the whole view.
    #[test]
    fn kept_findings_equal_a_full_rebuild(
        symptoms in prop::collection::vec(0u8..4, 1..8),
        filter in prop_oneof![Just(""), Just("pod-1"), Just("svc")],
        ops in prop::collection::vec(op(), 1..12),
    ) {
        let mut s = state();
        let mut f = findings(&symptoms);
        diagnosed(&mut s, f.clone());
        open_view(&mut s, ViewKind::Findings);
        s.entry_mut().filter = filter.into();
        draw(&s, 30);
        let mut builds = s.view_builds.get();
        for o in ops {
            let mut rebuilt = false;
            match o {
                Op::Fold(n, open, from_symptom) => {
                    let Some(inc) = f.incidents.get(n) else { continue };
                    let at = match inc.symptoms.first() {
                        Some(&j) if from_symptom => j,
                        _ => inc.root,
                    };
                    s.entry_mut().selected = Some(subject(&f.list[at]));
                    let k = if open {
                        crossterm::event::KeyCode::Right
                    } else {
                        crossterm::event::KeyCode::Left
                    };
                    key(&mut s, k);
                }
                Op::Pod(n) => {
                    let mut p: crate::model::pod::PodRow =
                        (&fixtures::running_fargate_pod()).into();
                    p.name = format!("pod-{n}").into();
                    update(&mut s, Event::Source(SourceUpdate::Kube {
                        cluster: "east".into(),
                        update: KubeUpdate::Pods(Change::Apply(p)),
                    }));
                }
                Op::Diagnose(v, salt) => {
                    f = findings_with(&v, salt);
                    diagnosed(&mut s, f.clone());
                }
                Op::Flat => {
                    key(&mut s, crossterm::event::KeyCode::Char('f'));
                    rebuilt = true;
                }
            }
            draw(&s, 30);
            if rebuilt {
                builds = s.view_builds.get();
            }
            prop_assert_eq!(s.view_builds.get(), builds, "kept, not rebuilt");
            let kept = shown(&s.arranged.borrow());
            *s.arranged.borrow_mut() = Arranged::default();
            drop(super::arrange(&s));
            prop_assert_eq!(kept, shown(&s.arranged.borrow()));
            s.view_builds.set(builds);
        }
    }
}

#[test]
fn the_tree_order_puts_each_root_before_its_symptoms() {
    let mut s = state();
    let f = findings(&[2, 0, 1]);
    diagnosed(&mut s, f.clone());
    open_view(&mut s, ViewKind::Findings);
    for n in [0, 2] {
        s.entry_mut().selected = Some(subject(&f.list[f.incidents[n].root]));
        key(&mut s, crossterm::event::KeyCode::Right);
        draw(&s, 30);
    }
    let want: Vec<_> = [0, 1, 2, 3, 4, 5]
        .iter()
        .map(|&i| subject(&f.list[i]))
        .collect();
    assert_eq!(shown(&s.arranged.borrow()), want);
}

#[test]
fn keys_and_seconds_on_20k_findings_make_rows_for_the_window_only() {
    let mut s = state();
    diagnosed(&mut s, findings(&vec![0; 20_000]));
    open_view(&mut s, ViewKind::Findings);
    draw(&s, 40);
    assert_eq!(s.arranged.borrow().row_count_shown(), 20_000);
    let builds = s.view_builds.get();
    // 40 lines: at most 37 rows shown; the band holds a screen either side.
    let most = 3 * 37;
    for keys in [
        "j",
        "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
        "G",
        "g",
    ] {
        let before = s.rows_built.get();
        for c in keys.chars() {
            key(&mut s, crossterm::event::KeyCode::Char(c));
        }
        let later = s.now + SignedDuration::from_secs(1);
        update(&mut s, Event::Tick(later));
        draw(&s, 40);
        let made = s.rows_built.get() - before;
        assert!(made <= 2 * most as u64, "{keys}: {made} rows made");
        assert_eq!(s.view_builds.get(), builds, "{keys}: no view built");
    }
}
