//! Key sequences through `update`, asserted by the effects they queue and
//! the state they leave: the confirmation, the HPA path, read-only, the log
//! pane's session handling, and keys in the wrong place.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use k8s_openapi::api::core::v1::{Container, Pod};

use super::scale::ScaleRequest;
use super::{ActionEvent, Effect, Overlay};
use crate::app::update::{Event, update};
use crate::config::keymap::{Keymap, Mode};
use crate::config::theme::Theme;
use crate::model::cluster::KubeUpdate;
use crate::model::fixtures;
use crate::model::fleet::SourceUpdate;
use crate::model::store::Change;
use crate::view::state::State;

fn state(with_hpa: bool) -> State {
    let (theme, _) = Theme::load(None, None);
    let keymap = Keymap::builtin("default").expect("keymap");
    let mut s = State::new(theme, keymap, jiff::Timestamp::UNIX_EPOCH);
    let c = "terrax".to_owned();
    let mut updates = vec![
        SourceUpdate::ClusterAdded {
            cluster: c.clone(),
            server: None,
        },
        kube(
            &c,
            KubeUpdate::Deployments(Change::reset(vec![(&fixtures::deployment()).into()])),
        ),
        kube(
            &c,
            KubeUpdate::ReplicaSets(Change::reset(vec![(&fixtures::replicaset()).into()])),
        ),
        kube(
            &c,
            KubeUpdate::Pods(Change::reset(vec![
                (&fixtures::running_fargate_pod()).into(),
            ])),
        ),
    ];
    if with_hpa {
        updates.push(kube(
            &c,
            KubeUpdate::Hpas(Change::reset(vec![(&fixtures::hpa()).into()])),
        ));
    }
    for u in updates {
        update(&mut s, Event::Source(u));
    }
    s
}

fn kube(cluster: &str, update: KubeUpdate) -> SourceUpdate {
    SourceUpdate::Kube {
        cluster: cluster.to_owned(),
        update,
    }
}

fn press(s: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\u{1b}' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        update(s, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn flash(s: &State) -> String {
    s.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

#[test]
fn scale_needs_the_modal_and_enter() {
    let mut s = state(false);
    press(&mut s, ":deploy\n");
    press(&mut s, "s");
    assert_eq!(s.mode, Mode::Scale);
    assert!(
        s.act.effects.is_empty(),
        "opening the modal changes nothing"
    );
    press(&mut s, "7");
    assert!(s.act.effects.is_empty(), "typing changes nothing");
    press(&mut s, "\u{1b}");
    assert!(s.act.effects.is_empty() && s.act.overlay.is_none());
    assert!(flash(&s).contains("cancelled"));
    press(&mut s, "s7\n");
    let effects = s.act.take_effects();
    assert!(
        matches!(&effects[..], [Effect::Scale(ScaleRequest::Workload { object, replicas: 7 })]
            if object.label() == "Deployment tb-demo/service"),
        "{effects:?}"
    );
    assert_eq!(s.mode, Mode::Normal);
    let Some(Effect::Scale(request)) = effects.into_iter().next() else {
        panic!("no scale effect");
    };
    update(
        &mut s,
        Event::Action(ActionEvent::Applied {
            request,
            ok: true,
            message: "scaled Deployment tb-demo/service to 7 replicas".into(),
        }),
    );
    assert!(s.act.watch.is_none(), "a plain scale is not a fix to watch");
    assert!(flash(&s).starts_with("scaled Deployment"));
}

#[test]
fn hpa_owned_workload_changes_the_hpa() {
    let mut s = state(true);
    press(&mut s, ":deploy\ns");
    let Some(Overlay::Scale(m)) = &s.act.overlay else {
        panic!("no modal");
    };
    assert!(m.hpa.is_some());
    press(&mut s, "2\t6\n");
    let effects = s.act.take_effects();
    assert!(
        matches!(&effects[..], [Effect::Scale(ScaleRequest::Hpa { min: 2, max: 6, object })]
            if object.name == "service" && object.kind == "HorizontalPodAutoscaler"),
        "{effects:?}"
    );
}

#[test]
fn scale_to_zero_by_keys_needs_the_name_and_minus_types_into_it() {
    let mut s = state(false);
    press(&mut s, ":deploy\ns0\n");
    assert_eq!(s.mode, Mode::Scale);
    assert!(
        s.act.effects.is_empty(),
        "enter without the name sends nothing"
    );
    let Some(Overlay::Scale(m)) = &s.act.overlay else {
        panic!("no modal");
    };
    assert_eq!(m.field, super::scale::Field::Name);
    // `-`, `j`, `k` are letters of a name, not steps, while it is typed.
    press(&mut s, "serv-\n");
    assert!(s.act.effects.is_empty());
    let Some(Overlay::Scale(m)) = &s.act.overlay else {
        panic!("no modal");
    };
    assert_eq!(m.typed, "serv-");
    assert_eq!(m.value, "0", "- did not step the count");
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
    );
    press(&mut s, "ice\n");
    let effects = s.act.take_effects();
    assert!(
        matches!(
            &effects[..],
            [Effect::Scale(ScaleRequest::Workload { replicas: 0, .. })]
        ),
        "{effects:?}"
    );
}

#[test]
fn readonly_refuses_before_any_modal() {
    let mut s = state(false);
    s.readonly = true;
    press(&mut s, ":deploy\ns");
    assert!(flash(&s).contains("read-only"), "{}", flash(&s));
    press(&mut s, "7\n");
    assert!(s.act.effects.is_empty());
    assert!(s.act.overlay.is_none());
}

#[test]
fn logs_sessions_start_stop_and_drop_stale_lines() {
    let mut s = state(false);
    press(&mut s, ":pods\nl");
    let effects = s.act.take_effects();
    let [Effect::LogStart { session, request }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(request.pod, "service-6b7c-x1");
    let session = *session;
    update(
        &mut s,
        Event::Action(ActionEvent::LogLines {
            session: session + 100,
            source: "x/y".into(),
            lines: vec![(None, "from an old session".into())],
        }),
    );
    update(
        &mut s,
        Event::Action(ActionEvent::LogLines {
            session,
            source: "service-6b7c-x1/service".into(),
            lines: vec![(None, "hello".into())],
        }),
    );
    let Some(Overlay::Logs(p)) = &s.act.overlay else {
        panic!("no log pane");
    };
    assert_eq!(p.buffer.len(), 1, "stale session lines are dropped");
    press(&mut s, "s");
    let effects = s.act.take_effects();
    assert!(matches!(effects.first(), Some(Effect::LogStop { session: old }) if *old == session));
    assert!(
        matches!(effects.get(1), Some(Effect::LogStart { request, .. }) if request.since_seconds == Some(60))
    );
    press(&mut s, "\u{1b}");
    assert!(matches!(s.act.take_effects()[..], [Effect::LogStop { .. }]));
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn workload_logs_cover_its_pods_and_wrong_keys_only_flash() {
    let mut s = state(false);
    press(&mut s, ":deploy\nl");
    assert_eq!(
        s.act.take_effects().len(),
        1,
        "the one pod of the deployment"
    );
    // Keys that mean nothing in the pane, the describe pane or the modal.
    press(&mut s, "xz!\t");
    assert!(flash(&s).contains("does nothing here"));
    press(&mut s, "\u{1b}:pods\nd");
    assert_eq!(s.mode, Mode::Describe);
    assert!(
        matches!(s.act.effects.last(), Some(Effect::Describe { object, .. }) if object.kind == "Pod")
    );
    press(&mut s, "yx\u{1b}");
    assert_eq!(s.mode, Mode::Normal);
    // A view without the kind (no nodes here): a message, no modal.
    press(&mut s, ":nodes\ns");
    assert!(!flash(&s).is_empty() && s.act.overlay.is_none() && s.mode == Mode::Normal);
}

#[test]
fn an_hpa_listed_after_the_modal_opened_still_shows() {
    let mut s = state(false);
    press(&mut s, ":deploy\ns");
    update(
        &mut s,
        Event::Source(kube(
            "terrax",
            KubeUpdate::Hpas(Change::reset(vec![(&fixtures::hpa()).into()])),
        )),
    );
    update(&mut s, Event::Tick(jiff::Timestamp::UNIX_EPOCH));
    let Some(Overlay::Scale(m)) = &s.act.overlay else {
        panic!("no modal");
    };
    assert!(m.hpa.is_some());
    assert!(
        m.replicas_fight_hpa(),
        "focus stays on replicas, with the warning"
    );
}

/// A pod of ReplicaSet `rs` in `ns` on `node`, running `containers`.
fn pod(ns: &str, name: &str, rs: &str, node: &str, containers: &[&str]) -> Pod {
    let mut p = fixtures::running_fargate_pod();
    p.metadata.name = Some(name.to_owned());
    p.metadata.namespace = Some(ns.to_owned());
    if let Some(o) = p
        .metadata
        .owner_references
        .as_mut()
        .and_then(|o| o.first_mut())
    {
        o.name = rs.to_owned();
    }
    let spec = p.spec.as_mut().expect("spec");
    spec.node_name = Some(node.to_owned());
    spec.containers = containers
        .iter()
        .map(|c| Container {
            name: (*c).to_owned(),
            ..Container::default()
        })
        .collect();
    p
}

/// The pods each `LogStart` in `effects` tails, in order.
fn started(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::LogStart { request, .. } => {
                assert_eq!(request.container, None, "every container of the pod");
                request.pod.clone()
            }
            other => panic!("not a log start: {other:?}"),
        })
        .collect()
}

#[test]
fn workload_logs_open_one_stream_per_pod_and_follow_new_pods() {
    let mut s = state(false);
    // service-6b7c-x1 (the fixture's) plus two more of the deployment on another
    // node, one with a sidecar; a pod of another workload and one of a namesake
    // ReplicaSet in another namespace, which must not be tailed.
    let rows = vec![
        pod(
            "tb-demo",
            "service-6b7c-x2",
            "service-6b7c",
            "ip-10-0-2-7",
            &["service", "envoy"],
        ),
        pod(
            "tb-demo",
            "service-6b7c-x3",
            "service-6b7c",
            "ip-10-0-2-7",
            &["service"],
        ),
        pod(
            "tb-demo",
            "worker-9f8e-a1",
            "worker-9f8e",
            "ip-10-0-2-7",
            &["worker"],
        ),
        pod(
            "other",
            "service-6b7c-y1",
            "service-6b7c",
            "ip-10-0-2-7",
            &["service"],
        ),
    ];
    for p in &rows {
        update(
            &mut s,
            Event::Source(kube("terrax", KubeUpdate::Pods(Change::Apply(p.into())))),
        );
    }
    press(&mut s, ":deploy\nl");
    let effects = s.act.take_effects();
    assert_eq!(
        started(&effects),
        ["service-6b7c-x1", "service-6b7c-x2", "service-6b7c-x3"]
    );
    // A tick with the same pods starts nothing more; a new pod gets one stream.
    update(&mut s, Event::Tick(jiff::Timestamp::UNIX_EPOCH));
    assert!(s.act.take_effects().is_empty(), "no duplicate streams");
    let x4 = pod(
        "tb-demo",
        "service-6b7c-x4",
        "service-6b7c",
        "ip-10-0-3-9",
        &["service"],
    );
    update(
        &mut s,
        Event::Source(kube(
            "terrax",
            KubeUpdate::Pods(Change::Apply((&x4).into())),
        )),
    );
    update(&mut s, Event::Tick(jiff::Timestamp::UNIX_EPOCH));
    assert_eq!(started(&s.act.take_effects()), ["service-6b7c-x4"]);
}

fn ctrl_d(s: &mut State) {
    update(
        s,
        Event::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
}

#[test]
fn ctrl_d_deletes_a_pod_after_a_confirmation_and_a_bare_pod_needs_its_name() {
    let mut s = state(false);
    // An owned pod: the confirmation names context, pod and its replacer.
    press(&mut s, ":pods\n");
    ctrl_d(&mut s);
    let Some(Overlay::Confirm(c)) = &s.act.overlay else {
        panic!("no confirmation: {}", flash(&s));
    };
    let text = c.lines.join("\n");
    assert!(text.contains("context terrax"), "{text}");
    assert!(text.contains("tb-demo/service-6b7c-x1"), "{text}");
    assert!(text.contains("ReplicaSet service-6b7c"), "{text}");
    assert!(c.need_name.is_none());
    press(&mut s, "\u{1b}");
    assert!(s.act.take_effects().is_empty(), "esc deletes nothing");
    ctrl_d(&mut s);
    press(&mut s, "\n");
    assert!(matches!(
        s.act.take_effects().as_slice(),
        [Effect::Scale(ScaleRequest::DeletePod { object })] if object.name == "service-6b7c-x1"
    ));
    // A bare pod: enter alone deletes nothing; its name typed, it does.
    let mut bare = fixtures::running_fargate_pod();
    bare.metadata.name = Some("debug".into());
    bare.metadata.owner_references = None;
    update(
        &mut s,
        Event::Source(kube(
            "terrax",
            KubeUpdate::Pods(Change::Apply((&bare).into())),
        )),
    );
    press(&mut s, "/debug\n");
    ctrl_d(&mut s);
    let Some(Overlay::Confirm(c)) = &s.act.overlay else {
        panic!("no confirmation: {}", flash(&s));
    };
    assert!(c.lines.join("\n").contains("nothing replaces it"));
    press(&mut s, "\n");
    assert!(s.act.take_effects().is_empty(), "deleted without the name");
    assert!(flash(&s).contains("type debug"), "{}", flash(&s));
    press(&mut s, "debug\n");
    assert!(matches!(
        s.act.take_effects().as_slice(),
        [Effect::Scale(ScaleRequest::DeletePod { object })] if object.name == "debug"
    ));
    // Read-only: refused before any confirmation.
    s.readonly = true;
    ctrl_d(&mut s);
    assert!(flash(&s).contains("read-only"), "{}", flash(&s));
    assert!(s.act.overlay.is_none() && s.act.effects.is_empty());
}
