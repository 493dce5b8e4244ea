//! kubectl-describe-like text from a full object (as JSON) and its events:
//! metadata, then what matters for the kind (status, containers, volumes,
//! conditions…), then the events. Pure; every line is sanitized.

use jiff::Timestamp;
use serde_json::Value;

use super::yaml::{decoded_len, redacted_len};
use crate::model::pod_resources::NodePods;
use crate::model::text::sanitize;

const W: usize = 16;

struct Out {
    lines: Vec<String>,
}

impl Out {
    fn kv(&mut self, indent: usize, k: &str, v: impl AsRef<str>) {
        // An empty key continues the previous key's list.
        let key = if k.is_empty() {
            String::new()
        } else {
            format!("{k}:")
        };
        // Values line up in one column per depth, as kubectl's do.
        let column = if indent < 4 { W } else { W + 4 };
        self.lines.push(format!(
            "{}{key:<width$}{}",
            " ".repeat(indent),
            v.as_ref(),
            width = column.saturating_sub(indent).max(key.len() + 1)
        ));
    }
    fn head(&mut self, indent: usize, k: &str) {
        self.lines.push(format!("{}{k}:", " ".repeat(indent)));
    }
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
}

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

fn text(v: &Value, ptr: &str) -> String {
    match v.pointer(ptr) {
        None | Some(Value::Null) => "<none>".into(),
        Some(Value::String(x)) => x.clone(),
        Some(other) => other.to_string(),
    }
}

fn arr<'a>(v: &'a Value, ptr: &str) -> &'a [Value] {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `k=v` pairs of a string map, one per line after the first.
fn map_lines(out: &mut Out, indent: usize, key: &str, v: Option<&Value>, sep: &str) {
    let pairs: Vec<String> = v
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}{sep}{}", v.as_str().unwrap_or(&v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        out.kv(indent, key, "<none>");
        return;
    }
    for (i, p) in pairs.into_iter().enumerate() {
        if i == 0 {
            out.kv(indent, key, p);
        } else {
            out.kv(indent, "", p);
        }
    }
}

fn age(ts: Option<&str>, now: Timestamp) -> String {
    let t = ts.and_then(|t| t.parse::<Timestamp>().ok());
    crate::model::format::age(t, now)
}

/// The describe text of `obj` (kind from its `kind` field) with `events`;
/// a node's also lists `node_pods` (its pods from the watched model).
pub fn describe(
    obj: &Value,
    events: &[Value],
    node_pods: Option<&NodePods>,
    now: Timestamp,
) -> Vec<String> {
    let mut out = Out { lines: Vec::new() };
    let kind = s(obj, "/kind").unwrap_or("");
    metadata(&mut out, obj, now);
    match kind {
        "Pod" => pod(&mut out, obj),
        "Deployment" | "StatefulSet" | "DaemonSet" => workload(&mut out, kind, obj),
        "Node" => {
            node(&mut out, obj);
            if let Some(pods) = node_pods {
                out.lines.extend(super::node_pods::sections(obj, pods, now));
            }
        }
        "HorizontalPodAutoscaler" => hpa(&mut out, obj),
        "PersistentVolumeClaim" => pvc(&mut out, obj),
        "Secret" => secret(&mut out, obj),
        _ => generic(&mut out, obj),
    }
    events_section(&mut out, events, now);
    out.lines.iter().map(|l| sanitize(l)).collect()
}

fn metadata(out: &mut Out, obj: &Value, now: Timestamp) {
    out.kv(0, "Name", text(obj, "/metadata/name"));
    if let Some(ns) = s(obj, "/metadata/namespace") {
        out.kv(0, "Namespace", ns);
    }
    map_lines(out, 0, "Labels", obj.pointer("/metadata/labels"), "=");
    let mut ann = obj.pointer("/metadata/annotations").cloned();
    if let Some(Value::Object(m)) = ann.as_mut() {
        // kubectl hides it too: it repeats the whole object.
        m.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    map_lines(out, 0, "Annotations", ann.as_ref(), ": ");
    let created = s(obj, "/metadata/creationTimestamp");
    out.kv(
        0,
        "Created",
        match created {
            Some(c) => format!("{c} ({} ago)", age(created, now)),
            None => "<unknown>".into(),
        },
    );
    if let Some(o) = arr(obj, "/metadata/ownerReferences")
        .iter()
        .find(|o| o["controller"] == true)
        .or_else(|| arr(obj, "/metadata/ownerReferences").first())
    {
        out.kv(
            0,
            "Controlled By",
            format!("{}/{}", text(o, "/kind"), text(o, "/name")),
        );
    }
}

fn pod(out: &mut Out, p: &Value) {
    out.kv(0, "Priority", text(p, "/spec/priority"));
    out.kv(
        0,
        "Service Account",
        s(p, "/spec/serviceAccountName").unwrap_or("default"),
    );
    out.kv(0, "Node", text(p, "/spec/nodeName"));
    if let Some(sched) = s(p, "/spec/schedulerName") {
        out.kv(0, "Scheduler", sched);
    }
    out.kv(0, "Start Time", text(p, "/status/startTime"));
    out.kv(0, "Status", text(p, "/status/phase"));
    if let Some(r) = s(p, "/status/reason") {
        out.kv(0, "Reason", r);
    }
    if let Some(m) = s(p, "/status/message") {
        out.kv(0, "Message", m);
    }
    out.kv(0, "IP", text(p, "/status/podIP"));
    let statuses = arr(p, "/status/containerStatuses");
    let init_statuses = arr(p, "/status/initContainerStatuses");
    if !arr(p, "/spec/initContainers").is_empty() {
        out.head(0, "Init Containers");
        for c in arr(p, "/spec/initContainers") {
            container(out, c, init_statuses);
        }
    }
    out.head(0, "Containers");
    for c in arr(p, "/spec/containers") {
        container(out, c, statuses);
    }
    conditions(out, p);
    volumes(out, arr(p, "/spec/volumes"));
    let tol: Vec<String> = arr(p, "/spec/tolerations")
        .iter()
        .map(|t| {
            let mut x = text(t, "/key");
            if let Some(v) = s(t, "/value") {
                x = format!("{x}={v}");
            }
            if let Some(e) = s(t, "/effect") {
                x = format!("{x}:{e}");
            }
            if let Some(secs) = t.get("tolerationSeconds").filter(|v| !v.is_null()) {
                x = format!("{x} for {secs}s");
            }
            x
        })
        .collect();
    list_kv(out, 0, "Tolerations", &tol);
}

fn list_kv(out: &mut Out, indent: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        out.kv(indent, key, "<none>");
    }
    for (i, t) in items.iter().enumerate() {
        out.kv(indent, if i == 0 { key } else { "" }, t);
    }
}

fn container(out: &mut Out, c: &Value, statuses: &[Value]) {
    let name = text(c, "/name");
    out.head(2, &name);
    out.kv(4, "Image", text(c, "/image"));
    let ports: Vec<String> = arr(c, "/ports")
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                text(p, "/containerPort"),
                s(p, "/protocol").unwrap_or("TCP")
            )
        })
        .collect();
    out.kv(
        4,
        "Port",
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports.join(", ")
        },
    );
    for (key, ptr) in [("Command", "/command"), ("Args", "/args")] {
        let items: Vec<String> = arr(c, ptr)
            .iter()
            .map(|a| a.as_str().unwrap_or_default().to_owned())
            .collect();
        if !items.is_empty() {
            list_kv(out, 4, key, &items);
        }
    }
    if let Some(st) = statuses.iter().find(|st| st["name"] == name.as_str()) {
        state(out, "State", &st["state"]);
        if st["lastState"].as_object().is_some_and(|m| !m.is_empty()) {
            state(out, "Last State", &st["lastState"]);
        }
        out.kv(4, "Ready", text(st, "/ready"));
        out.kv(4, "Restart Count", text(st, "/restartCount"));
    }
    for (key, ptr) in [
        ("Limits", "/resources/limits"),
        ("Requests", "/resources/requests"),
    ] {
        if c.pointer(ptr).and_then(Value::as_object).is_some() {
            out.head(4, key);
            for (k, v) in c
                .pointer(ptr)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                out.kv(6, k, v.as_str().unwrap_or(&v.to_string()));
            }
        }
    }
    for (key, ptr) in [
        ("Liveness", "/livenessProbe"),
        ("Readiness", "/readinessProbe"),
    ] {
        if let Some(p) = c.pointer(ptr).filter(|p| p.is_object()) {
            out.kv(4, key, probe(p));
        }
    }
    let env: Vec<String> = arr(c, "/env")
        .iter()
        .map(|e| match e.get("value").and_then(Value::as_str) {
            Some(v) => format!("{}: {v}", text(e, "/name")),
            None if e.pointer("/valueFrom/secretKeyRef").is_some() => format!(
                "{}: <set to the key '{}' in secret '{}'>",
                text(e, "/name"),
                text(e, "/valueFrom/secretKeyRef/key"),
                text(e, "/valueFrom/secretKeyRef/name")
            ),
            None => format!("{}: <from {}>", text(e, "/name"), text(e, "/valueFrom")),
        })
        .collect();
    list_kv(out, 4, "Environment", &env);
    let mounts: Vec<String> = arr(c, "/volumeMounts")
        .iter()
        .map(|m| {
            format!(
                "{} from {} ({})",
                text(m, "/mountPath"),
                text(m, "/name"),
                if m["readOnly"] == true { "ro" } else { "rw" }
            )
        })
        .collect();
    list_kv(out, 4, "Mounts", &mounts);
}

fn probe(p: &Value) -> String {
    let how = if let Some(h) = p.get("httpGet") {
        format!(
            "http-get {}:{}{}",
            s(h, "/host").unwrap_or(""),
            text(h, "/port"),
            s(h, "/path").unwrap_or("/")
        )
    } else if let Some(t) = p.get("tcpSocket") {
        format!("tcp-socket :{}", text(t, "/port"))
    } else if let Some(e) = p.get("exec") {
        format!("exec {}", e["command"])
    } else {
        "probe".into()
    };
    let n = |k: &str, d: i64| p.get(k).and_then(Value::as_i64).unwrap_or(d);
    format!(
        "{how} delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds", 0),
        n("timeoutSeconds", 1),
        n("periodSeconds", 10),
        n("successThreshold", 1),
        n("failureThreshold", 3)
    )
}

fn state(out: &mut Out, key: &str, st: &Value) {
    if let Some(r) = st.get("running") {
        out.kv(4, key, "Running");
        out.kv(6, "Started", text(r, "/startedAt"));
    } else if let Some(w) = st.get("waiting") {
        out.kv(4, key, "Waiting");
        out.kv(6, "Reason", text(w, "/reason"));
        if let Some(m) = s(w, "/message") {
            out.kv(6, "Message", m);
        }
    } else if let Some(t) = st.get("terminated") {
        out.kv(4, key, "Terminated");
        out.kv(6, "Reason", text(t, "/reason"));
        out.kv(6, "Exit Code", text(t, "/exitCode"));
        if let Some(m) = s(t, "/message") {
            out.kv(6, "Message", m);
        }
        out.kv(6, "Started", text(t, "/startedAt"));
        out.kv(6, "Finished", text(t, "/finishedAt"));
    } else {
        out.kv(4, key, "<unknown>");
    }
}

fn conditions(out: &mut Out, obj: &Value) {
    let conds = arr(obj, "/status/conditions");
    if conds.is_empty() {
        return;
    }
    out.head(0, "Conditions");
    out.line(format!(
        "  {:<28} {:<8} {:<24} Message",
        "Type", "Status", "Reason"
    ));
    out.line(format!(
        "  {:<28} {:<8} {:<24} -------",
        "----", "------", "------"
    ));
    for c in conds {
        out.line(format!(
            "  {:<28} {:<8} {:<24} {}",
            text(c, "/type"),
            text(c, "/status"),
            s(c, "/reason").unwrap_or(""),
            s(c, "/message").unwrap_or("")
        ));
    }
}

fn volumes(out: &mut Out, vols: &[Value]) {
    if vols.is_empty() {
        out.kv(0, "Volumes", "<none>");
        return;
    }
    out.head(0, "Volumes");
    for v in vols {
        out.head(2, &text(v, "/name"));
        let Some(m) = v.as_object() else { continue };
        for (k, src) in m.iter().filter(|(k, _)| *k != "name") {
            let detail = match k.as_str() {
                "persistentVolumeClaim" => format!(
                    "PersistentVolumeClaim (claim {}, read-only {})",
                    text(src, "/claimName"),
                    src["readOnly"] == true
                ),
                "configMap" => format!("ConfigMap {}", text(src, "/name")),
                "secret" => format!("Secret {}", text(src, "/secretName")),
                "emptyDir" => {
                    "EmptyDir (a temporary directory that shares a pod's lifetime)".into()
                }
                "projected" => "Projected (service account token, CA, namespace)".into(),
                "hostPath" => format!("HostPath {}", text(src, "/path")),
                other => other.to_owned(),
            };
            out.kv(4, "Type", detail);
        }
    }
}

fn workload(out: &mut Out, kind: &str, w: &Value) {
    let sel = w.pointer("/spec/selector/matchLabels");
    map_lines(out, 0, "Selector", sel, "=");
    let n = |p: &str| w.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    match kind {
        "DaemonSet" => {
            out.kv(
                0,
                "Desired",
                n("/status/desiredNumberScheduled").to_string(),
            );
            out.kv(
                0,
                "Current",
                format!(
                    "{} scheduled | {} ready | {} available | {} misscheduled",
                    n("/status/currentNumberScheduled"),
                    n("/status/numberReady"),
                    n("/status/numberAvailable"),
                    n("/status/numberMisscheduled")
                ),
            );
        }
        _ => {
            out.kv(
                0,
                "Replicas",
                format!(
                    "{} desired | {} updated | {} total | {} ready | {} available | {} unavailable",
                    w.pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1),
                    n("/status/updatedReplicas"),
                    n("/status/replicas"),
                    n("/status/readyReplicas"),
                    n("/status/availableReplicas"),
                    n("/status/unavailableReplicas")
                ),
            );
        }
    }
    let strategy = s(w, "/spec/strategy/type")
        .or_else(|| s(w, "/spec/updateStrategy/type"))
        .unwrap_or("<none>");
    out.kv(0, "Strategy", strategy);
    out.head(0, "Pod Template");
    map_lines(
        out,
        2,
        "Labels",
        w.pointer("/spec/template/metadata/labels"),
        "=",
    );
    out.head(2, "Containers");
    for c in arr(w, "/spec/template/spec/containers") {
        container(out, c, &[]);
    }
    volumes(out, arr(w, "/spec/template/spec/volumes"));
    conditions(out, w);
}

fn node(out: &mut Out, n: &Value) {
    let taints: Vec<String> = arr(n, "/spec/taints")
        .iter()
        .map(|t| {
            let v = s(t, "/value").map(|v| format!("={v}")).unwrap_or_default();
            format!("{}{v}:{}", text(t, "/key"), text(t, "/effect"))
        })
        .collect();
    list_kv(out, 0, "Taints", &taints);
    out.kv(
        0,
        "Unschedulable",
        (n.pointer("/spec/unschedulable") == Some(&Value::Bool(true))).to_string(),
    );
    out.kv(0, "ProviderID", text(n, "/spec/providerID"));
    conditions(out, n);
    out.head(0, "Addresses");
    for a in arr(n, "/status/addresses") {
        out.kv(2, &text(a, "/type"), text(a, "/address"));
    }
    for (key, ptr) in [
        ("Capacity", "/status/capacity"),
        ("Allocatable", "/status/allocatable"),
    ] {
        out.head(0, key);
        for (k, v) in n
            .pointer(ptr)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            out.kv(2, k, v.as_str().unwrap_or(&v.to_string()));
        }
    }
    out.head(0, "System Info");
    for (k, v) in n
        .pointer("/status/nodeInfo")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.kv(2, k, v.as_str().unwrap_or(&v.to_string()));
    }
}

fn hpa(out: &mut Out, h: &Value) {
    out.kv(
        0,
        "Reference",
        format!(
            "{}/{}",
            text(h, "/spec/scaleTargetRef/kind"),
            text(h, "/spec/scaleTargetRef/name")
        ),
    );
    out.kv(0, "Metrics", "( current / target )");
    let current = arr(h, "/status/currentMetrics");
    for (i, m) in arr(h, "/spec/metrics").iter().enumerate() {
        let (key, value) = hpa_metric(m, current.get(i));
        out.kv(2, &key, value);
    }
    out.kv(0, "Min replicas", text(h, "/spec/minReplicas"));
    out.kv(0, "Max replicas", text(h, "/spec/maxReplicas"));
    out.kv(
        0,
        &format!("{} pods", text(h, "/spec/scaleTargetRef/kind")),
        format!(
            "{} current / {} desired",
            text(h, "/status/currentReplicas"),
            text(h, "/status/desiredReplicas")
        ),
    );
    conditions(out, h);
}

/// One metric as `kubectl describe hpa` words it: what is measured on what,
/// then `current / target`; a utilization also gives the value it is of, as
/// in `85% (213m) / 60%`. `current` is the status entry at the same index.
fn hpa_metric(m: &Value, current: Option<&Value>) -> (String, String) {
    let ty = s(m, "/type").unwrap_or("");
    let field = match ty {
        "Resource" => "resource",
        "Pods" => "pods",
        "Object" => "object",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => return (format!("<unknown metric type {ty:?}>"), String::new()),
    };
    let spec = &m[field];
    let target = &spec["target"];
    let now = current.map(|c| &c[field]["current"]);
    let now_s = |k: &str| now.and_then(|c| s(c, &format!("/{k}")));
    let average = s(target, "/averageValue");
    let name = text(spec, "/name");
    let metric = text(spec, "/metric/name");
    // Targets in absolute values: current and target in the same unit.
    let absolute = |key: String, want: &str, have: Option<&str>| {
        (key, format!("{} / {want}", have.unwrap_or("<unknown>")))
    };
    // A utilization target: the percentage, with the value it stands for.
    let utilization = |key: String| {
        let pct = now
            .and_then(|c| c.get("averageUtilization"))
            .and_then(Value::as_i64);
        let have = match (pct, now_s("averageValue")) {
            (Some(p), Some(v)) => format!("{p}% ({v})"),
            (Some(p), None) => format!("{p}%"),
            _ => "<unknown>".into(),
        };
        (
            key,
            format!("{have} / {}%", text(target, "/averageUtilization")),
        )
    };
    match (ty, average) {
        ("Resource", Some(want)) => absolute(
            format!("resource {name} on pods"),
            want,
            now_s("averageValue"),
        ),
        ("Resource", None) => utilization(format!(
            "resource {name} on pods  (as a percentage of request)"
        )),
        ("ContainerResource", Some(want)) => absolute(
            format!(
                "resource {name} of container \"{}\" on pods",
                text(spec, "/container")
            ),
            want,
            now_s("averageValue"),
        ),
        ("ContainerResource", None) => utilization(format!(
            "resource {name} of container \"{}\" on pods  (as a percentage of request)",
            text(spec, "/container")
        )),
        ("Pods", _) => absolute(
            format!("{metric:?} on pods"),
            average.unwrap_or("<none>"),
            now_s("averageValue"),
        ),
        ("Object", _) | ("External", _) => {
            let on = if ty == "Object" {
                format!(
                    " on {}/{}",
                    text(spec, "/describedObject/kind"),
                    text(spec, "/describedObject/name")
                )
            } else {
                String::new()
            };
            match average {
                Some(want) => absolute(
                    format!("{metric:?}{on} (target average value)"),
                    want,
                    now_s("averageValue"),
                ),
                None => absolute(
                    format!("{metric:?}{on} (target value)"),
                    s(target, "/value").unwrap_or("<none>"),
                    now_s("value"),
                ),
            }
        }
        _ => (format!("<unknown metric type {ty:?}>"), String::new()),
    }
}

fn pvc(out: &mut Out, p: &Value) {
    out.kv(0, "StorageClass", text(p, "/spec/storageClassName"));
    out.kv(0, "Status", text(p, "/status/phase"));
    out.kv(0, "Volume", s(p, "/spec/volumeName").unwrap_or(""));
    out.kv(
        0,
        "Capacity",
        s(p, "/status/capacity/storage").unwrap_or(""),
    );
    out.kv(
        0,
        "Requested",
        s(p, "/spec/resources/requests/storage").unwrap_or(""),
    );
    let modes: Vec<&str> = arr(p, "/spec/accessModes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    out.kv(0, "Access Modes", modes.join(","));
    out.kv(
        0,
        "VolumeMode",
        s(p, "/spec/volumeMode").unwrap_or("Filesystem"),
    );
    conditions(out, p);
}

/// Keys and sizes only: a Secret's values are never shown.
fn secret(out: &mut Out, sec: &Value) {
    out.kv(0, "Type", text(sec, "/type"));
    out.line("");
    out.line("Data");
    out.line("====");
    for field in ["data", "stringData"] {
        for (k, v) in sec
            .get(field)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            // The executor redacts before describing: read the size it kept.
            let len = match (field, v.as_str()) {
                (_, None) => 0,
                (_, Some(t)) if redacted_len(t).is_some() => redacted_len(t).unwrap_or(0),
                ("data", Some(b)) => decoded_len(b),
                (_, Some(t)) => t.len(),
            };
            out.line(format!("{k}:  {len} bytes"));
        }
    }
}

/// Any other kind: spec and status as indented YAML.
fn generic(out: &mut Out, obj: &Value) {
    for key in ["spec", "status"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
            out.head(0, &format!("{}{}", key[..1].to_uppercase(), &key[1..]));
            for l in super::yaml::to_yaml(v) {
                out.line(format!("  {l}"));
            }
        }
    }
}

fn events_section(out: &mut Out, events: &[Value], now: Timestamp) {
    if events.is_empty() {
        out.kv(0, "Events", "<none>");
        return;
    }
    let mut evs: Vec<&Value> = events.iter().collect();
    let last = |e: &Value| {
        s(e, "/lastTimestamp")
            .or_else(|| s(e, "/eventTime"))
            .or_else(|| s(e, "/firstTimestamp"))
            .or_else(|| s(e, "/metadata/creationTimestamp"))
            .map(str::to_owned)
    };
    evs.sort_by_key(|e| last(e));
    out.head(0, "Events");
    out.line(format!(
        "  {:<8} {:<24} {:<12} {:<22} Message",
        "Type", "Reason", "Age", "From"
    ));
    out.line(format!(
        "  {:<8} {:<24} {:<12} {:<22} -------",
        "----", "------", "---", "----"
    ));
    for e in evs {
        let count = e.get("count").and_then(Value::as_i64).unwrap_or(1);
        let when = age(last(e).as_deref(), now);
        let when = if count > 1 {
            format!("{when} (x{count})")
        } else {
            when
        };
        let from = s(e, "/source/component")
            .or_else(|| s(e, "/reportingComponent"))
            .unwrap_or("");
        out.line(format!(
            "  {:<8} {:<24} {:<12} {:<22} {}",
            text(e, "/type"),
            text(e, "/reason"),
            when,
            from,
            s(e, "/message").unwrap_or("")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-01-01T00:10:00Z".parse().expect("ts")
    }

    #[test]
    fn pod_shows_containers_state_volumes_conditions_and_events() {
        let pod = json!({
            "kind": "Pod",
            "metadata": {"name": "payments-1", "namespace": "shop", "labels": {"app": "payments"},
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "ownerReferences": [{"kind": "ReplicaSet", "name": "payments-7d", "controller": true}]},
            "spec": {"nodeName": "fargate-ip-10-0-1-2", "containers": [{"name": "app", "image": "shop/payments:4.2.1",
                "ports": [{"containerPort": 8080}], "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "pay-data"}}]},
            "status": {"phase": "Running", "podIP": "10.0.1.2",
                "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
                "containerStatuses": [{"name": "app", "ready": false, "restartCount": 4,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s \u{1b}[31mrestarting"}},
                    "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}]}
        });
        let events = [json!({"type": "Warning", "reason": "BackOff", "count": 7,
            "lastTimestamp": "2026-01-01T00:09:00Z", "source": {"component": "kubelet"},
            "message": "Back-off restarting failed container app"})];
        let t = describe(&pod, &events, None, now()).join("\n");
        for want in [
            "Name:           payments-1",
            "Namespace:      shop",
            "Labels:         app=payments",
            "Controlled By:  ReplicaSet/payments-7d",
            "Node:           fargate-ip-10-0-1-2",
            "  app:",
            "    Image:          shop/payments:4.2.1",
            "    Port:           8080/TCP",
            "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated",
            "      Exit Code:    1",
            "    Restart Count:  4",
            "DB_PASSWORD: <set to the key 'pw' in secret 'db'>",
            "/data from data (rw)",
            "  Ready                        False    ContainersNotReady",
            "PersistentVolumeClaim (claim pay-data, read-only false)",
            "  Warning  BackOff                  60s (x7)     kubelet                Back-off restarting",
        ] {
            assert!(t.contains(want), "missing {want:?} in\n{t}");
        }
        assert!(!t.contains('\u{1b}'), "escape sequences reach the screen");
    }

    #[test]
    fn secret_shows_sizes_never_values() {
        let sec = json!({"kind": "Secret", "type": "Opaque",
            "metadata": {"name": "db", "namespace": "shop"},
            "data": {"password": "aHVudGVyMg=="}});
        let t = describe(&sec, &[], None, now()).join("\n");
        assert!(t.contains("password:  7 bytes"), "{t}");
        assert!(!t.contains("aHVudGVyMg"), "{t}");
        assert!(t.contains("Events:         <none>"), "{t}");
    }

    #[test]
    fn a_redacted_secret_is_described_with_its_true_sizes() {
        let mut sec = json!({"kind": "Secret", "type": "Opaque",
            "metadata": {"name": "db", "namespace": "shop"},
            "data": {"password": "czNjcjN0LVZBTFVFLWRiLXBhc3N3b3JkLTljN2IyYQ=="},
            "stringData": {"user": "admin-user"}});
        super::super::yaml::redact_secret(&mut sec);
        let t = describe(&sec, &[], None, now()).join("\n");
        assert!(t.contains("password:  31 bytes"), "{t}");
        assert!(t.contains("user:  10 bytes"), "{t}");
        assert!(!t.contains("czNjcjN0") && !t.contains("admin-user"), "{t}");
    }

    #[test]
    fn workload_node_hpa_and_pvc_sections() {
        let d = json!({"kind": "Deployment", "metadata": {"name": "service", "namespace": "tb-demo"},
            "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "service"}}, "strategy": {"type": "RollingUpdate"},
                "template": {"metadata": {"labels": {"app": "service"}}, "spec": {"containers": [{"name": "svc", "image": "beer:1"}]}}},
            "status": {"replicas": 2, "readyReplicas": 2, "updatedReplicas": 2, "availableReplicas": 2}});
        let t = describe(&d, &[], None, now()).join("\n");
        assert!(
            t.contains("4 desired | 2 updated | 2 total | 2 ready | 2 available | 0 unavailable"),
            "{t}"
        );
        assert!(t.contains("Strategy:       RollingUpdate"), "{t}");
        let n = json!({"kind": "Node", "metadata": {"name": "fargate-ip-1"},
            "spec": {"taints": [{"key": "eks.amazonaws.com/compute-type", "value": "fargate", "effect": "NoSchedule"}]},
            "status": {"capacity": {"pods": "1"}, "addresses": [{"type": "InternalIP", "address": "10.0.1.2"}]}});
        let t = describe(&n, &[], None, now()).join("\n");
        assert!(
            t.contains("Taints:         eks.amazonaws.com/compute-type=fargate:NoSchedule"),
            "{t}"
        );
        assert!(t.contains("  InternalIP:   10.0.1.2"), "{t}");
        let h = json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": "hello-api"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "hello-api"}, "minReplicas": 2, "maxReplicas": 4,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]},
            "status": {"currentReplicas": 4, "desiredReplicas": 4,
                "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 95}}}]}});
        let t = describe(&h, &[], None, now()).join("\n");
        assert!(t.contains("Reference:      Deployment/hello-api"), "{t}");
        assert!(
            t.contains("  resource cpu on pods  (as a percentage of request): 95% / 60%"),
            "{t}"
        );
        assert!(t.contains("Deployment pods:"), "{t}");
        let mut h = h;
        h["status"]["currentMetrics"][0]["resource"]["current"]["averageValue"] = json!("213m");
        if let Some(ms) = h["spec"]["metrics"].as_array_mut() {
            ms.push(json!({"type": "Pods", "pods": {"metric": {"name": "rps"},
                "target": {"type": "AverageValue", "averageValue": "100"}}}));
        }
        let t = describe(&h, &[], None, now()).join("\n");
        assert!(t.contains("request): 95% (213m) / 60%"), "{t}");
        assert!(t.contains("  \"rps\" on pods:"), "{t}");
        assert!(t.contains("<unknown> / 100"), "{t}");
        let p = json!({"kind": "PersistentVolumeClaim", "metadata": {"name": "mysql"},
            "spec": {"storageClassName": "gp2", "accessModes": ["ReadWriteOnce"]}, "status": {"phase": "Pending"}});
        let t = describe(&p, &[], None, now()).join("\n");
        assert!(
            t.contains("StorageClass:   gp2") && t.contains("Status:         Pending"),
            "{t}"
        );
    }
}
