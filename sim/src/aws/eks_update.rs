//! EKS updates: `UpdateNodegroupConfig` (scaling) and what DescribeUpdate
//! reports about it. The change is applied at once (the Kubernetes side reads
//! `desired` and makes or removes nodes); the node group shows UPDATING and
//! the update InProgress until the world's clock has moved on a few seconds.

use jiff::{SignedDuration, Timestamp};

use super::eks::{EksCluster, NodegroupStatus};
use super::error::AwsError;
use super::ids::stable_uuid;

/// How long a scaling update stays InProgress (node group UPDATING).
pub const UPDATE_DURATION: SignedDuration = SignedDuration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStatus {
    InProgress,
    Failed,
    Cancelled,
    Successful,
}

impl UpdateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "InProgress",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Successful => "Successful",
        }
    }
}

/// One EKS update (`{id, status, type, params, createdAt, errors}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EksUpdate {
    pub id: String,
    pub status: UpdateStatus,
    /// `ConfigUpdate`, `VersionUpdate`, …
    pub kind: String,
    /// `(type, value)` pairs such as `("DesiredSize", "5")`.
    pub params: Vec<(String, String)>,
    pub created_at: Timestamp,
    /// The node group the update is about, if any.
    pub nodegroup: Option<String>,
}

/// The `scalingConfig` of an UpdateNodegroupConfig request: any subset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScalingChange {
    pub min: Option<i32>,
    pub desired: Option<i32>,
    pub max: Option<i32>,
}

/// Checks the merged sizes as EKS does; the messages are EKS's own.
pub fn validate_scaling(min: i32, desired: i32, max: i32) -> Result<(), AwsError> {
    if min < 0 {
        return Err(AwsError::invalid_parameter(
            "minSize must be greater than or equal to 0",
        ));
    }
    if max < 1 {
        return Err(AwsError::invalid_parameter(
            "maxSize must be greater than or equal to 1",
        ));
    }
    if desired < 0 {
        return Err(AwsError::invalid_parameter(
            "desiredSize must be greater than or equal to 0",
        ));
    }
    if min > max {
        return Err(AwsError::invalid_parameter(format!(
            "Minimum capacity {min} can't be greater than maximum capacity {max}"
        )));
    }
    if min > desired {
        return Err(AwsError::invalid_parameter(format!(
            "Minimum capacity {min} can't be greater than desired size {desired}"
        )));
    }
    if desired > max {
        return Err(AwsError::invalid_parameter(format!(
            "Desired capacity {desired} can't be greater than maximum capacity {max}"
        )));
    }
    Ok(())
}

impl EksCluster {
    /// UpdateNodegroupConfig with a scaling change: validates, applies the new
    /// sizes, marks the group UPDATING and records an InProgress update.
    pub fn update_nodegroup_scaling(
        &mut self,
        nodegroup: &str,
        change: ScalingChange,
        now: Timestamp,
    ) -> Result<EksUpdate, AwsError> {
        let cluster = self.name.clone();
        let seq = self.updates.len().to_string();
        let ng = self.nodegroups.get_mut(nodegroup).ok_or_else(|| {
            AwsError::resource_not_found(format!("No node group found for name: {nodegroup}."))
                .with("clusterName", &cluster)
                .with("nodegroupName", nodegroup)
        })?;
        if change == ScalingChange::default() {
            return Err(AwsError::invalid_parameter("No changes needed")
                .with("clusterName", &cluster)
                .with("nodegroupName", nodegroup));
        }
        if ng.status != NodegroupStatus::Active && ng.status != NodegroupStatus::Degraded {
            return Err(AwsError::resource_in_use(format!(
                "Nodegroup cannot be updated as it is currently not in Active State ({})",
                ng.status.as_str()
            ))
            .with("clusterName", &cluster)
            .with("nodegroupName", nodegroup));
        }
        let min = change.min.unwrap_or(ng.min);
        let desired = change.desired.unwrap_or(ng.desired);
        let max = change.max.unwrap_or(ng.max);
        validate_scaling(min, desired, max).map_err(|e| {
            e.with("clusterName", &cluster)
                .with("nodegroupName", nodegroup)
        })?;
        (ng.min, ng.desired, ng.max) = (min, desired, max);
        ng.status = NodegroupStatus::Updating;
        ng.modified_at = now;
        let mut params = Vec::new();
        for (kind, value) in [
            ("MinSize", change.min),
            ("MaxSize", change.max),
            ("DesiredSize", change.desired),
        ] {
            if let Some(v) = value {
                params.push((kind.to_owned(), v.to_string()));
            }
        }
        let update = EksUpdate {
            id: stable_uuid(&["update", &cluster, nodegroup, &seq, &now.to_string()]),
            status: UpdateStatus::InProgress,
            kind: "ConfigUpdate".to_owned(),
            params,
            created_at: now,
            nodegroup: Some(nodegroup.to_owned()),
        };
        self.updates.insert(update.id.clone(), update.clone());
        Ok(update)
    }

    /// Finishes updates that have run their course and returns their node
    /// groups to ACTIVE.
    pub(crate) fn finish_updates(&mut self, now: Timestamp) {
        for update in self.updates.values_mut() {
            if update.status != UpdateStatus::InProgress
                || now < update.created_at + UPDATE_DURATION
            {
                continue;
            }
            update.status = UpdateStatus::Successful;
            if let Some(ng) = update
                .nodegroup
                .as_ref()
                .and_then(|n| self.nodegroups.get_mut(n))
                && ng.status == NodegroupStatus::Updating
            {
                ng.status = NodegroupStatus::Active;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::aws::eks::Nodegroup;

    fn cluster(t0: Timestamp) -> EksCluster {
        EksCluster::new("prod", "1.31", t0).with_nodegroup(Nodegroup::new(
            "general",
            "m5.large",
            (1, 2, 4),
            t0,
        ))
    }

    #[test]
    fn scaling_within_bounds_applies_and_completes() {
        let t0 = Timestamp::from_second(1_700_000_000).unwrap();
        let mut c = cluster(t0);
        let change = ScalingChange {
            desired: Some(4),
            ..Default::default()
        };
        let update = c.update_nodegroup_scaling("general", change, t0).unwrap();
        assert_eq!(update.status, UpdateStatus::InProgress);
        assert_eq!(
            update.params,
            vec![("DesiredSize".to_owned(), "4".to_owned())]
        );
        assert_eq!(c.nodegroups["general"].desired, 4);
        assert_eq!(c.nodegroups["general"].status, NodegroupStatus::Updating);

        // A second change while the first runs is refused, as EKS does.
        let err = c
            .update_nodegroup_scaling("general", change, t0)
            .unwrap_err();
        assert_eq!(err.code, "ResourceInUseException");

        c.finish_updates(t0 + UPDATE_DURATION);
        assert_eq!(c.updates[&update.id].status, UpdateStatus::Successful);
        assert_eq!(c.nodegroups["general"].status, NodegroupStatus::Active);
    }

    #[test]
    fn scaling_out_of_bounds_is_an_invalid_parameter() {
        let t0 = Timestamp::from_second(1_700_000_000).unwrap();
        let mut c = cluster(t0);
        for change in [
            ScalingChange {
                desired: Some(5),
                ..Default::default()
            },
            ScalingChange {
                min: Some(3),
                ..Default::default()
            },
            ScalingChange {
                max: Some(0),
                desired: Some(0),
                min: Some(0),
            },
            ScalingChange {
                desired: Some(-1),
                ..Default::default()
            },
            ScalingChange::default(),
        ] {
            let err = c
                .update_nodegroup_scaling("general", change, t0)
                .unwrap_err();
            assert_eq!(err.code, "InvalidParameterException", "{change:?}");
            assert_eq!(err.status, 400);
        }
        assert_eq!(
            (c.nodegroups["general"].min, c.nodegroups["general"].desired),
            (1, 2)
        );
        let err = c
            .update_nodegroup_scaling("nope", ScalingChange::default(), t0)
            .unwrap_err();
        assert_eq!(err.code, "ResourceNotFoundException");
    }
}
