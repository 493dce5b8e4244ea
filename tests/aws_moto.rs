//! Cross-check of the simulated AWS endpoint against moto, a widely used AWS
//! emulator: the same objects are created in moto (through the Rust SDK) and
//! in a sim world, then read back through `aws-sdk-eks`/`aws-sdk-ecs` from
//! both. Both answers go through the app's own row builders (`model::aws`)
//! and the rows must be equal, so a field the sim serves wrong for fleetdeck
//! fails here; what moto cannot report as AWS does is masked and checked on
//! the sim alone.
//!
//! moto comes from `tests/requirements.txt`, installed into `.venv` by
//! `./scripts/test`; `FLEETDECK_MOTO_SERVER` may name another `moto_server`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, LaunchType,
    NetworkConfiguration, NetworkMode,
};
use aws_sdk_eks::types::{CapacityTypes, FargateProfileSelector, NodegroupScalingConfig};
use fleetdeck::model::aws::{
    self, EcsClusterRow, EcsServiceRow, EcsTaskRow, EksClusterRow, FargateProfileRow, NodegroupRow,
};
use fleetdeck_sim::aws::{
    AwsWorld, EcsCluster, EcsService, EksCluster, FargateProfile, Nodegroup, router,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012"; // moto's default account
const TASK_DEF: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:1";

/// A moto server on a free port, killed when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_server_path() -> PathBuf {
    std::env::var_os("FLEETDECK_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_moto() -> Moto {
    let path = moto_server_path();
    assert!(
        path.exists(),
        "moto_server not found at {}: run ./scripts/test, which installs tests/requirements.txt into .venv \
         (or set FLEETDECK_MOTO_SERVER to a moto_server binary)",
        path.display()
    );
    let port = free_port();
    let child = Command::new(&path)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        // moto's services report this many running tasks (default 0).
        .env("MOTO_ECS_SERVICE_RUNNING", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let mut moto = Moto { child, port };
    for _ in 0..300 {
        if let Some(status) = moto.child.try_wait().unwrap() {
            panic!("moto_server exited early with {status}");
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return moto;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not listen on port {port} within 30 s");
}

/// Serves `router` for `world` on a free port; returns its base URL.
async fn start_sim(world: fleetdeck_sim::aws::SharedAws) -> String {
    fleetdeck_sim::server::serve_http(router(world))
        .await
        .expect("the sim's AWS endpoint listens")
}

fn eks_client(url: &str) -> aws_sdk_eks::Client {
    use aws_sdk_eks::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_eks::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(url)
        .build();
    aws_sdk_eks::Client::from_conf(config)
}

fn ecs_client(url: &str) -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_ecs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(url)
        .build();
    aws_sdk_ecs::Client::from_conf(config)
}

/// A raw HTTP/1.1 exchange; returns the whole response (head and body).
async fn raw_http(port: u16, head: &str, body: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!(
        "{head}\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}

/// The first `<tag>…</tag>` of an EC2 query response from moto (there is
/// no EC2 SDK among the dependencies; moto needs real subnet and SG ids).
async fn moto_ec2_first(port: u16, action: &str, tag: &str) -> String {
    let head = "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
        Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20261121/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=0";
    let response = raw_http(port, head, &format!("Action={action}&Version=2016-11-15")).await;
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let start = response
        .find(&open)
        .unwrap_or_else(|| panic!("no {tag} in {action}: {response}"))
        + open.len();
    let end = response[start..].find(&close).unwrap() + start;
    response[start..end].to_owned()
}

/// Creates in moto what `sim_world` holds, through the SDKs.
async fn seed_moto(moto: &Moto, eks: &aws_sdk_eks::Client, ecs: &aws_sdk_ecs::Client) {
    // moto moves a task towards STOPPED on every describe unless told not to.
    let hold =
        r#"{"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000}}"#;
    let head =
        "POST /moto-api/state-manager/set-transition HTTP/1.1\r\nContent-Type: application/json";
    let response = raw_http(moto.port, head, hold).await;
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    let subnet = moto_ec2_first(moto.port, "DescribeSubnets", "subnetId").await;
    let sg = moto_ec2_first(moto.port, "DescribeSecurityGroups", "groupId").await;
    let vpc = aws_sdk_eks::types::VpcConfigRequest::builder()
        .subnet_ids(&subnet)
        .build();
    let role = format!("arn:aws:iam::{ACCOUNT}:role/eks");
    eks.create_cluster()
        .name("edge")
        .version("1.31")
        .role_arn(&role)
        .resources_vpc_config(vpc)
        .send()
        .await
        .unwrap();
    for (name, capacity, instance, (min, desired, max)) in [
        ("general", CapacityTypes::OnDemand, "m5.large", (1, 2, 4)),
        ("spot", CapacityTypes::Spot, "t3.large", (0, 1, 3)),
    ] {
        let sizes = NodegroupScalingConfig::builder()
            .min_size(min)
            .desired_size(desired)
            .max_size(max)
            .build();
        eks.create_nodegroup()
            .cluster_name("edge")
            .nodegroup_name(name)
            .node_role(&role)
            .subnets(&subnet)
            .capacity_type(capacity)
            .instance_types(instance)
            .scaling_config(sizes)
            .send()
            .await
            .unwrap();
    }
    let selector = FargateProfileSelector::builder()
        .namespace("kong")
        .labels("app", "kong-gateway")
        .build();
    eks.create_fargate_profile()
        .cluster_name("edge")
        .fargate_profile_name("fp-kong")
        .pod_execution_role_arn(&role)
        .subnets(&subnet)
        .selectors(selector)
        .send()
        .await
        .unwrap();

    ecs.create_cluster()
        .cluster_name("apis")
        .send()
        .await
        .unwrap();
    let container = ContainerDefinition::builder()
        .name("orders")
        .image("orders:latest")
        .cpu(256)
        .memory(512)
        .essential(true)
        .build();
    ecs.register_task_definition()
        .family("orders")
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container)
        .send()
        .await
        .unwrap();
    let vpc = AwsVpcConfiguration::builder()
        .subnets(&subnet)
        .security_groups(&sg)
        .assign_public_ip(AssignPublicIp::Disabled)
        .build()
        .unwrap();
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(vpc)
        .build();
    ecs.create_service()
        .cluster("apis")
        .service_name("orders")
        .task_definition("orders")
        .desired_count(2)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network.clone())
        .send()
        .await
        .unwrap();
    // moto does not start service tasks itself; start them as the service would.
    ecs.run_task()
        .cluster("apis")
        .task_definition("orders")
        .count(2)
        .launch_type(LaunchType::Fargate)
        .group("service:orders")
        .network_configuration(network)
        .send()
        .await
        .unwrap();
}

/// The same fleet as a sim world, warmed up so its tasks are RUNNING.
fn sim_world() -> AwsWorld {
    let t0 = jiff::Timestamp::from_second(1_763_700_000).unwrap();
    let mut world = AwsWorld::new(ACCOUNT, t0);
    world.add_eks_cluster(
        REGION,
        EksCluster::new("edge", "1.31", t0)
            .with_nodegroup(Nodegroup::new("general", "m5.large", (1, 2, 4), t0))
            .with_nodegroup(Nodegroup::new("spot", "t3.large", (0, 1, 3), t0).spot())
            .with_fargate_profile(
                FargateProfile::new("fp-kong", t0).selector("kong", &[("app", "kong-gateway")]),
            ),
    );
    world.add_ecs_cluster(
        REGION,
        EcsCluster::new("apis").with_service(
            EcsService::fargate("orders", TASK_DEF, 2, t0)
                .with_image("orders:latest")
                // As seeded in moto: the container defines no healthCheck.
                .without_health_check(),
        ),
    );
    let mut state = 7u64;
    world.warm_up(t0, &mut || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state
    });
    world
}

fn has<T>(who: &str, field: &str, value: Option<T>) -> T {
    value.unwrap_or_else(|| panic!("{who}: {field} is missing"))
}

/// EKS as fleetdeck sees it: the app's own rows (`model::aws`) built from
/// one endpoint's answers, so a field the app reads wrong fails here.
#[derive(Debug, PartialEq)]
struct EksSeen {
    cluster: EksClusterRow,
    nodegroups: Vec<NodegroupRow>,
    profiles: Vec<FargateProfileRow>,
}

async fn read_eks(who: &str, eks: &aws_sdk_eks::Client) -> EksSeen {
    let names = eks.list_clusters().send().await.unwrap();
    assert_eq!(names.clusters(), ["edge"], "{who}");
    let c = eks.describe_cluster().name("edge").send().await.unwrap();
    let c = has(who, "cluster", c.cluster());
    let arn = has(who, "cluster.arn", c.arn());
    assert_eq!(
        arn,
        format!("arn:aws:eks:{REGION}:{ACCOUNT}:cluster/edge"),
        "{who}"
    );
    has(who, "cluster.createdAt", c.created_at());
    let mut cluster = aws::eks_cluster(REGION, c);
    // Each endpoint names its own host; that it is an https URL is what matters.
    let endpoint = cluster.endpoint.take();
    assert!(
        has(who, "cluster.endpoint", endpoint.as_deref()).starts_with("https://"),
        "{who}"
    );

    // One name per page, to walk nextToken.
    let pages = eks
        .list_nodegroups()
        .cluster_name("edge")
        .max_results(1)
        .into_paginator()
        .items()
        .send();
    let names: Vec<String> = pages.collect::<Result<Vec<_>, _>>().await.unwrap();
    let mut nodegroups = Vec::new();
    for name in &names {
        let ng = eks
            .describe_nodegroup()
            .cluster_name("edge")
            .nodegroup_name(name)
            .send()
            .await
            .unwrap();
        let ng = has(who, "nodegroup", ng.nodegroup());
        let arn = has(who, "nodegroup.arn", ng.nodegroup_arn());
        assert!(
            arn.starts_with(&format!(
                "arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/edge/{name}/"
            )),
            "{who}: {arn}"
        );
        has(who, "nodegroup.scalingConfig", ng.scaling_config());
        nodegroups.push(aws::nodegroup(REGION, ng));
    }

    let names = eks
        .list_fargate_profiles()
        .cluster_name("edge")
        .send()
        .await
        .unwrap();
    let mut profiles = Vec::new();
    for name in names.fargate_profile_names() {
        let fp = eks
            .describe_fargate_profile()
            .cluster_name("edge")
            .fargate_profile_name(name)
            .send()
            .await
            .unwrap();
        let fp = has(who, "fargateProfile", fp.fargate_profile());
        let arn = has(who, "fargateProfile.arn", fp.fargate_profile_arn());
        assert!(
            arn.starts_with(&format!(
                "arn:aws:eks:{REGION}:{ACCOUNT}:fargateprofile/edge/{name}/"
            )),
            "{who}: {arn}"
        );
        profiles.push(aws::fargate_profile(REGION, fp));
    }
    EksSeen {
        cluster,
        nodegroups,
        profiles,
    }
}

/// ECS as fleetdeck sees it (the app's rows), less what moto cannot report
/// the way ECS does: those parts are in [`EcsExtras`] and checked on the sim.
#[derive(Debug, PartialEq)]
struct EcsSeen {
    cluster: EcsClusterRow,
    service: EcsServiceRow,
    tasks: Vec<EcsTaskRow>,
}

/// What moto leaves out (it keeps no service events, task zones or cluster
/// counts), checked on the sim alone.
struct EcsExtras {
    events: Vec<String>,
    zones: Vec<String>,
    /// (active services, running tasks, pending tasks)
    counts: (i32, i32, i32),
}

async fn read_ecs(who: &str, ecs: &aws_sdk_ecs::Client) -> (EcsSeen, EcsExtras) {
    let arns = ecs.list_clusters().send().await.unwrap();
    assert_eq!(
        arns.cluster_arns(),
        [format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/apis")],
        "{who}"
    );
    let out = ecs
        .describe_clusters()
        .clusters("apis")
        .send()
        .await
        .unwrap();
    let mut cluster = aws::ecs_cluster(REGION, &out.clusters()[0]);
    let counts = (
        std::mem::take(&mut cluster.services),
        std::mem::take(&mut cluster.running_tasks),
        std::mem::take(&mut cluster.pending_tasks),
    );

    let arns = ecs.list_services().cluster("apis").send().await.unwrap();
    assert_eq!(arns.service_arns().len(), 1, "{who}");
    let out = ecs
        .describe_services()
        .cluster("apis")
        .services(&arns.service_arns()[0])
        .send()
        .await
        .unwrap();
    let s = &out.services()[0];
    assert!(!s.deployments().is_empty(), "{who}: deployments");
    has(who, "deployment.id", s.deployments()[0].id());
    let events = s
        .events()
        .iter()
        .map(|e| has(who, "event.message", e.message()).to_owned())
        .collect();
    let mut service = aws::ecs_service(REGION, "apis", s);
    service.last_event = None;

    let arns = ecs
        .list_tasks()
        .cluster("apis")
        .service_name("orders")
        .send()
        .await
        .unwrap();
    let out = ecs
        .describe_tasks()
        .cluster("apis")
        .set_tasks(Some(arns.task_arns().to_vec()))
        .send()
        .await
        .unwrap();
    let (mut tasks, mut zones) = (Vec::new(), Vec::new());
    for t in out.tasks() {
        let arn = has(who, "taskArn", t.task_arn());
        assert!(
            arn.starts_with(&format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task/")),
            "{who}: {arn}"
        );
        zones.extend(t.availability_zone().map(str::to_owned));
        let mut row = aws::ecs_task(REGION, "apis", t);
        // Ids and addresses are each endpoint's own; their shape is what matters.
        assert!(!std::mem::take(&mut row.id).is_empty(), "{who}: task id");
        let ip = row.ip.take();
        assert!(
            has(who, "privateIPv4Address", ip.as_deref()).starts_with("10."),
            "{who}: {ip:?}"
        );
        tasks.push(row);
    }
    tasks.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    (
        EcsSeen {
            cluster,
            service,
            tasks,
        },
        EcsExtras {
            events,
            zones,
            counts,
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_and_moto_agree_on_every_field_fleetdeck_reads() {
    let moto = start_moto().await;
    let moto_url = format!("http://127.0.0.1:{}", moto.port);
    let (moto_eks, moto_ecs) = (eks_client(&moto_url), ecs_client(&moto_url));
    seed_moto(&moto, &moto_eks, &moto_ecs).await;
    let sim_url = start_sim(sim_world().shared()).await;
    let (sim_eks, sim_ecs) = (eks_client(&sim_url), ecs_client(&sim_url));

    let from_moto = read_eks("moto", &moto_eks).await;
    let from_sim = read_eks("sim", &sim_eks).await;
    assert_eq!(from_sim, from_moto);
    assert_eq!(from_sim.nodegroups.len(), 2);

    let (from_moto, _) = read_ecs("moto", &moto_ecs).await;
    let (from_sim, extras) = read_ecs("sim", &sim_ecs).await;
    assert_eq!(from_sim, from_moto);
    assert_eq!(from_sim.tasks.len(), 2);
    let EcsExtras {
        events,
        zones,
        counts,
    } = extras;
    assert_eq!(events[0], "(service orders) has reached a steady state.");
    assert!(
        events[1].starts_with("(service orders) has started 2 tasks: (task "),
        "{events:?}"
    );
    assert_eq!(zones.len(), 2);
    assert!(zones.iter().all(|z| z.starts_with(REGION)), "{zones:?}");
    assert_eq!(counts, (1, 2, 0));

    for (who, eks, ecs) in [("moto", &moto_eks, &moto_ecs), ("sim", &sim_eks, &sim_ecs)] {
        let err = eks
            .describe_cluster()
            .name("nope")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{who}: {err:?}");
        let err = ecs
            .describe_services()
            .cluster("nope")
            .services("orders")
            .send()
            .await
            .unwrap_err();
        let err = err.into_service_error();
        assert!(err.is_cluster_not_found_exception(), "{who}: {err:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_scales_node_groups_and_services_through_the_sdks() {
    let world = sim_world().shared();
    let url = start_sim(world.clone()).await;
    let (eks, ecs) = (eks_client(&url), ecs_client(&url));
    let t0 = world.lock().unwrap().now;
    let tick = |secs: i64| {
        let mut n = 0u64;
        let mut w = world.lock().unwrap();
        w.tick(t0 + jiff::SignedDuration::from_secs(secs), &mut || {
            n += 1;
            n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
    };

    // UpdateNodegroupConfig within bounds: applied, reported as an update.
    let sizes = NodegroupScalingConfig::builder().desired_size(4).build();
    let out = eks
        .update_nodegroup_config()
        .cluster_name("edge")
        .nodegroup_name("general")
        .scaling_config(sizes)
        .send()
        .await
        .unwrap();
    let update = out.update().unwrap();
    assert_eq!(update.status().unwrap().as_str(), "InProgress");
    assert_eq!(update.r#type().unwrap().as_str(), "ConfigUpdate");
    assert_eq!(update.params()[0].r#type().unwrap().as_str(), "DesiredSize");
    assert_eq!(update.params()[0].value(), Some("4"));
    let ng = eks
        .describe_nodegroup()
        .cluster_name("edge")
        .nodegroup_name("general")
        .send()
        .await
        .unwrap();
    let ng = ng.nodegroup().unwrap();
    assert_eq!(ng.scaling_config().unwrap().desired_size(), Some(4));
    assert_eq!(ng.status().unwrap().as_str(), "UPDATING");
    tick(10);
    let id = update.id().unwrap();
    let out = eks
        .describe_update()
        .name("edge")
        .update_id(id)
        .nodegroup_name("general")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.update().unwrap().status().unwrap().as_str(),
        "Successful"
    );

    // Out of bounds: the SDK's typed InvalidParameterException, nothing applied.
    let sizes = NodegroupScalingConfig::builder().desired_size(9).build();
    let err = eks
        .update_nodegroup_config()
        .cluster_name("edge")
        .nodegroup_name("general")
        .scaling_config(sizes)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    assert!(
        err.to_string()
            .contains("can't be greater than maximum capacity 4"),
        "{err}"
    );
    let ng = eks
        .describe_nodegroup()
        .cluster_name("edge")
        .nodegroup_name("general")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ng.nodegroup()
            .unwrap()
            .scaling_config()
            .unwrap()
            .desired_size(),
        Some(4)
    );

    // UpdateService: desiredCount changes now, tasks follow over ticks.
    let out = ecs
        .update_service()
        .cluster("apis")
        .service("orders")
        .desired_count(4)
        .send()
        .await
        .unwrap();
    assert_eq!(out.service().unwrap().desired_count(), 4);
    tick(11);
    let pending = ecs
        .list_tasks()
        .cluster("apis")
        .service_name("orders")
        .desired_status("PENDING".into());
    assert_eq!(pending.send().await.unwrap().task_arns().len(), 2);
    tick(17);
    let out = ecs
        .describe_services()
        .cluster("apis")
        .services("orders")
        .send()
        .await
        .unwrap();
    let s = &out.services()[0];
    assert_eq!((s.running_count(), s.pending_count()), (4, 0));
    assert_eq!(
        s.events()[0].message(),
        Some("(service orders) has reached a steady state.")
    );
    assert!(
        s.events()[1]
            .message()
            .unwrap()
            .starts_with("(service orders) has started 2 tasks:")
    );

    // Scale in: surplus tasks are STOPPED with ECS's reason.
    ecs.update_service()
        .cluster("apis")
        .service("orders")
        .desired_count(1)
        .send()
        .await
        .unwrap();
    tick(18);
    tick(30);
    let stopped = ecs
        .list_tasks()
        .cluster("apis")
        .service_name("orders")
        .desired_status("STOPPED".into());
    let arns = stopped.send().await.unwrap().task_arns().to_vec();
    assert_eq!(arns.len(), 3);
    let out = ecs
        .describe_tasks()
        .cluster("apis")
        .set_tasks(Some(arns))
        .send()
        .await
        .unwrap();
    for t in out.tasks() {
        assert_eq!(t.last_status(), Some("STOPPED"));
        assert!(
            t.stopped_reason()
                .unwrap()
                .starts_with("Scaling activity initiated by")
        );
        assert!(t.stopped_at().is_some());
    }

    let err = ecs
        .update_service()
        .cluster("apis")
        .service("nope")
        .desired_count(1)
        .send()
        .await;
    assert!(
        err.unwrap_err()
            .into_service_error()
            .is_service_not_found_exception()
    );

    // Another region is another, empty, world.
    let other = aws_sdk_eks::Client::from_conf(
        eks.config()
            .to_builder()
            .region(aws_sdk_eks::config::Region::new("us-east-1"))
            .build(),
    );
    assert!(
        other
            .list_clusters()
            .send()
            .await
            .unwrap()
            .clusters()
            .is_empty()
    );
}

#[tokio::test]
async fn sim_refuses_unsigned_requests_as_aws_does() {
    let url = start_sim(sim_world().shared()).await;
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let eks = raw_http(port, "GET /clusters HTTP/1.1", "").await;
    assert!(eks.starts_with("HTTP/1.1 403"), "{eks}");
    assert!(
        eks.contains("x-amzn-errortype: MissingAuthenticationTokenException"),
        "{eks}"
    );
    let head = "POST / HTTP/1.1\r\nX-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\n\
        Content-Type: application/x-amz-json-1.1";
    let ecs = raw_http(port, head, "{}").await;
    assert!(ecs.starts_with("HTTP/1.1 400"), "{ecs}");
    assert!(
        ecs.contains(r#""__type":"com.amazon.coral.service#MissingAuthenticationTokenException""#),
        "{ecs}"
    );
}
