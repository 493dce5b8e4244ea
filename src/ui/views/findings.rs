//! Findings: incidents worst first, each row a root cause with its
//! symptoms folded under it (Enter or → unfolds, ← folds); the selected
//! row's impact, fix and evidence chain below. Enter on an unfolded
//! incident or a symptom jumps to its object. `f` switches to the flat list
//! of findings, worst first.

use crate::config::theme::Role;
use crate::diagnose::incidents::Incident;
use crate::diagnose::{Finding, ObjectRef, Severity};
use crate::ui::columns::{Builder, Column, SortKey, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::findings_index::{Place, sort_key, subject};
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
            node: None,
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
    /// Order in the tree or the flat list ([`sort_key`]), so sorting by
    /// severity keeps symptoms under their root.
    order: String,
    /// What the detail lines say besides the finding's own.
    about: About<'a>,
    /// The watch of a fix applied for this finding, before its cause.
    watched: Option<String>,
}

/// The note of a fix applied for `f` and watched, if any.
fn watched(state: &State, f: &Finding) -> Option<String> {
    let w = state.act.watch.as_ref().filter(|w| w.is_for(f))?;
    Some(w.row_note(state.now))
}

/// A row's part in its incident, for its detail lines.
enum About<'a> {
    /// The flat list: the finding alone.
    Alone,
    Root {
        incident: &'a Incident,
        list: &'a [Finding],
        open: bool,
    },
    Symptom {
        root: &'a Finding,
    },
}

/// The incident a row (root or symptom) belongs to: its root's subject and
/// whether it has symptoms to unfold.
pub fn incident_of(state: &State, row: &Subject) -> Option<(Subject, bool)> {
    let inc = state.findings_index.get(row)?.incident?;
    let inc = state.findings.incidents.get(inc)?;
    let root = subject(state.findings.list.get(inc.root)?);
    Some((root, !inc.symptoms.is_empty()))
}

/// The subjects of an incident's root and symptoms: the rows that change
/// when it is folded or unfolded.
pub fn incident_rows_of(state: &State, root: &Subject) -> Vec<Subject> {
    let findings = &state.findings;
    let Some(inc) = state
        .findings_index
        .get(root)
        .and_then(|p| findings.incidents.get(p.incident?))
    else {
        return vec![root.clone()];
    };
    std::iter::once(inc.root)
        .chain(inc.symptoms.iter().copied())
        .filter_map(|i| findings.list.get(i).map(subject))
        .collect()
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

    fn detail(r: &FindingFacts<'_>) -> Vec<(String, Role)> {
        let f = r.finding;
        match &r.about {
            About::Alone => detail(f, &[]),
            About::Root {
                incident,
                list,
                open,
            } => {
                let mut d = detail(f, &incident.impact);
                let n = incident.symptoms.len();
                if n > 0 {
                    let codes: Vec<&str> = incident
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
                                if *open { "" } else { " (Enter or → unfolds)" }
                            ),
                            Role::Muted,
                        ),
                    );
                }
                d
            }
            About::Symptom { root } => {
                let mut d = detail(f, &[]);
                d.insert(
                    1,
                    (
                        format!("symptom of {} {}", root.code, root.cause),
                        Role::Muted,
                    ),
                );
                d
            }
        }
    }

    fn sort_key(self, r: &FindingFacts<'_>) -> SortKey {
        match self {
            // The tree's rank, without making the cell's text.
            FindingColumn::Severity => SortKey::Text(r.order.clone()),
            _ => SortKey::from(self.cell(r)),
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
                sort: None,
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

/// Whether a finding is about what `entry`'s scope shows.
fn in_scope(state: &State, entry: &NavEntry, f: &Finding) -> bool {
    let scope = state.scope_of(entry);
    f.primary().is_none_or(|o| {
        scope
            .cluster
            .as_ref()
            .is_none_or(|c| *c == o.cluster || o.cluster.is_empty())
    })
}

/// The row at `place`, if the view shows it: in the flat list every
/// finding; as incidents a root, and a symptom while its incident is unfolded.
fn row_at<'a>(state: &'a State, place: Place) -> Option<(TableRow, FindingFacts<'a>)> {
    let list = &state.findings.list;
    let f = list.get(place.finding)?;
    let facts = |severity, prefix, folded, about| FindingFacts {
        finding: f,
        object: f.primary().map(ObjectRef::label).unwrap_or_default(),
        severity,
        prefix,
        folded,
        order: sort_key(&state.findings, place, !state.findings_flat).unwrap_or_default(),
        about,
        watched: watched(state, f),
    };
    let facts = if state.findings_flat {
        facts(f.severity, "", 0, About::Alone)
    } else {
        let incident = state.findings.incidents.get(place.incident?)?;
        let root = list.get(incident.root)?;
        let open = state.expanded.contains(&subject(root));
        match place.symptom {
            None => {
                let n = incident.symptoms.len();
                let prefix = match (n, open) {
                    (0, _) => "  ",
                    (_, false) => "▸ ",
                    (_, true) => "▾ ",
                };
                let about = About::Root {
                    incident,
                    list,
                    open,
                };
                facts(incident.severity, prefix, if open { 0 } else { n }, about)
            }
            Some(_) if open => facts(f.severity, "  └ ", 0, About::Symptom { root }),
            Some(_) => return None,
        }
    };
    let meta = TableRow {
        subject: subject(f),
        group: 0,
        target: f.primary().and_then(target).map(Box::new),
        detail: Vec::new(),
    };
    Some((meta, facts))
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let mut table = Builder::new(FindingColumn::ALL.to_vec());
    let list = &state.findings.list;
    table.reserve(list.len());
    let mut push = |place: Place| {
        if let Some((meta, facts)) = row_at(state, place)
            && in_scope(state, entry, facts.finding)
        {
            table.push(meta, facts);
        }
    };
    if state.findings_flat {
        for i in 0..list.len() {
            push(Place {
                finding: i,
                incident: None,
                symptom: None,
            });
        }
    } else {
        for (n, inc) in state.findings.incidents.iter().enumerate() {
            let at = |finding, symptom| Place {
                finding,
                incident: Some(n),
                symptom,
            };
            push(at(inc.root, None));
            for (j, &s) in inc.symptoms.iter().enumerate() {
                push(at(s, Some(j)));
            }
        }
    }
    table.finish(vec![], empty(state))
}

/// The rows of `subjects` alone (those the view shows), for the rows
/// around the window and the rows an unfold changes.
pub fn build_some<'a>(state: &'a State, entry: &NavEntry, subjects: &[Subject]) -> TableModel<'a> {
    let mut table = Builder::new(FindingColumn::ALL.to_vec());
    for s in subjects {
        if let Some((meta, facts)) = state
            .findings_index
            .get(s)
            .and_then(|place| row_at(state, place))
            .filter(|(_, facts)| in_scope(state, entry, facts.finding))
        {
            table.push(meta, facts);
        }
    }
    table.finish(vec![], empty(state))
}

/// What the view says when it has no rows.
fn empty(state: &State) -> String {
    let settling = state.findings.settling;
    if state.fleet.clusters.is_empty() && state.fleet.gateways.is_empty() {
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
    }
}
