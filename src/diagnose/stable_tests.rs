//! Hysteresis of findings on a fake clock: shown after holding, kept after
//! clearing, silent about sources that never synced.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::{CLEAR_AFTER, SHOW_AFTER, Source, Stable, sources_of, synced};
use crate::diagnose::fixtures::{self, now};
use crate::diagnose::{Code, Finding, ObjectRef};
use crate::model::fleet::SourceUpdate;

fn at(s: i64) -> Timestamp {
    now() + SignedDuration::from_secs(s)
}

fn crash(pod: &str, cause: &str) -> Finding {
    Finding::new(
        Code::PodCrashLoop,
        ObjectRef::new("prod", "Pod", "shop", pod),
        cause,
    )
}

fn prod() -> BTreeSet<Source> {
    [Source::Cluster("prod".into())].into_iter().collect()
}

/// One evaluation at second `s` in which `found` hold, `prod` synced.
fn step(st: &mut Stable, s: i64, found: &[&Finding]) -> Vec<String> {
    let fresh = found.iter().map(|f| ((*f).clone(), prod())).collect();
    st.step(at(s), prod(), true, fresh)
        .into_iter()
        .map(|f| f.cause)
        .collect()
}

#[test]
fn a_finding_is_shown_only_after_it_held_for_show_after() {
    let mut st = Stable::default();
    let f = crash("payments-1", "crash");
    assert!(step(&mut st, 0, &[&f]).is_empty());
    assert_eq!(st.settling(), 1);
    assert!(
        st.waiting(),
        "a settling finding asks for another evaluation"
    );
    assert!(step(&mut st, SHOW_AFTER - 1, &[&f]).is_empty());
    assert_eq!(step(&mut st, SHOW_AFTER, &[&f]), vec!["crash"]);
    assert_eq!(st.settling(), 0);
    assert!(!st.waiting());
}

#[test]
fn a_gap_before_it_is_shown_restarts_the_wait() {
    let mut st = Stable::default();
    let f = crash("payments-1", "crash");
    step(&mut st, 0, &[&f]);
    step(&mut st, 1, &[]);
    assert!(step(&mut st, SHOW_AFTER, &[&f]).is_empty());
    assert_eq!(step(&mut st, 2 * SHOW_AFTER, &[&f]), vec!["crash"]);
}

#[test]
fn a_shown_finding_stays_until_it_stopped_holding_for_clear_after() {
    let mut st = Stable::default();
    let f = crash("payments-1", "crash");
    step(&mut st, 0, &[&f]);
    step(&mut st, SHOW_AFTER, &[&f]);
    let gone = SHOW_AFTER + 1;
    assert_eq!(step(&mut st, gone, &[]), vec!["crash"]);
    assert!(
        st.waiting(),
        "a lingering finding asks for another evaluation"
    );
    assert_eq!(
        step(&mut st, SHOW_AFTER + CLEAR_AFTER - 1, &[]),
        vec!["crash"]
    );
    assert!(step(&mut st, SHOW_AFTER + CLEAR_AFTER, &[]).is_empty());
    assert!(!st.waiting());
}

#[test]
fn a_flapping_finding_keeps_one_row_and_its_latest_facts() {
    let mut st = Stable::default();
    let a = crash("payments-1", "restarted 3 times");
    let b = crash("payments-1", "restarted 4 times");
    step(&mut st, 0, &[&a]);
    step(&mut st, SHOW_AFTER, &[&a]);
    // Holds, stops, holds again with new facts: one row throughout.
    for s in SHOW_AFTER + 1..SHOW_AFTER + 10 {
        let shown = if s % 2 == 0 {
            step(&mut st, s, &[&b])
        } else {
            step(&mut st, s, &[])
        };
        assert_eq!(shown.len(), 1, "second {s}: {shown:?}");
    }
    assert_eq!(step(&mut st, 100, &[&b]), vec!["restarted 4 times"]);
}

#[test]
fn nothing_is_said_about_a_source_before_it_synced_once() {
    let mut st = Stable::default();
    let f = crash("payments-1", "crash");
    let fresh = || vec![(f.clone(), prod())];
    for s in 0..10 {
        assert!(st.step(at(s), Vec::new(), true, fresh()).is_empty());
    }
    assert_eq!(st.settling(), 0, "not even counted as settling");
    // Synced once, then relisting: its findings count again from then.
    st.step(at(10), prod(), true, fresh());
    assert_eq!(
        st.step(at(10 + SHOW_AFTER), Vec::new(), false, fresh())
            .len(),
        1
    );
}

#[test]
fn the_first_findings_shown_are_the_whole_set_after_the_fleet_answered() {
    let mut st = Stable::default();
    let early = crash("payments-1", "early");
    let late = crash("checkout-1", "late");
    let fresh = |fs: &[&Finding]| fs.iter().map(|f| ((*f).clone(), prod())).collect();
    // Held long before every source answered: still not shown.
    for s in 0..10 {
        assert!(st.step(at(s), prod(), false, fresh(&[&early])).is_empty());
    }
    // Everything answered at 10; `late` is first seen then.
    assert!(
        st.step(at(10), prod(), true, fresh(&[&early, &late]))
            .is_empty()
    );
    assert!(
        st.step(
            at(10 + SHOW_AFTER - 1),
            prod(),
            true,
            fresh(&[&early, &late])
        )
        .is_empty()
    );
    assert!(!st.ready(at(10 + SHOW_AFTER - 1)));
    let shown = st.step(at(10 + SHOW_AFTER), prod(), false, fresh(&[&early, &late]));
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(st.ready(at(10 + SHOW_AFTER)));
}

#[test]
fn sources_follow_the_objects_and_evidence() {
    let mut fleet = fixtures::fleet("prod", &[]);
    fleet.apply(
        SourceUpdate::ClusterAdded {
            cluster: "booting".into(),
            server: None,
        },
        now(),
    );
    let synced: BTreeSet<Source> = synced(&fleet).into_iter().collect();
    assert!(
        synced.contains(&Source::Cluster("prod".into())),
        "{synced:?}"
    );
    assert!(
        !synced.contains(&Source::Cluster("booting".into())),
        "{synced:?}"
    );
    let f = crash("payments-1", "crash").link(
        ObjectRef::new("eu-west-1", "EcsService", "apps", "payments"),
        "fact",
    );
    let want: BTreeSet<Source> = [
        Source::Cluster("prod".into()),
        Source::Region("eu-west-1".into()),
    ]
    .into_iter()
    .collect();
    assert_eq!(sources_of(&fleet, &f), want);
}

#[test]
fn help_states_the_times() {
    let (_, desc) = crate::view::commands::commands()
        .into_iter()
        .find(|(names, _)| names.contains(&"findings"))
        .expect("a :findings command");
    assert!(
        desc.contains(&format!("held {SHOW_AFTER} s"))
            && desc.contains(&format!("{CLEAR_AFTER} s")),
        "{desc}"
    );
}

#[test]
fn the_fleet_has_not_answered_until_every_expected_source_is_in_it() {
    let fleet = fixtures::fleet("prod", &[]);
    let expect = |clusters: &[&str], gateways: Vec<(String, Option<String>)>| super::Expected {
        clusters: clusters.iter().map(|c| (*c).to_owned()).collect(),
        gateways,
        regions: Vec::new(),
    };
    assert!(expect(&["prod"], Vec::new()).answered(&fleet));
    assert!(!expect(&["prod", "staging"], Vec::new()).answered(&fleet));
    let kong = vec![("kong".to_owned(), Some("prod".to_owned()))];
    assert!(!expect(&["prod"], kong).answered(&fleet));
}
