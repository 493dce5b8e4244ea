//! `y` on a row fleetdeck holds in full (Kong nodes, upstreams, targets;
//! EKS and ECS objects): the object's fields as the last poll gave them,
//! as YAML. Built from the state's rows, no IO.

use serde_json::{Value, json};

use super::yaml::to_yaml;
use crate::actions::subject::Subject;
use crate::model::aws::AwsRegionRows;
use crate::model::fleet::Fleet;
use crate::model::kong::{KongDb, KongNode, KongVia};

/// `(title, yaml lines)` for a non-Kubernetes row, or why it has none.
pub fn yaml(fleet: &Fleet, subject: &Subject) -> Result<(String, Vec<String>), String> {
    let (title, value) = value(fleet, subject)?;
    Ok((title, to_yaml(&value)))
}

fn value(fleet: &Fleet, subject: &Subject) -> Result<(String, Value), String> {
    Ok(match subject {
        Subject::Kube(k) => return Err(format!("{} comes from the API server", k.label())),
        Subject::Cluster(c) => {
            return Err(format!(
                "cluster {c}: no object of its own (d describes its connection)"
            ));
        }
        Subject::Gateway(g) => return Err(format!("gateway {g}: select one of its nodes")),
        Subject::AwsRegion(r) => return Err(format!("region {r}: select one of its objects")),
        Subject::Finding { code, .. } => {
            return Err(format!("finding {code}: select one of its objects"));
        }
        Subject::KongNode { gateway, node } => (
            format!("Kong node {gateway}/{node}"),
            kong_node(node_of(fleet, gateway, node)?),
        ),
        Subject::KongUpstream {
            gateway,
            node,
            upstream,
        } => {
            let n = node_of(fleet, gateway, node)?;
            let u = n
                .upstreams
                .iter()
                .find(|u| u.name == *upstream)
                .ok_or_else(|| format!("upstream {upstream} is gone from {node}"))?;
            (format!("Kong upstream {upstream} on {node}"), ser(u))
        }
        Subject::KongTarget {
            gateway,
            node,
            upstream,
            target,
        } => {
            let t = node_of(fleet, gateway, node)?
                .upstreams
                .iter()
                .find(|u| u.name == *upstream)
                .and_then(|u| u.targets.iter().find(|t| t.target == *target))
                .ok_or_else(|| format!("target {target} is gone from {upstream} on {node}"))?;
            (
                format!("Kong target {target} of {upstream} on {node}"),
                ser(t),
            )
        }
        Subject::EksCluster { region, name } => {
            let c = rows(fleet, region)?
                .eks
                .iter()
                .find(|c| c.name == *name)
                .ok_or_else(|| format!("EKS cluster {name} is gone"))?;
            (format!("EKS cluster {name}"), ser(c))
        }
        Subject::FargateProfile {
            region,
            cluster,
            name,
        } => {
            let p = rows(fleet, region)?
                .profiles
                .iter()
                .find(|p| p.cluster == *cluster && p.name == *name)
                .ok_or_else(|| format!("Fargate profile {cluster}/{name} is gone"))?;
            (format!("Fargate profile {cluster}/{name}"), ser(p))
        }
        Subject::Nodegroup {
            region,
            cluster,
            name,
        } => {
            let g = rows(fleet, region)?
                .nodegroups
                .iter()
                .find(|g| g.cluster == *cluster && g.name == *name)
                .ok_or_else(|| format!("node group {cluster}/{name} is gone"))?;
            (format!("EKS node group {cluster}/{name}"), ser(g))
        }
        Subject::EcsCluster { region, name } => {
            let c = rows(fleet, region)?
                .ecs
                .iter()
                .find(|c| c.name == *name)
                .ok_or_else(|| format!("ECS cluster {name} is gone"))?;
            (format!("ECS cluster {name}"), ser(c))
        }
        Subject::EcsService {
            region,
            cluster,
            name,
        } => {
            let s = rows(fleet, region)?
                .services
                .iter()
                .find(|s| s.cluster == *cluster && s.name == *name)
                .ok_or_else(|| format!("ECS service {cluster}/{name} is gone"))?;
            (format!("ECS service {cluster}/{name}"), ser(s))
        }
        Subject::EcsTask {
            region,
            cluster,
            id,
        } => {
            let t = rows(fleet, region)?
                .tasks
                .iter()
                .find(|t| t.cluster == *cluster && t.id == *id)
                .ok_or_else(|| format!("ECS task {cluster}/{id} is gone"))?;
            (format!("ECS task {cluster}/{id}"), ser(t))
        }
    })
}

/// A model row as JSON (plain structs of strings and numbers; should that
/// ever fail, the value says so instead).
fn ser<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| Value::String(format!("cannot show: {e}")))
}

fn node_of<'a>(fleet: &'a Fleet, gateway: &str, node: &str) -> Result<&'a KongNode, String> {
    fleet
        .gateways
        .get(gateway)
        .and_then(|g| g.nodes.get(node))
        .ok_or_else(|| format!("Kong node {gateway}/{node} is gone"))
}

fn rows<'a>(fleet: &'a Fleet, region: &str) -> Result<&'a AwsRegionRows, String> {
    fleet
        .aws
        .get(region)
        .map(|r| &r.rows)
        .ok_or_else(|| format!("region {region} is not polled"))
}

/// A Kong node as its last poll saw it; a failed check keeps its reason.
fn kong_node(n: &KongNode) -> Value {
    let check = |r: &Result<(), String>| match r {
        Ok(()) => json!(true),
        Err(e) => json!({ "error": e }),
    };
    let via = match &n.via {
        KongVia::Pod {
            cluster,
            namespace,
            pod,
            access,
        } => json!({
            "cluster": cluster,
            "pod": format!("{namespace}/{pod}"),
            "access": access.describe(),
        }),
        KongVia::Url(u) => json!({ "url": u }),
    };
    let db = match &n.db {
        KongDb::Reachable(b) => json!({ "reachable": b }),
        KongDb::Hash(h) => json!({ "configHash": h }),
        KongDb::Unknown => Value::Null,
    };
    json!({
        "gateway": n.gateway,
        "name": n.name,
        "via": via,
        "version": n.version,
        "ip": n.ip,
        "hostname": n.hostname,
        "reachable": check(&n.reachable),
        "ready": n.ready.as_ref().map(check),
        "database": db,
        "polled": n.polled.map(|t| t.to_string()),
        "upstreams": n.upstreams,
        "routes": n.routes,
    })
}
