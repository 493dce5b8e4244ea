//! ECS tasks and their Fargate lifecycle:
//! PROVISIONING → PENDING → RUNNING, and on the way out
//! STOPPING → DEPROVISIONING → STOPPED (kept a while, as ECS does).

use jiff::{SignedDuration, Timestamp};

use super::eks::aws_enum;

aws_enum!(TaskStatus { Provisioning => "PROVISIONING", Pending => "PENDING", Running => "RUNNING",
    Stopping => "STOPPING", Deprovisioning => "DEPROVISIONING", Stopped => "STOPPED" });
aws_enum!(HealthStatus { Healthy => "HEALTHY", Unhealthy => "UNHEALTHY", Unknown => "UNKNOWN" });

impl TaskStatus {
    /// Counted in `pendingCount`.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Provisioning | Self::Pending)
    }
}

/// PROVISIONING (ENI attach) lasts this long, then PENDING (image pull).
pub const PROVISIONING_FOR: SignedDuration = SignedDuration::from_secs(2);
/// From creation to RUNNING (or to failing, for a faulty service).
pub const START_TAKES: SignedDuration = SignedDuration::from_secs(5);
/// From the stop decision to DEPROVISIONING, and to STOPPED.
pub const STOPPING_FOR: SignedDuration = SignedDuration::from_secs(2);
pub const STOP_TAKES: SignedDuration = SignedDuration::from_secs(5);
/// STOPPED tasks stay visible this long (ECS: at least an hour).
pub const STOPPED_KEPT: SignedDuration = SignedDuration::from_secs(3600);
/// A RUNNING task's health check passes after this long.
pub const HEALTHY_AFTER: SignedDuration = SignedDuration::from_secs(3);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsContainer {
    pub name: String,
    pub image: String,
    pub last_status: TaskStatus,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub health_status: HealthStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsTask {
    pub id: String,
    pub task_definition_arn: String,
    /// `service:<name>` for service tasks, `family:<family>` otherwise.
    pub group: String,
    pub started_by: String,
    pub last_status: TaskStatus,
    pub desired_status: TaskStatus,
    pub health_status: HealthStatus,
    /// From the task definition: without a container health check the task
    /// stays `UNKNOWN`, as on ECS.
    pub health_check: bool,
    pub private_ip: String,
    pub availability_zone: String,
    pub subnet_id: String,
    pub eni_id: String,
    pub attachment_id: String,
    pub launch_type: String,
    pub platform_version: String,
    pub cpu: String,
    pub memory: String,
    pub created_at: Timestamp,
    pub pull_started_at: Option<Timestamp>,
    pub pull_stopped_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub stopping_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    pub stopped_reason: Option<String>,
    /// `TaskFailedToStart`, `ServiceSchedulerInitiated`, `UserInitiated`, …
    pub stop_code: Option<String>,
    pub containers: Vec<EcsContainer>,
    /// Set at launch from the service's fault: the task will fail to start.
    pub start_failure: Option<String>,
    /// Bumped on every status change (the task's `version`).
    pub version: i64,
}

/// What a lifecycle step did, for the scheduler's bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Nothing,
    BecameRunning,
    FailedToStart,
    Stopped,
}

impl EcsTask {
    /// The service that owns this task, from its group.
    pub fn service_name(&self) -> Option<&str> {
        self.group.strip_prefix("service:")
    }

    /// The ENI's private DNS name, as EC2 derives it from the IP.
    pub fn private_dns_name(&self, region: &str) -> String {
        format!(
            "ip-{}.{region}.compute.internal",
            self.private_ip.replace('.', "-")
        )
    }

    fn set_status(&mut self, status: TaskStatus) {
        self.last_status = status;
        for c in &mut self.containers {
            c.last_status = status;
        }
        self.version += 1;
    }

    /// Asks the task to stop (scheduler scale-in or user).
    pub fn request_stop(&mut self, now: Timestamp, code: &str, reason: String) {
        if self.desired_status == TaskStatus::Stopped {
            return;
        }
        self.desired_status = TaskStatus::Stopped;
        self.stopping_at = Some(now);
        self.stop_code = Some(code.to_owned());
        self.stopped_reason = Some(reason);
        self.set_status(TaskStatus::Stopping);
    }

    /// Moves the task along its lifecycle up to `now`; one step per call
    /// that matters to the scheduler.
    pub fn advance(&mut self, now: Timestamp) -> Step {
        match self.last_status {
            TaskStatus::Provisioning if now >= self.created_at + PROVISIONING_FOR => {
                self.pull_started_at = Some(self.created_at + PROVISIONING_FOR);
                self.set_status(TaskStatus::Pending);
                self.advance(now)
            }
            TaskStatus::Pending if now >= self.created_at + START_TAKES => {
                let at = self.created_at + START_TAKES;
                if let Some(reason) = self.start_failure.clone() {
                    self.desired_status = TaskStatus::Stopped;
                    self.stop_code = Some("TaskFailedToStart".to_owned());
                    self.stopping_at = Some(at);
                    self.stopped_at = Some(at);
                    self.stopped_reason = Some(reason.clone());
                    self.set_status(TaskStatus::Stopped);
                    for c in &mut self.containers {
                        c.reason = Some(reason.clone());
                    }
                    return Step::FailedToStart;
                }
                self.pull_stopped_at = Some(at);
                self.started_at = Some(at);
                self.set_status(TaskStatus::Running);
                Step::BecameRunning
            }
            TaskStatus::Running => {
                let healthy_at = self.started_at.map(|s| s + HEALTHY_AFTER);
                if self.health_check
                    && self.health_status == HealthStatus::Unknown
                    && healthy_at.is_some_and(|h| now >= h)
                {
                    self.health_status = HealthStatus::Healthy;
                    for c in &mut self.containers {
                        c.health_status = HealthStatus::Healthy;
                    }
                    self.version += 1;
                }
                Step::Nothing
            }
            TaskStatus::Stopping | TaskStatus::Deprovisioning => {
                let since = self.stopping_at.unwrap_or(now);
                if now >= since + STOP_TAKES {
                    self.stopped_at = Some(since + STOP_TAKES);
                    self.health_status = HealthStatus::Unknown;
                    for c in &mut self.containers {
                        c.exit_code = Some(if self.started_at.is_some() { 0 } else { 1 });
                        c.health_status = HealthStatus::Unknown;
                    }
                    self.set_status(TaskStatus::Stopped);
                    Step::Stopped
                } else {
                    if self.last_status == TaskStatus::Stopping && now >= since + STOPPING_FOR {
                        self.set_status(TaskStatus::Deprovisioning);
                    }
                    Step::Nothing
                }
            }
            _ => Step::Nothing,
        }
    }
}
