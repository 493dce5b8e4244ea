//! Deployment → ReplicaSets: one ReplicaSet per pod template
//! (`<name>-<pod-template-hash>`), old ones drained as the new one becomes
//! ready, and the Deployment's status with its Available / Progressing
//! conditions and their real reasons.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::events::{self, Source};
use super::meta::{
    annotation, controller_of, name, namespace, owner, plus_secs, safe_suffix, secs_since,
    set_annotation, time, uid,
};
use super::{Ctx, Due};
use crate::rng::hash_str;
use crate::store::Store;

const SOURCE: Source<'static> = Source {
    component: "deployment-controller",
    host: None,
};
const REVISION: &str = "deployment.kubernetes.io/revision";
const HASH: &str = "pod-template-hash";

pub fn template_hash(d: &Deployment) -> String {
    let template = &d.spec.template;
    let text = serde_json::to_string(&template).unwrap_or_default();
    safe_suffix(hash_str(&text), 10)
}

pub fn reconcile(store: &mut Store, ctx: &Ctx) -> Due {
    let mut due = Due::default();
    let deployments = store.list::<Deployment>(None);
    let all_sets = store.list::<ReplicaSet>(None);
    // Garbage collection of ReplicaSets whose Deployment is gone.
    for rs in &all_sets {
        if controller_of(&rs.metadata).is_some_and(|o| {
            o.kind == "Deployment" && !deployments.iter().any(|d| uid(&d.metadata) == o.uid)
        }) {
            let _ = store.delete::<ReplicaSet>(namespace(&rs.metadata), name(&rs.metadata));
        }
    }
    for d in deployments {
        let owned: Vec<ReplicaSet> = all_sets
            .iter()
            .filter(|r| controller_of(&r.metadata).is_some_and(|o| o.uid == uid(&d.metadata)))
            .cloned()
            .collect();
        due.merge(sync_one(store, ctx, d, owned));
    }
    due
}

fn revision(rs: &ReplicaSet) -> i64 {
    annotation(&rs.metadata, REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn sync_one(store: &mut Store, ctx: &Ctx, mut d: Deployment, mut sets: Vec<ReplicaSet>) -> Due {
    let spec = d.spec.clone();
    let ns = namespace(&d.metadata).to_owned();
    let desired = spec.replicas.unwrap_or(1).max(0);
    let hash = template_hash(&d);
    let new_name = format!("{}-{hash}", name(&d.metadata));
    let dref = events::reference("Deployment", "apps/v1", &d.metadata);
    if !sets.iter().any(|r| name(&r.metadata) == new_name) {
        let rev = sets.iter().map(revision).max().unwrap_or(0) + 1;
        let mut template = spec.template.clone();
        let tmeta = template.metadata.get_or_insert_with(Default::default);
        super::meta::set_label(tmeta, HASH, &hash);
        let mut labels = tmeta.labels.clone().unwrap_or_default();
        labels.insert(HASH.into(), hash.clone());
        let mut selector: LabelSelector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(Default::default)
            .insert(HASH.into(), hash.clone());
        let mut meta = ObjectMeta {
            name: Some(new_name.clone()),
            namespace: Some(ns.clone()),
            labels: Some(labels),
            owner_references: Some(vec![owner("Deployment", "apps/v1", &d.metadata)]),
            creation_timestamp: Some(time(ctx.now)),
            ..Default::default()
        };
        set_annotation(&mut meta, REVISION, &rev.to_string());
        set_annotation(
            &mut meta,
            "deployment.kubernetes.io/desired-replicas",
            &desired.to_string(),
        );
        set_annotation(
            &mut meta,
            "deployment.kubernetes.io/max-replicas",
            &(desired + (desired + 3) / 4).to_string(),
        );
        let rs = ReplicaSet {
            metadata: meta,
            spec: ReplicaSetSpec {
                replicas: Some(0),
                selector,
                template: Some(template),
                min_ready_seconds: spec.min_ready_seconds,
            },
            status: None,
        };
        if let Ok(stored) = store.create(&rs) {
            let mut rs = rs;
            rs.metadata.uid = Some(stored.uid.clone());
            rs.metadata.generation = Some(1);
            sets.push(rs);
        }
    }
    sets.sort_by_key(|r| std::cmp::Reverse(revision(r)));
    // Scale: the new set to the desired count, old sets down as it gets ready.
    let new_ready = sets
        .iter()
        .find(|r| name(&r.metadata) == new_name)
        .and_then(|r| r.status.as_ref()?.ready_replicas)
        .unwrap_or(0);
    let mut old_budget = (desired - new_ready).max(0);
    for rs in sets.iter_mut() {
        let current = rs.spec.replicas.unwrap_or(0);
        let want = if name(&rs.metadata) == new_name {
            desired
        } else {
            let w = current.min(old_budget);
            old_budget -= w;
            w
        };
        if want != current {
            rs.spec.replicas = Some(want);
            set_annotation(
                &mut rs.metadata,
                "deployment.kubernetes.io/desired-replicas",
                &desired.to_string(),
            );
            let verb = if want > current { "up" } else { "down" };
            let msg = format!(
                "Scaled {verb} replica set {} from {current} to {want}",
                name(&rs.metadata)
            );
            if store.replace(rs).is_ok() {
                events::record(
                    store,
                    ctx.now,
                    events::normal(&dref, "ScalingReplicaSet", msg, SOURCE),
                );
            }
        }
    }
    let count = |f: fn(&ReplicaSet) -> i32| sets.iter().map(f).sum::<i32>();
    let replicas = count(|r| r.status.as_ref().map_or(0, |s| s.replicas));
    let ready = count(|r| {
        r.status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0)
    });
    let available = count(|r| {
        r.status
            .as_ref()
            .and_then(|s| s.available_replicas)
            .unwrap_or(0)
    });
    let updated = sets
        .iter()
        .find(|r| name(&r.metadata) == new_name)
        .and_then(|r| r.status.as_ref().map(|s| s.replicas))
        .unwrap_or(0);
    let old = d.status.clone().unwrap_or_default();
    let mut status = DeploymentStatus {
        replicas: Some(replicas),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        updated_replicas: Some(updated),
        unavailable_replicas: Some((desired - available).max(0)),
        observed_generation: d.metadata.generation,
        conditions: old.conditions.clone(),
        ..Default::default()
    };
    let progressed = old.replicas != status.replicas
        || old.ready_replicas != status.ready_replicas
        || old.updated_replicas != status.updated_replicas
        || old.observed_generation != status.observed_generation;
    let mut conds = status.conditions.take().unwrap_or_default();
    let max_unavailable = desired / 4;
    if available >= desired - max_unavailable {
        crate::controllers::meta::set_condition::<DeploymentCondition>(
            &mut conds,
            "Available",
            "True",
            Some("MinimumReplicasAvailable"),
            Some("Deployment has minimum availability.".to_owned()),
            ctx.now,
        );
    } else {
        crate::controllers::meta::set_condition::<DeploymentCondition>(
            &mut conds,
            "Available",
            "False",
            Some("MinimumReplicasUnavailable"),
            Some("Deployment does not have minimum availability.".to_owned()),
            ctx.now,
        );
    }
    let complete = updated == desired && available == desired && replicas == desired;
    let deadline = f64::from(spec.progress_deadline_seconds.unwrap_or(600));
    let last_progress = conds
        .iter()
        .find(|c| c.type_.as_deref() == Some("Progressing"))
        .and_then(|c| c.last_update_time.as_ref().map(|t| t.0));
    let mut due = Due::default();
    let (st, reason, msg) = if complete {
        (
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{new_name}\" has successfully progressed."),
        )
    } else if !progressed && last_progress.is_some_and(|t| secs_since(t, ctx.now) >= deadline) {
        (
            "False",
            "ProgressDeadlineExceeded",
            format!("ReplicaSet \"{new_name}\" has timed out progressing."),
        )
    } else {
        due.at(plus_secs(
            if progressed {
                ctx.now
            } else {
                last_progress.unwrap_or(ctx.now)
            },
            deadline,
        ));
        (
            "True",
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{new_name}\" is progressing."),
        )
    };
    let before = conds
        .iter()
        .find(|c| c.type_.as_deref() == Some("Progressing"))
        .map(|c| c.reason.clone());
    crate::controllers::meta::set_condition::<DeploymentCondition>(
        &mut conds,
        "Progressing",
        st,
        Some(reason),
        Some(msg),
        ctx.now,
    );
    if progressed || before != Some(Some(reason.to_owned())) {
        touch(&mut conds, "Progressing", ctx.now);
    }
    // Real ordering: Available before Progressing only when both exist from creation.
    status.conditions = Some(conds);
    let rev = sets.first().map(revision).unwrap_or(1).to_string();
    let rev_changed = annotation(&d.metadata, REVISION) != Some(rev.as_str());
    if rev_changed {
        set_annotation(&mut d.metadata, REVISION, &rev);
    }
    if d.status.as_ref() != Some(&status) || rev_changed {
        d.status = Some(status);
        let _ = store.replace(&d);
    }
    due
}

fn touch(conds: &mut [DeploymentCondition], type_: &str, now: Timestamp) {
    if let Some(c) = conds.iter_mut().find(|c| c.type_.as_deref() == Some(type_)) {
        c.last_update_time = Some(time(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::testkit;

    #[test]
    fn deployment_reports_available_once_its_pods_are_ready() {
        let mut t = testkit::Harness::terrax();
        t.apply_deployment("tb-demo", "service", &[("app", "service")], 2);
        t.run_secs(1);
        let d: Deployment = t.get("tb-demo", "service");
        let cond = |d: &Deployment, ty: &str| {
            d.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| {
                    c.iter().find(|c| c.type_.as_deref() == Some(ty)).map(|c| {
                        (
                            c.status.clone().unwrap_or_default(),
                            c.reason.clone().unwrap_or_default(),
                        )
                    })
                })
        };
        assert_eq!(
            cond(&d, "Available"),
            Some(("False".into(), "MinimumReplicasUnavailable".into()))
        );
        t.run_secs(20);
        let d: Deployment = t.get("tb-demo", "service");
        let st = d.status.clone().unwrap_or_default();
        assert_eq!(
            (
                st.replicas,
                st.ready_replicas,
                st.available_replicas,
                st.updated_replicas
            ),
            (Some(2), Some(2), Some(2), Some(2))
        );
        assert_eq!(
            cond(&d, "Available"),
            Some(("True".into(), "MinimumReplicasAvailable".into()))
        );
        assert_eq!(
            cond(&d, "Progressing"),
            Some(("True".into(), "NewReplicaSetAvailable".into()))
        );
        assert_eq!(st.observed_generation, d.metadata.generation);
        let rs: Vec<ReplicaSet> = t.list("tb-demo");
        assert_eq!(rs.len(), 1);
        assert!(
            rs[0]
                .metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key(HASH))
        );
    }
}
