//! `ctrl-d` on a pod: the confirmation names the context, namespace/name and
//! what replaces the pod; a bare pod (nothing replaces it) needs its name
//! typed. Refused under `--readonly`; the executor reports the outcome.

use super::Overlay;
use super::open::selected;
use super::scale::ScaleRequest;
use super::subject::{KubeRef, Subject};
use crate::config::keymap::Mode;
use crate::model::joins::workload_of;
use crate::view::panes::confirm::Confirm;
use crate::view::state::State;

/// Opens the delete confirmation for the selected pod, or says why not.
pub fn open(state: &mut State) {
    let k = match selected(state) {
        Ok(Subject::Kube(k)) if k.kind == "Pod" => k,
        Ok(_) => return state.flash("ctrl-d deletes a pod: select one in :pods"),
        Err(e) => return state.flash(e),
    };
    if state.readonly {
        return state.flash(format!(
            "read-only (--readonly): deleting pod {}/{} is refused, nothing was changed",
            k.namespace, k.name
        ));
    }
    match confirm(state, &k) {
        Ok(c) => {
            state.act.overlay = Some(Overlay::Confirm(c));
            state.mode = Mode::Scale;
        }
        Err(e) => state.flash(e),
    }
}

/// What deleting pod `k` does, from the watched pod and its owner.
fn confirm(state: &State, k: &KubeRef) -> Result<Confirm, String> {
    let c = state
        .fleet
        .clusters
        .get(&k.cluster)
        .ok_or_else(|| format!("cluster {} is gone", k.cluster))?;
    let pod = c
        .stores
        .pods
        .get(&k.namespace, &k.name)
        .ok_or_else(|| format!("pod {}/{} is gone", k.namespace, k.name))?;
    let request = ScaleRequest::DeletePod { object: k.clone() };
    let then = match (&pod.owner, workload_of(c, pod)) {
        (Some(o), Some((kind, name))) if o.kind == "ReplicaSet" => format!(
            "Then: its ReplicaSet {} ({kind} {name}) will replace it.",
            o.name
        ),
        (Some(o), _) => format!("Then: its {} {} will replace it.", o.kind, o.name),
        (None, _) => "Then: nothing replaces it — a bare pod (no owner).".to_owned(),
    };
    let bare = pod.owner.is_none();
    let mut lines = vec![
        format!("context {}", k.cluster),
        format!(
            "Pod {}/{} ({}, on node {})",
            k.namespace,
            k.name,
            pod.status,
            pod.node.as_deref().unwrap_or("-")
        ),
        format!(
            "Will: {} (DELETE, default grace period).",
            request.summary()
        ),
        then,
    ];
    if bare {
        lines.push(format!("Type the pod's name ({}) to delete it.", k.name));
    }
    Ok(Confirm {
        request,
        about: format!("delete pod {}/{} @ {}", k.namespace, k.name, k.cluster),
        lines,
        need_name: bare.then(|| k.name.clone()),
        typed: String::new(),
    })
}
