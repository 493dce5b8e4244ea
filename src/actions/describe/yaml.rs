//! YAML for `y` in the describe pane: a small emitter over `serde_json::Value`
//! (block style, kubectl's list indentation; strings quoted only when plain
//! YAML would misread them), and the Secret redaction applied before it.

use serde_json::Value;

/// Block-style YAML, one `String` per line.
pub fn to_yaml(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, &mut out),
        other => out.push(scalar(other)),
    }
    out
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn emit_map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut Vec<String>) {
    for (k, v) in m {
        let key = scalar(&Value::String(k.clone()));
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push(format!("{}{key}:", pad(indent)));
                emit_map(inner, indent + 2, out);
            }
            // kubectl style: a list under a key starts at the key's indent.
            Value::Array(items) if !items.is_empty() => {
                out.push(format!("{}{key}:", pad(indent)));
                emit_seq(items, indent, out);
            }
            other => out.push(format!("{}{key}: {}", pad(indent), scalar(other))),
        }
    }
}

fn emit_seq(items: &[Value], indent: usize, out: &mut Vec<String>) {
    for item in items {
        let mut inner = Vec::new();
        match item {
            Value::Object(m) if !m.is_empty() => emit_map(m, indent + 2, &mut inner),
            Value::Array(a) if !a.is_empty() => emit_seq(a, indent + 2, &mut inner),
            other => {
                out.push(format!("{}- {}", pad(indent), scalar(other)));
                continue;
            }
        }
        // The first line of the item carries the dash.
        if let Some(first) = inner.first_mut() {
            let body = first.get(indent + 2..).unwrap_or("").to_owned();
            *first = format!("{}- {body}", pad(indent));
        }
        out.extend(inner);
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// Whether `s` reads back as the same string when written unquoted.
fn plain_ok(s: &str) -> bool {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || s.chars().any(char::is_control)
        || ",[]{}#&*!|>'\"%@`".contains(first)
        || ("-?:".contains(first) && (s.len() == 1 || s[1..].starts_with(' ')))
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || RESERVED.contains(&s.to_ascii_lowercase().as_str())
    {
        return false;
    }
    // Anything that looks like a number (or a date) stays a string only if quoted.
    let numberish = s
        .chars()
        .all(|c| c.is_ascii_digit() || ".eE+-_:".contains(c));
    !numberish && s.parse::<f64>().is_err()
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
