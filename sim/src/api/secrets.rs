//! What the API server does to a Secret on every write: `stringData` is
//! merged into `data` (base64, overriding a key of the same name) and never
//! stored, and a missing `type` is `Opaque`.

use base64::Engine;
use serde_json::{Value, json};

pub fn normalize(obj: &mut Value) {
    let Some(m) = obj.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(plain)) = m.remove("stringData") {
        let data = m.entry("data").or_insert_with(|| json!({}));
        if !data.is_object() {
            *data = json!({});
        }
        if let Some(data) = data.as_object_mut() {
            for (k, v) in plain {
                let text = v.as_str().unwrap_or_default().to_owned();
                let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                data.insert(k, json!(b64));
            }
        }
    }
    if m.get("type")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        m.insert("type".into(), json!("Opaque"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_data_is_stored_as_base64_data_and_type_defaults_to_opaque() {
        let mut s = json!({"metadata": {"name": "s"},
            "data": {"a": "eA==", "b": "eQ=="}, "stringData": {"b": "hunter2", "c": "z"}});
        normalize(&mut s);
        assert_eq!(
            s,
            json!({"metadata": {"name": "s"}, "type": "Opaque",
                "data": {"a": "eA==", "b": "aHVudGVyMg==", "c": "eg=="}})
        );
    }
}
