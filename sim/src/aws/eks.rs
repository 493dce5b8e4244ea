//! The EKS side of the model: clusters, Fargate profiles, managed node groups.
//!
//! Plain data with builders; the wire shape lives in `http::eks_json`.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::eks_update::EksUpdate;

/// Declares a status enum with its AWS spelling.
macro_rules! aws_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}
pub(crate) use aws_enum;

aws_enum!(ClusterStatus { Creating => "CREATING", Active => "ACTIVE", Deleting => "DELETING",
    Failed => "FAILED", Updating => "UPDATING", Pending => "PENDING" });
aws_enum!(FargateProfileStatus { Creating => "CREATING", Active => "ACTIVE", Deleting => "DELETING",
    CreateFailed => "CREATE_FAILED", DeleteFailed => "DELETE_FAILED" });
aws_enum!(NodegroupStatus { Creating => "CREATING", Active => "ACTIVE", Updating => "UPDATING",
    Deleting => "DELETING", CreateFailed => "CREATE_FAILED", DeleteFailed => "DELETE_FAILED",
    Degraded => "DEGRADED" });
aws_enum!(CapacityType { OnDemand => "ON_DEMAND", Spot => "SPOT" });
aws_enum!(TaintEffect { NoSchedule => "NO_SCHEDULE", NoExecute => "NO_EXECUTE",
    PreferNoSchedule => "PREFER_NO_SCHEDULE" });

/// An EKS cluster. `endpoint` left empty is filled with an AWS-style URL when
/// the cluster is added to a world; scenarios usually point it at the
/// simulated Kubernetes API instead.
#[derive(Debug, Clone)]
pub struct EksCluster {
    pub name: String,
    pub version: String,
    pub platform_version: String,
    pub status: ClusterStatus,
    pub endpoint: String,
    /// Base64 PEM of the cluster CA, as `certificateAuthority.data`.
    pub certificate_authority: String,
    pub created_at: Timestamp,
    pub role_arn: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub service_ipv4_cidr: String,
    pub tags: BTreeMap<String, String>,
    pub fargate_profiles: BTreeMap<String, FargateProfile>,
    pub nodegroups: BTreeMap<String, Nodegroup>,
    /// Updates by id (DescribeUpdate), e.g. node-group scaling changes.
    pub updates: BTreeMap<String, EksUpdate>,
}

impl EksCluster {
    /// An ACTIVE cluster with plausible networking; change fields as needed.
    pub fn new(name: &str, version: &str, created_at: Timestamp) -> Self {
        let h = super::ids::stable_hash(&["vpc", name]);
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            platform_version: "eks.10".to_owned(),
            status: ClusterStatus::Active,
            endpoint: String::new(),
            certificate_authority: String::new(),
            created_at,
            role_arn: String::new(),
            vpc_id: format!("vpc-{:017x}", h & 0x0fff_ffff_ffff_ffff),
            subnet_ids: (0..3)
                .map(|i| format!("subnet-{:017x}", (h >> 4) + i))
                .collect(),
            security_group_ids: vec![format!("sg-{:017x}", h >> 8)],
            service_ipv4_cidr: "172.20.0.0/16".to_owned(),
            tags: BTreeMap::new(),
            fargate_profiles: BTreeMap::new(),
            nodegroups: BTreeMap::new(),
            updates: BTreeMap::new(),
        }
    }

    pub fn with_endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = endpoint.to_owned();
        self
    }

    pub fn with_fargate_profile(mut self, profile: FargateProfile) -> Self {
        self.fargate_profiles.insert(profile.name.clone(), profile);
        self
    }

    pub fn with_nodegroup(mut self, nodegroup: Nodegroup) -> Self {
        self.nodegroups.insert(nodegroup.name.clone(), nodegroup);
        self
    }

    /// The profiles that place pods now (ACTIVE), in name order — the order
    /// EKS uses to break ties when several profiles match a pod.
    pub fn active_fargate_profiles(&self) -> impl Iterator<Item = &FargateProfile> {
        self.fargate_profiles
            .values()
            .filter(|p| p.status == FargateProfileStatus::Active)
    }
}

/// One Fargate profile selector: a namespace plus optional labels, all of
/// which must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FargateSelector {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
}

impl FargateSelector {
    pub fn new(namespace: &str, labels: &[(&str, &str)]) -> Self {
        Self {
            namespace: namespace.to_owned(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// Whether a pod in `namespace` with `pod_labels` is selected.
    pub fn matches(&self, namespace: &str, pod_labels: &BTreeMap<String, String>) -> bool {
        self.namespace == namespace
            && self
                .labels
                .iter()
                .all(|(k, v)| pod_labels.get(k) == Some(v))
    }
}

/// A health issue as EKS reports it (`{code, message, resourceIds}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthIssue {
    pub code: String,
    pub message: String,
    pub resource_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FargateProfile {
    pub name: String,
    pub selectors: Vec<FargateSelector>,
    pub status: FargateProfileStatus,
    pub subnets: Vec<String>,
    pub pod_execution_role_arn: String,
    pub created_at: Timestamp,
    pub tags: BTreeMap<String, String>,
    pub health_issues: Vec<HealthIssue>,
}

impl FargateProfile {
    /// An ACTIVE profile with no selectors yet; add them with [`Self::selector`].
    pub fn new(name: &str, created_at: Timestamp) -> Self {
        Self {
            name: name.to_owned(),
            selectors: Vec::new(),
            status: FargateProfileStatus::Active,
            subnets: Vec::new(),
            pod_execution_role_arn: String::new(),
            created_at,
            tags: BTreeMap::new(),
            health_issues: Vec::new(),
        }
    }

    pub fn selector(mut self, namespace: &str, labels: &[(&str, &str)]) -> Self {
        self.selectors.push(FargateSelector::new(namespace, labels));
        self
    }

    pub fn with_status(mut self, status: FargateProfileStatus) -> Self {
        self.status = status;
        self
    }

    /// Whether any selector of this profile matches the pod.
    pub fn matches(&self, namespace: &str, pod_labels: &BTreeMap<String, String>) -> bool {
        self.selectors
            .iter()
            .any(|s| s.matches(namespace, pod_labels))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

#[derive(Debug, Clone)]
pub struct Nodegroup {
    pub name: String,
    pub status: NodegroupStatus,
    pub capacity_type: CapacityType,
    pub instance_types: Vec<String>,
    pub min: i32,
    pub desired: i32,
    pub max: i32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub subnets: Vec<String>,
    pub ami_type: String,
    pub node_role: String,
    pub version: String,
    pub release_version: String,
    pub disk_size: i32,
    pub created_at: Timestamp,
    pub modified_at: Timestamp,
    pub health_issues: Vec<HealthIssue>,
    pub tags: BTreeMap<String, String>,
}

impl Nodegroup {
    /// An ACTIVE on-demand group of `instance_type` sized `min ≤ desired ≤ max`.
    pub fn new(
        name: &str,
        instance_type: &str,
        (min, desired, max): (i32, i32, i32),
        created_at: Timestamp,
    ) -> Self {
        Self {
            name: name.to_owned(),
            status: NodegroupStatus::Active,
            capacity_type: CapacityType::OnDemand,
            instance_types: vec![instance_type.to_owned()],
            min,
            desired,
            max,
            labels: BTreeMap::new(),
            taints: Vec::new(),
            subnets: Vec::new(),
            ami_type: "AL2023_x86_64_STANDARD".to_owned(),
            node_role: String::new(),
            version: String::new(),
            release_version: String::new(),
            disk_size: 20,
            created_at,
            modified_at: created_at,
            health_issues: Vec::new(),
            tags: BTreeMap::new(),
        }
    }

    pub fn spot(mut self) -> Self {
        self.capacity_type = CapacityType::Spot;
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn taint(mut self, key: &str, value: &str, effect: TaintEffect) -> Self {
        self.taints.push(Taint {
            key: key.to_owned(),
            value: value.to_owned(),
            effect,
        });
        self
    }
}
