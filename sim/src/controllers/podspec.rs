//! Pod helpers shared by the controllers: building a pod from a template,
//! resource requests, Fargate sizing, readiness.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, Pod, PodStatus, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::meta::time;

/// Annotation a scenario sets to choose a pod's behaviour in the kubelet.
pub const BEHAVIOR: &str = "sim.fleetdeck.io/behavior";

/// Parses a Kubernetes quantity (`250m`, `1.5`, `512Mi`, `1G`) into a plain number.
pub fn quantity(q: &str) -> Option<f64> {
    const UNITS: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    let (num, mult) = UNITS
        .iter()
        .find_map(|(suffix, mult)| q.strip_suffix(suffix).map(|n| (n, *mult)))
        .unwrap_or((q, 1.0));
    num.parse::<f64>().ok().map(|v| v * mult)
}

/// A CPU quantity in millicores.
pub fn cpu_millis(q: &str) -> Option<i64> {
    quantity(q).map(|v| (v * 1000.0).round() as i64)
}

/// A memory quantity in bytes.
pub fn mem_bytes(q: &str) -> Option<i64> {
    quantity(q).map(|v| v as i64)
}

fn request(c: &Container, resource: &str) -> Option<String> {
    c.resources
        .as_ref()?
        .requests
        .as_ref()?
        .get(resource)
        .map(|q| q.0.clone())
}

/// (cpu millicores, memory bytes) the pod requests: the larger of the
/// biggest init container and the sum of the long-running ones.
pub fn requests(pod: &Pod) -> (i64, i64) {
    let Some(spec) = pod.spec.as_ref() else {
        return (0, 0);
    };
    let sum = |cs: &[Container]| {
        cs.iter().fold((0, 0), |(c, m), k| {
            (
                c + request(k, "cpu").and_then(|q| cpu_millis(&q)).unwrap_or(0),
                m + request(k, "memory")
                    .and_then(|q| mem_bytes(&q))
                    .unwrap_or(0),
            )
        })
    };
    let main = sum(&spec.containers);
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| sum(std::slice::from_ref(c)))
        .fold((0, 0), |a, b| (a.0.max(b.0), a.1.max(b.1)));
    (main.0.max(init.0), main.1.max(init.1))
}

/// Whether every container declares a CPU request (the HPA needs them).
pub fn all_request_cpu(containers: &[Container]) -> bool {
    containers.iter().all(|c| request(c, "cpu").is_some())
}

/// The `CapacityProvisioned` annotation value for a Fargate pod, per the
/// EKS sizing rules: requests + 256 MB for the Kubernetes components,
/// rounded up to a valid vCPU/memory combination.
pub fn fargate_capacity(pod: &Pod) -> String {
    let (cpu_m, mem_b) = requests(pod);
    let need_cpu = cpu_m as f64 / 1000.0;
    let need_gb = (mem_b as f64 + 256.0 * 1048576.0) / 1073741824.0;
    // (vCPU, min GB, max GB, step GB)
    const TIERS: &[(f64, f64, f64, f64)] = &[
        (0.25, 0.5, 2.0, 0.5),
        (0.5, 1.0, 4.0, 1.0),
        (1.0, 2.0, 8.0, 1.0),
        (2.0, 4.0, 16.0, 1.0),
        (4.0, 8.0, 30.0, 1.0),
        (8.0, 16.0, 60.0, 4.0),
        (16.0, 32.0, 120.0, 8.0),
    ];
    let tier = TIERS
        .iter()
        .find(|(cpu, _, max, _)| *cpu >= need_cpu && *max >= need_gb)
        .unwrap_or(&TIERS[TIERS.len() - 1]);
    let (cpu, min, max, step) = *tier;
    let mut gb = min;
    while gb < need_gb && gb < max {
        gb += step;
    }
    format!("{}vCPU {}GB", trim(cpu), trim(gb.min(max)))
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub fn qos_class(pod: &Pod) -> &'static str {
    let Some(spec) = pod.spec.as_ref() else {
        return "BestEffort";
    };
    let any = spec.containers.iter().any(|c| {
        c.resources
            .as_ref()
            .is_some_and(|r| r.requests.is_some() || r.limits.is_some())
    });
    let guaranteed = spec.containers.iter().all(|c| {
        c.resources.as_ref().is_some_and(|r| {
            let (Some(req), Some(lim)) = (&r.requests, &r.limits) else {
                return false;
            };
            ["cpu", "memory"]
                .iter()
                .all(|k| lim.contains_key(*k) && req.get(*k) == lim.get(*k))
        })
    });
    match (any, guaranteed) {
        (_, true) => "Guaranteed",
        (true, false) => "Burstable",
        _ => "BestEffort",
    }
}

/// A new Pending pod from a workload's template, owned by `owner`, with the
/// defaults the API server fills in. Fargate admission runs separately.
pub fn from_template(
    template: &PodTemplateSpec,
    namespace: &str,
    name: &str,
    owner: OwnerReference,
    now: Timestamp,
) -> Pod {
    let mut meta = template.metadata.clone().unwrap_or_default();
    let mut spec = template.spec.clone().unwrap_or_default();
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.service_account_name
        .get_or_insert_with(|| "default".into());
    spec.priority.get_or_insert(0);
    spec.enable_service_links.get_or_insert(true);
    for c in spec.containers.iter_mut() {
        c.image_pull_policy
            .get_or_insert_with(|| "IfNotPresent".into());
        c.termination_message_path
            .get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy
            .get_or_insert_with(|| "File".into());
    }
    meta = ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        owner_references: Some(vec![owner]),
        creation_timestamp: Some(time(now)),
        ..meta
    };
    let mut pod = Pod {
        metadata: meta,
        spec: Some(spec),
        status: None,
    };
    pod.status = Some(PodStatus {
        phase: Some("Pending".into()),
        qos_class: Some(qos_class(&pod).into()),
        ..Default::default()
    });
    pod
}

fn condition<'a>(pod: &'a Pod, type_: &str) -> Option<&'a str> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status.as_str())
}

pub fn is_ready(pod: &Pod) -> bool {
    condition(pod, "Ready") == Some("True")
}

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

pub fn node_name(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

/// When the pod was bound to its node (the PodScheduled transition).
pub fn bound_at(pod: &Pod) -> Option<Timestamp> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "True")?
        .last_transition_time
        .as_ref()
        .map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodSpec, ResourceRequirements};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    fn pod_with(cpu: &str, mem: &str) -> Pod {
        Pod {
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "app".into(),
                    resources: Some(ResourceRequirements {
                        requests: Some(
                            [
                                ("cpu".to_owned(), Quantity(cpu.into())),
                                ("memory".to_owned(), Quantity(mem.into())),
                            ]
                            .into(),
                        ),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn fargate_sizes_round_up_to_valid_combinations() {
        assert_eq!(fargate_capacity(&Pod::default()), "0.25vCPU 0.5GB");
        assert_eq!(
            fargate_capacity(&pod_with("250m", "256Mi")),
            "0.25vCPU 0.5GB"
        );
        assert_eq!(fargate_capacity(&pod_with("250m", "512Mi")), "0.25vCPU 1GB");
        assert_eq!(fargate_capacity(&pod_with("1", "2Gi")), "1vCPU 3GB");
        assert_eq!(fargate_capacity(&pod_with("300m", "1Gi")), "0.5vCPU 2GB");
        assert_eq!(fargate_capacity(&pod_with("2", "20Gi")), "4vCPU 21GB");
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(cpu_millis("250m"), Some(250));
        assert_eq!(cpu_millis("1.5"), Some(1500));
        assert_eq!(mem_bytes("512Mi"), Some(536_870_912));
        assert_eq!(mem_bytes("1G"), Some(1_000_000_000));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(mem_bytes("1Gi"), Some(1_073_741_824));
        assert_eq!(quantity("1500m"), Some(1.5));
        assert_eq!(quantity("12x"), None);
    }
}
