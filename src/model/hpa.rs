//! HorizontalPodAutoscalers (autoscaling/v2): every metric with its current
//! value and target, whatever its type — never `<unknown>` for a value we have.

use jiff::Timestamp;
use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus,
};

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricLine {
    /// `cpu`, `pods/requests_per_second`, `external/sqs_depth`…
    pub name: String,
    /// Absent when the HPA has not (yet) read this metric.
    pub current: Option<String>,
    pub target: String,
}

impl MetricLine {
    pub fn text(&self) -> String {
        format!(
            "{} {}/{}",
            self.name,
            self.current.as_deref().unwrap_or("(none)"),
            self.target
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: bool,
    pub reason: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HpaRow {
    pub namespace: String,
    pub name: String,
    pub target_kind: String,
    pub target_name: String,
    pub min: i32,
    pub max: i32,
    pub current: i32,
    pub desired: i32,
    pub metrics: Vec<MetricLine>,
    pub conditions: Vec<Condition>,
    pub created: Option<Timestamp>,
}

impl Row for HpaRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&HorizontalPodAutoscaler> for HpaRow {
    fn from(h: &HorizontalPodAutoscaler) -> Self {
        let (namespace, name) = key_of(&h.metadata);
        let spec = Some(&h.spec);
        let status = h.status.as_ref();
        let current_metrics: &[MetricStatus] = status
            .and_then(|s| s.current_metrics.as_deref())
            .unwrap_or_default();
        let metrics = spec
            .and_then(|s| s.metrics.as_ref())
            .map(|ms| ms.iter().map(|m| metric_line(m, current_metrics)).collect())
            .unwrap_or_default();
        HpaRow {
            namespace: namespace.clone(),
            name: name.clone(),
            target_kind: spec
                .map(|s| sanitize(&s.scale_target_ref.kind))
                .unwrap_or_default(),
            target_name: spec
                .map(|s| sanitize(&s.scale_target_ref.name))
                .unwrap_or_default(),
            min: spec.and_then(|s| s.min_replicas).unwrap_or(1),
            max: spec.map(|s| s.max_replicas).unwrap_or(0),
            current: status.and_then(|s| s.current_replicas).unwrap_or(0),
            desired: status.map(|s| s.desired_replicas).unwrap_or(0),
            metrics,
            conditions: status
                .and_then(|s| s.conditions.as_ref())
                .map(|cs| {
                    cs.iter()
                        .map(|c| Condition {
                            type_: sanitize(&c.type_),
                            status: c.status == "True",
                            reason: sanitize(c.reason.as_deref().unwrap_or_default()),
                            message: sanitize(c.message.as_deref().unwrap_or_default()),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            created: h.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

/// One spec metric, its target, and the matching status entry's current value
/// read with the same target type (utilization, average value or value).
fn metric_line(spec: &MetricSpec, current: &[MetricStatus]) -> MetricLine {
    let (name, target): (String, Option<&MetricTarget>) = if let Some(r) = &spec.resource {
        (r.name.clone(), Some(&r.target))
    } else if let Some(c) = &spec.container_resource {
        (format!("{}/{}", c.container, c.name), Some(&c.target))
    } else if let Some(p) = &spec.pods {
        (format!("pods/{}", p.metric.name), Some(&p.target))
    } else if let Some(o) = &spec.object {
        (
            format!(
                "{}/{} {}",
                o.described_object.kind.to_lowercase(),
                o.described_object.name,
                o.metric.name
            ),
            Some(&o.target),
        )
    } else if let Some(e) = &spec.external {
        (format!("external/{}", e.metric.name), Some(&e.target))
    } else {
        (spec.type_.clone(), None)
    };
    let status = current.iter().find_map(|m| status_value(m, spec));
    let (target_text, current_text) = match target {
        Some(t) => (target_text(t), status.and_then(|v| current_text(t, v))),
        None => ("?".into(), None),
    };
    MetricLine {
        name: sanitize(&name),
        current: current_text.map(|s| sanitize(&s)),
        target: sanitize(&target_text),
    }
}

/// The status entry that reports the same metric as `spec`.
fn status_value<'a>(m: &'a MetricStatus, spec: &MetricSpec) -> Option<&'a MetricValueStatus> {
    if let (Some(s), Some(c)) = (&spec.resource, &m.resource) {
        return (s.name == c.name).then_some(&c.current);
    }
    if let (Some(s), Some(c)) = (&spec.container_resource, &m.container_resource) {
        return (s.name == c.name && s.container == c.container).then_some(&c.current);
    }
    if let (Some(s), Some(c)) = (&spec.pods, &m.pods) {
        return (s.metric.name == c.metric.name).then_some(&c.current);
    }
    if let (Some(s), Some(c)) = (&spec.object, &m.object) {
        return (s.metric.name == c.metric.name
            && s.described_object.name == c.described_object.name)
            .then_some(&c.current);
    }
    if let (Some(s), Some(c)) = (&spec.external, &m.external) {
        return (s.metric.name == c.metric.name).then_some(&c.current);
    }
    None
}

fn target_text(t: &MetricTarget) -> String {
    if let Some(u) = t.average_utilization {
        format!("{u}%")
    } else if let Some(v) = &t.average_value {
        format!("{} (avg)", v.0)
    } else if let Some(v) = &t.value {
        v.0.clone()
    } else {
        t.type_.clone()
    }
}

/// Current value in the target's terms; falls back to whatever the status has.
fn current_text(t: &MetricTarget, v: &MetricValueStatus) -> Option<String> {
    if t.average_utilization.is_some()
        && let Some(u) = v.average_utilization
    {
        return Some(format!("{u}%"));
    }
    if t.average_value.is_some()
        && let Some(a) = &v.average_value
    {
        return Some(a.0.clone());
    }
    if t.value.is_some()
        && let Some(a) = &v.value
    {
        return Some(a.0.clone());
    }
    v.average_utilization
        .map(|u| format!("{u}%"))
        .or_else(|| v.average_value.as_ref().map(|q| q.0.clone()))
        .or_else(|| v.value.as_ref().map(|q| q.0.clone()))
}

impl HpaRow {
    pub fn at_max(&self) -> bool {
        self.max > 0 && self.current >= self.max
    }

    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.type_ == type_)
    }

    /// True when something stops the HPA from doing its job.
    pub fn troubled(&self) -> bool {
        self.condition("ScalingActive").is_some_and(|c| !c.status)
            || self.condition("AbleToScale").is_some_and(|c| !c.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn every_metric_type_has_current_and_target() {
        let row = HpaRow::from(&fixtures::hpa());
        let texts: Vec<String> = row.metrics.iter().map(MetricLine::text).collect();
        assert_eq!(
            texts,
            vec![
                "cpu 92%/80%".to_string(),
                "memory 600Mi/512Mi (avg)".to_string(),
                "pods/requests_per_second 120/100 (avg)".to_string(),
                "external/sqs_depth (none)/30".to_string(),
            ]
        );
        assert!(row.at_max());
        assert!(row.condition("ScalingLimited").is_some_and(|c| c.status));
        assert_eq!((row.min, row.max, row.current, row.desired), (1, 4, 4, 4));
        assert_eq!(row.target_name, "service");
    }
}
