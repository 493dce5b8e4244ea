//! Kubernetes events: kept compact, used to explain Pending pods and PVCs.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub namespace: String,
    pub name: String,
    pub object_kind: String,
    pub object_name: String,
    pub type_: String,
    pub reason: String,
    pub message: String,
    pub source: String,
    pub count: i32,
    pub last: Option<Timestamp>,
}

impl Row for EventRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&Event> for EventRow {
    fn from(e: &Event) -> Self {
        let (namespace, name) = key_of(&e.metadata);
        let last = e
            .last_timestamp
            .as_ref()
            .map(|t| t.0)
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
            .or_else(|| e.metadata.creation_timestamp.as_ref().map(|t| t.0));
        EventRow {
            namespace: namespace.clone(),
            name: name.clone(),
            object_kind: e.involved_object.kind.clone().unwrap_or_default(),
            object_name: e.involved_object.name.clone().unwrap_or_default(),
            type_: sanitize(e.type_.as_deref().unwrap_or("Normal")),
            reason: sanitize(e.reason.as_deref().unwrap_or_default()),
            message: sanitize(e.message.as_deref().unwrap_or_default()),
            source: sanitize(
                e.reporting_component
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .or(e.source.as_ref().and_then(|s| s.component.as_deref()))
                    .unwrap_or_default(),
            ),
            count: e.count.unwrap_or(1),
            last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn event_row_takes_the_last_timestamp_and_the_involved_object() {
        let row = EventRow::from(&fixtures::warning_event());
        assert_eq!(row.type_, "Warning");
        assert_eq!(row.reason, "Failed");
        assert_eq!(
            (row.object_kind.as_str(), row.object_name.as_str()),
            ("Pod", "web-1")
        );
        assert_eq!(row.source, "kubelet");
        assert_eq!(row.count, 4);
        assert_eq!(row.last, Some("2024-01-01T11:58:00Z".parse().expect("ts")));
    }
}
