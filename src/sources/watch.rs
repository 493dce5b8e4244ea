//! One kube-runtime watcher (list + watch with bookmarks) per cluster × kind,
//! mapping each object to its compact row as it arrives, and owning that
//! kind's freshness: live once listed, stale from the last data received.

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use kube::Api;
use kube::runtime::watcher;
use serde::de::DeserializeOwned;

use super::{SourceUpdate, Tx};
use crate::model::cluster::{Kind, KubeUpdate};
use crate::model::status::{SourceError, SourceState};
use crate::model::store::{Change, Row, key_of};

/// Server-side watch timeout: a healthy quiet watch is ended by the server
/// (and resumed) well before the client's idle timeout can fire.
pub const WATCH_TIMEOUT_SECS: u32 = 20;

/// Silence on a connection longer than this means the path is dead. Above
/// [`WATCH_TIMEOUT_SECS`] (plus bookmark slack), so only a dead stream hits it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(25);

/// Retry delays after a failed list or watch, doubling up to the cap.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_CAP: Duration = Duration::from_secs(8);

/// Watches `api` until the receiver goes away. Every (re)list is buffered and
/// sent as one `Reset`, so objects deleted while disconnected disappear and
/// the kind is live again the moment its watch has resynced.
pub async fn watch<K, R>(
    api: Api<K>,
    cluster: String,
    kind: Kind,
    wrap: fn(Change<R>) -> KubeUpdate,
    tx: Tx,
) where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    R: for<'a> From<&'a K> + Row,
{
    let config = watcher::Config::default().timeout(WATCH_TIMEOUT_SECS);
    let mut fresh = Freshness::default();
    let mut delay = RETRY_FIRST;
    loop {
        // A fresh watcher per attempt: its first list is the resync that
        // proves this kind current again, whatever else happens to change.
        let stream = watcher(api.clone(), config.clone());
        futures::pin_mut!(stream);
        let mut buffer: Vec<Box<R>> = Vec::new();
        while let Some(event) = stream.next().await {
            let update = match event {
                Ok(watcher::Event::Init) => {
                    buffer.clear();
                    continue;
                }
                Ok(watcher::Event::InitApply(obj)) => {
                    buffer.push(Box::new(R::from(&obj)));
                    continue;
                }
                Ok(watcher::Event::InitDone) => {
                    fresh.synced();
                    delay = RETRY_FIRST;
                    wrap(Change::Reset(std::mem::take(&mut buffer)))
                }
                Ok(watcher::Event::Apply(obj)) => wrap(Change::Apply(R::from(&obj))),
                Ok(watcher::Event::Delete(obj)) => wrap(Change::Delete(key_of(obj.meta()))),
                Err(e) => {
                    // 410 Gone: the watcher relists by itself; not worth alarming anyone.
                    let Some(error) = super::errors::from_watcher(&e) else {
                        continue;
                    };
                    tracing::warn!(cluster, kind = kind.label(), "watch: {}", error.message());
                    let state = fresh.failed(error, idle_timed_out(&e));
                    let msg = SourceUpdate::KindState {
                        cluster: cluster.clone(),
                        kind,
                        state,
                    };
                    if tx.send(msg).await.is_err() {
                        return;
                    }
                    break;
                }
            };
            let msg = SourceUpdate::Kube {
                cluster: cluster.clone(),
                update,
            };
            if tx.send(msg).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(RETRY_CAP);
    }
}

/// What this kind's data is worth: never listed, current, or as of when.
#[derive(Default)]
struct Freshness {
    /// Set once listed; kept across failures: a relist replaces the rows.
    listed: bool,
    /// When the current run of failures began to matter: the last data
    /// received (stale) or the first failure (never listed).
    since: Option<Timestamp>,
}

impl Freshness {
    fn synced(&mut self) {
        self.listed = true;
        self.since = None;
    }

    /// The state after a failure. A dead connection is only noticed after
    /// [`IDLE_TIMEOUT`] of silence, so the last bytes arrived that long ago.
    fn failed(&mut self, error: SourceError, silent: bool) -> SourceState {
        let now = Timestamp::now();
        let last_heard = if silent {
            now.checked_sub(IDLE_TIMEOUT).unwrap_or(now)
        } else {
            now
        };
        let since = *self.since.get_or_insert(last_heard);
        if self.listed {
            SourceState::Stale { since, error }
        } else {
            SourceState::Failed { since, error }
        }
    }
}

/// Whether the error is the connection's idle (read) timeout firing.
fn idle_timed_out(e: &watcher::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_counts_from_the_last_data_and_keeps_its_start() {
        let mut f = Freshness::default();
        let before = Timestamp::now();
        let first = f.failed(SourceError::Unreachable("refused".into()), false);
        assert!(matches!(first, SourceState::Failed { .. }), "{first:?}");
        f.synced();
        let silent = f.failed(SourceError::Unreachable("timed out".into()), true);
        let SourceState::Stale { since, .. } = silent else {
            panic!("listed then failed is stale: {silent:?}");
        };
        // The idle timeout fired: the last bytes came IDLE_TIMEOUT earlier.
        assert!(since < before, "{since} vs {before}");
        let again = f.failed(SourceError::Unreachable("refused".into()), false);
        assert!(
            matches!(again, SourceState::Stale { since: s, .. } if s == since),
            "stale keeps counting from the first loss: {again:?}"
        );
        f.synced();
        assert!(f.since.is_none());
    }
}
