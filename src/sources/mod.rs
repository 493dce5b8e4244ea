//! IO tasks: one set of kube watchers per cluster, one poller per Kong node,
//! one AWS poller per region. Each sends owned [`SourceUpdate`]s over a
//! channel and reports its own state; none of them shares anything with the UI.

pub mod aws;
pub mod cluster;
#[cfg(test)]
mod cluster_tests;
pub mod errors;
pub mod kong;
pub mod kong_access;
pub mod plan;
pub mod proxy;
pub mod watch;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

pub use crate::model::fleet::SourceUpdate;
pub use plan::{Plan, PlanError};

/// The sending side every source gets.
pub type Tx = mpsc::Sender<SourceUpdate>;

/// Starts every source of the plan; dropping the returned set stops them all.
pub fn spawn_all(plan: Plan, tx: Tx) -> JoinSet<()> {
    let mut set = JoinSet::new();
    let Plan {
        kubeconfig,
        contexts,
        namespace,
        gateways,
        discover_kong,
        aws,
    } = plan;
    for context in contexts.iter().cloned() {
        let mine: Vec<_> = gateways
            .iter()
            .filter(|g| g.context.as_deref() == Some(context.as_str()))
            .cloned()
            .collect();
        set.spawn(cluster::run(
            context,
            kubeconfig.clone(),
            namespace.clone(),
            mine,
            discover_kong,
            tx.clone(),
        ));
    }
    for gw in gateways.iter().filter(|g| !g.admin_urls.is_empty()) {
        set.spawn(kong::run_urls(gw.clone(), tx.clone()));
    }
    for gw in gateways
        .iter()
        .filter(|g| g.admin_urls.is_empty())
        .filter(|g| g.context.as_ref().is_some_and(|c| !contexts.contains(c)))
    {
        set.spawn(kong::announce_unwatched(gw.clone(), tx.clone()));
    }
    if let Some(aws) = aws {
        for region in aws.regions.clone() {
            set.spawn(aws::run(region, aws.clone(), tx.clone()));
        }
    }
    set
}
