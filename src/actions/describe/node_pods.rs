//! A node describe's "Non-terminated Pods" and "Allocated resources"
//! sections, as `kubectl describe node` prints them: each pod's CPU and
//! memory requests and limits with their share of the node's allocatable,
//! and their sums. The pods come from the watched model, said with its age
//! when the pods source is not live.

use jiff::Timestamp;
use serde_json::Value;

use crate::model::format::{age, parse_quantity};
use crate::model::pod_resources::{NodePods, PodResources};

/// CPU millicores as kubectl prints a quantity: `0`, `250m`, `2`.
pub fn cpu(milli: i64) -> String {
    match milli {
        0 => "0".into(),
        m if m % 1000 == 0 => format!("{}", m / 1000),
        m => format!("{m}m"),
    }
}

/// Bytes in the largest suffix that divides them: `70Mi`, `1Gi`, `100M`, `0`.
pub fn memory(b: i64) -> String {
    if b == 0 {
        return "0".into();
    }
    const BIN: [(&str, i64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    const DEC: [(&str, i64); 4] = [
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    BIN.iter()
        .chain(DEC.iter())
        .find(|(_, unit)| b % unit == 0)
        .map_or_else(|| b.to_string(), |(s, unit)| format!("{}{s}", b / unit))
}

/// `part` as a whole percentage of `whole`, truncated as kubectl does; 0 of nothing.
fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (part as f64 / whole as f64 * 100.0) as i64
}

/// Lines padded per column, two spaces apart, as kubectl's tab writer does.
fn table(rows: &[Vec<String>]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let mut line = String::from("  ");
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
                }
            }
            line
        })
        .collect()
}

/// The node's allocatable CPU (millicores) and memory (bytes), 0 when absent.
fn allocatable(node: &Value) -> (i64, i64) {
    let q = |k: &str| {
        node.pointer(&format!("/status/allocatable/{k}"))
            .and_then(Value::as_str)
            .and_then(parse_quantity)
            .unwrap_or(0.0)
    };
    (
        (q("cpu") * 1000.0).round() as i64,
        q("memory").round() as i64,
    )
}

/// Both sections for `node` (its API object) with its pods.
pub fn sections(node: &Value, pods: &NodePods, now: Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    if pods.unknown {
        let why = pods.not_live.as_deref().unwrap_or("not listed");
        out.push(format!("Non-terminated Pods:  ? (pods {why})"));
        out.push("Allocated resources:  ? (without the node's pods)".into());
        return out;
    }
    let (alloc_cpu, alloc_mem) = allocatable(node);
    let with_pct = |v: String, part: i64, whole: i64| format!("{v} ({}%)", percent(part, whole));
    let mut rows = vec![
        [
            "Namespace",
            "Name",
            "CPU Requests",
            "CPU Limits",
            "Memory Requests",
            "Memory Limits",
            "Age",
        ]
        .map(String::from)
        .to_vec(),
        [
            "---------",
            "----",
            "------------",
            "----------",
            "---------------",
            "-------------",
            "---",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut total = PodResources::default();
    for p in &pods.pods {
        let r = &p.resources;
        total.add(r);
        rows.push(vec![
            p.namespace.clone(),
            p.name.clone(),
            with_pct(cpu(r.cpu_requests), r.cpu_requests, alloc_cpu),
            with_pct(cpu(r.cpu_limits), r.cpu_limits, alloc_cpu),
            with_pct(memory(r.memory_requests), r.memory_requests, alloc_mem),
            with_pct(memory(r.memory_limits), r.memory_limits, alloc_mem),
            age(p.created, now),
        ]);
    }
    let count = match &pods.not_live {
        None => format!("({} in total)", pods.pods.len()),
        // Rows as last watched: said with the source's state and age.
        Some(why) => format!(
            "({} in total, pods {why}: as last watched)",
            pods.pods.len()
        ),
    };
    out.push(format!("Non-terminated Pods:  {count}"));
    out.extend(table(&rows));
    out.push("Allocated resources:".into());
    out.push("  (Total limits may be over 100 percent, i.e., overcommitted.)".into());
    let sums = vec![
        ["Resource", "Requests", "Limits"]
            .map(String::from)
            .to_vec(),
        ["--------", "--------", "------"]
            .map(String::from)
            .to_vec(),
        vec![
            "cpu".into(),
            with_pct(cpu(total.cpu_requests), total.cpu_requests, alloc_cpu),
            with_pct(cpu(total.cpu_limits), total.cpu_limits, alloc_cpu),
        ],
        vec![
            "memory".into(),
            with_pct(
                memory(total.memory_requests),
                total.memory_requests,
                alloc_mem,
            ),
            with_pct(memory(total.memory_limits), total.memory_limits, alloc_mem),
        ],
    ];
    out.extend(table(&sums));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pod_resources::NodePod;
    use serde_json::json;

    fn node() -> Value {
        json!({"status": {"allocatable": {"cpu": "1920m", "memory": "7244264Ki"}}})
    }

    fn pod(name: &str, cpu_req: i64, mem_req: i64, mem_lim: i64) -> NodePod {
        NodePod {
            namespace: "kube-system".into(),
            name: name.into(),
            resources: PodResources {
                cpu_requests: cpu_req,
                cpu_limits: 0,
                memory_requests: mem_req,
                memory_limits: mem_lim,
            },
            created: None,
        }
    }

    #[test]
    fn quantities_print_as_kubectl_prints_them() {
        assert_eq!(cpu(0), "0");
        assert_eq!(cpu(250), "250m");
        assert_eq!(cpu(2000), "2");
        assert_eq!(memory(70 << 20), "70Mi");
        assert_eq!(memory(1 << 30), "1Gi");
        assert_eq!(memory(100_000_000), "100M");
        assert_eq!(memory(1_001), "1001");
    }

    #[test]
    fn rows_and_sums_carry_their_share_of_allocatable() {
        let pods = NodePods {
            pods: vec![
                pod("coredns-1", 100, 70 << 20, 170 << 20),
                pod("aws-node-1", 900, 64 << 20, 0),
            ],
            not_live: None,
            unknown: false,
        };
        let t = sections(&node(), &pods, Timestamp::UNIX_EPOCH).join("\n");
        assert!(t.contains("Non-terminated Pods:  (2 in total)"), "{t}");
        assert!(t.contains("coredns-1   100m (5%)"), "{t}");
        assert!(t.contains("170Mi (2%)"), "{t}");
        // 1000m of 1920m is 52.08%: truncated, as kubectl does.
        assert!(t.contains("cpu       1 (52%)"), "{t}");
        assert!(t.contains("memory    134Mi (1%)"), "{t}");
    }

    #[test]
    fn unknown_pods_are_a_question_mark_not_zero() {
        let pods = NodePods {
            pods: Vec::new(),
            not_live: Some("forbidden — pods is forbidden".into()),
            unknown: true,
        };
        let t = sections(&node(), &pods, Timestamp::UNIX_EPOCH).join("\n");
        assert!(t.contains("Non-terminated Pods:  ? (pods forbidden"), "{t}");
        assert!(!t.contains("(0 in total)"), "{t}");
    }
}
