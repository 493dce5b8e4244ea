//! `s`, `d`, `l` on the selected row: open the modal or pane for the object
//! behind it, or say (in the status bar) why there is nothing to open.

use std::collections::BTreeSet;

use super::describe::{DescribePane, local};
use super::logs::LogPane;
use super::scale::{Header, HpaBounds, ScaleModal, ScaleTarget};
use super::subject::{self, KubeRef, Subject};
use super::{Effect, Overlay};
use crate::config::keymap::Mode;
use crate::model::aws::MANAGED_BY_TAG;
use crate::model::cluster::ClusterData;
use crate::model::ecs_scaling::ServiceScaling;
use crate::model::joins::workload_of;
use crate::model::kong::KongVia;
use crate::model::pod_resources::NodePods;
use crate::view::state::State;

/// The object behind the selected row, as the screen shows it: the row
/// under the cursor in the view-model, never one re-read from text. The
/// app arranges the view before a key reaches an action.
pub fn selected(state: &State) -> Result<Subject, String> {
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
    match subject {
        // Act on the first object of the finding that can be opened.
        Subject::Finding { code, object } => state
            .findings
            .list
            .iter()
            .find(|f| {
                f.code == code
                    && f.primary()
                        .map(crate::diagnose::ObjectRef::label)
                        .unwrap_or_default()
                        == object
            })
            .and_then(|f| f.objects.iter().find_map(subject::of_object))
            .ok_or_else(|| "nothing to act on in this finding".to_owned()),
        Subject::Gateway(_) => Err("nothing to act on in this row".to_owned()),
        s => Ok(s),
    }
}

fn cluster<'a>(state: &'a State, name: &str) -> Result<&'a ClusterData, String> {
    state
        .fleet
        .clusters
        .get(name)
        .ok_or_else(|| format!("cluster {name} is gone"))
}

pub fn scale(state: &mut State) {
    if state.readonly {
        state.flash("read-only (--readonly): scaling is disabled, nothing was changed");
        return;
    }
    match scale_modal(state) {
        Ok(m) => {
            state.act.overlay = Some(Overlay::Scale(Box::new(m)));
            state.mode = Mode::Scale;
        }
        Err(e) => state.flash(e),
    }
}

fn scale_modal(state: &State) -> Result<ScaleModal, String> {
    scale_modal_of(state, selected(state)?)
}

/// The scale modal for `subject` (a workload or its pod, an HPA, a node
/// group, an ECS service).
pub fn scale_modal_of(state: &State, subject: Subject) -> Result<ScaleModal, String> {
    match subject {
        Subject::Kube(k) => match k.kind.as_str() {
            "Deployment" | "StatefulSet" => workload_modal(state, (*k).clone()),
            "Pod" => {
                let c = cluster(state, &k.cluster)?;
                let pod = c
                    .stores
                    .pods
                    .get(&k.namespace, &k.name)
                    .ok_or("the pod is gone")?;
                match workload_of(c, pod) {
                    Some((kind, name)) if kind == "Deployment" || kind == "StatefulSet" => {
                        workload_modal(state, KubeRef::new(&k.cluster, &kind, &k.namespace, &name))
                    }
                    Some((kind, name)) => Err(format!(
                        "pod {} belongs to {kind} {name}, which cannot be scaled",
                        k.name
                    )),
                    None => Err(format!("pod {} has no workload to scale", k.name)),
                }
            }
            "HorizontalPodAutoscaler" => {
                let c = cluster(state, &k.cluster)?;
                let h = c
                    .stores
                    .hpas
                    .get(&k.namespace, &k.name)
                    .ok_or("the HPA is gone")?;
                let bounds = HpaBounds {
                    object: (*k).clone(),
                    min: h.min,
                    max: h.max,
                    current: h.current,
                    new_min: h.min.to_string(),
                    new_max: h.max.to_string(),
                };
                Ok(ScaleModal::new(
                    ScaleTarget::Hpa((*k).clone()),
                    Header {
                        place: format!("context {}", k.cluster),
                        kind: "HPA".into(),
                        object: format!(
                            "{}/{} → {} {}",
                            k.namespace, k.name, h.target_kind, h.target_name
                        ),
                        name: k.name.clone(),
                    },
                    h.current,
                    Some(bounds),
                ))
            }
            "DaemonSet" => Err("a DaemonSet runs one pod per node: it has no replica count to scale".into()),
            other => Err(format!("a {other} cannot be scaled (select a Deployment, StatefulSet or HPA)")),
        },
        Subject::Nodegroup {
            region,
            cluster,
            name,
        } => {
            let g = state
                .fleet
                .aws
                .get(&region)
                .and_then(|r| {
                    r.rows
                        .nodegroups
                        .iter()
                        .find(|g| g.cluster == cluster && g.name == name)
                })
                .ok_or("the node group is gone")?;
            Ok(ScaleModal::new(
                ScaleTarget::Nodegroup {
                    region: region.clone(),
                    cluster: cluster.clone(),
                    name: name.clone(),
                    min: g.min,
                    max: g.max,
                },
                Header {
                    place: format!("AWS {region}"),
                    kind: "EKS node group".into(),
                    object: format!("{cluster}/{name} (min {} max {})", g.min, g.max),
                    name: name.clone(),
                },
                g.desired,
                None,
            ))
        }
        Subject::EcsService {
            region,
            cluster,
            name,
        } => {
            let s = state
                .fleet
                .aws
                .get(&region)
                .and_then(|r| {
                    r.rows
                        .services
                        .iter()
                        .find(|s| s.cluster == cluster && s.name == name)
                })
                .ok_or("the ECS service is gone")?;
            let modal = ScaleModal::new(
                ScaleTarget::EcsService {
                    region: region.clone(),
                    cluster: cluster.clone(),
                    name: name.clone(),
                },
                Header {
                    place: format!("AWS {region}"),
                    kind: "ECS service".into(),
                    object: format!("{cluster}/{name}"),
                    name: name.clone(),
                },
                s.desired,
                None,
            );
            let modal = match &s.managed_by {
                Some(by) if by == "virtual-kubelet" => modal.owned_by(
                    "virtual-kubelet sizes it to its pods: a manual count is undone",
                ),
                Some(by) => modal.owned_by(format!(
                    "{by} manages it (tag {MANAGED_BY_TAG}): it may undo this"
                )),
                None => modal,
            };
            let scaling = state
                .fleet
                .aws
                .get(&region)
                .map(|r| r.rows.ecs_scaling.of(&cluster, &name))
                .unwrap_or(ServiceScaling::None);
            Ok(match scaling {
                ServiceScaling::None => modal,
                ServiceScaling::Target(b) => modal
                    .owned_by(format!(
                        "ECS service auto scaling (min {}, max {}) also sets this",
                        b.min, b.max
                    ))
                    .within(b.min, b.max, "ECS service auto scaling"),
                ServiceScaling::Unknown(e) => {
                    modal.owned_by(format!("could not check ECS service auto scaling: {e}"))
                }
            })
        }
        _ => Err("nothing to scale here: select a Deployment, StatefulSet, HPA, node group or ECS service".into()),
    }
}

fn workload_modal(state: &State, k: KubeRef) -> Result<ScaleModal, String> {
    let c = cluster(state, &k.cluster)?;
    let store = if k.kind == "Deployment" {
        &c.stores.deployments
    } else {
        &c.stores.statefulsets
    };
    let w = store
        .get(&k.namespace, &k.name)
        .ok_or_else(|| format!("{} is gone", k.label()))?;
    let hpa = hpa_of(c, &k);
    Ok(ScaleModal::new(
        ScaleTarget::Workload(k.clone()),
        Header {
            place: format!("context {}", k.cluster),
            kind: k.kind.clone(),
            object: format!("{}/{}", k.namespace, k.name),
            name: k.name.clone(),
        },
        w.desired,
        hpa,
    ))
}

/// The HPA whose `scaleTargetRef` is this workload, as modal bounds.
pub fn hpa_of(c: &ClusterData, k: &KubeRef) -> Option<HpaBounds> {
    c.stores
        .hpas
        .iter()
        .find(|h| h.namespace == k.namespace && h.target_name == k.name && h.target_kind == k.kind)
        .map(|h| HpaBounds {
            object: KubeRef::new(&k.cluster, "HorizontalPodAutoscaler", &h.namespace, &h.name),
            min: h.min,
            max: h.max,
            current: h.current,
            new_min: h.min.to_string(),
            new_max: h.max.to_string(),
        })
}

/// A node's pods as watched, for its describe; `None` for other kinds.
fn node_pods(state: &State, k: &KubeRef) -> Option<NodePods> {
    if k.kind != "Node" {
        return None;
    }
    let c = state.fleet.clusters.get(&k.cluster)?;
    Some(NodePods::of(c, &k.name, state.now))
}

pub fn describe(state: &mut State) {
    let subject = match selected(state) {
        Ok(s) => s,
        Err(e) => return state.flash(e),
    };
    let id = state.act.next_id();
    let pane = match subject {
        Subject::Kube(k) => {
            let pane = DescribePane::loading(id, format!("describe {} @ {}", k.label(), k.cluster));
            let node_pods = node_pods(state, &k);
            state.act.effects.push(Effect::Describe {
                id,
                object: std::sync::Arc::unwrap_or_clone(k),
                node_pods,
            });
            pane
        }
        other => match local::describe(&state.fleet, &other, state.now) {
            Ok((title, lines)) => DescribePane::ready(id, format!("describe {title}"), lines),
            Err(e) => return state.flash(e),
        },
    };
    state.act.overlay = Some(Overlay::Describe(pane));
    state.mode = Mode::Describe;
}

/// `y` in a table: the describe pane showing the selected object's YAML
/// (`y` there goes back to describe). A Kubernetes object is fetched as
/// `kubectl get -o yaml` gives it; a Kong or AWS row shows its fields.
pub fn yaml(state: &mut State) {
    let subject = match selected(state) {
        Ok(s) => s,
        Err(e) => return state.flash(e),
    };
    let id = state.act.next_id();
    let mut pane = match subject {
        Subject::Kube(k) => {
            let pane = DescribePane::loading(id, format!("yaml {} @ {}", k.label(), k.cluster));
            let node_pods = node_pods(state, &k);
            state.act.effects.push(Effect::Describe {
                id,
                object: std::sync::Arc::unwrap_or_clone(k),
                node_pods,
            });
            pane
        }
        other => match super::describe::fields::yaml(&state.fleet, &other) {
            Ok((title, yaml)) => {
                // Describe text too, so `y` in the pane toggles as for Kubernetes objects.
                let text = local::describe(&state.fleet, &other, state.now)
                    .map(|(_, lines)| lines)
                    .unwrap_or_else(|e| vec![e]);
                let mut p = DescribePane::ready(id, format!("yaml {title}"), text);
                p.yaml = Some(yaml);
                p
            }
            Err(e) => return state.flash(e),
        },
    };
    pane.show_yaml = true;
    state.act.overlay = Some(Overlay::Describe(pane));
    state.mode = Mode::Describe;
}

/// Pods of a workload, from the watched rows.
pub fn workload_pods(c: &ClusterData, namespace: &str, kind: &str, name: &str) -> BTreeSet<String> {
    c.stores
        .pods
        .iter()
        .filter(|p| p.namespace == namespace)
        .filter(|p| workload_of(c, p).is_some_and(|(k, n)| k == kind && n == name))
        .map(|p| p.name.to_string())
        .collect()
}

pub fn logs(state: &mut State) {
    let subject = match selected(state) {
        Ok(s) => s,
        Err(e) => return state.flash(e),
    };
    let (cluster_name, namespace, workload, pods) = match subject {
        Subject::Kube(k) if k.kind == "Pod" => {
            let k = std::sync::Arc::unwrap_or_clone(k);
            (k.cluster, k.namespace, None, BTreeSet::from([k.name]))
        }
        Subject::Kube(k)
            if matches!(k.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet") =>
        {
            let pods = match cluster(state, &k.cluster) {
                Ok(c) => workload_pods(c, &k.namespace, &k.kind, &k.name),
                Err(e) => return state.flash(e),
            };
            if pods.is_empty() {
                return state.flash(format!("{} has no pods to tail yet", k.label()));
            }
            let k = std::sync::Arc::unwrap_or_clone(k);
            (k.cluster, k.namespace, Some((k.kind, k.name)), pods)
        }
        Subject::KongNode { gateway, node } => {
            let via = state
                .fleet
                .gateways
                .get(&gateway)
                .and_then(|g| g.nodes.get(&node))
                .map(|n| n.via.clone());
            match via {
                Some(KongVia::Pod {
                    cluster,
                    namespace,
                    pod,
                    ..
                }) => (cluster, namespace, None, BTreeSet::from([pod])),
                _ => {
                    return state.flash(format!(
                        "Kong node {node} is not a pod: its logs are where its platform keeps them (ECS: CloudWatch)"
                    ));
                }
            }
        }
        Subject::EcsTask { .. } | Subject::EcsService { .. } => {
            return state.flash("ECS task logs live in CloudWatch Logs: not available here");
        }
        _ => return state.flash("no logs here: select a pod, a workload or a Kong pod"),
    };
    let session = state.act.next_id();
    let pane = LogPane::new(
        session,
        &cluster_name,
        &namespace,
        workload,
        pods,
        state.act.log_buffer_lines,
    );
    state.act.effects.extend(pane.start());
    state.act.overlay = Some(Overlay::Logs(Box::new(pane)));
    state.mode = Mode::Logs;
}
