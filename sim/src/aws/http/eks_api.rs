//! The EKS rest-json operations: list/describe clusters, Fargate profiles
//! and node groups, UpdateNodegroupConfig, DescribeUpdate.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::eks_json::{self, Scope};
use super::page::{max_results, paginate};
use super::reply::{Protocol, result};
use super::{lock, region_or_error};
use crate::aws::eks::EksCluster;
use crate::aws::eks_update::ScalingChange;
use crate::aws::error::AwsError;
use crate::aws::world::{AwsWorld, SharedAws};

/// EKS's default and largest page.
const PAGE: usize = 100;

pub fn routes() -> Router<SharedAws> {
    Router::new()
        .route("/clusters", get(list_clusters))
        .route("/clusters/{name}", get(describe_cluster))
        .route(
            "/clusters/{name}/fargate-profiles",
            get(list_fargate_profiles),
        )
        .route(
            "/clusters/{name}/fargate-profiles/{profile}",
            get(describe_fargate_profile),
        )
        .route("/clusters/{name}/node-groups", get(list_nodegroups))
        .route(
            "/clusters/{name}/node-groups/{nodegroup}",
            get(describe_nodegroup),
        )
        .route(
            "/clusters/{name}/node-groups/{nodegroup}/update-config",
            post(update_nodegroup_config),
        )
        .route("/clusters/{name}/updates/{id}", get(describe_update))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListParams {
    max_results: Option<i64>,
    next_token: Option<String>,
    nodegroup_name: Option<String>,
}

type PathArgs<T> = Result<Path<T>, PathRejection>;
type QueryArgs = Result<Query<ListParams>, QueryRejection>;

/// Runs `op` on the world for the request's region and renders the result.
fn handle<P>(
    world: &SharedAws,
    headers: &HeaderMap,
    path: PathArgs<P>,
    op: impl FnOnce(&mut AwsWorld, Scope<'_>, P) -> Result<Value, AwsError>,
) -> Response {
    let outcome = region_or_error(headers, 403).and_then(|region| {
        let Path(args) = path.map_err(|e| AwsError::invalid_parameter(e.body_text()))?;
        let mut w = lock(world);
        let account = w.account_id.clone();
        op(
            &mut w,
            Scope {
                region: &region,
                account: &account,
            },
            args,
        )
    });
    result(Protocol::RestJson, outcome)
}

fn params(query: QueryArgs) -> Result<ListParams, AwsError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| AwsError::invalid_parameter(e.body_text()))
}

fn find<'w>(
    w: &'w mut AwsWorld,
    scope: Scope<'_>,
    name: &str,
) -> Result<&'w mut EksCluster, AwsError> {
    w.eks_cluster_mut(scope.region, name).ok_or_else(|| {
        AwsError::resource_not_found(format!("No cluster found for name: {name}."))
            .with("clusterName", name)
    })
}

async fn list_clusters(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    query: QueryArgs,
) -> Response {
    handle(&w, &headers, Ok(Path(())), |w, scope, ()| {
        let q = params(query)?;
        let names = w
            .regions
            .get(scope.region)
            .map(|r| r.eks.keys().map(String::as_str).collect::<Vec<_>>());
        let page = paginate(
            names.unwrap_or_default().into_iter(),
            max_results(q.max_results, PAGE)?,
            q.next_token.as_deref(),
        )?;
        Ok(json!({"clusters": page.items, "nextToken": page.next_token}))
    })
}

async fn describe_cluster(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<String>,
) -> Response {
    handle(&w, &headers, path, |w, scope, name| {
        let c = find(w, scope, &name)?;
        Ok(json!({"cluster": eks_json::cluster(scope, c)}))
    })
}

async fn list_fargate_profiles(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<String>,
    query: QueryArgs,
) -> Response {
    handle(&w, &headers, path, |w, scope, name| {
        let q = params(query)?;
        let c = find(w, scope, &name)?;
        let names = c.fargate_profiles.keys().map(String::as_str);
        let page = paginate(
            names,
            max_results(q.max_results, PAGE)?,
            q.next_token.as_deref(),
        )?;
        Ok(json!({"fargateProfileNames": page.items, "nextToken": page.next_token}))
    })
}

async fn describe_fargate_profile(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<(String, String)>,
) -> Response {
    handle(&w, &headers, path, |w, scope, (name, profile)| {
        let c = find(w, scope, &name)?;
        let p = c.fargate_profiles.get(&profile).ok_or_else(|| {
            AwsError::resource_not_found(format!("No Fargate Profile found with name: {profile}."))
                .with("clusterName", &name)
                .with("fargateProfileName", &profile)
        })?;
        Ok(json!({"fargateProfile": eks_json::fargate_profile(scope, &name, p)}))
    })
}

async fn list_nodegroups(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<String>,
    query: QueryArgs,
) -> Response {
    handle(&w, &headers, path, |w, scope, name| {
        let q = params(query)?;
        let c = find(w, scope, &name)?;
        let names = c.nodegroups.keys().map(String::as_str);
        let page = paginate(
            names,
            max_results(q.max_results, PAGE)?,
            q.next_token.as_deref(),
        )?;
        Ok(json!({"nodegroups": page.items, "nextToken": page.next_token}))
    })
}

fn nodegroup_not_found(cluster: &str, nodegroup: &str) -> AwsError {
    AwsError::resource_not_found(format!("No node group found for name: {nodegroup}."))
        .with("clusterName", cluster)
        .with("nodegroupName", nodegroup)
}

async fn describe_nodegroup(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<(String, String)>,
) -> Response {
    handle(&w, &headers, path, |w, scope, (name, nodegroup)| {
        let c = find(w, scope, &name)?;
        let n = c
            .nodegroups
            .get(&nodegroup)
            .ok_or_else(|| nodegroup_not_found(&name, &nodegroup))?;
        Ok(json!({"nodegroup": eks_json::nodegroup(scope, &name, n)}))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateConfigBody {
    scaling_config: Option<ScalingBody>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScalingBody {
    min_size: Option<i64>,
    max_size: Option<i64>,
    desired_size: Option<i64>,
}

fn size(value: Option<i64>, field: &str) -> Result<Option<i32>, AwsError> {
    value
        .map(|v| {
            i32::try_from(v)
                .map_err(|_| AwsError::invalid_parameter(format!("{field} is not valid")))
        })
        .transpose()
}

fn scaling_change(body: &[u8]) -> Result<ScalingChange, AwsError> {
    let body: UpdateConfigBody = if body.is_empty() {
        UpdateConfigBody {
            scaling_config: None,
        }
    } else {
        serde_json::from_slice(body).map_err(|e| AwsError::serialization(e.to_string()))?
    };
    let Some(s) = body.scaling_config else {
        return Ok(ScalingChange::default());
    };
    Ok(ScalingChange {
        min: size(s.min_size, "minSize")?,
        desired: size(s.desired_size, "desiredSize")?,
        max: size(s.max_size, "maxSize")?,
    })
}

async fn update_nodegroup_config(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<(String, String)>,
    body: Bytes,
) -> Response {
    handle(&w, &headers, path, |w, scope, (name, nodegroup)| {
        let now = w.now;
        let c = find(w, scope, &name)?;
        if !c.nodegroups.contains_key(&nodegroup) {
            return Err(nodegroup_not_found(&name, &nodegroup));
        }
        let change = scaling_change(&body)?;
        let update = c.update_nodegroup_scaling(&nodegroup, change, now)?;
        Ok(json!({"update": eks_json::update(&update)}))
    })
}

async fn describe_update(
    State(w): State<SharedAws>,
    headers: HeaderMap,
    path: PathArgs<(String, String)>,
    query: QueryArgs,
) -> Response {
    handle(&w, &headers, path, |w, scope, (name, id)| {
        let q = params(query)?;
        let c = find(w, scope, &name)?;
        let update = c
            .updates
            .get(&id)
            .filter(|u| q.nodegroup_name.is_none() || u.nodegroup == q.nodegroup_name)
            .ok_or_else(|| {
                AwsError::resource_not_found(format!("No update found for ID: {id}."))
                    .with("clusterName", &name)
            })?;
        Ok(json!({"update": eks_json::update(update)}))
    })
}
