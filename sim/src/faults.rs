//! Faults a run can inject into a simulated cluster's API server:
//! dropped watches, 410 on the next watch, a 5xx rate, added latency, token
//! expiry, 403 on one resource kind, 404 on one resource kind (a server
//! that does not serve it). (Kong node faults live with Kong.)
//!
//! Spec syntax (`fleetdeck sim --fault SPEC`, repeatable), optionally
//! prefixed `CONTEXT/` to hit one cluster only:
//! `drop-watches@SECS` (every SECS seconds), `gone-next-watch`, `5xx=RATE`
//! (0..1), `latency=MS`, `token-expiry=SECS`, `forbid=PLURAL`, `unserve=PLURAL`,
//! `kong-timeout=NODE`, `kong-garbage=NODE`.

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
    let fault = if body == "gone-next-watch" {
        FaultSpec::GoneNextWatch
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
    } else {
        return Err(err(
            "unknown fault; expected drop-watches@SECS, gone-next-watch, 5xx=RATE, latency=MS, token-expiry=SECS, forbid=PLURAL, unserve=PLURAL, kong-timeout=NODE or kong-garbage=NODE",
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
            FaultSpec::KongTimeout(_) | FaultSpec::KongGarbage(_) => {}
        }
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
}
