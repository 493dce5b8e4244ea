//! PVCs: phase, class, its provisioner and binding mode, the consuming pod
//! and where that pod runs — enough to see a WaitForFirstConsumer deadlock.

use super::common::{
    clusters, kind_empty_reason, latest_warnings, multi, ns_ok, placement, pod_role,
};
use crate::config::theme::Role;
use crate::model::cluster::ClusterData;
use crate::model::pod::{PodHealth, PodRow};
use crate::model::pvc::{PvcRow, StorageClassRow};
use crate::ui::columns::{Builder, Column, Spec, visible};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

/// A claim with its storage class and the pod that consumes it.
pub struct PvcFacts<'a> {
    cluster: &'a ClusterData,
    pvc: &'a PvcRow,
    class: Option<&'a StorageClassRow>,
    consumer: Option<&'a PodRow>,
    /// Pending on a WaitForFirstConsumer class whose consumer cannot schedule.
    deadlock: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PvcColumn {
    Cluster,
    Namespace,
    Name,
    Phase,
    Class,
    Provisioner,
    Binding,
    Size,
    Volume,
    Consumer,
    RunsOn,
}

impl Column for PvcColumn {
    type Row<'a> = PvcFacts<'a>;
    const ALL: &'static [Self] = &[
        PvcColumn::Cluster,
        PvcColumn::Namespace,
        PvcColumn::Name,
        PvcColumn::Phase,
        PvcColumn::Class,
        PvcColumn::Provisioner,
        PvcColumn::Binding,
        PvcColumn::Size,
        PvcColumn::Volume,
        PvcColumn::Consumer,
        PvcColumn::RunsOn,
    ];

    fn spec(self) -> Spec {
        match self {
            PvcColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 14),
            PvcColumn::Namespace => Spec::fixed("namespace", "NAMESPACE", 10),
            PvcColumn::Name => Spec::fixed("name", "NAME", 12).middle(),
            PvcColumn::Phase => Spec::fixed("phase", "PHASE", 7),
            PvcColumn::Class => Spec::fixed("class", "CLASS", 8),
            PvcColumn::Provisioner => Spec::fixed("provisioner", "PROVISIONER", 21),
            PvcColumn::Binding => Spec::fixed("binding", "BINDING", 20),
            PvcColumn::Size => Spec::fixed("size", "SIZE", 5),
            PvcColumn::Volume => Spec::fixed("volume", "VOLUME", 12),
            PvcColumn::Consumer => Spec::fixed("consumer", "CONSUMER", 22),
            PvcColumn::RunsOn => Spec::fill("runs-on", "RUNS ON"),
        }
    }

    fn cell(self, r: &PvcFacts<'_>) -> Cell {
        let p = r.pvc;
        let or_dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
        match self {
            PvcColumn::Cluster => cell(&r.cluster.name, Role::Muted),
            PvcColumn::Namespace => cell(&p.namespace, Role::Muted),
            PvcColumn::Name => cell(&p.name, Role::Text),
            PvcColumn::Phase => cell(
                &p.phase,
                match p.phase.as_str() {
                    "Bound" => Role::Ok,
                    "Pending" if r.deadlock => Role::Critical,
                    "Pending" => Role::Warn,
                    _ => Role::Critical,
                },
            ),
            PvcColumn::Class => cell(or_dash(p.class.as_deref()), Role::Text),
            PvcColumn::Provisioner => cell(
                or_dash(r.class.map(|sc| sc.provisioner.as_str())),
                Role::Muted,
            ),
            PvcColumn::Binding => cell(
                or_dash(r.class.map(|sc| sc.binding_mode.as_str())),
                if r.deadlock {
                    Role::Critical
                } else {
                    Role::Muted
                },
            ),
            PvcColumn::Size => cell(
                or_dash(p.capacity.as_deref().or(p.requested.as_deref())),
                Role::Text,
            ),
            PvcColumn::Volume => cell(or_dash(p.volume.as_deref()), Role::Muted),
            PvcColumn::Consumer => match r.consumer {
                Some(pod) => cell(
                    format!("{} ({})", pod.name, pod.status),
                    pod_role(pod.health),
                ),
                None => cell("-", Role::Muted),
            },
            PvcColumn::RunsOn => {
                let (text, role) = r
                    .consumer
                    .map(|pod| placement(r.cluster, pod))
                    .unwrap_or(("-".into(), Role::Muted));
                cell(text, role)
            }
        }
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let mut table = Builder::new(visible(PvcColumn::Cluster, multi(state, &scope)));
    for c in clusters(state, &scope) {
        let s = &c.stores;
        let warnings = latest_warnings(c);
        for p in s.pvcs.iter() {
            if !ns_ok(&scope, &p.namespace) || scope.name.as_ref().is_some_and(|n| *n != p.name) {
                continue;
            }
            let class = p.class.as_deref().and_then(|n| s.storageclasses.get("", n));
            let consumer = s
                .pods
                .iter()
                .find(|pod| pod.namespace == p.namespace && pod.claims.contains(&p.name));
            let wffc = class.is_some_and(|sc| sc.binding_mode == "WaitForFirstConsumer");
            let consumer_stuck =
                consumer.is_some_and(|pod| pod.health != PodHealth::Ok && pod.node.is_none());
            let deadlock = p.phase == "Pending" && wffc && consumer_stuck;
            let mut detail = Vec::new();
            if deadlock {
                detail.push((
                    "deadlock: the claim waits for its first consumer to be scheduled, and the consumer cannot be scheduled until the claim is bound".to_owned(),
                    Role::Critical,
                ));
            }
            if let Some(e) = warnings.get(&(
                "PersistentVolumeClaim".to_owned(),
                p.namespace.clone(),
                p.name.clone(),
            )) {
                detail.push((format!("event {}: {}", e.reason, e.message), Role::Warn));
            }
            if let Some(pod) = consumer {
                let event = warnings
                    .get(&(
                        "Pod".to_owned(),
                        pod.namespace.to_string(),
                        pod.name.to_string(),
                    ))
                    .filter(|e| e.type_ == "Warning")
                    .map(|e| format!("{} ({}): {}", e.reason, e.source, e.message));
                if let Some(msg) = pod.notes().message.clone().or(event) {
                    detail.push((format!("consumer {}: {msg}", pod.name), Role::Warn));
                }
            }
            let meta = TableRow {
                subject: Subject::kube(&c.name, "PersistentVolumeClaim", &p.namespace, &p.name),
                group: 0,
                target: consumer
                    .map(|pod| Target::Pod {
                        cluster: c.name.clone(),
                        namespace: pod.namespace.to_string(),
                        name: pod.name.to_string(),
                    })
                    .map(Box::new),
                detail,
            };
            table.push(
                meta,
                PvcFacts {
                    cluster: c,
                    pvc: p,
                    class,
                    consumer,
                    deadlock,
                },
            );
        }
    }
    table.finish(
        vec![],
        kind_empty_reason(state, &scope, crate::model::cluster::Kind::Pvcs),
    )
}
