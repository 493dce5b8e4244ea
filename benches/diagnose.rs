//! All diagnosis rules over a `scale`-sized fleet (5,000 nodes, 100,000
//! pods, services, slices, events, a Kong gateway), built in memory.
//! `cargo bench --bench diagnose` (optimized) or `cargo test --bench diagnose` (debug).

use std::time::Instant;

use fleetdeck::diagnose::diagnose;
use fleetdeck::model::cluster::KubeUpdate;
use fleetdeck::model::event::EventRow;
use fleetdeck::model::fleet::{Fleet, SourceUpdate};
use fleetdeck::model::kong::{KongDb, KongNode, KongTarget, KongUpstream, KongVia};
use fleetdeck::model::node::{NodeKind, NodeRow};
use fleetdeck::model::pod::{Owner, PodHealth, PodNotes, PodRow};
use fleetdeck::model::service::{EndpointRow, EndpointSliceRow, ServiceRow};
use fleetdeck::model::store::Change;

const NODES: usize = 5_000;
const PODS: usize = 100_000;
const SERVICES: usize = 2_000;

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65_536, (i / 256) % 256, i % 256)
}

fn fleet() -> Fleet {
    let now = jiff::Timestamp::now();
    let mut f = Fleet::default();
    let c = "scale".to_owned();
    f.apply(
        SourceUpdate::ClusterAdded {
            cluster: c.clone(),
            server: None,
        },
        now,
    );
    f.apply(
        SourceUpdate::ClusterConnected {
            cluster: c.clone(),
            version: "v1.31".into(),
        },
        now,
    );
    let nodes = (0..NODES)
        .map(|i| NodeRow {
            name: format!("ip-{i}"),
            kind: if i % 5 == 0 {
                NodeKind::Fargate
            } else {
                NodeKind::Ec2
            },
            ready: Some(i % 1000 != 7),
            unschedulable: false,
            pressures: vec![],
            nodegroup: Some("general".into()),
            instance_type: Some("m5.large".into()),
            capacity_type: Some("ON_DEMAND".into()),
            zone: Some("eu-west-1a".into()),
            pods_allocatable: Some(29),
            cpu_allocatable: None,
            memory_allocatable: None,
            kubelet_version: None,
            internal_ip: None,
            created: Some(jiff::Timestamp::UNIX_EPOCH),
        })
        .collect();
    let pods = (0..PODS)
        .map(|i| {
            let svc = i % SERVICES;
            let crash = i.is_multiple_of(997);
            PodRow {
                namespace: format!("ns-{}", svc % 50).into(),
                name: format!("app-{svc}-{i}").into(),
                phase: "Running".into(),
                status: if crash {
                    "CrashLoopBackOff".into()
                } else {
                    "Running".into()
                },
                health: if crash {
                    PodHealth::Failed
                } else {
                    PodHealth::Ok
                },
                ready: u32::from(!crash),
                containers: 1,
                restarts: u32::from(crash) * 9,
                node: Some(format!("ip-{}", i % NODES)),
                ip: Some(ip(i).into()),
                fargate_profile: None,
                capacity_provisioned: None,
                scheduler: Some("default-scheduler".into()),
                owner: Some(Owner {
                    kind: "ReplicaSet".into(),
                    name: format!("app-{svc}-rs"),
                }),
                claims: vec![],
                created: Some(jiff::Timestamp::UNIX_EPOCH),
                labels: vec![("app".into(), format!("app-{svc}").into())],
                missing_cpu_request: false,
                ready_changed: Some(jiff::Timestamp::UNIX_EPOCH),
                resources: Default::default(),
                last_transition: None,
                notes: crash.then(|| {
                    Box::new(PodNotes {
                        last_termination: Some("Error".into()),
                        exit_code: Some(1),
                        last_failure: Some(jiff::Timestamp::UNIX_EPOCH),
                        ..PodNotes::default()
                    })
                }),
            }
        })
        .collect();
    let services = (0..SERVICES)
        .map(|s| ServiceRow {
            namespace: format!("ns-{}", s % 50),
            name: format!("app-{s}"),
            type_: "ClusterIP".into(),
            cluster_ip: None,
            external_ips: vec![],
            ports: vec!["80/TCP".into()],
            selector: vec![("app".into(), format!("app-{s}"))],
            created: None,
        })
        .collect();
    let slices = (0..SERVICES)
        .map(|s| EndpointSliceRow {
            namespace: format!("ns-{}", s % 50),
            name: format!("app-{s}-abc"),
            service: Some(format!("app-{s}")),
            endpoints: (0..PODS / SERVICES)
                .map(|k| {
                    let i = s + k * SERVICES;
                    EndpointRow {
                        address: ip(i),
                        ready: !i.is_multiple_of(997),
                        pod: None,
                        node: None,
                    }
                })
                .collect(),
            ports: vec![8080],
        })
        .collect();
    let events = (0..10_000)
        .map(|i| EventRow {
            namespace: format!("ns-{}", i % 50),
            name: format!("ev-{i}"),
            object_kind: "Pod".into(),
            object_name: format!("app-{}-{i}", i % SERVICES),
            type_: "Normal".into(),
            reason: "Pulled".into(),
            message: "pulled".into(),
            source: "kubelet".into(),
            count: 1,
            last: None,
        })
        .collect();
    for u in [
        KubeUpdate::Nodes(Change::reset(nodes)),
        KubeUpdate::Pods(Change::reset(pods)),
        KubeUpdate::Services(Change::reset(services)),
        KubeUpdate::EndpointSlices(Change::reset(slices)),
        KubeUpdate::Events(Change::reset(events)),
    ] {
        f.apply(
            SourceUpdate::Kube {
                cluster: c.clone(),
                update: u,
            },
            now,
        );
    }
    f.apply(
        SourceUpdate::GatewayAdded {
            gateway: "kong".into(),
            cluster: Some(c.clone()),
            ecs_service: None,
        },
        now,
    );
    for n in 0..3 {
        let mut node = KongNode::new(
            "kong",
            &format!("kong-{n}"),
            KongVia::Url(format!("http://kong-{n}")),
        );
        node.reachable = Ok(());
        node.ready = Some(Ok(()));
        node.db = KongDb::Reachable(true);
        node.polled = Some(now);
        node.upstreams = (0..200)
            .map(|s| KongUpstream {
                name: format!("app-{s}.ns-{}.80.svc", s % 50),
                balancer: Some("HEALTHY".into()),
                targets: (0..PODS / SERVICES)
                    .map(|k| KongTarget {
                        target: format!("{}:8080", ip(s + k * SERVICES)),
                        weight: 100,
                        health: "HEALTHCHECKS_OFF".into(),
                    })
                    .collect(),
            })
            .collect();
        f.apply(SourceUpdate::KongNode(Box::new(node)), now);
    }
    f
}

fn main() {
    let f = fleet();
    let now = jiff::Timestamp::now();
    let _ = diagnose(&f, now);
    let runs = 5;
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = diagnose(&f, now).list.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "diagnose: {NODES} nodes, {PODS} pods, {SERVICES} services, 3 Kong nodes x 200 upstreams: {n} findings; median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs ({})",
        times[runs / 2],
        times[0],
        times[runs - 1],
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "optimized build"
        }
    );
}
