//! The ECS side of the model: clusters, services (with deployments and
//! events) and the fault a scenario can inject into a service.
//!
//! Tasks live in `ecs_task`; how services converge lives in `ecs_tick`.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::ecs_task::{EcsTask, TaskStatus};
use super::ids::stable_hash;

/// ECS keeps the newest 100 service events.
pub const MAX_EVENTS: usize = 100;

#[derive(Debug, Clone)]
pub struct EcsCluster {
    pub name: String,
    /// `ACTIVE`, `PROVISIONING`, `DEPROVISIONING`, `FAILED`, `INACTIVE`.
    pub status: String,
    pub services: BTreeMap<String, EcsService>,
    /// By task id (the last part of the task ARN).
    pub tasks: BTreeMap<String, EcsTask>,
    /// Task IPs are `10.<ip_second_octet>.x.y`.
    pub ip_second_octet: u8,
    /// `(availability zone, subnet id)` pairs tasks are spread over.
    pub subnets: Vec<(String, String)>,
    pub security_groups: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

impl EcsCluster {
    /// An ACTIVE cluster; subnets are filled per region when it is added to
    /// a world unless set before.
    pub fn new(name: &str) -> Self {
        let h = stable_hash(&["ecs", name]);
        Self {
            name: name.to_owned(),
            status: "ACTIVE".to_owned(),
            services: BTreeMap::new(),
            tasks: BTreeMap::new(),
            ip_second_octet: 16 + (h % 200) as u8,
            subnets: Vec::new(),
            security_groups: vec![format!("sg-{:017x}", h >> 8)],
            tags: BTreeMap::new(),
        }
    }

    pub fn with_service(mut self, service: EcsService) -> Self {
        self.services.insert(service.name.clone(), service);
        self
    }

    /// The tasks a service owns (its `group` is `service:<name>`), any state.
    pub fn service_tasks<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a EcsTask> {
        self.tasks
            .values()
            .filter(move |t| t.service_name() == Some(service))
    }

    pub fn running_tasks_count(&self) -> usize {
        self.tasks
            .values()
            .filter(|t| t.last_status == TaskStatus::Running)
            .count()
    }

    pub fn pending_tasks_count(&self) -> usize {
        self.tasks
            .values()
            .filter(|t| t.last_status.is_pending())
            .count()
    }

    pub fn active_services_count(&self) -> usize {
        self.services
            .values()
            .filter(|s| s.status == "ACTIVE")
            .count()
    }
}

/// One deployment of a service (`PRIMARY` is the current one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// `ecs-svc/<19 digits>`.
    pub id: String,
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    /// `COMPLETED`, `IN_PROGRESS` or `FAILED`.
    pub rollout_state: String,
    pub rollout_state_reason: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: Timestamp,
    pub message: String,
}

/// An injected fault: every task the service starts stops before RUNNING
/// with this reason (e.g. `CannotPullContainerError: …`), stop code
/// `TaskFailedToStart`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartFailure {
    pub reason: String,
}

impl StartFailure {
    /// The reason ECS gives when the image cannot be pulled.
    pub fn cannot_pull(image: &str) -> Self {
        Self {
            reason: format!(
                "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref {image}: not found"
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EcsService {
    pub name: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub launch_type: String,
    pub platform_version: String,
    pub task_definition: String,
    /// Image of the (single) container tasks run, shown in `containers`.
    pub container_name: String,
    pub image: String,
    pub cpu: String,
    pub memory: String,
    /// Whether the task definition's container has a `healthCheck`; without
    /// one ECS reports every task's health as `UNKNOWN`.
    pub health_check: bool,
    pub deployments: Vec<Deployment>,
    /// Newest first, at most [`MAX_EVENTS`].
    pub events: Vec<ServiceEvent>,
    pub created_at: Timestamp,
    pub fault: Option<StartFailure>,
    /// Whether the last event said "has reached a steady state".
    pub steady: bool,
    /// Failed starts in a row; drives ECS's launch back-off.
    pub consecutive_failures: u32,
    pub next_launch_at: Option<Timestamp>,
    /// Returned by DescribeServices with `include: ["TAGS"]` only, as ECS does.
    pub tags: std::collections::BTreeMap<String, String>,
}

impl EcsService {
    /// An ACTIVE Fargate service running `task_definition` (an ARN such as
    /// `arn:aws:ecs:eu-west-1:1:task-definition/kong:7`) with `desired` tasks;
    /// tasks appear when the world ticks.
    pub fn fargate(name: &str, task_definition: &str, desired: i32, created_at: Timestamp) -> Self {
        let family = task_definition
            .rsplit('/')
            .next()
            .and_then(|s| s.split(':').next())
            .unwrap_or(name);
        let deployment = Deployment {
            id: format!(
                "ecs-svc/{:019}",
                stable_hash(&["deployment", name]) % 10_000_000_000_000_000_000
            ),
            status: "PRIMARY".to_owned(),
            task_definition: task_definition.to_owned(),
            desired,
            running: 0,
            pending: 0,
            failed_tasks: 0,
            rollout_state: "IN_PROGRESS".to_owned(),
            rollout_state_reason: "ECS deployment ecs-svc in progress.".to_owned(),
            created_at,
            updated_at: created_at,
        };
        Self {
            name: name.to_owned(),
            status: "ACTIVE".to_owned(),
            desired,
            running: 0,
            pending: 0,
            launch_type: "FARGATE".to_owned(),
            platform_version: "LATEST".to_owned(),
            task_definition: task_definition.to_owned(),
            container_name: family.to_owned(),
            image: format!("{family}:latest"),
            cpu: "256".to_owned(),
            memory: "512".to_owned(),
            health_check: true,
            deployments: vec![deployment],
            events: Vec::new(),
            created_at,
            fault: None,
            steady: false,
            consecutive_failures: 0,
            next_launch_at: None,
            tags: std::collections::BTreeMap::new(),
        }
    }

    pub fn tagged(mut self, key: &str, value: &str) -> Self {
        self.tags.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn with_image(mut self, image: &str) -> Self {
        self.image = image.to_owned();
        self
    }

    /// A task definition whose container defines no `healthCheck`.
    pub fn without_health_check(mut self) -> Self {
        self.health_check = false;
        self
    }

    pub fn with_fault(mut self, fault: StartFailure) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Adds an event at the front, keeping at most [`MAX_EVENTS`].
    pub fn push_event(&mut self, id: String, created_at: Timestamp, message: String) {
        self.events.insert(
            0,
            ServiceEvent {
                id,
                created_at,
                message,
            },
        );
        self.events.truncate(MAX_EVENTS);
    }

    /// Sets `desiredCount` (UpdateService); tasks follow on later ticks.
    pub fn set_desired(&mut self, desired: i32, now: Timestamp) {
        self.desired = desired;
        if let Some(primary) = self.deployments.first_mut() {
            primary.desired = desired;
            primary.updated_at = now;
        }
    }
}
