//! Fleet (home): one row per Kubernetes cluster and per ECS cluster.

use super::common::{bad_count, clusters, state_cell};
use super::freshness::{count_cell, heard_cell};
use crate::config::theme::Role;
use crate::model::cluster::Kind;
use crate::ui::columns::{Builder, Column, Spec};
use crate::ui::table::{Cell, TableModel, TableRow, cell, num};
use crate::view::nav::{NavEntry, Target};
use crate::view::state::State;
use crate::view::subject::Subject;

const GROUP_K8S: usize = 0;
const GROUP_ECS: usize = 1;

/// One row of the fleet: a cluster counted, or a region that cannot be read.
pub enum FleetFacts {
    Cluster(Box<ClusterCounts>),
    RegionDown {
        region: String,
        state: Cell,
        heard: Cell,
    },
}

/// What the fleet shows of a Kubernetes or ECS cluster. Counts are cells:
/// `?` where we cannot see the kind they count, muted where it is stale.
pub struct ClusterCounts {
    name: String,
    region: String,
    /// Kubernetes version, or `ecs`.
    version: String,
    state: Cell,
    /// When we last had data from it.
    heard: Cell,
    fargate: Cell,
    ec2: Cell,
    /// `None`: not a Kubernetes cluster, so no virtual nodes, HPAs or PVCs.
    virtual_nodes: Option<Cell>,
    running: Cell,
    /// Phase Pending: not yet running.
    pending: Cell,
    /// Running but not (yet) ready: its own count, not "pending". `None`:
    /// an ECS service, whose tasks have no readiness here.
    not_ready: Option<Cell>,
    failed: Cell,
    hpa_at_max: Option<Cell>,
    pvc_pending: Option<Cell>,
    findings: Cell,
    gateways: Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetColumn {
    Cluster,
    Region,
    Version,
    State,
    Heard,
    Fargate,
    Ec2,
    Virtual,
    Running,
    Pending,
    NotReady,
    Failed,
    HpaAtMax,
    PvcPending,
    Findings,
    Gateways,
}

impl Column for FleetColumn {
    type Row<'a> = FleetFacts;
    const ALL: &'static [Self] = &[
        FleetColumn::Cluster,
        FleetColumn::Region,
        FleetColumn::Version,
        FleetColumn::State,
        FleetColumn::Heard,
        FleetColumn::Fargate,
        FleetColumn::Ec2,
        FleetColumn::Virtual,
        FleetColumn::Running,
        FleetColumn::Pending,
        FleetColumn::NotReady,
        FleetColumn::Failed,
        FleetColumn::HpaAtMax,
        FleetColumn::PvcPending,
        FleetColumn::Findings,
        FleetColumn::Gateways,
    ];

    fn spec(self) -> Spec {
        match self {
            FleetColumn::Cluster => Spec::fixed("cluster", "CLUSTER", 24).middle(),
            FleetColumn::Region => Spec::fixed("region", "REGION", 12),
            FleetColumn::Version => Spec::fixed("version", "VERSION", 12),
            FleetColumn::State => Spec::fixed("state", "STATE", 18),
            FleetColumn::Heard => Spec::fixed("heard", "HEARD", 8),
            FleetColumn::Fargate => Spec::fixed("fargate", "FARGATE", 7),
            FleetColumn::Ec2 => Spec::fixed("ec2", "EC2", 4),
            FleetColumn::Virtual => Spec::fixed("virtual", "VIRT", 4),
            FleetColumn::Running => Spec::fixed("running", "RUNNING", 7),
            FleetColumn::Pending => Spec::fixed("pending", "PENDING", 7),
            FleetColumn::NotReady => Spec::fixed("not-ready", "NOT-READY", 9),
            FleetColumn::Failed => Spec::fixed("failed", "FAILED", 6),
            FleetColumn::HpaAtMax => Spec::fixed("hpa-at-max", "HPA@MAX", 7),
            FleetColumn::PvcPending => Spec::fixed("pvc-pending", "PVC-PEND", 8),
            FleetColumn::Findings => Spec::fixed("findings", "FINDINGS", 11),
            FleetColumn::Gateways => Spec::fill("gateways", "GATEWAYS"),
        }
    }

    fn cell(self, r: &FleetFacts) -> Cell {
        let c = match r {
            FleetFacts::RegionDown {
                region,
                state,
                heard,
            } => {
                return match self {
                    FleetColumn::Cluster => cell(format!("(aws {region})"), Role::Muted),
                    FleetColumn::Region => cell(region, Role::Text),
                    FleetColumn::Version => cell("-", Role::Muted),
                    FleetColumn::State => state.clone(),
                    FleetColumn::Heard => heard.clone(),
                    // A region we cannot read: nothing in it can be counted.
                    FleetColumn::Gateways | FleetColumn::Findings => cell("", Role::Muted),
                    _ => super::freshness::unknown(),
                };
            }
            FleetFacts::Cluster(c) => c,
        };
        let dash = || cell("-", Role::Muted);
        let opt = |c: &Option<Cell>| c.clone().unwrap_or_else(dash);
        match self {
            FleetColumn::Cluster => cell(&c.name, Role::Text),
            FleetColumn::Region => cell(&c.region, Role::Text),
            FleetColumn::Version => cell(&c.version, Role::Muted),
            FleetColumn::State => c.state.clone(),
            FleetColumn::Heard => c.heard.clone(),
            FleetColumn::Fargate => c.fargate.clone(),
            FleetColumn::Ec2 => c.ec2.clone(),
            FleetColumn::Virtual => opt(&c.virtual_nodes),
            FleetColumn::Running => c.running.clone(),
            FleetColumn::Pending => c.pending.clone(),
            FleetColumn::NotReady => opt(&c.not_ready),
            FleetColumn::Failed => c.failed.clone(),
            FleetColumn::HpaAtMax => opt(&c.hpa_at_max),
            FleetColumn::PvcPending => opt(&c.pvc_pending),
            FleetColumn::Findings => c.findings.clone(),
            FleetColumn::Gateways => c.gateways.clone(),
        }
    }
}

use crate::model::freshness::Heard;
use crate::model::node::NodeKind;
use crate::model::status::{SourceError, SourceState};

pub fn build<'a>(state: &'a State, entry: &NavEntry) -> TableModel<'a> {
    let scope = state.scope_of(entry);
    let now = state.now;
    let mut table = Builder::new(FleetColumn::ALL.to_vec());
    for c in clusters(state, &scope) {
        let s = &c.stores;
        let count_nodes = |k: NodeKind| s.nodes.iter().filter(|n| n.kind == k).count();
        let ns_ok = |ns: &str| scope.namespace.as_ref().is_none_or(|n| n == ns);
        let crate::model::pod_counts::PodCounts {
            running,
            pending,
            not_ready,
            failed,
        } = c.joins.pod_counts.of(scope.namespace.as_deref());
        let hpa_max = s
            .hpas
            .iter()
            .filter(|h| ns_ok(&h.namespace) && h.at_max())
            .count();
        let pvc_pending = s
            .pvcs
            .iter()
            .filter(|p| ns_ok(&p.namespace) && p.phase == "Pending")
            .count();
        let gws: Vec<_> = state
            .fleet
            .gateways
            .values()
            .filter(|g| g.cluster.as_deref() == Some(&c.name))
            .collect();
        let overall = c.overall();
        let mut detail = Vec::new();
        if let Some(e) = c.connection.error() {
            detail.push((
                format!("connection: {} — {}", e.short(), e.message()),
                Role::Critical,
            ));
        }
        // With the connection down every kind fails the same way; list kinds only otherwise.
        if c.connection.error().is_none() {
            for (k, st) in &c.kinds {
                if let Some(e) = st.error() {
                    detail.push((
                        format!("{}: {} — {}", k.label(), e.short(), e.message()),
                        Role::Warn,
                    ));
                }
            }
        }
        if let Some(server) = &c.server {
            detail.push((format!("server {server}"), Role::Muted));
        }
        let forbidden = c.forbidden_kinds();
        let mut state_text = state_cell(&overall, now);
        if !forbidden.is_empty() && c.connection.error().is_none() {
            state_text.text = match overall.error() {
                // Only RBAC in the way: say what it hides, not a bare "forbidden".
                Some(SourceError::Forbidden(_)) => format!("403 {}", forbidden.join(",")),
                _ => format!("{} (403 {})", state_text.text, forbidden.join(",")),
            };
        }
        let nodes = |n: usize, role| count_cell(c, Kind::Nodes, num(n as i64, role));
        let pod_count = |cell| count_cell(c, Kind::Pods, cell);
        let counts = ClusterCounts {
            name: c.name.clone(),
            region: state
                .fleet
                .cluster_region(&c.name)
                .unwrap_or_else(|| "-".into()),
            version: c.version.clone().unwrap_or_else(|| "-".into()),
            state: state_text,
            heard: heard_cell(c.heard(), now),
            fargate: nodes(count_nodes(NodeKind::Fargate), Role::Fargate),
            ec2: nodes(count_nodes(NodeKind::Ec2), Role::Ec2),
            virtual_nodes: Some(nodes(count_nodes(NodeKind::Virtual), Role::Virtual)),
            running: pod_count(num(running as i64, Role::Ok)),
            pending: pod_count(bad_count(pending, Role::Warn)),
            not_ready: Some(pod_count(bad_count(not_ready, Role::Warn))),
            failed: pod_count(bad_count(failed, Role::Critical)),
            hpa_at_max: Some(count_cell(c, Kind::Hpas, bad_count(hpa_max, Role::Warn))),
            pvc_pending: Some(count_cell(
                c,
                Kind::Pvcs,
                bad_count(pvc_pending, Role::Warn),
            )),
            findings: findings_cell(state, |o| o.cluster == c.name),
            gateways: gateway_cell(gws.iter().flat_map(|g| g.nodes.values())),
        };
        let meta = TableRow {
            subject: Subject::Cluster(c.name.clone()),
            group: GROUP_K8S,
            target: Some(Box::new(Target::Cluster(c.name.clone()))),
            detail,
        };
        table.push(meta, FleetFacts::Cluster(Box::new(counts)));
    }
    for region in state.fleet.aws.values() {
        if scope.cluster.is_some() {
            break;
        }
        if region.rows.ecs.is_empty() {
            if let Some(e) = region.state.error() {
                let meta = TableRow {
                    subject: Subject::AwsRegion(region.region.clone()),
                    group: GROUP_ECS,
                    target: Some(Box::new(Target::Region(region.region.clone()))),
                    detail: vec![(format!("{} — {}", e.short(), e.message()), Role::Critical)],
                };
                let down = FleetFacts::RegionDown {
                    region: region.region.clone(),
                    state: state_cell(&region.state, now),
                    heard: region_heard(&region.state, region.polled, now),
                };
                table.push(meta, down);
            }
            continue;
        }
        for ecs in &region.rows.ecs {
            let tasks: Vec<_> = region
                .rows
                .tasks
                .iter()
                .filter(|t| t.cluster == ecs.name)
                .collect();
            let launch = |lt: &str| {
                tasks
                    .iter()
                    .filter(|t| t.launch_type.as_deref() == Some(lt))
                    .count()
            };
            let unhealthy = tasks
                .iter()
                .filter(|t| t.health == "UNHEALTHY" || t.last_status == "STOPPED")
                .count();
            let prefix = format!("{}/{}/", region.region, ecs.name);
            let gws: Vec<_> = state
                .fleet
                .gateways
                .values()
                .filter(|g| {
                    g.ecs_service
                        .as_deref()
                        .is_some_and(|s| s.starts_with(&prefix))
                })
                .collect();
            let short_services = region
                .rows
                .services
                .iter()
                .filter(|s| s.cluster == ecs.name && s.running < s.desired)
                .count();
            let mut state_text = state_cell(&region.state, now);
            if matches!(region.state, SourceState::Live) && ecs.status != "ACTIVE" {
                state_text = cell(ecs.status.to_lowercase(), Role::Warn);
            }
            // Rows we hold are the last poll's: muted with the region's age when stale.
            let aws = |cell: Cell| match &region.state {
                SourceState::Live => cell,
                _ => Cell {
                    role: Role::Muted,
                    ..cell
                },
            };
            let counts = ClusterCounts {
                name: ecs.name.clone(),
                region: region.region.clone(),
                version: "ecs".into(),
                state: state_text,
                heard: region_heard(&region.state, region.polled, now),
                fargate: aws(num(launch("FARGATE") as i64, Role::Fargate)),
                ec2: aws(num(launch("EC2") as i64, Role::Ec2)),
                virtual_nodes: None,
                running: aws(num(i64::from(ecs.running_tasks), Role::Ok)),
                pending: aws(bad_count(ecs.pending_tasks.max(0) as usize, Role::Warn)),
                not_ready: None,
                failed: aws(bad_count(unhealthy, Role::Critical)),
                hpa_at_max: None,
                pvc_pending: None,
                findings: findings_cell(state, |o| {
                    o.kind.starts_with("Ecs")
                        && o.cluster == region.region
                        && o.namespace == ecs.name
                }),
                gateways: gateway_cell(gws.iter().flat_map(|g| g.nodes.values())),
            };
            let meta = TableRow {
                subject: Subject::EcsCluster {
                    region: region.region.clone(),
                    name: ecs.name.clone(),
                },
                group: GROUP_ECS,
                target: Some(Box::new(Target::EcsCluster {
                    region: region.region.clone(),
                    name: ecs.name.clone(),
                })),
                detail: vec![(
                    format!(
                        "{} services ({} below desired), {} tasks",
                        ecs.services,
                        short_services,
                        tasks.len()
                    ),
                    if short_services > 0 {
                        Role::Warn
                    } else {
                        Role::Muted
                    },
                )],
            };
            table.push(meta, FleetFacts::Cluster(Box::new(counts)));
        }
    }
    table.finish(
        vec!["Kubernetes clusters".into(), "ECS clusters".into()],
        "no clusters yet — configure contexts (--context, --all-contexts) or AWS regions".into(),
    )
}

/// When an AWS region was last polled successfully: now while live, else
/// the last poll's time (or never).
fn region_heard(
    state: &SourceState,
    polled: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
) -> Cell {
    let heard = match (state, polled) {
        (SourceState::Live, _) => Heard::Now,
        (SourceState::Syncing, _) => Heard::Syncing,
        (_, Some(t)) => Heard::At(t),
        (_, None) => Heard::Never,
    };
    heard_cell(heard, now)
}

/// `healthy/total` Kong nodes, coloured by how many are healthy.
fn gateway_cell<'a>(
    nodes: impl Iterator<Item = &'a crate::model::kong::KongNode>,
) -> crate::ui::table::Cell {
    let (mut ok, mut total) = (0, 0);
    for n in nodes {
        total += 1;
        if n.healthy() {
            ok += 1;
        }
    }
    if total == 0 {
        return cell("-", Role::Muted);
    }
    let role = if ok == total {
        Role::Ok
    } else if ok == 0 {
        Role::Critical
    } else {
        Role::Warn
    };
    let mut c = cell(format!("{ok}/{total}"), role);
    c.sort = Some(i64::from(total - ok));
    c
}

/// Findings by severity about objects `within` (the first object decides):
/// `✖2 ▲1 ·3`, or `-`.
fn findings_cell(state: &State, within: impl Fn(&crate::diagnose::ObjectRef) -> bool) -> Cell {
    use crate::diagnose::Severity;
    let (c, w, i) = state
        .findings
        .counts_where(|f| f.primary().is_some_and(&within));
    let parts: Vec<String> = [
        (c, Severity::Critical),
        (w, Severity::Warning),
        (i, Severity::Info),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, s)| format!("{}{n}", s.glyph()))
    .collect();
    let role = if c > 0 {
        Role::Critical
    } else if w > 0 {
        Role::Warn
    } else {
        Role::Muted
    };
    Cell {
        text: if parts.is_empty() {
            "-".into()
        } else {
            parts.join(" ")
        },
        role,
        sort: Some((c * 10_000 + w * 100 + i) as i64),
    }
}
