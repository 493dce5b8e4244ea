//! Correlation tests: each link of the chain on its own, each join of
//! findings into one incident, and the near miss that must stay apart.

use serde_json::{Value, json};

use super::super::fixtures::*;
use super::super::{Findings, ObjectRef, Snapshot, diagnose};
use super::*;
use crate::model::aws::{AwsRegionRows, EcsServiceRow, EcsTaskRow};
use crate::model::fleet::{Fleet, SourceUpdate};
use crate::model::kong::KongRoute;
use crate::model::status::{SourceError, SourceState};

fn o(cluster: &str, kind: &str, ns: &str, name: &str) -> ObjectRef {
    ObjectRef::new(cluster, kind, ns, name)
}

/// Everything the chain reaches from `start`.
fn reach(f: &Fleet, start: ObjectRef) -> HashSet<ObjectRef> {
    let s = Snapshot::new(f, now());
    Chain::new(&s).closure(std::iter::once(start))
}

/// `(root code, root's first object name, symptom codes sorted)` per incident.
fn shape(r: &Findings) -> Vec<(&'static str, String, Vec<&'static str>)> {
    r.incidents
        .iter()
        .map(|i| {
            let mut sym: Vec<&str> = i.symptoms.iter().map(|&s| r.list[s].code).collect();
            sym.sort();
            let root = &r.list[i.root];
            (
                root.code,
                root.primary().map(|o| o.name.clone()).unwrap_or_default(),
                sym,
            )
        })
        .collect()
}

/// The incidents of `r`, in any order, are `want`: (root code, root's
/// first object name, symptom codes sorted).
fn assert_incidents(r: &Findings, want: &[(&'static str, &str, &[&'static str])]) {
    let mut got = shape(r);
    got.sort();
    let mut want: Vec<(&str, String, Vec<&str>)> = want
        .iter()
        .map(|(c, n, s)| (*c, (*n).to_owned(), s.to_vec()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{:#?}", r.list);
}

fn owned(v: Value, kind: &str, name: &str) -> Value {
    set(
        v,
        "/metadata/ownerReferences",
        json!([{"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": "u", "controller": true}]),
    )
}

fn broken(v: Value, reason: &str) -> Value {
    set(
        v,
        "/status/containerStatuses/0",
        json!({"name": "app", "image": "x", "imageID": "", "ready": false, "restartCount": 4,
               "state": {"waiting": {"reason": reason, "message": "back-off"}}}),
    )
}

fn with_ip(v: Value, ip: &str) -> Value {
    set(v, "/status/podIP", json!(ip))
}

fn service(ns: &str, name: &str, app: &str) -> Value {
    json!({"kind": "Service", "metadata": {"namespace": ns, "name": name},
           "spec": {"selector": {"app": app}, "ports": [{"port": 80}]}})
}

fn route(upstream: &str, path: &str) -> KongRoute {
    KongRoute {
        name: path.trim_start_matches('/').into(),
        methods: vec!["GET".into()],
        hosts: vec!["shop.example.com".into()],
        paths: vec![path.into()],
        upstream: Some(upstream.into()),
    }
}

/// Cluster `prod` behind an in-cluster Kong of two nodes; `checkout` has no
/// ready endpoint (its pod cannot pull its image) and both nodes lose the peer.
fn kic_fleet(extra: &[Value]) -> Fleet {
    let mut items = vec![
        service("shop", "checkout", "checkout"),
        with_ip(
            broken(
                owned(
                    set(
                        pod("shop", "checkout-1"),
                        "/metadata/labels",
                        json!({"app": "checkout"}),
                    ),
                    "ReplicaSet",
                    "checkout-7d4",
                ),
                "ImagePullBackOff",
            ),
            "10.0.1.50",
        ),
        owned(
            json!({"kind": "ReplicaSet", "metadata": {"namespace": "shop", "name": "checkout-7d4"}}),
            "Deployment",
            "checkout",
        ),
    ];
    items.extend_from_slice(extra);
    let mut f = fleet("prod", &items);
    let nodes = ["kong-1", "kong-2"]
        .iter()
        .map(|n| {
            let mut k = kong_node(
                "prod/kong",
                Some("prod"),
                n,
                vec![upstream("checkout.shop.80.svc", "UNHEALTHY", &[])],
            );
            k.routes = vec![route("checkout.shop.80.svc", "/checkout")];
            k
        })
        .collect();
    gateway(&mut f, "prod/kong", Some("prod"), None, nodes);
    f
}

#[test]
fn link_upstream_to_service_to_pod_to_workload_and_node() {
    let f = kic_fleet(&[]);
    let r = reach(
        &f,
        o("", "KongUpstream", "prod/kong", "checkout.shop.80.svc"),
    );
    assert!(r.contains(&o("prod", "Service", "shop", "checkout")));
    assert!(r.contains(&o("prod", "Pod", "shop", "checkout-1")));
    assert!(r.contains(&o("prod", "Deployment", "shop", "checkout")));
    assert!(r.contains(&o(
        "prod",
        "Node",
        "",
        "ip-10-0-1-1.eu-west-1.compute.internal"
    )));
    // Near miss: the same service name in another namespace is not on the chain.
    assert!(!r.contains(&o("prod", "Service", "other", "checkout")));
}

#[test]
fn link_pod_to_claim_and_fargate_profile() {
    let p = set(
        set(
            pod("db", "mysql-0"),
            "/spec/volumes",
            json!([{"name": "d",
            "persistentVolumeClaim": {"claimName": "data-mysql-0"}}]),
        ),
        "/metadata/labels/eks.amazonaws.com~1fargate-profile",
        json!("fp-db"),
    );
    let mut f = fleet("arn:aws:eks:eu-west-1:1:cluster/prod", &[p]);
    aws(
        &mut f,
        "eu-west-1",
        AwsRegionRows {
            profiles: vec![
                profile("prod", "fp-db", "ACTIVE", &["db"]),
                profile("prod", "fp-web", "ACTIVE", &["web"]),
            ],
            ..Default::default()
        },
    );
    let c = "arn:aws:eks:eu-west-1:1:cluster/prod";
    let r = reach(&f, o(c, "Pod", "db", "mysql-0"));
    assert!(r.contains(&o(c, "PersistentVolumeClaim", "db", "data-mysql-0")));
    assert!(r.contains(&o("eu-west-1", "FargateProfile", "prod", "fp-db")));
    // Near miss: the profile that did not take the pod.
    assert!(!r.contains(&o("eu-west-1", "FargateProfile", "prod", "fp-web")));
}

#[test]
fn link_node_to_nodegroup_and_hpa_to_target() {
    let hpa = json!({"kind": "HorizontalPodAutoscaler", "metadata": {"namespace": "shop", "name": "web"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": 1, "maxReplicas": 3}});
    let mut f = fleet("prod", &[ec2_node("ip-1"), hpa]);
    aws(
        &mut f,
        "eu-west-1",
        AwsRegionRows {
            nodegroups: vec![
                nodegroup("prod", "general", (1, 2, 3)),
                nodegroup("other", "general", (1, 2, 3)),
            ],
            ..Default::default()
        },
    );
    let r = reach(&f, o("prod", "Node", "", "ip-1"));
    assert!(r.contains(&o("eu-west-1", "Nodegroup", "prod", "general")));
    // Near miss: a node group of the same name in another EKS cluster.
    assert!(!r.contains(&o("eu-west-1", "Nodegroup", "other", "general")));
    let r = reach(&f, o("prod", "HorizontalPodAutoscaler", "shop", "web"));
    assert!(r.contains(&o("prod", "Deployment", "shop", "web")));
}

fn task(id: &str, service: &str, ip: &str, status: &str) -> EcsTaskRow {
    EcsTaskRow {
        region: "eu-west-1".into(),
        cluster: "apps".into(),
        id: id.into(),
        service: Some(service.into()),
        last_status: status.into(),
        desired_status: "RUNNING".into(),
        health: "UNHEALTHY".into(),
        ip: Some(ip.into()),
        launch_type: Some("FARGATE".into()),
    }
}

fn ecs_service(name: &str, desired: i32, running: i32) -> EcsServiceRow {
    EcsServiceRow {
        region: "eu-west-1".into(),
        cluster: "apps".into(),
        name: name.into(),
        status: "ACTIVE".into(),
        desired,
        running,
        pending: 0,
        launch_type: Some("FARGATE".into()),
        deployments: vec![],
        last_event: None,
        managed_by: None,
    }
}

/// Kong on ECS balancing `payments` to two tasks that fail their checks,
/// while the `payments` ECS service runs fewer tasks than desired; `orders`
/// is degraded too but Kong does not route to it.
fn ecs_fleet() -> Fleet {
    let mut f = Fleet::default();
    aws(
        &mut f,
        "eu-west-1",
        AwsRegionRows {
            tasks: vec![
                task("t1", "payments", "10.1.0.5", "RUNNING"),
                task("t2", "payments", "10.1.0.6", "RUNNING"),
                task("k1", "kong", "10.1.9.1", "RUNNING"),
            ],
            services: vec![ecs_service("payments", 3, 2), ecs_service("orders", 2, 1)],
            ..Default::default()
        },
    );
    let down = [
        ("10.1.0.5:8080", 100, "UNHEALTHY"),
        ("10.1.0.6:8080", 100, "UNHEALTHY"),
    ];
    let mut n = kong_node(
        "kong-ecs",
        None,
        "node-1",
        vec![upstream("payments.upstream", "UNHEALTHY", &down)],
    );
    n.ip = Some("10.1.9.1".into());
    n.routes = vec![route("payments.upstream", "/pay")];
    gateway(
        &mut f,
        "kong-ecs",
        None,
        Some("eu-west-1/apps/kong"),
        vec![n],
    );
    f
}

#[test]
fn link_upstream_and_kong_node_to_ecs_tasks_and_services() {
    let f = ecs_fleet();
    let r = reach(&f, o("", "KongUpstream", "kong-ecs", "payments.upstream"));
    assert!(r.contains(&o("eu-west-1", "EcsTask", "apps", "t1")));
    assert!(r.contains(&o("eu-west-1", "EcsService", "apps", "payments")));
    assert!(!r.contains(&o("eu-west-1", "EcsService", "apps", "orders")));
    let r = reach(&f, o("", "KongNode", "kong-ecs", "node-1"));
    assert!(r.contains(&o("eu-west-1", "EcsTask", "apps", "k1")));
    assert!(r.contains(&o("eu-west-1", "EcsService", "apps", "kong")));
    // Near miss: the node runs Kong, it is not a payments task.
    assert!(!r.contains(&o("eu-west-1", "EcsService", "apps", "payments")));
}

#[test]
fn kic_503s_fold_under_the_pod_that_cannot_pull() {
    let r = diagnose(&kic_fleet(&[]), now());
    assert_eq!(
        shape(&r),
        vec![(
            "FD-POD-IMAGE-PULL",
            "checkout".to_string(),
            vec!["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"]
        )]
    );
    let i = &r.incidents[0];
    assert_eq!(
        i.severity,
        Severity::Critical,
        "worst in it, not the root's"
    );
    assert_eq!(
        i.impact,
        vec![
            "requests to `GET shop.example.com/checkout` fail with 503 on 2 of 2 Kong node(s) of gateway prod/kong"
        ]
    );
}

#[test]
fn unrelated_crash_in_same_namespace_is_its_own_incident() {
    // Near miss: same namespace, same node, no link to the routed service.
    let other = broken(
        set(
            pod("shop", "mailer-1"),
            "/metadata/labels",
            json!({"app": "mailer"}),
        ),
        "CrashLoopBackOff",
    );
    let r = diagnose(&kic_fleet(&[other]), now());
    let roots: Vec<(&str, String)> = shape(&r).into_iter().map(|(c, n, _)| (c, n)).collect();
    assert_eq!(
        roots,
        vec![
            ("FD-POD-IMAGE-PULL", "checkout".to_string()),
            ("FD-POD-CRASHLOOP", "mailer-1".to_string()),
        ]
    );
    assert!(r.incidents[1].symptoms.is_empty());
}

#[test]
fn pods_on_a_not_ready_node_fold_under_the_node() {
    let bad = |n: &str, node: &str| {
        set(
            broken(pod("shop", n), "CrashLoopBackOff"),
            "/spec/nodeName",
            json!(node),
        )
    };
    let down = set(
        ec2_node("ip-1"),
        "/status/conditions",
        json!([{"type": "Ready", "status": "False"}]),
    );
    let r = diagnose(
        &fleet(
            "prod",
            &[
                down,
                ec2_node("ip-2"),
                bad("a-1", "ip-1"),
                bad("b-1", "ip-2"),
            ],
        ),
        now(),
    );
    assert_incidents(
        &r,
        &[
            ("FD-NODE-NOT-READY", "ip-1", &["FD-POD-CRASHLOOP"]),
            // Near miss: a crash on a healthy node is not the node's doing.
            ("FD-POD-CRASHLOOP", "b-1", &[]),
        ],
    );
}

#[test]
fn ecs_targets_fold_under_the_degraded_ecs_service() {
    let r = diagnose(&ecs_fleet(), now());
    assert_incidents(
        &r,
        &[
            ("FD-ECS-SERVICE-DEGRADED", "orders", &[]),
            ("FD-ECS-SERVICE-DEGRADED", "payments", &["FD-KONG-NO-PEER"]),
        ],
    );
    let pay = r
        .incidents
        .iter()
        .find(|i| !i.symptoms.is_empty())
        .expect("payments incident");
    assert_eq!(
        pay.impact,
        vec![
            "requests to `GET shop.example.com/pay` fail with 503 on 1 of 1 Kong node(s) of gateway kong-ecs"
        ]
    );
}

#[test]
fn routes_unknown_or_elsewhere_are_said_so() {
    let mut f = kic_fleet(&[]);
    for g in f.gateways.values_mut() {
        for n in g.nodes.values_mut() {
            n.routes.clear();
        }
    }
    let r = diagnose(&f, now());
    assert!(
        r.incidents[0].impact[0].contains("routes not known"),
        "{:?}",
        r.incidents[0].impact
    );
    for g in f.gateways.values_mut() {
        for n in g.nodes.values_mut() {
            n.routes = vec![route("other.shop.80.svc", "/other")];
        }
    }
    let r = diagnose(&f, now());
    assert!(
        r.incidents[0].impact[0].contains("no route sends to upstream"),
        "{:?}",
        r.incidents[0].impact
    );
}

#[test]
fn a_blind_cluster_is_the_root_of_what_we_cannot_see_and_nothing_else_is_claimed() {
    let mut f = kic_fleet(&[]);
    cluster(
        &mut f,
        "ok",
        &[broken(pod("web", "front-1"), "CrashLoopBackOff")],
    );
    f.apply(
        SourceUpdate::ClusterError {
            cluster: "prod".into(),
            error: SourceError::Unauthorized("token expired".into()),
        },
        now(),
    );
    f.apply(
        SourceUpdate::GatewayState {
            gateway: "prod/kong".into(),
            state: SourceState::Failed {
                since: now(),
                error: SourceError::Unauthorized("token expired".into()),
            },
        },
        now(),
    );
    let r = diagnose(&f, now());
    assert_incidents(
        &r,
        &[
            ("FD-CLUSTER-UNAUTHORIZED", "prod", &["FD-GATEWAY-SOURCE"]),
            // Near miss: another cluster's fault is not the blind one's.
            ("FD-POD-CRASHLOOP", "front-1", &[]),
        ],
    );
    assert!(
        !r.list.iter().any(|f| f.code == "FD-POD-IMAGE-PULL"),
        "rows of a blind cluster are not claimed"
    );
}

#[test]
fn root_does_not_depend_on_list_order() {
    let f = kic_fleet(&[]);
    let s = Snapshot::new(&f, now());
    let r = diagnose(&f, now());
    let mut rev = r.list.clone();
    rev.reverse();
    let a = correlate(&s, &r.list);
    let b = correlate(&s, &rev);
    assert_eq!(r.list[a[0].root], rev[b[0].root]);
}

#[test]
fn the_same_fault_on_nodes_of_one_gateway_is_one_incident() {
    let mut f = Fleet::default();
    let down = |gw: &str, n: &str| {
        let mut k = kong_node(gw, None, n, vec![]);
        k.reachable = Err("connection refused".into());
        k
    };
    gateway(
        &mut f,
        "a",
        None,
        None,
        vec![
            down("a", "n1"),
            down("a", "n2"),
            kong_node("a", None, "n3", vec![]),
        ],
    );
    // Near miss: the same fault on another gateway's node.
    gateway(
        &mut f,
        "b",
        None,
        None,
        vec![down("b", "m1"), kong_node("b", None, "m2", vec![])],
    );
    let r = diagnose(&f, now());
    assert_incidents(
        &r,
        &[
            ("FD-KONG-UNREACHABLE", "m1", &[]),
            ("FD-KONG-UNREACHABLE", "n1", &["FD-KONG-UNREACHABLE"]),
        ],
    );
}

#[test]
fn two_upstreams_failing_on_the_same_nodes_are_two_incidents() {
    // Near miss: both balancers fail on kong-1 and kong-2, but for two
    // services with unrelated causes.
    let pay = with_ip(
        broken(
            set(
                pod("shop", "payments-1"),
                "/metadata/labels",
                json!({"app": "payments"}),
            ),
            "CrashLoopBackOff",
        ),
        "10.0.1.60",
    );
    let mut f = kic_fleet(&[service("shop", "payments", "payments"), pay]);
    for g in f.gateways.values_mut() {
        for n in g.nodes.values_mut() {
            n.upstreams
                .push(upstream("payments.shop.80.svc", "UNHEALTHY", &[]));
        }
    }
    let r = diagnose(&f, now());
    assert_incidents(
        &r,
        &[
            (
                "FD-POD-CRASHLOOP",
                "payments-1",
                &["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"],
            ),
            (
                "FD-POD-IMAGE-PULL",
                "checkout",
                &["FD-KONG-NO-PEER", "FD-SVC-NO-ENDPOINTS"],
            ),
        ],
    );
}

/// `orders`: n3 has no peer, n2 sees one target down (said once, as the
/// no-peer with the nodes that still serve). `payments`: n3 alone sees a
/// target down — a split, its own incident although n3 also has no peer
/// for `orders` (near miss: a node shared by two upstreams joins nothing).
#[test]
fn a_health_split_is_its_upstreams_incident_only() {
    let mut f = Fleet::default();
    let t =
        |a: &'static str, b: &'static str| [("10.0.2.1:8080", 100, a), ("10.0.2.2:8080", 100, b)];
    let node = |n: &str, orders: &[(&str, i64, &str)], pay: &[(&str, i64, &str)]| {
        kong_node(
            "g",
            None,
            n,
            vec![
                upstream("orders", "HEALTHY", orders),
                upstream("payments", "HEALTHY", pay),
            ],
        )
    };
    let pay_up = [
        ("10.0.3.1:8080", 100, "HEALTHCHECKS_OFF"),
        ("10.0.3.2:8080", 100, "HEALTHY"),
    ];
    let pay_down = [
        ("10.0.3.1:8080", 100, "UNHEALTHY"),
        ("10.0.3.2:8080", 100, "HEALTHY"),
    ];
    gateway(
        &mut f,
        "g",
        None,
        None,
        vec![
            node("n1", &t("HEALTHY", "HEALTHY"), &pay_up),
            node("n2", &t("HEALTHY", "UNHEALTHY"), &pay_up),
            node("n3", &t("UNHEALTHY", "UNHEALTHY"), &pay_down),
        ],
    );
    let r = diagnose(&f, now());
    assert_incidents(
        &r,
        &[
            ("FD-KONG-HEALTH-SPLIT", "n3", &[]),
            ("FD-KONG-NO-PEER", "n3", &[]),
        ],
    );
    let split = r
        .list
        .iter()
        .find(|x| x.code == "FD-KONG-HEALTH-SPLIT")
        .expect("split on payments");
    assert!(split.cause.contains("payments"), "{}", split.cause);
    assert_eq!(
        split.remediation.as_ref().map(|r| r.action),
        Some(crate::diagnose::Action::ReplaceKongNode)
    );
}
