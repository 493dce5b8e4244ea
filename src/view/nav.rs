//! Where the user is: the view stack (`enter` pushes, `esc` pops), each entry
//! with its scope, selection, filter and sort.

use std::cell::Cell;

use crate::kinds::{Kind, KindView};
use crate::view::arranged::ColumnId;
use crate::view::subject::Subject;

/// A screen of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ViewKind {
    #[default]
    Fleet,
    Nodes,
    Pods,
    Workloads,
    Hpa,
    Pvc,
    Gateways,
    Upstreams,
    Targets,
    Aws,
    Findings,
    /// A kind's own view, found through the kind registry.
    Kind(Kind),
}

impl ViewKind {
    /// The views `tab` cycles through, in order.
    pub const TABS: &'static [ViewKind] = &[
        ViewKind::Fleet,
        ViewKind::Nodes,
        ViewKind::Pods,
        ViewKind::Workloads,
        ViewKind::Hpa,
        ViewKind::Pvc,
        ViewKind::Gateways,
        ViewKind::Aws,
        ViewKind::Findings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Fleet => "Fleet",
            ViewKind::Nodes => "Nodes",
            ViewKind::Pods => "Pods",
            ViewKind::Workloads => "Workloads",
            ViewKind::Hpa => "HPAs",
            ViewKind::Pvc => "PVCs",
            ViewKind::Gateways => "Gateways",
            ViewKind::Upstreams => "Upstreams",
            ViewKind::Targets => "Targets",
            ViewKind::Aws => "AWS",
            ViewKind::Findings => "Findings",
            ViewKind::Kind(k) => match k.view() {
                KindView::Own(title, _) => title,
                KindView::In(_) | KindView::Hidden => k.label(),
            },
        }
    }

    /// The `:` command that opens the view.
    pub fn command(self) -> &'static str {
        match self {
            ViewKind::Fleet => "fleet",
            ViewKind::Nodes => "nodes",
            ViewKind::Pods => "pods",
            ViewKind::Workloads => "deploy",
            ViewKind::Hpa => "hpa",
            ViewKind::Pvc => "pvc",
            ViewKind::Gateways | ViewKind::Upstreams | ViewKind::Targets => "gw",
            ViewKind::Aws => "aws",
            ViewKind::Findings => "findings",
            ViewKind::Kind(k) => k.aliases().first().copied().unwrap_or(k.label()),
        }
    }
}

/// Narrows a view: set by drilling in (`enter`) or by `:ctx` / `:ns`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub node: Option<String>,
    pub pod: Option<String>,
    /// Workload `(kind, name)` whose pods to show.
    pub owner: Option<(String, String)>,
    /// A single object by name (the HPA's target workload…).
    pub name: Option<String>,
    pub gateway: Option<String>,
    /// One Kong node of the gateway: its upstreams and targets only.
    pub kong_node: Option<String>,
    pub upstream: Option<String>,
    pub region: Option<String>,
    pub ecs_cluster: Option<String>,
    pub task: Option<String>,
}

impl Scope {
    /// `cluster=prod node=ip-10-…` for the table title; empty when unscoped.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            ("cluster", &self.cluster),
            ("ns", &self.namespace),
            ("node", &self.node),
            ("pod", &self.pod),
            ("name", &self.name),
            ("gateway", &self.gateway),
            ("kong-node", &self.kong_node),
            ("upstream", &self.upstream),
            ("region", &self.region),
            ("ecs", &self.ecs_cluster),
            ("task", &self.task),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .chain(
            self.owner
                .as_ref()
                .map(|(k, n)| format!("{}={n}", k.to_lowercase())),
        )
        .collect();
        parts.join(" ")
    }
}

/// Where `enter` on a row leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Cluster(String),
    EcsCluster {
        region: String,
        name: String,
    },
    /// The pods on a node (from the Nodes view).
    PodsOnNode {
        cluster: String,
        node: String,
    },
    /// The node itself (from a pod).
    Node {
        cluster: String,
        node: String,
    },
    Pod {
        cluster: String,
        namespace: String,
        name: String,
    },
    Workload {
        cluster: String,
        namespace: String,
        kind: String,
        name: String,
    },
    Gateway(String),
    /// One Kong node's upstreams (from the Gateways view).
    KongNode {
        gateway: String,
        node: String,
    },
    /// An upstream's targets, on one Kong node when `node` is set.
    Upstream {
        gateway: String,
        upstream: String,
        node: Option<String>,
    },
    Task {
        region: String,
        cluster: String,
        id: String,
    },
    Region(String),
    /// A namespace: its pods, with the namespace scope set (as k9s does).
    Namespace {
        cluster: String,
        name: String,
    },
    /// One namespaced object in its view (PVC, HPA, workload…), by name.
    Named {
        view: ViewKind,
        cluster: String,
        namespace: String,
        name: String,
    },
}

impl Target {
    /// The view and scope `enter` opens.
    pub fn destination(&self) -> (ViewKind, Scope) {
        let mut s = Scope::default();
        let view = match self {
            Target::Cluster(c) => {
                s.cluster = Some(c.clone());
                ViewKind::Nodes
            }
            Target::EcsCluster { region, name } => {
                s.region = Some(region.clone());
                s.ecs_cluster = Some(name.clone());
                ViewKind::Aws
            }
            Target::PodsOnNode { cluster, node } => {
                s.cluster = Some(cluster.clone());
                s.node = Some(node.clone());
                ViewKind::Pods
            }
            Target::Node { cluster, node } => {
                s.cluster = Some(cluster.clone());
                s.node = Some(node.clone());
                ViewKind::Nodes
            }
            Target::Pod {
                cluster,
                namespace,
                name,
            } => {
                s.cluster = Some(cluster.clone());
                s.namespace = Some(namespace.clone());
                s.pod = Some(name.clone());
                ViewKind::Pods
            }
            Target::Workload {
                cluster,
                namespace,
                kind,
                name,
            } => {
                s.cluster = Some(cluster.clone());
                s.namespace = Some(namespace.clone());
                s.owner = Some((kind.clone(), name.clone()));
                ViewKind::Pods
            }
            Target::Gateway(g) => {
                s.gateway = Some(g.clone());
                ViewKind::Upstreams
            }
            Target::KongNode { gateway, node } => {
                s.gateway = Some(gateway.clone());
                s.kong_node = Some(node.clone());
                ViewKind::Upstreams
            }
            Target::Upstream {
                gateway,
                upstream,
                node,
            } => {
                s.gateway = Some(gateway.clone());
                s.upstream = Some(upstream.clone());
                s.kong_node = node.clone();
                ViewKind::Targets
            }
            Target::Task {
                region,
                cluster,
                id,
            } => {
                s.region = Some(region.clone());
                s.ecs_cluster = Some(cluster.clone());
                s.task = Some(id.clone());
                ViewKind::Aws
            }
            Target::Region(r) => {
                s.region = Some(r.clone());
                ViewKind::Aws
            }
            Target::Namespace { cluster, name } => {
                s.cluster = Some(cluster.clone());
                s.namespace = Some(name.clone());
                ViewKind::Pods
            }
            Target::Named {
                view,
                cluster,
                namespace,
                name,
            } => {
                s.cluster = Some(cluster.clone());
                s.namespace = (!namespace.is_empty()).then(|| namespace.clone());
                s.name = Some(name.clone());
                *view
            }
        };
        (view, s)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NavEntry {
    pub view: ViewKind,
    pub scope: Scope,
    /// The selected row's object, so the selection survives rows moving.
    pub selected: Option<Subject>,
    /// Fallback position when the selected row went away.
    pub cursor: usize,
    /// First visible line; written back by the UI after it scrolls.
    pub offset: Cell<usize>,
    pub filter: String,
    /// `(column id, descending)`: by id, so it stays on its column when
    /// the CLUSTER column comes and goes.
    pub sort: Option<(ColumnId, bool)>,
    /// The widest each column has needed on screen since the view opened,
    /// written by the UI: widths only grow, so they do not jitter as rows scroll.
    pub needs: std::cell::RefCell<Vec<(ColumnId, usize)>>,
}

impl NavEntry {
    pub fn new(view: ViewKind, scope: Scope) -> Self {
        NavEntry {
            view,
            scope,
            ..Default::default()
        }
    }

    pub fn kind(&self) -> ViewKind {
        self.view
    }
}

/// The view stack; never empty by construction.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    root: NavEntry,
    above: Vec<NavEntry>,
}

impl Nav {
    pub fn new(root: NavEntry) -> Self {
        Nav {
            root,
            above: Vec::new(),
        }
    }

    pub fn top(&self) -> &NavEntry {
        self.above.last().unwrap_or(&self.root)
    }

    pub fn top_mut(&mut self) -> &mut NavEntry {
        self.above.last_mut().unwrap_or(&mut self.root)
    }

    pub fn push(&mut self, entry: NavEntry) {
        self.above.push(entry);
    }

    /// False at the root.
    pub fn pop(&mut self) -> bool {
        self.above.pop().is_some()
    }

    /// Replaces the whole stack with a new root (`tab`, `:pods`).
    pub fn reset(&mut self, root: NavEntry) {
        self.root = root;
        self.above.clear();
    }

    pub fn iter(&self) -> impl Iterator<Item = &NavEntry> {
        std::iter::once(&self.root).chain(self.above.iter())
    }

    pub fn depth(&self) -> usize {
        1 + self.above.len()
    }
}
