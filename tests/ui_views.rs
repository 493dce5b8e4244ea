//! Every view rendered with ratatui's TestBackend from a fixture fleet (the
//! terrax-fargate set-up: Fargate + EC2 + virtual nodes, a PVC deadlock, an
//! HPA at max, a crash-looping pod, a Kong node with an empty upstream, Kong
//! on ECS), compared with insta snapshots; and key flows asserted by the
//! effect they produce.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fleetdeck::app::nav::{NavEntry, Scope, ViewKind};
use fleetdeck::app::snapshot::frame;
use fleetdeck::app::state::State;
use fleetdeck::app::update::{Event, update};
use fleetdeck::config::keymap::{Keymap, Mode};
use fleetdeck::config::theme::Theme;
use fleetdeck::model::aws::{
    AwsRegionRows, EcsClusterRow, EcsServiceRow, EcsTaskRow, EksClusterRow, FargateProfileRow,
    NodegroupRow,
};
use fleetdeck::model::cluster::{Kind, KubeUpdate};
use fleetdeck::model::fleet::SourceUpdate;
use fleetdeck::model::kong::{KongDb, KongNode, KongTarget, KongUpstream, KongVia, PodAccess};
use fleetdeck::model::store::Change;
use fleetdeck::ui::svg::to_text;
use fleetdeck::ui::table::Line;
use fleetdeck::ui::views;
use fleetdeck::view::subject::Subject;
use serde_json::Value;

const NOW: &str = "2024-01-01T12:00:00Z";

fn rows<K, R>(items: &[Value], kind: &str) -> Vec<R>
where
    K: serde::de::DeserializeOwned,
    R: for<'a> From<&'a K>,
{
    items
        .iter()
        .filter(|i| i["kind"] == kind)
        .map(|i| R::from(&serde_json::from_value::<K>(i.clone()).expect(kind)))
        .collect()
}

fn kong_node(name: &str, ip: &str, targets: Vec<KongTarget>) -> KongNode {
    let mut n = KongNode::new(
        "kong",
        name,
        KongVia::Pod {
            cluster: "terrax-fargate".into(),
            namespace: "kong".into(),
            pod: name.into(),
            access: PodAccess::Proxy {
                port: 8001,
                tls: false,
            },
        },
    );
    n.reachable = Ok(());
    n.ready = Some(Ok(()));
    n.db = KongDb::Hash("a1b2c3d4e5f60718293a4b5c6d7e8f90".into());
    n.version = Some("3.6.1".into());
    n.ip = Some(ip.into());
    n.polled = Some(NOW.parse().expect("ts"));
    n.upstreams = vec![
        KongUpstream {
            name: "service.tb-demo.8080.svc".into(),
            balancer: Some("HEALTHY".into()),
            targets,
        },
        KongUpstream {
            name: "mysql.tb-demo.3306.svc".into(),
            balancer: Some("UNHEALTHY".into()),
            targets: vec![],
        },
    ];
    n
}

fn target(t: &str, health: &str) -> KongTarget {
    KongTarget {
        target: t.into(),
        weight: 100,
        health: health.into(),
    }
}

/// The fixture fleet, fed through `update` exactly as sources would.
fn fleet_state() -> State {
    let now = NOW.parse().expect("ts");
    let mut state = State::new(
        Theme::builtin("default").expect("theme"),
        Keymap::builtin("default").expect("keymap"),
        now,
    );
    let doc: Value = serde_json::from_str(include_str!("fixtures/terrax.json")).expect("fixture");
    let cluster = doc["cluster"].as_str().expect("cluster").to_owned();
    let items = doc["items"].as_array().expect("items").clone();
    use fleetdeck::model::{event, hpa, node, pod, pvc, service, workload};
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v2 as asv2, core::v1 as core, discovery::v1 as disc,
        storage::v1 as st,
    };
    let updates = vec![
        KubeUpdate::Nodes(Change::reset(rows::<core::Node, node::NodeRow>(
            &items, "Node",
        ))),
        KubeUpdate::Pods(Change::reset(rows::<core::Pod, pod::PodRow>(&items, "Pod"))),
        KubeUpdate::Deployments(Change::reset(
            rows::<apps::Deployment, workload::WorkloadRow>(&items, "Deployment"),
        )),
        KubeUpdate::ReplicaSets(Change::reset(rows::<
            apps::ReplicaSet,
            workload::ReplicaSetRow,
        >(&items, "ReplicaSet"))),
        KubeUpdate::StatefulSets(Change::reset(rows::<
            apps::StatefulSet,
            workload::WorkloadRow,
        >(&items, "StatefulSet"))),
        KubeUpdate::DaemonSets(Change::reset(vec![])),
        KubeUpdate::Services(Change::reset(vec![])),
        KubeUpdate::Ingresses(Change::reset(vec![])),
        KubeUpdate::Namespaces(Change::reset(vec![])),
        KubeUpdate::EndpointSlices(Change::reset(rows::<
            disc::EndpointSlice,
            service::EndpointSliceRow,
        >(&items, "EndpointSlice"))),
        KubeUpdate::Events(Change::reset(rows::<core::Event, event::EventRow>(
            &items, "Event",
        ))),
        KubeUpdate::Hpas(Change::reset(rows::<
            asv2::HorizontalPodAutoscaler,
            hpa::HpaRow,
        >(&items, "HorizontalPodAutoscaler"))),
        KubeUpdate::Pvcs(Change::reset(rows::<
            core::PersistentVolumeClaim,
            pvc::PvcRow,
        >(&items, "PersistentVolumeClaim"))),
        KubeUpdate::Pvs(Change::reset(vec![])),
        KubeUpdate::StorageClasses(Change::reset(
            rows::<st::StorageClass, pvc::StorageClassRow>(&items, "StorageClass"),
        )),
    ];
    let mut send = |u| {
        update(&mut state, Event::Source(u));
    };
    send(SourceUpdate::ClusterAdded {
        cluster: cluster.clone(),
        server: doc["server"].as_str().map(str::to_owned),
    });
    send(SourceUpdate::ClusterConnected {
        cluster: cluster.clone(),
        version: doc["version"].as_str().unwrap_or("-").to_owned(),
    });
    for u in updates {
        send(SourceUpdate::Kube {
            cluster: cluster.clone(),
            update: u,
        });
    }
    send(SourceUpdate::ClusterAdded {
        cluster: "global-us".into(),
        server: Some("https://XYZ.gr7.us-east-1.eks.amazonaws.com".into()),
    });
    send(SourceUpdate::ClusterError {
        cluster: "global-us".into(),
        error: fleetdeck::model::status::SourceError::Unreachable(
            "Connection refused (os error 111)".into(),
        ),
    });
    send(SourceUpdate::GatewayAdded {
        gateway: "kong".into(),
        cluster: Some(cluster.clone()),
        ecs_service: None,
    });
    send(SourceUpdate::GatewayState {
        gateway: "kong".into(),
        state: fleetdeck::model::status::SourceState::Live,
    });
    send(SourceUpdate::KongNode(Box::new(kong_node(
        "kong-gw-0",
        "10.0.3.11",
        vec![
            target("10.0.1.23:8080", "HEALTHY"),
            target("10.0.1.24:8080", "HEALTHY"),
        ],
    ))));
    let mut stale = kong_node(
        "kong-gw-1",
        "10.0.3.13",
        vec![
            target("10.0.1.23:8080", "HEALTHY"),
            target("10.0.1.99:8080", "DNS_ERROR"),
        ],
    );
    stale.db = KongDb::Hash("ffffffffffffffffffffffffffffffff".into());
    send(SourceUpdate::KongNode(Box::new(stale)));
    send(SourceUpdate::GatewayAdded {
        gateway: "kong-ecs".into(),
        cluster: None,
        ecs_service: Some("eu-west-1/kong-ecs/kong-gw".into()),
    });
    send(SourceUpdate::GatewayState {
        gateway: "kong-ecs".into(),
        state: fleetdeck::model::status::SourceState::Live,
    });
    let mut ecs_node = KongNode::new(
        "kong-ecs",
        "10.1.0.5:8001",
        KongVia::Url("http://10.1.0.5:8001".into()),
    );
    ecs_node.reachable = Ok(());
    ecs_node.ready = Some(Ok(()));
    ecs_node.db = KongDb::Reachable(true);
    ecs_node.polled = Some(now);
    ecs_node.upstreams = vec![KongUpstream {
        name: "orders".into(),
        balancer: Some("HEALTHY".into()),
        targets: vec![target("10.1.0.20:8080", "HEALTHY")],
    }];
    send(SourceUpdate::KongNode(Box::new(ecs_node)));
    send(SourceUpdate::AwsRegion {
        region: "eu-west-1".into(),
        rows: Box::new(aws_rows()),
    });
    // Every kind live.
    for k in Kind::ALL {
        send(SourceUpdate::KindState {
            cluster: cluster.clone(),
            kind: *k,
            state: fleetdeck::model::status::SourceState::Live,
        });
    }
    state
}

fn aws_rows() -> AwsRegionRows {
    let r = "eu-west-1".to_owned();
    AwsRegionRows {
        eks: vec![EksClusterRow {
            region: r.clone(),
            name: "terrax-fargate".into(),
            version: Some("1.30".into()),
            status: "ACTIVE".into(),
            endpoint: Some("https://ABC.gr7.eu-west-1.eks.amazonaws.com".into()),
        }],
        profiles: vec![
            FargateProfileRow {
                region: r.clone(),
                cluster: "terrax-fargate".into(),
                name: "fp-default".into(),
                status: "ACTIVE".into(),
                selectors: vec!["ns=default".into(), "ns=kube-system".into()],
            },
            FargateProfileRow {
                region: r.clone(),
                cluster: "terrax-fargate".into(),
                name: "fp-demo-service".into(),
                status: "ACTIVE".into(),
                selectors: vec!["ns=tb-demo app=service".into()],
            },
        ],
        nodegroups: vec![NodegroupRow {
            region: r.clone(),
            cluster: "terrax-fargate".into(),
            name: "ng-mysql".into(),
            status: "ACTIVE".into(),
            capacity_type: Some("ON_DEMAND".into()),
            instance_types: vec!["t2.medium".into()],
            min: 1,
            desired: 1,
            max: 2,
            issues: vec![],
        }],
        ecs: vec![EcsClusterRow {
            region: r.clone(),
            name: "kong-ecs".into(),
            status: "ACTIVE".into(),
            running_tasks: 2,
            pending_tasks: 1,
            services: 2,
        }],
        services: vec![
            EcsServiceRow {
                region: r.clone(),
                cluster: "kong-ecs".into(),
                name: "kong-gw".into(),
                status: "ACTIVE".into(),
                desired: 3,
                running: 2,
                pending: 1,
                launch_type: Some("FARGATE".into()),
                deployments: vec!["PRIMARY 2/3".into()],
                last_event: Some("(service kong-gw) has started 1 tasks".into()),
                managed_by: None,
            },
            EcsServiceRow {
                region: r.clone(),
                cluster: "kong-ecs".into(),
                name: "orders".into(),
                status: "ACTIVE".into(),
                desired: 1,
                running: 1,
                pending: 0,
                launch_type: Some("FARGATE".into()),
                deployments: vec!["PRIMARY 1/1".into()],
                last_event: None,
                managed_by: Some("virtual-kubelet".into()),
            },
        ],
        tasks: vec![
            EcsTaskRow {
                region: r.clone(),
                cluster: "kong-ecs".into(),
                id: "0a1b2c".into(),
                service: Some("kong-gw".into()),
                last_status: "RUNNING".into(),
                desired_status: "RUNNING".into(),
                health: "HEALTHY".into(),
                ip: Some("10.1.0.5".into()),
                launch_type: Some("FARGATE".into()),
            },
            EcsTaskRow {
                region: r.clone(),
                cluster: "kong-ecs".into(),
                id: "3d4e5f".into(),
                service: Some("orders".into()),
                last_status: "RUNNING".into(),
                desired_status: "RUNNING".into(),
                health: "HEALTHY".into(),
                ip: Some("10.1.0.20".into()),
                launch_type: Some("FARGATE".into()),
            },
        ],
        placements: Vec::new(),
        kong_services: Vec::new(),
        ecs_scaling: Default::default(),
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(state: &mut State, keys: &str) {
    for c in keys.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\u{1b}' => KeyCode::Esc,
            '\t' => KeyCode::Tab,
            '\u{2192}' => KeyCode::Right,
            '\u{2190}' => KeyCode::Left,
            c => KeyCode::Char(c),
        };
        update(state, key(code));
    }
}

fn screen(state: &State) -> String {
    to_text(&frame(state, (160, 40)))
}

fn open(view: &str) -> String {
    let mut state = fleet_state();
    press(&mut state, &format!(":{view}\n"));
    screen(&state)
}

/// The fixture fleet plus its Services, Ingresses (class kong), Namespaces
/// and a newer event, for the registry's own views.
fn network_state() -> State {
    let mut state = fleet_state();
    let doc: Value =
        serde_json::from_str(include_str!("fixtures/terrax_network.json")).expect("fixture");
    let items = doc["items"].as_array().expect("items").clone();
    use fleetdeck::model::{event, ingress, namespace, pvc, service};
    use k8s_openapi::api::{core::v1 as core, networking::v1 as net};
    let mut events = rows::<core::Event, event::EventRow>(&items, "Event");
    events.extend(
        state.fleet.clusters["terrax-fargate"]
            .stores
            .events
            .iter()
            .cloned(),
    );
    let updates = vec![
        KubeUpdate::Services(Change::reset(rows::<core::Service, service::ServiceRow>(
            &items, "Service",
        ))),
        KubeUpdate::Ingresses(Change::reset(rows::<net::Ingress, ingress::IngressRow>(
            &items, "Ingress",
        ))),
        KubeUpdate::Namespaces(Change::reset(rows::<
            core::Namespace,
            namespace::NamespaceRow,
        >(&items, "Namespace"))),
        KubeUpdate::Events(Change::reset(events)),
        KubeUpdate::Pvs(Change::reset(rows::<core::PersistentVolume, pvc::PvRow>(
            &items,
            "PersistentVolume",
        ))),
    ];
    for u in updates {
        update(
            &mut state,
            Event::Source(SourceUpdate::Kube {
                cluster: "terrax-fargate".into(),
                update: u,
            }),
        );
    }
    state
}

fn open_network(view: &str) -> (State, String) {
    let mut state = network_state();
    press(&mut state, &format!(":{view}\n"));
    let s = screen(&state);
    (state, s)
}

/// The screen at the two sizes every changed view is checked at.
fn screens(state: &State) -> (String, String) {
    (
        to_text(&frame(state, (200, 50))),
        to_text(&frame(state, (80, 24))),
    )
}

fn flash(state: &State) -> String {
    state
        .flash
        .as_ref()
        .map(|(m, _)| m.clone())
        .unwrap_or_default()
}

#[test]
fn ep_lists_endpoint_slices_with_their_readiness_and_enter_opens_the_service() {
    let (mut state, _) = open_network("ep");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::EndpointSlices));
    let (wide, narrow) = screens(&state);
    assert!(
        wide.contains("service-abc") && wide.contains("2/2"),
        "{wide}"
    );
    assert!(wide.contains("10.0.1.23,10.0.1.24"), "{wide}");
    assert!(
        wide.contains("mysql-abc") && wide.contains("<none>"),
        "{wide}"
    );
    insta::assert_snapshot!("endpoints_view_200x50", wide);
    insta::assert_snapshot!("endpoints_view_80x24", narrow);
    // Rows sort by name: mysql-abc, then service-abc.
    press(&mut state, "j\n");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::Services));
    assert_eq!(state.entry().scope.name.as_deref(), Some("service"));
}

#[test]
fn sc_lists_storage_classes_with_binding_mode_and_claims() {
    let (state, _) = open_network("sc");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::StorageClasses));
    let (wide, narrow) = screens(&state);
    assert!(
        wide.contains("gp2") && wide.contains("WaitForFirstConsumer"),
        "{wide}"
    );
    assert!(wide.contains("kubernetes.io/aws-ebs"), "{wide}");
    insta::assert_snapshot!("storageclasses_view_200x50", wide);
    insta::assert_snapshot!("storageclasses_view_80x24", narrow);
}

#[test]
fn pv_lists_volumes_and_enter_opens_the_bound_claim() {
    let (mut state, _) = open_network("pv");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::Pvs));
    let (wide, narrow) = screens(&state);
    assert!(
        wide.contains("Released") && wide.contains("old-team/logs"),
        "{wide}"
    );
    assert!(
        wide.contains("Bound") && wide.contains("tb-demo/data"),
        "{wide}"
    );
    insta::assert_snapshot!("pvs_view_200x50", wide);
    insta::assert_snapshot!("pvs_view_80x24", narrow);
    // Rows sort by name: pvc-5f1c… (Released), then pvc-8a7e… (bound to tb-demo/data).
    press(&mut state, "j\n");
    assert_eq!(state.entry().kind(), ViewKind::Pvc);
    assert_eq!(state.entry().scope.name.as_deref(), Some("data"));
    assert_eq!(state.entry().scope.namespace.as_deref(), Some("tb-demo"));
}

#[test]
fn pods_ns_scopes_the_view_and_unknown_namespaces_are_refused() {
    let mut state = fleet_state();
    press(&mut state, ":pods kube-system\n");
    assert_eq!(state.entry().kind(), ViewKind::Pods);
    assert_eq!(
        state.entry().scope.namespace.as_deref(),
        Some("kube-system")
    );
    let s = screen(&state);
    assert!(s.contains("coredns") && !s.contains("mysql-0"), "{s}");
    // No such namespace: refused with the known ones, nothing changes.
    press(&mut state, ":ns shopp\n");
    assert_eq!(state.namespace_scope, None);
    let f = flash(&state);
    assert!(
        f.starts_with("no namespace \"shopp\"") && f.contains("tb-demo"),
        "{f}"
    );
    press(&mut state, ":deploy shopp\n");
    assert_eq!(state.entry().kind(), ViewKind::Pods, "the view stays");
    assert!(flash(&state).starts_with("no namespace \"shopp\""));
    // Cluster-scoped kinds take no namespace.
    press(&mut state, ":nodes kube-system\n");
    assert_eq!(state.entry().kind(), ViewKind::Pods);
    assert!(
        flash(&state).contains("not namespaced"),
        "{}",
        flash(&state)
    );
}

#[test]
fn ctx_alone_opens_a_cluster_picker_and_enter_scopes_to_the_pick() {
    let mut state = fleet_state();
    press(&mut state, ":pods\n:ctx\n");
    assert_eq!(state.mode, Mode::Picker);
    assert_eq!(
        state.cluster_scope, None,
        "opening the picker changes nothing"
    );
    let (_, narrow) = screens(&state);
    assert!(
        narrow.contains("pick a cluster") && narrow.contains("global-us"),
        "{narrow}"
    );
    insta::assert_snapshot!("ctx_picker_80x24", narrow);
    // all, global-us, terrax-fargate: the third.
    press(&mut state, "jj\n");
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(state.cluster_scope.as_deref(), Some("terrax-fargate"));
    assert_eq!(state.entry().kind(), ViewKind::Pods, "the view stays");
    // Reopened on the current scope; esc keeps it.
    press(&mut state, ":ctx\nk\u{1b}");
    assert_eq!(state.cluster_scope.as_deref(), Some("terrax-fargate"));
    press(&mut state, ":ctx\ngg\n");
    assert_eq!(state.cluster_scope, None);
}

#[test]
fn services_view_shows_the_gateway_upstream_routing_to_each() {
    let (state, s) = open_network("svc");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::Services));
    assert!(s.contains("kong/service.tb-demo.8080.svc"), "{s}");
    assert!(s.contains("kong/mysql.tb-demo.3306.svc"), "{s}");
    assert!(s.contains("80:30080/TCP,443:30443/TCP"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn ingresses_view_flags_a_missing_backend_and_enter_opens_the_service() {
    let (mut state, s) = open_network("ing");
    assert!(s.contains("demo.terrax.io"), "{s}");
    insta::assert_snapshot!(s);
    // Rows sort by name: `admin` (backend missing) first, then `service`.
    press(&mut state, "j\n");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::Services));
    assert_eq!(state.entry().scope.name.as_deref(), Some("service"));
}

#[test]
fn events_view_is_newest_first_with_warnings_highlighted() {
    let (_, s) = open_network("ev");
    let newest = s.find("Pulled").expect("the newer event is shown");
    let older = s
        .find("FailedScheduling")
        .expect("the older warning is shown");
    assert!(newest < older, "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn namespaces_view_and_enter_scopes_to_the_namespace() {
    let (mut state, s) = open_network("ns");
    assert_eq!(state.entry().kind(), ViewKind::Kind(Kind::Namespaces));
    assert!(s.contains("Terminating"), "{s}");
    insta::assert_snapshot!(s);
    // default, kube-system, kong, old-team, tb-demo: the fifth is tb-demo.
    press(&mut state, "jjjj\n");
    assert_eq!(state.namespace_scope.as_deref(), Some("tb-demo"));
    assert_eq!(state.entry().kind(), ViewKind::Pods);
    let pods = screen(&state);
    assert!(
        pods.contains("service-6b7c-a1") && !pods.contains("coredns"),
        "{pods}"
    );
    // `:ns NAME` still sets the scope.
    press(&mut state, ":ns kong\n");
    assert_eq!(state.namespace_scope.as_deref(), Some("kong"));
}

#[test]
fn fleet_view() {
    insta::assert_snapshot!(screen(&fleet_state()));
}

#[test]
fn nodes_view() {
    insta::assert_snapshot!(open("nodes"));
}

#[test]
fn pods_view() {
    insta::assert_snapshot!(open("pods"));
}

#[test]
fn workloads_view() {
    insta::assert_snapshot!(open("deploy"));
}

#[test]
fn hpa_view() {
    insta::assert_snapshot!(open("hpa"));
}

#[test]
fn pvc_view() {
    insta::assert_snapshot!(open("pvc"));
}

#[test]
fn gateways_view() {
    insta::assert_snapshot!(open("gw"));
}

#[test]
fn aws_view() {
    insta::assert_snapshot!(open("aws"));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut state = fleet_state();
    press(&mut state, "?");
    assert_eq!(state.mode, Mode::Help);
    let s = screen(&state);
    assert!(s.contains("describe the selected object"), "{s}");
    insta::assert_snapshot!(s);
    press(&mut state, "\u{1b}");
    assert_eq!(state.mode, Mode::Normal);
}

#[test]
fn drill_cluster_to_nodes_to_pods_and_back() {
    let mut state = fleet_state();
    // Fleet → terrax-fargate (second row; global-us sorts first) → its nodes.
    press(&mut state, "j\n");
    assert_eq!(state.entry().kind(), ViewKind::Nodes);
    assert_eq!(
        state.entry().scope.cluster.as_deref(),
        Some("terrax-fargate")
    );
    // First node is a Fargate node hosting one pod.
    press(&mut state, "\n");
    assert_eq!(state.entry().kind(), ViewKind::Pods);
    let s = screen(&state);
    assert!(s.contains("(1)"), "one pod on a Fargate node:\n{s}");
    // Pod → its node.
    press(&mut state, "\n");
    assert_eq!(state.entry().kind(), ViewKind::Nodes);
    assert!(
        state
            .entry()
            .scope
            .node
            .as_deref()
            .is_some_and(|n| n.starts_with("fargate-ip-"))
    );
    press(&mut state, "\u{1b}\u{1b}\u{1b}");
    assert_eq!(state.entry().kind(), ViewKind::Fleet);
    assert_eq!(state.nav.depth(), 1);
}

#[test]
fn gateway_to_upstream_to_targets_to_pod() {
    let mut state = fleet_state();
    // The second Kong node of gateway `kong`: its upstreams, and only its.
    press(&mut state, ":gw\nj\n");
    assert_eq!(state.entry().kind(), ViewKind::Upstreams);
    assert_eq!(state.entry().scope.kong_node.as_deref(), Some("kong-gw-1"));
    let s = screen(&state);
    assert!(
        s.contains("mysql.tb-demo.3306.svc") && s.contains("UNHEALTHY"),
        "{s}"
    );
    assert!(!s.contains("kong-gw-0"), "another node's rows:\n{s}");
    insta::assert_snapshot!("upstreams_view", s);
    // Upstreams sort by name: mysql first (empty: no targets), then service.
    press(&mut state, "\n");
    assert_eq!(state.entry().kind(), ViewKind::Targets);
    let s = screen(&state);
    assert!(
        s.contains("failure to get a peer"),
        "empty upstream explains the 503:\n{s}"
    );
    press(&mut state, "\u{1b}j\n");
    assert_eq!(state.entry().scope.kong_node.as_deref(), Some("kong-gw-1"));
    let s = screen(&state);
    assert!(
        s.contains("10.0.1.99:8080") && s.contains("stale target"),
        "{s}"
    );
    assert!(!s.contains("kong-gw-0"), "another node's targets:\n{s}");
    insta::assert_snapshot!("targets_view", s);
    // Target → the pod behind it → its node.
    press(&mut state, "\n");
    assert_eq!(state.entry().kind(), ViewKind::Pods);
    assert_eq!(state.entry().scope.pod.as_deref(), Some("service-6b7c-a1"));
    press(&mut state, "\n");
    assert_eq!(state.entry().kind(), ViewKind::Nodes);
}

#[test]
fn filter_keeps_matching_names_and_esc_clears_it() {
    let mut state = fleet_state();
    press(&mut state, ":pods\n/api");
    assert_eq!(state.mode, Mode::Filter);
    press(&mut state, "\n");
    let s = screen(&state);
    assert!(s.contains("api-7d9f-q2") && !s.contains("mysql-0"), "{s}");
    press(&mut state, "\u{1b}");
    assert!(state.entry().filter.is_empty());
    assert!(screen(&state).contains("mysql-0"));
}

#[test]
fn command_completion_namespace_scope_and_sort() {
    let mut state = fleet_state();
    press(&mut state, ":hp\t");
    assert_eq!(state.input, "hpa");
    press(&mut state, "\u{1b}:ns tb\t\n");
    assert_eq!(state.namespace_scope.as_deref(), Some("tb-demo"));
    press(&mut state, ":po\n");
    let s = screen(&state);
    assert!(s.contains("mysql-0") && !s.contains("coredns"), "{s}");
    // Sort by the first column descending, then back to all namespaces.
    press(&mut state, "0");
    assert_eq!(state.namespace_scope, None);
    press(&mut state, ">!");
    assert_eq!(state.entry().sort, Some(("cluster", true)));
}

#[test]
fn tab_cycles_views_and_q_quits() {
    let mut state = fleet_state();
    let mut seen = Vec::new();
    for _ in 0..ViewKind::TABS.len() {
        seen.push(state.entry().kind());
        press(&mut state, "\t");
    }
    assert_eq!(seen, ViewKind::TABS);
    assert_eq!(state.entry().kind(), ViewKind::Fleet);
    press(&mut state, "q");
    assert!(state.quit);
}

#[test]
fn describe_opens_over_the_table_and_unknown_commands_are_explained() {
    let mut state = fleet_state();
    press(&mut state, "d");
    assert!(
        matches!(
            &state.act.overlay,
            Some(fleetdeck::actions::Overlay::Describe(p)) if p.title.starts_with("describe ")
        ),
        "d opens the describe pane"
    );
    press(&mut state, "q");
    assert!(
        state.act.overlay.is_none() && !state.quit,
        "q closes the pane only"
    );
    press(&mut state, ":bogus\n");
    assert!(
        state
            .flash
            .as_ref()
            .is_some_and(|(m, _)| m.contains("unknown command :bogus"))
    );
    let f = flash(&state);
    assert!(
        f.contains(" svc ") && f.contains(" sc ") && f.contains(" ctx "),
        "{f}"
    );
}

#[test]
fn findings_view() {
    insta::assert_snapshot!(open("findings"));
}

#[test]
fn enter_on_a_finding_jumps_to_its_object() {
    let mut state = fleet_state();
    press(&mut state, ":findings\n");
    assert_eq!(state.entry().kind(), ViewKind::Findings);
    assert!(!state.findings.list.is_empty());
    // The first row is the root cause of the worst incident.
    let root = state.findings.incidents[0].root;
    let first = state.findings.list[root].objects[0].clone();
    press(&mut state, "\n");
    if state.entry().kind() == ViewKind::Findings {
        // The first Enter unfolded its symptoms; the second jumps.
        assert!(!state.findings.incidents[0].symptoms.is_empty());
        press(&mut state, "\n");
    }
    assert_ne!(state.entry().kind(), ViewKind::Findings, "{first:?}");
    let scope = state.entry().scope.clone();
    let names = [
        scope.pod,
        scope.name,
        scope.node,
        scope.upstream,
        scope.gateway,
        scope.cluster,
    ];
    assert!(
        names
            .iter()
            .flatten()
            .any(|n| *n == first.name || *n == first.namespace),
        "{first:?}"
    );
    press(&mut state, "\u{1b}");
    assert_eq!(state.entry().kind(), ViewKind::Findings);
}

#[test]
fn findings_fold_under_their_incident_and_f_shows_the_flat_list() {
    let mut state = fleet_state();
    press(&mut state, ":findings\n");
    let (incidents, findings) = (state.findings.incidents.len(), state.findings.list.len());
    let folded = row_ids(&state);
    assert_eq!(folded.len(), incidents, "one row per incident: {folded:?}");
    let with = state
        .findings
        .incidents
        .iter()
        .position(|i| !i.symptoms.is_empty())
        .expect("the fixture has an incident with symptoms");
    let n = state.findings.incidents[with].symptoms.len();
    press(&mut state, &"j".repeat(with));
    press(&mut state, "\u{2192}");
    let open = row_ids(&state);
    assert_eq!(open.len(), incidents + n, "{open:?}");
    // The symptoms sit right under their root.
    assert_eq!(open[..=with], folded[..=with]);
    assert_eq!(open[with + n + 1..], folded[with + 1..]);
    press(&mut state, "\u{2190}");
    assert_eq!(row_ids(&state), folded);
    press(&mut state, "f");
    assert_eq!(row_ids(&state).len(), findings, "f: every finding");
    press(&mut state, "f");
    assert_eq!(row_ids(&state), folded);
}

/// The text inside the details box under the table, rows joined, every
/// blank left out (a row break may fall inside a word).
fn details_text(screen: &str) -> String {
    let mut inside = false;
    let mut out = String::new();
    for line in screen.lines() {
        if line.starts_with("┌ details") {
            inside = true;
        } else if inside && line.starts_with('└') {
            break;
        } else if inside {
            out.push_str(line.trim_matches('│'));
        }
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}

fn no_blanks(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

#[test]
fn a_findings_fix_is_never_cut_at_200x50_or_80x24() {
    let mut state = fleet_state();
    press(&mut state, ":findings\n");
    let rows = row_ids(&state).len();
    let mut checked = 0;
    for i in 0..rows {
        for size in [(200, 50), (80, 24)] {
            let screen = to_text(&frame(&state, size));
            let shown = details_text(&screen);
            // The finding the details are about: the one whose cause they start with.
            let f = state
                .findings
                .list
                .iter()
                .find(|f| shown.starts_with(&no_blanks(&f.cause)))
                .unwrap_or_else(|| panic!("row {i} at {size:?}: no finding's cause in {shown}"));
            if f.fix.is_empty() {
                continue;
            }
            assert!(
                shown.contains(&no_blanks(&format!("fix: {}", f.fix))),
                "row {i} at {size:?}: the fix of {} is cut:\n{screen}",
                f.code
            );
            checked += 1;
        }
        press(&mut state, "j");
    }
    assert!(checked >= 4, "rows with a fix: {checked}");
    // The PVC deadlock's fix is the longest: it wraps over rows at 80 columns.
    press(&mut state, "g");
    let at = state
        .findings
        .incidents
        .iter()
        .filter_map(|i| state.findings.list.get(i.root))
        .position(|f| f.code == "FD-PVC-WFFC-DEADLOCK")
        .expect("the fixture's PVC deadlock");
    press(&mut state, &"j".repeat(at));
    let (wide, narrow) = screens(&state);
    insta::assert_snapshot!("findings_long_fix_200x50", wide);
    insta::assert_snapshot!("findings_long_fix_80x24", narrow);
}

#[test]
fn details_that_cannot_grow_enough_say_how_many_lines_are_left() {
    let mut state = fleet_state();
    press(&mut state, ":findings\n");
    // 80x16: a third of the screen is not enough for any finding's chain.
    let screen = to_text(&frame(&state, (80, 16)));
    let more = screen
        .lines()
        .find(|l| l.contains("more lines, d to describe"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(more.contains("… "), "{more}");
    assert!(
        screen.contains("│SEVERITY"),
        "the table keeps its rows:\n{screen}"
    );
}

/// The describe pane of mysql-0 as the API would fill it, with the event
/// the sim's kubelet writes when an image cannot be pulled.
fn described_with_a_pull_error(state: &mut State) {
    use fleetdeck::actions::{ActionEvent, Overlay, describe};
    press(state, ":pods\n/^mysql-0$\nd");
    let Some(Overlay::Describe(p)) = &state.act.overlay else {
        panic!("d opens the describe pane");
    };
    let id = p.id;
    let doc: Value = serde_json::from_str(include_str!("fixtures/terrax.json")).expect("fixture");
    let pod = doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "Pod" && i["metadata"]["name"] == "mysql-0")
        .expect("mysql-0")
        .clone();
    let image = "docker.io/shop/report-renderer:v9.14.2-build.20240101";
    let event = serde_json::json!({
        "type": "Warning",
        "reason": "Failed",
        "lastTimestamp": "2024-01-01T11:58:00Z",
        "count": 4,
        "source": { "component": "kubelet" },
        "message": format!(
            "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": docker.io/shop/report-renderer: not found"
        ),
    });
    let now = NOW.parse().expect("now");
    let text = describe::kube::describe(&pod, &[event], None, now);
    update(
        state,
        Event::Action(ActionEvent::Described {
            id,
            result: Ok(describe::Described {
                text,
                yaml: vec!["kind: Pod".into()],
            }),
        }),
    );
}

#[test]
fn describe_wraps_a_long_event_line_and_without_wrap_scrolls_it_sideways() {
    let mut state = fleet_state();
    described_with_a_pull_error(&mut state);
    let tail = "docker.io/shop/report-renderer: not found";
    // At each size: drawn once (the pane learns its size), then G to the end.
    let mut at = |size| {
        let _ = frame(&state, size);
        press(&mut state, "G");
        to_text(&frame(&state, size))
    };
    let (wide, narrow) = (at((200, 50)), at((80, 24)));
    for (screen, size) in [(&wide, "200x50"), (&narrow, "80x24")] {
        assert!(screen.contains(" · wrap "), "{size}: {screen}");
        // Wrapped, the whole message is on screen, its end included.
        assert!(
            no_blanks(screen).contains(&no_blanks(tail)),
            "{size}: the event's end is cut:\n{screen}"
        );
    }
    insta::assert_snapshot!("describe_long_event_wrapped_200x50", wide);
    insta::assert_snapshot!("describe_long_event_wrapped_80x24", narrow);
    // Wrap off: the line is cut at the edge, → brings its end into view.
    press(&mut state, "w");
    let cut = to_text(&frame(&state, (80, 24)));
    assert!(cut.contains("no wrap ←/→ col 1"), "{cut}");
    assert!(!cut.contains(tail), "{cut}");
    press(&mut state, &"\u{2192}".repeat(12));
    let scrolled = to_text(&frame(&state, (80, 24)));
    assert!(!scrolled.contains("col 1 "), "{scrolled}");
    assert!(scrolled.contains("not found"), "{scrolled}");
    insta::assert_snapshot!("describe_long_event_scrolled_80x24", scrolled);
    // ← goes back to the first column; w again wraps and → only says why it does nothing.
    press(&mut state, &"\u{2190}".repeat(12));
    assert!(to_text(&frame(&state, (80, 24))).contains("col 1 "));
    press(&mut state, "w\u{2192}");
    assert!(flash(&state).contains("wrap is on"), "{}", flash(&state));
}

#[test]
fn describe_scrolls_with_j_k_pages_and_g_g() {
    use fleetdeck::actions::Overlay;
    let mut state = fleet_state();
    described_with_a_pull_error(&mut state);
    let top = |s: &State| match &s.act.overlay {
        Some(Overlay::Describe(p)) => p.scroll,
        _ => usize::MAX,
    };
    let _ = frame(&state, (80, 24));
    assert_eq!(top(&state), 0);
    press(&mut state, "jj");
    assert_eq!(top(&state), 2);
    press(&mut state, "k");
    assert_eq!(top(&state), 1);
    update(&mut state, key(KeyCode::PageDown));
    let paged = top(&state);
    assert!(paged > 2, "pgdn moves a page: {paged}");
    update(&mut state, key(KeyCode::PageUp));
    assert!(top(&state) < paged, "pgup moves back");
    press(&mut state, "G");
    let bottom = top(&state);
    let screen = to_text(&frame(&state, (80, 24)));
    assert!(
        screen.contains("not found"),
        "G shows the last row:\n{screen}"
    );
    press(&mut state, "j");
    assert_eq!(top(&state), bottom, "no scrolling past the end");
    press(&mut state, "g");
    assert_eq!(top(&state), 0);
}

#[test]
fn logs_wrap_by_default_and_w_turns_it_off_for_sideways_scrolling() {
    use fleetdeck::actions::{ActionEvent, Effect};
    let mut state = fleet_state();
    press(&mut state, ":pods\n/^mysql-0$\nl");
    let session = state
        .act
        .take_effects()
        .into_iter()
        .find_map(|e| match e {
            Effect::LogStart { session, .. } => Some(session),
            _ => None,
        })
        .expect("l starts a stream");
    let long = format!(
        "ERROR {} the end of a long line",
        "payload=0123456789 ".repeat(8)
    );
    update(
        &mut state,
        Event::Action(ActionEvent::LogLines {
            session,
            source: "mysql-0/mysql".into(),
            lines: vec![(None, "short line".into()), (None, long.clone())],
        }),
    );
    let wrapped = to_text(&frame(&state, (80, 24)));
    assert!(wrapped.contains("the end of a long line"), "{wrapped}");
    assert!(no_blanks(&wrapped).contains(&no_blanks(&long)), "{wrapped}");
    press(&mut state, "w");
    let cut = to_text(&frame(&state, (80, 24)));
    assert!(cut.contains("no wrap ←/→ col 1"), "{cut}");
    assert!(!cut.contains("the end of a long line"), "{cut}");
    press(&mut state, &"\u{2192}".repeat(6));
    let scrolled = to_text(&frame(&state, (80, 24)));
    assert!(scrolled.contains("the end of a long line"), "{scrolled}");
    press(&mut state, "w");
    assert!(to_text(&frame(&state, (80, 24))).contains(" · wrap · "));
}

/// Five replicas of the sim's virtual-kubelet `report-renderer` Deployment
/// (one ReplicaSet hash, five random suffixes), added to the fixture's pods.
fn with_report_renderers(state: &mut State) -> Vec<String> {
    use fleetdeck::model::pod;
    use k8s_openapi::api::core::v1 as core;
    let doc: Value = serde_json::from_str(include_str!("fixtures/terrax.json")).expect("fixture");
    let items = doc["items"].as_array().expect("items");
    let mut pods = rows::<core::Pod, pod::PodRow>(items, "Pod");
    let template = items
        .iter()
        .find(|i| i["kind"] == "Pod" && i["metadata"]["name"] == "service-6b7c-a1")
        .expect("a running fixture pod");
    let names: Vec<String> = ["2xq9p", "7hd4m", "c8w2z", "kf5tn", "w9rjb"]
        .iter()
        .map(|s| format!("report-renderer-kbj768tkgk-{s}"))
        .collect();
    for name in &names {
        let mut p = template.clone();
        p["metadata"]["name"] = Value::String(name.clone());
        p["metadata"]["uid"] = Value::String(format!("uid-{name}"));
        let p: core::Pod = serde_json::from_value(p).expect("pod");
        pods.push(pod::PodRow::from(&p));
    }
    update(
        state,
        Event::Source(SourceUpdate::Kube {
            cluster: "terrax-fargate".into(),
            update: KubeUpdate::Pods(Change::reset(pods)),
        }),
    );
    names
}

#[test]
fn five_report_renderer_pods_stay_distinguishable_at_80x24() {
    let mut state = fleet_state();
    let names = with_report_renderers(&mut state);
    press(&mut state, ":pods\n/report-renderer\n");
    let (wide, narrow) = screens(&state);
    for (screen, size) in [(&wide, "200x50"), (&narrow, "80x24")] {
        let rows: Vec<&str> = screen
            .lines()
            .filter(|l| l.starts_with('│') && l.contains(" 1/1 "))
            .collect();
        assert_eq!(rows.len(), 5, "{size}:\n{screen}");
        // Each row shows its own pod's suffix: the cut took the middle.
        for name in &names {
            let suffix = &name[name.len() - 5..];
            assert_eq!(
                rows.iter().filter(|r| r.contains(suffix)).count(),
                1,
                "{size}: {name} is not told apart:\n{screen}"
            );
        }
    }
    assert!(
        narrow.contains('…'),
        "at 80 columns the names are cut:\n{narrow}"
    );
    assert!(
        wide.contains("report-renderer-kbj768tkgk-2xq9p"),
        "whole at 200:\n{wide}"
    );
    insta::assert_snapshot!("report_renderers_200x50", wide);
    insta::assert_snapshot!("report_renderers_80x24", narrow);
}

/// Names of the rows as the table shows them, top to bottom.
fn row_ids(state: &State) -> Vec<String> {
    let entry = state.entry();
    let model = views::build(state, entry);
    model
        .arrange(&entry.filter, entry.sort)
        .iter()
        .filter_map(|l| match l {
            Line::Row(i) => match &model.rows[*i].subject {
                Subject::Kube(k) => Some(format!("{}/{}/{}", k.cluster, k.namespace, k.name)),
                other => Some(format!("{other:?}")),
            },
            Line::Group(..) => None,
        })
        .collect()
}

#[test]
fn help_explains_every_column_of_the_kong_views() {
    let mut state = fleet_state();
    // Gateways, then a node's upstreams, then an upstream's targets.
    for (keys, view) in [
        (":gw\n", ViewKind::Gateways),
        ("j\n", ViewKind::Upstreams),
        ("j\n", ViewKind::Targets),
    ] {
        press(&mut state, keys);
        assert_eq!(state.entry().kind(), view);
        let titles: Vec<&str> = views::build(&state, state.entry())
            .columns
            .iter()
            .map(|c| c.title)
            .collect();
        press(&mut state, "?");
        assert_eq!(state.mode, Mode::Help);
        let help: Vec<String> = fleetdeck::ui::help::lines(&state, 200)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let heading = format!("columns ({})", view.title());
        let start = help
            .iter()
            .position(|l| *l == heading)
            .unwrap_or_else(|| panic!("no {heading:?} in ?:\n{}", help.join("\n")));
        // `  TITLE           what it shows`: key column 16 wide, two spaces in.
        let listed: Vec<(&str, &str)> = help[start + 1..]
            .iter()
            .take_while(|l| !l.is_empty())
            .filter_map(|l| Some((l.get(2..18)?.trim_end(), l.get(18..)?.trim())))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        let keys: Vec<&str> = listed.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, titles, "{view:?}: ? lists its columns in order");
        for (k, about) in &listed {
            assert!(!about.is_empty(), "{view:?}: {k} without its meaning");
        }
        assert!(
            help.iter().any(|l| l.contains("HEALTHCHECKS_OFF")) || view == ViewKind::Gateways,
            "OFF is explained"
        );
        press(&mut state, "\u{1b}");
    }
}

#[test]
fn every_row_has_one_cell_per_column_with_and_without_the_cluster_column() {
    let gateway = Scope {
        gateway: Some("kong".into()),
        ..Scope::default()
    };
    let upstream = Scope {
        upstream: Some("service.tb-demo.8080.svc".into()),
        ..gateway.clone()
    };
    let entries = [
        NavEntry::new(ViewKind::Fleet, Scope::default()),
        NavEntry::new(ViewKind::Nodes, Scope::default()),
        NavEntry::new(ViewKind::Pods, Scope::default()),
        NavEntry::new(ViewKind::Workloads, Scope::default()),
        NavEntry::new(ViewKind::Hpa, Scope::default()),
        NavEntry::new(ViewKind::Pvc, Scope::default()),
        NavEntry::new(ViewKind::Gateways, Scope::default()),
        NavEntry::new(ViewKind::Upstreams, gateway),
        NavEntry::new(ViewKind::Targets, upstream),
        NavEntry::new(ViewKind::Aws, Scope::default()),
        NavEntry::new(ViewKind::Findings, Scope::default()),
    ];
    let mut state = fleet_state();
    state.refresh_findings();
    for scope in [None, Some("terrax-fargate")] {
        state.cluster_scope = scope.map(Into::into);
        for entry in &entries {
            let model = views::build(&state, entry);
            let view = entry.kind();
            assert!(!model.rows.is_empty(), "{view:?} has rows in the fixture");
            let ids: Vec<&str> = model.columns.iter().map(|c| c.id).collect();
            let has_cluster = ids.contains(&"cluster");
            // Fleet and AWS list clusters as their subject; the rest add CLUSTER for many.
            if ![ViewKind::Fleet, ViewKind::Aws].contains(&view) {
                let kube = ![
                    ViewKind::Gateways,
                    ViewKind::Upstreams,
                    ViewKind::Targets,
                    ViewKind::Findings,
                ]
                .contains(&view);
                assert_eq!(has_cluster, kube && scope.is_none(), "{view:?} {ids:?}");
            }
            for (i, row) in model.rows.iter().enumerate() {
                assert_eq!(
                    model.cells(i).len(),
                    ids.len(),
                    "{view:?} row {:?} under {ids:?}",
                    row.subject
                );
            }
        }
    }
}

#[test]
fn sort_by_name_stays_on_name_when_the_cluster_column_appears() {
    let mut state = fleet_state();
    state.cluster_scope = Some("terrax-fargate".into());
    press(&mut state, ":pods\n>>");
    assert_eq!(state.entry().sort, Some(("name", false)));
    let one = row_ids(&state);
    let name = |id: &String| id.rsplit('/').next().unwrap_or_default().to_owned();
    let mut by_name = one.clone();
    by_name.sort_by_key(name);
    assert_eq!(one, by_name, "sorted by pod name in one cluster");
    // All clusters: CLUSTER is now the first column, the sort is still NAME.
    press(&mut state, "0");
    assert_eq!(state.cluster_scope, None);
    assert_eq!(state.entry().sort, Some(("name", false)));
    let all = row_ids(&state);
    let mut by_name = all.clone();
    by_name.sort_by_key(name);
    assert_eq!(all, by_name, "still sorted by pod name across clusters");
    let s = screen(&state);
    assert!(s.contains("CLUSTER") && s.contains("NAME↑"), "{s}");
    // The namespace order differs, so the check above can tell them apart.
    press(&mut state, "<");
    assert_eq!(state.entry().sort, Some(("namespace", false)));
    assert_ne!(row_ids(&state), all);
}

/// The pods on screen, top to bottom, as `namespace/name` of the subject.
fn pod_subject(state: &State) -> Option<String> {
    match fleetdeck::actions::open::selected(state) {
        Ok(Subject::Kube(k)) => Some(format!("{}/{}", k.namespace, k.name)),
        _ => None,
    }
}

#[test]
fn keys_move_in_the_view_model_and_act_on_the_row_that_was_shown() {
    let mut state = fleet_state();
    press(&mut state, ":pods\n");
    let first = screen(&state);
    let builds = state.view_builds.get();
    press(&mut state, "j");
    let second = pod_subject(&state).expect("a pod under the cursor");
    assert_eq!(
        state.view_builds.get(),
        builds,
        "a key press builds no view"
    );
    // The pod above the selection goes away while the key frame is drawn:
    // the key frame shows what was on screen, with the cursor moved.
    press(&mut state, "k");
    let Ok(Subject::Kube(top)) = fleetdeck::actions::open::selected(&state) else {
        panic!("the first row is a pod");
    };
    press(&mut state, "j");
    let (cluster, ns, name) = (
        top.cluster.clone(),
        top.namespace.as_str(),
        top.name.as_str(),
    );
    update(
        &mut state,
        Event::Source(SourceUpdate::Kube {
            cluster,
            update: KubeUpdate::Pods(Change::Delete((ns.into(), name.into()))),
        }),
    );
    state.key_frame.set(true);
    let kept = screen(&state);
    state.key_frame.set(false);
    assert_eq!(
        state.view_builds.get(),
        builds,
        "the key frame drew kept cells"
    );
    assert_ne!(kept, first, "the cursor moved on screen");
    assert_eq!(pod_subject(&state).as_deref(), Some(second.as_str()));
    // The next data frame drops the deleted pod, applied as a change: the
    // view is not built again. The cursor stays on its pod.
    let rows = state.rows_built.get();
    let fresh = screen(&state);
    assert_eq!(state.view_builds.get(), builds, "a change builds no view");
    assert!(state.rows_built.get() > rows, "the window's rows were made");
    assert!(!fresh.contains(&format!(" {name} ")), "{name} is gone");
    assert_eq!(pod_subject(&state).as_deref(), Some(second.as_str()));
}

/// The fixture fleet 90 s into an outage of terrax-fargate: every kind went
/// stale when its last data arrived, then the connection check failed.
fn stale_state() -> State {
    use fleetdeck::model::status::{SourceError, SourceState};
    let mut state = fleet_state();
    let last_data = state
        .now
        .checked_sub(jiff::SignedDuration::from_secs(90))
        .expect("ts");
    let reset = SourceError::Unreachable("Connection reset by peer".into());
    for k in Kind::ALL {
        update(
            &mut state,
            Event::Source(SourceUpdate::KindState {
                cluster: "terrax-fargate".into(),
                kind: *k,
                state: SourceState::Stale {
                    since: last_data,
                    error: reset.clone(),
                },
            }),
        );
    }
    update(
        &mut state,
        Event::Source(SourceUpdate::ClusterError {
            cluster: "terrax-fargate".into(),
            error: reset,
        }),
    );
    state
}

/// The cells of the row whose subject is `subject` in the top view.
fn cells_of(state: &State, subject: &Subject) -> Vec<fleetdeck::ui::table::Cell> {
    let model = views::build(state, state.entry());
    let i = model
        .rows
        .iter()
        .position(|r| r.subject == *subject)
        .unwrap_or_else(|| panic!("no row {subject:?}"));
    model.cells(i)
}

fn cell_at(state: &State, subject: &Subject, column: &str) -> fleetdeck::ui::table::Cell {
    let model = views::build(state, state.entry());
    let col = model
        .columns
        .iter()
        .position(|c| c.id == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    cells_of(state, subject).swap_remove(col)
}

#[test]
fn stale_rows_are_muted_and_say_the_age_of_their_data() {
    use fleetdeck::config::theme::Role;
    let mut state = stale_state();
    let terrax = Subject::Cluster("terrax-fargate".into());
    let us = Subject::Cluster("global-us".into());
    // Fleet: the stale cluster's counts are its last data, muted; the one
    // never reached counts "?", not 0; each says when it was last heard from.
    let running = cell_at(&state, &terrax, "running");
    assert_eq!((running.text.as_str(), running.role), ("4", Role::Muted));
    assert_eq!(cell_at(&state, &terrax, "heard").text, "90s ago");
    for col in ["fargate", "running", "pending", "failed", "hpa-at-max"] {
        assert_eq!(cell_at(&state, &us, col).text, "?", "{col}");
    }
    assert_eq!(cell_at(&state, &us, "heard").text, "never");
    let fleet = screen(&state);
    assert!(
        fleet.contains("terrax-fargate heard 90s ago") && fleet.contains("global-us heard never"),
        "the header says when each cluster was last heard from:\n{fleet}"
    );
    insta::assert_snapshot!("stale_fleet_200x50", to_text(&frame(&state, (200, 50))));
    insta::assert_snapshot!("stale_fleet_80x24", to_text(&frame(&state, (80, 24))));

    // Pods: every row muted, the selected one's detail says how old it is.
    press(&mut state, ":pods\n");
    let model = views::build(&state, state.entry());
    assert!(!model.rows.is_empty());
    for i in 0..model.rows.len() {
        assert!(
            model.cells(i).iter().all(|c| c.role == Role::Muted),
            "row {:?} is not muted",
            model.rows[i].subject
        );
        assert_eq!(
            model.rows[i].detail[0].0,
            "data 90s old — unreachable: Connection reset by peer"
        );
    }
    let pods = to_text(&frame(&state, (200, 50)));
    assert!(
        pods.contains("terrax-fargate unreachable, heard 90s ago"),
        "{pods}"
    );
    assert!(pods.contains("data 90s old"), "{pods}");
    insta::assert_snapshot!("stale_pods_200x50", pods);
    insta::assert_snapshot!("stale_pods_80x24", to_text(&frame(&state, (80, 24))));

    // Live again after a resync: no longer muted.
    let live = fleet_state();
    let mut live = live;
    press(&mut live, ":pods\n");
    let model = views::build(&live, live.entry());
    assert!((0..model.rows.len()).any(|i| model.cells(i).iter().any(|c| c.role != Role::Muted)));
}

#[test]
fn a_forbidden_kind_says_forbidden_and_its_counts_are_unknown() {
    use fleetdeck::model::status::{SourceError, SourceState};
    let mut state = fleet_state();
    // Pods were never listable: RBAC refused the first list.
    let now = state.now;
    update(
        &mut state,
        Event::Source(SourceUpdate::Kube {
            cluster: "terrax-fargate".into(),
            update: KubeUpdate::Pods(Change::reset(vec![])),
        }),
    );
    update(
        &mut state,
        Event::Source(SourceUpdate::KindState {
            cluster: "terrax-fargate".into(),
            kind: Kind::Pods,
            state: SourceState::Failed {
                since: now,
                error: SourceError::Forbidden(
                    "pods is forbidden: User \"dev\" cannot list resource \"pods\"".into(),
                ),
            },
        }),
    );
    let terrax = Subject::Cluster("terrax-fargate".into());
    assert_eq!(cell_at(&state, &terrax, "running").text, "?");
    assert_eq!(cell_at(&state, &terrax, "failed").text, "?");
    // Nodes are readable: their counts stay numbers, and the cluster is heard now.
    assert_eq!(cell_at(&state, &terrax, "fargate").text, "3");
    assert_eq!(cell_at(&state, &terrax, "heard").text, "now");
    state.cluster_scope = Some("terrax-fargate".into());
    press(&mut state, ":pods\n");
    let s = to_text(&frame(&state, (200, 50)));
    assert!(
        s.contains("no pods — terrax-fargate: forbidden (pods is forbidden"),
        "{s}"
    );
    assert!(s.contains("terrax-fargate pods forbidden"), "{s}");
    insta::assert_snapshot!("forbidden_pods_200x50", s);
    insta::assert_snapshot!("forbidden_pods_80x24", to_text(&frame(&state, (80, 24))));
    // Another view of the same cluster is not blamed for the pods' 403.
    press(&mut state, ":nodes\n");
    let nodes = to_text(&frame(&state, (200, 50)));
    assert!(!nodes.contains("forbidden"), "{nodes}");
}

#[test]
fn shift_initials_sort_as_k9s_and_each_view_keeps_its_sort() {
    let mut state = fleet_state();
    press(&mut state, ":pods\nN");
    assert_eq!(
        state.entry().sort,
        Some(("name", false)),
        "N is NAME, not NAMESPACE or NODE"
    );
    let names = |s: &State| -> Vec<String> {
        row_ids(s)
            .into_iter()
            .map(|id| id.rsplit('/').next().unwrap_or_default().to_owned())
            .collect()
    };
    let up = names(&state);
    let mut sorted = up.clone();
    sorted.sort();
    assert_eq!(up, sorted);
    press(&mut state, "N");
    assert_eq!(state.entry().sort, Some(("name", true)), "again: reversed");
    let down = names(&state);
    assert_eq!(down, up.iter().rev().cloned().collect::<Vec<_>>());
    press(&mut state, "A");
    assert_eq!(
        state.entry().sort,
        Some(("age", false)),
        "one key, not seven >"
    );
    press(&mut state, "S");
    assert_eq!(state.entry().sort, Some(("status", false)));
    // Another view, then back: the pods keep their sort, nodes have their own.
    press(&mut state, ":nodes\n");
    assert_eq!(state.entry().sort, None);
    press(&mut state, "A");
    press(&mut state, ":pods\n");
    assert_eq!(state.entry().sort, Some(("status", false)));
    press(&mut state, "\t\u{1b}");
    press(&mut state, ":nodes\n");
    assert_eq!(state.entry().sort, Some(("age", false)));
    // An initial no column has says which ones there are.
    press(&mut state, "V");
    assert_eq!(state.entry().sort, Some(("age", false)));
    assert!(
        flash(&state).starts_with("no column starting with V"),
        "{}",
        flash(&state)
    );
}

#[test]
fn a_name_with_an_escape_keeps_its_real_name_and_is_drawn_sanitized() {
    let mut state = fleet_state();
    let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(serde_json::json!({
        "metadata": {
            "name": "evil\u{1b}[31mred",
            "namespace": "default",
            "creationTimestamp": "2024-01-01T11:00:00Z",
        },
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        "status": {"phase": "Pending"},
    }))
    .expect("pod");
    update(
        &mut state,
        Event::Source(SourceUpdate::Kube {
            cluster: "terrax-fargate".into(),
            update: KubeUpdate::Pods(Change::Apply(fleetdeck::model::pod::PodRow::from(&pod))),
        }),
    );
    press(&mut state, ":pods\n/evil\n");
    // Drawing arranges the view; the action then acts on the name the API knows.
    let wide = to_text(&frame(&state, (200, 50)));
    assert_eq!(
        pod_subject(&state).as_deref(),
        Some("default/evil\u{1b}[31mred")
    );
    assert!(
        wide.contains("evilred") && !wide.contains('\u{1b}'),
        "{wide}"
    );
    insta::assert_snapshot!("escaped_name_pods_200x50", wide);
    insta::assert_snapshot!("escaped_name_pods_80x24", to_text(&frame(&state, (80, 24))));
}

/// The kept rows' `namespace/name`, sorted, as the app arranges them (with
/// the labels it looks up).
fn kept(state: &State) -> Vec<String> {
    drop(fleetdeck::ui::arrange(state));
    let a = state.arranged.borrow();
    let mut v: Vec<String> = a
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Row(i) => match &a.rows[*i].subject {
                Subject::Kube(k) => Some(format!("{}/{}", k.namespace, k.name)),
                other => Some(format!("{other:?}")),
            },
            Line::Group(..) => None,
        })
        .collect();
    v.sort();
    v
}

#[test]
fn filter_reads_name_and_namespace_as_regex_fuzzy_labels_or_inverted() {
    let mut state = fleet_state();
    // mysql-0 runs on Fargate profile fp-demo-service: a cell, not its name.
    press(&mut state, ":pods\n/service\n");
    assert_eq!(
        kept(&state),
        ["tb-demo/service-6b7c-a1", "tb-demo/service-6b7c-b2"]
    );
    let s = screen(&state);
    assert!(!s.contains("mysql-0"), "{s}");
    press(&mut state, "\u{1b}/^(kong|coredns)-\n");
    assert_eq!(
        kept(&state),
        ["kong/kong-gw-0", "kube-system/coredns-5d8f-x9"]
    );
    press(&mut state, "\u{1b}/KUBE-SYSTEM\n");
    assert_eq!(kept(&state), ["kube-system/coredns-5d8f-x9"]);
    press(&mut state, "\u{1b}/sv6a1\n");
    assert!(kept(&state).is_empty(), "plain text is not fuzzy");
    press(&mut state, "\u{1b}/-f sv6a1\n");
    assert_eq!(kept(&state), ["tb-demo/service-6b7c-a1"]);
    press(&mut state, "\u{1b}/-l app=service\n");
    assert_eq!(
        kept(&state),
        ["tb-demo/service-6b7c-a1", "tb-demo/service-6b7c-b2"]
    );
    press(&mut state, "\u{1b}/!-l app\n");
    assert_eq!(
        kept(&state),
        ["default/api-7d9f-q2", "kube-system/coredns-5d8f-x9"]
    );
    press(&mut state, "\u{1b}/!tb-demo\n");
    assert_eq!(
        kept(&state),
        [
            "default/api-7d9f-q2",
            "kong/kong-gw-0",
            "kube-system/coredns-5d8f-x9"
        ]
    );
    // Labels are kept for pods only: elsewhere a selector says so.
    press(&mut state, "\u{1b}:nodes\n/-l app=x\n");
    assert!(flash(&state).contains("pods only"), "{}", flash(&state));
}

/// The scale dialog over `view`, the row found by `filter`, after `keys`.
fn scale_dialog(view: &str, filter: &str, keys: &str) -> State {
    let mut state = fleet_state();
    press(&mut state, &format!(":{view}\n/{filter}\ns{keys}"));
    assert_eq!(state.mode, Mode::Scale, "{}", flash(&state));
    state
}

#[test]
fn scale_dialog_names_the_context_and_zero_needs_the_name() {
    let mut state = scale_dialog("deploy", "coredns", "");
    let (wide, small) = screens(&state);
    for s in [&wide, &small] {
        assert!(
            s.contains("Deployment kube-system/coredns")
                && s.contains("in context terrax-fargate")
                && s.contains("replicas      1 →"),
            "{s}"
        );
    }
    press(&mut state, "0\n");
    assert!(state.act.effects.is_empty(), "enter alone sends nothing");
    let (wide, small) = screens(&state);
    for s in [&wide, &small] {
        assert!(
            s.contains("1 → 0 removes all capacity: type coredns to confirm")
                && s.contains("enter does nothing until the name matches")
                && s.contains("<enter> apply"),
            "{s}"
        );
    }
    insta::assert_snapshot!("scale_to_zero_200x50", wide);
    insta::assert_snapshot!("scale_to_zero_80x24", small);
    press(&mut state, "core-dns\n");
    assert!(state.act.effects.is_empty(), "a wrong name sends nothing");
    for _ in 0.."-dns".len() {
        update(&mut state, key(KeyCode::Backspace));
    }
    press(&mut state, "dns\n");
    assert_eq!(state.mode, Mode::Normal);
    assert!(
        matches!(
            &state.act.take_effects()[..],
            [fleetdeck::view::panes::Effect::Scale(
                fleetdeck::view::panes::scale::ScaleRequest::Workload { object, replicas: 0 }
            )] if object.cluster == "terrax-fargate" && object.name == "coredns"
        ),
        "{}",
        flash(&state)
    );
}

#[test]
fn scale_dialog_keeps_object_value_and_keys_on_a_tiny_terminal() {
    let state = scale_dialog("deploy", "coredns", "");
    let tiny = to_text(&frame(&state, (20, 5)));
    assert!(
        tiny.contains("coredns") && tiny.contains("1 →") && tiny.contains("<enter>"),
        "{tiny}"
    );
    insta::assert_snapshot!("scale_tiny_20x5", tiny);
}

#[test]
fn hpa_owned_scale_dialog_keeps_its_key_hints() {
    let state = scale_dialog("deploy", "^service$", "");
    let (wide, small) = screens(&state);
    for s in [&wide, &small] {
        assert!(
            s.contains("HPA service owns this scale")
                && s.contains("<enter> apply")
                && s.contains("<tab> next field"),
            "{s}"
        );
    }
    insta::assert_snapshot!("scale_hpa_owned_80x24", small);
}

#[test]
fn aws_scale_dialogs_space_their_labels_and_hold_the_bounds() {
    let mut state = scale_dialog("aws", "^kong-gw$", "");
    let s = screen(&state);
    assert!(
        s.contains("ECS service kong-ecs/kong-gw")
            && s.contains("in AWS eu-west-1")
            && s.contains("desired count 3 →"),
        "{s}"
    );
    assert!(
        !s.contains("virtual-kubelet"),
        "kong-gw has no other owner: {s}"
    );
    press(&mut state, "\u{1b}");
    let (wide, small) = screens(&scale_dialog("aws", "^orders$", ""));
    for s in [&wide, &small] {
        assert!(
            s.contains("virtual-kubelet sizes it to its pods: a manual count is undone"),
            "{s}"
        );
    }
    let mut state = scale_dialog("aws", "^ng-mysql$", "");
    let s = screen(&state);
    assert!(s.contains("desired size  1 →"), "{s}");
    press(&mut state, "++");
    let s = screen(&state);
    assert!(
        s.contains("desired size  1 →  2 ") && s.contains("stopped at 2: the node group's maxSize"),
        "{s}"
    );
    update(&mut state, key(KeyCode::Backspace));
    press(&mut state, "7");
    assert!(
        screen(&state)
            .contains("7 refused: desired size must be within the node group's min 1 and max 2"),
        "{}",
        screen(&state)
    );
    press(&mut state, "\n");
    assert!(state.act.effects.is_empty());
}

#[test]
fn y_in_a_table_opens_the_yaml_of_the_selected_object() {
    use fleetdeck::view::panes::{Effect, Overlay};
    // A Kubernetes object: fetched from its API server, shown as YAML.
    let mut state = fleet_state();
    press(&mut state, ":pods\n/^mysql-0$\ny");
    assert_eq!(state.mode, Mode::Describe, "{}", flash(&state));
    assert!(
        matches!(&state.act.effects[..], [Effect::Describe { object, .. }]
            if object.kind == "Pod" && object.name == "mysql-0"),
        "{:?}",
        state.act.effects
    );
    let Some(Overlay::Describe(p)) = &state.act.overlay else {
        panic!("no pane");
    };
    assert!(p.show_yaml && p.title.starts_with("yaml Pod tb-demo/mysql-0"));
    // A Kong or AWS row: its fields, no fetch; `y` there goes to describe.
    let mut state = fleet_state();
    press(&mut state, ":aws\n/^orders$\ny");
    assert!(state.act.effects.is_empty());
    let (wide, small) = screens(&state);
    for s in [&wide, &small] {
        assert!(
            s.contains("yaml ECS service kong-ecs/orders")
                && s.contains("desired: 1")
                && s.contains("managedBy: virtual-kubelet")
                && s.contains("launchType: FARGATE"),
            "{s}"
        );
    }
    insta::assert_snapshot!("yaml_ecs_service_80x24", small);
    press(&mut state, "y");
    assert!(
        !screen(&state).contains("managedBy:"),
        "y toggles to describe"
    );
    // A Kong node: its last poll, its upstreams with their targets.
    press(&mut state, "\u{1b}:gw\ny");
    let s = screen(&state);
    assert!(
        s.contains("yaml Kong node") && s.contains("upstreams:") && s.contains("weight:"),
        "{s}"
    );
    // A cluster row has no object of its own: said, no pane.
    press(&mut state, "\u{1b}:fleet\ny");
    assert_eq!(state.mode, Mode::Normal);
    assert!(
        flash(&state).contains("no object of its own"),
        "{}",
        flash(&state)
    );
}

#[test]
fn help_lists_every_mode_and_scrolls_to_its_last_line_at_80x24() {
    let mut state = fleet_state();
    press(&mut state, "?");
    let first = to_text(&frame(&state, (80, 24)));
    assert!(
        first.contains("keys (default) — tables (normal)"),
        "{first}"
    );
    assert!(first.contains("j/k pgup/pgdn g/G scroll"), "{first}");
    // The last command is below the first screen; G brings it up, uncut.
    let (last_names, last_desc) = fleetdeck::view::commands::commands()
        .last()
        .map(|(n, d)| (n.to_vec(), d.to_owned()))
        .expect("commands");
    let last = format!(":{}", last_names[0]);
    assert!(!first.contains(&last), "{first}");
    press(&mut state, "G");
    let bottom = to_text(&frame(&state, (80, 24)));
    assert!(
        bottom.contains(&last) && bottom.contains(&last_desc),
        "{bottom}"
    );
    insta::assert_snapshot!("help_bottom_80x24", bottom);
    // Every section is reached by scrolling down a line at a time from the top.
    press(&mut state, "g");
    let mut seen = to_text(&frame(&state, (80, 24)));
    for _ in 0..state.help_max.get() {
        press(&mut state, "j");
        seen.push_str(&to_text(&frame(&state, (80, 24))));
    }
    for section in [
        "scale dialog",
        "describe pane",
        "log pane",
        "picker (:ctx, :ns)",
        "commands",
    ] {
        assert!(seen.contains(section), "{section} never shown");
    }
    // No line of help is cut at the box's edge: wrapped text reads whole.
    assert!(
        seen.contains("filter name/ns: regex; -f fuzzy; -l k=v; ! not"),
        "{seen}"
    );
    press(&mut state, "\u{1b}");
    assert_eq!(state.mode, Mode::Normal);
}

/// Every key the README's key tables name is bound in the keymap (and so
/// shown by `?`), and every key of the keymap is named in the README.
#[test]
fn readme_keys_and_help_agree() {
    let readme = include_str!("../README.md");
    let start = readme.find("## Keys").expect("a keys section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let keymap = Keymap::builtin("default").expect("keymap");
    let mut bound = std::collections::BTreeSet::new();
    for mode in Mode::ALL {
        for (_, _, keys) in keymap.help(*mode) {
            bound.extend(keys);
        }
    }
    // Keys in the README are `backticked` in the key column of its tables.
    let mut named = std::collections::BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| ")) {
        let Some(keys) = row.split(" | ").nth(1) else {
            continue;
        };
        for k in keys.split('`').skip(1).step_by(2) {
            named.insert(k.to_owned());
        }
    }
    let unbound: Vec<_> = named.difference(&bound).collect();
    assert!(unbound.is_empty(), "in the README, not in ?: {unbound:?}");
    let unnamed: Vec<_> = bound.difference(&named).collect();
    assert!(unnamed.is_empty(), "in ?, not in the README: {unnamed:?}");
}

#[test]
fn help_from_a_pane_lists_its_keys_first_and_esc_returns_to_it() {
    let mut state = fleet_state();
    press(&mut state, ":pods\n/^mysql-0$\nd?");
    assert_eq!(state.mode, Mode::Help);
    let s = to_text(&frame(&state, (80, 24)));
    assert!(s.contains("keys (default) — describe pane"), "{s}");
    assert!(s.contains("describe ⇄ YAML"), "{s}");
    press(&mut state, "\u{1b}");
    assert_eq!(
        state.mode,
        Mode::Describe,
        "back to the pane, not the table"
    );
}
