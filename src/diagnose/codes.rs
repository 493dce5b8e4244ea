//! Every finding code, once: its stable id, severity and meaning. Codes are
//! never renamed (scripts match on them); a retired code is not reused.

use super::Severity;

macro_rules! codes {
    ($($variant:ident => $id:literal, $sev:ident, $generic:literal, $meaning:literal;)*) => {
        /// A finding code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        /// `(code, severity, meaning)` of every code, in table order.
        pub const CODES: &[(Code, &str, Severity, &str)] = &[
            $((Code::$variant, $id, Severity::$sev, $meaning),)*
        ];

        impl Code {
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }
            /// The usual severity; a rule may raise or lower it with a reason.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning,)* }
            }
            /// A symptom a more specific finding may already explain.
            pub fn generic(self) -> bool {
                match self { $(Code::$variant => $generic,)* }
            }
            pub fn from_id(id: &str) -> Option<Code> {
                match id { $($id => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    ClusterUnreachable => "FD-CLUSTER-UNREACHABLE", Critical, false,
        "the cluster's API server does not answer";
    ClusterUnauthorized => "FD-CLUSTER-UNAUTHORIZED", Critical, false,
        "the cluster refuses our credentials (401, e.g. an expired EKS token)";
    ClusterForbidden => "FD-CLUSTER-FORBIDDEN", Warning, false,
        "RBAC forbids watching some kinds; what they would show is unknown";
    ClusterStale => "FD-CLUSTER-STALE", Warning, false,
        "a watch lost its stream; its rows are as of an earlier time";
    GatewaySource => "FD-GATEWAY-SOURCE", Warning, false,
        "the Kong nodes of a gateway cannot be discovered";
    AwsUnreachable => "FD-AWS-UNREACHABLE", Warning, false,
        "EKS/ECS of a region cannot be polled";
    PvcWffcDeadlock => "FD-PVC-WFFC-DEADLOCK", Critical, false,
        "a WaitForFirstConsumer claim waits for a pod that cannot be scheduled until the claim binds";
    PvcEbsOnFargate => "FD-PVC-EBS-ON-FARGATE", Critical, false,
        "a pod claimed by a Fargate profile mounts an EBS-backed claim; Fargate cannot mount EBS";
    KongNoPeer => "FD-KONG-NO-PEER", Critical, false,
        "a Kong node's ring-balancer has no peer for an upstream: clients get 503 \"failure to get a peer\"";
    KongStaleTarget => "FD-KONG-STALE-TARGET", Warning, false,
        "a Kong node balances to targets that are no longer ready endpoints or running tasks";
    KongUnreachable => "FD-KONG-UNREACHABLE", Warning, false,
        "a Kong node's admin API does not answer";
    KongNotReady => "FD-KONG-NOT-READY", Warning, false,
        "a Kong node answers /status/ready with 503";
    KongDbUnreachable => "FD-KONG-DB-UNREACHABLE", Critical, false,
        "a Kong node cannot reach its database";
    KongConfigDrift => "FD-KONG-CONFIG-DRIFT", Warning, false,
        "DB-less Kong replicas run different configurations";
    KongHealthSplit => "FD-KONG-HEALTH-SPLIT", Warning, false,
        "Kong nodes disagree on which targets of an upstream are healthy";
    KongEmptyConfig => "FD-KONG-EMPTY-CONFIG", Critical, false,
        "a DB-less Kong node has no configuration (hash all zeros)";
    EcsServiceDegraded => "FD-ECS-SERVICE-DEGRADED", Warning, false,
        "an ECS service runs fewer tasks than desired";
    FargateNoProfile => "FD-FARGATE-NO-PROFILE", Warning, false,
        "a Pending pod matches no Fargate profile and no EC2 node takes it";
    FargateUnsupported => "FD-FARGATE-UNSUPPORTED", Critical, false,
        "a pod claimed by Fargate uses what Fargate refuses (DaemonSet, privileged, hostNetwork, hostPort)";
    FargateCorednsEc2 => "FD-FARGATE-COREDNS-EC2", Critical, false,
        "CoreDNS keeps the compute-type: ec2 annotation on a cluster without EC2 nodes";
    FargateProfileNotActive => "FD-FARGATE-PROFILE-NOT-ACTIVE", Warning, false,
        "a Fargate profile is not ACTIVE, so it claims no pods";
    HpaMetricsUnavailable => "FD-HPA-METRICS-UNAVAILABLE", Warning, false,
        "an HPA cannot read its metrics (ScalingActive False)";
    HpaAtMax => "FD-HPA-AT-MAX", Warning, false,
        "an HPA is at its maximum while its metric is above target (ScalingLimited)";
    HpaTargetMissing => "FD-HPA-TARGET-MISSING", Warning, false,
        "an HPA's scale target does not exist";
    HpaNoRequests => "FD-HPA-NO-REQUESTS", Warning, false,
        "an HPA scales on CPU utilization but the target's pods have no CPU request";
    PodCrashLoop => "FD-POD-CRASHLOOP", Warning, false,
        "containers keep crashing (CrashLoopBackOff)";
    PodImagePull => "FD-POD-IMAGE-PULL", Warning, false,
        "an image cannot be pulled (ErrImagePull / ImagePullBackOff)";
    PodOomKilled => "FD-POD-OOMKILLED", Warning, false,
        "containers were killed for exceeding their memory limit";
    PodPending => "FD-POD-PENDING", Warning, true,
        "pods have been Pending for more than 5 minutes";
    PodNotReady => "FD-POD-NOT-READY", Warning, true,
        "pods have been running but not ready for more than 5 minutes";
    SvcNoEndpoints => "FD-SVC-NO-ENDPOINTS", Critical, false,
        "a service a gateway routes to has no ready endpoints";
    NodeNotReady => "FD-NODE-NOT-READY", Warning, false,
        "a node is NotReady";
    NodePressure => "FD-NODE-PRESSURE", Warning, false,
        "a node reports memory, disk or PID pressure";
    NodeCordoned => "FD-NODE-CORDONED", Info, false,
        "a node is cordoned (SchedulingDisabled)";
    NodegroupAtMax => "FD-NODEGROUP-AT-MAX", Info, false,
        "a node group is at its maximum size (warning when pods wait for room)";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `| \`FD-…\` | severity | meaning |` rows of the README's code table.
    fn readme_rows() -> Vec<(String, String, String)> {
        include_str!("../../README.md")
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line
                    .trim()
                    .strip_prefix('|')?
                    .strip_suffix('|')?
                    .split(" | ")
                    .collect();
                let id = cells
                    .first()?
                    .trim()
                    .strip_prefix("`FD-")?
                    .strip_suffix('`')?;
                match cells.as_slice() {
                    [_, sev, meaning] => Some((
                        format!("FD-{id}"),
                        sev.trim().to_string(),
                        meaning.trim().to_string(),
                    )),
                    _ => panic!("README code row without three cells: {line}"),
                }
            })
            .collect()
    }

    #[test]
    fn readme_code_table_is_codes() {
        let readme = readme_rows();
        let codes: Vec<(String, String, String)> = CODES
            .iter()
            .map(|(_, id, sev, meaning)| {
                (id.to_string(), sev.label().to_string(), meaning.to_string())
            })
            .collect();
        for (i, (r, c)) in readme.iter().zip(&codes).enumerate() {
            assert_eq!(r, c, "README code table row {} differs from CODES", i + 1);
        }
        assert_eq!(
            readme.len(),
            codes.len(),
            "README code table and CODES differ in length"
        );
    }

    #[test]
    fn severity_has_an_explicit_order() {
        assert!(Severity::Critical > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
    }
}
