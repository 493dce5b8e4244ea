//! The kind registry: every watched Kubernetes kind declared once, in
//! [`kinds!`]'s single invocation below. From one line come the `Kind`
//! variant, its store in `Stores`, its `KubeUpdate` variant, its watcher, its
//! label and API resource (from the k8s-openapi type, so group, version,
//! plural and scope are never retyped; Pods are decoded as
//! `model::pod_wire::Pod`, which takes them from k8s-openapi's `Pod`), the view that shows it and its `:`
//! aliases. Adding a kind is its model file, its view file and one line here.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{
    Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Secret, Service,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};
use kube::core::ApiResource;
use kube::{Api, Client};
use tokio::task::JoinSet;

use crate::model::event::EventRow;
use crate::model::hpa::HpaRow;
use crate::model::ingress::IngressRow;
use crate::model::namespace::NamespaceRow;
use crate::model::node::NodeRow;
use crate::model::pod::PodRow;
use crate::model::pod_wire::Pod;
use crate::model::pvc::{PvRow, PvcRow, StorageClassRow};
use crate::model::secret::SecretRow;
use crate::model::service::{EndpointSliceRow, ServiceRow};
use crate::model::store::{Change, Store};
use crate::model::workload::{ReplicaSetRow, WorkloadRow};
use crate::sources::Tx;
use crate::ui::table::TableModel;
use crate::ui::views;
use crate::view::nav::{NavEntry, ViewKind};
use crate::view::state::State;

/// Builds one view's table from the state.
pub type ViewBuilder = for<'a> fn(&'a State, &NavEntry) -> TableModel<'a>;

/// Where a kind is shown.
#[derive(Clone, Copy)]
pub enum KindView {
    /// Nowhere on its own: other views and the diagnosis read it.
    Hidden,
    /// In a hand-made view that joins it with other kinds (Workloads shows three).
    In(ViewKind),
    /// In its own view, `ViewKind::Kind(kind)`: its title and its builder.
    Own(&'static str, ViewBuilder),
}

/// A kind's API scope, read from its k8s-openapi type: how to watch it.
pub trait WatchScope {
    const NAMESPACED: bool;
    /// The API to watch: one namespace (`--namespace`) or all of them.
    fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
    where
        K: kube::Resource<Scope = Self>,
        K::DynamicType: Default;
}

impl WatchScope for NamespaceResourceScope {
    const NAMESPACED: bool = true;
    fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
    where
        K: kube::Resource<Scope = Self>,
        K::DynamicType: Default,
    {
        match namespace {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        }
    }
}

impl WatchScope for ClusterResourceScope {
    const NAMESPACED: bool = false;
    fn api<K>(client: &Client, _namespace: Option<&str>) -> Api<K>
    where
        K: kube::Resource<Scope = Self>,
        K::DynamicType: Default,
    {
        Api::all(client.clone())
    }
}

macro_rules! kinds {
    ($($variant:ident => $field:ident : $api:ty => $row:ty, $view:expr, [$($alias:literal),*];)*) => {
        /// A watched Kubernetes resource kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant,)* }

        /// Row changes for one kind, sent by that kind's watcher.
        // Each update is moved once into its store: boxing the larger rows
        // (pods) would cost an allocation per watch event for nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone)]
        pub enum KubeUpdate { $($variant(Change<$row>),)* }

        impl KubeUpdate {
            /// A full relist: the kind's watch has (re)synced.
            pub fn is_reset(&self) -> bool {
                match self { $(KubeUpdate::$variant(c) => matches!(c, Change::Reset(_)),)* }
            }
        }

        /// The rows of every watched kind of one cluster.
        #[derive(Debug, Clone, Default)]
        pub struct Stores { $(pub $field: Store<$row>,)* }

        impl Stores {
            pub fn apply(&mut self, update: KubeUpdate) -> Kind {
                match update { $(KubeUpdate::$variant(c) => { self.$field.apply(c); Kind::$variant })* }
            }
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The API's plural (`services`), for status lines and logs.
            pub fn label(self) -> &'static str {
                match self { $(Kind::$variant => <$api as k8s_openapi::Resource>::URL_PATH_SEGMENT,)* }
            }

            /// The API's kind name (`Service`), as objects and findings name it.
            pub fn api_kind(self) -> &'static str {
                match self { $(Kind::$variant => <$api as k8s_openapi::Resource>::KIND,)* }
            }

            pub fn namespaced(self) -> bool {
                match self {
                    $(Kind::$variant => <<$api as k8s_openapi::Resource>::Scope as WatchScope>::NAMESPACED,)*
                }
            }

            /// Group, version, kind and plural, for dynamic requests (describe).
            pub fn api_resource(self) -> ApiResource {
                match self { $(Kind::$variant => ApiResource::erase::<$api>(&()),)* }
            }

            pub fn view(self) -> KindView {
                match self { $(Kind::$variant => $view,)* }
            }

            /// The `:` commands that open this kind's view.
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $(Kind::$variant => &[$($alias),*],)* }
            }

            /// Starts this kind's watcher on `tasks`.
            pub fn spawn_watch(
                self,
                tasks: &mut JoinSet<()>,
                client: &Client,
                cluster: &str,
                namespace: Option<&str>,
                tx: &Tx,
            ) {
                match self {
                    $(Kind::$variant => {
                        let api = <<$api as k8s_openapi::Resource>::Scope as WatchScope>::api::<$api>(client, namespace);
                        tasks.spawn(crate::sources::watch::watch::<$api, $row>(
                            api, cluster.to_owned(), self, KubeUpdate::$variant, tx.clone(),
                        ));
                    })*
                }
            }
        }
    };
}

use KindView::{Hidden, In, Own};

kinds! {
    // Variant   => store field: API type             => row,             view,                                             `:` aliases;
    Nodes          => nodes: Node                      => NodeRow,         In(ViewKind::Nodes),                              ["nodes", "no", "node"];
    Pods           => pods: Pod                        => PodRow,          In(ViewKind::Pods),                               ["pods", "po", "pod"];
    Deployments    => deployments: Deployment          => WorkloadRow,     In(ViewKind::Workloads),                          ["deploy", "dp", "workloads", "deployments"];
    ReplicaSets    => replicasets: ReplicaSet          => ReplicaSetRow,   Hidden,                                           [];
    StatefulSets   => statefulsets: StatefulSet        => WorkloadRow,     In(ViewKind::Workloads),                          ["sts"];
    DaemonSets     => daemonsets: DaemonSet            => WorkloadRow,     In(ViewKind::Workloads),                          ["ds"];
    Services       => services: Service                => ServiceRow,      Own("Services", views::services::build),          ["svc", "services", "service"];
    EndpointSlices => endpointslices: EndpointSlice    => EndpointSliceRow, Own("EndpointSlices", views::endpoints::build), ["ep", "endpoints", "endpointslices", "eps"];
    Ingresses      => ingresses: Ingress               => IngressRow,      Own("Ingresses", views::ingresses::build),        ["ing", "ingresses", "ingress"];
    Events         => events: Event                    => EventRow,        Own("Events", views::events::build),              ["ev", "events", "event"];
    Namespaces     => namespaces: Namespace            => NamespaceRow,    Own("Namespaces", views::namespaces::build),      ["ns", "namespaces", "namespace"];
    Hpas           => hpas: HorizontalPodAutoscaler    => HpaRow,          In(ViewKind::Hpa),                                ["hpa"];
    Pvcs           => pvcs: PersistentVolumeClaim      => PvcRow,          In(ViewKind::Pvc),                                ["pvc"];
    Pvs            => pvs: PersistentVolume            => PvRow,           Own("PersistentVolumes", views::pvs::build),      ["pv", "persistentvolumes"];
    StorageClasses => storageclasses: StorageClass     => StorageClassRow, Own("StorageClasses", views::storageclasses::build), ["sc", "storageclasses", "storageclass"];
    Secrets        => secrets: Secret                  => SecretRow,       Own("Secrets", views::secrets::build),            ["secrets", "secret", "sec"];
}

impl Kind {
    /// The view that shows this kind, if any.
    pub fn view_kind(self) -> Option<ViewKind> {
        match self.view() {
            KindView::Hidden => None,
            KindView::In(v) => Some(v),
            KindView::Own(..) => Some(ViewKind::Kind(self)),
        }
    }

    /// The kind a `:` command names, if any.
    pub fn by_alias(alias: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.aliases().contains(&alias))
    }

    /// The watched kind with this API kind name (`Service`).
    pub fn by_api_kind(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.api_kind() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_shown_or_explicitly_hidden_and_its_aliases_open_it() {
        for k in Kind::ALL {
            match k.view() {
                KindView::Hidden => {
                    assert!(k.aliases().is_empty(), "{k:?} is hidden but has aliases")
                }
                KindView::In(_) | KindView::Own(..) => {
                    assert!(!k.aliases().is_empty(), "{k:?} has a view but no `:` alias");
                }
            }
            for a in k.aliases() {
                assert_eq!(Kind::by_alias(a), Some(*k), "alias {a} is taken twice");
            }
        }
    }

    #[test]
    fn api_resources_come_from_the_types() {
        let ing = Kind::Ingresses.api_resource();
        assert_eq!(
            (
                ing.group.as_str(),
                ing.version.as_str(),
                ing.plural.as_str()
            ),
            ("networking.k8s.io", "v1", "ingresses")
        );
        assert_eq!(Kind::Hpas.label(), "horizontalpodautoscalers");
        assert_eq!(Kind::by_api_kind("Namespace"), Some(Kind::Namespaces));
        assert!(!Kind::Namespaces.namespaced());
        assert!(Kind::Events.namespaced());
    }
}
