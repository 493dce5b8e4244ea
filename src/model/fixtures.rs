//! API objects as the EKS API server returns them, for row tests.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn from<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("fixture parses")
}

pub fn fargate_node() -> k8s_openapi::api::core::v1::Node {
    from(json!({
        "metadata": {
            "name": "fargate-ip-10-0-1-23.eu-west-1.compute.internal",
            "creationTimestamp": "2024-01-01T10:00:00Z",
            "labels": {
                "eks.amazonaws.com/compute-type": "fargate",
                "topology.kubernetes.io/zone": "eu-west-1a",
                "kubernetes.io/os": "linux"
            }
        },
        "spec": {
            "providerID": "aws:///eu-west-1a/abc/fargate-ip-10-0-1-23.eu-west-1.compute.internal",
            "taints": [{"key": "eks.amazonaws.com/compute-type", "value": "fargate", "effect": "NoSchedule"}]
        },
        "status": {
            "allocatable": {"cpu": "2", "memory": "15Gi", "pods": "1"},
            "capacity": {"cpu": "2", "memory": "15Gi", "pods": "1"},
            "conditions": [{"type": "Ready", "status": "True"}, {"type": "MemoryPressure", "status": "False"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.1.23"}],
            "nodeInfo": {"kubeletVersion": "v1.30.0-eks-fargate", "architecture": "amd64", "bootID": "", "containerRuntimeVersion": "", "kernelVersion": "", "kubeProxyVersion": "", "machineID": "", "operatingSystem": "linux", "osImage": "", "systemUUID": ""}
        }
    }))
}

pub fn ec2_node() -> k8s_openapi::api::core::v1::Node {
    from(json!({
        "metadata": {
            "name": "ip-10-0-3-10.eu-west-1.compute.internal",
            "labels": {
                "eks.amazonaws.com/nodegroup": "ng-mysql",
                "eks.amazonaws.com/capacityType": "ON_DEMAND",
                "node.kubernetes.io/instance-type": "t2.medium"
            }
        },
        "spec": {"unschedulable": true},
        "status": {
            "allocatable": {"cpu": "1930m", "memory": "3388Mi", "pods": "17"},
            "conditions": [{"type": "Ready", "status": "True"}]
        }
    }))
}

pub fn virtual_node() -> k8s_openapi::api::core::v1::Node {
    from(json!({
        "metadata": {"name": "virtual-kubelet", "labels": {"type": "virtual-kubelet"}},
        "spec": {"taints": [{"key": "virtual-kubelet.io/provider", "value": "aws", "effect": "NoSchedule"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}
    }))
}

pub fn crashloop_pod() -> k8s_openapi::api::core::v1::Pod {
    from(json!({
        "metadata": {"name": "api-7d9f-abcde", "namespace": "default"},
        "spec": {"containers": [{"name": "api"}], "nodeName": "ip-10-0-3-10.eu-west-1.compute.internal"},
        "status": {
            "phase": "Running",
            "containerStatuses": [{
                "name": "api", "ready": false, "restartCount": 7, "image": "api:1", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
                "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}
            }]
        }
    }))
}

pub fn image_pull_pod() -> k8s_openapi::api::core::v1::Pod {
    from(json!({
        "metadata": {"name": "web-1", "namespace": "default"},
        "spec": {"containers": [{"name": "web"}]},
        "status": {
            "phase": "Pending",
            "containerStatuses": [{
                "name": "web", "ready": false, "restartCount": 0, "image": "web:nope", "imageID": "",
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"web:nope\""}}
            }]
        }
    }))
}

pub fn pending_fargate_pod() -> k8s_openapi::api::core::v1::Pod {
    from(json!({
        "metadata": {
            "name": "mysql-0", "namespace": "tb-demo",
            "labels": {"app": "service", "eks.amazonaws.com/fargate-profile": "fp-demo-service"}
        },
        "spec": {
            "schedulerName": "fargate-scheduler",
            "containers": [{"name": "mysql"}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
        },
        "status": {
            "phase": "Pending",
            "conditions": [{
                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "Pod not supported on Fargate: volumes not supported: data not supported because: PVC data not bound"
            }]
        }
    }))
}

pub fn running_fargate_pod() -> k8s_openapi::api::core::v1::Pod {
    from(json!({
        "metadata": {
            "name": "service-6b7c-x1", "namespace": "tb-demo",
            "labels": {"app": "service", "eks.amazonaws.com/fargate-profile": "fp-demo-service"},
            "annotations": {"CapacityProvisioned": "0.25vCPU 0.5GB"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "service-6b7c", "uid": "u", "controller": true}]
        },
        "spec": {"containers": [{"name": "service"}], "nodeName": "fargate-ip-10-0-1-23.eu-west-1.compute.internal", "schedulerName": "fargate-scheduler"},
        "status": {
            "phase": "Running", "podIP": "10.0.1.23",
            "containerStatuses": [{"name": "service", "ready": true, "restartCount": 0, "image": "s", "imageID": "", "state": {"running": {}}}]
        }
    }))
}

pub fn deployment() -> k8s_openapi::api::apps::v1::Deployment {
    from(json!({
        "metadata": {"name": "service", "namespace": "tb-demo"},
        "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "service"}}, "template": {}},
        "status": {"readyReplicas": 2, "availableReplicas": 2, "updatedReplicas": 4, "replicas": 4}
    }))
}

pub fn replicaset() -> k8s_openapi::api::apps::v1::ReplicaSet {
    from(json!({
        "metadata": {
            "name": "service-6b7c", "namespace": "tb-demo",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "service", "uid": "u", "controller": true}]
        },
        "spec": {"selector": {}}
    }))
}

pub fn hpa() -> k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler {
    from(json!({
        "metadata": {"name": "service", "namespace": "tb-demo"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "service"},
            "minReplicas": 1, "maxReplicas": 4,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
                {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "512Mi"}}},
                {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "100"}}},
                {"type": "External", "external": {"metric": {"name": "sqs_depth"}, "target": {"type": "Value", "value": "30"}}}
            ]
        },
        "status": {
            "currentReplicas": 4, "desiredReplicas": 4,
            "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 92, "averageValue": "230m"}}},
                {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "600Mi"}}},
                {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "current": {"averageValue": "120"}}}
            ],
            "conditions": [
                {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale"},
                {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound"},
                {"type": "ScalingLimited", "status": "True", "reason": "TooManyReplicas", "message": "the desired replica count is more than the maximum replica count"}
            ]
        }
    }))
}

pub fn pending_pvc() -> k8s_openapi::api::core::v1::PersistentVolumeClaim {
    from(json!({
        "metadata": {"name": "data", "namespace": "tb-demo"},
        "spec": {"storageClassName": "gp2", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
        "status": {"phase": "Pending"}
    }))
}

pub fn gp2_class() -> k8s_openapi::api::storage::v1::StorageClass {
    from(json!({
        "metadata": {"name": "gp2", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "kubernetes.io/aws-ebs",
        "volumeBindingMode": "WaitForFirstConsumer"
    }))
}

pub fn load_balancer_service() -> k8s_openapi::api::core::v1::Service {
    from(json!({
        "metadata": {"name": "kong-proxy", "namespace": "kong", "creationTimestamp": "2024-01-01T10:00:00Z"},
        "spec": {
            "type": "LoadBalancer", "clusterIP": "172.20.14.2",
            "selector": {"app": "kong"},
            "ports": [
                {"name": "http", "port": 80, "nodePort": 30080, "protocol": "TCP"},
                {"name": "https", "port": 443, "nodePort": 30443}
            ]
        },
        "status": {"loadBalancer": {"ingress": [{"hostname": "k8s-kong-proxy.elb.amazonaws.com"}]}}
    }))
}

pub fn pending_load_balancer_service() -> k8s_openapi::api::core::v1::Service {
    from(json!({
        "metadata": {"name": "checkout", "namespace": "shop"},
        "spec": {"type": "LoadBalancer", "ports": [{"port": 8080, "protocol": "TCP"}]}
    }))
}

pub fn kong_ingress() -> k8s_openapi::api::networking::v1::Ingress {
    from(json!({
        "metadata": {"name": "shop", "namespace": "shop", "creationTimestamp": "2024-01-01T10:00:00Z"},
        "spec": {
            "ingressClassName": "kong",
            "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}},
            "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
            "rules": [
                {"host": "shop.example.com", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}
                ]}},
                {"host": "api.example.com", "http": {"paths": [
                    {"path": "/checkout", "pathType": "Prefix", "backend": {"service": {"name": "checkout", "port": {"name": "http"}}}}
                ]}}
            ]
        },
        "status": {"loadBalancer": {"ingress": [{"hostname": "k8s-kong-proxy.elb.amazonaws.com"}]}}
    }))
}

pub fn annotated_ingress() -> k8s_openapi::api::networking::v1::Ingress {
    from(json!({
        "metadata": {"name": "legacy", "namespace": "default",
            "annotations": {"kubernetes.io/ingress.class": "kong"}},
        "spec": {"rules": [{"http": {"paths": [
            {"path": "/", "pathType": "ImplementationSpecific", "backend": {"service": {"name": "legacy", "port": {"number": 8080}}}}
        ]}}]}
    }))
}

pub fn terminating_namespace() -> k8s_openapi::api::core::v1::Namespace {
    from(json!({
        "metadata": {"name": "old-team", "creationTimestamp": "2024-01-01T10:00:00Z"},
        "status": {"phase": "Terminating"}
    }))
}

pub fn warning_event() -> k8s_openapi::api::core::v1::Event {
    from(json!({
        "metadata": {"name": "web-1.17a", "namespace": "default", "creationTimestamp": "2024-01-01T09:00:00Z"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "default"},
        "type": "Warning", "reason": "Failed", "message": "Back-off pulling image \"web:2\"",
        "source": {"component": "kubelet"},
        "count": 4,
        "firstTimestamp": "2024-01-01T10:00:00Z",
        "lastTimestamp": "2024-01-01T11:58:00Z"
    }))
}
