//! The ECS service scheduler: each tick moves tasks along their lifecycle,
//! starts missing tasks, stops surplus ones, and writes the service events
//! ECS writes, so `running` converges on `desired` over a few seconds.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::ecs::{EcsCluster, EcsService};
use super::ecs_task::{EcsContainer, EcsTask, HealthStatus, Step, TaskStatus};
use super::ids::{task_id, uuid_from};

/// Failed starts in a row after which ECS says it cannot start tasks.
const FAILURES_BEFORE_WARNING: u32 = 3;

/// The random source the scenario passes in.
pub type Rng<'a> = &'a mut dyn FnMut() -> u64;

/// One scheduler pass over a cluster at `now`.
pub(crate) fn tick_cluster(cluster: &mut EcsCluster, region: &str, now: Timestamp, rng: Rng<'_>) {
    let mut running_now: BTreeSet<String> = BTreeSet::new();
    let mut failed_now: Vec<String> = Vec::new();
    for task in cluster.tasks.values_mut() {
        let Some(service) = task.service_name().map(str::to_owned) else {
            task.advance(now);
            continue;
        };
        match task.advance(now) {
            Step::BecameRunning => {
                running_now.insert(service);
            }
            Step::FailedToStart => failed_now.push(service),
            Step::Nothing | Step::Stopped => {}
        }
    }
    cluster.tasks.retain(|_, t| {
        t.last_status != TaskStatus::Stopped
            || t.stopped_at
                .is_none_or(|s| now < s + super::ecs_task::STOPPED_KEPT)
    });

    let names: Vec<String> = cluster.services.keys().cloned().collect();
    for name in names {
        let failures = failed_now.iter().filter(|s| **s == name).count();
        schedule_service(
            cluster,
            region,
            &name,
            failures,
            running_now.contains(&name),
            now,
            rng,
        );
    }
}

fn event_id(rng: Rng<'_>) -> String {
    uuid_from(rng(), rng())
}

fn task_list(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("(task {id})"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn schedule_service(
    cluster: &mut EcsCluster,
    region: &str,
    name: &str,
    failures: usize,
    some_became_running: bool,
    now: Timestamp,
    rng: Rng<'_>,
) {
    let Some(service) = cluster.services.get_mut(name) else {
        return;
    };
    if failures > 0 {
        let before = service.consecutive_failures;
        service.consecutive_failures += u32::try_from(failures).unwrap_or(u32::MAX);
        if let Some(primary) = service.deployments.first_mut() {
            primary.failed_tasks += i32::try_from(failures).unwrap_or(i32::MAX);
        }
        let backoff = SignedDuration::from_secs(5 * i64::from(service.consecutive_failures.min(6)));
        service.next_launch_at = Some(now + backoff);
        if before < FAILURES_BEFORE_WARNING
            && service.consecutive_failures >= FAILURES_BEFORE_WARNING
        {
            let msg = format!(
                "(service {name}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
            );
            service.push_event(event_id(rng), now, msg);
        }
    } else if some_became_running {
        service.consecutive_failures = 0;
    }
    let target = if service.status == "ACTIVE" {
        service.desired.max(0)
    } else {
        0
    };
    let target = usize::try_from(target).unwrap_or(0);

    let mut live: Vec<&EcsTask> = cluster
        .tasks
        .values()
        .filter(|t| t.service_name() == Some(name) && t.desired_status == TaskStatus::Running)
        .collect();
    if live.len() < target && service.next_launch_at.is_none_or(|t| now >= t) {
        let missing = target - live.len();
        let mut started = Vec::with_capacity(missing);
        for _ in 0..missing {
            let task = new_task(cluster, region, name, now, rng);
            started.push(task.id.clone());
            cluster.tasks.insert(task.id.clone(), task);
        }
        if let Some(service) = cluster.services.get_mut(name) {
            let msg = format!(
                "(service {name}) has started {} tasks: {}.",
                started.len(),
                task_list(&started)
            );
            service.push_event(event_id(rng), now, msg);
            service.steady = false;
        }
    } else if live.len() > target {
        // Not-yet-running tasks go first, then the newest.
        live.sort_by_key(|t| {
            (
                t.last_status == TaskStatus::Running,
                std::cmp::Reverse(t.created_at),
            )
        });
        let surplus: Vec<String> = live
            .iter()
            .take(live.len() - target)
            .map(|t| t.id.clone())
            .collect();
        let deployment = service
            .deployments
            .first()
            .map(|d| d.id.clone())
            .unwrap_or_default();
        for id in &surplus {
            if let Some(task) = cluster.tasks.get_mut(id) {
                let reason = format!("Scaling activity initiated by (deployment {deployment})");
                task.request_stop(now, "ServiceSchedulerInitiated", reason);
            }
        }
        if let Some(service) = cluster.services.get_mut(name) {
            let msg = format!(
                "(service {name}) has stopped {} running tasks: {}.",
                surplus.len(),
                task_list(&surplus)
            );
            service.push_event(event_id(rng), now, msg);
            service.steady = false;
        }
    }
    update_counts(cluster, name, now, rng);
}

/// Recomputes running/pending on the service and its primary deployment and
/// says "steady state" once everything has settled.
fn update_counts(cluster: &mut EcsCluster, name: &str, now: Timestamp, rng: Rng<'_>) {
    let (mut running, mut pending, mut leaving) = (0, 0, 0);
    for t in cluster.service_tasks(name) {
        match t.last_status {
            TaskStatus::Running if t.desired_status == TaskStatus::Running => running += 1,
            s if s.is_pending() && t.desired_status == TaskStatus::Running => pending += 1,
            TaskStatus::Stopping | TaskStatus::Deprovisioning => leaving += 1,
            _ => {}
        }
    }
    let Some(service) = cluster.services.get_mut(name) else {
        return;
    };
    service.running = running;
    service.pending = pending;
    let settled = running == service.desired.max(0) && pending == 0 && leaving == 0;
    if let Some(primary) = service.deployments.first_mut() {
        if (primary.running, primary.pending) != (running, pending) {
            primary.updated_at = now;
        }
        primary.running = running;
        primary.pending = pending;
        if settled && primary.rollout_state == "IN_PROGRESS" {
            primary.rollout_state = "COMPLETED".to_owned();
            primary.rollout_state_reason = format!("ECS deployment {} completed.", primary.id);
        }
    }
    if settled && !service.steady && service.status == "ACTIVE" {
        service.steady = true;
        service.push_event(
            event_id(rng),
            now,
            format!("(service {name}) has reached a steady state."),
        );
    }
}

/// A fresh task in PROVISIONING, in the AZ where the service has fewest
/// live tasks, with an IP in that AZ's subnet not used by a live task.
fn new_task(
    cluster: &EcsCluster,
    region: &str,
    name: &str,
    now: Timestamp,
    rng: Rng<'_>,
) -> EcsTask {
    let fallback = [(format!("{region}a"), "subnet-0".to_owned())];
    let subnets: &[(String, String)] = if cluster.subnets.is_empty() {
        &fallback
    } else {
        &cluster.subnets
    };
    let live_in = |az: &str| {
        cluster
            .service_tasks(name)
            .filter(|t| t.desired_status == TaskStatus::Running && t.availability_zone == az)
            .count()
    };
    let (index, (az, subnet)) = subnets
        .iter()
        .enumerate()
        .min_by_key(|(i, (az, _))| (live_in(az), *i))
        .unwrap_or((0, &fallback[0]));
    let used: BTreeSet<&str> = cluster
        .tasks
        .values()
        .filter(|t| t.last_status != TaskStatus::Stopped)
        .map(|t| t.private_ip.as_str())
        .collect();
    let block = u64::try_from(index % 8).unwrap_or(0) * 32;
    let mut ip = String::new();
    for _ in 0..64 {
        let r = rng();
        ip = format!(
            "10.{}.{}.{}",
            cluster.ip_second_octet,
            block + r % 32,
            (r >> 8) % 254 + 1
        );
        if !used.contains(ip.as_str()) {
            break;
        }
    }
    let service = cluster.services.get(name);
    let get = |f: fn(&EcsService) -> &str| service.map(f).unwrap_or_default().to_owned();
    let id = task_id(rng);
    EcsTask {
        task_definition_arn: get(|s| &s.task_definition),
        group: format!("service:{name}"),
        started_by: service
            .and_then(|s| s.deployments.first())
            .map(|d| d.id.clone())
            .unwrap_or_default(),
        last_status: TaskStatus::Provisioning,
        desired_status: TaskStatus::Running,
        health_status: HealthStatus::Unknown,
        health_check: service.is_none_or(|s| s.health_check),
        private_ip: ip,
        availability_zone: az.clone(),
        subnet_id: subnet.clone(),
        eni_id: format!("eni-{:017x}", rng() & 0x0fff_ffff_ffff_ffff),
        attachment_id: uuid_from(rng(), rng()),
        launch_type: get(|s| &s.launch_type),
        platform_version: "1.4.0".to_owned(),
        cpu: get(|s| &s.cpu),
        memory: get(|s| &s.memory),
        created_at: now,
        pull_started_at: None,
        pull_stopped_at: None,
        started_at: None,
        stopping_at: None,
        stopped_at: None,
        stopped_reason: None,
        stop_code: None,
        containers: vec![EcsContainer {
            name: get(|s| &s.container_name),
            image: get(|s| &s.image),
            last_status: TaskStatus::Provisioning,
            exit_code: None,
            reason: None,
            health_status: HealthStatus::Unknown,
        }],
        start_failure: service
            .and_then(|s| s.fault.as_ref())
            .map(|f| f.reason.clone()),
        version: 1,
        id,
    }
}
