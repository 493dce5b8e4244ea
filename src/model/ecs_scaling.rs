//! Application Auto Scaling's bounds on ECS services' desired counts, as
//! one region's poll read them: a second owner of the number the scale
//! dialog sets.

use std::collections::BTreeMap;

use super::text::sanitize;

/// A scalable target's capacity range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingBounds {
    pub min: i32,
    pub max: i32,
}

/// What the region's `DescribeScalableTargets` said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EcsScaling {
    /// By (cluster, service) name.
    pub targets: BTreeMap<(String, String), ScalingBounds>,
    /// Why the targets could not be read (then `targets` is empty and
    /// proves nothing).
    pub error: Option<String>,
}

/// What the scale dialog may say of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceScaling {
    None,
    Target(ScalingBounds),
    /// It could not be checked, and why.
    Unknown(String),
}

impl EcsScaling {
    /// The auto scaling on `cluster`/`service`, never a guess.
    pub fn of(&self, cluster: &str, service: &str) -> ServiceScaling {
        if let Some(e) = &self.error {
            return ServiceScaling::Unknown(e.clone());
        }
        self.targets
            .get(&(cluster.to_owned(), service.to_owned()))
            .map_or(ServiceScaling::None, |b| ServiceScaling::Target(*b))
    }
}

/// (cluster, service) of an ECS resource id `service/CLUSTER/SERVICE`.
pub fn service_of(resource_id: &str) -> Option<(String, String)> {
    let mut parts = resource_id.strip_prefix("service/")?.splitn(2, '/');
    let cluster = parts.next().filter(|c| !c.is_empty())?;
    let service = parts.next().filter(|s| !s.is_empty() && !s.contains('/'))?;
    Some((sanitize(cluster), sanitize(service)))
}

/// The ECS desired-count targets among `targets`, by service.
pub fn from_targets(
    targets: &[aws_sdk_applicationautoscaling::types::ScalableTarget],
) -> EcsScaling {
    use aws_sdk_applicationautoscaling::types::ScalableDimension;
    let targets = targets
        .iter()
        .filter(|t| *t.scalable_dimension() == ScalableDimension::EcsServiceDesiredCount)
        .filter_map(|t| {
            let bounds = ScalingBounds {
                min: t.min_capacity(),
                max: t.max_capacity(),
            };
            service_of(t.resource_id()).map(|k| (k, bounds))
        })
        .collect();
    EcsScaling {
        targets,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_name_cluster_and_service_or_nothing() {
        assert_eq!(
            service_of("service/kong-gateway/kong"),
            Some(("kong-gateway".into(), "kong".into()))
        );
        assert_eq!(service_of("service/kong-gateway"), None);
        assert_eq!(service_of("service//kong"), None);
        assert_eq!(service_of("table/orders"), None);
    }

    #[test]
    fn an_error_is_unknown_never_no_target() {
        let mut s = EcsScaling::default();
        s.targets.insert(
            ("c".into(), "kong".into()),
            ScalingBounds { min: 2, max: 6 },
        );
        assert_eq!(
            s.of("c", "kong"),
            ServiceScaling::Target(ScalingBounds { min: 2, max: 6 })
        );
        assert_eq!(s.of("c", "orders"), ServiceScaling::None);
        s.error = Some("AccessDeniedException: no".into());
        assert_eq!(
            s.of("c", "orders"),
            ServiceScaling::Unknown("AccessDeniedException: no".into())
        );
    }
}
