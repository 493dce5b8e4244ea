//! `x` on the Findings view applies an incident's fix, against the sim:
//! the confirmation names the object and where it runs, enter applies it,
//! `--readonly` refuses it; the effect is checked with the AWS SDK (ECS
//! StopTask, the service starting a replacement) and kubectl (a Kong pod
//! deleted and replaced, an HPA's max raised, a rollout restarted).

mod common;

use std::time::Duration;

use aws_sdk_ecs::types::DesiredStatus;
use common::tmux::{Tmux, dashboard};
use common::{Sim, wait_for};

const LONG: Duration = Duration::from_secs(60);

/// The dashboard on its Findings view.
fn findings(name: &str, sim: &Sim, extra: &[&str]) -> Tmux {
    let t = dashboard(name, sim, extra);
    t.type_text(":findings");
    t.keys(&["Enter"]);
    t
}

/// `kubectl get KIND NAME -n NS -o jsonpath=PATH` in `context`; None when
/// kubectl fails (the object is gone).
fn get(sim: &Sim, context: &str, object: (&str, &str, &str), path: &str) -> Option<String> {
    let (kind, ns, name) = object;
    let path = format!("jsonpath={path}");
    let args = [
        "--context",
        context,
        "get",
        kind,
        name,
        "-n",
        ns,
        "-o",
        &path,
    ];
    let (ok, out, _) = sim.kubectl_with("kubectl", &args);
    ok.then_some(out)
}

fn ecs(sim: &Sim) -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_ecs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new(
            "AKIAFLEETDECKSIM",
            "fleetdeck-sim-secret",
            None,
            None,
            "sim",
        ))
        .endpoint_url(sim.aws_endpoint())
        .build();
    aws_sdk_ecs::Client::from_conf(config)
}

/// Task ids of the Kong service the service wants running.
fn kong_tasks(rt: &tokio::runtime::Runtime, ecs: &aws_sdk_ecs::Client) -> Vec<String> {
    let out = rt
        .block_on(
            ecs.list_tasks()
                .cluster("kong-gateway")
                .service_name("kong")
                .desired_status(DesiredStatus::Running)
                .send(),
        )
        .expect("ListTasks");
    out.task_arns()
        .iter()
        .filter_map(|a| a.rsplit('/').next().map(str::to_owned))
        .collect()
}

/// The word after `marker` on screen (e.g. the task id after "ECS task ").
fn word_after(screen: &str, marker: &str) -> String {
    let at = screen.find(marker).expect("marker on screen") + marker.len();
    screen[at..]
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// kong-ecs: `x` on the no-peer incident stops exactly the failing node's
/// task (refused first in `--readonly`); ECS starts a replacement.
#[test]
fn x_replaces_the_failing_kong_node_on_ecs() {
    let sim = Sim::start("kong-ecs", &[]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let ecs = ecs(&sim);
    let before = kong_tasks(&rt, &ecs);
    assert_eq!(before.len(), 3, "{before:?}");

    let ro = findings("fix-ro", &sim, &["--readonly"]);
    ro.wait_for(&["FD-KONG-NO-PEER"], LONG);
    ro.type_text("x");
    ro.wait_for(&["read-only (--readonly)", "nothing was changed"], LONG);
    assert_eq!(kong_tasks(&rt, &ecs), before);
    drop(ro);

    let t = findings("fix-ecs", &sim, &[]);
    t.wait_for(&["FD-KONG-NO-PEER"], LONG);
    t.type_text("x");
    let screen = t.wait_for(
        &["confirm", "runs as ECS task", "Will: stop ECS task"],
        LONG,
    );
    assert!(
        screen.contains("in cluster kong-gateway (eu-west-1)"),
        "{screen}"
    );
    assert!(
        screen.contains("service kong starts a replacement"),
        "{screen}"
    );
    let id = word_after(&screen, "runs as ECS task ");
    assert!(before.contains(&id), "{id} is not a Kong task: {before:?}");
    t.keys(&["Enter"]);
    t.wait_for(&[&format!("stopped ECS task {id}")], LONG);

    let described = rt
        .block_on(
            ecs.describe_tasks()
                .cluster("kong-gateway")
                .tasks(&id)
                .send(),
        )
        .expect("DescribeTasks");
    let task = &described.tasks()[0];
    assert_eq!(task.desired_status(), Some("STOPPED"));
    assert_eq!(task.stop_code().map(|c| c.as_str()), Some("UserInitiated"));
    let after = wait_for("a replacement Kong task", LONG, || {
        let now = kong_tasks(&rt, &ecs);
        (now.len() == 3 && !now.contains(&id)).then_some(now)
    });
    let kept: Vec<&String> = before.iter().filter(|b| **b != id).collect();
    assert!(
        kept.iter().all(|k| after.contains(k)),
        "{before:?} → {after:?}"
    );
    // The fix is watched: first still holding (the shown list keeps a
    // finding a while after it stops), then cleared.
    let watching = "fix applied; watching FD-KONG-NO-PEER on KongNode";
    t.wait_for(&[watching, ": still holding ("], LONG);
    let screen = t.wait_for(&[watching, ": cleared after "], LONG);
    eprintln!(
        "no-peer cleared {} after the StopTask",
        word_after(&screen, ": cleared after ")
    );
    sim.stop();
}

/// demo: in the flat list, `x` on hello-api's stale Kong node deletes its
/// pod (the Deployment replaces it); on the hello-api incident, `x` opens
/// the HPA's bounds and enter raises its max.
#[test]
fn x_deletes_a_stale_kong_pod_and_raises_an_hpa_max() {
    let sim = Sim::start("demo", &[]);
    let t = findings("fix-demo", &sim, &[]);
    t.wait_for(&["FD-KONG-NO-PEER"], LONG);
    t.type_text("f");
    t.type_text("/hello-api");
    t.keys(&["Enter"]);
    // Critical first: the stale node's no-peer row is the first, selected.
    t.wait_until("the stale node's row first", LONG, |s| {
        s.lines()
            .find(|l| l.contains(" FD-"))
            .is_some_and(|l| l.contains("FD-KONG-NO-PEER") && l.contains("KongNode"))
            && s.contains("hello-api.shop")
    });
    t.type_text("x");
    let screen = t.wait_for(&["confirm", "runs as pod", "Will: delete pod"], LONG);
    let pod = word_after(&screen, "runs as pod ");
    let (ns, name) = pod.split_once('/').expect("ns/name");
    // `Will: delete pod NS/NAME in cluster CONTEXT (DELETE, …)`.
    let will = word_after(&screen, "Will: delete pod ");
    assert_eq!(will, pod, "{screen}");
    let context = word_after(&screen, &format!("Will: delete pod {pod} in cluster "));
    assert!(screen.contains("starts a replacement pod"), "{screen}");
    let uid = get(&sim, &context, ("pod", ns, name), "{.metadata.uid}").expect("the pod");
    t.keys(&["Enter"]);
    t.wait_for(&[&format!("deleted pod {ns}/{name}")], LONG);
    wait_for("the pod deleted", LONG, || {
        let now = get(&sim, &context, ("pod", ns, name), "{.metadata.uid}");
        (now.as_ref() != Some(&uid)).then_some(())
    });
    sim.wait_kong_running();

    // Back to incidents: hello-api's root is its HPA at max.
    t.keys(&["Escape"]);
    t.type_text("f");
    t.type_text("/hello-api");
    t.keys(&["Enter"]);
    t.wait_for(&["FD-HPA-AT-MAX"], LONG);
    let hpa = ("hpa", "shop", "hello-api");
    let max_replicas = || get(&sim, "prod-eu", hpa, "{.spec.maxReplicas}").expect("the HPA");
    let max: i32 = max_replicas().trim().parse().expect("maxReplicas");
    t.type_text("x");
    t.wait_for(&["HPA max"], LONG);
    // Focus starts on min; tab to max, one more.
    t.keys(&["Tab", "Up", "Enter"]);
    t.wait_for(&["HPA shop/hello-api now"], LONG);
    wait_for("maxReplicas raised", LONG, || {
        (max_replicas().trim() == (max + 1).to_string()).then_some(())
    });
    sim.stop();
}

/// The template annotations of Deployment kube-system/coredns.
fn coredns_annotations(sim: &Sim) -> String {
    let coredns = ("deploy", "kube-system", "coredns");
    get(
        sim,
        "hello-fargate",
        coredns,
        "{.spec.template.metadata.annotations}",
    )
    .expect("CoreDNS's Deployment")
}

/// late-profile: CoreDNS's pods predate the kube-system Fargate profile;
/// `x` on the incident restarts CoreDNS's rollout (kubectl sees the
/// `restartedAt` annotation), the new pods run on Fargate and the watched
/// finding clears.
#[test]
fn x_restarts_the_rollout_a_late_fargate_profile_needs() {
    let sim = Sim::start("late-profile", &[]);
    let t = findings("fix-restart", &sim, &[]);
    t.wait_for(&["FD-FARGATE-NO-PROFILE"], LONG);
    assert!(
        !coredns_annotations(&sim).contains("restartedAt"),
        "restarted before x"
    );
    t.type_text("x");
    let screen = t.wait_for(
        &[
            "confirm",
            "Will: restart the rollout of Deployment kube-system/coredns in cluster hello-fargate",
        ],
        LONG,
    );
    assert!(
        screen.contains("kubectl.kubernetes.io/restartedAt"),
        "{screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for(
        &["restarted the rollout of Deployment kube-system/coredns"],
        LONG,
    );
    let annotations = coredns_annotations(&sim);
    assert!(
        annotations.contains("\"kubectl.kubernetes.io/restartedAt\""),
        "{annotations}"
    );
    wait_for("CoreDNS's new pods running on Fargate", LONG, || {
        let out = sim.kubectl(&[
            "get",
            "pods",
            "-n",
            "kube-system",
            "-l",
            "k8s-app=kube-dns",
            "-o",
            "jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{\"\\n\"}{end}",
        ]);
        let lines: Vec<&str> = out.lines().collect();
        (lines.len() == 2 && lines.iter().all(|l| l.starts_with("Running fargate-ip-")))
            .then_some(())
    });
    // The finding is watched until it clears, and it does.
    t.wait_for(
        &[
            "fix applied; watching FD-FARGATE-NO-PROFILE on Pod kube-system/coredns-",
            ": cleared after ",
        ],
        LONG,
    );
    sim.stop();
}
