//! Secrets: name, type and how many keys — never a value. The watcher's
//! object is dropped as soon as this row is made from it.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Secret;

use super::store::{Row, key_of};

#[derive(Debug, Clone, PartialEq)]
pub struct SecretRow {
    pub namespace: String,
    pub name: String,
    /// `Opaque`, `kubernetes.io/tls`, …; the API's default when unset.
    pub kind: String,
    /// Keys in `data` and `stringData`, as kubectl's DATA column counts them.
    pub keys: usize,
    pub created: Option<Timestamp>,
}

impl Row for SecretRow {
    fn key(&self) -> (&str, &str) {
        (&self.namespace, &self.name)
    }
}

impl From<&Secret> for SecretRow {
    fn from(s: &Secret) -> Self {
        let (namespace, name) = key_of(&s.metadata);
        SecretRow {
            namespace,
            name,
            kind: s.type_.clone().unwrap_or_else(|| "Opaque".into()),
            keys: s.data.as_ref().map_or(0, |d| d.len())
                + s.string_data.as_ref().map_or(0, |d| d.len()),
            created: s.metadata.creation_timestamp.as_ref().map(|t| t.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_counts_keys_and_holds_no_value() {
        let s: Secret = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "db", "namespace": "apps"},
            "type": "Opaque",
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="},
            "stringData": {"url": "postgres://x"},
        }))
        .expect("a secret");
        let row = SecretRow::from(&s);
        assert_eq!((row.kind.as_str(), row.keys), ("Opaque", 3));
        let shown = format!("{row:?}");
        for value in ["aHVudGVyMg", "hunter2", "YWRtaW4", "admin", "postgres://x"] {
            assert!(!shown.contains(value), "{value} leaked into {shown}");
        }
    }
}
