//! Node-level endpoints: `GET /` (who is this node), `/status`,
//! `/status/ready` (`kong/api/routes/health.lua`) and DB-less `GET /config`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::api_error::AdminError;
use super::ids::fnv128;
use super::node::{DbMode, KongNode, SharedKongNode};
use super::reply::{json_reply, lock, ok};

const MIB: u64 = 1024 * 1024;

/// Shared dictionaries Kong declares, with their capacities.
const SHARED_DICTS: [(&str, u64); 8] = [
    ("kong", 5 * MIB),
    ("kong_locks", 8 * MIB),
    ("kong_healthchecks", 5 * MIB),
    ("kong_cluster_events", 5 * MIB),
    ("kong_rate_limiting_counters", 12 * MIB),
    ("kong_core_db_cache", 128 * MIB),
    ("kong_core_db_cache_miss", 12 * MIB),
    ("prometheus_metrics", 5 * MIB),
];

pub async fn root(State(node): State<SharedKongNode>) -> Response {
    let n = lock(&node);
    let database = if n.is_db_less() { "off" } else { "postgres" };
    let pid = master_pid(&n);
    ok(&json!({
        "tagline": "Welcome to kong",
        "version": n.version,
        "edition": "community",
        "hostname": n.hostname,
        "node_id": n.node_id,
        "lua_version": "LuaJIT 2.1.0-20231117",
        "timers": { "running": 0, "pending": 6 },
        "pids": { "master": pid, "workers": [pid + 1, pid + 2] },
        "plugins": {
            "available_on_server": {
                "correlation-id": { "priority": 100001, "version": n.version },
                "prometheus": { "priority": 13, "version": n.version },
                "rate-limiting": { "priority": 910, "version": n.version },
                "key-auth": { "priority": 1250, "version": n.version },
            },
            "enabled_in_cluster": [],
        },
        "configuration": {
            "database": database,
            "role": "traditional",
            "admin_listen": ["0.0.0.0:8001", "0.0.0.0:8444 ssl"],
            "proxy_listen": ["0.0.0.0:8000", "0.0.0.0:8443 ssl"],
            "status_listen": ["0.0.0.0:8100"],
            "router_flavor": "traditional_compatible",
            "nginx_worker_processes": "2",
            "prefix": "/kong_prefix",
        },
    }))
}

fn master_pid(n: &KongNode) -> u64 {
    1 + (fnv128(&["pid", &n.node_id]) % 3000) as u64
}

pub async fn status(
    State(node): State<SharedKongNode>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AdminError> {
    let unit = query.get("unit").map_or("m", String::as_str);
    let scale = query
        .get("scale")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(2)
        .min(10);
    let fmt = |bytes: u64| bytes_to_str(bytes, unit, scale);
    fmt(0)?;

    let n = lock(&node);
    let pid = master_pid(&n);
    let gc = 40 * MIB + n.total_requests * 512;
    let mut dicts = serde_json::Map::new();
    for (name, capacity) in SHARED_DICTS {
        let used = 40_960 + fnv128(&[name, &n.node_id]) as u64 % (capacity / 64);
        dicts.insert(
            name.into(),
            json!({ "allocated_slabs": fmt(used)?, "capacity": fmt(capacity)? }),
        );
    }
    let reachable = !matches!(n.db, DbMode::Postgres { reachable: false });
    let mut body = json!({
        "memory": {
            "workers_lua_vms": [
                { "http_allocated_gc": fmt(gc)?, "pid": pid + 1 },
                { "http_allocated_gc": fmt(gc + MIB / 3)?, "pid": pid + 2 },
            ],
            "lua_shared_dicts": dicts,
        },
        "server": {
            "connections_active": 1, "connections_reading": 0,
            "connections_writing": 1, "connections_waiting": 0,
            "connections_accepted": n.total_requests, "connections_handled": n.total_requests,
            "total_requests": n.total_requests,
        },
        // health.lua always reports `database`; DB-less adds the hash.
        "database": { "reachable": reachable },
    });
    if n.is_db_less() {
        body["configuration_hash"] = json!(n.configuration_hash());
    }
    Ok(ok(&body))
}

/// `kong.tools.utils.bytes_to_str`: raw bytes for `b`, else "x.xx KiB/MiB/GiB".
fn bytes_to_str(bytes: u64, unit: &str, scale: usize) -> Result<Value, AdminError> {
    let (div, suffix) = match unit {
        "b" | "B" => return Ok(json!(bytes)),
        "k" | "K" => (1024.0, "KiB"),
        "m" | "M" => (1024.0 * 1024.0, "MiB"),
        "g" | "G" => (1024.0 * 1024.0 * 1024.0, "GiB"),
        other => {
            return Err(AdminError::BadRequest(format!(
                "invalid unit '{other}' (expected 'k/K', 'm/M', or 'g/G')"
            )));
        }
    };
    Ok(json!(format!("{:.*} {suffix}", scale, bytes as f64 / div)))
}

pub async fn ready(State(node): State<SharedKongNode>) -> Response {
    let reason = lock(&node).not_ready_reason();
    match reason {
        None => ok(&json!({ "message": "ready" })),
        Some(reason) => json_reply(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({ "message": reason }),
        ),
    }
}

/// DB-less: the loaded declarative configuration as text (JSON, which YAML
/// readers accept too). In DB mode Kong refuses with a 400.
pub async fn config(State(node): State<SharedKongNode>) -> Result<Response, AdminError> {
    let n = lock(&node);
    if !n.is_db_less() {
        return Err(AdminError::BadRequest(
            "this endpoint is only available when Kong is configured to not use a database".into(),
        ));
    }
    let text = serde_json::to_string_pretty(&n.config.declarative(true))
        .map_err(|e| AdminError::BadRequest(e.to_string()))?;
    Ok(ok(&json!({ "config": text })))
}
