//! Hysteresis between the rules and the screen: the TUI re-runs the rules
//! on every change, and a fleet in motion (a crash-looping pod that is
//! ready for a second, a Kong poll racing an endpoint update) would make
//! findings blink. A finding is shown once it has held for [`SHOW_AFTER`]
//! seconds over at least two evaluations, and is kept for [`CLEAR_AFTER`]
//! seconds after it stopped holding. Nothing is said about a source (a
//! cluster, a gateway, an AWS region) before it has synced once, and
//! nothing at all until [`SHOW_AFTER`] seconds after the whole fleet first
//! answered, so the first findings shown are the whole set, not the part
//! whose sources happened to answer first.
//!
//! Pure: the clock is the `now` passed in, so tests drive it by hand.
//! Headless `fleetdeck diagnose` is one evaluation after every source
//! synced and does not go through here.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use super::{Finding, ObjectRef};
use crate::model::fleet::Fleet;

/// Seconds a finding must hold (in every evaluation meanwhile) before it is shown.
pub const SHOW_AFTER: i64 = 3;
/// Seconds a shown finding stays after it stopped holding.
pub const CLEAR_AFTER: i64 = 20;

/// A source the fleet is read from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Cluster(String),
    Gateway(String),
    Region(String),
}

/// The sources that have delivered a full first answer right now.
pub fn synced(fleet: &Fleet) -> Vec<Source> {
    let clusters = fleet
        .clusters
        .values()
        .filter(|c| {
            c.connection.error().is_some()
                || (c.connection.is_settled() && c.kinds.values().all(|k| k.is_settled()))
        })
        .map(|c| Source::Cluster(c.name.clone()));
    let gateways = fleet
        .gateways
        .values()
        .filter(|g| g.state.is_settled() && g.nodes.values().all(|n| n.polled.is_some()))
        .map(|g| Source::Gateway(g.name.clone()));
    let regions = fleet
        .aws
        .values()
        .filter(|r| r.state.is_settled())
        .map(|r| Source::Region(r.region.clone()));
    clusters.chain(gateways).chain(regions).collect()
}

/// The sources a finding's facts were read from: those of its objects and
/// evidence, a Kong gateway's cluster or ECS region, and every region for
/// Fargate findings (they read the profiles).
pub fn sources_of(fleet: &Fleet, f: &Finding) -> BTreeSet<Source> {
    let mut out = BTreeSet::new();
    let objects = f.objects.iter().chain(f.evidence.iter().map(|l| &l.object));
    for o in objects {
        add_source(fleet, o, &mut out);
    }
    if f.code.starts_with("FD-FARGATE-") {
        out.extend(fleet.aws.keys().map(|r| Source::Region(r.clone())));
    }
    out
}

fn add_source(fleet: &Fleet, o: &ObjectRef, out: &mut BTreeSet<Source>) {
    let gateway = match o.kind.as_str() {
        "KongNode" | "KongUpstream" => Some(&o.namespace),
        "Gateway" => Some(&o.name),
        "EcsService" | "EcsTask" | "FargateProfile" | "Nodegroup" | "AwsRegion" => {
            out.insert(Source::Region(o.cluster.clone()));
            None
        }
        _ => {
            if !o.cluster.is_empty() {
                out.insert(Source::Cluster(o.cluster.clone()));
            }
            None
        }
    };
    let Some(name) = gateway else {
        return;
    };
    out.insert(Source::Gateway(name.clone()));
    let Some(g) = fleet.gateways.get(name) else {
        return;
    };
    if let Some(c) = &g.cluster {
        out.insert(Source::Cluster(c.clone()));
    }
    // `region/cluster/service`: the targets are read from that region's tasks.
    if let Some(region) = g.ecs_service.as_deref().and_then(|s| s.split('/').next()) {
        out.insert(Source::Region(region.to_owned()));
    }
}

/// What a finding is, across evaluations: its code and the object it is about.
type Key = (&'static str, Option<ObjectRef>);

#[derive(Debug, Clone)]
struct Track {
    since: Timestamp,
    /// The last evaluation it held in.
    last: Timestamp,
    evaluations: u32,
    shown: bool,
    /// As of the last evaluation it held in: its facts are the latest.
    finding: Finding,
}

/// The findings the screen shows, with their history.
#[derive(Debug, Clone, Default)]
pub struct Stable {
    tracks: BTreeMap<Key, Track>,
    ever_synced: BTreeSet<Source>,
    /// The last evaluation.
    evaluated: Option<Timestamp>,
    /// The first evaluation in which every source had answered.
    settled: Option<Timestamp>,
    expected: Expected,
}

/// The sources the app starts, by name: the fleet has not answered until
/// each has announced itself (a gateway on a failed cluster never will).
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub clusters: Vec<String>,
    /// (gateway, the context whose pods it runs on)
    pub gateways: Vec<(String, Option<String>)>,
    pub regions: Vec<String>,
}

impl Expected {
    /// Every expected source is in the fleet and every source in it answered.
    pub fn answered(&self, fleet: &Fleet) -> bool {
        self.announced(fleet) && fleet.settled()
    }

    /// Every expected source has announced itself. A gateway on a cluster
    /// that failed before its pods could be listed never will: the cluster's
    /// error stands for it.
    pub fn announced(&self, fleet: &Fleet) -> bool {
        let failed = |c: &Option<String>| {
            c.as_ref()
                .and_then(|c| fleet.clusters.get(c))
                .is_some_and(|c| c.connection.error().is_some())
        };
        self.clusters.iter().all(|c| fleet.clusters.contains_key(c))
            && self
                .gateways
                .iter()
                .all(|(g, c)| fleet.gateways.contains_key(g) || failed(c))
            && self.regions.iter().all(|r| fleet.aws.contains_key(r))
    }
}

impl Stable {
    /// Hysteresis for a fleet of these sources.
    pub fn expecting(expected: Expected) -> Self {
        Stable {
            expected,
            ..Stable::default()
        }
    }

    /// Whether every expected source has announced itself and answered.
    pub fn answered(&self, fleet: &Fleet) -> bool {
        self.expected.answered(fleet)
    }

    /// Takes one evaluation's findings (each with the sources it read), the
    /// sources synced now and whether every source has answered; returns
    /// what to show.
    pub fn step(
        &mut self,
        now: Timestamp,
        synced: impl IntoIterator<Item = Source>,
        all_answered: bool,
        fresh: Vec<(Finding, BTreeSet<Source>)>,
    ) -> Vec<Finding> {
        self.ever_synced.extend(synced);
        self.evaluated = Some(now);
        if all_answered && self.settled.is_none() {
            self.settled = Some(now);
        }
        let ready = self.settled.is_some_and(|t| secs(t, now) >= SHOW_AFTER);
        let mut held: BTreeSet<Key> = BTreeSet::new();
        for (f, sources) in fresh {
            if !sources.is_subset(&self.ever_synced) {
                continue;
            }
            let key = (f.code, f.primary().cloned());
            if !held.insert(key.clone()) {
                continue;
            }
            let t = self.tracks.entry(key).or_insert_with(|| Track {
                since: now,
                last: now,
                evaluations: 0,
                shown: false,
                finding: f.clone(),
            });
            t.last = now;
            t.evaluations += 1;
            t.finding = f;
            if ready && t.evaluations >= 2 && secs(t.since, now) >= SHOW_AFTER {
                t.shown = true;
            }
        }
        // A finding not yet shown must hold without a gap; a shown one lingers.
        self.tracks
            .retain(|k, t| held.contains(k) || (t.shown && secs(t.last, now) < CLEAR_AFTER));
        self.tracks
            .values()
            .filter(|t| t.shown)
            .map(|t| t.finding.clone())
            .collect()
    }

    /// Whether findings are shown at all yet: [`SHOW_AFTER`] seconds after
    /// every source first answered.
    pub fn ready(&self, now: Timestamp) -> bool {
        self.settled.is_some_and(|t| secs(t, now) >= SHOW_AFTER)
    }

    /// Findings that hold but are not shown yet.
    pub fn settling(&self) -> usize {
        self.tracks.values().filter(|t| !t.shown).count()
    }

    /// Whether another evaluation is due even if the fleet did not change:
    /// the fleet has not answered long enough yet, or a finding waits to be
    /// shown or to be cleared.
    pub fn waiting(&self) -> bool {
        let early = match (self.settled, self.evaluated) {
            (Some(s), Some(e)) => secs(s, e) < SHOW_AFTER,
            _ => true,
        };
        early
            || self
                .tracks
                .values()
                .any(|t| !t.shown || Some(t.last) != self.evaluated)
    }
}

fn secs(from: Timestamp, to: Timestamp) -> i64 {
    to.as_second().saturating_sub(from.as_second())
}

#[cfg(test)]
#[path = "stable_tests.rs"]
mod tests;
