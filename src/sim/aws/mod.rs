//! Simulated AWS: EKS (rest-json) and ECS (awsJson1.1) on one HTTP endpoint.
