//! Autoscalers that cannot do their job: metrics unavailable, pinned at max
//! while above target, target missing, target pods without CPU requests.

use super::index::ClusterIndex;
use super::{Action, Code, Finding, ObjectRef, Snapshot};
use crate::model::hpa::HpaRow;

/// A new HPA needs a few metric scrapes before its conditions mean anything.
const HPA_GRACE: i64 = 90;

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        for h in c.data.stores.hpas.iter() {
            let o = ObjectRef::new(c.name(), "HorizontalPodAutoscaler", &h.namespace, &h.name);
            let target = ObjectRef::new(c.name(), &h.target_kind, &h.namespace, &h.target_name);
            let exists = match h.target_kind.as_str() {
                "Deployment" => c
                    .data
                    .stores
                    .deployments
                    .get(&h.namespace, &h.target_name)
                    .is_some(),
                "StatefulSet" => c
                    .data
                    .stores
                    .statefulsets
                    .get(&h.namespace, &h.target_name)
                    .is_some(),
                _ => true,
            };
            if !exists {
                if c.complete() {
                    out.push(
                        Finding::new(
                            Code::HpaTargetMissing,
                            o.clone(),
                            format!(
                                "HPA {} scales {} {}, which does not exist",
                                h.name, h.target_kind, h.target_name
                            ),
                        )
                        .link(target, "not found")
                        .fix("Point scaleTargetRef at the workload, or delete the HPA.")
                        .remedy(Action::Describe, o),
                    );
                }
                continue;
            }
            if at_max_above_target(h) {
                let mut f = Finding::new(
                    Code::HpaAtMax,
                    o.clone(),
                    format!(
                        "HPA {} is at its maximum of {} replicas while above target",
                        h.name, h.max
                    ),
                )
                .object(target.clone())
                .link(
                    o.clone(),
                    format!(
                        "replicas {}/{} (min {}, max {})",
                        h.current, h.desired, h.min, h.max
                    ),
                );
                for m in &h.metrics {
                    f = f.link(o.clone(), m.text());
                }
                if let Some(cond) = h.condition("ScalingLimited") {
                    f = f.link(
                        o.clone(),
                        format!("ScalingLimited {}: {}", cond.reason, cond.message),
                    );
                }
                out.push(
                    f.fix("Raise the HPA's maxReplicas (the scale action offers it), or add capacity per pod; scaling the workload directly is undone by the HPA.")
                        .remedy(Action::Scale, target.clone()),
                );
            }
            if s.age(h.created) < HPA_GRACE {
                continue;
            }
            let no_requests = utilization_on_pods_without_requests(c, h);
            if let Some(pods) = &no_requests {
                out.push(
                    Finding::new(
                        Code::HpaNoRequests,
                        o.clone(),
                        format!(
                            "HPA {} scales on CPU utilization but pods of {} have no CPU request (kubectl shows its target as <unknown>)",
                            h.name, h.target_name
                        ),
                    )
                    .object(target.clone())
                    .link(target.clone(), format!("pods without a CPU request: {}", pods.join(", ")))
                    .fix("Set resources.requests.cpu on every container of the target; utilization is a share of the request.")
                    .remedy(Action::Describe, target.clone()),
                );
            }
            if let Some(cond) = h.condition("ScalingActive").filter(|c| !c.status)
                && no_requests.is_none()
            {
                out.push(
                    Finding::new(
                        Code::HpaMetricsUnavailable,
                        o.clone(),
                        format!("HPA {} cannot read its metrics: {}", h.name, cond.reason),
                    )
                    .link(o.clone(), format!("ScalingActive False {}: {}", cond.reason, cond.message))
                    .fix("Check the metrics pipeline (metrics-server / adapter) and that the target's pods report the metric.")
                    .remedy(Action::Describe, o),
                );
            }
        }
    }
    out
}

/// `92%` → 92.0; `600Mi` → 600 Mi in bytes; plain numbers.
fn number(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches(" (avg)").trim_end_matches('%');
    crate::model::format::parse_quantity(s)
}

fn at_max_above_target(h: &HpaRow) -> bool {
    if !h.at_max() {
        return false;
    }
    let limited = h
        .condition("ScalingLimited")
        .is_some_and(|c| c.status && c.reason == "TooManyReplicas");
    let above = h.metrics.iter().any(|m| {
        matches!((m.current.as_deref().and_then(number), number(&m.target)), (Some(cur), Some(t)) if cur > t)
    });
    above || (limited && h.metrics.is_empty())
}

fn utilization_on_pods_without_requests(c: &ClusterIndex, h: &HpaRow) -> Option<Vec<String>> {
    let on_cpu = h
        .metrics
        .iter()
        .any(|m| m.name == "cpu" && m.target.ends_with('%'));
    if !on_cpu {
        return None;
    }
    let pods: Vec<String> = c
        .data
        .stores
        .pods
        .iter()
        .filter(|p| p.namespace == h.namespace && p.missing_cpu_request)
        .filter(|p| {
            c.workload_of(p)
                .is_some_and(|(k, n)| k == h.target_kind && n == h.target_name)
        })
        .map(|p| p.name.to_string())
        .take(5)
        .collect();
    (!pods.is_empty()).then_some(pods)
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use serde_json::json;

    fn deploy() -> serde_json::Value {
        json!({"kind": "Deployment", "metadata": {"namespace": "shop", "name": "web", "creationTimestamp": OLD},
               "spec": {"replicas": 4, "selector": {}, "template": {}}})
    }

    fn hpa(current: i32, cpu_now: i32, conditions: serde_json::Value) -> serde_json::Value {
        json!({"kind": "HorizontalPodAutoscaler",
               "metadata": {"namespace": "shop", "name": "web", "creationTimestamp": OLD},
               "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"},
                        "minReplicas": 1, "maxReplicas": 4,
                        "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 80}}}]},
               "status": {"currentReplicas": current, "desiredReplicas": current,
                          "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                              "current": {"averageUtilization": cpu_now}}}],
                          "conditions": conditions}})
    }

    fn ok_conditions() -> serde_json::Value {
        json!([{"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound"}])
    }

    #[test]
    fn at_max_above_target_fires_and_below_target_does_not() {
        let r = diagnose(&fleet("c", &[deploy(), hpa(4, 95, ok_conditions())]), now());
        assert_eq!(codes(&r), vec!["FD-HPA-AT-MAX"]);
        let r = diagnose(&fleet("c", &[deploy(), hpa(4, 50, ok_conditions())]), now());
        assert!(r.list.is_empty());
    }

    #[test]
    fn metrics_unavailable() {
        let bad = json!([{"type": "ScalingActive", "status": "False", "reason": "FailedGetResourceMetric",
                          "message": "unable to get metrics for resource cpu"}]);
        let r = diagnose(&fleet("c", &[deploy(), hpa(2, 0, bad)]), now());
        assert_eq!(codes(&r), vec!["FD-HPA-METRICS-UNAVAILABLE"]);
        assert!(
            diagnose(&fleet("c", &[deploy(), hpa(2, 10, ok_conditions())]), now())
                .list
                .is_empty()
        );
    }

    #[test]
    fn target_missing() {
        let r = diagnose(&fleet("c", &[hpa(2, 10, ok_conditions())]), now());
        assert_eq!(codes(&r), vec!["FD-HPA-TARGET-MISSING"]);
    }

    #[test]
    fn pods_without_requests() {
        let rs = json!({"kind": "ReplicaSet", "metadata": {"namespace": "shop", "name": "web-1",
                  "ownerReferences": [{"kind": "Deployment", "name": "web", "apiVersion": "apps/v1", "uid": "u", "controller": true}]}});
        let p = set(
            pod("shop", "web-1-a"),
            "/metadata/ownerReferences",
            json!([{"kind": "ReplicaSet", "name": "web-1", "apiVersion": "apps/v1", "uid": "u", "controller": true}]),
        );
        let bare = set(p.clone(), "/spec/containers/0/resources", json!({}));
        let r = diagnose(
            &fleet(
                "c",
                &[deploy(), rs.clone(), bare, hpa(2, 10, ok_conditions())],
            ),
            now(),
        );
        assert_eq!(codes(&r), vec!["FD-HPA-NO-REQUESTS"]);
        assert!(r.list[0].cause.contains("<unknown>"), "{}", r.list[0].cause);
        let r = diagnose(
            &fleet("c", &[deploy(), rs, p, hpa(2, 10, ok_conditions())]),
            now(),
        );
        assert!(r.list.is_empty());
    }
}
