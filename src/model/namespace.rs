//! Namespaces: name, phase (Active / Terminating) and age.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Namespace;

use super::store::{Row, key_of};
use super::text::sanitize;

#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceRow {
    pub name: String,
    pub phase: String,
    pub created: Option<Timestamp>,
}

impl Row for NamespaceRow {
    fn key(&self) -> (&str, &str) {
        ("", &self.name)
    }
}

impl From<&Namespace> for NamespaceRow {
    fn from(n: &Namespace) -> Self {
        let (_, name) = key_of(&n.metadata);
        NamespaceRow {
            name: name.clone(),
            // The API server sets Active on create; a missing status is a fresh object.
            phase: sanitize(
                n.status
                    .as_ref()
                    .and_then(|s| s.phase.as_deref())
                    .unwrap_or("Active"),
            ),
            created: n.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn namespace_row_reads_phase_and_age() {
        let row = NamespaceRow::from(&fixtures::terminating_namespace());
        assert_eq!(row.name, "old-team");
        assert_eq!(row.phase, "Terminating");
        assert_eq!(row.key(), ("", "old-team"));
        assert!(row.created.is_some());
    }
}
