//! AWS: per region, EKS clusters, Fargate profiles, node groups, ECS clusters,
//! services and tasks.

use jiff::Timestamp;

use super::common::state_cell;
use crate::config::theme::Role;
use crate::model::aws::{
    EcsClusterRow, EcsServiceRow, EcsTaskRow, EksClusterRow, FargateProfileRow, NodegroupRow,
};
use crate::model::fleet::AwsRegion;
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

const REGIONS: usize = 0;
const EKS: usize = 1;
const PROFILES: usize = 2;
const NODEGROUPS: usize = 3;
const ECS: usize = 4;
const SERVICES: usize = 5;
const TASKS: usize = 6;

/// What an ECS service has to do with Kong.
#[derive(Debug, Clone, Copy)]
pub enum KongTag<'a> {
    None,
    /// A gateway's ECS service (configured or found by task IP).
    Gateway(&'a str),
    /// Its tasks run this Kong image, and no gateway polls it.
    Unpolled(&'a str),
}

/// One row of the AWS view: a region, or one thing in it.
pub enum AwsFacts<'a> {
    Region(&'a AwsRegion, Timestamp),
    Eks(&'a str, &'a EksClusterRow),
    Profile(&'a str, &'a FargateProfileRow),
    Nodegroup(&'a str, &'a NodegroupRow),
    Ecs(&'a str, &'a EcsClusterRow),
    /// With the Kong it runs, if any.
    Service(&'a str, &'a EcsServiceRow, KongTag<'a>),
    Task(&'a str, &'a EcsTaskRow),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsColumn {
    Region,
    Cluster,
    Name,
    Status,
    Size,
    Detail,
}

impl Column for AwsColumn {
    type Row<'a> = AwsFacts<'a>;
    const ALL: &'static [Self] = &[
        AwsColumn::Region,
        AwsColumn::Cluster,
        AwsColumn::Name,
        AwsColumn::Status,
        AwsColumn::Size,
        AwsColumn::Detail,
    ];

    fn spec(self) -> Spec {
        match self {
            AwsColumn::Region => Spec::fixed("region", "REGION", 11),
            AwsColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 18),
            AwsColumn::Name => Spec::fixed("name", "NAME", 34).middle(),
            AwsColumn::Status => Spec::fixed("status", "STATUS", 12),
            AwsColumn::Size => Spec::fixed("size", "SIZE", 20),
            AwsColumn::Detail => Spec::fill("detail", "DETAIL"),
        }
    }

    fn cell(self, r: &AwsFacts<'_>) -> Cell {
        use AwsColumn as C;
        match *r {
            AwsFacts::Region(reg, now) => match self {
                C::Region | C::Name => cell(&reg.region, Role::Text),
                C::Cluster => cell("-", Role::Muted),
                C::Status => state_cell(&reg.state, now),
                C::Size => cell("", Role::Muted),
                C::Detail => match reg.state.error() {
                    Some(e) => cell(format!("{}: {}", e.short(), e.message()), Role::Critical),
                    None => cell("", Role::Muted),
                },
            },
            AwsFacts::Eks(reg, c) => match self {
                C::Region => cell(reg, Role::Muted),
                C::Cluster | C::Name => cell(&c.name, Role::Text),
                C::Status => cell(&c.status, active(&c.status)),
                C::Size => cell(
                    c.version
                        .as_deref()
                        .map(|v| format!("v{v}"))
                        .unwrap_or_default(),
                    Role::Muted,
                ),
                C::Detail => cell(c.endpoint.as_deref().unwrap_or_default(), Role::Muted),
            },
            AwsFacts::Profile(reg, p) => match self {
                C::Region => cell(reg, Role::Muted),
                C::Cluster => cell(&p.cluster, Role::Text),
                C::Name => cell(&p.name, Role::Fargate),
                C::Status => cell(&p.status, active(&p.status)),
                C::Size => cell("", Role::Muted),
                C::Detail => cell(p.selectors.join("; "), Role::Text),
            },
            AwsFacts::Nodegroup(reg, g) => match self {
                C::Region => cell(reg, Role::Muted),
                C::Cluster => cell(&g.cluster, Role::Text),
                C::Name => cell(&g.name, Role::Ec2),
                C::Status => cell(&g.status, active(&g.status)),
                C::Size => cell(format!("{} ≤ {} ≤ {}", g.min, g.desired, g.max), Role::Text),
                C::Detail => {
                    let mut detail = format!(
                        "{} {}",
                        g.capacity_type.as_deref().unwrap_or("-"),
                        g.instance_types.join(",")
                    );
                    if !g.issues.is_empty() {
                        detail = format!("{detail} · {}", g.issues.join("; "));
                    }
                    let role = if g.issues.is_empty() {
                        Role::Muted
                    } else {
                        Role::Warn
                    };
                    cell(detail, role)
                }
            },
            AwsFacts::Ecs(reg, c) => match self {
                C::Region => cell(reg, Role::Muted),
                C::Cluster | C::Name => cell(&c.name, Role::Text),
                C::Status => cell(&c.status, active(&c.status)),
                C::Size => cell(
                    format!("{} run {} pend", c.running_tasks, c.pending_tasks),
                    if c.pending_tasks > 0 {
                        Role::Warn
                    } else {
                        Role::Text
                    },
                ),
                C::Detail => cell(format!("{} services", c.services), Role::Muted),
            },
            AwsFacts::Service(reg, s, gateway) => match self {
                C::Region => cell(reg, Role::Muted),
                C::Cluster => cell(&s.cluster, Role::Text),
                C::Name => cell(&s.name, Role::Text),
                C::Status => cell(&s.status, active(&s.status)),
                C::Size => cell(
                    format!("{}/{} ({} pend)", s.running, s.desired, s.pending),
                    if s.running < s.desired {
                        Role::Warn
                    } else {
                        Role::Ok
                    },
                ),
                C::Detail => {
                    let mut detail = s.deployments.join(", ");
                    if let Some(e) = &s.last_event {
                        detail = format!("{detail} · {e}");
                    }
                    match gateway {
                        KongTag::Gateway(g) => {
                            cell(format!("Kong gateway {g} · {detail}"), Role::Text)
                        }
                        KongTag::Unpolled(image) => cell(
                            format!(
                                "runs Kong ({image}), polled by no gateway: add its admin URLs under [[gateways]] · {detail}"
                            ),
                            Role::Warn,
                        ),
                        KongTag::None => cell(detail, Role::Muted),
                    }
                }
            },
            AwsFacts::Task(reg, t) => {
                let role = match (t.last_status.as_str(), t.health.as_str()) {
                    ("RUNNING", "UNHEALTHY") => Role::Critical,
                    ("RUNNING", _) => Role::Ok,
                    ("STOPPED", _) => Role::Critical,
                    _ => Role::Warn,
                };
                match self {
                    C::Region => cell(reg, Role::Muted),
                    C::Cluster => cell(&t.cluster, Role::Text),
                    C::Name => cell(&t.id, Role::Text),
                    C::Status => cell(&t.last_status, role),
                    C::Size => cell(&t.health, role),
                    C::Detail => cell(
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
                }
            }
        }
    }
}

/// ACTIVE is fine; anything else (CREATING, DEGRADED…) is worth a look.
fn active(status: &str) -> Role {
    if status == "ACTIVE" {
        Role::Ok
    } else {
        Role::Warn
    }
}

/// A row with nothing below it when selected.
fn meta(subject: Subject, group: usize, target: Option<Target>) -> TableRow {
    TableRow {
        subject,
        group,
        target: target.map(Box::new),
        detail: vec![],
    }
}

/// The Kong gateway whose ECS service (configured or found by task IP) this
/// is, else the Kong image its tasks run when no gateway polls it.
fn kong_tag<'a>(state: &'a State, r: &'a AwsRegion, s: &EcsServiceRow) -> KongTag<'a> {
    let id = format!("{}/{}/{}", r.region, s.cluster, s.name);
    let gateway = state
        .fleet
        .gateways
        .values()
        .find(|g| g.ecs_service.as_deref() == Some(id.as_str()));
    match (gateway, r.rows.kong_image(&s.cluster, &s.name)) {
        (Some(g), _) => KongTag::Gateway(&g.name),
        (None, Some(image)) => KongTag::Unpolled(image),
        (None, None) => KongTag::None,
    }
}

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = &entry.scope;
    let mut table = Builder::new(AwsColumn::ALL.to_vec());
    let want_cluster = |c: &str| scope.ecs_cluster.as_ref().is_none_or(|e| e == c);
    let eks_ok = scope.ecs_cluster.is_none() && scope.task.is_none();
    for r in state.fleet.aws.values() {
        if scope.region.as_ref().is_some_and(|s| *s != r.region) {
            continue;
        }
        let reg = r.region.as_str();
        table.push(
            meta(Subject::AwsRegion(reg.to_owned()), REGIONS, None),
            AwsFacts::Region(r, state.now),
        );
        if eks_ok {
            for c in &r.rows.eks {
                let target = state
                    .fleet
                    .clusters
                    .keys()
                    .find(|k| k.rsplit('/').next() == Some(&c.name))
                    .map(|k| Target::Cluster(k.clone()));
                table.push(
                    meta(
                        Subject::EksCluster {
                            region: reg.to_owned(),
                            name: c.name.clone(),
                        },
                        EKS,
                        target,
                    ),
                    AwsFacts::Eks(reg, c),
                );
            }
            for p in &r.rows.profiles {
                table.push(
                    meta(
                        Subject::FargateProfile {
                            region: reg.to_owned(),
                            cluster: p.cluster.clone(),
                            name: p.name.clone(),
                        },
                        PROFILES,
                        None,
                    ),
                    AwsFacts::Profile(reg, p),
                );
            }
            for g in &r.rows.nodegroups {
                table.push(
                    meta(
                        Subject::Nodegroup {
                            region: reg.to_owned(),
                            cluster: g.cluster.clone(),
                            name: g.name.clone(),
                        },
                        NODEGROUPS,
                        None,
                    ),
                    AwsFacts::Nodegroup(reg, g),
                );
            }
        }
        for c in r
            .rows
            .ecs
            .iter()
            .filter(|c| want_cluster(&c.name) && scope.task.is_none())
        {
            table.push(
                meta(
                    Subject::EcsCluster {
                        region: reg.to_owned(),
                        name: c.name.clone(),
                    },
                    ECS,
                    None,
                ),
                AwsFacts::Ecs(reg, c),
            );
        }
        for s in r
            .rows
            .services
            .iter()
            .filter(|s| want_cluster(&s.cluster) && scope.task.is_none())
        {
            table.push(
                meta(
                    Subject::EcsService {
                        region: reg.to_owned(),
                        cluster: s.cluster.clone(),
                        name: s.name.clone(),
                    },
                    SERVICES,
                    None,
                ),
                AwsFacts::Service(reg, s, kong_tag(state, r, s)),
            );
        }
        for t in r.rows.tasks.iter().filter(|t| {
            want_cluster(&t.cluster) && scope.task.as_ref().is_none_or(|id| *id == t.id)
        }) {
            table.push(
                meta(
                    Subject::EcsTask {
                        region: reg.to_owned(),
                        cluster: t.cluster.clone(),
                        id: t.id.clone(),
                    },
                    TASKS,
                    None,
                ),
                AwsFacts::Task(reg, t),
            );
        }
    }
    table.finish(
        vec![
            "Regions".into(),
            "EKS clusters".into(),
            "Fargate profiles".into(),
            "Node groups (min ≤ desired ≤ max)".into(),
            "ECS clusters".into(),
            "ECS services (running/desired)".into(),
            "ECS tasks".into(),
        ],
        "no AWS regions configured (--region or [aws] regions in fleetdeck.toml)".into(),
    )
}
