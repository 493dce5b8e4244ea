//! The scale modal: current → new, typed or stepped, validated before it
//! becomes a [`ScaleRequest`]. When an HPA owns the workload's scale the
//! modal says so and offers the HPA's min/max instead (focused first).

use crate::view::subject::KubeRef;

/// A confirmed mutation, as the executor performs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleRequest {
    /// `PATCH …/{deployments|statefulsets}/NAME/scale`.
    Workload { object: KubeRef, replicas: i32 },
    /// Merge patch of the HPA's `spec.minReplicas` / `spec.maxReplicas`.
    Hpa { object: KubeRef, min: i32, max: i32 },
    /// EKS `UpdateNodegroupConfig` with a new desired size.
    Nodegroup {
        region: String,
        cluster: String,
        name: String,
        desired: i32,
    },
    /// ECS `UpdateService` with a new desired count.
    EcsService {
        region: String,
        cluster: String,
        name: String,
        desired: i32,
    },
    /// `DELETE …/pods/NAME`: a Kong node's pod, which its workload replaces.
    DeletePod { object: KubeRef },
    /// ECS `StopTask`: a Kong node's task, which its service replaces.
    StopEcsTask {
        region: String,
        cluster: String,
        id: String,
        service: Option<String>,
    },
}

impl ScaleRequest {
    /// `scale Deployment tb-demo/service to 4 replicas`, for messages.
    pub fn summary(&self) -> String {
        match self {
            ScaleRequest::Workload { object, replicas } => {
                format!("scale {} to {replicas} replicas", object.label())
            }
            ScaleRequest::Hpa { object, min, max } => {
                format!(
                    "set HPA {}/{} to min {min} max {max}",
                    object.namespace, object.name
                )
            }
            ScaleRequest::Nodegroup {
                cluster,
                name,
                desired,
                ..
            } => format!("set node group {cluster}/{name} desired size to {desired}"),
            ScaleRequest::EcsService {
                cluster,
                name,
                desired,
                ..
            } => format!("set ECS service {cluster}/{name} desired count to {desired}"),
            ScaleRequest::DeletePod { object } => format!(
                "delete pod {}/{} in cluster {}",
                object.namespace, object.name, object.cluster
            ),
            ScaleRequest::StopEcsTask {
                region,
                cluster,
                id,
                ..
            } => format!("stop ECS task {id} in cluster {cluster} ({region})"),
        }
    }
}

/// What the modal scales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleTarget {
    /// A Deployment or StatefulSet (maybe with an HPA, see [`ScaleModal::hpa`]).
    Workload(KubeRef),
    /// Only the HPA's bounds (`s` on the HPA view).
    Hpa(KubeRef),
    Nodegroup {
        region: String,
        cluster: String,
        name: String,
        min: i32,
        max: i32,
    },
    EcsService {
        region: String,
        cluster: String,
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Replicas,
    HpaMin,
    HpaMax,
}

/// The HPA that owns the workload's scale, and its bounds being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaBounds {
    pub object: KubeRef,
    pub min: i32,
    pub max: i32,
    pub current: i32,
    pub new_min: String,
    pub new_max: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleModal {
    pub target: ScaleTarget,
    /// `Deployment tb-demo/service`, `node group terrax/ng-mysql`…
    pub title: String,
    pub current: i32,
    /// The new count as typed (digits only).
    pub value: String,
    pub hpa: Option<HpaBounds>,
    pub field: Field,
    /// The first digit typed into a field replaces its value.
    fresh: bool,
    /// Why the last `enter` was not accepted.
    pub error: Option<String>,
}

impl ScaleModal {
    pub fn new(target: ScaleTarget, title: String, current: i32, hpa: Option<HpaBounds>) -> Self {
        // With an HPA in charge, its bounds are what should change: focus them.
        let field = if hpa.is_some() {
            Field::HpaMin
        } else {
            Field::Replicas
        };
        ScaleModal {
            target,
            title,
            current,
            value: current.to_string(),
            hpa,
            field,
            fresh: true,
            error: None,
        }
    }

    /// The fields `tab` cycles through.
    pub fn fields(&self) -> Vec<Field> {
        match (&self.target, &self.hpa) {
            (ScaleTarget::Hpa(_), _) => vec![Field::HpaMin, Field::HpaMax],
            (_, Some(_)) => vec![Field::HpaMin, Field::HpaMax, Field::Replicas],
            _ => vec![Field::Replicas],
        }
    }

    fn slot(&mut self) -> &mut String {
        match (self.field, self.hpa.as_mut()) {
            (Field::HpaMin, Some(h)) => &mut h.new_min,
            (Field::HpaMax, Some(h)) => &mut h.new_max,
            _ => &mut self.value,
        }
    }

    pub fn next_field(&mut self) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        self.field = fields[(i + 1) % fields.len()];
        self.fresh = true;
        self.error = None;
    }

    pub fn step(&mut self, delta: i32) {
        let slot = self.slot();
        let n = slot
            .parse::<i32>()
            .unwrap_or(0)
            .saturating_add(delta)
            .max(0);
        *slot = n.to_string();
        self.fresh = false;
        self.error = None;
    }

    pub fn digit(&mut self, c: char) {
        if !c.is_ascii_digit() {
            self.error = Some(format!("{c:?} is not a digit"));
            return;
        }
        let fresh = std::mem::replace(&mut self.fresh, false);
        let slot = self.slot();
        if fresh || slot == "0" {
            slot.clear();
        }
        if slot.len() < 6 {
            slot.push(c);
        }
        self.error = None;
    }

    pub fn erase(&mut self) {
        self.fresh = false;
        self.slot().pop();
        self.error = None;
    }

    /// Whether manual replicas would be fought by an HPA.
    pub fn replicas_fight_hpa(&self) -> bool {
        self.hpa.is_some() && self.field == Field::Replicas
    }

    /// The request `enter` confirms, or why it cannot be sent.
    pub fn request(&self) -> Result<ScaleRequest, String> {
        let num = |s: &str, what: &str| {
            s.parse::<i32>()
                .map_err(|_| format!("{what}: type a number (got {s:?})"))
        };
        if self.field != Field::Replicas {
            let h = self.hpa.as_ref().ok_or("no HPA to change")?;
            let min = num(&h.new_min, "HPA min")?;
            let max = num(&h.new_max, "HPA max")?;
            if min < 1 {
                return Err("HPA min must be at least 1".into());
            }
            if min > max {
                return Err(format!("HPA min {min} is above max {max}"));
            }
            if min == h.min && max == h.max {
                return Err(format!("nothing to change: HPA is already {min}..{max}"));
            }
            return Ok(ScaleRequest::Hpa {
                object: h.object.clone(),
                min,
                max,
            });
        }
        let n = num(&self.value, "replicas")?;
        if n == self.current {
            return Err(format!("nothing to change: already {n}"));
        }
        match &self.target {
            ScaleTarget::Workload(object) => Ok(ScaleRequest::Workload {
                object: object.clone(),
                replicas: n,
            }),
            ScaleTarget::Hpa(_) => Err("no HPA to change".into()),
            ScaleTarget::Nodegroup {
                region,
                cluster,
                name,
                min,
                max,
            } => {
                if n < *min || n > *max {
                    return Err(format!(
                        "desired size must be within the node group's min {min} and max {max}"
                    ));
                }
                Ok(ScaleRequest::Nodegroup {
                    region: region.clone(),
                    cluster: cluster.clone(),
                    name: name.clone(),
                    desired: n,
                })
            }
            ScaleTarget::EcsService {
                region,
                cluster,
                name,
            } => Ok(ScaleRequest::EcsService {
                region: region.clone(),
                cluster: cluster.clone(),
                name: name.clone(),
                desired: n,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy() -> KubeRef {
        KubeRef::new("terrax", "Deployment", "tb-demo", "service")
    }

    #[test]
    fn typing_replaces_then_appends_and_enter_builds_the_request() {
        let mut m = ScaleModal::new(ScaleTarget::Workload(deploy()), "d".into(), 2, None);
        assert_eq!(m.request(), Err("nothing to change: already 2".into()));
        m.digit('1');
        m.digit('2');
        assert_eq!(m.value, "12");
        m.erase();
        m.step(3);
        assert_eq!(
            m.request(),
            Ok(ScaleRequest::Workload {
                object: deploy(),
                replicas: 4
            })
        );
        m.digit('x');
        assert!(m.error.is_some());
    }

    #[test]
    fn hpa_bounds_are_focused_first_and_validated() {
        let hpa = HpaBounds {
            object: KubeRef::new("c", "HorizontalPodAutoscaler", "shop", "hello-api"),
            min: 2,
            max: 4,
            current: 3,
            new_min: "2".into(),
            new_max: "4".into(),
        };
        let mut m = ScaleModal::new(ScaleTarget::Workload(deploy()), "d".into(), 3, Some(hpa));
        assert_eq!(m.field, Field::HpaMin);
        assert!(!m.replicas_fight_hpa());
        m.digit('5');
        assert_eq!(m.request(), Err("HPA min 5 is above max 4".into()));
        m.next_field();
        m.digit('8');
        assert!(matches!(
            m.request(),
            Ok(ScaleRequest::Hpa { min: 5, max: 8, .. })
        ));
        m.next_field();
        assert!(m.replicas_fight_hpa());
        m.next_field();
        assert_eq!(m.field, Field::HpaMin);
    }

    #[test]
    fn nodegroup_desired_stays_within_min_max() {
        let t = ScaleTarget::Nodegroup {
            region: "eu-west-1".into(),
            cluster: "terrax".into(),
            name: "ng".into(),
            min: 1,
            max: 2,
        };
        let mut m = ScaleModal::new(t, "ng".into(), 1, None);
        m.step(5);
        assert!(m.request().is_err_and(|e| e.contains("min 1 and max 2")));
        m.erase();
        m.digit('2');
        assert!(matches!(
            m.request(),
            Ok(ScaleRequest::Nodegroup { desired: 2, .. })
        ));
        m.step(-9);
        assert_eq!(m.value, "0");
    }
}
