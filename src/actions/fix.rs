//! `x` on the Findings view: the fix of the selected incident's root cause
//! (in the flat list, of the selected finding), when it is an action. Scaling opens the scale modal on the root's object;
//! replacing a Kong node shows what will be deleted or stopped, where, and
//! what replaces it, and a rollout restart which workload's pods are
//! recreated; both wait for enter. Refused in `--readonly`.

use super::Overlay;
use super::open::scale_modal_of;
use super::scale::ScaleRequest;
use super::subject::{self, KubeRef};
use crate::config::keymap::Mode;
use crate::diagnose::{Action, Finding, ObjectRef};
use crate::model::joins::workload_of;
use crate::model::kong_host::{KongHost, host_of};
use crate::view::nav::ViewKind;
use crate::view::panes::confirm::Confirm;
use crate::view::state::State;
use crate::view::subject::Subject;

pub fn open(state: &mut State) {
    if state.entry().kind() != ViewKind::Findings {
        return state.flash("x applies an incident's fix: open :findings and select the incident");
    }
    let root = match root_of_selected(state) {
        Ok(f) => f.clone(),
        Err(e) => return state.flash(e),
    };
    let Some(r) = root.remediation.clone() else {
        return state.flash(format!("no action fixes {}: {}", root.code, root.fix));
    };
    let mutation = !matches!(r.action, Action::Describe | Action::Logs);
    if mutation && state.readonly {
        return state.flash(format!(
            "read-only (--readonly): the fix of {} is refused, nothing was changed",
            root.code
        ));
    }
    // The overlay opened below applies this finding's fix: once applied, it is watched.
    state.act.fix_for = Some((
        root.code.to_owned(),
        root.primary().map(ObjectRef::label).unwrap_or_default(),
    ));
    match r.action {
        Action::Scale | Action::ScaleNodegroup | Action::ScaleEcsService => {
            let modal = subject::of_object(&r.object)
                .ok_or_else(|| format!("{} cannot be scaled", r.object.label()))
                .and_then(|s| scale_modal_of(state, s));
            match modal {
                Ok(m) => {
                    state.act.overlay = Some(Overlay::Scale(Box::new(m)));
                    state.mode = Mode::Scale;
                }
                Err(e) => state.flash(e),
            }
        }
        Action::ReplaceKongNode => match replace_kong_node(state, &r.object) {
            Ok((request, lines)) => {
                state.act.overlay = Some(Overlay::Confirm(Confirm {
                    request,
                    about: format!("fix {} on {}", root.code, r.object.label()),
                    lines,
                    need_name: None,
                    typed: String::new(),
                }));
                state.mode = Mode::Scale;
            }
            Err(e) => state.flash(e),
        },
        Action::RolloutRestart => match rollout_restart(state, &r.object) {
            Ok((request, lines)) => {
                state.act.overlay = Some(Overlay::Confirm(Confirm {
                    request,
                    about: format!(
                        "{} on {}",
                        root.code,
                        root.primary().map(ObjectRef::label).unwrap_or_default()
                    ),
                    lines,
                    need_name: None,
                    typed: String::new(),
                }));
                state.mode = Mode::Scale;
            }
            Err(e) => state.flash(e),
        },
        Action::Describe | Action::Logs => state.flash(format!(
            "the fix of {} is not an action: {} (d describes, l tails logs)",
            root.code, root.fix
        )),
    }
    if state.act.overlay.is_none() {
        state.act.fix_for = None;
    }
}

/// The root finding of the incident the selected row belongs to; in the
/// flat list, the selected finding itself (its own fix).
fn root_of_selected(state: &State) -> Result<&Finding, String> {
    if state.arranged.borrow().key != state.arrangement_key() {
        return Err("the view is not arranged yet".into());
    }
    let entry = state.entry();
    let subject = {
        let mut a = state.arranged.borrow_mut();
        a.locate(entry.selected.as_ref(), entry.cursor)
            .and_then(|l| a.row_at(l))
            .map(|r| r.subject.clone())
            .ok_or("no row selected")?
    };
    let Subject::Finding { code, object } = subject else {
        return Err("select a finding".into());
    };
    let list = &state.findings.list;
    let index = list
        .iter()
        .position(|f| {
            f.code == code && f.primary().map(ObjectRef::label).unwrap_or_default() == object
        })
        .ok_or("the finding has cleared")?;
    let root = if state.findings_flat {
        index
    } else {
        state
            .findings
            .incidents
            .iter()
            .find(|i| i.root == index || i.symptoms.contains(&index))
            .map_or(index, |i| i.root)
    };
    list.get(root)
        .ok_or_else(|| "the finding has cleared".to_owned())
}

/// What replacing Kong node `o` does: the request and its description.
fn replace_kong_node(state: &State, o: &ObjectRef) -> Result<(ScaleRequest, Vec<String>), String> {
    let fleet = &state.fleet;
    let g = fleet
        .gateways
        .get(&o.namespace)
        .ok_or_else(|| format!("gateway {} is gone", o.namespace))?;
    let node = g
        .nodes
        .get(&o.name)
        .ok_or_else(|| format!("Kong node {} is gone", o.name))?;
    let host = host_of(fleet, g, node).ok_or_else(|| {
        format!(
            "cannot tell which pod or ECS task runs Kong node {}: nothing to replace",
            o.name
        )
    })?;
    let head = format!("Kong node {} of gateway {}", o.name, g.name);
    Ok(match host {
        KongHost::Pod { cluster, pod } => {
            let owner = fleet
                .clusters
                .get(cluster)
                .and_then(|c| workload_of(c, pod))
                .map(|(k, n)| format!("{k} {}/{n}", pod.namespace));
            let request = ScaleRequest::DeletePod {
                object: KubeRef::new(cluster, "Pod", &pod.namespace, &pod.name),
            };
            let lines = vec![
                head,
                format!(
                    "runs as pod {}/{} on node {} in cluster {cluster}.",
                    pod.namespace,
                    pod.name,
                    pod.node.as_deref().unwrap_or("?")
                ),
                format!(
                    "Will: {} (DELETE, default grace period).",
                    request.summary()
                ),
                match owner {
                    Some(w) => format!(
                        "Then: {w} starts a replacement pod, which loads the current configuration."
                    ),
                    None => "Then: nothing replaces it (the pod has no workload).".to_owned(),
                },
            ];
            (request, lines)
        }
        KongHost::EcsTask {
            region,
            task,
            placement,
        } => {
            let request = ScaleRequest::StopEcsTask {
                region: region.to_owned(),
                cluster: task.cluster.clone(),
                id: task.id.clone(),
                service: task.service.clone(),
            };
            let lines = vec![
                head,
                format!(
                    "runs as ECS task {} ({}, {}) of service {}.",
                    task.id,
                    task.ip.as_deref().unwrap_or("?"),
                    placement.and_then(|p| p.az.as_deref()).unwrap_or("?"),
                    task.service.as_deref().unwrap_or("-")
                ),
                format!("Will: {} (StopTask).", request.summary()),
                match &task.service {
                    Some(s) => format!("Then: ECS service {s} starts a replacement task."),
                    None => {
                        "Then: nothing replaces it (the task belongs to no service).".to_owned()
                    }
                },
            ];
            (request, lines)
        }
    })
}

/// What restarting the rollout of workload `o` does: the request and its
/// description, with the workload's counts as last seen.
fn rollout_restart(state: &State, o: &ObjectRef) -> Result<(ScaleRequest, Vec<String>), String> {
    let c = state
        .fleet
        .clusters
        .get(&o.cluster)
        .ok_or_else(|| format!("cluster {} is gone", o.cluster))?;
    let stores = &c.stores;
    let row = match o.kind.as_str() {
        "Deployment" => stores.deployments.get(&o.namespace, &o.name),
        "StatefulSet" => stores.statefulsets.get(&o.namespace, &o.name),
        other => return Err(format!("a {other} has no rollout to restart")),
    }
    .ok_or_else(|| format!("{} is gone", o.label()))?;
    let request = ScaleRequest::RolloutRestart {
        object: KubeRef::new(&o.cluster, &o.kind, &o.namespace, &o.name),
    };
    let lines = vec![
        format!(
            "{} {}/{} in cluster {}: {} desired, {} ready, {} up to date.",
            o.kind, o.namespace, o.name, o.cluster, row.desired, row.ready, row.updated
        ),
        format!(
            "Will: {} (PATCH pod template annotation kubectl.kubernetes.io/restartedAt = now, as kubectl rollout restart).",
            request.summary()
        ),
        format!(
            "Then: the {} replaces its pods with new ones, which are scheduled (and claimed by Fargate profiles) afresh.",
            o.kind
        ),
    ];
    Ok((request, lines))
}
