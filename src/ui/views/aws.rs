//! AWS: per region, EKS clusters, Fargate profiles, node groups, ECS clusters,
//! services and tasks.

use super::common::state_cell;
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::ui::table::cell;

const REGIONS: usize = 0;
const EKS: usize = 1;
const PROFILES: usize = 2;
const NODEGROUPS: usize = 3;
const ECS: usize = 4;
const SERVICES: usize = 5;
const TASKS: usize = 6;

fn row(
    id: String,
    group: usize,
    cells: Vec<crate::ui::table::Cell>,
    target: Option<Target>,
) -> LegacyRow {
    LegacyRow {
        id,
        group,
        cells,
        target,
        detail: vec![],
    }
}

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = &entry.scope;
    let mut rows = Vec::new();
    let want_cluster = |c: &str| scope.ecs_cluster.as_ref().is_none_or(|e| e == c);
    let eks_ok = scope.ecs_cluster.is_none() && scope.task.is_none();
    for r in state.fleet.aws.values() {
        if scope.region.as_ref().is_some_and(|s| *s != r.region) {
            continue;
        }
        let reg = &r.region;
        let mut region_row = row(
            format!("region/{reg}"),
            REGIONS,
            vec![
                cell(reg, Role::Text),
                cell("-", Role::Muted),
                cell(reg, Role::Text),
                state_cell(&r.state, state.now),
                cell("", Role::Muted),
            ],
            None,
        );
        if let Some(e) = r.state.error() {
            region_row.cells.push(cell(
                format!("{}: {}", e.short(), e.message()),
                Role::Critical,
            ));
        }
        rows.push(region_row);
        if eks_ok {
            for c in &r.rows.eks {
                let role = if c.status == "ACTIVE" {
                    Role::Ok
                } else {
                    Role::Warn
                };
                rows.push(row(
                    format!("eks/{reg}/{}", c.name),
                    EKS,
                    vec![
                        cell(reg, Role::Muted),
                        cell(&c.name, Role::Text),
                        cell(&c.name, Role::Text),
                        cell(&c.status, role),
                        cell(
                            c.version
                                .clone()
                                .map(|v| format!("v{v}"))
                                .unwrap_or_default(),
                            Role::Muted,
                        ),
                        cell(c.endpoint.clone().unwrap_or_default(), Role::Muted),
                    ],
                    state
                        .fleet
                        .clusters
                        .keys()
                        .find(|k| k.rsplit('/').next() == Some(&c.name))
                        .map(|k| Target::Cluster(k.clone())),
                ));
            }
            for p in &r.rows.profiles {
                let role = if p.status == "ACTIVE" {
                    Role::Ok
                } else {
                    Role::Warn
                };
                rows.push(row(
                    format!("fp/{reg}/{}/{}", p.cluster, p.name),
                    PROFILES,
                    vec![
                        cell(reg, Role::Muted),
                        cell(&p.cluster, Role::Text),
                        cell(&p.name, Role::Fargate),
                        cell(&p.status, role),
                        cell("", Role::Muted),
                        cell(p.selectors.join("; "), Role::Text),
                    ],
                    None,
                ));
            }
            for g in &r.rows.nodegroups {
                let role = if g.status == "ACTIVE" {
                    Role::Ok
                } else {
                    Role::Warn
                };
                let mut detail = format!(
                    "{} {}",
                    g.capacity_type.as_deref().unwrap_or("-"),
                    g.instance_types.join(",")
                );
                if !g.issues.is_empty() {
                    detail = format!("{detail} · {}", g.issues.join("; "));
                }
                rows.push(row(
                    format!("ng/{reg}/{}/{}", g.cluster, g.name),
                    NODEGROUPS,
                    vec![
                        cell(reg, Role::Muted),
                        cell(&g.cluster, Role::Text),
                        cell(&g.name, Role::Ec2),
                        cell(&g.status, role),
                        cell(format!("{} ≤ {} ≤ {}", g.min, g.desired, g.max), Role::Text),
                        cell(
                            detail,
                            if g.issues.is_empty() {
                                Role::Muted
                            } else {
                                Role::Warn
                            },
                        ),
                    ],
                    None,
                ));
            }
        }
        for c in r
            .rows
            .ecs
            .iter()
            .filter(|c| want_cluster(&c.name) && scope.task.is_none())
        {
            rows.push(row(
                format!("ecs/{reg}/{}", c.name),
                ECS,
                vec![
                    cell(reg, Role::Muted),
                    cell(&c.name, Role::Text),
                    cell(&c.name, Role::Text),
                    cell(
                        &c.status,
                        if c.status == "ACTIVE" {
                            Role::Ok
                        } else {
                            Role::Warn
                        },
                    ),
                    cell(
                        format!("{} run {} pend", c.running_tasks, c.pending_tasks),
                        if c.pending_tasks > 0 {
                            Role::Warn
                        } else {
                            Role::Text
                        },
                    ),
                    cell(format!("{} services", c.services), Role::Muted),
                ],
                None,
            ));
        }
        for s in r
            .rows
            .services
            .iter()
            .filter(|s| want_cluster(&s.cluster) && scope.task.is_none())
        {
            let role = if s.running < s.desired {
                Role::Warn
            } else {
                Role::Ok
            };
            let mut detail = s.deployments.join(", ");
            if let Some(e) = &s.last_event {
                detail = format!("{detail} · {e}");
            }
            rows.push(row(
                format!("svc/{reg}/{}/{}", s.cluster, s.name),
                SERVICES,
                vec![
                    cell(reg, Role::Muted),
                    cell(&s.cluster, Role::Text),
                    cell(&s.name, Role::Text),
                    cell(
                        &s.status,
                        if s.status == "ACTIVE" {
                            Role::Ok
                        } else {
                            Role::Warn
                        },
                    ),
                    cell(
                        format!("{}/{} ({} pend)", s.running, s.desired, s.pending),
                        role,
                    ),
                    cell(detail, Role::Muted),
                ],
                None,
            ));
        }
        for t in r.rows.tasks.iter().filter(|t| {
            want_cluster(&t.cluster) && scope.task.as_ref().is_none_or(|id| *id == t.id)
        }) {
            let role = match (t.last_status.as_str(), t.health.as_str()) {
                ("RUNNING", "UNHEALTHY") => Role::Critical,
                ("RUNNING", _) => Role::Ok,
                ("STOPPED", _) => Role::Critical,
                _ => Role::Warn,
            };
            rows.push(row(
                format!("task/{reg}/{}/{}", t.cluster, t.id),
                TASKS,
                vec![
                    cell(reg, Role::Muted),
                    cell(&t.cluster, Role::Text),
                    cell(&t.id, Role::Text),
                    cell(&t.last_status, role),
                    cell(&t.health, role),
                    cell(
                        format!(
                            "ip {} · service {} · {}",
                            t.ip.as_deref().unwrap_or("-"),
                            t.service.as_deref().unwrap_or("-"),
                            t.launch_type.as_deref().unwrap_or("-")
                        ),
                        if t.launch_type.as_deref() == Some("FARGATE") {
                            Role::Fargate
                        } else {
                            Role::Muted
                        },
                    ),
                ],
                None,
            ));
        }
    }
    LegacyModel {
        columns: vec![
            col("REGION", 11),
            col("CLUSTER", 18),
            col("NAME", 34),
            col("STATUS", 12),
            col("SIZE", 20),
            fill("DETAIL"),
        ],
        groups: vec![
            "Regions".into(),
            "EKS clusters".into(),
            "Fargate profiles".into(),
            "Node groups (min ≤ desired ≤ max)".into(),
            "ECS clusters".into(),
            "ECS services (running/desired)".into(),
            "ECS tasks".into(),
        ],
        rows,
        empty: "no AWS regions configured (--region or [aws] regions in fleetdeck.toml)".into(),
    }
}
