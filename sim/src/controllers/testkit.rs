//! Test harness: a store, an EKS view shaped like seed 001's cluster, and
//! a clock the test advances; every controller runs once per simulated second.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Serialize, de::DeserializeOwned};

use super::load::LoadCurve;
use super::{Ctx, meta, reconcile_all};
use crate::cluster::{EksView, NodegroupView, ProfileView};
use crate::scenarios::objects::{self as build, App};
use crate::store::Store;

pub fn terrax_eks() -> EksView {
    let zones = vec![
        "eu-west-1a".to_owned(),
        "eu-west-1b".to_owned(),
        "eu-west-1c".to_owned(),
    ];
    EksView {
        fargate_profiles: vec![
            ProfileView {
                name: "fp-default".into(),
                selectors: vec![
                    ("default".into(), BTreeMap::new()),
                    ("kube-system".into(), BTreeMap::new()),
                ],
                active: true,
                subnets_azs: zones.clone(),
            },
            ProfileView {
                name: "fp-demo-service".into(),
                selectors: vec![(
                    "tb-demo".into(),
                    BTreeMap::from([("app".to_owned(), "service".to_owned())]),
                )],
                active: true,
                subnets_azs: zones.clone(),
            },
        ],
        nodegroups: vec![NodegroupView {
            name: "node-group".into(),
            desired: 1,
            instance_type: "t2.medium".into(),
            capacity_type: "ON_DEMAND".into(),
            labels: BTreeMap::new(),
            taints: Vec::new(),
            azs: zones,
        }],
    }
}

pub fn pod(ns: &str, name: &str, labels: &[(&str, &str)]) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(ns.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "app".into(),
                image: Some("nginx:1.27".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    }
}

pub struct Harness {
    store: Store,
    pub eks: EksView,
    pub now: Timestamp,
    pub started: Timestamp,
    pub loads: BTreeMap<(String, String), LoadCurve>,
}

impl Harness {
    pub fn terrax() -> Harness {
        let start = Timestamp::from_second(1_760_000_000).expect("valid time");
        let mut store = Store::new(7, 100_000);
        for ns in ["default", "kube-system", "tb-demo"] {
            store.create(&build::namespace(ns)).expect("namespace");
        }
        store
            .create(&build::storage_class(
                "gp2",
                "kubernetes.io/aws-ebs",
                "WaitForFirstConsumer",
                true,
            ))
            .expect("sc");
        store
            .create(&build::storage_class(
                "tb-gp2",
                "kubernetes.io/aws-ebs",
                "Immediate",
                false,
            ))
            .expect("sc");
        Harness {
            store,
            eks: terrax_eks(),
            now: start,
            started: start,
            loads: BTreeMap::new(),
        }
    }

    pub fn tick(&mut self) {
        let ctx = Ctx {
            now: self.now,
            region: "eu-west-1",
            eks: &self.eks,
            seed: 7,
            started: self.started,
            loads: &self.loads,
        };
        reconcile_all(&mut self.store, &ctx);
    }

    pub fn run_secs(&mut self, secs: u32) {
        for _ in 0..secs {
            self.now = meta::plus_secs(self.now, 1.0);
            self.tick();
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn create<K: k8s_openapi::Resource + Serialize>(&mut self, obj: &K) {
        let mut v = serde_json::to_value(obj).expect("serializes");
        v["metadata"]["creationTimestamp"] =
            serde_json::Value::String(self.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        self.store
            .create_value(crate::resources::rid_of::<K>(), v)
            .expect("create");
    }

    pub fn get<K: k8s_openapi::Resource + DeserializeOwned>(&self, ns: &str, name: &str) -> K {
        self.store
            .get::<K>(ns, name)
            .unwrap_or_else(|| panic!("{} {ns}/{name} exists", K::KIND))
    }

    pub fn list<K: k8s_openapi::Resource + DeserializeOwned>(&self, ns: &str) -> Vec<K> {
        self.store.list::<K>((!ns.is_empty()).then_some(ns))
    }

    pub fn pods(&self, ns: &str) -> Vec<Pod> {
        self.list(ns)
    }

    pub fn create_pod(&mut self, pod: Pod) {
        self.create(&pod);
    }

    pub fn apply_deployment(
        &mut self,
        ns: &str,
        name: &str,
        labels: &[(&str, &str)],
        replicas: i32,
    ) {
        let app = App::new(ns, name, "nginx:1.27")
            .labels(labels)
            .replicas(replicas)
            .requests("250m", "256Mi")
            .port(8080);
        self.create(&app.deployment());
    }

    pub fn apply_deployment_without_requests(
        &mut self,
        ns: &str,
        name: &str,
        labels: &[(&str, &str)],
        replicas: i32,
    ) {
        let app = App::new(ns, name, "nginx:1.27")
            .labels(labels)
            .replicas(replicas)
            .no_requests();
        self.create(&app.deployment());
    }

    pub fn apply_statefulset(
        &mut self,
        ns: &str,
        name: &str,
        labels: &[(&str, &str)],
        replicas: i32,
        class: Option<&str>,
    ) {
        let app = App::new(ns, name, "mysql:8.0")
            .labels(labels)
            .replicas(replicas);
        self.create(&app.statefulset(class, "1Gi"));
    }

    pub fn apply_daemonset(
        &mut self,
        ns: &str,
        name: &str,
        labels: &[(&str, &str)],
        exclude_fargate: bool,
    ) {
        let mut ds = App::new(
            ns,
            name,
            "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2",
        )
        .labels(labels)
        .daemonset();
        if exclude_fargate {
            crate::scenarios::kube_system::exclude_fargate(&mut ds);
        }
        self.create(&ds);
    }

    pub fn apply_service(
        &mut self,
        ns: &str,
        name: &str,
        selector: &[(&str, &str)],
        port: i32,
        target: i32,
    ) {
        let sel = selector
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.create(&build::service(ns, name, &sel, port, target));
    }

    pub fn apply_hpa(
        &mut self,
        ns: &str,
        name: &str,
        min: i32,
        max: i32,
        cpu: i32,
        curve: LoadCurve,
    ) {
        self.create(&build::hpa(ns, name, min, max, cpu));
        self.loads.insert((ns.to_owned(), name.to_owned()), curve);
    }

    pub fn scale_deployment(&mut self, ns: &str, name: &str, replicas: i32) {
        let mut d: Deployment = self.get(ns, name);
        d.spec.replicas = Some(replicas);
        self.store.replace(&d).expect("replace");
    }

    pub fn set_nodegroup_desired(&mut self, ng: &str, desired: u32) {
        for g in self.eks.nodegroups.iter_mut().filter(|g| g.name == ng) {
            g.desired = desired;
        }
    }
}
