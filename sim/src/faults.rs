//! Faults a run can inject into a simulated cluster's API server:
//! dropped watches, 410 on the next watch, a 5xx rate, added latency, token
//! expiry, 403 on one resource kind, 404 on one resource kind (a server
//! that does not serve it), a network partition or an outage over a time
//! window, and a black hole. (Kong node faults live with Kong.)
//!
//! Spec syntax (`fleetdeck sim --fault SPEC`, repeatable), optionally
//! prefixed `CONTEXT/` to hit one cluster only:
//! `drop-watches@SECS` (every SECS seconds), `gone-next-watch`, `5xx=RATE`
//! (0..1), `latency=MS`, `token-expiry=SECS`, `forbid=PLURAL`, `unserve=PLURAL`,
//! `kong-timeout=NODE`, `kong-garbage=NODE`, `partition[=START..[END]]`
//! (every connection held open, nothing passes), `outage=START..[END]`
//! (every connection reset), `blackhole` (SYNs unanswered from the start).
//! START and END are seconds after the sim starts; no END: for good.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// One parsed `--fault`.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultSpec {
    DropWatchesEvery(Duration),
    GoneNextWatch,
    ErrorRate(f64),
    Latency(Duration),
    TokenExpiry(Duration),
    Forbid(String),
    /// 404 on every request for this resource, as a server without it answers.
    Unserve(String),
    KongTimeout(String),
    KongGarbage(String),
    /// An ECS Kong node sees the first target of each upstream down while
    /// the others see it up (its own health checks disagree).
    KongSplit(String),
    /// Connections stay open and pass nothing, in both directions.
    Partition(Window),
    /// Every connection is reset, new ones too.
    Outage(Window),
    /// The listener never completes a TCP handshake.
    Blackhole,
}

/// A span of the run, in seconds after the fault is applied; no end: for good.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: Duration,
    pub end: Option<Duration>,
}

/// What the network lets through right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Up,
    /// Partitioned: bytes neither arrive nor leave; connections stay open.
    Silent,
    /// Outage: connections are reset.
    Down,
}

/// A fault spec with the cluster it targets (`None`: every cluster).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetedFault {
    pub context: Option<String>,
    pub fault: FaultSpec,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("--fault {spec:?}: {reason}")]
pub struct FaultParseError {
    pub spec: String,
    pub reason: String,
}

pub fn parse(spec: &str) -> Result<TargetedFault, FaultParseError> {
    let err = |reason: &str| FaultParseError {
        spec: spec.to_owned(),
        reason: reason.to_owned(),
    };
    let (context, body) = match spec.split_once('/') {
        Some((ctx, rest)) => (Some(ctx.to_owned()), rest),
        None => (None, spec),
    };
    let number = |v: &str| {
        v.trim_end_matches("ms")
            .trim_end_matches('s')
            .parse::<f64>()
            .ok()
            .filter(|n| *n >= 0.0)
    };
    let window = |v: &str| -> Option<Window> {
        let (a, b) = v.split_once("..")?;
        let start = Duration::from_secs_f64(number(a)?);
        let end = match b {
            "" => None,
            b => Some(Duration::from_secs_f64(number(b)?)).filter(|e| *e > start),
        };
        (b.is_empty() || end.is_some()).then_some(Window { start, end })
    };
    let fault = if body == "gone-next-watch" {
        FaultSpec::GoneNextWatch
    } else if body == "blackhole" {
        FaultSpec::Blackhole
    } else if body == "partition" {
        FaultSpec::Partition(Window {
            start: Duration::ZERO,
            end: None,
        })
    } else if let Some(v) = body.strip_prefix("partition=") {
        FaultSpec::Partition(
            window(v).ok_or_else(|| err("expected START..[END] seconds, e.g. partition=10..40"))?,
        )
    } else if let Some(v) = body.strip_prefix("outage=") {
        FaultSpec::Outage(
            window(v).ok_or_else(|| err("expected START..[END] seconds, e.g. outage=10..40"))?,
        )
    } else if let Some(v) = body.strip_prefix("drop-watches@") {
        FaultSpec::DropWatchesEvery(Duration::from_secs_f64(
            number(v)
                .filter(|n| *n > 0.0)
                .ok_or_else(|| err("expected seconds > 0, e.g. drop-watches@30"))?,
        ))
    } else if let Some(v) = body.strip_prefix("5xx=") {
        FaultSpec::ErrorRate(
            number(v)
                .filter(|n| *n <= 1.0)
                .ok_or_else(|| err("expected a rate from 0 to 1, e.g. 5xx=0.1"))?,
        )
    } else if let Some(v) = body.strip_prefix("latency=") {
        FaultSpec::Latency(Duration::from_millis(
            number(v).ok_or_else(|| err("expected milliseconds, e.g. latency=200ms"))? as u64,
        ))
    } else if let Some(v) = body.strip_prefix("token-expiry=") {
        FaultSpec::TokenExpiry(Duration::from_secs_f64(
            number(v).ok_or_else(|| err("expected seconds, e.g. token-expiry=60"))?,
        ))
    } else if let Some(v) = body.strip_prefix("forbid=").filter(|v| !v.is_empty()) {
        FaultSpec::Forbid(v.to_owned())
    } else if let Some(v) = body.strip_prefix("unserve=").filter(|v| !v.is_empty()) {
        FaultSpec::Unserve(v.to_owned())
    } else if let Some(v) = body.strip_prefix("kong-timeout=").filter(|v| !v.is_empty()) {
        FaultSpec::KongTimeout(v.to_owned())
    } else if let Some(v) = body.strip_prefix("kong-garbage=").filter(|v| !v.is_empty()) {
        FaultSpec::KongGarbage(v.to_owned())
    } else if let Some(v) = body.strip_prefix("kong-split=").filter(|v| !v.is_empty()) {
        FaultSpec::KongSplit(v.to_owned())
    } else {
        return Err(err(
            "unknown fault; expected drop-watches@SECS, gone-next-watch, 5xx=RATE, latency=MS, token-expiry=SECS, forbid=PLURAL, unserve=PLURAL, kong-timeout=NODE, kong-garbage=NODE, kong-split=NODE, partition[=START..[END]], outage=START..[END] or blackhole",
        ));
    };
    Ok(TargetedFault { context, fault })
}

/// The live fault state of one cluster's API server.
pub struct Faults {
    state: Mutex<State>,
    /// Bumped to end every open watch at once.
    drop_epoch: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    gone_next_watch: bool,
    error_rate: f64,
    latency: Duration,
    token_expires_at: Option<Instant>,
    forbidden: HashSet<String>,
    unserved: HashSet<String>,
    requests: u64,
    /// Absolute partition and outage spans: (start, end).
    partitions: Vec<(Instant, Option<Instant>)>,
    outages: Vec<(Instant, Option<Instant>)>,
    blackhole: bool,
}

fn within(spans: &[(Instant, Option<Instant>)], now: Instant) -> bool {
    spans
        .iter()
        .any(|(start, end)| now >= *start && end.is_none_or(|e| now < e))
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            state: Mutex::new(State::default()),
            drop_epoch: watch::channel(0).0,
        }
    }
}

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies a fault now (drop-watches schedules are driven by the sim).
    pub fn apply(&self, fault: &FaultSpec) {
        let mut s = self.state();
        match fault {
            FaultSpec::GoneNextWatch => s.gone_next_watch = true,
            FaultSpec::ErrorRate(r) => s.error_rate = *r,
            FaultSpec::Latency(d) => s.latency = *d,
            FaultSpec::TokenExpiry(d) => s.token_expires_at = Some(Instant::now() + *d),
            FaultSpec::Forbid(plural) => {
                s.forbidden.insert(plural.clone());
            }
            FaultSpec::Unserve(plural) => {
                s.unserved.insert(plural.clone());
            }
            FaultSpec::DropWatchesEvery(_) => {
                drop(s);
                self.drop_watches();
            }
            FaultSpec::Partition(w) | FaultSpec::Outage(w) => {
                let now = Instant::now();
                let span = (now + w.start, w.end.map(|e| now + e));
                match fault {
                    FaultSpec::Partition(_) => s.partitions.push(span),
                    _ => s.outages.push(span),
                }
            }
            FaultSpec::Blackhole => s.blackhole = true,
            FaultSpec::KongTimeout(_) | FaultSpec::KongGarbage(_) | FaultSpec::KongSplit(_) => {}
        }
    }

    /// What the network passes right now; an outage wins over a partition.
    pub fn link(&self) -> Link {
        let s = self.state();
        let now = Instant::now();
        if within(&s.outages, now) {
            Link::Down
        } else if within(&s.partitions, now) {
            Link::Silent
        } else {
            Link::Up
        }
    }

    /// Whether any partition or outage is scheduled (connections must then
    /// re-check the link on a timer, as nothing else would wake them).
    pub fn has_link_faults(&self) -> bool {
        let s = self.state();
        !s.partitions.is_empty() || !s.outages.is_empty()
    }

    pub fn blackholed(&self) -> bool {
        self.state().blackhole
    }

    pub fn drop_watches(&self) {
        self.drop_epoch.send_modify(|e| *e += 1);
    }

    pub fn watch_drops(&self) -> watch::Receiver<u64> {
        self.drop_epoch.subscribe()
    }

    /// True once: the next watch gets 410 Gone.
    pub fn take_gone(&self) -> bool {
        std::mem::take(&mut self.state().gone_next_watch)
    }

    pub fn latency(&self) -> Duration {
        self.state().latency
    }

    pub fn token_expired(&self) -> bool {
        self.state()
            .token_expires_at
            .is_some_and(|t| Instant::now() >= t)
    }

    pub fn forbids(&self, plural: &str) -> bool {
        self.state().forbidden.contains(plural)
    }

    pub fn unserves(&self, plural: &str) -> bool {
        self.state().unserved.contains(plural)
    }

    /// Whether this request should fail with a 5xx, spread evenly at the set rate.
    pub fn should_fail(&self) -> bool {
        let mut s = self.state();
        if s.error_rate <= 0.0 {
            return false;
        }
        s.requests += 1;
        let n = s.requests as f64;
        (n * s.error_rate).floor() > ((n - 1.0) * s.error_rate).floor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_spec_and_rejects_nonsense() {
        assert_eq!(
            parse("gone-next-watch").map(|t| t.fault),
            Ok(FaultSpec::GoneNextWatch)
        );
        let t = parse("global-eu-2/forbid=pods").expect("parses");
        assert_eq!(t.context.as_deref(), Some("global-eu-2"));
        assert_eq!(t.fault, FaultSpec::Forbid("pods".into()));
        let t = parse("unserve=ingresses").expect("parses");
        assert_eq!(t.fault, FaultSpec::Unserve("ingresses".into()));
        assert!(parse("unserve=").is_err());
        assert_eq!(
            parse("latency=250ms").map(|t| t.fault),
            Ok(FaultSpec::Latency(Duration::from_millis(250)))
        );
        assert!(parse("5xx=3").is_err());
        assert_eq!(
            parse("partition=10..40").map(|t| t.fault),
            Ok(FaultSpec::Partition(Window {
                start: Duration::from_secs(10),
                end: Some(Duration::from_secs(40))
            }))
        );
        assert_eq!(
            parse("outage=5..").map(|t| t.fault),
            Ok(FaultSpec::Outage(Window {
                start: Duration::from_secs(5),
                end: None
            }))
        );
        assert!(parse("outage=40..10").is_err());
        assert!(parse("outage=").is_err());
        assert_eq!(
            parse("blackhole").map(|t| t.fault),
            Ok(FaultSpec::Blackhole)
        );
        assert!(
            parse("explode")
                .expect_err("unknown")
                .to_string()
                .contains("unknown fault")
        );
    }

    #[test]
    fn error_rate_is_spread_evenly() {
        let f = Faults::default();
        f.apply(&FaultSpec::ErrorRate(0.25));
        let failed = (0..100).filter(|_| f.should_fail()).count();
        assert_eq!(failed, 25);
        assert!(!f.take_gone());
        f.apply(&FaultSpec::GoneNextWatch);
        assert!(f.take_gone() && !f.take_gone());
    }

    #[test]
    fn the_link_follows_the_windows() {
        let f = Faults::default();
        assert_eq!(f.link(), Link::Up);
        assert!(!f.has_link_faults());
        f.apply(&FaultSpec::Partition(Window {
            start: Duration::ZERO,
            end: None,
        }));
        assert_eq!(f.link(), Link::Silent);
        f.apply(&FaultSpec::Outage(Window {
            start: Duration::ZERO,
            end: Some(Duration::from_secs(3600)),
        }));
        assert_eq!(f.link(), Link::Down);
        let later = Faults::default();
        later.apply(&FaultSpec::Outage(Window {
            start: Duration::from_secs(3600),
            end: None,
        }));
        assert_eq!(later.link(), Link::Up);
        assert!(later.has_link_faults());
    }
}
