//! Findings: incidents worst first, each row a root cause with its
//! symptoms folded under it (Enter or → unfolds, ← folds); the selected
//! row's impact, fix and evidence chain below. Enter on an unfolded
//! incident or a symptom jumps to its object. `f` switches to the flat list
//! of findings, worst first.

use crate::config::theme::Role;
use crate::diagnose::incidents::Incident;
use crate::diagnose::{Finding, Findings, ObjectRef, Severity};
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target, ViewKind};
use crate::view::state::State;
use crate::view::subject::Subject;

pub fn role(s: Severity) -> Role {
    match s {
        Severity::Critical => Role::Critical,
        Severity::Warning => Role::Warn,
        Severity::Info => Role::Muted,
    }
}

/// Where Enter on a finding about `o` leads.
pub fn target(o: &ObjectRef) -> Option<Target> {
    let named = |view| Target::Named {
        view,
        cluster: o.cluster.clone(),
        namespace: o.namespace.clone(),
        name: o.name.clone(),
    };
    Some(match o.kind.as_str() {
        "Pod" => Target::Pod {
            cluster: o.cluster.clone(),
            namespace: o.namespace.clone(),
            name: o.name.clone(),
        },
        "Node" => Target::Node {
            cluster: o.cluster.clone(),
            node: o.name.clone(),
        },
        "Deployment" | "StatefulSet" | "DaemonSet" => Target::Workload {
            cluster: o.cluster.clone(),
            namespace: o.namespace.clone(),
            kind: o.kind.clone(),
            name: o.name.clone(),
        },
        "PersistentVolumeClaim" => named(ViewKind::Pvc),
        "HorizontalPodAutoscaler" => named(ViewKind::Hpa),
        "Cluster" => Target::Cluster(o.name.clone()),
        "KongNode" | "Gateway" => Target::Gateway(if o.kind == "Gateway" {
            o.name.clone()
        } else {
            o.namespace.clone()
        }),
        "KongUpstream" => Target::Upstream {
            gateway: o.namespace.clone(),
            upstream: o.name.clone(),
        },
        "EcsService" | "EcsTask" => Target::EcsCluster {
            region: o.cluster.clone(),
            name: o.namespace.clone(),
        },
        "FargateProfile" | "Nodegroup" | "AwsRegion" => Target::Region(o.cluster.clone()),
        _ => return None,
    })
}

/// A finding and the label of the object it is about, as a row shows it.
pub struct FindingFacts<'a> {
    finding: &'a Finding,
    object: String,
    /// The severity shown (an incident's worst, on its root's row).
    severity: Severity,
    /// Tree prefix before the code: `▸ `/`▾ ` on an incident, `  └ ` on a symptom.
    prefix: &'static str,
    /// Folded symptoms, shown after the cause.
    folded: usize,
    /// Order in the tree, so sorting by severity keeps symptoms under their root.
    order: i64,
    /// The watch of a fix applied for this finding, before its cause.
    watched: Option<String>,
}

/// The note of a fix applied for `f` and watched, if any.
fn watched(state: &State, f: &Finding) -> Option<String> {
    let w = state.act.watch.as_ref().filter(|w| w.is_for(f))?;
    Some(w.row_note(state.now))
}

/// The row subject of a finding.
fn subject(f: &Finding) -> Subject {
    Subject::Finding {
        code: f.code.to_string(),
        object: f.primary().map(ObjectRef::label).unwrap_or_default(),
    }
}

/// The incident a row (root or symptom) belongs to: its root's subject and
/// whether it has symptoms to unfold.
pub fn incident_of(findings: &Findings, row: &Subject) -> Option<(Subject, bool)> {
    findings.incidents.iter().find_map(|i| {
        let root = subject(findings.list.get(i.root)?);
        let hit = root == *row
            || i.symptoms
                .iter()
                .filter_map(|&s| findings.list.get(s))
                .any(|f| subject(f) == *row);
        hit.then_some((root, !i.symptoms.is_empty()))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingColumn {
    Severity,
    Code,
    Object,
    Cause,
}

impl Column for FindingColumn {
    type Row<'a> = FindingFacts<'a>;
    const ALL: &'static [Self] = &[
        FindingColumn::Severity,
        FindingColumn::Code,
        FindingColumn::Object,
        FindingColumn::Cause,
    ];

    fn spec(self) -> Spec {
        match self {
            FindingColumn::Severity => Spec::fixed("severity", "SEVERITY", 10),
            FindingColumn::Code => Spec::fixed("code", "CODE", 33),
            FindingColumn::Object => Spec::fixed("object", "OBJECT", 44),
            FindingColumn::Cause => Spec::fill("cause", "CAUSE"),
        }
    }

    fn cell(self, r: &FindingFacts<'_>) -> Cell {
        let f = r.finding;
        let sev = role(r.severity);
        match self {
            FindingColumn::Severity => Cell {
                text: format!("{} {}", r.severity.glyph(), r.severity.label()),
                role: sev,
                // Worst first when ascending; incidents keep their symptoms under them.
                sort: Some(r.order),
            },
            FindingColumn::Code => cell(format!("{}{}", r.prefix, f.code), role(f.severity)),
            FindingColumn::Object => cell(&r.object, Role::Text),
            FindingColumn::Cause => {
                let note = r
                    .watched
                    .as_ref()
                    .map(|w| format!("{w} "))
                    .unwrap_or_default();
                match r.folded {
                    0 => cell(format!("{note}{}", f.cause), Role::Text),
                    n => cell(
                        format!(
                            "{note}{} [+{n} symptom{}]",
                            f.cause,
                            if n == 1 { "" } else { "s" }
                        ),
                        Role::Text,
                    ),
                }
            }
        }
    }
}

/// The details of a finding: cause, then its fix, then the evidence chain
/// (the fix comes before the chain so a long chain never hides it).
fn detail(f: &Finding, impact: &[String]) -> Vec<(String, Role)> {
    let mut d: Vec<(String, Role)> = vec![(f.cause.clone(), role(f.severity))];
    for line in impact {
        d.push((format!("impact: {line}"), Role::Critical));
    }
    if !f.fix.is_empty() {
        d.push((format!("fix: {}", f.fix), Role::Ok));
    }
    for l in &f.evidence {
        d.push((format!("← {}: {}", l.object.label(), l.fact), Role::Text));
    }
    d
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(FindingColumn::ALL.to_vec());
    let about_scope = |f: &Finding| {
        f.primary().is_none_or(|o| {
            scope
                .cluster
                .as_ref()
                .is_none_or(|c| *c == o.cluster || o.cluster.is_empty())
        })
    };
    let mut push = |f: &'a Finding, facts: FindingFacts<'a>, detail: Vec<(String, Role)>| {
        let meta = TableRow {
            subject: subject(f),
            group: 0,
            target: f.primary().and_then(target),
            detail,
        };
        table.push(meta, facts);
    };
    let list = &state.findings.list;
    if state.findings_flat {
        for (i, f) in list.iter().enumerate().filter(|(_, f)| about_scope(f)) {
            let facts = FindingFacts {
                finding: f,
                object: f.primary().map(ObjectRef::label).unwrap_or_default(),
                severity: f.severity,
                prefix: "",
                folded: 0,
                order: i as i64,
                watched: watched(state, f),
            };
            push(f, facts, detail(f, &[]));
        }
    } else {
        let mut order = 0;
        for inc in &state.findings.incidents {
            let Some(root) = list.get(inc.root).filter(|f| about_scope(f)) else {
                continue;
            };
            incident_rows(state, list, inc, root, &mut order, &mut push);
        }
    }
    let settling = state.findings.settling;
    let empty = if state.fleet.clusters.is_empty() && state.fleet.gateways.is_empty() {
        "no sources yet".into()
    } else if state.findings.unsettled && settling == 0 {
        "no findings yet: waiting for every source to answer once".into()
    } else if state.findings.unsettled || settling > 0 {
        format!(
            "no findings yet: {settling} holding (shown once held for {} s)",
            crate::diagnose::stable::SHOW_AFTER
        )
    } else {
        "no findings: nothing is wrong that fleetdeck can see".into()
    };
    table.finish(vec![], empty)
}

/// An incident's root row and, when unfolded, its symptom rows.
fn incident_rows<'a>(
    state: &State,
    list: &'a [Finding],
    inc: &Incident,
    root: &'a Finding,
    order: &mut i64,
    push: &mut impl FnMut(&'a Finding, FindingFacts<'a>, Vec<(String, Role)>),
) {
    let open = state.expanded.contains(&subject(root));
    let n = inc.symptoms.len();
    let mut d = detail(root, &inc.impact);
    if n > 0 {
        let codes: Vec<&str> = inc
            .symptoms
            .iter()
            .filter_map(|&s| list.get(s))
            .map(|f| f.code)
            .collect();
        d.insert(
            1,
            (
                format!(
                    "root cause of {n} symptom(s): {}{}",
                    codes.join(", "),
                    if open { "" } else { " (Enter or → unfolds)" }
                ),
                Role::Muted,
            ),
        );
    }
    let facts = FindingFacts {
        finding: root,
        object: root.primary().map(ObjectRef::label).unwrap_or_default(),
        severity: inc.severity,
        prefix: match (n, open) {
            (0, _) => "  ",
            (_, false) => "▸ ",
            (_, true) => "▾ ",
        },
        folded: if open { 0 } else { n },
        order: *order,
        watched: watched(state, root),
    };
    *order += 1;
    push(root, facts, d);
    if !open {
        return;
    }
    for f in inc.symptoms.iter().filter_map(|&s| list.get(s)) {
        let mut d = detail(f, &[]);
        d.insert(
            1,
            (
                format!("symptom of {} {}", root.code, root.cause),
                Role::Muted,
            ),
        );
        let facts = FindingFacts {
            finding: f,
            object: f.primary().map(ObjectRef::label).unwrap_or_default(),
            severity: f.severity,
            prefix: "  └ ",
            folded: 0,
            order: *order,
            watched: watched(state, f),
        };
        *order += 1;
        push(f, facts, d);
    }
}
