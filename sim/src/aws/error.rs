//! The errors the simulated APIs return, named as AWS names them. Each
//! protocol renders them its own way (`http::reply`).

/// An AWS error: the code the SDKs match on, the HTTP status, the message,
/// and any extra members the error shape carries (EKS's `clusterName`, …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    pub code: &'static str,
    pub status: u16,
    pub message: String,
    pub members: Vec<(&'static str, String)>,
}

impl AwsError {
    fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            members: Vec::new(),
        }
    }

    /// Adds a member of the error shape (e.g. `clusterName`).
    pub fn with(mut self, key: &'static str, value: &str) -> Self {
        self.members.push((key, value.to_owned()));
        self
    }

    /// EKS: a cluster, node group, profile or update that does not exist (404).
    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", 404, message)
    }

    /// EKS and ECS: a parameter out of range or malformed (400).
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", 400, message)
    }

    /// EKS: the resource is busy with another update (409).
    pub fn resource_in_use(message: impl Into<String>) -> Self {
        Self::new("ResourceInUseException", 409, message)
    }

    /// Application Auto Scaling: a missing or malformed member (400).
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", 400, message)
    }

    /// ECS: the named cluster does not exist (400).
    pub fn cluster_not_found() -> Self {
        Self::new("ClusterNotFoundException", 400, "Cluster not found.")
    }

    /// ECS: the named service does not exist in the cluster (400).
    pub fn service_not_found() -> Self {
        Self::new("ServiceNotFoundException", 400, "Service not found.")
    }

    /// ECS: the service exists but is DRAINING or INACTIVE (400).
    pub fn service_not_active() -> Self {
        Self::new("ServiceNotActiveException", 400, "Service was not ACTIVE.")
    }

    /// A request body that is not the JSON the operation expects (400).
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", 400, message)
    }

    /// An `X-Amz-Target` or path that names no operation.
    pub fn unknown_operation(status: u16) -> Self {
        Self::new("UnknownOperationException", status, "")
    }

    /// No `Authorization` header at all.
    pub fn missing_token(status: u16) -> Self {
        Self::new(
            "MissingAuthenticationTokenException",
            status,
            "Missing Authentication Token",
        )
    }

    /// An `Authorization` header without a SigV4 credential scope.
    pub fn incomplete_signature(status: u16, message: impl Into<String>) -> Self {
        Self::new("IncompleteSignatureException", status, message)
    }
}
