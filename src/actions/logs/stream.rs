//! One pod's log streams: a task per container following its log, lines
//! sanitized on arrival and sent in batches. When a stream ends the task
//! finds out why (pod gone, container restarted, connection dropped), says
//! so with a marker line, and reconnects to the new container instance.

use std::sync::Arc;
use std::time::Duration;

use futures::{AsyncBufReadExt, StreamExt};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::Api;
use kube::api::LogParams;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::actions::ActionEvent;
use crate::model::text::sanitize;

/// What to stream from one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    /// `None`: every container of the pod.
    pub container: Option<String>,
    pub previous: bool,
    pub tail: Option<i64>,
    pub since_seconds: Option<i64>,
}

/// Most lines sent in one event: bounds a batch while keeping events few.
const BATCH: usize = 1024;

pub fn kube_message(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => sanitize(&format!("{} ({})", s.message, s.code)),
        other => sanitize(&crate::errors::root_cause(other)),
    }
}

/// `2026-01-01T00:00:00.123456789Z text` → the time and the sanitized text.
pub fn split_timestamp(line: &str) -> (Option<Timestamp>, String) {
    if let Some((head, rest)) = line.split_once(' ')
        && let Ok(ts) = head.parse::<Timestamp>()
    {
        return (Some(ts), sanitize(rest));
    }
    (None, sanitize(line))
}

struct Sink {
    session: u64,
    source: Arc<str>,
    tx: mpsc::Sender<ActionEvent>,
}

impl Sink {
    async fn marker(&self, text: impl Into<String>) -> bool {
        self.tx
            .send(ActionEvent::LogMarker {
                session: self.session,
                source: self.source.clone(),
                text: text.into(),
            })
            .await
            .is_ok()
    }
}

/// Streams every wanted container of `req.pod` until the pod goes or the task is aborted.
pub async fn run(
    client: kube::Client,
    session: u64,
    req: LogRequest,
    tx: mpsc::Sender<ActionEvent>,
) {
    let api: Api<Pod> = Api::namespaced(client, &req.namespace);
    let sink = |c: &str| Sink {
        session,
        source: Arc::from(format!("{}/{c}", req.pod)),
        tx: tx.clone(),
    };
    let pod = match api.get(&req.pod).await {
        Ok(p) => p,
        Err(e) => {
            let _ = sink("-")
                .marker(format!("cannot read the pod: {}", kube_message(&e)))
                .await;
            return;
        }
    };
    let containers: Vec<String> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let _ = tx
        .send(ActionEvent::LogContainers {
            session,
            pod: req.pod.clone(),
            containers: containers.clone(),
        })
        .await;
    let wanted: Vec<String> = match &req.container {
        Some(c) if containers.contains(c) => vec![c.clone()],
        Some(c) => {
            let _ = sink(c)
                .marker(format!(
                    "no container {c} in this pod (it has {})",
                    containers.join(", ")
                ))
                .await;
            return;
        }
        None => containers,
    };
    let mut tasks = JoinSet::new();
    for c in wanted {
        let started = instance(&pod, &c);
        tasks.spawn(follow(
            api.clone(),
            req.clone(),
            c.clone(),
            started,
            sink(&c),
        ));
    }
    while tasks.join_next().await.is_some() {}
}

/// A container that is not running (crash loop): show how its last
/// instance ended before waiting for the next. False when the pane is gone.
async fn previous_instance(api: &Api<Pod>, req: &LogRequest, container: &str, sink: &Sink) -> bool {
    let lp = LogParams {
        container: Some(container.to_owned()),
        previous: true,
        timestamps: true,
        tail_lines: Some(req.tail.unwrap_or(200)),
        ..LogParams::default()
    };
    // No previous instance (never started): nothing to show, not an error.
    let Ok(text) = api.logs(&req.pod, &lp).await else {
        return true;
    };
    let lines: Vec<_> = text.lines().map(split_timestamp).collect();
    if lines.is_empty() {
        return true;
    }
    sink.marker("container not running: the last lines of its previous instance")
        .await
        && sink
            .tx
            .send(ActionEvent::LogLines {
                session: sink.session,
                source: sink.source.clone(),
                lines,
            })
            .await
            .is_ok()
}

fn status<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    pod.status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .iter()
        .find(|s| s.name == container)
}

/// The running instance of a container: its start time.
fn instance(pod: &Pod, container: &str) -> Option<Timestamp> {
    status(pod, container)?
        .state
        .as_ref()?
        .running
        .as_ref()?
        .started_at
        .as_ref()
        .map(|t| t.0)
}

/// `exit 1, Error` from the container's latest termination.
fn exit_of(st: &ContainerStatus) -> Option<String> {
    let term = st
        .state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .or_else(|| st.last_state.as_ref().and_then(|s| s.terminated.as_ref()))?;
    Some(match &term.reason {
        Some(r) => format!("exit {}, {}", term.exit_code, sanitize(r)),
        None => format!("exit {}", term.exit_code),
    })
}

fn waiting_reason(st: &ContainerStatus) -> Option<String> {
    st.state
        .as_ref()?
        .waiting
        .as_ref()?
        .reason
        .as_deref()
        .map(sanitize)
}

/// The pane that asked for the lines is gone: stop.
struct Gone;

/// What to do once a stream has ended.
enum Next {
    /// Same instance again, after a pause.
    Reconnect(Duration),
    /// A new instance is running: read it from its first line.
    Instance(Timestamp),
    Stop,
}

/// Follows one container across dropped connections and restarts: connect,
/// forward its lines, decide from the pod why the stream ended, again.
async fn follow(
    api: Api<Pod>,
    req: LogRequest,
    container: String,
    mut current: Option<Timestamp>,
    sink: Sink,
) {
    let mut first = true;
    let mut opened = false;
    let mut last_ts: Option<Timestamp> = None;
    if current.is_none() && !req.previous && !previous_instance(&api, &req, &container, &sink).await
    {
        return;
    }
    loop {
        let lp = params(&req, &container, first, last_ts);
        first = false;
        let error = match api.log_stream(&req.pod, &lp).await {
            Ok(reader) => {
                opened = true;
                match forward(reader, &mut last_ts, &sink).await {
                    Ok(error) => error,
                    Err(Gone) => return,
                }
            }
            Err(e) => Some(kube_message(&e)),
        };
        if req.previous {
            let text = match error {
                Some(e) => format!("no previous log: {e}"),
                None => "end of the previous container's log".into(),
            };
            let _ = sink.marker(text).await;
            return;
        }
        match why_ended(&api, &req, &container, current, opened, error, &sink).await {
            Next::Reconnect(pause) => tokio::time::sleep(pause).await,
            Next::Instance(t) => {
                current = Some(t);
                last_ts = None;
            }
            Next::Stop => return,
        }
    }
}

/// The request for one connection: the pane's tail/since the first time, else
/// from the last line seen (a dropped connection to the same instance).
fn params(req: &LogRequest, container: &str, first: bool, last_ts: Option<Timestamp>) -> LogParams {
    let mut lp = LogParams {
        container: Some(container.to_owned()),
        follow: !req.previous,
        previous: req.previous,
        timestamps: true,
        ..LogParams::default()
    };
    if first {
        lp.tail_lines = req.tail;
        lp.since_seconds = req.since_seconds;
    } else if let Some(t) = last_ts {
        // Deduplicated against `last_ts` in `forward`.
        let secs = Timestamp::now().as_second() - t.as_second() + 1;
        lp.since_seconds = Some(secs.max(1));
    }
    lp
}

/// Sends the stream's lines in batches, skipping those already seen; the read
/// error that ended it, if any.
async fn forward(
    reader: impl futures::AsyncBufRead + Unpin,
    last_ts: &mut Option<Timestamp>,
    sink: &Sink,
) -> Result<Option<String>, Gone> {
    let mut error = None;
    let mut chunks = reader.lines().ready_chunks(BATCH);
    while let Some(chunk) = chunks.next().await {
        let mut batch = Vec::with_capacity(chunk.len());
        for line in chunk {
            match line {
                Ok(l) => {
                    let (ts, text) = split_timestamp(&l);
                    if let (Some(t), Some(last)) = (ts, *last_ts)
                        && t <= last
                    {
                        continue;
                    }
                    if ts.is_some() {
                        *last_ts = ts;
                    }
                    batch.push((ts, text));
                }
                Err(e) => error = Some(sanitize(&e.to_string())),
            }
        }
        if !batch.is_empty()
            && sink
                .tx
                .send(ActionEvent::LogLines {
                    session: sink.session,
                    source: sink.source.clone(),
                    lines: batch,
                })
                .await
                .is_err()
        {
            return Err(Gone);
        }
        if error.is_some() {
            break;
        }
    }
    Ok(error)
}

/// Reads the pod to say why the stream of `current` ended, and what next.
async fn why_ended(
    api: &Api<Pod>,
    req: &LogRequest,
    container: &str,
    current: Option<Timestamp>,
    opened: bool,
    error: Option<String>,
    sink: &Sink,
) -> Next {
    let pod = match api.get_opt(&req.pod).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            let _ = sink.marker("stream ended: pod deleted").await;
            return Next::Stop;
        }
        Err(e) => {
            let text = format!("stream ended: {} — retrying in 2s", kube_message(&e));
            return if sink.marker(text).await {
                Next::Reconnect(Duration::from_secs(2))
            } else {
                Next::Stop
            };
        }
    };
    let now_instance = instance(&pod, container);
    if now_instance.is_some() && now_instance == current {
        let why = error.unwrap_or_else(|| "connection closed".into());
        return if sink
            .marker(format!("stream ended: {why} — reconnecting"))
            .await
        {
            Next::Reconnect(Duration::from_millis(500))
        } else {
            Next::Stop
        };
    }
    let st = status(&pod, container);
    let exit = st
        .and_then(exit_of)
        .unwrap_or_else(|| "no exit code".into());
    let text = match (now_instance, st.and_then(waiting_reason)) {
        (None, w) if !opened => format!(
            "not streaming yet: container not running ({}, last {exit}) — waiting for it to start",
            w.unwrap_or_else(|| "no state".into())
        ),
        (Some(_), _) => format!("stream ended: container restarted ({exit}) — reconnecting"),
        (None, Some(w)) => {
            format!("stream ended: container stopped ({exit}), {w} — reconnecting when it restarts")
        }
        (None, None) => {
            format!("stream ended: container not running ({exit}) — reconnecting when it restarts")
        }
    };
    if !sink.marker(text).await {
        return Next::Stop;
    }
    let found = now_instance
        .filter(|t| Some(*t) != current)
        .map(|t| (t, st.map_or(0, |s| s.restart_count)));
    match next_instance(api, req, container, current, found, sink).await {
        Some(t) => Next::Instance(t),
        None => Next::Stop,
    }
}

/// Polls the pod until a new instance of the container runs (`found` if
/// already known) and says so; `None` when the pod or the pane is gone.
async fn next_instance(
    api: &Api<Pod>,
    req: &LogRequest,
    container: &str,
    current: Option<Timestamp>,
    mut found: Option<(Timestamp, i32)>,
    sink: &Sink,
) -> Option<Timestamp> {
    loop {
        if let Some((t, restarts)) = found {
            let said = sink
                .marker(format!(
                    "reconnected: container running again (restart #{restarts})"
                ))
                .await;
            return said.then_some(t);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        match api.get_opt(&req.pod).await {
            Ok(Some(p)) => {
                found = instance(&p, container)
                    .filter(|t| Some(*t) != current)
                    .map(|t| (t, status(&p, container).map_or(0, |s| s.restart_count)));
            }
            Ok(None) => {
                let _ = sink.marker("stream ended: pod deleted").await;
                return None;
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_split_and_text_sanitized() {
        let (ts, text) =
            split_timestamp("2026-01-01T00:00:01.5Z \u{1b}]0;pwned\u{7}GET /hello \u{1b}[31m500");
        assert_eq!(ts, "2026-01-01T00:00:01.5Z".parse().ok());
        assert_eq!(text, "GET /hello 500");
        let (ts, text) = split_timestamp("no timestamp here");
        assert_eq!((ts, text.as_str()), (None, "no timestamp here"));
    }
}
