//! PVCs: phase, class, its provisioner and binding mode, the consuming pod
//! and where that pod runs — enough to see a WaitForFirstConsumer deadlock.

use super::common::{clusters, empty_reason, latest_warnings, multi, ns_ok, placement};
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::pod::PodHealth;
use crate::ui::table::cell;

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let multi = multi(state, &scope);
    let mut rows = Vec::new();
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
            let (runs_on, runs_role) = consumer
                .map(|pod| placement(c, pod))
                .unwrap_or(("-".into(), Role::Muted));
            let wffc = class.is_some_and(|sc| sc.binding_mode == "WaitForFirstConsumer");
            let consumer_stuck =
                consumer.is_some_and(|pod| pod.health != PodHealth::Ok && pod.node.is_none());
            let deadlock = p.phase == "Pending" && wffc && consumer_stuck;
            let phase_role = match p.phase.as_str() {
                "Bound" => Role::Ok,
                "Pending" if deadlock => Role::Critical,
                "Pending" => Role::Warn,
                _ => Role::Critical,
            };
            let mut cells = Vec::new();
            if multi {
                cells.push(cell(&c.name, Role::Muted));
            }
            cells.extend([
                cell(&p.namespace, Role::Muted),
                cell(&p.name, Role::Text),
                cell(&p.phase, phase_role),
                cell(p.class.clone().unwrap_or_else(|| "-".into()), Role::Text),
                cell(
                    class
                        .map(|sc| sc.provisioner.clone())
                        .unwrap_or_else(|| "-".into()),
                    Role::Muted,
                ),
                cell(
                    class
                        .map(|sc| sc.binding_mode.clone())
                        .unwrap_or_else(|| "-".into()),
                    if deadlock {
                        Role::Critical
                    } else {
                        Role::Muted
                    },
                ),
                cell(
                    p.capacity
                        .clone()
                        .or(p.requested.clone())
                        .unwrap_or_else(|| "-".into()),
                    Role::Text,
                ),
                cell(p.volume.clone().unwrap_or_else(|| "-".into()), Role::Muted),
                cell(
                    consumer
                        .map(|pod| format!("{} ({})", pod.name, pod.status))
                        .unwrap_or_else(|| "-".into()),
                    consumer
                        .map(|pod| super::common::pod_role(pod.health))
                        .unwrap_or(Role::Muted),
                ),
                cell(runs_on, runs_role),
            ]);
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
                    .get(&("Pod".to_owned(), pod.namespace.clone(), pod.name.clone()))
                    .filter(|e| e.type_ == "Warning")
                    .map(|e| format!("{} ({}): {}", e.reason, e.source, e.message));
                if let Some(msg) = pod.message.clone().or(event) {
                    detail.push((format!("consumer {}: {msg}", pod.name), Role::Warn));
                }
            }
            rows.push(LegacyRow {
                id: format!("{}/{}/{}", c.name, p.namespace, p.name),
                group: 0,
                cells,
                target: consumer.map(|pod| Target::Pod {
                    cluster: c.name.clone(),
                    namespace: pod.namespace.clone(),
                    name: pod.name.clone(),
                }),
                detail,
            });
        }
    }
    let mut columns = Vec::new();
    if multi {
        columns.push(col("CLUSTER", 14));
    }
    columns.extend([
        col("NAMESPACE", 10),
        col("NAME", 12),
        col("PHASE", 7),
        col("CLASS", 8),
        col("PROVISIONER", 21),
        col("BINDING", 20),
        col("SIZE", 5),
        col("VOLUME", 12),
        col("CONSUMER", 22),
        fill("RUNS ON"),
    ]);
    LegacyModel {
        columns,
        groups: vec![],
        rows,
        empty: empty_reason(state, &scope, "PVCs"),
    }
}
