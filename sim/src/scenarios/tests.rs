//! Each scenario, run in simulated time without any HTTP, shows its set-up
//! and exactly its fault. The HTTP side is tested by `tests/sim_kubectl.rs`.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Node, PersistentVolumeClaim, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::build as build_scenario;
use crate::cluster::Cluster;
use crate::controllers::meta::{label, name};
use crate::controllers::{nodes, podspec};
use crate::rng::Rng;
use crate::world::{self, Fleet};

/// Ticks `fleet` every second of simulated time, from `from` seconds after
/// its start until `to`.
fn run(fleet: &Fleet, from: u32, to: u32) {
    let mut rng = Rng::new(u64::from(from));
    let start = fleet.started;
    for i in from + 1..=to {
        let now = start + jiff::SignedDuration::from_secs(i64::from(i));
        world::tick(fleet, &mut rng, now);
    }
}

fn scenario(name: &str, secs: u32) -> Fleet {
    let fleet = build_scenario(name, 1, &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
    run(&fleet, 0, secs);
    fleet
}

fn cluster<'a>(fleet: &'a Fleet, name: &str) -> &'a Cluster {
    fleet
        .clusters
        .iter()
        .find(|c| c.name == name)
        .map(|c| &**c)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

fn pods_named(c: &Cluster, ns: &str, prefix: &str) -> Vec<Pod> {
    c.store()
        .list::<Pod>(Some(ns))
        .into_iter()
        .filter(|p| name(&p.metadata).starts_with(prefix))
        .collect()
}

fn running_and_ready(p: &Pod) -> bool {
    podspec::phase(p) == "Running" && podspec::is_ready(p)
}

fn condition(hpa: &HorizontalPodAutoscaler, kind: &str) -> Option<(String, String)> {
    hpa.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == kind)
        .map(|c| (c.status.clone(), c.reason.clone().unwrap_or_default()))
}

#[test]
fn healthy_has_every_pod_ready_and_every_claim_bound() {
    let fleet = scenario("healthy", 90);
    let c = cluster(&fleet, "healthy-eks");
    let pods = c.store().list::<Pod>(None);
    assert!(pods.len() >= 8, "{} pods", pods.len());
    let unready: Vec<&str> = pods
        .iter()
        .filter(|p| !running_and_ready(p))
        .map(|p| name(&p.metadata))
        .collect();
    assert!(unready.is_empty(), "not ready: {unready:?}");
    let pending: Vec<PersistentVolumeClaim> = c
        .store()
        .list::<PersistentVolumeClaim>(None)
        .into_iter()
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound"))
        .collect();
    assert!(pending.is_empty(), "{pending:?}");
    for n in fleet.kic[0].nodes.lock().expect("kic").values() {
        let n = n.lock().expect("node");
        assert!(n.not_ready_reason().is_none());
    }
}

#[test]
fn terrax_deadlocks_mysql_on_its_unbound_claim_while_the_service_runs_on_fargate() {
    let fleet = scenario("terrax", 60);
    let c = cluster(&fleet, "terrax-fargate");
    let claim: PersistentVolumeClaim = c
        .store()
        .get("default", "mysql-pv-claim")
        .expect("the claim");
    assert_eq!(
        claim.status.and_then(|s| s.phase).as_deref(),
        Some("Pending")
    );
    let mysql = pods_named(c, "default", "mysql-");
    assert_eq!(mysql.len(), 1);
    assert_eq!(podspec::phase(&mysql[0]), "Pending");
    assert_eq!(
        label(&mysql[0].metadata, "eks.amazonaws.com/fargate-profile"),
        Some("fp-default")
    );
    let service = pods_named(c, "tb-demo", "service-");
    assert_eq!(service.len(), 2);
    for p in &service {
        assert!(running_and_ready(p), "{}", name(&p.metadata));
        assert!(podspec::node_name(p).is_some_and(|n| n.starts_with("fargate-ip-")));
    }
}

#[test]
fn kong_fargate_hpa_follows_the_load_ramp() {
    let fleet = scenario("kong-fargate", 30);
    let c = cluster(&fleet, "kong-fargate");
    let early: Deployment = c.store().get("default", "hello-api").expect("deploy");
    run(&fleet, 30, 630);
    let hpa: HorizontalPodAutoscaler = c.store().get("default", "hello-api").expect("hpa");
    let late: Deployment = c.store().get("default", "hello-api").expect("deploy");
    let replicas = |d: &Deployment| d.spec.replicas.unwrap_or(1);
    assert!(
        replicas(&late) > replicas(&early) && replicas(&late) >= 4,
        "{} -> {}",
        replicas(&early),
        replicas(&late)
    );
    assert_eq!(
        condition(&hpa, "ScalingActive").map(|c| c.0).as_deref(),
        Some("True")
    );
    // hello-api runs on Fargate, Kong on the EC2 node group.
    let hello = pods_named(c, "default", "hello-api-");
    assert!(
        hello
            .iter()
            .all(|p| podspec::node_name(p).is_none_or(|n| n.starts_with("fargate-ip-")))
    );
}

/// CoreDNS's pods predate the kube-system profile: they stay Pending with
/// the default scheduler and no node; the template change `kubectl rollout
/// restart` makes rolls them, and the new pods are claimed and run.
#[test]
fn late_profile_leaves_coredns_pending_until_its_rollout_is_restarted() {
    let after = u32::try_from(super::late_profile::PROFILE_AFTER_SECS).expect("secs");
    let fleet = scenario("late-profile", after + 60);
    let c = cluster(&fleet, "hello-fargate");
    let dns = pods_named(c, "kube-system", "coredns-");
    assert_eq!(dns.len(), 2);
    for p in &dns {
        assert_eq!(podspec::phase(p), "Pending", "{}", name(&p.metadata));
        assert_eq!(podspec::node_name(p), None);
        assert_eq!(
            label(&p.metadata, "eks.amazonaws.com/fargate-profile"),
            None
        );
    }
    for p in &pods_named(c, "default", "hello-api-") {
        assert!(running_and_ready(p), "{}", name(&p.metadata));
    }
    let old: Vec<String> = dns.iter().map(|p| name(&p.metadata).to_owned()).collect();
    {
        let mut s = c.store();
        let mut d: Deployment = s.get("kube-system", "coredns").expect("coredns");
        let meta = d
            .spec
            .template
            .metadata
            .get_or_insert_with(Default::default);
        crate::controllers::meta::set_annotation(
            meta,
            "kubectl.kubernetes.io/restartedAt",
            "2026-01-01T00:00:00Z",
        );
        s.replace(&d).expect("patched");
    }
    run(&fleet, after + 60, after + 180);
    let dns = pods_named(c, "kube-system", "coredns-");
    assert_eq!(dns.len(), 2, "{dns:?}");
    for p in &dns {
        assert!(!old.contains(&name(&p.metadata).to_owned()), "{old:?}");
        assert!(running_and_ready(p), "{}", name(&p.metadata));
        assert_eq!(
            label(&p.metadata, "eks.amazonaws.com/fargate-profile"),
            Some("fp-kube-system")
        );
    }
}

#[test]
fn kong_ecs_one_node_has_no_healthy_peer_for_payments_while_two_serve() {
    let fleet = scenario("kong-ecs", 60);
    let gw = &fleet.ecs_kong[0];
    assert_eq!(gw.nodes.len(), 3);
    let healthy: Vec<bool> = gw
        .nodes
        .iter()
        .map(|(_, n)| {
            let n = n.lock().expect("node");
            let b = n.balancer("payments.upstream").expect("payments upstream");
            assert!(!b.hosts.is_empty(), "targets follow the running tasks");
            b.healthy
        })
        .collect();
    assert_eq!(healthy, [true, false, true]);
    for (_, n) in &gw.nodes {
        let n = n.lock().expect("node");
        assert!(n.balancer("orders.upstream").expect("orders").healthy);
    }
}

/// Stopping the task of the node without a peer (seed 002's fix, a
/// redeploy): ECS starts a replacement and the node comes back as it, a
/// fresh Kong serving payments; the other two nodes are untouched.
#[test]
fn kong_ecs_a_stopped_nodes_replacement_is_a_fresh_kong() {
    let fleet = scenario("kong-ecs", 60);
    let gw = &fleet.ecs_kong[0];
    let hosts = |i: usize| gw.nodes[i].1.lock().expect("node").hostname.clone();
    let before: Vec<String> = (0..3).map(hosts).collect();
    {
        let mut aws = fleet.aws.lock().expect("aws");
        let now = fleet.started + jiff::SignedDuration::from_secs(60);
        let c = aws
            .ecs_cluster_mut(&gw.region, &gw.ecs_cluster)
            .expect("cluster");
        let t = c
            .tasks
            .values_mut()
            .find(|t| t.private_dns_name(&gw.region) == before[1])
            .expect("node 1's task");
        t.request_stop(now, "UserInitiated", "test".into());
    }
    run(&fleet, 60, 180);
    let after: Vec<String> = (0..3).map(hosts).collect();
    assert_ne!(after[1], before[1], "node 1 is not its replacement");
    assert!(!before.contains(&after[1]), "{before:?} → {after:?}");
    assert_eq!((&after[0], &after[2]), (&before[0], &before[2]));
    for (_, n) in &gw.nodes {
        let n = n.lock().expect("node");
        let b = n.balancer("payments.upstream").expect("payments upstream");
        assert!(b.healthy, "{} has no peer for payments", n.hostname);
    }
}

#[test]
fn virtual_kubelet_pods_take_their_ecs_tasks_ips_and_scale_with_them() {
    let fleet = scenario("virtual-kubelet", 60);
    let c = cluster(&fleet, "contentful-infra");
    let task_ips = |fleet: &Fleet| -> Vec<String> {
        let aws = fleet.aws.lock().expect("aws");
        let ecs = aws
            .ecs_cluster("us-east-1", "virtual-kubelet")
            .expect("ecs");
        let mut ips: Vec<String> = ecs
            .service_tasks("batch-report-renderer")
            .filter(|t| t.last_status.as_str() == "RUNNING")
            .map(|t| t.private_ip.clone())
            .collect();
        ips.sort();
        ips
    };
    let pod_ips = |c: &Cluster| -> Vec<String> {
        let mut ips: Vec<String> = pods_named(c, "batch", "report-renderer-")
            .iter()
            .filter(|p| podspec::node_name(p) == Some("virtual-kubelet"))
            .filter_map(|p| p.status.as_ref()?.pod_ip.clone())
            .collect();
        ips.sort();
        ips
    };
    assert_eq!(pod_ips(c).len(), 3);
    assert_eq!(pod_ips(c), task_ips(&fleet));

    let mut d: Deployment = c.store().get("batch", "report-renderer").expect("deploy");
    d.spec.replicas = Some(5);
    c.store().replace(&d).expect("scale");
    run(&fleet, 60, 180);
    assert_eq!(pod_ips(c).len(), 5);
    assert_eq!(pod_ips(c), task_ips(&fleet));
    let slice_ips: usize = c
        .store()
        .list::<EndpointSlice>(Some("batch"))
        .iter()
        .flat_map(|s| s.endpoints.iter().flatten())
        .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
        .count();
    assert!(slice_ips == 0 || slice_ips == 5, "{slice_ips}");
}

#[test]
fn global_has_a_management_cluster_and_four_workload_clusters_one_unreachable() {
    let fleet = scenario("global", 30);
    let names: Vec<&str> = fleet.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&"admiralty-mgmt"));
    let unreachable: Vec<&str> = fleet
        .clusters
        .iter()
        .filter(|c| !c.reachable)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(unreachable, ["fargate-eu-2"]);
    let regions: std::collections::BTreeSet<&str> =
        fleet.clusters.iter().map(|c| c.region.as_str()).collect();
    assert!(regions.len() >= 2, "{regions:?}");
}

#[test]
fn demo_pins_hello_api_at_its_max_and_keeps_its_faults() {
    let fleet = scenario("demo", 120);
    let eu = cluster(&fleet, "prod-eu");
    let hpa: HorizontalPodAutoscaler = eu.store().get("shop", "hello-api").expect("hpa");
    assert_eq!(hpa.status.as_ref().map(|s| s.desired_replicas), Some(4));
    assert_eq!(
        condition(&hpa, "ScalingLimited"),
        Some(("True".into(), "TooManyReplicas".into()))
    );
    let claim: PersistentVolumeClaim = eu.store().get("default", "mysql-data").expect("claim");
    assert_eq!(
        claim.status.and_then(|s| s.phase).as_deref(),
        Some("Pending")
    );
    assert!(
        pods_named(eu, "shop", "payments-")
            .iter()
            .all(|p| !running_and_ready(p))
    );
}

#[test]
fn scale_builds_exactly_its_parameters_and_churn_keeps_the_count() {
    let params = [
        ("nodes".to_owned(), "40".to_owned()),
        ("pods".to_owned(), "1200".to_owned()),
        ("events_per_sec".to_owned(), "200".to_owned()),
    ];
    let fleet = build_scenario("scale", 1, &params).expect("builds");
    let c = cluster(&fleet, "scale");
    let count = |c: &Cluster| {
        let store = c.store();
        let pods = store.list::<Pod>(None);
        let ec2 = store
            .list::<Node>(None)
            .iter()
            .filter(|n| !nodes::is_fargate(n))
            .count();
        (ec2, pods.len())
    };
    let (ec2, pods) = count(c);
    assert_eq!(ec2, 40);
    assert!((1200..1200 + 20).contains(&pods), "{pods}");
    let rv = c.store().resource_version();
    run(&fleet, 0, 5);
    let (_, after) = count(c);
    assert!(after.abs_diff(pods) <= 50, "{pods} -> {after}");
    let events = c.store().resource_version() - rv;
    assert!(events >= 500, "{events} changes in 5 s at 200/s");
    // The events land on the busy pods only (12 of 1,200); one in five of
    // them crash-loops, the rest flap readiness. `busy=1200` spreads them.
    let restarted = |c: &Cluster| {
        c.store()
            .list::<Pod>(None)
            .iter()
            .filter(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.restart_count > 0))
            })
            .count()
    };
    assert_eq!(restarted(c), 3);
    let mut spread = params.to_vec();
    spread.push(("busy".to_owned(), "1200".to_owned()));
    let fleet = build_scenario("scale", 1, &spread).expect("builds");
    run(&fleet, 0, 5);
    let n = restarted(cluster(&fleet, "scale"));
    assert!(
        n > 50,
        "{n} pods restarted with the events spread over every pod"
    );
}

/// Every timestamp in `v` replaced by a marker: timestamps follow the wall
/// clock the fleet starts at, everything else must follow the seed.
fn without_timestamps(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.parse::<jiff::Timestamp>().is_ok() => *s = "<t>".into(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_timestamps),
        serde_json::Value::Object(o) => o.values_mut().for_each(without_timestamps),
        _ => {}
    }
}

/// What a seed decides in `fleet`: every stored object (uid, JSON without
/// timestamps) of every cluster, and every ECS task's id and address.
fn fingerprint(fleet: &Fleet) -> Vec<String> {
    let mut out = Vec::new();
    for c in &fleet.clusters {
        let store = c.store();
        for rid in 0..crate::resources::RESOURCES.len() {
            for o in store.iter_raw(rid, None, None) {
                let mut v = o.value();
                without_timestamps(&mut v);
                out.push(format!(
                    "{} {rid} {}/{} {} {v}",
                    c.name, o.namespace, o.name, o.uid
                ));
            }
        }
    }
    let aws = fleet.aws.lock().expect("aws");
    for (region, r) in &aws.regions {
        for (name, ecs) in &r.ecs {
            for t in ecs.tasks.values() {
                out.push(format!(
                    "{region} {name} task {} {} {}",
                    t.id,
                    t.private_ip,
                    t.last_status.as_str()
                ));
            }
        }
    }
    out
}

/// Every scenario, built from `seed` and run `secs` seconds; `scale` small.
fn every_scenario(seed: u64, secs: u32) -> Vec<(&'static str, Vec<String>)> {
    let small = [
        ("nodes".to_owned(), "6".to_owned()),
        ("pods".to_owned(), "60".to_owned()),
        ("events_per_sec".to_owned(), "20".to_owned()),
    ];
    super::list()
        .into_iter()
        .map(|(name, _)| {
            let params: &[(String, String)] = if name == "scale" { &small } else { &[] };
            let fleet =
                build_scenario(name, seed, params).unwrap_or_else(|e| panic!("{name}: {e}"));
            run(&fleet, 0, secs);
            (name, fingerprint(&fleet))
        })
        .collect()
}

/// Same seed, same fleet (and not an empty one); another seed, another fleet.
fn assert_seeded(secs: u32) {
    let first = every_scenario(7, secs);
    let again = every_scenario(7, secs);
    let other = every_scenario(8, secs);
    assert_eq!(first.len(), super::list().len());
    for (((name, a), (_, b)), (_, c)) in first.iter().zip(&again).zip(&other) {
        assert!(a.len() >= 10, "{name}: only {} objects", a.len());
        if let Some((x, y)) = a.iter().zip(b).find(|(x, y)| x != y) {
            panic!("{name}: seed 7 built two fleets:\n{x}\n{y}");
        }
        assert_eq!(a.len(), b.len(), "{name}: seed 7 built two fleets");
        // Every scenario draws its clusters' uids and tokens from the seed.
        assert_ne!(a, c, "{name}: seeds 7 and 8 built the same fleet");
    }
}

#[test]
fn every_scenario_builds_its_seed_and_only_its_seed() {
    assert_seeded(0);
}

#[test]
fn every_scenario_runs_its_seed_the_same_way() {
    assert_seeded(10);
}

/// `demo` aged as `fleetdeck sim` ages it before serving.
fn aged_demo(seed: u64) -> Fleet {
    let fleet = build_scenario("demo", seed, &[]).unwrap_or_else(|e| panic!("demo: {e}"));
    world::age(&fleet, &mut Rng::new(seed), world::LIVED_FOR_SECS);
    fleet
}

#[test]
fn an_aged_fleet_is_lived_in_and_follows_its_seed() {
    let demo = aged_demo(7);
    let (a, b, c) = (
        fingerprint(&demo),
        fingerprint(&aged_demo(7)),
        fingerprint(&aged_demo(8)),
    );
    if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
        panic!("seed 7 aged two fleets:\n{x}\n{y}");
    }
    assert_eq!(a.len(), b.len(), "seed 7 aged two fleets");
    assert_ne!(a, c, "seeds 7 and 8 aged the same fleet");
    let end = demo.started + jiff::SignedDuration::from_secs(world::LIVED_FOR_SECS);
    let eu = cluster(&demo, "prod-eu");
    let hours_old = |p: &Pod| {
        let created = p.metadata.creation_timestamp.as_ref().expect("created").0;
        end.duration_since(created).as_secs() >= 3600
    };
    let payments = pods_named(eu, "shop", "payments-");
    assert!(!payments.is_empty(), "no payments pod");
    for p in &payments {
        assert!(hours_old(p), "{:?} is not hours old", p.metadata.name);
        let restarts: i32 = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .into_iter()
            .flatten()
            .map(|c| c.restart_count)
            .sum();
        assert!(
            restarts > 3,
            "{:?} restarted {restarts} times",
            p.metadata.name
        );
    }
    let kong = pods_named(eu, "kong", "");
    assert!(!kong.is_empty() && kong.iter().all(hours_old));
    let hpa = eu
        .store()
        .list::<HorizontalPodAutoscaler>(Some("shop"))
        .into_iter()
        .next()
        .expect("hello-api HPA");
    let scaled = hpa
        .status
        .as_ref()
        .and_then(|s| s.last_scale_time.as_ref())
        .expect("the HPA has scaled")
        .0;
    assert!(
        scaled < end,
        "lastScaleTime {scaled} after the fleet's now {end}"
    );
    // Repeated events carry their count and a first time before the last.
    let events = eu
        .store()
        .list::<k8s_openapi::api::core::v1::Event>(Some("shop"));
    assert!(
        events.iter().any(|e| e.count.unwrap_or(0) > 1
            && e.first_timestamp.as_ref().map(|t| t.0) < e.last_timestamp.as_ref().map(|t| t.0)),
        "no repeated event among {} in shop",
        events.len()
    );
}
