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
    /// Strategic merge patch of the pod template's
    /// `kubectl.kubernetes.io/restartedAt`, as `kubectl rollout restart`.
    RolloutRestart { object: KubeRef },
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
            ScaleRequest::RolloutRestart { object } => format!(
                "restart the rollout of {} in cluster {}",
                object.label(),
                object.cluster
            ),
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

/// The highest replica or task count the dialog sends: a guard against a
/// slipped key (`+` held down, a digit too many); more is a manifest's job.
pub const REPLICA_CEILING: i32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Replicas,
    HpaMin,
    HpaMax,
    /// The object's name, typed to confirm a change that removes most capacity.
    Name,
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

/// What the dialog is about, as it names it: where, what kind, which one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `context prod-eu`, `AWS eu-west-1`.
    pub place: String,
    /// `Deployment`, `EKS node group`, `ECS service`, `HPA`.
    pub kind: String,
    /// `kube-system/coredns`, `terrax/ng-mysql` (namespace or cluster, then name).
    pub object: String,
    /// The name to type when the change needs it.
    pub name: String,
}

/// The range a count may take, and what sets each end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    pub min: i32,
    pub max: i32,
    pub min_why: String,
    pub max_why: String,
}

impl Bounds {
    fn of(target: &ScaleTarget, current: i32) -> Bounds {
        match target {
            ScaleTarget::Nodegroup { min, max, .. } => Bounds {
                min: *min,
                max: *max,
                min_why: "the node group's minSize".into(),
                max_why: "the node group's maxSize".into(),
            },
            // A count already above the ceiling can be kept or lowered.
            _ => Bounds {
                min: 0,
                max: REPLICA_CEILING.max(current),
                min_why: "none below zero".into(),
                max_why: "the dialog's replica ceiling".into(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleModal {
    pub target: ScaleTarget,
    pub header: Header,
    pub current: i32,
    /// The new count as typed (digits only).
    pub value: String,
    pub hpa: Option<HpaBounds>,
    /// Who else sets this count (virtual-kubelet, ECS service autoscaling);
    /// the HPA is [`Self::hpa`].
    pub owners: Vec<String>,
    pub bounds: Bounds,
    pub field: Field,
    /// The number the change is about: `field`, or the one focused before
    /// the name.
    edited: Field,
    /// The object's name as typed to confirm.
    pub typed: String,
    /// The first digit typed into a field replaces its value.
    fresh: bool,
    /// Why the last key or `enter` was not accepted.
    pub error: Option<String>,
}

impl ScaleModal {
    pub fn new(target: ScaleTarget, header: Header, current: i32, hpa: Option<HpaBounds>) -> Self {
        // With an HPA in charge, its bounds are what should change: focus them.
        let field = if hpa.is_some() {
            Field::HpaMin
        } else {
            Field::Replicas
        };
        let bounds = Bounds::of(&target, current);
        ScaleModal {
            target,
            header,
            current,
            value: current.to_string(),
            hpa,
            owners: Vec::new(),
            bounds,
            field,
            edited: field,
            typed: String::new(),
            fresh: true,
            error: None,
        }
    }

    /// Narrows the count's range to what another owner keeps it within
    /// (ECS service auto scaling's min/max): every way of changing it stops there.
    pub fn within(mut self, min: i32, max: i32, owner: &str) -> Self {
        self.bounds = Bounds {
            min: self.bounds.min.max(min),
            max: self.bounds.max.min(max),
            min_why: format!("{owner}'s min"),
            max_why: format!("{owner}'s max"),
        };
        self
    }

    /// Adds who else sets this count, for the dialog to say.
    pub fn owned_by(mut self, owner: impl Into<String>) -> Self {
        self.owners.push(owner.into());
        self
    }

    /// The number the change is about (the one focused before the name).
    pub fn edited(&self) -> Field {
        self.edited
    }

    /// The fields `tab` cycles through.
    pub fn fields(&self) -> Vec<Field> {
        let mut f = match (&self.target, &self.hpa) {
            (ScaleTarget::Hpa(_), _) => vec![Field::HpaMin, Field::HpaMax],
            (_, Some(_)) => vec![Field::HpaMin, Field::HpaMax, Field::Replicas],
            _ => vec![Field::Replicas],
        };
        if self.needs_name().is_some() || self.field == Field::Name {
            f.push(Field::Name);
        }
        f
    }

    fn slot(&mut self) -> &mut String {
        match (self.field, self.hpa.as_mut()) {
            (Field::HpaMin, Some(h)) => &mut h.new_min,
            (Field::HpaMax, Some(h)) => &mut h.new_max,
            (Field::Name, _) => &mut self.typed,
            _ => &mut self.value,
        }
    }

    /// The bounds of the focused number, and what sets each end.
    fn field_bounds(&self) -> Bounds {
        match self.field {
            Field::HpaMin | Field::HpaMax => Bounds {
                min: 1,
                max: REPLICA_CEILING.max(self.hpa.as_ref().map_or(0, |h| h.max)),
                min_why: "an HPA's minimum of 1".into(),
                max_why: "the dialog's replica ceiling".into(),
            },
            _ => self.bounds.clone(),
        }
    }

    pub fn next_field(&mut self) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        self.field = fields[(i + 1) % fields.len()];
        if self.field != Field::Name {
            self.edited = self.field;
        }
        self.fresh = true;
        self.error = None;
    }

    /// `+`/`-`: one more or less, stopping at the bounds with the reason.
    pub fn step(&mut self, delta: i32) {
        if self.field == Field::Name {
            self.error = Some("type the name here; tab goes back to the number".into());
            return;
        }
        let b = self.field_bounds();
        let slot = self.slot();
        let was = slot.parse::<i32>().unwrap_or(0);
        let want = was.saturating_add(delta);
        let n = want.clamp(b.min, b.max);
        *slot = n.to_string();
        self.fresh = false;
        self.error = if want > b.max {
            Some(format!("stopped at {}: {}", b.max, b.max_why))
        } else if want < b.min {
            Some(format!("stopped at {}: {}", b.min, b.min_why))
        } else {
            None
        };
    }

    /// A typed character: a digit of the number, or a letter of the name.
    pub fn digit(&mut self, c: char) {
        if self.field == Field::Name {
            self.typed.push(c);
            self.error = None;
            return;
        }
        if !c.is_ascii_digit() {
            self.error = Some(format!("{c:?} is not a digit"));
            return;
        }
        let b = self.field_bounds();
        let fresh = self.fresh;
        let slot = self.slot();
        let mut next = if fresh || slot == "0" {
            String::new()
        } else {
            slot.clone()
        };
        next.push(c);
        match next.parse::<i32>() {
            Ok(n) if n <= b.max => {
                *self.slot() = next;
                self.fresh = false;
                self.error = None;
            }
            _ => {
                self.error = Some(format!("{next} refused: {}", self.range_text(&b)));
            }
        }
    }

    /// `must be within …`, naming what sets the bounds.
    fn range_text(&self, b: &Bounds) -> String {
        match self.target {
            ScaleTarget::Nodegroup { .. } if self.edited == Field::Replicas => format!(
                "desired size must be within the node group's min {} and max {}",
                b.min, b.max
            ),
            ScaleTarget::EcsService { .. } if b.min_why.ends_with("'s min") => format!(
                "desired count must be within {} {} and max {}",
                b.min_why, b.min, b.max
            ),
            _ => format!("must be within {} and {} ({})", b.min, b.max, b.max_why),
        }
    }

    pub fn erase(&mut self) {
        self.fresh = false;
        self.slot().pop();
        self.error = None;
    }

    /// Whether manual replicas would be fought by an HPA.
    pub fn replicas_fight_hpa(&self) -> bool {
        self.hpa.is_some() && self.edited == Field::Replicas
    }

    /// Why this change needs the name typed (to 0, or more than half the
    /// capacity removed), or `None`.
    pub fn needs_name(&self) -> Option<String> {
        let num = |s: &str| s.parse::<i32>().ok();
        let (from, to) = match self.edited {
            Field::HpaMin | Field::HpaMax => {
                let h = self.hpa.as_ref()?;
                (h.current, num(&h.new_max)?)
            }
            _ => (self.current, num(&self.value)?),
        };
        if to >= from {
            None
        } else if to == 0 {
            Some(format!("{from} → 0 removes all capacity"))
        } else if (from - to) * 2 > from {
            Some(format!("{from} → {to} removes more than half the capacity"))
        } else {
            None
        }
    }

    /// The request `enter` confirms, or why it cannot be sent.
    pub fn request(&self) -> Result<ScaleRequest, String> {
        let req = self.change()?;
        if let Some(why) = self.needs_name()
            && self.typed != self.header.name
        {
            return Err(format!(
                "{why}: type {} to confirm; enter does nothing until it matches",
                self.header.name
            ));
        }
        Ok(req)
    }

    /// `enter`: the request, or (a change needing the name, not yet typed)
    /// the focus moved to the name with why.
    pub fn submit(&mut self) -> Option<ScaleRequest> {
        match self.request() {
            Ok(r) => Some(r),
            Err(_) if self.needs_name().is_some() && self.change().is_ok() => {
                // The dialog shows the prompt; a wrong name is said once typed.
                self.error = (self.field == Field::Name && !self.typed.is_empty()).then(|| {
                    format!(
                        "{:?} is not {}: enter does nothing until it matches",
                        self.typed, self.header.name
                    )
                });
                self.field = Field::Name;
                self.fresh = false;
                None
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The change the numbers describe, checked against the bounds.
    fn change(&self) -> Result<ScaleRequest, String> {
        let num = |s: &str, what: &str| {
            s.parse::<i32>()
                .map_err(|_| format!("{what}: type a number (got {s:?})"))
        };
        if self.edited != Field::Replicas {
            let h = self.hpa.as_ref().ok_or("no HPA to change")?;
            let min = num(&h.new_min, "HPA min")?;
            let max = num(&h.new_max, "HPA max")?;
            if min < 1 {
                return Err("HPA min must be at least 1".into());
            }
            if min > max {
                return Err(format!("HPA min {min} is above max {max}"));
            }
            if max > REPLICA_CEILING.max(h.max) {
                return Err(format!(
                    "HPA max {max} refused: above the dialog's replica ceiling {REPLICA_CEILING}"
                ));
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
        let b = &self.bounds;
        if n < b.min || n > b.max {
            return Err(format!("{n} refused: {}", self.range_text(b)));
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
                ..
            } => Ok(ScaleRequest::Nodegroup {
                region: region.clone(),
                cluster: cluster.clone(),
                name: name.clone(),
                desired: n,
            }),
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

    fn header(name: &str) -> Header {
        Header {
            place: "context terrax".into(),
            kind: "Deployment".into(),
            object: format!("tb-demo/{name}"),
            name: name.into(),
        }
    }

    fn workload(current: i32) -> ScaleModal {
        ScaleModal::new(
            ScaleTarget::Workload(deploy()),
            header("service"),
            current,
            None,
        )
    }

    fn typed(m: &mut ScaleModal, text: &str) {
        text.chars().for_each(|c| m.digit(c));
    }

    #[test]
    fn typing_replaces_then_appends_and_enter_builds_the_request() {
        let mut m = workload(2);
        assert_eq!(m.request(), Err("nothing to change: already 2".into()));
        typed(&mut m, "12");
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
        let mut m = ScaleModal::new(
            ScaleTarget::Workload(deploy()),
            header("service"),
            3,
            Some(hpa),
        );
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
    fn nodegroup_bounds_hold_for_steps_and_typing() {
        let t = ScaleTarget::Nodegroup {
            region: "eu-west-1".into(),
            cluster: "terrax".into(),
            name: "ng".into(),
            min: 1,
            max: 2,
        };
        let mut m = ScaleModal::new(t, header("ng"), 1, None);
        m.step(5);
        assert_eq!(m.value, "2", "+ stops at max");
        assert!(
            m.error.as_deref().is_some_and(|e| e.contains("maxSize")),
            "{:?}",
            m.error
        );
        m.erase();
        m.digit('5');
        assert_eq!(m.value, "", "a typed value beyond max is refused");
        assert!(
            m.error
                .as_deref()
                .is_some_and(|e| e.contains("5 refused") && e.contains("min 1 and max 2"))
        );
        m.digit('2');
        assert!(matches!(
            m.request(),
            Ok(ScaleRequest::Nodegroup { desired: 2, .. })
        ));
        m.step(-9);
        assert_eq!(m.value, "1", "- stops at min");
        assert!(m.error.as_deref().is_some_and(|e| e.contains("minSize")));
        m.erase();
        m.digit('0');
        assert!(m.request().is_err_and(|e| e.contains("0 refused")));
    }

    #[test]
    fn the_replica_ceiling_holds_for_steps_and_typing() {
        let mut m = workload(999);
        m.step(1);
        m.step(1);
        assert_eq!(m.value, REPLICA_CEILING.to_string());
        assert!(m.error.as_deref().is_some_and(|e| e.contains("ceiling")));
        let mut m = workload(3);
        typed(&mut m, "1001");
        assert_eq!(
            m.value, "100",
            "the digit that crosses the ceiling is refused"
        );
        assert!(
            m.error
                .as_deref()
                .is_some_and(|e| e.starts_with("1001 refused"))
        );
        // A count already above the ceiling can stay or go down.
        let mut m = workload(1500);
        m.step(-1);
        assert!(matches!(
            m.request(),
            Ok(ScaleRequest::Workload { replicas: 1499, .. })
        ));
    }

    #[test]
    fn zero_needs_the_name_typed_and_enter_does_nothing_until_it_matches() {
        let mut m = workload(3);
        m.digit('0');
        assert!(m.needs_name().is_some());
        assert_eq!(m.submit(), None);
        assert_eq!(m.field, Field::Name, "enter moved to the name");
        assert!(
            m.request()
                .is_err_and(|e| e.contains("type service to confirm")),
            "{:?}",
            m.request()
        );
        // `-` and digits are letters of the name here.
        typed(&mut m, "servic");
        assert_eq!(m.submit(), None);
        typed(&mut m, "e-");
        assert_eq!(m.submit(), None);
        assert!(
            m.error
                .as_deref()
                .is_some_and(|e| e.contains("is not service"))
        );
        assert!(
            m.error
                .as_deref()
                .is_some_and(|e| e.contains("is not service"))
        );
        m.erase();
        assert_eq!(
            m.submit(),
            Some(ScaleRequest::Workload {
                object: deploy(),
                replicas: 0
            })
        );
    }

    #[test]
    fn removing_more_than_half_needs_the_name_and_half_does_not() {
        let mut m = workload(4);
        m.digit('2');
        assert_eq!(m.needs_name(), None);
        assert!(m.submit().is_some());
        let mut m = workload(4);
        m.digit('1');
        assert!(m.needs_name().is_some_and(|w| w.contains("more than half")));
        assert_eq!(m.submit(), None);
        // Going up never needs it.
        let mut m = workload(4);
        typed(&mut m, "40");
        assert!(m.needs_name().is_none() && m.submit().is_some());
    }

    #[test]
    fn ecs_auto_scaling_bounds_hold_for_steps_typing_and_enter() {
        let t = ScaleTarget::EcsService {
            region: "eu-west-1".into(),
            cluster: "kong-gateway".into(),
            name: "kong".into(),
        };
        let mut m =
            ScaleModal::new(t, header("kong"), 3, None).within(2, 6, "ECS service auto scaling");
        m.step(10);
        assert_eq!(m.value, "6", "+ stops at auto scaling's max");
        assert_eq!(
            m.error.as_deref(),
            Some("stopped at 6: ECS service auto scaling's max")
        );
        m.digit('1');
        assert_eq!(m.value, "6", "61 is refused as typed");
        assert!(
            m.error
                .as_deref()
                .is_some_and(|e| e.contains("61 refused") && e.contains("min 2 and max 6")),
            "{:?}",
            m.error
        );
        m.step(-10);
        assert_eq!(m.value, "2", "- stops at auto scaling's min");
        m.erase();
        m.digit('1');
        assert!(
            m.request()
                .is_err_and(|e| e.contains("1 refused") && e.contains("min 2 and max 6")),
            "below the min is refused on enter"
        );
        m.erase();
        m.digit('5');
        assert!(matches!(
            m.request(),
            Ok(ScaleRequest::EcsService { desired: 5, .. })
        ));
    }
}
