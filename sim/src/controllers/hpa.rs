//! autoscaling/v2 HorizontalPodAutoscalers over synthetic load: every 15 s
//! (the controller's sync period) each metric's current value follows the
//! scenario's [`LoadCurve`], the recommendation is `ceil(current/target ×
//! ready pods)` within min/max (10 % tolerance, scale-up rate limit,
//! scale-down stabilization window), and the target's `spec.replicas` is
//! written. Conditions carry the real reasons and messages.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::{
    ExternalMetricStatus, HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition as Cond,
    HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus,
    ObjectMetricStatus, PodsMetricStatus, ResourceMetricStatus,
};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::events::{self, Source};
use super::load::LoadCurve;
use super::meta::{name, namespace, plus_secs, secs_since, time};
use super::{Ctx, Due, podspec, selectors};
use crate::store::Store;

const SOURCE: Source<'static> = Source {
    component: "horizontal-pod-autoscaler",
    host: None,
};
pub const SYNC_SECS: f64 = 15.0;
const TOLERANCE: f64 = 0.1;

/// The target workload as the HPA sees it through the scale subresource.
struct Target {
    replicas: i32,
    selector: LabelSelector,
    template: PodTemplateSpec,
}

fn target(store: &Store, ns: &str, kind: &str, target_name: &str) -> Option<Target> {
    match kind {
        "Deployment" => {
            let d: Deployment = store.get(ns, target_name)?;
            let s = d.spec;
            Some(Target {
                replicas: s.replicas.unwrap_or(1),
                selector: s.selector,
                template: s.template,
            })
        }
        "StatefulSet" => {
            let d: StatefulSet = store.get(ns, target_name)?;
            let s = d.spec;
            Some(Target {
                replicas: s.replicas.unwrap_or(1),
                selector: s.selector,
                template: s.template,
            })
        }
        _ => None,
    }
}

fn set_replicas(store: &mut Store, ns: &str, kind: &str, target_name: &str, replicas: i32) {
    match kind {
        "Deployment" => {
            if let Some(mut d) = store.get::<Deployment>(ns, target_name) {
                d.spec.replicas = Some(replicas);
                let _ = store.replace(&d);
            }
        }
        "StatefulSet" => {
            if let Some(mut d) = store.get::<StatefulSet>(ns, target_name) {
                d.spec.replicas = Some(replicas);
                let _ = store.replace(&d);
            }
        }
        _ => {}
    }
}

/// A quantity as the metrics APIs print it: whole numbers plain, else milli-units.
pub fn quantity(v: f64) -> Quantity {
    let milli = (v * 1000.0).round() as i64;
    Quantity(if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    })
}

fn parse_quantity(q: &Quantity) -> f64 {
    podspec::quantity(&q.0).unwrap_or(0.0)
}

fn target_value(t: &MetricTarget) -> f64 {
    t.average_value
        .as_ref()
        .or(t.value.as_ref())
        .map(parse_quantity)
        .unwrap_or(1.0)
        .max(1e-9)
}

/// One metric's current value and the replica count it recommends.
struct Reading {
    status: MetricStatus,
    ratio: f64,
    describe: String,
}

fn read(m: &MetricSpec, demand: f64, ready: i32, replicas: i32, cpu_request_m: i64) -> Reading {
    let per_pod = demand / f64::from(ready.max(1));
    let mut status = MetricStatus {
        type_: m.type_.clone(),
        ..Default::default()
    };
    let (ratio, describe) = match m.type_.as_str() {
        "Resource" => {
            let r = m.resource.clone().unwrap_or_default();
            let (current, ratio, what) = match r.target.average_utilization {
                Some(u) => {
                    let util = (f64::from(u) * per_pod).round();
                    let avg = util / 100.0 * cpu_request_m as f64 / 1000.0;
                    (
                        MetricValueStatus {
                            average_utilization: Some(util as i32),
                            average_value: Some(quantity(avg)),
                            value: None,
                        },
                        util / f64::from(u.max(1)),
                        format!("{} resource utilization (percentage of request)", r.name),
                    )
                }
                None => {
                    let tv = target_value(&r.target);
                    (
                        MetricValueStatus {
                            average_value: Some(quantity(tv * per_pod)),
                            ..Default::default()
                        },
                        per_pod,
                        format!("{} resource", r.name),
                    )
                }
            };
            status.resource = Some(ResourceMetricStatus {
                name: r.name,
                current,
            });
            (ratio, what)
        }
        "Pods" => {
            let p = m.pods.clone().unwrap_or_default();
            let tv = target_value(&p.target);
            status.pods = Some(PodsMetricStatus {
                metric: p.metric.clone(),
                current: MetricValueStatus {
                    average_value: Some(quantity(tv * per_pod)),
                    ..Default::default()
                },
            });
            (per_pod, format!("pods metric {}", p.metric.name))
        }
        "External" => {
            let e = m.external.clone().unwrap_or_default();
            let tv = target_value(&e.target);
            let total = tv * demand;
            let current = if e.target.type_ == "Value" {
                MetricValueStatus {
                    value: Some(quantity(total / f64::from(replicas.max(1)))),
                    ..Default::default()
                }
            } else {
                MetricValueStatus {
                    average_value: Some(quantity(total / f64::from(replicas.max(1)))),
                    ..Default::default()
                }
            };
            status.external = Some(ExternalMetricStatus {
                metric: e.metric.clone(),
                current,
            });
            (
                demand / f64::from(replicas.max(1)),
                format!("external metric {}(nil)", e.metric.name),
            )
        }
        _ => {
            let o = m.object.clone().unwrap_or_default();
            let tv = target_value(&o.target);
            status.object = Some(ObjectMetricStatus {
                described_object: o.described_object.clone(),
                metric: o.metric.clone(),
                current: MetricValueStatus {
                    value: Some(quantity(tv * demand / f64::from(replicas.max(1)))),
                    ..Default::default()
                },
            });
            (
                demand / f64::from(replicas.max(1)),
                format!(
                    "{} metric {}",
                    o.described_object.kind.to_lowercase(),
                    o.metric.name
                ),
            )
        }
    };
    Reading {
        status,
        ratio,
        describe,
    }
}

/// The recommendation at one evaluation instant, before limits.
fn recommend(curve: &LoadCurve, metrics: &[MetricSpec], t: f64) -> f64 {
    (0..metrics.len().max(1))
        .map(|i| curve.at(t) * (1.0 - 0.15 * i as f64))
        .fold(0.0, f64::max)
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let hpas = store.list::<HorizontalPodAutoscaler>(None);
    let mut due = Due::default();
    if hpas.is_empty() {
        return due;
    }
    let since = secs_since(ctx.started, ctx.now).max(0.0);
    let tick = (since / SYNC_SECS).floor() * SYNC_SECS;
    due.at(plus_secs(ctx.started, tick + SYNC_SECS));
    let eval_at = plus_secs(ctx.started, tick);
    for hpa in hpas {
        sync_one(store, ctx, hpa, tick, eval_at);
    }
    due
}

fn sync_one(
    store: &mut Store,
    ctx: &Ctx,
    mut hpa: HorizontalPodAutoscaler,
    tick: f64,
    eval_at: Timestamp,
) {
    let ns = namespace(&hpa.metadata).to_owned();
    let spec = hpa.spec.clone();
    let href = events::reference("HorizontalPodAutoscaler", "autoscaling/v2", &hpa.metadata);
    let kind = spec.scale_target_ref.kind.clone();
    let tname = spec.scale_target_ref.name.clone();
    let mut status = hpa.status.clone().unwrap_or_default();
    status.observed_generation = hpa.metadata.generation;
    let mut conds = status.conditions.take().unwrap_or_default();
    let Some(tgt) = target(store, &ns, &kind, &tname) else {
        let plural = format!("{}s", kind.to_lowercase());
        let msg = format!(
            "the HPA controller was unable to get the target's current scale: {plural}/scale.apps \"{tname}\" not found"
        );
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "AbleToScale",
            "False",
            Some("FailedGetScale"),
            Some(msg.clone()),
            ctx.now,
        );
        events::record(
            store,
            ctx.now,
            events::warning(
                &href,
                "FailedGetScale",
                format!("{plural}/scale.apps \"{tname}\" not found"),
                SOURCE,
            )
            .every(60.0),
        );
        status.conditions = Some(conds);
        write(store, &mut hpa, status);
        return;
    };
    let pods: Vec<Pod> = store
        .list::<Pod>(Some(&ns))
        .into_iter()
        .filter(|p| {
            selectors::matches(
                &tgt.selector,
                &p.metadata.labels.clone().unwrap_or_default(),
            )
        })
        .collect();
    let ready = pods.iter().filter(|p| podspec::is_ready(p)).count() as i32;
    let metrics = spec.metrics.clone().unwrap_or_else(|| {
        vec![MetricSpec {
            type_: "Resource".into(),
            resource: Some(k8s_openapi::api::autoscaling::v2::ResourceMetricSource {
                name: "cpu".into(),
                target: MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(80),
                    ..Default::default()
                },
            }),
            ..Default::default()
        }]
    });
    let min = spec.min_replicas.unwrap_or(1);
    let max = spec.max_replicas;
    let curve = ctx
        .loads
        .get(&(ns.clone(), name(&hpa.metadata).to_owned()))
        .cloned()
        .unwrap_or(LoadCurve::Constant(f64::from(min) * 0.6));
    let template_containers = tgt
        .template
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    let cpu_request_m: i64 = template_containers
        .iter()
        .filter_map(|c| {
            c.resources
                .as_ref()?
                .requests
                .as_ref()?
                .get("cpu")
                .and_then(|q| podspec::cpu_millis(&q.0))
        })
        .sum();
    let uses_cpu = metrics.iter().any(|m| {
        m.type_ == "Resource"
            && m.resource
                .as_ref()
                .is_some_and(|r| r.target.average_utilization.is_some())
    });
    crate::controllers::meta::set_condition::<Cond>(
        &mut conds,
        "AbleToScale",
        "True",
        Some("SucceededGetScale"),
        Some("the HPA controller was able to get the target's current scale".to_owned()),
        ctx.now,
    );
    let failure = if uses_cpu && !podspec::all_request_cpu(&template_containers) {
        let c = template_containers
            .iter()
            .find(|c| {
                c.resources
                    .as_ref()
                    .and_then(|r| r.requests.as_ref())
                    .is_none_or(|r| !r.contains_key("cpu"))
            })
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let pod = pods
            .first()
            .map(|p| name(&p.metadata).to_owned())
            .unwrap_or_default();
        Some(format!(
            "failed to get cpu utilization: missing request for cpu in container {c} of Pod {pod}"
        ))
    } else if ready == 0 {
        Some("failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)".to_owned())
    } else {
        None
    };
    status.current_replicas = Some(tgt.replicas);
    if let Some(err) = failure {
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "ScalingActive",
            "False",
            Some("FailedGetResourceMetric"),
            Some(format!(
                "the HPA was unable to compute the replica count: {err}"
            )),
            ctx.now,
        );
        events::record(
            store,
            ctx.now,
            events::warning(&href, "FailedGetResourceMetric", err.clone(), SOURCE).every(60.0),
        );
        let msg = format!(
            "invalid metrics (1 invalid out of {}), first error is: failed to get cpu resource metric value: {err}",
            metrics.len()
        );
        events::record(
            store,
            ctx.now,
            events::warning(&href, "FailedComputeMetricsReplicas", msg, SOURCE).every(60.0),
        );
        status.current_metrics = Some(
            metrics
                .iter()
                .map(|m| MetricStatus {
                    type_: m.type_.clone(),
                    resource: m.resource.as_ref().map(|r| ResourceMetricStatus {
                        name: r.name.clone(),
                        current: Default::default(),
                    }),
                    ..Default::default()
                })
                .collect(),
        );
        status.desired_replicas = tgt.replicas;
        status.conditions = Some(conds);
        write(store, &mut hpa, status);
        return;
    }
    let demand_base = curve.at(tick);
    let readings: Vec<Reading> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            read(
                m,
                demand_base * (1.0 - 0.15 * i as f64),
                ready,
                tgt.replicas,
                cpu_request_m,
            )
        })
        .collect();
    let (best, raw) = readings
        .iter()
        .map(|r| {
            let n = if (r.ratio - 1.0).abs() <= TOLERANCE {
                f64::from(tgt.replicas)
            } else {
                (r.ratio * f64::from(ready.max(1))).ceil()
            };
            (r, n)
        })
        .fold((None, 0.0), |(b, best_n), (r, n)| {
            if b.is_none() || n > best_n {
                (Some(r), n)
            } else {
                (b, best_n)
            }
        });
    let raw = raw as i32;
    // Scale-down stabilization: the highest recommendation within the window.
    let window = spec
        .behavior
        .as_ref()
        .and_then(|b| b.scale_down.as_ref())
        .and_then(|s| s.stabilization_window_seconds)
        .unwrap_or(300);
    let steps = (f64::from(window) / SYNC_SECS) as i32;
    let windowed = (0..=steps)
        .map(|k| tick - f64::from(k) * SYNC_SECS)
        .filter(|t| *t >= 0.0)
        .map(|t| recommend(&curve, &metrics, t).ceil() as i32)
        .max()
        .unwrap_or(raw);
    let mut desired = raw.max(windowed.min(tgt.replicas));
    let stabilized = desired > raw;
    let up_limit = (tgt.replicas * 2).max(tgt.replicas + 4);
    desired = desired.min(up_limit).clamp(min, max);
    let describe = best.map(|r| r.describe.clone()).unwrap_or_default();
    status.current_metrics = Some(readings.iter().map(|r| r.status.clone()).collect());
    status.desired_replicas = desired;
    crate::controllers::meta::set_condition::<Cond>(
        &mut conds,
        "ScalingActive",
        "True",
        Some("ValidMetricFound"),
        Some(format!(
            "the HPA was able to successfully calculate a replica count from {describe}"
        )),
        ctx.now,
    );
    if raw > max {
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "ScalingLimited",
            "True",
            Some("TooManyReplicas"),
            Some("the desired replica count is more than the maximum replica count".to_owned()),
            ctx.now,
        );
    } else if raw < min {
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "ScalingLimited",
            "True",
            Some("TooFewReplicas"),
            Some("the desired replica count is less than the minimum replica count".to_owned()),
            ctx.now,
        );
    } else {
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "ScalingLimited",
            "False",
            Some("DesiredWithinRange"),
            Some("the desired count is within the acceptable range".to_owned()),
            ctx.now,
        );
    }
    if desired != tgt.replicas {
        set_replicas(store, &ns, &kind, &tname, desired);
        status.last_scale_time = Some(time(eval_at));
        let why = if desired > tgt.replicas {
            format!("{describe} above target")
        } else {
            "All metrics below target".to_owned()
        };
        events::record(
            store,
            ctx.now,
            events::normal(
                &href,
                "SuccessfulRescale",
                format!("New size: {desired}; reason: {why}"),
                SOURCE,
            ),
        );
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "AbleToScale",
            "True",
            Some("SucceededRescale"),
            Some(format!(
                "the HPA controller was able to update the target scale to {desired}"
            )),
            ctx.now,
        );
    } else if stabilized {
        crate::controllers::meta::set_condition::<Cond>(&mut conds, "AbleToScale", "True", Some("ScaleDownStabilized"), Some("recent recommendations were higher than current one, applying the highest recent recommendation".to_owned()), ctx.now);
    } else {
        crate::controllers::meta::set_condition::<Cond>(
            &mut conds,
            "AbleToScale",
            "True",
            Some("ReadyForNewScale"),
            Some("recommended size matches current size".to_owned()),
            ctx.now,
        );
    }
    let order = ["AbleToScale", "ScalingActive", "ScalingLimited"];
    conds.sort_by_key(|c| {
        order
            .iter()
            .position(|o| *o == c.type_)
            .unwrap_or(order.len())
    });
    status.conditions = Some(conds);
    write(store, &mut hpa, status);
}

fn write(
    store: &mut Store,
    hpa: &mut HorizontalPodAutoscaler,
    status: HorizontalPodAutoscalerStatus,
) {
    if hpa.status.as_ref() != Some(&status) {
        hpa.status = Some(status);
        let _ = store.replace(hpa);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    fn cond(h: &HorizontalPodAutoscaler, ty: &str) -> (String, String) {
        h.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == ty))
            .map(|c| (c.status.clone(), c.reason.clone().unwrap_or_default()))
            .unwrap_or_default()
    }

    #[test]
    fn scales_up_under_the_ramp_and_reports_the_limit_at_max() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("default", "hello-api", &[("app", "hello-api")], 1);
        t.apply_hpa(
            "default",
            "hello-api",
            1,
            4,
            80,
            LoadCurve::Ramp {
                from: 0.5,
                to: 8.0,
                secs: 120.0,
            },
        );
        t.run_secs(60);
        let d: Deployment = t.get("default", "hello-api");
        let mid = d.spec.replicas.unwrap_or(0);
        assert!(mid > 1, "scaled up under the ramp: {mid}");
        t.run_secs(120);
        let h: HorizontalPodAutoscaler = t.get("default", "hello-api");
        let st = h.status.clone().unwrap_or_default();
        assert_eq!(st.desired_replicas, 4);
        assert_eq!(
            cond(&h, "ScalingLimited"),
            ("True".into(), "TooManyReplicas".into())
        );
        assert_eq!(
            cond(&h, "ScalingActive"),
            ("True".into(), "ValidMetricFound".into())
        );
        let util = st
            .current_metrics
            .as_ref()
            .and_then(|m| m.first())
            .and_then(|m| m.resource.as_ref())
            .and_then(|r| r.current.average_utilization)
            .unwrap_or(0);
        assert!(util > 80, "{util}");
        assert!(st.last_scale_time.is_some());
        assert_eq!(t.pods("default").len(), 4);
    }

    #[test]
    fn missing_cpu_requests_fail_the_resource_metric() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment_without_requests("default", "legacy", &[("app", "legacy")], 1);
        t.apply_hpa("default", "legacy", 1, 4, 80, LoadCurve::Constant(3.0));
        t.run_secs(20);
        let h: HorizontalPodAutoscaler = t.get("default", "legacy");
        assert_eq!(
            cond(&h, "ScalingActive"),
            ("False".into(), "FailedGetResourceMetric".into())
        );
    }
}
