//! Small builders the scenarios share: namespaces, workloads, services,
//! HPAs, storage, and each cluster's kube-system basics.

use serde_json::{Value, json};

use crate::resources::find;
use crate::store::Store;

/// Creates `value` as a `plural` of `group`; scenario objects are well-formed,
/// so a refusal here is a scenario bug worth logging, not a crash.
pub fn put(store: &mut Store, group: &str, version: &str, plural: &str, value: Value) {
    let Some(rid) = find(group, version, plural) else {
        return;
    };
    if let Err(e) = store.create_value(rid, value) {
        tracing::warn!("scenario object {plural} refused: {e}");
    }
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect(),
    )
}

pub fn namespace(store: &mut Store, name: &str) {
    put(
        store,
        "",
        "v1",
        "namespaces",
        json!({"metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
    );
}

/// A container spec with requests.
pub fn container(name: &str, image: &str, cpu: &str, mem: &str, port: u16) -> Value {
    json!({
        "name": name, "image": image, "imagePullPolicy": "IfNotPresent",
        "ports": [{"containerPort": port, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": cpu, "memory": mem}},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
    })
}

pub struct Workload<'a> {
    pub ns: &'a str,
    pub name: &'a str,
    pub replicas: i32,
    pub labels: &'a [(&'a str, &'a str)],
    pub containers: Vec<Value>,
    pub annotations: &'a [(&'a str, &'a str)],
    pub pod_spec_extra: Value,
}

impl<'a> Workload<'a> {
    pub fn new(
        ns: &'a str,
        name: &'a str,
        replicas: i32,
        labels: &'a [(&'a str, &'a str)],
        image: &str,
    ) -> Self {
        Workload {
            ns,
            name,
            replicas,
            labels,
            containers: vec![container(name, image, "250m", "256Mi", 8080)],
            annotations: &[],
            pod_spec_extra: json!({}),
        }
    }

    fn template(&self) -> Value {
        let mut spec = json!({"containers": self.containers, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"});
        json_patch::merge(&mut spec, &self.pod_spec_extra);
        json!({"metadata": {"labels": labels(self.labels), "annotations": labels(self.annotations)}, "spec": spec})
    }

    pub fn deployment(&self, store: &mut Store) {
        put(
            store,
            "apps",
            "v1",
            "deployments",
            json!({
                "metadata": {"name": self.name, "namespace": self.ns, "labels": labels(self.labels)},
                "spec": {"replicas": self.replicas, "selector": {"matchLabels": labels(self.labels)}, "template": self.template(),
                    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            }),
        );
    }

    /// A StatefulSet with one EBS-style volume claim template `data`.
    pub fn statefulset(&self, store: &mut Store, class: &str, size: &str) {
        let mut template = self.template();
        template["spec"]["containers"][0]["volumeMounts"] =
            json!([{"name": "data", "mountPath": "/var/lib/data"}]);
        put(
            store,
            "apps",
            "v1",
            "statefulsets",
            json!({
                "metadata": {"name": self.name, "namespace": self.ns, "labels": labels(self.labels)},
                "spec": {"replicas": self.replicas, "serviceName": self.name, "selector": {"matchLabels": labels(self.labels)}, "template": template,
                    "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": size}}}}]},
            }),
        );
    }

    pub fn daemonset(&self, store: &mut Store) {
        put(
            store,
            "apps",
            "v1",
            "daemonsets",
            json!({
                "metadata": {"name": self.name, "namespace": self.ns, "labels": labels(self.labels)},
                "spec": {"selector": {"matchLabels": labels(self.labels)}, "template": self.template()},
            }),
        );
    }
}

/// A ClusterIP Service; `kong_paths` makes the in-cluster Kong route to it.
pub fn service(
    store: &mut Store,
    ns: &str,
    name: &str,
    selector: &[(&str, &str)],
    port: u16,
    target: u16,
    kong_paths: Option<&str>,
) {
    let meta = json!({"name": name, "namespace": ns, "labels": {"app": name}});
    if let Some(p) = kong_paths {
        kong_ingress(store, ns, name, port, p);
    }
    let ip = format!(
        "172.20.{}.{}",
        crate::rng::hash_str(name) % 250,
        crate::rng::hash_str(ns) % 250 + 2
    );
    put(
        store,
        "",
        "v1",
        "services",
        json!({
            "metadata": meta,
            "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip], "selector": labels(selector),
                "ports": [{"name": "http", "port": port, "targetPort": target, "protocol": "TCP"}], "sessionAffinity": "None"},
        }),
    );
}

/// An Ingress of class `kong` routing the comma-separated `paths` to
/// `service:port`, as Kong Ingress Controller reads it.
pub fn kong_ingress(store: &mut Store, ns: &str, service: &str, port: u16, paths: &str) {
    let paths: Vec<Value> = paths
        .split(',')
        .map(|p| {
            json!({"path": p, "pathType": "Prefix",
            "backend": {"service": {"name": service, "port": {"number": port}}}})
        })
        .collect();
    put(
        store,
        "networking.k8s.io",
        "v1",
        "ingresses",
        json!({
            "metadata": {"name": service, "namespace": ns, "annotations": {"konghq.com/strip-path": "true"}},
            "spec": {"ingressClassName": "kong", "rules": [{"http": {"paths": paths}}]},
        }),
    );
}

/// An autoscaling/v2 HPA on a Deployment at `cpu`% average utilization.
pub fn hpa(store: &mut Store, ns: &str, name: &str, target: &str, min: i32, max: i32, cpu: i32) {
    put(
        store,
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        json!({
            "metadata": {"name": name, "namespace": ns},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}, "minReplicas": min, "maxReplicas": max,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]},
        }),
    );
}

pub fn storage_class(store: &mut Store, name: &str, provisioner: &str, mode: &str, default: bool) {
    let mut meta = json!({"name": name});
    if default {
        meta["annotations"] = json!({"storageclass.kubernetes.io/is-default-class": "true"});
    }
    put(
        store,
        "storage.k8s.io",
        "v1",
        "storageclasses",
        json!({
            "metadata": meta, "provisioner": provisioner, "reclaimPolicy": "Delete", "volumeBindingMode": mode,
            "allowVolumeExpansion": true, "parameters": if provisioner.contains("ebs") { json!({"type": "gp3", "fsType": "ext4"}) } else { json!({}) },
        }),
    );
}

/// Namespaces, CoreDNS, kube-proxy and aws-node, and the gp2 class every EKS cluster has.
pub fn kube_system(store: &mut Store, fargate_only: bool, coredns_patched: bool) {
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        namespace(store, ns);
    }
    storage_class(
        store,
        "gp2",
        "kubernetes.io/aws-ebs",
        "WaitForFirstConsumer",
        true,
    );
    let coredns_labels: &[(&str, &str)] = &[
        ("k8s-app", "kube-dns"),
        ("eks.amazonaws.com/component", "coredns"),
    ];
    let mut dns = Workload::new(
        "kube-system",
        "coredns",
        2,
        coredns_labels,
        "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2",
    );
    let mut coredns = container(
        "coredns",
        "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2",
        "100m",
        "70Mi",
        53,
    );
    // The EKS add-on caps CoreDNS's memory: a node's describe then has a
    // limit to sum, as on a real cluster.
    coredns["resources"]["limits"] = serde_json::json!({"memory": "170Mi"});
    dns.containers = vec![coredns];
    if fargate_only && !coredns_patched {
        dns.annotations = &[("eks.amazonaws.com/compute-type", "ec2")];
    }
    dns.deployment(store);
    service(
        store,
        "kube-system",
        "kube-dns",
        coredns_labels,
        53,
        53,
        None,
    );
    if !fargate_only {
        for (name, image) in [
            (
                "aws-node",
                "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.0",
            ),
            (
                "kube-proxy",
                "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.31.2-eksbuild.3",
            ),
        ] {
            let mut ds = Workload::new("kube-system", name, 0, &[], image);
            let l: &[(&str, &str)] = if name == "aws-node" {
                &[("k8s-app", "aws-node")]
            } else {
                &[("k8s-app", "kube-proxy")]
            };
            ds.labels = l;
            ds.containers = vec![container(name, image, "25m", "64Mi", 61678)];
            ds.pod_spec_extra = json!({"hostNetwork": true, "priorityClassName": "system-node-critical", "tolerations": [{"operator": "Exists"}],
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "eks.amazonaws.com/compute-type", "operator": "NotIn", "values": ["fargate"]}]}]}}}});
            ds.daemonset(store);
        }
    }
}

/// A PersistentVolumeClaim on `class`.
pub fn pvc(store: &mut Store, ns: &str, name: &str, class: &str, size: &str) {
    put(
        store,
        "",
        "v1",
        "persistentvolumeclaims",
        json!({
            "metadata": {"name": name, "namespace": ns},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "volumeMode": "Filesystem", "resources": {"requests": {"storage": size}}},
            "status": {"phase": "Pending"},
        }),
    );
}

/// Pod-spec extras mounting PVC `claim` as volume `data`.
pub fn with_claim(claim: &str) -> Value {
    json!({"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]})
}

/// A Secret of `kind` (`Opaque`, `kubernetes.io/tls`) holding `pairs`,
/// base64-encoded in `data` as the API stores them.
pub fn secret(store: &mut Store, ns: &str, name: &str, kind: &str, pairs: &[(&str, &str)]) {
    use base64::Engine;
    let data: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(v.as_bytes());
            ((*k).to_owned(), json!(b64))
        })
        .collect();
    put(
        store,
        "",
        "v1",
        "secrets",
        json!({"metadata": {"name": name, "namespace": ns}, "type": kind, "data": data}),
    );
}

/// The app's database credentials, recognisable values a test can search
/// for: what must never reach the screen or a log.
pub fn db_credentials(store: &mut Store, ns: &str) {
    secret(
        store,
        ns,
        "db-credentials",
        "Opaque",
        &[
            ("username", "s3cr3t-VALUE-db-user-4e1d"),
            ("password", "s3cr3t-VALUE-db-password-9c7b2a"),
            ("url", "postgres://s3cr3t-VALUE-db-url-77f0@db:5432/app"),
        ],
    );
}

/// A workload's pods mounting `db-credentials` at `/etc/db` and reading
/// its password into `DB_PASSWORD`, as an app deployment does.
pub fn mount_db_credentials(w: &mut Workload<'_>) {
    w.pod_spec_extra = json!({"volumes": [{"name": "db-credentials", "secret": {"secretName": "db-credentials"}}]});
    if let Some(c) = w.containers.first_mut() {
        c["env"] = json!([
            {"name": "DB_USER", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "username"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password"}}},
        ]);
        c["volumeMounts"] =
            json!([{"name": "db-credentials", "mountPath": "/etc/db", "readOnly": true}]);
    }
}

/// A scenario behaviour for every pod of a workload (see the kubelet controller).
pub const BEHAVIOR: &str = "sim.fleetdeck.io/behavior";

/// How a scenario's in-cluster Kong exposes its admin API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KongAdmin {
    /// The official chart's default: `127.0.0.1:8444 http2 ssl`, reachable
    /// only from inside the pod (port-forward), never through the pod proxy.
    ChartDefault,
    /// `0.0.0.0:8001` plain HTTP behind a `kong-admin` Service (the pod proxy works).
    Exposed,
}

/// The labels the official chart puts on Kong pods of release `kong`.
pub const KONG_CHART_LABELS: &[(&str, &str)] = &[
    ("app.kubernetes.io/name", "kong"),
    ("app.kubernetes.io/instance", "kong"),
    ("app.kubernetes.io/component", "app"),
];

/// The selector the chart's Services use (and a configured gateway may too).
pub const KONG_CHART_SELECTOR: &str = "app.kubernetes.io/name=kong,app.kubernetes.io/instance=kong";

fn env(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect(),
    )
}

/// Kong pods (DB-less, KIC) in `ns` as the official Helm chart (release
/// `kong`) renders them: a `proxy` container with Kong's listeners in its env
/// and an `ingress-controller` container talking to the admin API on localhost.
pub fn kong_kic(store: &mut Store, ns: &str, replicas: i32, admin: KongAdmin) {
    use crate::kong::listen::{CHART_ADMIN_LISTEN, CHART_STATUS_LISTEN};
    namespace(store, ns);
    let mut kong = Workload::new(ns, "kong", replicas, KONG_CHART_LABELS, "kong:3.9.1");
    let admin_listen = match admin {
        KongAdmin::ChartDefault => CHART_ADMIN_LISTEN,
        KongAdmin::Exposed => "0.0.0.0:8001",
    };
    let admin_url = match admin {
        KongAdmin::ChartDefault => "https://localhost:8444",
        KongAdmin::Exposed => "http://localhost:8001",
    };
    let mut proxy = container("proxy", "kong:3.9.1", "500m", "512Mi", 8000);
    proxy["ports"] = json!([
        {"name": "proxy", "containerPort": 8000, "protocol": "TCP"},
        {"name": "proxy-tls", "containerPort": 8443, "protocol": "TCP"},
        {"name": "status", "containerPort": 8100, "protocol": "TCP"},
    ]);
    if admin == KongAdmin::Exposed {
        proxy["ports"].as_array_mut().into_iter().for_each(|p| {
            p.push(json!({"name": "admin", "containerPort": 8001, "protocol": "TCP"}))
        });
    }
    proxy["env"] = env(&[
        ("KONG_ADMIN_LISTEN", admin_listen),
        ("KONG_STATUS_LISTEN", CHART_STATUS_LISTEN),
        ("KONG_PROXY_LISTEN", "0.0.0.0:8000, 0.0.0.0:8443 http2 ssl"),
        ("KONG_DATABASE", "off"),
        ("KONG_ROLE", "traditional"),
        ("KONG_NGINX_WORKER_PROCESSES", "2"),
    ]);
    let mut controller = container(
        "ingress-controller",
        "kong/kubernetes-ingress-controller:3.4.1",
        "100m",
        "128Mi",
        10254,
    );
    controller["env"] = env(&[
        ("CONTROLLER_KONG_ADMIN_URL", admin_url),
        ("CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY", "true"),
        ("CONTROLLER_PUBLISH_SERVICE", &format!("{ns}/kong-proxy")),
        ("CONTROLLER_INGRESS_CLASS", "kong"),
    ]);
    // The chart's admission webhook keypair, mounted by the controller.
    controller["volumeMounts"] =
        json!([{"name": "webhook-cert", "mountPath": "/admission-webhook", "readOnly": true}]);
    kong.containers = vec![proxy, controller];
    kong.pod_spec_extra = json!({"volumes": [{"name": "webhook-cert", "secret": {"secretName": "kong-validation-webhook-keypair"}}]});
    secret(
        store,
        ns,
        "kong-validation-webhook-keypair",
        "kubernetes.io/tls",
        &[
            ("tls.crt", "s3cr3t-VALUE-kong-webhook-cert-51aa"),
            ("tls.key", "s3cr3t-VALUE-kong-webhook-key-e20c"),
        ],
    );
    kong.deployment(store);
    service(store, ns, "kong-proxy", KONG_CHART_LABELS, 80, 8000, None);
    if admin == KongAdmin::Exposed {
        service(store, ns, "kong-admin", KONG_CHART_LABELS, 8001, 8001, None);
    }
    put(
        store,
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        json!({
            "metadata": {"name": "kong", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
            "spec": {"controller": "ingress-controllers.konghq.com/kong"},
        }),
    );
}
