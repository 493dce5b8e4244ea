//! After a fix was applied: whether the finding it was for (the incident's
//! root) stops holding. Fed the shown findings at each evaluation; decides
//! once — cleared, or still holding after [`WATCH_LIMIT`] — and keeps that.
//! Pure: the clock comes in, so it is tested with a fake one.

use jiff::Timestamp;

use super::{Code, Finding, ObjectRef};

/// Seconds a fix has to clear its finding before it is reported as not
/// having cleared it (a replaced Kong node or rolled pods take well under
/// a minute, the shown list's own clear hold included).
pub const WATCH_LIMIT: i64 = 300;

/// Seconds a verdict stays on the status line before the watch ends.
pub const VERDICT_SHOWN: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The finding stopped being shown this many seconds after the fix.
    Cleared(i64),
    /// Still shown when the limit passed, this many seconds after the fix.
    Held(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixWatch {
    /// The code of the finding the fix was for.
    pub code: String,
    /// Its object's label, as its row shows it.
    pub object: String,
    /// When the action reported success.
    pub applied: Timestamp,
    verdict: Option<(Verdict, Timestamp)>,
    /// The finding's object as last seen: what a source failure may hide.
    seen: Option<ObjectRef>,
    /// The finding is gone but a source failure hides its object: why.
    blind: Option<String>,
}

impl FixWatch {
    pub fn new(code: &str, object: &str, applied: Timestamp) -> Self {
        FixWatch {
            code: code.to_owned(),
            object: object.to_owned(),
            applied,
            verdict: None,
            seen: None,
            blind: None,
        }
    }

    /// Whether `f` is the finding this watch is for.
    pub fn is_for(&self, f: &Finding) -> bool {
        f.code == self.code && f.primary().map(ObjectRef::label).unwrap_or_default() == self.object
    }

    /// One evaluation at `now` of the shown findings `list`.
    pub fn observe(&mut self, now: Timestamp, list: &[Finding]) {
        if self.verdict.is_some() {
            return;
        }
        let secs = self.since(now);
        if let Some(f) = list.iter().find(|f| self.is_for(f)) {
            self.seen = f.primary().cloned();
            self.blind = None;
        } else {
            // Gone because we cannot see its object is not cleared.
            self.blind = list
                .iter()
                .find(|f| self.seen.as_ref().is_some_and(|o| hides(f, o)))
                .map(|f| {
                    let on = f.primary().map(ObjectRef::label).unwrap_or_default();
                    format!("{} on {on}", f.code)
                });
            if self.blind.is_none() {
                self.verdict = Some((Verdict::Cleared(secs), now));
                return;
            }
        }
        if secs >= WATCH_LIMIT {
            self.verdict = Some((Verdict::Held(secs), now));
        }
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict.map(|(v, _)| v)
    }

    /// Whether the verdict has been shown long enough to end the watch.
    pub fn over(&self, now: Timestamp) -> bool {
        self.verdict
            .is_some_and(|(_, at)| now.as_second() - at.as_second() >= VERDICT_SHOWN)
    }

    /// The status line.
    pub fn text(&self, now: Timestamp) -> String {
        let head = format!("fix applied; watching {} on {}", self.code, self.object);
        match self.verdict() {
            None => match &self.blind {
                Some(why) => format!("{head}: cannot tell ({}s): {why}", self.since(now)),
                None => format!("{head}: still holding ({}s)", self.since(now)),
            },
            Some(Verdict::Cleared(s)) => format!("{head}: cleared after {s}s"),
            Some(Verdict::Held(s)) => {
                format!("{head}: still holding after {s}s: the fix did not clear it")
            }
        }
    }

    /// The note on the finding's row (shown while the finding is).
    pub fn row_note(&self, now: Timestamp) -> String {
        match self.verdict() {
            Some(Verdict::Held(s)) => format!("[fix applied {s}s ago did not clear it]"),
            _ => format!("[fix applied {}s ago, watching]", self.since(now)),
        }
    }

    /// Whether the watch's verdict is still open because a source failure
    /// hides the finding's object.
    pub fn blind(&self) -> Option<&str> {
        self.blind.as_deref()
    }

    fn since(&self, now: Timestamp) -> i64 {
        (now.as_second() - self.applied.as_second()).max(0)
    }
}

/// Whether finding `f` says a source that shows `o` cannot be seen (its
/// cluster, its gateway or Kong node, its AWS region): while it holds,
/// `o`'s findings are not made, so their absence proves nothing.
fn hides(f: &Finding, o: &ObjectRef) -> bool {
    let Some(p) = f.primary() else {
        return false;
    };
    match Code::from_id(f.code) {
        Some(
            Code::ClusterUnreachable
            | Code::ClusterUnauthorized
            | Code::ClusterForbidden
            | Code::ClusterStale,
        ) => !o.cluster.is_empty() && p.cluster == o.cluster,
        Some(Code::GatewaySource) => o.kind == "KongNode" && p.name == o.namespace,
        Some(Code::KongUnreachable) => o.kind == "KongNode" && p == o,
        Some(Code::AwsUnreachable) => !o.cluster.is_empty() && p.cluster == o.cluster,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).expect("valid")
    }

    fn finding(name: &str) -> Finding {
        Finding::new(
            Code::KongNoPeer,
            ObjectRef::new("", "KongNode", "kong-ecs/kong", name),
            "no peer",
        )
    }

    fn watch() -> FixWatch {
        let f = finding("10.0.1.7:8001");
        let object = f.primary().map(ObjectRef::label).unwrap_or_default();
        FixWatch::new("FD-KONG-NO-PEER", &object, at(0))
    }

    #[test]
    fn holding_then_cleared_reports_the_seconds_and_keeps_the_verdict() {
        let mut w = watch();
        let holding = vec![finding("10.0.1.7:8001"), finding("10.0.1.8:8001")];
        w.observe(at(12), &holding);
        assert_eq!(w.verdict(), None);
        assert!(
            w.text(at(12)).ends_with(": still holding (12s)"),
            "{}",
            w.text(at(12))
        );
        assert!(w.text(at(12)).starts_with(
            "fix applied; watching FD-KONG-NO-PEER on KongNode kong-ecs/kong/10.0.1.7:8001"
        ));
        // Another node's finding is not this one.
        w.observe(at(31), &[finding("10.0.1.8:8001")]);
        assert_eq!(w.verdict(), Some(Verdict::Cleared(31)));
        assert!(w.text(at(40)).ends_with(": cleared after 31s"));
        // Decided once: the finding coming back later is a new story.
        w.observe(at(45), &holding);
        assert_eq!(w.verdict(), Some(Verdict::Cleared(31)));
        assert!(!w.over(at(31 + VERDICT_SHOWN - 1)));
        assert!(w.over(at(31 + VERDICT_SHOWN)));
    }

    #[test]
    fn still_holding_at_the_limit_says_the_fix_did_not_clear_it() {
        let mut w = watch();
        let holding = vec![finding("10.0.1.7:8001")];
        w.observe(at(WATCH_LIMIT - 1), &holding);
        assert_eq!(w.verdict(), None);
        w.observe(at(WATCH_LIMIT + 2), &holding);
        assert_eq!(w.verdict(), Some(Verdict::Held(WATCH_LIMIT + 2)));
        assert!(w.text(at(WATCH_LIMIT + 5)).ends_with(&format!(
            ": still holding after {}s: the fix did not clear it",
            WATCH_LIMIT + 2
        )));
        assert_eq!(
            w.row_note(at(WATCH_LIMIT + 5)),
            format!("[fix applied {}s ago did not clear it]", WATCH_LIMIT + 2)
        );
        // Clearing after the verdict does not turn it into a success.
        w.observe(at(WATCH_LIMIT + 9), &[]);
        assert_eq!(w.verdict(), Some(Verdict::Held(WATCH_LIMIT + 2)));
    }

    #[test]
    fn gone_while_its_source_cannot_be_seen_is_not_cleared() {
        let mut w = watch();
        let node = finding("10.0.1.7:8001");
        w.observe(at(5), std::slice::from_ref(&node));
        let o = node.primary().cloned().expect("object");
        let down = Finding::new(
            Code::KongUnreachable,
            o.clone(),
            "the admin API does not answer",
        );
        w.observe(at(20), &[down]);
        assert_eq!(w.verdict(), None, "hidden, not cleared");
        assert!(
            w.text(at(20))
                .contains(": cannot tell (20s): FD-KONG-UNREACHABLE on"),
            "{}",
            w.text(at(20))
        );
        // Another node unreachable hides nothing of this one.
        let other = Finding::new(
            Code::KongUnreachable,
            ObjectRef::new("", "KongNode", "kong-ecs/kong", "10.0.1.8:8001"),
            "the admin API does not answer",
        );
        w.observe(at(30), &[other]);
        assert_eq!(w.verdict(), Some(Verdict::Cleared(30)));
    }

    #[test]
    fn a_cluster_that_cannot_be_seen_hides_its_objects_findings() {
        let pod = Finding::new(
            Code::PodCrashLoop,
            ObjectRef::new("prod-eu", "Deployment", "shop", "payments"),
            "crash-looping",
        );
        let label = pod.primary().map(ObjectRef::label).unwrap_or_default();
        let mut w = FixWatch::new("FD-POD-CRASHLOOP", &label, at(0));
        w.observe(at(3), std::slice::from_ref(&pod));
        let unreachable = |c: &str| {
            Finding::new(
                Code::ClusterUnreachable,
                ObjectRef::new(c, "Cluster", "", c),
                "unreachable",
            )
        };
        w.observe(at(10), &[unreachable("prod-eu")]);
        assert_eq!(w.verdict(), None);
        assert!(w.blind().is_some());
        w.observe(at(12), &[unreachable("prod-us")]);
        assert_eq!(w.verdict(), Some(Verdict::Cleared(12)));
    }
}
