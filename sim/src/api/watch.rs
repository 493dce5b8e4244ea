//! Watches: replay from a resourceVersion (410 Gone when too old), then live
//! changes; bookmarks when asked; ended by timeout, lag, or an injected drop.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::{broadcast::error::RecvError, mpsc};

use super::list::Selectors;
use super::path::ResourcePath;
use super::{ApiError, Params, table};
use crate::cluster::Cluster;
use crate::resources::{RESOURCES, Rid};
use crate::store::{Change, Stored};

const BOOKMARK_EVERY: Duration = Duration::from_secs(5);

struct Filter {
    rid: Rid,
    namespace: Option<String>,
    selectors: Selectors,
    as_table: bool,
}

impl Filter {
    fn wants(&self, obj: &Stored) -> bool {
        self.namespace
            .as_ref()
            .is_none_or(|ns| *ns == obj.namespace)
            && self.selectors.matches(obj)
    }

    fn line(&self, kind: &str, obj: &Stored, first: &mut bool) -> Bytes {
        let object = if self.as_table {
            let with_columns = std::mem::take(first);
            table::table(
                &RESOURCES[self.rid],
                &[obj.value()],
                "Metadata",
                obj.rv,
                None,
                with_columns,
            )
        } else {
            // Stored JSON is already the object; splice it without re-parsing.
            let mut out = Vec::with_capacity(obj.json.len() + 32);
            out.extend_from_slice(format!("{{\"type\":\"{kind}\",\"object\":").as_bytes());
            out.extend_from_slice(&obj.json);
            out.extend_from_slice(b"}\n");
            return Bytes::from(out);
        };
        let mut s = json!({"type": kind, "object": object}).to_string();
        s.push('\n');
        Bytes::from(s)
    }
}

fn gone_event(rv: &str, oldest: u64) -> Bytes {
    let status = ApiError::new(
        axum::http::StatusCode::GONE,
        "Expired",
        format!("too old resource version: {rv} ({oldest})"),
    );
    Bytes::from(format!(
        "{}\n",
        json!({"type": "ERROR", "object": status.body()})
    ))
}

pub fn watch(cluster: Arc<Cluster>, rp: &ResourcePath, params: &Params, accept: &str) -> Response {
    let selectors = match Selectors::from_params(rp, params) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let filter = Filter {
        rid: rp.rid,
        namespace: rp.namespace.clone(),
        selectors,
        as_table: table::wants_table(accept),
    };
    let bookmarks = params
        .get("allowWatchBookmarks")
        .is_some_and(|b| b.eq_ignore_ascii_case("true") || b == "1");
    let timeout = params
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(1800)
        .min(3600);
    let from = params
        .get("resourceVersion")
        .cloned()
        .filter(|rv| !rv.is_empty() && rv != "0");
    if let Some(rv) = &from
        && rv.parse::<u64>().is_err()
    {
        return ApiError::bad_request(format!("invalid resource version: {rv:?}")).into_response();
    }
    let (tx, rx) = mpsc::channel::<Bytes>(1024);
    tokio::spawn(async move {
        let _ = stream(
            cluster,
            filter,
            from,
            bookmarks,
            Duration::from_secs(timeout),
            tx,
        )
        .await;
    });
    let body = Body::from_stream(futures::StreamExt::map(
        tokio_stream::wrappers::ReceiverStream::new(rx),
        Ok::<_, Infallible>,
    ));
    (
        [
            ("content-type", "application/json"),
            ("cache-control", "no-cache, private"),
        ],
        body,
    )
        .into_response()
}

async fn stream(
    cluster: Arc<Cluster>,
    filter: Filter,
    from: Option<String>,
    bookmarks: bool,
    timeout: Duration,
    tx: mpsc::Sender<Bytes>,
) -> Result<(), mpsc::error::SendError<Bytes>> {
    let mut first = true;
    let mut drops = cluster.faults.watch_drops();
    drops.mark_unchanged();
    if cluster.faults.take_gone() {
        let oldest = cluster.store().oldest_watchable();
        return tx
            .send(gone_event(from.as_deref().unwrap_or("0"), oldest))
            .await;
    }
    let opened = {
        let store = cluster.store();
        match &from {
            None => {
                let initial: Vec<Arc<Stored>> = store
                    .iter_raw(filter.rid, filter.namespace.as_deref(), None)
                    .filter(|o| filter.wants(o))
                    .cloned()
                    .collect();
                let rv = store.resource_version();
                store
                    .watch_from(filter.rid, rv)
                    .map(|(past, rx)| (initial, past, rx, rv))
                    .ok_or(rv)
            }
            Some(rv_text) => {
                let rv = rv_text.parse::<u64>().unwrap_or(0);
                store
                    .watch_from(filter.rid, rv)
                    .map(|(past, rx)| (Vec::new(), past, rx, rv))
                    .ok_or_else(|| store.oldest_watchable())
            }
        }
    };
    let (initial, past, mut live, mut seen_rv) = match opened {
        Ok(opened) => opened,
        Err(oldest) => {
            return tx
                .send(gone_event(from.as_deref().unwrap_or("0"), oldest))
                .await;
        }
    };
    for obj in &initial {
        tx.send(filter.line("ADDED", obj, &mut first)).await?;
    }
    let send_change = |c: &Change, first: &mut bool| -> Option<Bytes> {
        (c.rid == filter.rid && filter.wants(&c.obj))
            .then(|| filter.line(c.kind.as_str(), &c.obj, first))
    };
    for c in &past {
        seen_rv = seen_rv.max(c.rv);
        if let Some(line) = send_change(c, &mut first) {
            tx.send(line).await?;
        }
    }
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let mut tick = tokio::time::interval(BOOKMARK_EVERY);
    tick.tick().await;
    loop {
        tokio::select! {
            change = live.recv() => match change {
                Ok(c) => {
                    if c.rv <= seen_rv {
                        continue;
                    }
                    seen_rv = c.rv;
                    if let Some(line) = send_change(&c, &mut first) {
                        tx.send(line).await?;
                    }
                }
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return Ok(()),
            },
            _ = tick.tick(), if bookmarks => {
                let res = &RESOURCES[filter.rid];
                let obj = json!({"kind": res.kind, "apiVersion": res.api_version(), "metadata": {"resourceVersion": seen_rv.to_string(), "creationTimestamp": Value::Null}});
                tx.send(Bytes::from(format!("{}\n", json!({"type": "BOOKMARK", "object": obj})))).await?;
            }
            _ = drops.changed() => return Ok(()),
            _ = &mut deadline => return Ok(()),
            _ = tx.closed() => return Ok(()),
        }
    }
}
