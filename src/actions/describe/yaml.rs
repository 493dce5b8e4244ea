//! YAML for `y` in the describe pane: serde-saphyr's emitter (block style,
//! kubectl's list indentation, strings quoted only when plain YAML would
//! misread them), and the Secret redaction applied before it.

use serde_json::Value;

/// Block-style YAML, one `String` per line; a value it cannot emit is one line saying so.
pub fn to_yaml(v: &Value) -> Vec<String> {
    let options = serde_saphyr::ser_options! {
        // A long annotation stays one line, as `kubectl get -o yaml` prints it.
        folded_wrap_chars: usize::MAX,
    };
    match serde_saphyr::to_string_with_options(v, options) {
        Ok(text) => text.lines().map(str::to_owned).collect(),
        Err(e) => vec![format!("cannot write YAML: {e}")],
    }
}

/// Replaces every Secret value with its size; drops the last-applied
/// annotation, which carries the same values. Any other kind is untouched.
pub fn redact_secret(obj: &mut Value) {
    if obj.get("kind").and_then(Value::as_str) != Some("Secret") {
        return;
    }
    for field in ["data", "stringData"] {
        if let Some(Value::Object(m)) = obj.get_mut(field) {
            for v in m.values_mut() {
                let len = match v {
                    Value::String(s) if field == "data" => decoded_len(s),
                    Value::String(s) => s.len(),
                    _ => 0,
                };
                *v = Value::String(format!("<redacted: {len} bytes>"));
            }
        }
    }
    if let Some(Value::Object(a)) = obj.pointer_mut("/metadata/annotations") {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
}

/// The size a redacted value stands for (`<redacted: N bytes>`), if it is one.
pub fn redacted_len(v: &str) -> Option<usize> {
    v.strip_prefix("<redacted: ")?
        .strip_suffix(" bytes>")?
        .parse()
        .ok()
}

/// Size of base64 data without decoding it.
pub fn decoded_len(b64: &str) -> usize {
    let s = b64.trim_end_matches('=');
    s.len() * 3 / 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_yaml_like_kubectl() {
        let v = json!({
            "apiVersion": "apps/v1",
            "metadata": {"name": "service", "labels": {"app": "service"}, "annotations": {}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [
                {"name": "app", "image": "terrax/beer-service:1.4.2", "args": ["--port", "8080"]}
            ]}}},
            "status": {"ok": true, "note": "a: b", "version": "1.30", "empty": ""}
        });
        let y = to_yaml(&v).join("\n");
        let want = "apiVersion: apps/v1
metadata:
  annotations: {}
  labels:
    app: service
  name: service
spec:
  replicas: 2
  template:
    spec:
      containers:
      - args:
        - --port
        - \"8080\"
        image: terrax/beer-service:1.4.2
        name: app
status:
  empty: \"\"
  note: \"a: b\"
  ok: true
  version: \"1.30\"";
        assert_eq!(y, want);
    }

    #[test]
    fn strings_that_would_be_misread_are_quoted() {
        let v =
            json!({"a": "yes", "b": "1.0", "c": "", "d": "null", "e": "- x", "f": "plain text"});
        let back: Value = serde_saphyr::from_str(&to_yaml(&v).join("\n")).expect("reads back");
        assert_eq!(back, v);
        let y = to_yaml(&v);
        assert!(y.iter().all(|l| !l.starts_with("a: yes")), "{y:?}");
        assert!(y.contains(&"f: plain text".to_owned()), "{y:?}");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let v = json!({"script": "set -e\necho hi\n"});
        let y = to_yaml(&v);
        assert_eq!(y, ["script: |", "  set -e", "  echo hi"]);
    }

    #[test]
    fn nested_lists_of_maps_keep_their_shape() {
        let v = json!({"rules": [{"ports": [{"port": 80}, {"port": 443}], "hosts": ["a", "b"]}, [[1, 2], []]]});
        let y = to_yaml(&v).join("\n");
        let back: Value = serde_saphyr::from_str(&y).expect("reads back");
        assert_eq!(back, v, "{y}");
        assert!(
            y.contains("- hosts:\n  - a\n  - b\n  ports:\n  - port: 80"),
            "{y}"
        );
    }

    #[test]
    fn a_long_line_is_not_folded() {
        let long = "word ".repeat(40);
        let y = to_yaml(&json!({"note": long.trim()}));
        assert_eq!(y.len(), 1, "{y:?}");
    }

    #[test]
    fn secrets_lose_their_values() {
        let mut v = json!({"kind": "Secret", "metadata": {"name": "db", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}});
        redact_secret(&mut v);
        let y = to_yaml(&v).join("\n");
        assert!(!y.contains("aHVudGVyMg"), "{y}");
        assert!(!y.contains("admin"), "{y}");
        assert!(y.contains("password: \"<redacted: 7 bytes>\""), "{y}");
    }
}
