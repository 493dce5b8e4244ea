//! What a cluster's data is worth when drawn: each kind's rows live, stale
//! since a known time, or unknown; and when the cluster was last heard from.

use jiff::Timestamp;

use super::cluster::{ClusterData, Kind};
use super::status::{SourceError, SourceState};

/// When a cluster last sent data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// The connection and every kind we may read are live.
    Now,
    /// Nothing live; the newest data we hold arrived then.
    At(Timestamp),
    /// Something failed before any data arrived.
    Never,
    /// Still connecting for the first time.
    Syncing,
}

impl Heard {
    /// `now`, `2m ago`, `never`, `-`.
    pub fn label(self, now: Timestamp) -> String {
        match self {
            Heard::Now => "now".into(),
            Heard::At(t) => format!(
                "{} ago",
                super::format::duration(now.as_second().saturating_sub(t.as_second()))
            ),
            Heard::Never => "never".into(),
            Heard::Syncing => "-".into(),
        }
    }
}

/// Whether a kind's failure says nothing about the connection (RBAC, an
/// API this server does not serve).
fn kind_only(s: &SourceState) -> bool {
    matches!(
        s.error(),
        Some(SourceError::Forbidden(_) | SourceError::NotServed(_))
    )
}

impl ClusterData {
    /// What one kind's rows are worth: the kind's own state, made stale (or
    /// failed, if it never listed) by a connection error it has not seen yet.
    pub fn kind_data(&self, kind: Kind) -> SourceState {
        let own = self
            .kinds
            .get(&kind)
            .cloned()
            .unwrap_or(SourceState::Syncing);
        let Some(error) = self.connection.error() else {
            return own;
        };
        if kind_only(&own) {
            return own;
        }
        let conn_since = match &self.connection {
            SourceState::Stale { since, .. } | SourceState::Failed { since, .. } => Some(*since),
            _ => None,
        };
        match own {
            SourceState::Live => SourceState::Stale {
                since: conn_since.unwrap_or(Timestamp::UNIX_EPOCH),
                error: error.clone(),
            },
            // The kind noticed first: its own last-data time holds.
            SourceState::Stale { since, .. } => SourceState::Stale {
                since,
                error: error.clone(),
            },
            SourceState::Failed { since, .. } => SourceState::Failed {
                since,
                error: error.clone(),
            },
            SourceState::Syncing => SourceState::Failed {
                since: conn_since.unwrap_or(Timestamp::UNIX_EPOCH),
                error: error.clone(),
            },
        }
    }

    /// When this cluster was last heard from: now while every kind we may
    /// read is live; once one is stale, the newest stale kind's last data (a
    /// quiet kind still called live may merely not have noticed yet).
    pub fn heard(&self) -> Heard {
        let states: Vec<SourceState> = self
            .kinds
            .keys()
            .map(|k| self.kind_data(*k))
            .filter(|s| !kind_only(s))
            .collect();
        if self.connection.error().is_none() && states.iter().all(|s| *s == SourceState::Live) {
            return Heard::Now;
        }
        let newest = states
            .iter()
            .filter_map(|s| match s {
                SourceState::Stale { since, .. } => Some(*since),
                _ => None,
            })
            .max();
        if let Some(t) = newest {
            return Heard::At(t);
        }
        let failed = |s: &SourceState| matches!(s, SourceState::Failed { .. });
        if self.connection.error().is_some() || states.iter().any(failed) {
            Heard::Never
        } else if states.contains(&SourceState::Live) {
            // Listing the rest for the first time.
            Heard::Now
        } else {
            Heard::Syncing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> ClusterData {
        let mut c = ClusterData::new("c");
        c.connection = SourceState::Live;
        for k in Kind::ALL {
            c.set_kind_state(*k, SourceState::Live);
        }
        c
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).expect("in range")
    }

    #[test]
    fn a_lost_connection_makes_live_kinds_stale_from_its_start() {
        let mut c = live();
        assert_eq!(c.heard(), Heard::Now);
        let reset = SourceError::Unreachable("reset".into());
        c.connection = c.connection.after_error(reset.clone(), at(100));
        assert_eq!(
            c.kind_data(Kind::Pods),
            SourceState::Stale {
                since: at(100),
                error: reset.clone()
            }
        );
        // A kind that noticed earlier keeps its own last-data time.
        c.set_kind_state(
            Kind::Nodes,
            SourceState::Stale {
                since: at(70),
                error: reset.clone(),
            },
        );
        assert!(
            matches!(c.kind_data(Kind::Nodes), SourceState::Stale { since, .. } if since == at(70))
        );
        // Heard from last when the newest data arrived.
        assert_eq!(c.heard(), Heard::At(at(100)));
        // One kind stale on a working connection (a partition noticed by the
        // first watch to time out): not "now", the stale kind's last data.
        let mut c = live();
        c.set_kind_state(
            Kind::Pods,
            SourceState::Stale {
                since: at(70),
                error: reset.clone(),
            },
        );
        assert_eq!(c.heard(), Heard::At(at(70)));
        assert_eq!(c.heard().label(at(190)), "2m ago");
    }

    #[test]
    fn never_heard_is_never_and_a_forbidden_kind_is_not_the_connection() {
        let mut c = ClusterData::new("c");
        assert_eq!(c.heard(), Heard::Syncing);
        c.connection = c
            .connection
            .after_error(SourceError::Unreachable("refused".into()), at(5));
        assert_eq!(c.heard(), Heard::Never);
        assert!(matches!(
            c.kind_data(Kind::Pods),
            SourceState::Failed { .. }
        ));

        let mut c = live();
        c.set_kind_state(Kind::Pods, SourceState::Syncing);
        c.kind_error(Kind::Pods, SourceError::Forbidden("403".into()), at(5));
        assert_eq!(c.heard(), Heard::Now);
        assert!(matches!(
            c.kind_data(Kind::Pods).error(),
            Some(SourceError::Forbidden(_))
        ));
    }
}
