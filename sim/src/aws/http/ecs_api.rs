//! The ECS awsJson1.1 operations, all on `POST /`, chosen by
//! `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::ecs_json;
use super::eks_json::Scope;
use super::page::{max_results, paginate};
use super::reply::{Protocol, result};
use super::{lock, region_or_error};
use crate::aws::ecs::EcsCluster;
use crate::aws::ecs_task::TaskStatus;
use crate::aws::error::AwsError;
use crate::aws::ids::{ecs_cluster_arn, ecs_service_arn, ecs_task_arn, name_from_arn_or_name};
use crate::aws::world::{AwsWorld, SharedAws};

const TARGET_PREFIX: &str = "AmazonEC2ContainerServiceV20141113.";

/// The request members the supported operations read (all optional on the
/// wire; each operation checks what it needs).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    cluster: Option<String>,
    clusters: Option<Vec<String>>,
    service: Option<String>,
    services: Option<Vec<String>>,
    tasks: Option<Vec<String>>,
    task: Option<String>,
    reason: Option<String>,
    service_name: Option<String>,
    desired_status: Option<String>,
    launch_type: Option<String>,
    family: Option<String>,
    desired_count: Option<i64>,
    max_results: Option<i64>,
    next_token: Option<String>,
    /// `["TAGS"]`: DescribeServices adds each service's tags.
    include: Option<Vec<String>>,
}

/// `POST /`: authenticates, parses, dispatches.
pub async fn dispatch(State(world): State<SharedAws>, headers: HeaderMap, body: Bytes) -> Response {
    let op = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(TARGET_PREFIX))
        .unwrap_or_default()
        .to_owned();
    let outcome = region_or_error(&headers, 400).and_then(|region| {
        let req: Request = if body.is_empty() {
            Request::default()
        } else {
            serde_json::from_slice(&body).map_err(|e| AwsError::serialization(e.to_string()))?
        };
        let mut w = lock(&world);
        let account = w.account_id.clone();
        let scope = Scope {
            region: &region,
            account: &account,
        };
        match op.as_str() {
            "ListClusters" => list_clusters(&w, scope, &req),
            "DescribeClusters" => Ok(describe_clusters(&w, scope, &req)),
            "ListServices" => list_services(&w, scope, &req),
            "DescribeServices" => describe_services(&w, scope, &req),
            "ListTasks" => list_tasks(&w, scope, &req),
            "DescribeTasks" => describe_tasks(&w, scope, &req),
            "UpdateService" => update_service(&mut w, scope, &req),
            "StopTask" => stop_task(&mut w, scope, &req),
            _ => Err(AwsError::unknown_operation(400)),
        }
    });
    result(Protocol::AwsJson11, outcome)
}

/// The cluster a request names (bare name or ARN; `default` if omitted).
fn cluster_name(req: &Request) -> &str {
    req.cluster
        .as_deref()
        .map_or("default", name_from_arn_or_name)
}

fn find<'w>(w: &'w AwsWorld, scope: Scope<'_>, req: &Request) -> Result<&'w EcsCluster, AwsError> {
    w.ecs_cluster(scope.region, cluster_name(req))
        .ok_or_else(AwsError::cluster_not_found)
}

fn list_clusters(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let names: Vec<&str> = w
        .regions
        .get(scope.region)
        .map(|r| r.ecs.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let page = paginate(
        names.into_iter(),
        max_results(req.max_results, 100)?,
        req.next_token.as_deref(),
    )?;
    let arns: Vec<String> = page
        .items
        .iter()
        .map(|n| ecs_cluster_arn(scope.region, scope.account, n))
        .collect();
    Ok(json!({"clusterArns": arns, "nextToken": page.next_token}))
}

fn missing(arn: String) -> Value {
    json!({"arn": arn, "reason": "MISSING"})
}

fn describe_clusters(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Value {
    let wanted = req
        .clusters
        .clone()
        .unwrap_or_else(|| vec!["default".to_owned()]);
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for value in &wanted {
        let name = name_from_arn_or_name(value);
        match w.ecs_cluster(scope.region, name) {
            Some(c) => found.push(ecs_json::cluster(scope, c)),
            None => failures.push(missing(ecs_cluster_arn(scope.region, scope.account, name))),
        }
    }
    json!({"clusters": found, "failures": failures})
}

fn list_services(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let c = find(w, scope, req)?;
    let names = c
        .services
        .values()
        .filter(|s| s.status != "INACTIVE")
        .filter(|s| req.launch_type.as_ref().is_none_or(|l| *l == s.launch_type))
        .map(|s| s.name.as_str());
    // ListServices pages by 10 unless told otherwise.
    let page = paginate(
        names,
        max_results(req.max_results, 10)?,
        req.next_token.as_deref(),
    )?;
    let arns: Vec<String> = page
        .items
        .iter()
        .map(|n| ecs_service_arn(scope.region, scope.account, &c.name, n))
        .collect();
    Ok(json!({"serviceArns": arns, "nextToken": page.next_token}))
}

fn describe_services(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let c = find(w, scope, req)?;
    let wanted = req.services.as_deref().unwrap_or_default();
    if wanted.is_empty() || wanted.len() > 10 {
        return Err(AwsError::invalid_parameter(
            "Services cannot be empty and can have at most 10 items.",
        ));
    }
    let with_tags = req
        .include
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|i| i == "TAGS");
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for value in wanted {
        let name = name_from_arn_or_name(value);
        match c.services.get(name) {
            Some(s) => {
                let mut v = ecs_json::service(scope, c, s);
                if with_tags {
                    v["tags"] = ecs_json::tags(&s.tags);
                }
                found.push(v);
            }
            None => failures.push(missing(ecs_service_arn(
                scope.region,
                scope.account,
                &c.name,
                name,
            ))),
        }
    }
    Ok(json!({"services": found, "failures": failures}))
}

fn list_tasks(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let c = find(w, scope, req)?;
    let group = match req.service_name.as_deref().map(name_from_arn_or_name) {
        Some(name) if !c.services.contains_key(name) => return Err(AwsError::service_not_found()),
        other => other.map(|n| format!("service:{n}")),
    };
    let desired = match req.desired_status.as_deref() {
        None | Some("RUNNING") => TaskStatus::Running,
        Some("STOPPED") => TaskStatus::Stopped,
        Some("PENDING") => TaskStatus::Pending,
        Some(other) => {
            return Err(AwsError::invalid_parameter(format!(
                "desiredStatus must be one of RUNNING, PENDING, STOPPED, got {other}"
            )));
        }
    };
    let family = req.family.as_deref();
    let ids = c
        .tasks
        .values()
        .filter(|t| group.as_ref().is_none_or(|g| *g == t.group))
        .filter(|t| req.launch_type.as_ref().is_none_or(|l| *l == t.launch_type))
        .filter(|t| {
            family.is_none_or(|f| {
                t.task_definition_arn
                    .contains(&format!("task-definition/{f}:"))
            })
        })
        .filter(|t| match desired {
            // PENDING lists tasks ECS has not yet started.
            TaskStatus::Pending => {
                t.desired_status == TaskStatus::Running && t.last_status.is_pending()
            }
            d => t.desired_status == d,
        })
        .map(|t| t.id.as_str());
    let page = paginate(
        ids,
        max_results(req.max_results, 100)?,
        req.next_token.as_deref(),
    )?;
    let arns: Vec<String> = page
        .items
        .iter()
        .map(|id| ecs_task_arn(scope.region, scope.account, &c.name, id))
        .collect();
    Ok(json!({"taskArns": arns, "nextToken": page.next_token}))
}

fn describe_tasks(w: &AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let c = find(w, scope, req)?;
    let wanted = req.tasks.as_deref().unwrap_or_default();
    if wanted.is_empty() || wanted.len() > 100 {
        return Err(AwsError::invalid_parameter(
            "Tasks cannot be empty and can have at most 100 items.",
        ));
    }
    let (mut found, mut failures) = (Vec::new(), Vec::new());
    for value in wanted {
        let id = name_from_arn_or_name(value);
        match c.tasks.get(id) {
            Some(t) => found.push(ecs_json::task(scope, &c.name, t)),
            None => failures.push(missing(ecs_task_arn(
                scope.region,
                scope.account,
                &c.name,
                id,
            ))),
        }
    }
    Ok(json!({"tasks": found, "failures": failures}))
}

fn update_service(w: &mut AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let now = w.now;
    let cluster = cluster_name(req).to_owned();
    let name = req
        .service
        .as_deref()
        .map(name_from_arn_or_name)
        .ok_or_else(|| AwsError::invalid_parameter("Service cannot be empty."))?;
    let c = w
        .ecs_cluster_mut(scope.region, &cluster)
        .ok_or_else(AwsError::cluster_not_found)?;
    let s = c
        .services
        .get_mut(name)
        .ok_or_else(AwsError::service_not_found)?;
    if s.status != "ACTIVE" {
        return Err(AwsError::service_not_active());
    }
    if let Some(count) = req.desired_count {
        let count = i32::try_from(count)
            .ok()
            .filter(|c| *c >= 0)
            .ok_or_else(|| {
                AwsError::invalid_parameter("Desired count must be a non-negative integer.")
            })?;
        s.set_desired(count, now);
    }
    let c = find(w, scope, req)?;
    let s = c
        .services
        .get(name)
        .ok_or_else(AwsError::service_not_found)?;
    Ok(json!({"service": ecs_json::service(scope, c, s)}))
}

/// `StopTask`: the task goes STOPPING → STOPPED on later ticks; a task of a
/// service is then replaced by the service scheduler, as on ECS.
fn stop_task(w: &mut AwsWorld, scope: Scope<'_>, req: &Request) -> Result<Value, AwsError> {
    let now = w.now;
    let cluster = cluster_name(req).to_owned();
    let id = req
        .task
        .as_deref()
        .map(name_from_arn_or_name)
        .ok_or_else(|| AwsError::invalid_parameter("Task cannot be empty."))?
        .to_owned();
    let c = w
        .ecs_cluster_mut(scope.region, &cluster)
        .ok_or_else(AwsError::cluster_not_found)?;
    let t = c
        .tasks
        .get_mut(&id)
        .ok_or_else(|| AwsError::invalid_parameter("The referenced task was not found."))?;
    let reason = req
        .reason
        .clone()
        .unwrap_or_else(|| "Task stopped by user".to_owned());
    t.request_stop(now, "UserInitiated", reason);
    let c = find(w, scope, req)?;
    let t = c
        .tasks
        .get(&id)
        .ok_or_else(|| AwsError::invalid_parameter("The referenced task was not found."))?;
    Ok(json!({"task": ecs_json::task(scope, &c.name, t)}))
}
