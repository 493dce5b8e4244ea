//! One kube-runtime watcher (list + watch with bookmarks and backoff) per
//! cluster × kind, mapping each object to its compact row as it arrives.

use std::fmt::Debug;

use futures::StreamExt;
use kube::Api;
use kube::runtime::{WatchStreamExt, watcher};
use serde::de::DeserializeOwned;

use super::{SourceUpdate, Tx};
use crate::model::cluster::{Kind, KubeUpdate};
use crate::model::store::{Change, Row, key_of};

/// Watches `api` until the receiver goes away. A relist is buffered and sent
/// as one `Reset`, so objects deleted while disconnected disappear.
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
    let stream = watcher(api, watcher::Config::default()).default_backoff();
    futures::pin_mut!(stream);
    let mut buffer: Vec<R> = Vec::new();
    while let Some(event) = stream.next().await {
        let update = match event {
            Ok(watcher::Event::Init) => {
                buffer.clear();
                continue;
            }
            Ok(watcher::Event::InitApply(obj)) => {
                buffer.push(R::from(&obj));
                continue;
            }
            Ok(watcher::Event::InitDone) => wrap(Change::Reset(std::mem::take(&mut buffer))),
            Ok(watcher::Event::Apply(obj)) => wrap(Change::Apply(R::from(&obj))),
            Ok(watcher::Event::Delete(obj)) => wrap(Change::Delete(key_of(obj.meta()))),
            Err(e) => {
                let Some(error) = super::errors::from_watcher(&e) else {
                    continue;
                };
                tracing::warn!(cluster, kind = kind.label(), "watch: {}", error.message());
                let msg = SourceUpdate::KindError {
                    cluster: cluster.clone(),
                    kind,
                    error,
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
                continue;
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
}
