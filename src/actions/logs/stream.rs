//! One pod's log streams: a task per container following its log, lines
//! sanitized on arrival and sent in batches. When a stream ends the task
//! finds out why (pod gone, container restarted, connection dropped), says
//! so with a marker line, and reconnects to the new container instance.
//! No line of a stream is ever dropped; after a reconnect only the lines
//! already shown (same timestamp and text) are skipped, and a gap the log
//! can no longer fill is marked.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::Api;
use kube::api::LogParams;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::actions::ActionEvent;
use crate::model::text::{path_segment, sanitize};

pub use crate::view::panes::logs::LogRequest;

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
    let pod = match api.get(&path_segment(&req.pod)).await {
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
    let Ok(text) = api.logs(&path_segment(&req.pod), &lp).await else {
        return true;
    };
    let lines: Vec<_> = text.lines().map(split_timestamp).collect();
    if lines.is_empty() {
        return true;
    }
    sink.marker("container not running: the last lines of its previous instance")
        .await
        && send(sink, lines).await
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
    let mut seen = Seen::default();
    if current.is_none() && !req.previous && !previous_instance(&api, &req, &container, &sink).await
    {
        return;
    }
    loop {
        let lp = params(&req, &container, first, seen.last);
        first = false;
        let error = match api.log_stream(&path_segment(&req.pod), &lp).await {
            Ok(reader) => {
                opened = true;
                match forward(reader, &mut seen, &sink).await {
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
                seen = Seen::default();
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
        // From before the last line shown, so it overlaps; `forward` skips the overlap.
        let secs = Timestamp::now().as_second() - t.as_second() + 1;
        lp.since_seconds = Some(secs.max(1));
    }
    lp
}

/// Where the lines shown so far end: the last timestamp and the texts shown
/// at exactly that time (several lines of one write share it).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Seen {
    pub last: Option<Timestamp>,
    pub at_last: Vec<String>,
}

impl Seen {
    fn shown(&mut self, ts: Option<Timestamp>, text: &str) {
        let Some(t) = ts else { return };
        if Some(t) != self.last {
            self.last = Some(t);
            self.at_last.clear();
        }
        self.at_last.push(text.to_owned());
    }
}

/// What to do with one line of a stream.
#[derive(Debug, PartialEq)]
enum Verdict {
    Show,
    /// Already shown before the reconnect (same time, same text).
    Skip,
    /// The first new line of a resumed stream came without the overlap the
    /// request asked for: lines between may be lost. Show it after a marker.
    Gap(Timestamp),
}

/// Skips, at the start of a resumed stream only, the lines already shown;
/// once a line is new, every later line of the stream is shown, whatever
/// its timestamp.
struct Dedup {
    /// The state when this stream began; `None` once past the overlap.
    resume: Option<Seen>,
    /// Whether the overlap (a line at the last shown time) was found.
    overlapped: bool,
}

impl Dedup {
    fn new(seen: &Seen) -> Self {
        Dedup {
            resume: seen.last.is_some().then(|| seen.clone()),
            overlapped: false,
        }
    }

    fn judge(&mut self, ts: Option<Timestamp>, text: &str) -> Verdict {
        let (Some(resume), Some(t)) = (self.resume.as_mut(), ts) else {
            return Verdict::Show;
        };
        let Some(last) = resume.last else {
            return Verdict::Show;
        };
        if t < last {
            return Verdict::Skip;
        }
        if t == last {
            self.overlapped = true;
            if let Some(i) = resume.at_last.iter().position(|s| s == text) {
                resume.at_last.swap_remove(i);
                return Verdict::Skip;
            }
        }
        self.resume = None;
        if t > last && !self.overlapped {
            Verdict::Gap(last)
        } else {
            Verdict::Show
        }
    }
}

/// Sends the stream's lines in batches, skipping on a resumed stream only
/// those already shown; the read error that ended it, if any. Lines are
/// read as bytes: invalid UTF-8 is shown replaced, never ends the stream.
async fn forward(
    mut reader: impl futures::AsyncBufRead + Unpin,
    seen: &mut Seen,
    sink: &Sink,
) -> Result<Option<String>, Gone> {
    use futures::AsyncReadExt;
    let mut dedup = Dedup::new(seen);
    let mut error = None;
    let mut buf = vec![0u8; 64 * 1024];
    let mut partial: Vec<u8> = Vec::new();
    loop {
        let n = match reader.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                error = Some(sanitize(&e.to_string()));
                break;
            }
        };
        partial.extend_from_slice(&buf[..n]);
        let Some(end) = partial.iter().rposition(|b| *b == b'\n') else {
            continue;
        };
        let complete: Vec<u8> = partial.drain(..=end).collect();
        let mut batch = Vec::new();
        for raw in complete.split(|b| *b == b'\n') {
            if raw.is_empty() {
                continue;
            }
            let line = String::from_utf8_lossy(raw.strip_suffix(b"\r").unwrap_or(raw));
            let (ts, text) = split_timestamp(&line);
            match dedup.judge(ts, &text) {
                Verdict::Skip => continue,
                Verdict::Show => {}
                Verdict::Gap(last) => {
                    if !send(sink, std::mem::take(&mut batch)).await
                        || !sink
                            .marker(format!(
                                "gap: the log no longer holds what followed {last}; lines may be missing"
                            ))
                            .await
                    {
                        return Err(Gone);
                    }
                }
            }
            seen.shown(ts, &text);
            batch.push((ts, text));
            if batch.len() >= BATCH && !send(sink, std::mem::take(&mut batch)).await {
                return Err(Gone);
            }
        }
        if !send(sink, batch).await {
            return Err(Gone);
        }
    }
    // A last line without its newline (the stream was cut) is still a line.
    if !partial.is_empty() {
        let (ts, text) = split_timestamp(&String::from_utf8_lossy(&partial));
        if dedup.judge(ts, &text) != Verdict::Skip {
            seen.shown(ts, &text);
            if !send(sink, vec![(ts, text)]).await {
                return Err(Gone);
            }
        }
    }
    Ok(error)
}

/// Sends one batch of lines (none: nothing sent); false when the pane is gone.
async fn send(sink: &Sink, lines: Vec<(Option<Timestamp>, String)>) -> bool {
    lines.is_empty()
        || sink
            .tx
            .send(ActionEvent::LogLines {
                session: sink.session,
                source: sink.source.clone(),
                lines,
            })
            .await
            .is_ok()
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
    let pod = match api.get_opt(&path_segment(&req.pod)).await {
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
        match api.get_opt(&path_segment(&req.pod)).await {
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

    /// Runs `forward` over `bytes` from `seen`; every line and marker sent, in order.
    async fn forwarded(bytes: Vec<u8>, seen: &mut Seen) -> Vec<String> {
        let (tx, mut rx) = mpsc::channel(1024);
        let sink = Sink {
            session: 1,
            source: Arc::from("p/c"),
            tx,
        };
        let cursor = futures::io::Cursor::new(bytes);
        assert!(matches!(forward(cursor, seen, &sink).await, Ok(None)));
        drop(sink);
        let mut out = Vec::new();
        while let Some(ev) = rx.recv().await {
            match ev {
                ActionEvent::LogLines { lines, .. } => out.extend(lines.into_iter().map(|l| l.1)),
                ActionEvent::LogMarker { text, .. } => out.push(format!("[{text}]")),
                _ => {}
            }
        }
        out
    }

    const T1: &str = "2026-01-01T00:00:01Z";
    const T2: &str = "2026-01-01T00:00:02Z";
    const T3: &str = "2026-01-01T00:00:03Z";

    #[tokio::test]
    async fn within_a_stream_no_line_is_dropped() {
        let long = "x".repeat(70 * 1024);
        let mut bytes = format!(
            "{T2} panic: boom\n{T2} goroutine 1 [running]:\n{T2} main.main()\n{T1} late\n{T3} {long}\n{T3} bad "
        )
        .into_bytes();
        bytes.extend_from_slice(b"\xff\xfe byte\n");
        bytes.extend_from_slice(format!("{T3} cut").as_bytes());
        let got = forwarded(bytes, &mut Seen::default()).await;
        assert_eq!(
            got.len(),
            7,
            "{:?}",
            got.iter().map(|l| l.len()).collect::<Vec<_>>()
        );
        assert_eq!(
            &got[..4],
            [
                "panic: boom",
                "goroutine 1 [running]:",
                "main.main()",
                "late"
            ]
        );
        assert_eq!(got[4], long);
        assert!(
            got[5].starts_with("bad ") && got[5].ends_with(" byte"),
            "{:?}",
            got[5]
        );
        assert_eq!(got[6], "cut");
    }

    #[tokio::test]
    async fn a_resumed_stream_skips_only_what_was_shown() {
        let mut seen = Seen::default();
        let first = format!("{T1} a\n{T2} b1\n");
        assert_eq!(forwarded(first.into_bytes(), &mut seen).await, ["a", "b1"]);
        // The reconnect overlaps from before the last line; b2 shares its time.
        let again = format!("{T1} a\n{T2} b1\n{T2} b2\n{T3} c\n{T1} late\n");
        assert_eq!(
            forwarded(again.into_bytes(), &mut seen).await,
            ["b2", "c", "late"]
        );
    }

    /// The sim's tricky writes (several lines per timestamp, invalid UTF-8,
    /// 70 KiB lines) followed over real HTTP: every line arrives, once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_line_of_tricky_writes_arrives_once() {
        use kube::api::{ListParams, Patch, PatchParams};
        let sim = crate::test_sim::start("terrax", &[]).await;
        let client = crate::test_sim::client(&sim.kubeconfig, "terrax-fargate").await;
        let pods = Api::<Pod>::all(client.clone())
            .list(&ListParams::default())
            .await
            .expect("pods");
        let pod = pods
            .items
            .iter()
            .find(|p| {
                p.metadata
                    .name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("service-"))
                    && p.spec.as_ref().is_some_and(|s| s.containers.len() == 1)
            })
            .expect("a one-container service pod");
        let (name, ns) = (
            pod.metadata.name.clone().unwrap_or_default(),
            pod.metadata.namespace.clone().unwrap_or_default(),
        );
        let patch = serde_json::json!({"metadata": {"annotations": {
            "sim.fleetdeck.io/tricky-logs": "true",
            "sim.fleetdeck.io/log-rate": "40",
        }}});
        Api::<Pod>::namespaced(client.clone(), &ns)
            .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect("annotate");
        let (tx, mut rx) = mpsc::channel(1024);
        let req = LogRequest {
            cluster: "terrax-fargate".into(),
            namespace: ns,
            pod: name,
            container: None,
            previous: false,
            tail: Some(3),
            since_seconds: None,
        };
        let task = tokio::spawn(run(client, 1, req, tx));
        let mut lines: Vec<String> = Vec::new();
        let seq = |l: &str| -> Option<(u64, Option<u64>)> {
            let id = l.strip_prefix("seq=")?.split(' ').next()?;
            match id.split_once('.') {
                Some((i, k)) => Some((i.parse().ok()?, Some(k.parse().ok()?))),
                None => Some((id.parse().ok()?, None)),
            }
        };
        let collected = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(ev) = rx.recv().await {
                if let ActionEvent::LogLines { lines: l, .. } = ev {
                    lines.extend(l.into_iter().map(|l| l.1));
                }
                let writes: std::collections::BTreeSet<u64> =
                    lines.iter().filter_map(|l| seq(l)).map(|s| s.0).collect();
                if writes.len() >= 60 {
                    return;
                }
            }
        })
        .await;
        task.abort();
        assert!(
            collected.is_ok(),
            "60 writes within 30 s; got {}",
            lines.len()
        );
        let ids: Vec<(u64, Option<u64>)> = lines.iter().filter_map(|l| seq(l)).collect();
        assert_eq!(ids.len(), lines.len(), "every line is numbered");
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "a line arrived twice");
        let (first, last) = (ids[0].0, ids[ids.len() - 1].0);
        for i in first..last {
            let expect: Vec<Option<u64>> = if i % 4 == 1 {
                vec![Some(0), Some(1), Some(2)]
            } else {
                vec![None]
            };
            for k in expect {
                assert!(ids.contains(&(i, k)), "line seq={i} {k:?} lost");
            }
        }
        assert!(
            lines.iter().any(|l| l.len() > 64 * 1024),
            "a long line came through"
        );
        assert!(
            lines.iter().any(|l| l.contains("bytes ")),
            "the invalid UTF-8 line came through"
        );
    }

    #[tokio::test]
    async fn a_resume_without_overlap_is_marked_as_a_gap() {
        let mut seen = Seen::default();
        forwarded(format!("{T1} a\n").into_bytes(), &mut seen).await;
        let got = forwarded(format!("{T3} c\n").into_bytes(), &mut seen).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("[gap: "), "{got:?}");
        assert_eq!(got[1], "c");
    }
}
