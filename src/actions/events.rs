//! Results from the executor, applied to the state; and the once-a-second
//! checks: a workload's log tail covers its current pods, a fix's finding
//! is watched until it clears.

use super::{ActionEvent, Effect, Overlay};
use crate::diagnose::watch::FixWatch;
use crate::view::state::State;

pub fn on_event(state: &mut State, ev: ActionEvent) {
    match ev {
        ActionEvent::Done { message, .. } => state.flash(message),
        ActionEvent::Applied {
            request,
            ok,
            message,
        } => {
            // The answer to a confirmed fix starts watching its finding.
            if let Some(((code, object), req)) = state.act.fix_pending.take() {
                if req == request && ok {
                    state.act.watch = Some(FixWatch::new(&code, &object, state.now));
                } else if req != request {
                    state.act.fix_pending = Some(((code, object), req));
                }
            }
            state.flash(message);
        }
        ActionEvent::Described { id, result } => {
            if let Some(Overlay::Describe(p)) = state.act.overlay.as_mut()
                && p.id == id
            {
                p.loading = false;
                match result {
                    Ok(d) => {
                        p.text = d.text;
                        p.yaml = Some(d.yaml);
                    }
                    Err(e) => p.error = Some(e),
                }
            }
        }
        ActionEvent::LogContainers {
            session,
            containers,
            ..
        } => {
            if let Some(p) = logs(state, session) {
                p.containers.extend(containers);
            }
        }
        ActionEvent::LogLines {
            session,
            source,
            lines,
        } => {
            if let Some(p) = logs(state, session) {
                p.push_lines(&source, lines);
            }
        }
        ActionEvent::LogMarker {
            session,
            source,
            text,
        } => {
            if let Some(p) = logs(state, session) {
                p.marker(&source, text);
            }
        }
    }
}

fn logs(state: &mut State, session: u64) -> Option<&mut super::logs::LogPane> {
    match state.act.overlay.as_mut() {
        Some(Overlay::Logs(p)) if p.session == session => Some(p),
        _ => None,
    }
}

/// A workload's tail follows its pods: new pods (scale up, rollout) get a
/// stream; a scale modal opened before the HPAs were listed learns of its HPA.
pub fn on_tick(state: &mut State) {
    if let Some(w) = state.act.watch.as_mut() {
        w.observe(state.now, &state.findings.list);
        if w.over(state.now) {
            state.act.watch = None;
        }
    }
    if let Some(Overlay::Scale(m)) = state.act.overlay.as_mut()
        && m.hpa.is_none()
        && let super::scale::ScaleTarget::Workload(k) = &m.target
        && let Some(c) = state.fleet.clusters.get(&k.cluster)
    {
        // Focus stays where the user is; the warning and the HPA fields appear.
        m.hpa = super::open::hpa_of(c, k);
        return;
    }
    let Some(Overlay::Logs(p)) = state.act.overlay.as_mut() else {
        return;
    };
    let Some((kind, name)) = p.workload.clone() else {
        return;
    };
    let Some(c) = state.fleet.clusters.get(&p.cluster) else {
        return;
    };
    let now = super::open::workload_pods(c, &p.namespace, &kind, &name);
    let new: Vec<String> = now.difference(&p.pods).cloned().collect();
    for pod in new {
        state.act.effects.push(Effect::LogStart {
            session: p.session,
            request: p.request(&pod),
        });
        p.pods.insert(pod);
    }
}
