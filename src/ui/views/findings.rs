//! Findings: the diagnosis, worst first; each row a finding with its cause,
//! the selected one's evidence chain and fix below. Enter jumps to the object.

use crate::config::theme::Role;
use crate::diagnose::{Finding, ObjectRef, Severity};
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

/// A finding and the label of the object it is about.
pub struct FindingFacts<'a> {
    finding: &'a Finding,
    object: String,
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
            FindingColumn::Code => Spec::fixed("code", "CODE", 29),
            FindingColumn::Object => Spec::fixed("object", "OBJECT", 44),
            FindingColumn::Cause => Spec::fill("cause", "CAUSE"),
        }
    }

    fn cell(self, r: &FindingFacts<'_>) -> Cell {
        let f = r.finding;
        let sev = role(f.severity);
        match self {
            FindingColumn::Severity => Cell {
                text: format!("{} {}", f.severity.glyph(), f.severity.label()),
                role: sev,
                // Worst first when ascending.
                sort: Some(-(f.severity as i64)),
            },
            FindingColumn::Code => cell(f.code, sev),
            FindingColumn::Object => cell(&r.object, Role::Text),
            FindingColumn::Cause => cell(&f.cause, Role::Text),
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(FindingColumn::ALL.to_vec());
    let about_scope = |f: &&Finding| {
        f.primary().is_none_or(|o| {
            scope
                .cluster
                .as_ref()
                .is_none_or(|c| *c == o.cluster || o.cluster.is_empty())
        })
    };
    for f in &state.findings.list {
        if !about_scope(&f) {
            continue;
        }
        let r = role(f.severity);
        let object = f.primary().map(ObjectRef::label).unwrap_or_default();
        let mut detail: Vec<(String, Role)> = vec![(f.cause.clone(), r)];
        for l in &f.evidence {
            detail.push((format!("← {}: {}", l.object.label(), l.fact), Role::Text));
        }
        if !f.fix.is_empty() {
            detail.push((format!("fix: {}", f.fix), Role::Ok));
        }
        let meta = TableRow {
            subject: Subject::Finding {
                code: f.code.to_string(),
                object: object.clone(),
            },
            group: 0,
            target: f.primary().and_then(target),
            detail,
        };
        table.push(meta, FindingFacts { finding: f, object });
    }
    let empty = if state.fleet.clusters.is_empty() && state.fleet.gateways.is_empty() {
        "no sources yet".into()
    } else {
        "no findings: nothing is wrong that fleetdeck can see".into()
    };
    table.finish(vec![], empty)
}
