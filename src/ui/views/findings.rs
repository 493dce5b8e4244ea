//! Findings: the diagnosis, worst first; each row a finding with its cause,
//! the selected one's evidence chain and fix below. Enter jumps to the object.

use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target, ViewKind};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::diagnose::{ObjectRef, Severity};
use crate::ui::table::{Cell, cell};

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

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let rows = state
        .findings
        .list
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.primary().is_none_or(|o| {
                scope
                    .cluster
                    .as_ref()
                    .is_none_or(|c| *c == o.cluster || o.cluster.is_empty())
            })
        })
        .map(|(i, f)| {
            let r = role(f.severity);
            let object = f.primary().map(ObjectRef::label).unwrap_or_default();
            let mut detail: Vec<(String, Role)> = vec![(f.cause.clone(), r)];
            for l in &f.evidence {
                detail.push((format!("← {}: {}", l.object.label(), l.fact), Role::Text));
            }
            if !f.fix.is_empty() {
                detail.push((format!("fix: {}", f.fix), Role::Ok));
            }
            LegacyRow {
                id: format!("{i}/{}/{object}", f.code),
                group: 0,
                cells: vec![
                    Cell {
                        text: format!("{} {}", f.severity.glyph(), f.severity.label()),
                        role: r,
                        sort: Some(-(f.severity as i64)),
                    },
                    cell(f.code, r),
                    cell(object, Role::Text),
                    cell(f.cause.clone(), Role::Text),
                ],
                target: f.primary().and_then(target),
                detail,
            }
        })
        .collect();
    LegacyModel {
        columns: vec![
            col("SEVERITY", 10),
            col("CODE", 29),
            col("OBJECT", 44),
            fill("CAUSE"),
        ],
        groups: vec![],
        rows,
        empty: if state.fleet.clusters.is_empty() && state.fleet.gateways.is_empty() {
            "no sources yet".into()
        } else {
            "no findings: nothing is wrong that fleetdeck can see".into()
        },
    }
}
