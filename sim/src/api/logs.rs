//! Pod logs, generated rather than stored: line `i` of a container instance
//! is a pure function of the pod, the container, the instance and `i`, and
//! is due at `startedAt + i / rate`. `follow` streams lines as they fall due
//! and ends when the container stops, restarts or the pod goes.
//!
//! Pod annotations the scenarios set: `sim.fleetdeck.io/log-rate` (lines per
//! second, default 1) and `sim.fleetdeck.io/hostile-logs` ("true": some
//! lines carry terminal escape sequences, to prove clients neutralize them),
//! `sim.fleetdeck.io/tricky-logs` ("true": every line is numbered `seq=I`,
//! and some writes are several lines sharing one timestamp, hold invalid
//! UTF-8, or exceed 64 KiB — what a real kubelet passes through).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::mpsc;

use super::path::ResourcePath;
use super::{ApiError, Params};
use crate::cluster::Cluster;
use crate::resources::rid_of;
use crate::rng::{hash_str, mix};

/// Lines kept per container instance, like the kubelet's log rotation.
const HISTORY_LINES: u64 = 50_000;

/// What a container instance logs: when it started, until when, how fast.
#[derive(Debug, Clone)]
pub struct LogPlan {
    pub started: jiff::Timestamp,
    pub finished: Option<jiff::Timestamp>,
    pub rate: f64,
    pub seed: u64,
    pub image: String,
    pub hostile: bool,
    pub crashing: bool,
    pub tricky: bool,
}

impl LogPlan {
    fn due(&self, i: u64) -> jiff::Timestamp {
        let nanos = (i as f64 / self.rate * 1e9) as i128;
        self.started
            .checked_add(jiff::SignedDuration::from_nanos(nanos as i64))
            .unwrap_or(self.started)
    }

    /// Number of lines due by `t`.
    fn count_by(&self, t: jiff::Timestamp) -> u64 {
        let end = self.finished.map_or(t, |f| f.min(t));
        let secs = (end.as_nanosecond() - self.started.as_nanosecond()) as f64 / 1e9;
        if secs < 0.0 {
            0
        } else {
            (secs * self.rate).floor() as u64 + 1
        }
    }

    /// Write `i` as bytes: one line, or with `tricky` several lines of one
    /// timestamp (`seq=I.K`), invalid UTF-8, or a line over 64 KiB.
    pub fn write(&self, i: u64, timestamps: bool) -> Vec<u8> {
        if !self.tricky {
            return self.line(i, timestamps).into_bytes();
        }
        let prefix = if timestamps {
            format!("{} ", self.due(i).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        } else {
            String::new()
        };
        let mut out = Vec::new();
        let mut push = |body: &[u8]| {
            out.extend_from_slice(prefix.as_bytes());
            out.extend_from_slice(body);
            out.push(b'\n');
        };
        match i % 4 {
            // A stack trace written at once: every line has the write's time.
            1 => {
                push(format!("seq={i}.0 panic: runtime error: index out of range").as_bytes());
                push(format!("seq={i}.1 goroutine 1 [running]:").as_bytes());
                push(format!("seq={i}.2 main.main()").as_bytes());
            }
            2 => {
                let mut body = format!("seq={i} bytes ").into_bytes();
                body.extend_from_slice(b"\xff\xfe\xc3(");
                push(&body);
            }
            3 if i % 8 == 3 => push(format!("seq={i} {}", "y".repeat(70 * 1024)).as_bytes()),
            _ => push(format!("seq={i} ok").as_bytes()),
        }
        out
    }

    pub fn line(&self, i: u64, timestamps: bool) -> String {
        let t = self.due(i);
        let r = mix(self.seed ^ i);
        let mut text = if self.crashing
            && self.finished.is_some()
            && self.count_by(self.finished.unwrap_or(t)) == i + 1
        {
            "panic: failed to connect to database: dial tcp 10.0.3.4:5432: connect: connection refused".to_owned()
        } else {
            message(&self.image, r, t)
        };
        if self.hostile && r.is_multiple_of(7) {
            text = hostile(r, &text);
        }
        if timestamps {
            format!("{} {text}\n", t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        } else {
            format!("{text}\n")
        }
    }
}

fn message(image: &str, r: u64, t: jiff::Timestamp) -> String {
    let paths = [
        "/hello",
        "/api/v1/orders",
        "/beers",
        "/healthz",
        "/api/v1/stock",
    ];
    let path = paths[(r % paths.len() as u64) as usize];
    let ms = 2 + (r >> 8) % 40;
    if image.contains("kong") {
        let status = if (r >> 16).is_multiple_of(50) {
            503
        } else {
            200
        };
        format!(
            "10.0.{}.{} - - [{}] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"curl/8.5.0\"",
            (r >> 20) % 4,
            (r >> 24) % 250 + 2,
            t.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            40 + (r >> 32) % 400
        )
    } else if image.contains("mysql") {
        format!(
            "{} 0 [Note] [MY-010914] [Server] Aborted connection {} to db: 'beers' user: 'app' host: '10.0.2.{}' (Got an error reading communication packets).",
            t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ"),
            1000 + r % 9000,
            r % 250
        )
    } else if image.contains("coredns") {
        format!(
            "[INFO] 10.0.1.{}:{} - {} \"A IN hello-api.default.svc.cluster.local. udp 53 false 512\" NOERROR qr,aa,rd 106 0.000{}s",
            r % 250,
            30000 + r % 30000,
            r % 65535,
            100 + r % 800
        )
    } else {
        let level = if (r >> 12).is_multiple_of(20) {
            "warn"
        } else {
            "info"
        };
        format!(
            "level={level} msg=\"handled request\" method=GET path={path} status=200 duration={ms}ms"
        )
    }
}

/// A line carrying escape sequences a careless terminal would obey.
fn hostile(r: u64, text: &str) -> String {
    match r % 4 {
        0 => format!("\u{1b}]0;pwned-title\u{7}{text}"),
        1 => format!("\u{1b}[2J\u{1b}[H{text}\u{1b}[31m red \u{1b}[0m"),
        2 => format!("{text}\r\u{1b}[1A\u{1b}[Kfake: all systems nominal"),
        _ => format!("\u{9b}31m{text}\u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
    }
}

/// The log plan for a container of a pod, or the apiserver's refusal.
pub fn log_lines(pod: &Value, container: &str, previous: bool) -> Result<LogPlan, ApiError> {
    let pod_name = pod
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let status = statuses.iter().find(|c| c["name"] == container);
    let ann = |k: &str| {
        pod.pointer(&format!("/metadata/annotations/{}", k.replace('/', "~1")))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let rate = ann("sim.fleetdeck.io/log-rate")
        .and_then(|r| r.parse::<f64>().ok())
        .filter(|r| *r > 0.0)
        .unwrap_or(1.0);
    let hostile = ann("sim.fleetdeck.io/hostile-logs").as_deref() == Some("true");
    let crashing = ann("sim.fleetdeck.io/behavior").as_deref() == Some("crashloop");
    let tricky = ann("sim.fleetdeck.io/tricky-logs").as_deref() == Some("true");
    let image = status
        .and_then(|s| s["image"].as_str())
        .unwrap_or_default()
        .to_owned();
    let restarts = status.and_then(|s| s["restartCount"].as_u64()).unwrap_or(0);
    let ts = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
    };
    let uid = pod
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let seed = hash_str(uid) ^ hash_str(container);
    let state = status.map(|s| (&s["state"], &s["lastState"]));
    let (started, finished, instance) = match (state, previous) {
        (None, _) => {
            return Err(ApiError::bad_request(format!(
                "container \"{container}\" in pod \"{pod_name}\" is waiting to start: ContainerCreating"
            )));
        }
        (Some((_, last)), true) => match ts(last.pointer("/terminated/startedAt")) {
            Some(s) => (
                s,
                ts(last.pointer("/terminated/finishedAt")),
                restarts.saturating_sub(1),
            ),
            None => {
                return Err(ApiError::bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
                )));
            }
        },
        (Some((cur, _)), false) => {
            if let Some(s) = ts(cur.pointer("/running/startedAt")) {
                (s, None, restarts)
            } else if let Some(s) = ts(cur.pointer("/terminated/startedAt")) {
                (s, ts(cur.pointer("/terminated/finishedAt")), restarts)
            } else {
                let reason = cur
                    .pointer("/waiting/reason")
                    .and_then(Value::as_str)
                    .unwrap_or("ContainerCreating");
                return Err(ApiError::bad_request(format!(
                    "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {reason}"
                )));
            }
        }
    };
    Ok(LogPlan {
        started,
        finished,
        rate,
        seed: mix(seed ^ instance),
        image,
        hostile,
        crashing,
        tricky,
    })
}

pub async fn logs(cluster: &Arc<Cluster>, rp: &ResourcePath, params: &Params) -> Response {
    match start(cluster, rp, params) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn start(cluster: &Arc<Cluster>, rp: &ResourcePath, params: &Params) -> Result<Response, ApiError> {
    let ns = rp.namespace.clone().unwrap_or_default();
    let name = rp.name.clone().unwrap_or_default();
    let pod = cluster
        .store()
        .get_raw(rid_of::<k8s_openapi::api::core::v1::Pod>(), &ns, &name)
        .ok_or_else(|| ApiError::not_found("pods", &name))?
        .value();
    let containers: Vec<String> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let container = match params.get("container").filter(|c| !c.is_empty()) {
        Some(c) if containers.contains(c) => c.clone(),
        Some(c) => {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {name}"
            )));
        }
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            )));
        }
    };
    let flag = |k: &str| {
        params
            .get(k)
            .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
    };
    let previous = flag("previous");
    let plan = log_lines(&pod, &container, previous)?;
    let timestamps = flag("timestamps");
    let now = jiff::Timestamp::now();
    let due = plan.count_by(now);
    let mut first = due.saturating_sub(HISTORY_LINES);
    if let Some(secs) = params
        .get("sinceSeconds")
        .and_then(|s| s.parse::<i64>().ok())
    {
        let since = now
            .checked_sub(jiff::SignedDuration::from_secs(secs))
            .unwrap_or(now);
        first = first.max(plan.count_by(since));
    }
    if let Some(tail) = params.get("tailLines").and_then(|s| s.parse::<u64>().ok()) {
        first = first.max(due.saturating_sub(tail));
    }
    let limit = params
        .get("limitBytes")
        .and_then(|s| s.parse::<usize>().ok());
    let follow = flag("follow") && !previous && plan.finished.is_none();
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let cluster = cluster.clone();
    let restarts_now = restart_count(&pod, &container);
    tokio::spawn(async move {
        let mut sent = 0usize;
        let mut i = first;
        loop {
            let due = plan.count_by(jiff::Timestamp::now());
            let mut chunk = Vec::new();
            while i < due {
                chunk.extend_from_slice(&plan.write(i, timestamps));
                i += 1;
                if chunk.len() > 64 * 1024 {
                    break;
                }
            }
            if !chunk.is_empty() {
                if let Some(limit) = limit {
                    let room = limit.saturating_sub(sent);
                    chunk.truncate(room.min(chunk.len()));
                }
                sent += chunk.len();
                if tx.send(Bytes::from(chunk)).await.is_err() || limit.is_some_and(|l| sent >= l) {
                    return;
                }
            }
            if !follow {
                return;
            }
            if i >= due {
                let wait = (plan.due(i).as_nanosecond() - jiff::Timestamp::now().as_nanosecond())
                    .clamp(1_000_000, 500_000_000);
                tokio::time::sleep(Duration::from_nanos(wait as u64)).await;
                // The stream ends when the pod goes or its container restarts.
                let still = cluster
                    .store()
                    .get_raw(rid_of::<k8s_openapi::api::core::v1::Pod>(), &ns, &name)
                    .map(|p| restart_count(&p.value(), &container));
                if still != Some(restarts_now) || tx.is_closed() {
                    return;
                }
            }
        }
    });
    let body = Body::from_stream(futures::StreamExt::map(
        tokio_stream::wrappers::ReceiverStream::new(rx),
        Ok::<_, std::convert::Infallible>,
    ));
    Ok((StatusCode::OK, [("content-type", "text/plain")], body).into_response())
}

fn restart_count(pod: &Value, container: &str) -> u64 {
    pod.pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .and_then(|c| c["restartCount"].as_u64())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_are_deterministic_and_due_over_time() {
        let pod = json!({"metadata": {"name": "p", "uid": "u1", "annotations": {"sim.fleetdeck.io/log-rate": "10", "sim.fleetdeck.io/hostile-logs": "true"}},
            "status": {"containerStatuses": [{"name": "app", "image": "hello-api:1", "restartCount": 0, "state": {"running": {"startedAt": "2026-11-21T00:00:00Z"}}}]}});
        let plan = log_lines(&pod, "app", false).expect("plan");
        assert_eq!(
            plan.line(5, false),
            log_lines(&pod, "app", false).expect("plan").line(5, false)
        );
        let t = "2026-11-21T00:00:01Z".parse().expect("ts");
        assert_eq!(plan.count_by(t), 11);
        assert!(
            (0..200).any(|i| plan.line(i, false).contains('\u{1b}')),
            "hostile lines present"
        );
        assert!(
            log_lines(&pod, "app", true).is_err(),
            "no previous instance"
        );
    }
}
