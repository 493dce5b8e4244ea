//! Convergence of ECS services over ticks: scale 3 → 5 → 1, and a service
//! whose tasks cannot start.

use jiff::{SignedDuration, Timestamp};

use super::{AwsWorld, EcsCluster, EcsService, StartFailure, TaskStatus};

const REGION: &str = "eu-west-1";

fn rng() -> impl FnMut() -> u64 {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_763_700_000 + secs).unwrap()
}

fn world(service: EcsService) -> AwsWorld {
    let mut w = AwsWorld::new("123456789012", t(0));
    w.add_ecs_cluster(REGION, EcsCluster::new("apis").with_service(service));
    w
}

fn orders(desired: i32) -> EcsService {
    EcsService::fargate(
        "orders",
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:4",
        desired,
        t(-120),
    )
}

fn service(w: &AwsWorld) -> &EcsService {
    &w.ecs_cluster(REGION, "apis").unwrap().services["orders"]
}

fn statuses(w: &AwsWorld) -> Vec<(TaskStatus, TaskStatus)> {
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    let mut s: Vec<_> = c
        .service_tasks("orders")
        .map(|t| (t.last_status, t.desired_status))
        .collect();
    s.sort_by_key(|(l, d)| (l.as_str(), d.as_str()));
    s
}

fn count(w: &AwsWorld, status: TaskStatus) -> usize {
    statuses(w).iter().filter(|(l, _)| *l == status).count()
}

#[test]
fn a_service_scales_three_to_five_to_one_over_ticks() {
    let mut rng = rng();
    let mut w = world(orders(3));
    w.warm_up(t(0), &mut rng);
    let s = service(&w);
    assert_eq!((s.running, s.pending), (3, 0));
    assert!(
        s.events[0].message.ends_with("has reached a steady state."),
        "{:?}",
        s.events
    );
    assert!(
        s.events[1]
            .message
            .starts_with("(service orders) has started 3 tasks: (task ")
    );

    // 3 → 5: two tasks start, not at once.
    w.ecs_service_mut(REGION, "apis", "orders")
        .unwrap()
        .set_desired(5, t(0));
    w.tick(t(1), &mut rng);
    let s = service(&w);
    assert_eq!((s.running, s.pending), (3, 2));
    let started = &s.events[0].message;
    assert!(
        started.starts_with("(service orders) has started 2 tasks: (task "),
        "{started}"
    );
    assert_eq!(started.matches("(task ").count(), 2);
    assert_eq!(count(&w, TaskStatus::Provisioning), 2);
    w.tick(t(3), &mut rng);
    assert_eq!(count(&w, TaskStatus::Pending), 2);
    assert_eq!(service(&w).pending, 2);
    w.tick(t(6), &mut rng);
    let s = service(&w);
    assert_eq!((s.running, s.pending), (5, 0));
    assert_eq!(
        s.events[0].message,
        "(service orders) has reached a steady state."
    );
    assert_eq!(s.deployments[0].running, 5);

    // 5 → 1: four tasks stop, kept as STOPPED with a reason.
    w.ecs_service_mut(REGION, "apis", "orders")
        .unwrap()
        .set_desired(1, t(6));
    w.tick(t(7), &mut rng);
    let s = service(&w);
    assert_eq!(s.running, 1);
    assert!(
        s.events[0]
            .message
            .starts_with("(service orders) has stopped 4 running tasks: (task ")
    );
    assert_eq!(count(&w, TaskStatus::Stopping), 4);
    w.tick(t(10), &mut rng);
    assert_eq!(count(&w, TaskStatus::Deprovisioning), 4);
    assert!(!service(&w).events[0].message.contains("steady"));
    w.tick(t(13), &mut rng);
    assert_eq!(count(&w, TaskStatus::Stopped), 4);
    assert_eq!(
        service(&w).events[0].message,
        "(service orders) has reached a steady state."
    );
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    for task in c
        .service_tasks("orders")
        .filter(|t| t.last_status == TaskStatus::Stopped)
    {
        assert_eq!(task.stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
        assert!(
            task.stopped_reason
                .as_deref()
                .unwrap_or("")
                .starts_with("Scaling activity initiated by (deployment ecs-svc/")
        );
        assert!(task.stopped_at.is_some());
    }

    // ECS forgets stopped tasks after about an hour.
    w.tick(t(13) + SignedDuration::from_hours(1), &mut rng);
    assert_eq!(
        statuses(&w),
        vec![(TaskStatus::Running, TaskStatus::Running)]
    );
}

#[test]
fn tasks_get_distinct_ips_in_the_cluster_range_spread_over_zones() {
    let mut rng = rng();
    let mut w = world(orders(30));
    w.warm_up(t(0), &mut rng);
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    let prefix = format!("10.{}.", c.ip_second_octet);
    let mut ips: Vec<&str> = c.tasks.values().map(|t| t.private_ip.as_str()).collect();
    assert!(ips.iter().all(|ip| ip.starts_with(&prefix)), "{ips:?}");
    ips.sort_unstable();
    ips.dedup();
    assert_eq!(ips.len(), 30);
    for az in ["eu-west-1a", "eu-west-1b", "eu-west-1c"] {
        assert_eq!(
            c.tasks
                .values()
                .filter(|t| t.availability_zone == az)
                .count(),
            10,
            "{az}"
        );
    }
}

#[test]
fn the_same_seed_builds_the_same_world() {
    let run = || {
        let mut rng = rng();
        let mut w = world(orders(4));
        w.warm_up(t(0), &mut rng);
        let c = w.ecs_cluster(REGION, "apis").unwrap();
        c.tasks
            .values()
            .map(|t| (t.id.clone(), t.private_ip.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_service_whose_image_cannot_be_pulled_never_reaches_desired() {
    let mut rng = rng();
    let fault = StartFailure::cannot_pull("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:v9");
    let mut w = world(orders(2).with_fault(fault));
    for s in 0..=120 {
        w.tick(t(s), &mut rng);
        assert_eq!(service(&w).running, 0);
    }
    let s = service(&w);
    assert!(s.deployments[0].failed_tasks >= 6, "{:?}", s.deployments[0]);
    assert_eq!(s.deployments[0].rollout_state, "IN_PROGRESS");
    assert!(s.events.iter().any(|e| e.message
        == "(service orders) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."));
    assert!(!s.events.iter().any(|e| e.message.contains("steady state")));
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    let stopped: Vec<_> = c
        .service_tasks("orders")
        .filter(|t| t.last_status == TaskStatus::Stopped)
        .collect();
    assert!(!stopped.is_empty());
    for task in stopped {
        assert_eq!(task.stop_code.as_deref(), Some("TaskFailedToStart"));
        assert!(
            task.stopped_reason
                .as_deref()
                .unwrap_or("")
                .starts_with("CannotPullContainerError:")
        );
        assert!(task.started_at.is_none());
    }

    // Clearing the fault lets the service recover.
    w.set_ecs_fault(REGION, "apis", "orders", None);
    for s in 121..=200 {
        w.tick(t(s), &mut rng);
    }
    let s = service(&w);
    assert_eq!(s.running, 2);
    assert_eq!(
        s.events[0].message,
        "(service orders) has reached a steady state."
    );
}

#[test]
fn task_health_is_known_only_where_the_task_definition_checks_it() {
    let health = |w: &AwsWorld| -> Vec<&'static str> {
        let c = w.ecs_cluster(REGION, "apis").unwrap();
        c.service_tasks("orders")
            .map(|t| t.health_status.as_str())
            .collect()
    };
    for (checked, want) in [(true, "HEALTHY"), (false, "UNKNOWN")] {
        let mut rng = rng();
        let svc = match checked {
            true => orders(2),
            false => orders(2).without_health_check(),
        };
        let mut w = world(svc);
        w.warm_up(t(0), &mut rng);
        w.tick(t(60), &mut rng);
        assert_eq!(count(&w, TaskStatus::Running), 2);
        assert_eq!(health(&w), [want, want], "health check: {checked}");
    }
}

#[test]
fn a_task_stopped_by_the_user_is_replaced_by_the_service() {
    let mut rng = rng();
    let mut w = world(orders(3));
    w.warm_up(t(0), &mut rng);
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    let victim = c.service_tasks("orders").next().unwrap().id.clone();
    let task = w
        .ecs_cluster_mut(REGION, "apis")
        .unwrap()
        .tasks
        .get_mut(&victim)
        .unwrap();
    task.request_stop(t(0), "UserInitiated", "replace a stale Kong node".into());
    for s in 1..=15 {
        w.tick(t(s), &mut rng);
    }
    let c = w.ecs_cluster(REGION, "apis").unwrap();
    let stopped = &c.tasks[&victim];
    assert_eq!(stopped.last_status, TaskStatus::Stopped);
    assert_eq!(stopped.stop_code.as_deref(), Some("UserInitiated"));
    let running: Vec<&str> = c
        .service_tasks("orders")
        .filter(|t| t.last_status == TaskStatus::Running)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(running.len(), 3, "{running:?}");
    assert!(!running.contains(&victim.as_str()));
}
