//! Pods: the real reason behind the phase, and where each pod runs.

use compact_str::CompactString;
use jiff::Timestamp;

use super::event::EventRow;
use super::pod_wire::{ContainerStatus, Pod};
use super::store::Row;
use super::text::sanitize;

pub const LABEL_FARGATE_PROFILE: &str = "eks.amazonaws.com/fargate-profile";
pub const ANNOTATION_CAPACITY_PROVISIONED: &str = "CapacityProvisioned";

/// How bad a pod's state is, for colour and counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PodHealth {
    Ok,
    /// Completed / Succeeded: not a problem, not running.
    Done,
    /// Pending, starting, not ready.
    Pending,
    /// CrashLoopBackOff, ImagePullBackOff, OOMKilled, Failed, Evicted…
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: CompactString,
    pub name: String,
}

/// The short strings (namespace, name, phase, status, IP, scheduler, owner
/// kind, labels) are `CompactString`s: held inline up to 24 bytes, so most
/// of 100,000 rows allocate none for them.
#[derive(Debug, Clone, PartialEq)]
pub struct PodRow {
    pub namespace: CompactString,
    pub name: CompactString,
    pub phase: CompactString,
    /// What a person needs to read: `CrashLoopBackOff`, `Init:ImagePullBackOff`, `Pending`…
    pub status: CompactString,
    pub health: PodHealth,
    pub ready: u32,
    pub containers: u32,
    pub restarts: u32,
    pub node: Option<String>,
    pub ip: Option<CompactString>,
    pub fargate_profile: Option<String>,
    /// Fargate's billed size, e.g. `0.25vCPU 0.5GB`.
    pub capacity_provisioned: Option<String>,
    pub scheduler: Option<CompactString>,
    pub owner: Option<Owner>,
    /// PVCs this pod mounts.
    pub claims: Vec<String>,
    pub created: Option<Timestamp>,
    /// Labels, for matching Fargate profile selectors.
    pub labels: Vec<(CompactString, CompactString)>,
    /// Some container has no CPU request (an HPA on CPU utilization cannot work).
    pub missing_cpu_request: bool,
    /// When the Ready condition last changed (endpoints follow it).
    pub ready_changed: Option<Timestamp>,
    /// CPU and memory requests and limits, summed as kubectl does.
    pub resources: super::pod_resources::PodResources,
    /// When any condition last changed: events older than this describe a
    /// state the pod has left.
    pub last_transition: Option<Timestamp>,
    /// What few pods have; `None` for a pod with none of it.
    pub notes: Option<Box<PodNotes>>,
}

/// What few pods have: a problem's message, a last exit, an unmet
/// condition, what Fargate refuses, a compute-type opt-out. Boxed apart,
/// so 100,000 plain pods do not each carry room for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodNotes {
    /// Scheduler's or container's message explaining `status`, when there is one.
    pub message: Option<String>,
    /// Why the last container restart ended (OOMKilled, Error…).
    pub last_termination: Option<String>,
    /// Exit code of the last (or current) container termination, with `last_termination`.
    pub exit_code: Option<i32>,
    /// When a container last ended with a non-zero exit: a crash loop between
    /// its crashes reads Running, and this keeps it visible.
    pub last_failure: Option<Timestamp>,
    /// The first unmet condition (scheduled, initialized, containers ready,
    /// ready) as `Reason: message`: why the pod is not serving, now.
    pub unmet_condition: Option<String>,
    /// What Fargate refuses: `DaemonSet`, `privileged`, `hostNetwork`, `hostPort`.
    pub fargate_unsupported: Vec<&'static str>,
    /// The `eks.amazonaws.com/compute-type` annotation (CoreDNS's `ec2` opt-out).
    pub compute_type: Option<String>,
}

/// The notes of a pod that has none.
static NO_NOTES: PodNotes = PodNotes {
    message: None,
    last_termination: None,
    exit_code: None,
    last_failure: None,
    unmet_condition: None,
    fargate_unsupported: Vec::new(),
    compute_type: None,
};

impl PodNotes {
    /// `None` when there is nothing to note, so a plain pod holds no box.
    fn boxed(self) -> Option<Box<PodNotes>> {
        (self != NO_NOTES).then(|| Box::new(self))
    }
}

impl Row for PodRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

/// A row from a whole k8s-openapi `Pod` (tests and fixtures build those).
impl From<&k8s_openapi::api::core::v1::Pod> for PodRow {
    fn from(pod: &k8s_openapi::api::core::v1::Pod) -> Self {
        // Only a pod holding what JSON cannot (never the API's) fails; its
        // identity is still kept.
        let slim = Pod::of_full(pod).unwrap_or_else(|_| Pod {
            metadata: pod.metadata.clone(),
            ..Pod::default()
        });
        PodRow::from(&slim)
    }
}

impl From<&Pod> for PodRow {
    fn from(pod: &Pod) -> Self {
        let meta = &pod.metadata;
        let spec = pod.spec.as_ref();
        let status = pod.status.as_ref();
        let statuses: &[ContainerStatus] = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        let init_statuses: &[ContainerStatus] = status
            .and_then(|s| s.init_container_statuses.as_deref())
            .unwrap_or_default();
        let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
        let containers = spec.map(|s| s.containers.len()).unwrap_or(statuses.len()) as u32;
        let ready = statuses.iter().filter(|c| c.ready).count() as u32;
        let restarts = statuses.iter().map(|c| c.restart_count.max(0) as u32).sum();
        let last_termination = statuses.iter().find_map(|c| {
            c.last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.reason.as_deref().map(sanitize))
        });
        let exit_code = statuses.iter().find_map(|c| {
            let state = c.state.as_ref().and_then(|s| s.terminated.as_ref());
            let last = c.last_state.as_ref().and_then(|s| s.terminated.as_ref());
            state.or(last).map(|t| t.exit_code)
        });
        let last_failure = statuses
            .iter()
            .flat_map(|c| {
                let state = c.state.as_ref().and_then(|s| s.terminated.as_ref());
                let last = c.last_state.as_ref().and_then(|s| s.terminated.as_ref());
                state.into_iter().chain(last)
            })
            .filter(|t| t.exit_code != 0)
            .filter_map(|t| t.finished_at.as_ref().map(|f| f.0))
            .max();
        let ready_changed = status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
            .and_then(|c| c.last_transition_time.as_ref().map(|t| t.0));
        let (status_text, health, message) = reason(pod, phase, statuses, init_statuses);
        let labels = meta.labels.as_ref();
        let annotations = meta.annotations.as_ref();
        PodRow {
            // Copied straight from the object: no String in between.
            namespace: meta.namespace.as_deref().unwrap_or_default().into(),
            name: meta.name.as_deref().unwrap_or_default().into(),
            phase: sanitize(phase).into(),
            status: status_text.into(),
            health,
            ready,
            containers,
            restarts,
            node: spec.and_then(|s| s.node_name.clone()),
            ip: status
                .and_then(|s| s.pod_ip.as_deref())
                .map(|ip| sanitize(ip).into()),
            fargate_profile: labels
                .and_then(|l| l.get(LABEL_FARGATE_PROFILE))
                .map(|v| sanitize(v)),
            capacity_provisioned: annotations
                .and_then(|a| a.get(ANNOTATION_CAPACITY_PROVISIONED))
                .map(|v| sanitize(v)),
            scheduler: spec
                .and_then(|s| s.scheduler_name.as_deref())
                .map(|s| sanitize(s).into()),
            owner: pod
                .metadata
                .owner_references
                .as_ref()
                .and_then(|o| o.iter().find(|o| o.controller == Some(true)).or(o.first()))
                .map(|o| Owner {
                    kind: o.kind.as_str().into(),
                    name: o.name.clone(),
                }),
            claims: spec
                .and_then(|s| s.volumes.as_ref())
                .map(|vs| {
                    vs.iter()
                        .filter_map(|v| v.persistent_volume_claim.as_ref())
                        .map(|c| c.claim_name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            created: meta.creation_timestamp.as_ref().map(|t| t.0),
            labels: labels
                .map(|l| {
                    l.iter()
                        .map(|(k, v)| (sanitize(k).into(), sanitize(v).into()))
                        .collect()
                })
                .unwrap_or_default(),
            missing_cpu_request: spec.is_some_and(|s| {
                s.containers.iter().any(|c| {
                    c.resources
                        .as_ref()
                        .and_then(|r| r.requests.as_ref())
                        .and_then(|r| r.get("cpu"))
                        .is_none()
                })
            }),
            ready_changed,
            resources: super::pod_resources::PodResources::of_pod(pod),
            last_transition: status.and_then(|s| s.conditions.as_ref()).and_then(|cs| {
                cs.iter()
                    .filter_map(|c| c.last_transition_time.as_ref().map(|t| t.0))
                    .max()
            }),
            notes: PodNotes {
                message,
                last_termination,
                exit_code,
                last_failure,
                unmet_condition: unmet_condition(pod),
                fargate_unsupported: fargate_unsupported(pod),
                compute_type: annotations
                    .and_then(|a| a.get(crate::model::node::LABEL_COMPUTE_TYPE))
                    .map(|v| sanitize(v)),
            }
            .boxed(),
        }
    }
}

/// Event reasons about placing a pod: they stop applying once it is bound.
const SCHEDULING_REASONS: [&str; 3] = ["FailedScheduling", "Preempted", "NotTriggerScaleUp"];

impl PodRow {
    /// What is noted of this pod (nothing for most).
    pub fn notes(&self) -> &PodNotes {
        self.notes.as_deref().unwrap_or(&NO_NOTES)
    }

    /// The notes to change (tests and fixtures).
    pub fn notes_mut(&mut self) -> &mut PodNotes {
        self.notes.get_or_insert_with(Box::default)
    }

    /// Whether event `e` still explains this pod: a warning no older than the
    /// pod's last condition change, and not a scheduling one once the pod
    /// is on a node.
    pub fn explained_by(&self, e: &EventRow) -> bool {
        e.type_ == "Warning"
            && self
                .last_transition
                .is_none_or(|t| e.last.is_some_and(|l| l >= t))
            && !(self.node.is_some() && SCHEDULING_REASONS.contains(&e.reason.as_str()))
    }

    /// Why a pod that is not fine is so, from its current state first: the
    /// container's or scheduler's message, then `event` if it still explains
    /// the pod, then its first unmet condition. Empty for a fine pod.
    pub fn why(&self, event: Option<&EventRow>) -> String {
        if matches!(self.health, PodHealth::Ok | PodHealth::Done) {
            return String::new();
        }
        let notes = self.notes();
        notes
            .message
            .clone()
            .or_else(|| {
                event
                    .filter(|e| self.explained_by(e))
                    .map(|e| format!("{}: {}", e.reason, e.message))
            })
            .or_else(|| notes.unmet_condition.clone())
            .unwrap_or_default()
    }
}

/// The first condition of a pod's start-up that is not met, as `Reason: message`.
fn unmet_condition(pod: &Pod) -> Option<String> {
    let conds = pod.status.as_ref()?.conditions.as_ref()?;
    ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
        .iter()
        .find_map(|ty| conds.iter().find(|c| c.type_ == *ty && c.status == "False"))
        .map(|c| {
            let reason = c.reason.as_deref().unwrap_or(&c.type_);
            match c.message.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => sanitize(&format!("{reason}: {m}")),
                None => sanitize(&format!("not {}: {reason}", c.type_)),
            }
        })
}

/// The pod features the Fargate scheduler refuses.
fn fargate_unsupported(pod: &Pod) -> Vec<&'static str> {
    let mut out = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    let controller = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    if controller.is_some_and(|o| o.kind == "DaemonSet") {
        out.push("DaemonSet");
    }
    let containers = || {
        spec.containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
    };
    if containers().any(|c| {
        c.security_context
            .as_ref()
            .and_then(|s| s.privileged)
            .unwrap_or(false)
    }) {
        out.push("privileged");
    }
    if spec.host_network == Some(true) {
        out.push("hostNetwork");
    }
    if containers()
        .flat_map(|c| c.ports.iter().flatten())
        .any(|p| p.host_port.is_some_and(|h| h != 0))
    {
        out.push("hostPort");
    }
    out
}

/// The status column kubectl would print, made more precise: the waiting or
/// terminated reason of the first unhappy container, Init: prefixes, and the
/// scheduler's reason for Pending pods.
fn reason(
    pod: &Pod,
    phase: &str,
    statuses: &[ContainerStatus],
    init_statuses: &[ContainerStatus],
) -> (String, PodHealth, Option<String>) {
    let status = pod.status.as_ref();
    if pod.metadata.deletion_timestamp.is_some() {
        return ("Terminating".into(), PodHealth::Pending, None);
    }
    if let Some(r) = status.and_then(|s| s.reason.as_deref()) {
        // Evicted, NodeLost, UnexpectedAdmissionError…
        let msg = status.and_then(|s| s.message.as_deref()).map(sanitize);
        return (sanitize(r), PodHealth::Failed, msg);
    }
    let total_init = init_statuses.len();
    for (i, c) in init_statuses.iter().enumerate() {
        let state = c.state.as_ref();
        if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            if t.exit_code == 0 {
                continue;
            }
            let r = t.reason.as_deref().unwrap_or("Error");
            return (
                format!("Init:{}", sanitize(r)),
                PodHealth::Failed,
                t.message.as_deref().map(sanitize),
            );
        }
        if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
            let r = w.reason.as_deref().unwrap_or("Waiting");
            if r != "PodInitializing" {
                let health = waiting_health(r);
                return (
                    format!("Init:{}", sanitize(r)),
                    health,
                    w.message.as_deref().map(sanitize),
                );
            }
        }
        return (format!("Init:{i}/{total_init}"), PodHealth::Pending, None);
    }
    let mut running_unready = false;
    for c in statuses {
        let state = c.state.as_ref();
        if let Some(w) = state.and_then(|s| s.waiting.as_ref()) {
            let r = w.reason.as_deref().unwrap_or("Waiting");
            let mut text = sanitize(r);
            // CrashLoopBackOff hides why it crashed; the last termination says it.
            if let Some(last) = c
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.reason.as_deref())
                && r == "CrashLoopBackOff"
                && last != "Error"
                && last != "Completed"
            {
                text = format!("{text} ({})", sanitize(last));
            }
            return (text, waiting_health(r), w.message.as_deref().map(sanitize));
        }
        if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            let r = t
                .reason
                .clone()
                .unwrap_or_else(|| format!("ExitCode:{}", t.exit_code));
            let health = if t.exit_code == 0 {
                PodHealth::Done
            } else {
                PodHealth::Failed
            };
            if phase == "Succeeded" || t.exit_code != 0 {
                return (sanitize(&r), health, t.message.as_deref().map(sanitize));
            }
        }
        if state.and_then(|s| s.running.as_ref()).is_some() && !c.ready {
            running_unready = true;
        }
    }
    match phase {
        "Pending" => {
            // The scheduler's verdict, e.g. Unschedulable + "0/3 nodes are available…".
            let cond = status.and_then(|s| s.conditions.as_ref()).and_then(|cs| {
                cs.iter()
                    .find(|c| c.type_ == "PodScheduled" && c.status == "False")
            });
            match cond {
                Some(c) => (
                    format!(
                        "Pending:{}",
                        sanitize(c.reason.as_deref().unwrap_or("NotScheduled"))
                    ),
                    PodHealth::Pending,
                    c.message.as_deref().map(sanitize),
                ),
                None => ("Pending".into(), PodHealth::Pending, None),
            }
        }
        "Running" if running_unready => ("Running".into(), PodHealth::Pending, None),
        "Running" => ("Running".into(), PodHealth::Ok, None),
        "Succeeded" => ("Completed".into(), PodHealth::Done, None),
        "Failed" => (
            "Failed".into(),
            PodHealth::Failed,
            status.and_then(|s| s.message.as_deref()).map(sanitize),
        ),
        other => (sanitize(other), PodHealth::Pending, None),
    }
}

fn waiting_health(reason: &str) -> PodHealth {
    match reason {
        "ContainerCreating" | "PodInitializing" | "Waiting" => PodHealth::Pending,
        _ => PodHealth::Failed,
    }
}

impl PodRow {
    pub fn ready_text(&self) -> String {
        format!("{}/{}", self.ready, self.containers)
    }

    /// Whether the pod carries label `k=v`, as a selector term asks.
    pub fn has_label(&self, (k, v): &(String, String)) -> bool {
        self.labels.iter().any(|(pk, pv)| pk == k && pv == v)
    }

    pub fn is_running(&self) -> bool {
        self.health == PodHealth::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(reason: &str, at: &str) -> EventRow {
        EventRow {
            namespace: "shop".into(),
            name: "e".into(),
            object_kind: "Pod".into(),
            object_name: "web".into(),
            type_: "Warning".into(),
            reason: reason.into(),
            message: "0/3 nodes are available: 3 Insufficient cpu.".into(),
            source: "default-scheduler".into(),
            count: 4,
            last: at.parse().ok(),
        }
    }

    /// A pod that failed scheduling at 00:01, was bound at 00:05 and is
    /// starting: the old event no longer explains it, its conditions do.
    #[test]
    fn a_bound_pods_why_is_its_condition_not_an_old_scheduling_event() {
        let bound: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"nodeName": "ip-10-0-1-1", "containers": [{"name": "app"}]},
            "status": {"phase": "Running", "conditions": [
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-01-01T00:05:00Z"},
                {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-01-01T00:05:00Z"},
                {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady",
                 "message": "containers with unready status: [app]", "lastTransitionTime": "2026-01-01T00:05:00Z"}],
                "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                    "state": {"running": {"startedAt": "2026-01-01T00:05:10Z"}}}]}
        }))
        .expect("pod");
        let row = PodRow::from(&bound);
        let stale = event("FailedScheduling", "2026-01-01T00:01:00Z");
        let why = row.why(Some(&stale));
        assert!(!why.contains("FailedScheduling"), "{why}");
        assert_eq!(
            why,
            "ContainersNotReady: containers with unready status: [app]"
        );
        // An event after the last change still explains it.
        let later = event("Unhealthy", "2026-01-01T00:06:00Z");
        assert!(row.why(Some(&later)).starts_with("Unhealthy: "));
        // A scheduling event never explains a bound pod, however recent.
        let recent = event("FailedScheduling", "2026-01-01T00:06:00Z");
        assert!(!row.why(Some(&recent)).contains("FailedScheduling"));
        // Not yet bound: the scheduler's own verdict.
        let pending: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Pending", "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                 "message": "0/3 nodes are available: 3 Insufficient cpu.", "lastTransitionTime": "2026-01-01T00:01:00Z"}]}
        }))
        .expect("pod");
        let row = PodRow::from(&pending);
        assert_eq!(
            row.why(Some(&stale)),
            "0/3 nodes are available: 3 Insufficient cpu."
        );
    }
    use crate::model::fixtures;

    #[test]
    fn crashloop_shows_oomkilled() {
        let row = PodRow::from(&fixtures::crashloop_pod());
        assert_eq!(row.status, "CrashLoopBackOff (OOMKilled)");
        assert_eq!(row.health, PodHealth::Failed);
        assert_eq!(row.restarts, 7);
        assert_eq!(row.ready_text(), "0/1");
    }

    #[test]
    fn image_pull_backoff() {
        let row = PodRow::from(&fixtures::image_pull_pod());
        assert_eq!(row.status, "ImagePullBackOff");
        assert_eq!(row.health, PodHealth::Failed);
        assert!(
            row.notes()
                .message
                .as_deref()
                .unwrap_or_default()
                .contains("pull")
        );
    }

    #[test]
    fn pending_fargate_pod_keeps_profile_and_scheduler_reason() {
        let row = PodRow::from(&fixtures::pending_fargate_pod());
        assert_eq!(row.status, "Pending:Unschedulable");
        assert_eq!(row.health, PodHealth::Pending);
        assert_eq!(row.fargate_profile.as_deref(), Some("fp-demo-service"));
        assert_eq!(row.claims, vec!["data".to_string()]);
        assert!(
            row.notes()
                .message
                .as_deref()
                .unwrap_or_default()
                .contains("PVC data not bound")
        );
    }

    #[test]
    fn running_fargate_pod_has_capacity_provisioned() {
        let row = PodRow::from(&fixtures::running_fargate_pod());
        assert_eq!(row.status, "Running");
        assert_eq!(row.health, PodHealth::Ok);
        assert_eq!(row.capacity_provisioned.as_deref(), Some("0.25vCPU 0.5GB"));
        assert_eq!(
            row.owner.as_ref().map(|o| o.kind.as_str()),
            Some("ReplicaSet")
        );
        assert_eq!(row.ip.as_deref(), Some("10.0.1.23"));
    }

    /// The row keeps the name the API knows (actions use it); only what is
    /// drawn is sanitized.
    #[test]
    fn control_sequences_in_names_are_kept_as_data_and_stripped_for_display() {
        let mut pod = fixtures::running_fargate_pod();
        pod.metadata.name = Some("evil\u{1b}[2Jpod".into());
        let row = PodRow::from(&pod);
        assert_eq!(row.name, "evil\u{1b}[2Jpod");
        assert_eq!(crate::model::text::sanitize(&row.name), "evilpod");
    }
}
