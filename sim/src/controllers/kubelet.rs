//! The kubelet on every node: each bound pod's status is recomputed from
//! the time since it was bound ([`lifecycle`]), with the Events the real
//! kubelet emits on each transition. Times written (`startedAt`,
//! `lastState.terminated.*`) are what `main` generates pod logs from.

use std::collections::HashSet;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, HostIP, Node, Pod, PodCondition, PodIP,
};

use super::events::{self, kubelet as source};
use super::lifecycle::{self, Behavior, State};
use super::meta::{annotation, name, namespace, plus_secs, secs_since, time, uid};
use super::podspec::{self, BEHAVIOR};
use super::{Ctx, Due, ips};
use crate::rng::{Rng, hash_str, mix};
use crate::store::Store;

/// Seconds this container's image takes to pull (1–3 s, stable per pod).
fn pull_secs(pod_uid: &str, container: &str) -> f64 {
    1.0 + (mix(hash_str(pod_uid) ^ hash_str(container)) % 2000) as f64 / 1000.0
}

fn full_image(image: &str) -> String {
    let (path, tag) = match image.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p, t),
        _ => (image, "latest"),
    };
    let first = path.split('/').next().unwrap_or_default();
    let path = if first.contains('.') || first.contains(':') {
        path.to_owned()
    } else if path.contains('/') {
        format!("docker.io/{path}")
    } else {
        format!("docker.io/library/{path}")
    };
    format!("{path}:{tag}")
}

fn digest(image: &str) -> String {
    let repo = full_image(image);
    let repo = repo
        .rsplit_once(':')
        .map(|(r, _)| r)
        .unwrap_or(&repo)
        .to_owned();
    format!("{repo}@sha256:{}", Rng::new(hash_str(image)).hex(64))
}

/// Deletes a pod as the kubelet stops it (`Killing` for each running container).
pub fn kill(store: &mut Store, pod: &Pod, now: Timestamp) {
    if let Some(node) = podspec::node_name(pod) {
        let pref = events::reference("Pod", "v1", &pod.metadata);
        let running: Vec<String> = pod
            .status
            .iter()
            .flat_map(|s| s.container_statuses.iter().flatten())
            .filter(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
            .map(|c| c.name.clone())
            .collect();
        for c in running {
            events::record(
                store,
                now,
                events::normal(
                    &pref,
                    "Killing",
                    format!("Stopping container {c}"),
                    source(node),
                ),
            );
        }
    }
    let _ = store.delete::<Pod>(namespace(&pod.metadata), name(&pod.metadata));
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    let pods = store.list::<Pod>(None);
    let mut used: HashSet<String> = pods
        .iter()
        .filter_map(|p| p.status.as_ref()?.pod_ip.clone())
        .collect();
    let nodes: std::collections::HashMap<String, Node> = store
        .list::<Node>(None)
        .into_iter()
        .map(|n| (name(&n.metadata).to_owned(), n))
        .collect();
    for pod in pods {
        let Some(node) = podspec::node_name(&pod).and_then(|n| nodes.get(n)) else {
            continue;
        };
        let Some(bound) = podspec::bound_at(&pod) else {
            continue;
        };
        if let Some(next) = sync_pod(store, ctx, pod, node, bound, &mut used) {
            due.at(next);
        }
    }
    due
}

fn node_ip(node: &Node) -> String {
    node.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
        .map(|a| a.address.clone())
        .unwrap_or_default()
}

fn sync_pod(
    store: &mut Store,
    ctx: &Ctx,
    mut pod: Pod,
    node: &Node,
    bound: Timestamp,
    used: &mut HashSet<String>,
) -> Option<Timestamp> {
    let elapsed = secs_since(bound, ctx.now);
    let behavior = Behavior::parse(annotation(&pod.metadata, BEHAVIOR));
    let node_name = name(&node.metadata).to_owned();
    let pod_uid = uid(&pod.metadata).to_owned();
    let spec = pod.spec.clone().unwrap_or_default();
    let old = pod.status.clone().unwrap_or_default();
    let mut status = old.clone();
    let at = |secs: f64| time(plus_secs(bound, secs));
    let mut next: Option<f64> = None;
    let mut statuses = Vec::new();
    let mut transitions: Vec<(String, &'static str, String)> = Vec::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let b = if i == 0 { behavior } else { Behavior::Normal };
        let snap = lifecycle::at(b, pull_secs(&pod_uid, &c.name), elapsed);
        if let Some(n) = snap.next {
            next = Some(next.map_or(n, |m: f64| m.min(n)));
        }
        let image = c.image.clone().unwrap_or_default();
        let cid = |k: u32| {
            format!(
                "containerd://{}",
                Rng::new(mix(hash_str(&pod_uid) ^ hash_str(&c.name) ^ u64::from(k))).hex(64)
            )
        };
        let prev = old
            .container_statuses
            .iter()
            .flatten()
            .find(|s| s.name == c.name);
        let state = match &snap.state {
            State::Creating => ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("ContainerCreating".into()),
                    message: None,
                }),
                ..Default::default()
            },
            State::Running { since, .. } => ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(at(*since)),
                }),
                ..Default::default()
            },
            State::CrashLoop { backoff } => ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("CrashLoopBackOff".into()),
                    message: Some(format!(
                        "back-off {} restarting failed container={} pod={}_{}({pod_uid})",
                        lifecycle::go_duration(*backoff),
                        c.name,
                        name(&pod.metadata),
                        namespace(&pod.metadata)
                    )),
                }),
                ..Default::default()
            },
            State::ErrImagePull => ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("ErrImagePull".into()),
                    message: Some(pull_error(&image)),
                }),
                ..Default::default()
            },
            State::ImagePullBackOff => ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("ImagePullBackOff".into()),
                    message: Some(format!("Back-off pulling image \"{image}\"")),
                }),
                ..Default::default()
            },
        };
        let last_state = snap.last.map(|(s, f, code, reason)| ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: code,
                reason: Some(reason.into()),
                started_at: Some(at(s)),
                finished_at: Some(at(f)),
                container_id: Some(cid(snap
                    .restarts
                    .saturating_sub(u32::from(matches!(snap.state, State::Running { .. }))))),
                ..Default::default()
            }),
            ..Default::default()
        });
        let ready = matches!(snap.state, State::Running { ready: true, .. });
        let started = matches!(snap.state, State::Running { .. });
        // Transitions since the last observed status, for events.
        let was = prev.and_then(|p| p.state.clone()).unwrap_or_default();
        let was_restarts = prev.map_or(0, |p| p.restart_count);
        let reason_of = |s: &ContainerState| s.waiting.as_ref().and_then(|w| w.reason.clone());
        if prev.is_none()
            || (reason_of(&was).as_deref() == Some("ContainerCreating")
                && reason_of(&state).as_deref() != Some("ContainerCreating"))
            || (was.running.is_none() && started)
            || snap.restarts as i32 != was_restarts
        {
            match &snap.state {
                State::Running { .. } | State::CrashLoop { .. }
                    if prev.is_none_or(|p| p.image_id.is_empty()) =>
                {
                    if old.pod_ip.is_none() {
                        transitions.push((c.name.clone(), "Pulling", image.clone()));
                    }
                    transitions.push((c.name.clone(), "Pulled", image.clone()));
                    transitions.push((c.name.clone(), "Started", image.clone()));
                }
                State::Running { .. } => {
                    transitions.push((c.name.clone(), "Restarted", image.clone()))
                }
                State::CrashLoop { .. } => {
                    transitions.push((c.name.clone(), "BackOff", image.clone()))
                }
                State::ErrImagePull | State::ImagePullBackOff => {
                    transitions.push((c.name.clone(), "PullFailed", image.clone()))
                }
                State::Creating => {}
            }
        }
        if matches!(snap.state, State::Creating)
            && elapsed >= lifecycle::SANDBOX_SECS
            && old.pod_ip.is_none()
        {
            transitions.push((c.name.clone(), "Pulling", image.clone()));
        }
        if matches!(snap.state, State::CrashLoop { .. })
            && reason_of(&was).as_deref() != Some("CrashLoopBackOff")
        {
            transitions.push((c.name.clone(), "BackOff", image.clone()));
        }
        // Each retry after a back-off pulls again and fails again, as the kubelet reports it.
        if matches!(snap.state, State::ErrImagePull)
            && reason_of(&was).as_deref() == Some("ImagePullBackOff")
        {
            transitions.push((c.name.clone(), "PullFailed", image.clone()));
        }
        if matches!(snap.state, State::ImagePullBackOff)
            && reason_of(&was).as_deref() != Some("ImagePullBackOff")
        {
            transitions.push((c.name.clone(), "PullBackOff", image.clone()));
        }
        if behavior == Behavior::NotReady && i == 0 && started {
            transitions.push((c.name.clone(), "Unhealthy", image.clone()));
        }
        statuses.push(ContainerStatus {
            name: c.name.clone(),
            image: image.clone(),
            image_id: if snap.pulled_at.is_some() {
                digest(&image)
            } else {
                String::new()
            },
            container_id: snap.pulled_at.map(|_| cid(snap.restarts)),
            ready,
            started: Some(started),
            restart_count: snap.restarts as i32,
            state: Some(state),
            last_state: Some(last_state.unwrap_or_default()),
            ..Default::default()
        });
    }
    let sandbox = elapsed >= lifecycle::SANDBOX_SECS;
    let all_ready = !statuses.is_empty() && statuses.iter().all(|s| s.ready);
    let any_started = statuses
        .iter()
        .any(|s| s.started == Some(true) || s.restart_count > 0);
    status.phase = Some(if any_started { "Running" } else { "Pending" }.into());
    let host_ip = node_ip(node);
    status.host_ip = Some(host_ip.clone());
    status.host_ips = Some(vec![HostIP {
        ip: host_ip.clone(),
    }]);
    status.start_time = Some(time(bound));
    // On a virtual node the pod's IP is its ECS task's, set by the
    // virtual-kubelet bridge in the world loop.
    let is_virtual = super::meta::label(&node.metadata, "type") == Some("virtual-kubelet");
    if sandbox && status.pod_ip.is_none() && !is_virtual {
        let is_fargate = node_name.starts_with("fargate-");
        let zone = node
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("topology.kubernetes.io/zone"))
            .cloned()
            .unwrap_or_else(|| format!("{}a", ctx.region));
        let ip = if is_fargate || spec.host_network == Some(true) {
            host_ip.clone()
        } else {
            ips::pick(ctx.seed, &zone, &pod_uid, used)
        };
        used.insert(ip.clone());
        status.pod_ip = Some(ip.clone());
        status.pod_ips = Some(vec![PodIP { ip }]);
    }
    status.container_statuses = Some(statuses);
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let unready: Vec<String> = status_names(conds.is_empty(), &spec, all_ready);
    let tf = |b: bool| if b { "True" } else { "False" };
    let not_ready_msg =
        (!all_ready).then(|| format!("containers with unready status: [{}]", unready.join(" ")));
    let not_ready_reason = (!all_ready).then_some("ContainersNotReady");
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "PodReadyToStartContainers",
        tf(sandbox),
        None,
        None,
        ctx.now,
    );
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "Initialized",
        "True",
        None,
        None,
        ctx.now,
    );
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "Ready",
        tf(all_ready),
        not_ready_reason,
        not_ready_msg.clone(),
        ctx.now,
    );
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "ContainersReady",
        tf(all_ready),
        not_ready_reason,
        not_ready_msg,
        ctx.now,
    );
    crate::controllers::meta::set_condition::<PodCondition>(
        conds,
        "PodScheduled",
        "True",
        None,
        None,
        bound,
    );
    let order = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    conds.sort_by_key(|c| {
        order
            .iter()
            .position(|o| *o == c.type_)
            .unwrap_or(order.len())
    });
    if pod.status.as_ref() != Some(&status) {
        pod.status = Some(status);
        let _ = store.replace(&pod);
    }
    emit(store, ctx, &pod, &node_name, &transitions, elapsed, bound);
    next.map(|n| plus_secs(bound, n))
}

fn status_names(
    _first: bool,
    spec: &k8s_openapi::api::core::v1::PodSpec,
    all_ready: bool,
) -> Vec<String> {
    if all_ready {
        Vec::new()
    } else {
        spec.containers.iter().map(|c| c.name.clone()).collect()
    }
}

fn pull_error(image: &str) -> String {
    let full = full_image(image);
    let repo = full
        .rsplit_once(':')
        .map(|(r, _)| r)
        .unwrap_or(&full)
        .to_owned();
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {repo}: not found"
    )
}

fn emit(
    store: &mut Store,
    ctx: &Ctx,
    pod: &Pod,
    node: &str,
    transitions: &[(String, &'static str, String)],
    elapsed: f64,
    _bound: Timestamp,
) {
    if transitions.is_empty() {
        return;
    }
    let src = source(node);
    for (c, what, image) in transitions {
        let mut pref = events::reference("Pod", "v1", &pod.metadata);
        pref.field_path = Some(format!("spec.containers{{{c}}}"));
        let pull = pull_secs(uid(&pod.metadata), c);
        let reports = match *what {
            "Pulling" => vec![events::normal(
                &pref,
                "Pulling",
                format!("Pulling image \"{image}\""),
                src,
            )],
            "Pulled" => vec![events::normal(
                &pref,
                "Pulled",
                format!(
                    "Successfully pulled image \"{image}\" in {pull:.3}s ({pull:.3}s including waiting). Image size: {} bytes.",
                    20_000_000 + hash_str(image) % 180_000_000
                ),
                src,
            )],
            "Started" => vec![
                events::normal(&pref, "Created", format!("Created container: {c}"), src),
                events::normal(&pref, "Started", format!("Started container {c}"), src),
            ],
            "Restarted" => vec![
                events::normal(
                    &pref,
                    "Pulled",
                    format!("Container image \"{image}\" already present on machine"),
                    src,
                ),
                events::normal(&pref, "Created", format!("Created container: {c}"), src),
                events::normal(&pref, "Started", format!("Started container {c}"), src),
            ],
            "BackOff" => vec![events::warning(
                &pref,
                "BackOff",
                format!(
                    "Back-off restarting failed container {c} in pod {}_{}({})",
                    name(&pod.metadata),
                    namespace(&pod.metadata),
                    uid(&pod.metadata)
                ),
                src,
            )],
            "PullFailed" => vec![
                events::normal(&pref, "Pulling", format!("Pulling image \"{image}\""), src),
                events::warning(
                    &pref,
                    "Failed",
                    format!("Failed to pull image \"{image}\": {}", pull_error(image)),
                    src,
                ),
                events::warning(&pref, "Failed", "Error: ErrImagePull".to_owned(), src),
            ],
            "PullBackOff" => vec![
                events::normal(
                    &pref,
                    "BackOff",
                    format!("Back-off pulling image \"{image}\""),
                    src,
                ),
                events::warning(&pref, "Failed", "Error: ImagePullBackOff".to_owned(), src),
            ],
            "Unhealthy" if elapsed > 10.0 => vec![
                events::warning(
                    &pref,
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503".to_owned(),
                    src,
                )
                .every(30.0),
            ],
            _ => Vec::new(),
        };
        for r in reports {
            events::record(store, ctx.now, r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    fn first_status(p: &Pod) -> ContainerStatus {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first().cloned())
            .unwrap_or_default()
    }

    #[test]
    fn pod_goes_pending_creating_running_ready() {
        let mut t = testkit::Harness::terrax();
        t.run_secs(10);
        t.apply_deployment("tb-demo", "worker", &[("app", "worker")], 1);
        t.run_secs(1);
        let p = t.pods("tb-demo").remove(0);
        assert_eq!(podspec::phase(&p), "Pending");
        t.run_secs(2);
        let p = t.pods("tb-demo").remove(0);
        let waiting = first_status(&p)
            .state
            .and_then(|s| s.waiting)
            .and_then(|w| w.reason);
        assert_eq!(waiting.as_deref(), Some("ContainerCreating"));
        t.run_secs(6);
        let p = t.pods("tb-demo").remove(0);
        assert_eq!(podspec::phase(&p), "Running");
        assert!(podspec::is_ready(&p));
        let st = p.status.clone().unwrap_or_default();
        assert!(st.pod_ip.is_some_and(|ip| ip.starts_with("10.0.")));
        assert!(
            first_status(&p)
                .state
                .and_then(|s| s.running)
                .and_then(|r| r.started_at)
                .is_some()
        );
        let reasons: Vec<String> = events::about(t.store(), "tb-demo", name(&p.metadata))
            .into_iter()
            .filter_map(|e| e.reason)
            .collect();
        assert_eq!(
            reasons,
            ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        );
    }

    #[test]
    fn crashloop_shows_backoff_with_last_termination() {
        let mut t = testkit::Harness::terrax();
        let mut pod = testkit::pod("default", "crash", &[("app", "crash")]);
        pod.metadata.annotations = Some([(BEHAVIOR.to_owned(), "crashloop".to_owned())].into());
        t.create_pod(pod);
        t.run_secs(120);
        let p: Pod = t.get("default", "crash");
        let cs = first_status(&p);
        assert!(cs.restart_count >= 2, "{}", cs.restart_count);
        let term = cs.last_state.and_then(|s| s.terminated).unwrap_or_default();
        assert_eq!((term.exit_code, term.reason.as_deref()), (1, Some("Error")));
        assert!(term.started_at.is_some() && term.finished_at.is_some());
        assert_eq!(podspec::phase(&p), "Running");
        let backoff = events::about(t.store(), "default", "crash")
            .into_iter()
            .find(|e| e.reason.as_deref() == Some("BackOff"))
            .unwrap_or_default();
        assert!(backoff.count.unwrap_or(0) >= 2);
        assert_eq!(
            backoff
                .source
                .and_then(|s| s.host)
                .map(|h| h.starts_with("fargate-ip-")),
            Some(true)
        );
    }

    #[test]
    fn image_pull_failure_stays_pending() {
        let mut t = testkit::Harness::terrax();
        let mut pod = testkit::pod("default", "typo", &[("app", "typo")]);
        pod.metadata.annotations = Some([(BEHAVIOR.to_owned(), "imagepull".to_owned())].into());
        t.create_pod(pod);
        t.run_secs(30);
        let p: Pod = t.get("default", "typo");
        assert_eq!(podspec::phase(&p), "Pending");
        let reason = first_status(&p)
            .state
            .and_then(|s| s.waiting)
            .and_then(|w| w.reason);
        assert!(
            matches!(reason.as_deref(), Some("ImagePullBackOff" | "ErrImagePull")),
            "{reason:?}"
        );
    }

    #[test]
    fn every_pull_retry_reports_the_long_pull_error_again() {
        let mut t = testkit::Harness::terrax();
        let mut pod = testkit::pod("default", "typo", &[("app", "typo")]);
        pod.metadata.annotations = Some([(BEHAVIOR.to_owned(), "imagepull".to_owned())].into());
        t.create_pod(pod);
        t.run_secs(90);
        let failed = events::about(t.store(), "default", "typo")
            .into_iter()
            .find(|e| {
                e.message
                    .as_deref()
                    .is_some_and(|m| m.contains("failed to pull and unpack image"))
            })
            .unwrap_or_default();
        assert!(failed.count.unwrap_or(0) >= 2, "{failed:?}");
    }
}
