//! A container's life as a pure function of the seconds since its pod was
//! bound: sandbox, image pull, start, readiness, and for the failure
//! behaviours the real restart / image-pull back-off (10 s doubling to 5 min).

/// What a scenario asks a pod to do (annotation `sim.fleetdeck.io/behavior`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behavior {
    Normal,
    CrashLoop,
    ImagePull,
    Oom,
    SlowReady,
    NotReady,
}

impl Behavior {
    pub fn parse(s: Option<&str>) -> Behavior {
        match s {
            Some("crashloop") => Behavior::CrashLoop,
            Some("imagepull") => Behavior::ImagePull,
            Some("oom") => Behavior::Oom,
            Some("slow-ready") => Behavior::SlowReady,
            Some("not-ready") => Behavior::NotReady,
            _ => Behavior::Normal,
        }
    }
}

pub const SANDBOX_SECS: f64 = 1.0;

/// The kubelet's back-off before restart / pull attempt `k` (k ≥ 1).
pub fn backoff(k: u32) -> f64 {
    (10.0 * 2f64.powi(k.saturating_sub(1).min(10) as i32)).min(300.0)
}

/// Go's duration formatting, as the back-off messages print it: `10s`, `1m20s`, `5m0s`.
pub fn go_duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{}s", s / 60, s % 60)
    }
}

/// One container at one instant.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Sandbox or pull in progress.
    Creating,
    Running {
        since: f64,
        ready: bool,
    },
    /// Between runs; `backoff` is the wait announced for the next restart.
    CrashLoop {
        backoff: f64,
    },
    /// Image pull failed just now.
    ErrImagePull,
    ImagePullBackOff,
}

/// A container's observable status at `elapsed` seconds after binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub state: State,
    pub restarts: u32,
    /// (startedAt, finishedAt, exit code, reason) of the previous run.
    pub last: Option<(f64, f64, i32, &'static str)>,
    /// Seconds after binding when the image had been pulled (None: not yet / never).
    pub pulled_at: Option<f64>,
    /// When this snapshot next changes, in seconds after binding.
    pub next: Option<f64>,
}

/// The container's life; `pull` is how long its image takes to pull.
pub fn at(behavior: Behavior, pull: f64, elapsed: f64) -> Snapshot {
    let pulled = SANDBOX_SECS + pull;
    let mut snap = Snapshot {
        state: State::Creating,
        restarts: 0,
        last: None,
        pulled_at: None,
        next: None,
    };
    if behavior == Behavior::ImagePull {
        return image_pull(elapsed);
    }
    if elapsed < pulled {
        snap.next = Some(if elapsed < SANDBOX_SECS {
            SANDBOX_SECS
        } else {
            pulled
        });
        return snap;
    }
    snap.pulled_at = Some(pulled);
    let run = match behavior {
        Behavior::CrashLoop => Some((3.0, 1, "Error")),
        Behavior::Oom => Some((20.0, 137, "OOMKilled")),
        _ => None,
    };
    let Some((run_secs, code, reason)) = run else {
        let ready_after = match behavior {
            Behavior::SlowReady => 45.0,
            Behavior::NotReady => f64::INFINITY,
            _ => 1.0,
        };
        let ready = elapsed >= pulled + ready_after;
        snap.state = State::Running {
            since: pulled,
            ready,
        };
        snap.next = (!ready && ready_after.is_finite()).then_some(pulled + ready_after);
        return snap;
    };
    // Runs k = 0, 1, …: start_k, exit_k = start_k + run; start_{k+1} = exit_k + backoff(k+1).
    // A crash loop dies at start-up, before its readiness probe first passes,
    // so its pods never join the endpoints (an OOM-killed one serves a while).
    let ready_at = match behavior {
        Behavior::CrashLoop => f64::INFINITY,
        _ => 1.0,
    };
    let mut start = pulled;
    let mut k = 0u32;
    loop {
        let exit = start + run_secs;
        if elapsed < exit {
            snap.state = State::Running {
                since: start,
                ready: elapsed >= start + ready_at,
            };
            snap.next = Some(if elapsed < start + ready_at {
                (start + ready_at).min(exit)
            } else {
                exit
            });
            snap.restarts = k;
            return snap;
        }
        let next_start = exit + backoff(k + 1);
        snap.last = Some((start, exit, code, reason));
        snap.restarts = k;
        if elapsed < next_start {
            snap.state = State::CrashLoop {
                backoff: backoff(k + 1),
            };
            snap.next = Some(next_start);
            return snap;
        }
        start = next_start;
        k += 1;
    }
}

fn image_pull(elapsed: f64) -> Snapshot {
    let mut snap = Snapshot {
        state: State::Creating,
        restarts: 0,
        last: None,
        pulled_at: None,
        next: None,
    };
    // Attempt k starts at a_k, fails 1.5 s later; the next waits backoff(k+1).
    let mut attempt = SANDBOX_SECS;
    let mut k = 0u32;
    if elapsed < attempt {
        snap.next = Some(attempt);
        return snap;
    }
    loop {
        let fail = attempt + 1.5;
        if elapsed < fail {
            // A retry keeps the last pull error as its reason, as the kubelet does.
            if k > 0 {
                snap.state = State::ImagePullBackOff;
            }
            snap.next = Some(fail);
            return snap;
        }
        let shown = fail + 2.0;
        let next_attempt = fail + backoff(k + 1);
        if elapsed < shown {
            snap.state = State::ErrImagePull;
            snap.next = Some(shown);
            return snap;
        }
        if elapsed < next_attempt {
            snap.state = State::ImagePullBackOff;
            snap.next = Some(next_attempt);
            return snap;
        }
        attempt = next_attempt;
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_container_starts_after_pull_and_is_ready_a_second_later() {
        assert_eq!(at(Behavior::Normal, 2.0, 0.5).state, State::Creating);
        assert_eq!(
            at(Behavior::Normal, 2.0, 3.5).state,
            State::Running {
                since: 3.0,
                ready: false
            }
        );
        assert_eq!(
            at(Behavior::Normal, 2.0, 4.0).state,
            State::Running {
                since: 3.0,
                ready: true
            }
        );
        assert_eq!(
            at(Behavior::NotReady, 2.0, 1000.0).state,
            State::Running {
                since: 3.0,
                ready: false
            }
        );
    }

    #[test]
    fn crashloop_backs_off_doubling_to_five_minutes() {
        // pulled at 2: run 2..5, back-off 10 → 15..18, back-off 20 → 38..41, 40 → 81..
        let s = at(Behavior::CrashLoop, 1.0, 6.0);
        assert_eq!(
            (s.state.clone(), s.restarts),
            (State::CrashLoop { backoff: 10.0 }, 0)
        );
        assert_eq!(s.last, Some((2.0, 5.0, 1, "Error")));
        let s = at(Behavior::CrashLoop, 1.0, 16.0);
        assert_eq!(s.restarts, 1);
        assert!(matches!(s.state, State::Running { since, .. } if since == 15.0));
        // Between crashes it runs, but never long enough to be ready.
        assert!(
            (150..4000)
                .map(|t| at(Behavior::CrashLoop, 1.0, f64::from(t) / 10.0).state)
                .all(|s| !matches!(s, State::Running { ready: true, .. }))
        );
        let s = at(Behavior::CrashLoop, 1.0, 50.0);
        assert_eq!(
            (s.state, s.restarts),
            (State::CrashLoop { backoff: 40.0 }, 2)
        );
        let late = at(Behavior::CrashLoop, 1.0, 4000.0);
        assert!(late.restarts > 10);
        assert_eq!(backoff(9), 300.0);
        assert_eq!(go_duration(80.0), "1m20s");
        assert_eq!(go_duration(300.0), "5m0s");
    }

    #[test]
    fn oom_and_image_pull() {
        let s = at(Behavior::Oom, 1.0, 23.0);
        assert_eq!(s.last, Some((2.0, 22.0, 137, "OOMKilled")));
        assert_eq!(at(Behavior::ImagePull, 1.0, 3.0).state, State::ErrImagePull);
        assert_eq!(
            at(Behavior::ImagePull, 1.0, 8.0).state,
            State::ImagePullBackOff
        );
        // Once a pull has failed the container never reads as creating again,
        // not even while a retry pulls.
        let states: Vec<State> = (30..4000)
            .map(|t| at(Behavior::ImagePull, 1.0, f64::from(t) / 10.0).state)
            .collect();
        assert!(states.contains(&State::ErrImagePull));
        assert!(
            states
                .iter()
                .all(|s| matches!(s, State::ErrImagePull | State::ImagePullBackOff)),
            "{states:?}"
        );
    }
}
