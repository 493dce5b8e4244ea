//! The whole fleet: clusters, gateways, AWS regions. Owned by the app state,
//! changed only by `apply` of a source update.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::aws::AwsRegionRows;
use super::cluster::{ClusterData, Kind, KubeUpdate};
use super::kong::KongNode;
use super::status::{SourceError, SourceState};

#[derive(Debug, Clone)]
pub struct Gateway {
    pub name: String,
    /// Context of the pod-proxy gateway, if any.
    pub cluster: Option<String>,
    /// `region/cluster/service` of an ECS-hosted gateway, if any.
    pub ecs_service: Option<String>,
    /// `ecs_service` was found from the nodes' task IPs, not configured.
    pub ecs_service_found: bool,
    /// Discovery of the nodes (pod watch or URL list).
    pub state: SourceState,
    pub nodes: BTreeMap<String, KongNode>,
}

#[derive(Debug, Clone)]
pub struct AwsRegion {
    pub region: String,
    pub state: SourceState,
    pub rows: AwsRegionRows,
    pub polled: Option<Timestamp>,
}

/// An update from a source, owned, sent over the channel.
// Rows travel by value: one move per update beats an allocation per update.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SourceUpdate {
    ClusterAdded {
        cluster: String,
        server: Option<String>,
    },
    ClusterConnected {
        cluster: String,
        version: String,
    },
    ClusterError {
        cluster: String,
        error: SourceError,
    },
    Kube {
        cluster: String,
        update: KubeUpdate,
    },
    KindState {
        cluster: String,
        kind: Kind,
        state: SourceState,
    },
    KindError {
        cluster: String,
        kind: Kind,
        error: SourceError,
    },
    GatewayAdded {
        gateway: String,
        cluster: Option<String>,
        ecs_service: Option<String>,
    },
    GatewayState {
        gateway: String,
        state: SourceState,
    },
    KongNode(Box<KongNode>),
    KongNodeGone {
        gateway: String,
        node: String,
    },
    AwsRegion {
        region: String,
        rows: Box<AwsRegionRows>,
    },
    AwsError {
        region: String,
        error: SourceError,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Fleet {
    pub clusters: BTreeMap<String, ClusterData>,
    pub gateways: BTreeMap<String, Gateway>,
    pub aws: BTreeMap<String, AwsRegion>,
}

impl Fleet {
    pub fn apply(&mut self, update: SourceUpdate, now: Timestamp) {
        // Node IPs or ECS tasks changed: an unconfigured ECS service may be found.
        let joins = matches!(
            update,
            SourceUpdate::KongNode(_) | SourceUpdate::AwsRegion { .. }
        );
        match update {
            SourceUpdate::ClusterAdded { cluster, server } => {
                let c = self
                    .clusters
                    .entry(cluster.clone())
                    .or_insert_with(|| ClusterData::new(&cluster));
                c.region = server
                    .as_deref()
                    .and_then(super::cluster::region_from_server);
                c.server = server;
            }
            SourceUpdate::ClusterConnected { cluster, version } => {
                let c = self.cluster_mut(&cluster);
                c.version = Some(version);
                c.connection = SourceState::Live;
            }
            SourceUpdate::ClusterError { cluster, error } => {
                let c = self.cluster_mut(&cluster);
                c.connection = c.connection.after_error(error, now);
            }
            SourceUpdate::Kube { cluster, update } => {
                let c = self.cluster_mut(&cluster);
                let resync = update.is_reset();
                c.joins.note(&c.stores, &update);
                let kind = c.stores.apply(update);
                if !matches!(c.kinds.get(&kind), Some(SourceState::Live)) {
                    c.set_kind_state(kind, SourceState::Live);
                }
                c.resynced(resync);
            }
            SourceUpdate::KindState {
                cluster,
                kind,
                state,
            } => {
                let c = self.cluster_mut(&cluster);
                c.set_kind_state(kind, state.clone());
                c.kind_failed(state.error(), now);
            }
            SourceUpdate::KindError {
                cluster,
                kind,
                error,
            } => {
                let c = self.cluster_mut(&cluster);
                c.kind_error(kind, error.clone(), now);
                c.kind_failed(Some(&error), now);
            }
            SourceUpdate::GatewayAdded {
                gateway,
                cluster,
                ecs_service,
            } => {
                self.gateways.entry(gateway.clone()).or_insert(Gateway {
                    name: gateway,
                    cluster,
                    ecs_service,
                    ecs_service_found: false,
                    state: SourceState::Syncing,
                    nodes: BTreeMap::new(),
                });
            }
            SourceUpdate::GatewayState { gateway, state } => {
                if let Some(g) = self.gateways.get_mut(&gateway) {
                    g.state = match (&g.state, state) {
                        (old, SourceState::Failed { error, .. }) => old.after_error(error, now),
                        (_, s) => s,
                    };
                }
            }
            SourceUpdate::KongNode(node) => {
                if let Some(g) = self.gateways.get_mut(&node.gateway) {
                    g.nodes.insert(node.name.clone(), *node);
                }
            }
            SourceUpdate::KongNodeGone { gateway, node } => {
                if let Some(g) = self.gateways.get_mut(&gateway) {
                    g.nodes.remove(&node);
                }
            }
            SourceUpdate::AwsRegion { region, rows } => {
                let r = self.region_mut(&region);
                r.rows = *rows;
                r.state = SourceState::Live;
                r.polled = Some(now);
            }
            SourceUpdate::AwsError { region, error } => {
                let r = self.region_mut(&region);
                r.state = r.state.after_error(error, now);
            }
        }
        if joins {
            self.find_ecs_services();
        }
    }

    /// Gateways with no configured ECS service get the one their nodes' task
    /// IPs name (kept when a later poll matches nothing: tasks being replaced).
    fn find_ecs_services(&mut self) {
        let found: Vec<(String, String)> = self
            .gateways
            .values()
            .filter(|g| g.cluster.is_none() && (g.ecs_service.is_none() || g.ecs_service_found))
            .filter_map(|g| {
                Some((
                    g.name.clone(),
                    super::kong_host::ecs_service_by_ip(self, g)?,
                ))
            })
            .collect();
        for (name, service) in found {
            if let Some(g) = self.gateways.get_mut(&name) {
                g.ecs_service = Some(service);
                g.ecs_service_found = true;
            }
        }
    }

    fn cluster_mut(&mut self, name: &str) -> &mut ClusterData {
        self.clusters
            .entry(name.to_owned())
            .or_insert_with(|| ClusterData::new(name))
    }

    fn region_mut(&mut self, region: &str) -> &mut AwsRegion {
        self.aws
            .entry(region.to_owned())
            .or_insert_with(|| AwsRegion {
                region: region.to_owned(),
                state: SourceState::Syncing,
                rows: AwsRegionRows::default(),
                polled: None,
            })
    }

    /// Region of a cluster: from its server URL, else from an EKS cluster of the same name.
    pub fn cluster_region(&self, cluster: &str) -> Option<String> {
        let c = self.clusters.get(cluster)?;
        if let Some(r) = &c.region {
            return Some(r.clone());
        }
        let short = cluster.rsplit('/').next().unwrap_or(cluster);
        self.aws.values().find_map(|r| {
            r.rows
                .eks
                .iter()
                .find(|e| e.name == short || (e.endpoint.is_some() && e.endpoint == c.server))
                .map(|e| e.region.clone())
        })
    }

    /// True once every source has answered at least once (data or error).
    pub fn settled(&self) -> bool {
        self.clusters.values().all(|c| {
            c.connection.error().is_some()
                || (c.connection.is_settled() && c.kinds.values().all(SourceState::is_settled))
        }) && self
            .gateways
            .values()
            .all(|g| g.state.is_settled() && g.nodes.values().all(|n| n.polled.is_some()))
            && self.aws.values().all(|r| r.state.is_settled())
    }
}
