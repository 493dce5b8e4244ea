//! The scale scenario's steady churn: `events_per_sec` pod changes spread
//! over time, each touching one pod picked at random: a readiness flip, a
//! container restart, or a delete and recreate under the same name. Each
//! event reads and writes one object, so the cost is per event, not per pod.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, Pod, PodCondition,
};

use super::meta::{secs_since, time};
use crate::sim::rng::Rng;
use crate::sim::store::Store;

pub struct Churn {
    pub events_per_sec: f64,
    /// (namespace, name) of the pods that churn.
    pub pods: Vec<(String, String)>,
    rng: Rng,
    carry: f64,
    last: Option<Timestamp>,
}

impl Churn {
    pub fn new(events_per_sec: f64, pods: Vec<(String, String)>, seed: u64) -> Churn {
        Churn {
            events_per_sec,
            pods,
            rng: Rng::new(seed),
            carry: 0.0,
            last: None,
        }
    }

    /// Applies the events due since the last call; returns how many.
    pub fn tick(&mut self, store: &mut Store, now: Timestamp) -> usize {
        let dt = self
            .last
            .map_or(0.0, |l| secs_since(l, now).clamp(0.0, 2.0));
        self.last = Some(now);
        if self.pods.is_empty() || self.events_per_sec <= 0.0 {
            return 0;
        }
        let want = self.events_per_sec * dt + self.carry;
        let n = want.floor() as usize;
        self.carry = want - n as f64;
        for _ in 0..n {
            let (ns, name) = self.pods[self.rng.below(self.pods.len() as u64) as usize].clone();
            let Some(pod) = store.get::<Pod>(&ns, &name) else {
                continue;
            };
            match self.rng.below(20) {
                0..=11 => flip_ready(store, pod, now),
                12..=16 => restart(store, pod, now),
                _ => recreate(store, pod, now),
            }
        }
        n
    }
}

fn set_ready(pod: &mut Pod, ready: bool, now: Timestamp) {
    let Some(status) = pod.status.as_mut() else {
        return;
    };
    for cs in status.container_statuses.iter_mut().flatten() {
        cs.ready = ready;
    }
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let (st, reason, msg) = if ready {
        ("True", None, None)
    } else {
        (
            "False",
            Some("ContainersNotReady"),
            Some("containers with unready status: [app]".to_owned()),
        )
    };
    crate::set_condition!(conds, PodCondition, "Ready", st, reason, msg.clone(), now);
    crate::set_condition!(conds, PodCondition, "ContainersReady", st, reason, msg, now);
}

fn flip_ready(store: &mut Store, mut pod: Pod, now: Timestamp) {
    let ready = super::podspec::is_ready(&pod);
    set_ready(&mut pod, !ready, now);
    let _ = store.replace(&pod);
}

fn restart(store: &mut Store, mut pod: Pod, now: Timestamp) {
    if let Some(cs) = pod
        .status
        .as_mut()
        .and_then(|s| s.container_statuses.as_mut())
        .and_then(|c| c.first_mut())
    {
        let started = cs
            .state
            .as_ref()
            .and_then(|s| s.running.as_ref())
            .and_then(|r| r.started_at.clone());
        cs.restart_count += 1;
        cs.last_state = Some(ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: 1,
                reason: Some("Error".into()),
                started_at: started,
                finished_at: Some(time(now)),
                container_id: cs.container_id.clone(),
                ..Default::default()
            }),
            ..Default::default()
        });
        cs.state = Some(ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(time(now)),
            }),
            ..Default::default()
        });
    }
    let _ = store.replace(&pod);
}

fn recreate(store: &mut Store, mut pod: Pod, now: Timestamp) {
    let (ns, name) = (
        pod.metadata.namespace.clone().unwrap_or_default(),
        pod.metadata.name.clone().unwrap_or_default(),
    );
    if store.delete::<Pod>(&ns, &name).is_err() {
        return;
    }
    pod.metadata.uid = None;
    pod.metadata.resource_version = None;
    pod.metadata.creation_timestamp = Some(time(now));
    if let Some(s) = pod.status.as_mut() {
        s.start_time = Some(time(now));
        for cs in s.container_statuses.iter_mut().flatten() {
            cs.restart_count = 0;
            cs.last_state = Some(ContainerState::default());
            cs.state = Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(time(now)),
                }),
                ..Default::default()
            });
        }
    }
    let _ = store.create(&pod);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        Timestamp::from_second(1_760_000_000).expect("time")
    }

    #[test]
    fn churn_applies_the_configured_rate() {
        let mut store = Store::new(1, 100_000);
        let mut names = Vec::new();
        for i in 0..50 {
            let p = crate::sim::scenarios::objects::running_pod(
                &crate::sim::scenarios::objects::App::new(
                    "default",
                    &format!("p-{i}"),
                    "nginx:1.27",
                ),
                &format!("p-{i}"),
                "ip-10-0-1-1.eu-west-1.compute.internal",
                "10.0.1.1",
                &format!("10.0.2.{i}"),
                t0(),
                None,
            );
            store.create(&p).expect("create");
            names.push(("default".to_owned(), format!("p-{i}")));
        }
        let mut churn = Churn::new(100.0, names, 3);
        let t0 = t0();
        churn.tick(&mut store, t0);
        let rv = store.resource_version();
        let mut total = 0;
        for i in 1..=10 {
            total += churn.tick(
                &mut store,
                super::super::meta::plus_secs(t0, f64::from(i) * 0.25),
            );
        }
        assert_eq!(total, 250);
        assert!(store.resource_version() > rv + 200, "each event writes");
        assert_eq!(
            store.list::<Pod>(None).len(),
            50,
            "recreated pods keep their names"
        );
    }
}
