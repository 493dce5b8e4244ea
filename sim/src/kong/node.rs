//! The state of one Kong node. Health is per node in Kong (each node runs its
//! own balancers and health checkers, with no cluster-wide sync), so target
//! health overrides live here, not in the configuration.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::config::KongConfig;
use super::health::{BalancerStatus, TargetHealth, balancer_status};
use super::ids::EMPTY_CONFIG_HASH;

/// One node behind a lock; never hold the lock across `.await`.
pub type SharedKongNode = Arc<Mutex<KongNode>>;

/// How the node stores its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbMode {
    /// Traditional mode with PostgreSQL (e.g. Kong on ECS).
    Postgres { reachable: bool },
    /// `database = off`: configuration pushed as a declarative file (KIC).
    DbLess,
}

/// An injected failure of the node's admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KongFault {
    /// The node accepts the connection but never answers.
    Timeout,
    /// The node answers 200 `application/json` with a truncated body.
    Malformed,
}

#[derive(Debug, Clone)]
pub struct KongNode {
    /// UUID of the node, reported as `node_id`.
    pub node_id: String,
    pub hostname: String,
    /// Kong version, e.g. "3.9.1" (also sent as `Server: kong/<version>`).
    pub version: String,
    pub db: DbMode,
    pub config: KongConfig,
    pub fault: Option<KongFault>,
    /// RBAC token required in `Kong-Admin-Token`, when set.
    pub admin_token: Option<String>,
    pub started_at: jiff::Timestamp,
    /// Requests served so far (`/status` `server.total_requests`).
    pub total_requests: u64,
    /// DB-less only: whether a declarative configuration was ever loaded.
    configured: bool,
    /// (upstream name, target) → forced health on this node.
    forced: BTreeMap<(String, String), TargetHealth>,
}

impl KongNode {
    /// A freshly started node with no configuration, Kong 3.9.1.
    pub fn new(node_id: &str, hostname: &str, db: DbMode) -> Self {
        Self {
            node_id: node_id.to_string(),
            hostname: hostname.to_string(),
            version: "3.9.1".into(),
            db,
            config: KongConfig::default(),
            fault: None,
            admin_token: None,
            started_at: jiff::Timestamp::now(),
            total_requests: 0,
            configured: false,
            forced: BTreeMap::new(),
        }
    }

    /// Wraps the node for sharing with its admin router.
    pub fn shared(self) -> SharedKongNode {
        Arc::new(Mutex::new(self))
    }

    pub fn with_version(mut self, version: &str) -> Self {
        self.version = version.to_string();
        self
    }

    pub fn with_admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(token.to_string());
        self
    }

    /// Installs a configuration (a `POST /config` from KIC, or the database
    /// contents). Entities keep the timestamps they had in the previous one.
    pub fn set_config(&mut self, mut config: KongConfig) {
        let now_ms = jiff::Timestamp::now().as_millisecond();
        config.stamp(&self.config, now_ms);
        self.config = config;
        self.configured = true;
    }

    /// Forgets the configuration, as a restarted DB-less node does.
    pub fn clear_config(&mut self) {
        self.config = KongConfig::default();
        self.configured = false;
    }

    /// `configuration_hash`: zeros until a non-empty configuration is loaded.
    pub fn configuration_hash(&self) -> String {
        if self.configured {
            self.config.hash()
        } else {
            EMPTY_CONFIG_HASH.to_string()
        }
    }

    pub fn set_db_reachable(&mut self, reachable: bool) {
        if let DbMode::Postgres { reachable: r } = &mut self.db {
            *r = reachable;
        }
    }

    pub fn set_fault(&mut self, fault: Option<KongFault>) {
        self.fault = fault;
    }

    /// Forces the health of `target` (`host:port`) of `upstream` (name or id)
    /// on this node only. `Healthy`, `Unhealthy` and `DnsError` stick until
    /// changed; `HealthchecksOff` removes the override. An override for a
    /// target not configured yet applies once it appears.
    pub fn set_target_health(&mut self, upstream: &str, target: &str, health: TargetHealth) {
        let name = self
            .config
            .upstream(upstream)
            .map_or_else(|| upstream.to_string(), |u| u.name.clone());
        let key = (name, normalize(target));
        if health == TargetHealth::HealthchecksOff {
            self.forced.remove(&key);
        } else {
            self.forced.insert(key, health);
        }
    }

    /// Drops every health override on this node (a restarted Kong pod).
    pub fn clear_target_health(&mut self) {
        self.forced.clear();
    }

    /// This node's balancer for `upstream` (name or id), if it exists.
    pub fn balancer(&self, upstream: &str) -> Option<BalancerStatus> {
        let up = self.config.upstream(upstream)?;
        Some(balancer_status(up, |t| {
            self.forced.get(&(up.name.clone(), t.to_string())).copied()
        }))
    }

    /// Why `/status/ready` answers 503, or `None` when ready.
    pub fn not_ready_reason(&self) -> Option<&'static str> {
        match self.db {
            DbMode::Postgres { reachable: false } => Some("failed to connect to database"),
            DbMode::Postgres { reachable: true } => None,
            DbMode::DbLess if self.configuration_hash() == EMPTY_CONFIG_HASH => {
                Some("no configuration available (empty configuration present)")
            }
            DbMode::DbLess => None,
        }
    }

    pub fn is_db_less(&self) -> bool {
        self.db == DbMode::DbLess
    }
}

fn normalize(target: &str) -> String {
    super::target::Target::new("", target, 0).target
}
