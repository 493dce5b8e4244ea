//! Fleet (home): one row per Kubernetes cluster and per ECS cluster.

use super::common::{bad_count, clusters, state_cell};
use super::legacy::{LegacyModel, LegacyRow, col, fill};
use crate::app::nav::{NavEntry, Target};
use crate::app::state::State;
use crate::config::theme::Role;
use crate::model::node::NodeKind;
use crate::model::pod::PodHealth;
use crate::model::status::SourceState;
use crate::ui::table::{Cell, cell, num};

const GROUP_K8S: usize = 0;
const GROUP_ECS: usize = 1;

pub fn build(state: &State, entry: &NavEntry) -> LegacyModel {
    let scope = state.scope_of(entry);
    let now = state.now;
    let mut rows = Vec::new();
    for c in clusters(state, &scope) {
        let s = &c.stores;
        let count_nodes = |k: NodeKind| s.nodes.iter().filter(|n| n.kind == k).count();
        let ns_ok = |ns: &str| scope.namespace.as_ref().is_none_or(|n| n == ns);
        let pods = || s.pods.iter().filter(|p| ns_ok(&p.namespace));
        let running = pods().filter(|p| p.health == PodHealth::Ok).count();
        let pending = pods().filter(|p| p.health == PodHealth::Pending).count();
        let failed = pods().filter(|p| p.health == PodHealth::Failed).count();
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
            state_text.text = format!("{} (403 {})", state_text.text, forbidden.join(","));
        }
        rows.push(LegacyRow {
            id: format!("k8s/{}", c.name),
            group: GROUP_K8S,
            cells: vec![
                cell(&c.name, Role::Text),
                cell(
                    state
                        .fleet
                        .cluster_region(&c.name)
                        .unwrap_or_else(|| "-".into()),
                    Role::Text,
                ),
                cell(c.version.clone().unwrap_or_else(|| "-".into()), Role::Muted),
                state_text,
                num(count_nodes(NodeKind::Fargate) as i64, Role::Fargate),
                num(count_nodes(NodeKind::Ec2) as i64, Role::Ec2),
                num(count_nodes(NodeKind::Virtual) as i64, Role::Virtual),
                num(running as i64, Role::Ok),
                bad_count(pending, Role::Warn),
                bad_count(failed, Role::Critical),
                bad_count(hpa_max, Role::Warn),
                bad_count(pvc_pending, Role::Warn),
                findings_cell(state, |o| o.cluster == c.name),
                gateway_cell(gws.iter().flat_map(|g| g.nodes.values())),
            ],
            target: Some(Target::Cluster(c.name.clone())),
            detail,
        });
    }
    for region in state.fleet.aws.values() {
        if scope.cluster.is_some() {
            break;
        }
        if region.rows.ecs.is_empty() {
            if let Some(e) = region.state.error() {
                rows.push(LegacyRow {
                    id: format!("aws/{}", region.region),
                    group: GROUP_ECS,
                    cells: vec![
                        cell(format!("(aws {})", region.region), Role::Muted),
                        cell(&region.region, Role::Text),
                        cell("-", Role::Muted),
                        state_cell(&region.state, now),
                    ],
                    target: Some(Target::Region(region.region.clone())),
                    detail: vec![(format!("{} — {}", e.short(), e.message()), Role::Critical)],
                });
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
            rows.push(LegacyRow {
                id: format!("ecs/{}/{}", region.region, ecs.name),
                group: GROUP_ECS,
                cells: vec![
                    cell(&ecs.name, Role::Text),
                    cell(&region.region, Role::Text),
                    cell("ecs", Role::Muted),
                    state_text,
                    num(launch("FARGATE") as i64, Role::Fargate),
                    num(launch("EC2") as i64, Role::Ec2),
                    cell("-", Role::Muted),
                    num(i64::from(ecs.running_tasks), Role::Ok),
                    bad_count(ecs.pending_tasks.max(0) as usize, Role::Warn),
                    bad_count(unhealthy, Role::Critical),
                    cell("-", Role::Muted),
                    cell("-", Role::Muted),
                    findings_cell(state, |o| {
                        o.kind.starts_with("Ecs")
                            && o.cluster == region.region
                            && o.namespace == ecs.name
                    }),
                    gateway_cell(gws.iter().flat_map(|g| g.nodes.values())),
                ],
                target: Some(Target::EcsCluster {
                    region: region.region.clone(),
                    name: ecs.name.clone(),
                }),
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
            });
        }
    }
    LegacyModel {
        columns: vec![
            col("CLUSTER", 24),
            col("REGION", 12),
            col("VERSION", 12),
            col("STATE", 18),
            col("FARGATE", 7),
            col("EC2", 4),
            col("VIRT", 4),
            col("RUNNING", 7),
            col("PENDING", 7),
            col("FAILED", 6),
            col("HPA@MAX", 7),
            col("PVC-PEND", 8),
            col("FINDINGS", 11),
            fill("GATEWAYS"),
        ],
        groups: vec!["Kubernetes clusters".into(), "ECS clusters".into()],
        rows,
        empty: "no clusters yet — configure contexts (--context, --all-contexts) or AWS regions"
            .into(),
    }
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
