//! Keyboard actions end to end: `fleetdeck sim` as a child process, the
//! dashboard in tmux on its `fleetdeck.toml`, keys sent, the screen polled,
//! and the effect checked with kubectl. No fixed sleeps: every wait polls.

mod common;

use std::time::Duration;

use common::Sim;
use common::tmux::{Tmux, dashboard};

const LONG: Duration = Duration::from_secs(60);

/// `:view`, then `/filter`: the selection lands on the first matching row.
fn open(t: &Tmux, view: &str, title: &str, filter: &str, row_text: &str) {
    t.type_text(&format!(":{view}"));
    t.keys(&["Enter"]);
    t.wait_for(&[&format!("┌ {title} ")], LONG);
    t.type_text(&format!("/{filter}"));
    t.keys(&["Enter"]);
    // In a row of the table, not just in the typed filter of its title; a
    // row an open finding involves carries its severity glyph on the border.
    t.wait_until(&format!("a row with {row_text:?}"), LONG, |s| {
        s.lines()
            .skip(4)
            .any(|l| l.starts_with(|c: char| "│·▲✖".contains(c)) && l.contains(row_text))
    });
}

fn replicas(sim: &Sim, ns: &str, deploy: &str) -> String {
    sim.kubectl(&[
        "get",
        "deploy",
        deploy,
        "-n",
        ns,
        "-o",
        "jsonpath={.spec.replicas}",
    ])
}

fn fargate_nodes_of(screen: &str, profile: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains("fargate-ip-") && l.contains(profile))
        .count()
}

/// terrax: `s` on tb-demo/service, 4, enter → kubectl sees 4 and Fargate
/// nodes appear; then 1 → the extra Fargate nodes go. Describe a pod: its
/// events, YAML, search. Scale the EKS node group from `:aws`.
#[test]
fn scale_describe_and_nodegroup_on_terrax() {
    let sim = Sim::start("terrax", &[]);
    let t = dashboard("terrax", &sim, &[]);
    open(&t, "deploy", "Workloads", "tb-demo", "service");
    t.type_text("s");
    t.wait_for(&["Deployment tb-demo/service", "replicas", "2 →"], LONG);
    t.type_text("4");
    t.keys(&["Enter"]);
    t.wait_for(&["scaled Deployment tb-demo/service to 4 replicas"], LONG);
    assert_eq!(replicas(&sim, "tb-demo", "service"), "4");
    t.wait_for(&["4/4"], LONG);
    t.type_text(":nodes");
    t.keys(&["Enter"]);
    t.wait_until("4 Fargate nodes for fp-demo-service", LONG, |s| {
        fargate_nodes_of(s, "fp-demo-service") == 4
    });
    open(&t, "deploy", "Workloads", "tb-demo", "service");
    t.type_text("s");
    t.wait_for(&["4 →"], LONG);
    t.type_text("1");
    t.keys(&["Enter"]);
    // 4 → 1 removes more than half: the name is typed to confirm.
    t.wait_for(&["removes more than half the capacity: type service"], LONG);
    t.type_text("service");
    t.keys(&["Enter"]);
    t.wait_for(&["scaled Deployment tb-demo/service to 1 replicas"], LONG);
    assert_eq!(replicas(&sim, "tb-demo", "service"), "1");
    t.type_text(":nodes");
    t.keys(&["Enter"]);
    t.wait_until("Fargate nodes recycled down to 1", LONG, |s| {
        fargate_nodes_of(s, "fp-demo-service") == 1
    });

    // Describe a pod: kubectl-like text with its events; y for YAML; search.
    t.type_text(":ns tb-demo");
    t.keys(&["Enter"]);
    open(&t, "pods", "Pods", "service", "service-");
    t.type_text("d");
    t.wait_for(
        &[
            "describe Pod tb-demo/service-",
            "Containers:",
            "Events:",
            "Scheduled",
            "fargate-scheduler",
        ],
        LONG,
    );
    t.type_text("y");
    t.wait_for(&["apiVersion: v1", "kind: Pod", "yaml ·"], LONG);
    t.type_text("/podIP");
    t.keys(&["Enter"]);
    t.wait_until("the search scrolled to podIP", LONG, |s| {
        s.lines().nth(3).is_some_and(|l| l.contains("podIP"))
    });
    t.keys(&["Escape"]);
    t.wait_for(&["┌ Pods [ns=tb-demo]"], LONG);

    // The EKS node group from :aws, within its min/max.
    t.type_text(":aws");
    t.keys(&["Enter"]);
    t.wait_for(&["ng-mysql", "1 ≤ 1 ≤ 2"], LONG);
    t.type_text("/ng-mysql");
    t.keys(&["Enter"]);
    t.type_text("s");
    t.wait_for(
        &["EKS node group terrax-fargate/ng-mysql (min 1 max 2)"],
        LONG,
    );
    // A digit beyond max is refused as typed, with the bounds.
    t.type_text("5");
    t.wait_for(
        &["5 refused: desired size must be within the node group's min 1 and max 2"],
        LONG,
    );
    t.keys(&["BSpace"]);
    t.type_text("2");
    t.keys(&["Enter"]);
    t.wait_for(
        &["node group terrax-fargate/ng-mysql: desired size → 2"],
        LONG,
    );
    t.wait_for(&["1 ≤ 2 ≤ 2"], Duration::from_secs(90));
}

/// demo has kube-system/coredns in prod-eu and prod-us. Scoped to prod-us,
/// `s` names the context, `+` and enter scale that one only (kubectl reads
/// both); a scale to 0 with the name mistyped, then cancelled, sends
/// nothing: the next real change is the only one the generation counts.
#[test]
fn scale_changes_the_named_cluster_only_and_zero_needs_the_name() {
    let sim = Sim::start("demo", &[]);
    let t = dashboard("two-clusters", &sim, &[]);
    let coredns = |ctx: &str| -> (i64, i64) {
        let out = sim.kubectl(&[
            "get",
            "deploy",
            "coredns",
            "-n",
            "kube-system",
            "--context",
            ctx,
            "-o",
            "jsonpath={.spec.replicas} {.metadata.generation}",
        ]);
        let mut it = out.split_whitespace().map(|n| n.parse().expect("a number"));
        (it.next().expect("replicas"), it.next().expect("generation"))
    };
    let eu = coredns("prod-eu");
    let (n, generation) = coredns("prod-us");
    t.type_text(":ctx prod-us");
    t.keys(&["Enter"]);
    t.wait_for(&["ctx: prod-us"], LONG);
    open(&t, "deploy", "Workloads", "coredns", "coredns");
    t.type_text("s");
    t.wait_for(
        &[
            "Deployment kube-system/coredns",
            "in context prod-us",
            &format!("{n} →"),
        ],
        LONG,
    );
    t.type_text("+");
    t.keys(&["Enter"]);
    t.wait_for(
        &[&format!(
            "scaled Deployment kube-system/coredns to {} replicas",
            n + 1
        )],
        LONG,
    );
    assert_eq!(coredns("prod-us"), (n + 1, generation + 1));
    assert_eq!(
        coredns("prod-eu"),
        eu,
        "the other cluster's coredns is untouched"
    );

    t.type_text("s");
    t.wait_for(&["in context prod-us", &format!("{} →", n + 1)], LONG);
    t.type_text("0");
    t.keys(&["Enter"]);
    t.wait_for(&["removes all capacity: type coredns to confirm"], LONG);
    t.type_text("core");
    t.keys(&["Enter"]);
    t.wait_for(&["\"core\" is not coredns"], LONG);
    t.keys(&["Escape"]);
    t.wait_for(&["scale cancelled, nothing was changed"], LONG);
    t.type_text("s");
    t.wait_for(&[&format!("{} →", n + 1)], LONG);
    t.type_text("+");
    t.keys(&["Enter"]);
    t.wait_for(
        &[&format!(
            "scaled Deployment kube-system/coredns to {} replicas",
            n + 2
        )],
        LONG,
    );
    assert_eq!(
        coredns("prod-us"),
        (n + 2, generation + 2),
        "one change per confirmed scale: the unconfirmed 0 never went out"
    );
    assert_eq!(coredns("prod-eu"), eu);
}

/// virtual-kubelet sizes its ECS service to the pods on the virtual node
/// (the sim tags it, as ECS returns tags with `include: TAGS`): the scale
/// dialog from `:aws` says so, and still names the region.
#[test]
fn ecs_service_owned_by_virtual_kubelet_is_flagged_in_the_scale_dialog() {
    let sim = Sim::start("virtual-kubelet", &[]);
    let t = dashboard("vk", &sim, &[]);
    open(
        &t,
        "aws",
        "AWS",
        "^batch-report-renderer$",
        "batch-report-renderer",
    );
    // AWS rows come with the first poll; until then the empty view's
    // message names the filter, which the row check above also matches.
    t.wait_for(&["┌ AWS (1) "], LONG);
    t.type_text("s");
    t.wait_for(
        &[
            "ECS service virtual-kubelet/batch-report-renderer",
            "in AWS us-east-1",
            "virtual-kubelet sizes it to its pods: a manual count is undone",
        ],
        LONG,
    );
    t.keys(&["Escape"]);
    t.wait_for(&["scale cancelled, nothing was changed"], LONG);

    // `y` on the row: its fields as polled, the tag among them.
    t.type_text("y");
    t.wait_for(
        &[
            "yaml ECS service virtual-kubelet/batch-report-renderer",
            "managedBy: virtual-kubelet",
            "desired: 3",
        ],
        LONG,
    );
    t.keys(&["Escape"]);
    // `y` on a pod: the object from the API server, the one kubectl reads.
    let pod = sim.kubectl(&[
        "get",
        "pods",
        "-n",
        "batch",
        "-o",
        "jsonpath={.items[0].metadata.name} {.items[0].metadata.uid}",
    ]);
    let (name, uid) = pod.split_once(' ').expect("a pod in batch");
    // The NAME column may cut the pod's name: the row is found by its start.
    open(&t, "pods", "Pods", &format!("^{name}$"), "report-renderer");
    t.wait_for(&["┌ Pods (1) "], LONG);
    t.type_text("y");
    t.wait_for(
        &[
            &format!("yaml Pod batch/{name}"),
            "apiVersion: v1",
            "kind: Pod",
            &format!("uid: {uid}"),
        ],
        LONG,
    );
}

/// `--readonly`: `s` refuses with a clear message; nothing changes.
#[test]
fn readonly_refuses_scaling() {
    let sim = Sim::start("terrax", &[]);
    let t = dashboard("readonly", &sim, &["--readonly"]);
    t.wait_for(&["readonly"], LONG);
    open(&t, "deploy", "Workloads", "tb-demo", "service");
    t.type_text("s");
    t.wait_for(&["read-only (--readonly): scaling is disabled"], LONG);
    // Enter after a refused `s` must not reach anything either.
    t.type_text("4");
    t.keys(&["Enter"]);
    let screen = t.capture();
    assert!(!screen.contains("scale — enter applies"), "{screen}");
    assert_eq!(replicas(&sim, "tb-demo", "service"), "2");
}

/// demo: hello-api has an HPA: the modal says so and changes the HPA's
/// min/max instead. payments crash-loops with hostile log lines: they show
/// neutralized, pause keeps lines, and the stream survives the restart.
#[test]
fn hpa_aware_scale_and_log_tail_on_demo() {
    let sim = Sim::start("demo", &[]);
    let t = dashboard("demo", &sim, &[]);
    open(&t, "deploy", "Workloads", "hello-api", "hello-api 2..4");
    t.type_text("s");
    t.wait_for(
        &[
            "HPA hello-api owns this scale",
            "would be undone",
            "HPA min",
            "HPA max",
        ],
        LONG,
    );
    t.type_text("3");
    t.keys(&["Tab"]);
    t.type_text("6");
    t.keys(&["Enter"]);
    t.wait_for(&["HPA shop/hello-api now min 3 max 6"], LONG);
    let spec = sim.kubectl(&[
        "get",
        "hpa",
        "hello-api",
        "-n",
        "shop",
        "--context",
        "prod-eu",
        "-o",
        "jsonpath={.spec.minReplicas}/{.spec.maxReplicas}",
    ]);
    assert_eq!(spec, "3/6");

    // Logs of the crash-looping payments deployment: every pod, prefixed.
    // The fleet has crash-looped for hours, so its back-off is at the
    // kubelet's 5-minute cap; fresh pods restart within seconds, as after a
    // `kubectl delete pod` on call.
    let payments = |what: &str| {
        sim.kubectl(&[
            "get",
            "pods",
            "-n",
            "shop",
            "--context",
            "prod-eu",
            "-l",
            "app=payments",
            "-o",
            &format!("jsonpath={what}"),
        ])
    };
    let old = payments("{.items[*].metadata.name}");
    sim.kubectl(&[
        "delete",
        "pod",
        "-n",
        "shop",
        "--context",
        "prod-eu",
        "-l",
        "app=payments",
        "--wait=false",
    ]);
    // Both replacements exist and have started once (their first lines are out).
    common::wait_for("two fresh payments pods", LONG, || {
        let names = payments("{.items[*].metadata.name}");
        let fresh = names.split(' ').filter(|n| !old.contains(*n)).count();
        let restarted =
            payments("{.items[*].status.containerStatuses[0].lastState.terminated.reason}");
        (fresh == 2 && restarted.split(' ').filter(|r| !r.is_empty()).count() == 2).then_some(())
    });
    let title = t.format("#{pane_title}");
    open(&t, "deploy", "Workloads", "payments", "payments");
    t.type_text("l");
    t.wait_for(
        &["logs Deployment shop/payments (2 pods)", "handled request"],
        LONG,
    );
    // Hostile sequences arrive as text: no retitle, no cursor games, no hyperlinks.
    t.wait_for(&["fake: all systems nominal"], Duration::from_secs(120));
    let screen = t.capture();
    assert!(!screen.contains("evil.example"), "{screen}");
    assert!(
        screen
            .lines()
            .filter(|l| l.contains("fake: all systems nominal"))
            .all(|l| l.contains("payments-")),
        "a hostile line moved the cursor off its own row:\n{screen}"
    );
    assert_eq!(
        t.format("#{pane_title}"),
        title,
        "a log line retitled the terminal"
    );
    assert!(!t.capture().contains("pwned"));

    // Pause: the view freezes, lines keep arriving below, resume shows them.
    t.type_text("p");
    let paused = t.wait_for(&["PAUSED ·"], LONG);
    t.wait_until("new lines counted below while paused", LONG, |s| {
        s.contains("PAUSED") && !s.contains("PAUSED · 0 new below")
    });
    let still = t.capture();
    let body = |s: &str| s.lines().skip(3).take(10).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&paused), body(&still), "the paused view moved");
    t.type_text("p");
    t.wait_for(&["following ·"], LONG);

    // The stream survives the container's restart and says why it ended.
    t.wait_for(
        &["stream ended", "reconnected: container running again"],
        Duration::from_secs(120),
    );
    t.keys(&["Escape"]);
    t.wait_for(&["┌ Workloads ("], LONG);
}

/// kong-ecs: `s` on an ECS service in `:aws` sets its desired count
/// (UpdateService); the next poll shows the new desired count.
#[test]
fn ecs_service_desired_count_via_keys() {
    let sim = Sim::start("kong-ecs", &[]);
    let t = dashboard("ecs", &sim, &[]);
    t.type_text(":aws");
    t.keys(&["Enter"]);
    t.wait_for(&["┌ AWS ", "inventory"], LONG);
    t.type_text("/inventory");
    t.keys(&["Enter"]);
    t.type_text("s");
    t.wait_for(
        &["ECS service kong-gateway/inventory", "desired count", "2 →"],
        LONG,
    );
    t.type_text("4");
    t.keys(&["Enter"]);
    t.wait_for(
        &["ECS service kong-gateway/inventory: desired count → 4"],
        LONG,
    );
    t.wait_until(
        "the service row showing desired 4",
        Duration::from_secs(90),
        |s| {
            s.lines()
                .any(|l| l.contains("inventory") && l.contains("ACTIVE") && l.contains("/4 ("))
        },
    );
}

/// Whether pod `ns/name` is gone or terminating, per kubectl.
fn pod_deleted(sim: &Sim, ns: &str, name: &str) -> bool {
    let out = sim.kubectl(&[
        "get",
        "pod",
        name,
        "-n",
        ns,
        "--ignore-not-found",
        "-o",
        "jsonpath={.metadata.name} {.metadata.deletionTimestamp}",
    ]);
    let f: Vec<&str> = out.split_whitespace().collect();
    f.is_empty() || f.len() > 1
}

/// terrax: `ctrl-d` on a ReplicaSet's pod asks (context, pod, its
/// replacer), enter deletes it (kubectl sees it go); a bare pod made with
/// `kubectl run` is not deleted by enter alone, only with its name typed.
#[test]
fn ctrl_d_deletes_a_pod_after_confirming_and_a_bare_one_needs_its_name() {
    let sim = Sim::start("terrax", &[]);
    let pods = sim.kubectl(&["get", "pods", "-n", "tb-demo", "-o", "name"]);
    let owned = pods
        .lines()
        .map(|l| l.trim_start_matches("pod/"))
        .find(|p| p.starts_with("service-"))
        .expect("a service pod")
        .to_owned();
    sim.kubectl(&["run", "debug", "-n", "tb-demo", "--image=busybox:1.36"]);
    let t = dashboard("delete-pod", &sim, &[]);
    // Rows sort by name: the first `service-` pod is the one kubectl listed first.
    open(&t, "pods", "Pods", "service-", &owned);
    t.keys(&["C-d"]);
    t.wait_for(&["context terrax-fargate", &owned, "will replace it"], LONG);
    t.keys(&["Enter"]);
    t.wait_for(&[&format!("deleted pod tb-demo/{owned}")], LONG);
    common::wait_for("kubectl sees the pod deleted", LONG, || {
        pod_deleted(&sim, "tb-demo", &owned).then_some(())
    });
    open(&t, "pods", "Pods", "debug", "debug");
    t.keys(&["C-d"]);
    t.wait_for(&["nothing replaces it", "Type the pod's name"], LONG);
    t.keys(&["Enter"]);
    t.wait_for(&["type debug to confirm"], LONG);
    assert!(
        !pod_deleted(&sim, "tb-demo", "debug"),
        "enter alone deleted it"
    );
    t.type_text("debug");
    t.keys(&["Enter"]);
    t.wait_for(&["deleted pod tb-demo/debug"], LONG);
    common::wait_for("kubectl sees the bare pod deleted", LONG, || {
        pod_deleted(&sim, "tb-demo", "debug").then_some(())
    });
}
