//! Diagnosis: pure rules over a snapshot of the whole fleet, each returning
//! [`Finding`]s with a stable code, a severity, the objects involved, a
//! one-line cause, the evidence chain (each link an object and a fact about
//! it), the fix in words and, where safe, a [`Remediation`] the UI can offer.
//!
//! The same engine runs continuously in the TUI (the Findings view, the
//! markers on rows, the counts on the Fleet view) and once from
//! `fleetdeck diagnose`, so both always agree.
//!
//! | file | rule family | codes |
//! |---|---|---|
//! | [`pvc`] | WaitForFirstConsumer deadlock, EBS on Fargate | `FD-PVC-*` |
//! | [`kong`] | ring-balancer without a peer, stale targets, Kong nodes, ECS services | `FD-KONG-*`, `FD-ECS-*` |
//! | [`fargate`] | why Fargate pods stay Pending, profiles | `FD-FARGATE-*` |
//! | [`hpa`] | autoscalers that cannot do their job | `FD-HPA-*` |
//! | [`pods`] | crash loops, image pulls, OOM, Pending, not ready | `FD-POD-*` |
//! | [`services`] | services a gateway routes to without ready endpoints | `FD-SVC-*` |
//! | [`nodes`] | NotReady, pressure, cordoned, node group at max | `FD-NODE-*`, `FD-NODEGROUP-*` |
//! | [`clusters`] | unreachable, unauthorized, forbidden, stale sources | `FD-CLUSTER-*`, `FD-GATEWAY-*`, `FD-AWS-*` |
//!
//! After the rules, [`incidents`] groups the findings into incidents: one
//! root cause, its symptoms, the impact on Kong routes, the root's fix.
//! The TUI passes each evaluation through [`stable`] (a finding shows once
//! it held, lingers after it stopped, and waits for its sources' first sync).
//!
//! Every code, its severity and meaning are listed once in [`codes::CODES`]
//! (and in the README, section "fleetdeck diagnose").
//!
//! ## Adding a rule
//! 1. Add its code to [`codes::CODES`] (code, severity, one-line meaning) and
//!    to the README table.
//! 2. Write `fn rule(s: &Snapshot) -> Vec<Finding>` in the family's file (or
//!    a new file): read only the snapshot, never do IO, never panic on odd
//!    data. Build findings with [`Finding::new`] so the severity comes from
//!    the code table. Name every object involved (the first is the one Enter
//!    jumps to) and give the chain of evidence from symptom to root cause.
//! 3. List it in [`RULES`].
//! 4. Test it in the family file: it fires on a fixture and stays quiet on
//!    the near miss ([`fixtures`] builds fleets from JSON objects). If a
//!    scenario of the simulated fleet shows the fault, assert its code in
//!    `tests/diagnose_e2e.rs`.
//!
//! A generic finding (e.g. "pod Pending") is dropped when a more specific
//! one already names all of its pods ([`codes::Code::generic`]).

pub mod clusters;
pub mod codes;
pub mod fargate;
pub mod hpa;
pub mod incidents;
pub mod index;
pub mod kong;
pub mod nodes;
pub mod pods;
pub mod pvc;
pub mod report;
pub mod services;
pub mod stable;
pub mod watch;

#[cfg(test)]
pub(crate) mod fixtures;

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use crate::model::fleet::Fleet;
pub use codes::{CODES, Code};
pub use index::Snapshot;

/// How bad a finding is, in an explicit order: `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// Degraded or about to break.
    Warning,
    /// Broken now: traffic fails or something can never start.
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// One glyph for markers on rows.
    pub fn glyph(self) -> &'static str {
        match self {
            Severity::Info => "·",
            Severity::Warning => "▲",
            Severity::Critical => "✖",
        }
    }
}

/// An object a finding involves. Kubernetes objects use their kind and
/// context; others use the conventions in the README: `KongNode` and
/// `KongUpstream` (namespace = gateway), `EcsService` (cluster = region,
/// namespace = ECS cluster), `FargateProfile` and `Nodegroup` (cluster =
/// region, namespace = EKS cluster), `Cluster` (name = context), `Gateway`,
/// `AwsRegion`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    pub cluster: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(cluster: &str, kind: &str, namespace: &str, name: &str) -> Self {
        ObjectRef {
            cluster: cluster.to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }
    }

    /// `Pod shop/payments-1` (with `@cluster` when there is one).
    pub fn label(&self) -> String {
        let mut s = format!("{} ", self.kind);
        if !self.namespace.is_empty() {
            s.push_str(&self.namespace);
            s.push('/');
        }
        s.push_str(&self.name);
        if !self.cluster.is_empty() {
            s.push_str(" @");
            s.push_str(&self.cluster);
        }
        s
    }
}

/// One link of the evidence chain: an object and a fact about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub object: ObjectRef,
    pub fact: String,
}

/// What the UI can offer to do about a finding; never destructive by itself
/// (scale opens the confirmation modal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Describe,
    Logs,
    Scale,
    ScaleNodegroup,
    ScaleEcsService,
    /// Delete the Kong node's pod / stop its ECS task: its workload or
    /// service starts a fresh one.
    ReplaceKongNode,
    /// Patch the workload's pod template annotation
    /// `kubectl.kubernetes.io/restartedAt`, as `kubectl rollout restart`:
    /// every pod is recreated.
    RolloutRestart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remediation {
    pub action: Action,
    pub object: ObjectRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// Involved objects; the first is the one the finding is about.
    pub objects: Vec<ObjectRef>,
    pub cause: String,
    pub evidence: Vec<Link>,
    pub fix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Remediation>,
}

impl Finding {
    /// A finding of `code`, its severity from the code table.
    pub fn new(code: Code, object: ObjectRef, cause: impl Into<String>) -> Self {
        Finding {
            code: code.id(),
            severity: code.severity(),
            objects: vec![object],
            cause: cause.into(),
            evidence: Vec::new(),
            fix: String::new(),
            remediation: None,
        }
    }

    pub fn with_severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn object(mut self, o: ObjectRef) -> Self {
        if !self.objects.contains(&o) {
            self.objects.push(o);
        }
        self
    }

    pub fn link(mut self, object: ObjectRef, fact: impl Into<String>) -> Self {
        self.evidence.push(Link {
            object,
            fact: fact.into(),
        });
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    pub fn remedy(mut self, action: Action, object: ObjectRef) -> Self {
        self.remediation = Some(Remediation { action, object });
        self
    }

    /// The object Enter jumps to.
    pub fn primary(&self) -> Option<&ObjectRef> {
        self.objects.first()
    }
}

/// A rule: a pure function of the snapshot.
pub type Rule = fn(&Snapshot) -> Vec<Finding>;

/// Every rule, by family.
pub const RULES: &[(&str, Rule)] = &[
    ("clusters", clusters::rule),
    ("pvc", pvc::rule),
    ("kong", kong::rule),
    ("fargate", fargate::rule),
    ("hpa", hpa::rule),
    ("pods", pods::rule),
    ("services", services::rule),
    ("nodes", nodes::rule),
];

/// The result of one diagnosis: findings worst first, the incidents they
/// form, and lookups for the UI.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub list: Vec<Finding>,
    /// Worst first; their indices point into `list`.
    pub incidents: Vec<incidents::Incident>,
    /// Worst severity per involved object, for row markers.
    pub marks: HashMap<ObjectRef, Severity>,
    /// Findings that hold but are not shown yet ([`stable`]).
    pub settling: usize,
    /// Not every source has answered long enough for findings to be shown
    /// ([`stable::Stable::ready`]): an empty list means "not yet", not "clean".
    pub unsettled: bool,
}

impl Findings {
    pub fn worst(&self) -> Option<Severity> {
        self.list.iter().map(|f| f.severity).max()
    }

    /// `(critical, warning, info)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.counts_where(|_| true)
    }

    /// Counts of the findings whose first object satisfies `keep`.
    pub fn counts_where(&self, keep: impl Fn(&Finding) -> bool) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for f in self.list.iter().filter(|f| keep(f)) {
            match f.severity {
                Severity::Critical => c.0 += 1,
                Severity::Warning => c.1 += 1,
                Severity::Info => c.2 += 1,
            }
        }
        c
    }

    pub fn mark(&self, cluster: &str, kind: &str, namespace: &str, name: &str) -> Option<Severity> {
        if self.marks.is_empty() {
            return None;
        }
        self.marks
            .get(&ObjectRef::new(cluster, kind, namespace, name))
            .copied()
    }

    /// Process exit code: 0 none or info, 1 warnings, 2 critical.
    pub fn exit_code(&self) -> u8 {
        match self.worst() {
            Some(Severity::Critical) => 2,
            Some(Severity::Warning) => 1,
            _ => 0,
        }
    }
}

/// Runs every rule over the fleet as of `now`: one evaluation, shown as is
/// (headless `diagnose`, after every source synced).
pub fn diagnose(fleet: &Fleet, now: Timestamp) -> Findings {
    let snap = Snapshot::new(fleet, now);
    let list = evaluate(&snap);
    assemble(&snap, list, 0)
}

/// Runs every rule and passes the findings through `stable`'s hysteresis
/// (the TUI, which re-evaluates on every change).
pub fn diagnose_stable(fleet: &Fleet, now: Timestamp, stable: &mut stable::Stable) -> Findings {
    let snap = Snapshot::new(fleet, now);
    let fresh = evaluate(&snap)
        .into_iter()
        .map(|f| {
            let sources = stable::sources_of(fleet, &f);
            (f, sources)
        })
        .collect();
    let answered = stable.answered(fleet);
    let shown = stable.step(now, stable::synced(fleet), answered, fresh);
    let mut out = assemble(&snap, shown, stable.settling());
    out.unsettled = !stable.ready(now);
    out
}

/// The rules' findings, generic ones already explained dropped.
fn evaluate(snap: &Snapshot) -> Vec<Finding> {
    let mut list: Vec<Finding> = RULES.iter().flat_map(|(_, rule)| rule(snap)).collect();
    drop_explained(&mut list);
    incidents::drop_unseen(snap, &mut list);
    list
}

/// Sorts the findings, marks their objects and groups them into incidents.
fn assemble(snap: &Snapshot, mut list: Vec<Finding>, settling: usize) -> Findings {
    for f in &mut list {
        f.objects.dedup();
    }
    list.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.code.cmp(b.code))
            .then_with(|| a.objects.cmp(&b.objects))
            .then_with(|| a.cause.cmp(&b.cause))
    });
    list.dedup();
    let mut marks: HashMap<ObjectRef, Severity> = HashMap::new();
    for f in &list {
        for o in &f.objects {
            let m = marks.entry(o.clone()).or_insert(f.severity);
            *m = (*m).max(f.severity);
        }
    }
    let incidents = incidents::correlate(snap, &list);
    Findings {
        list,
        incidents,
        marks,
        settling,
        unsettled: false,
    }
}

/// Drops generic findings whose pods a specific finding already explains.
fn drop_explained(list: &mut Vec<Finding>) {
    let explained: HashSet<ObjectRef> = list
        .iter()
        .filter(|f| Code::from_id(f.code).is_none_or(|c| !c.generic()))
        .flat_map(|f| f.objects.iter().filter(|o| o.kind == "Pod").cloned())
        .collect();
    if explained.is_empty() {
        return;
    }
    list.retain(|f| {
        let generic = Code::from_id(f.code).is_some_and(Code::generic);
        let mut pods = f.objects.iter().filter(|o| o.kind == "Pod").peekable();
        !(generic && pods.peek().is_some() && pods.all(|o| explained.contains(o)))
    });
}
