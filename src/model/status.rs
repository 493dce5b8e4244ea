//! The state each source reports about itself, shown in the UI.

use jiff::Timestamp;

/// Why a source cannot deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// Connection refused, DNS, TLS, timeout: nothing answered.
    Unreachable(String),
    /// 401: credentials missing or expired.
    Unauthorized(String),
    /// 403: RBAC forbids this resource.
    Forbidden(String),
    /// 404 on a kind's collection: this API server does not serve it (an
    /// older cluster, a missing API group). Reported for that kind only.
    NotServed(String),
    /// Anything else (5xx, bad data).
    Other(String),
}

impl SourceError {
    pub fn short(&self) -> &'static str {
        match self {
            SourceError::Unreachable(_) => "unreachable",
            SourceError::Unauthorized(_) => "unauthorized",
            SourceError::Forbidden(_) => "forbidden",
            SourceError::NotServed(_) => "not served",
            SourceError::Other(_) => "error",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            SourceError::Unreachable(m)
            | SourceError::Unauthorized(m)
            | SourceError::Forbidden(m)
            | SourceError::NotServed(m)
            | SourceError::Other(m) => m,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    /// Connecting or listing for the first time.
    Syncing,
    /// Listed and watching.
    Live,
    /// Had data, lost the stream; rows are as of `since`.
    Stale {
        since: Timestamp,
        error: SourceError,
    },
    /// Never got data.
    Failed {
        since: Timestamp,
        error: SourceError,
    },
}

impl SourceState {
    /// The next state after an error: keep "stale since" if we had data.
    pub fn after_error(&self, error: SourceError, now: Timestamp) -> SourceState {
        match self {
            SourceState::Live => SourceState::Stale { since: now, error },
            SourceState::Stale { since, .. } => SourceState::Stale {
                since: *since,
                error,
            },
            SourceState::Failed { since, .. } => SourceState::Failed {
                since: *since,
                error,
            },
            SourceState::Syncing => SourceState::Failed { since: now, error },
        }
    }

    pub fn is_settled(&self) -> bool {
        !matches!(self, SourceState::Syncing)
    }

    pub fn error(&self) -> Option<&SourceError> {
        match self {
            SourceState::Stale { error, .. } | SourceState::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// `live`, `syncing`, `stale 12s`, `unreachable`, `forbidden`…
    pub fn label(&self, now: Timestamp) -> String {
        match self {
            SourceState::Syncing => "syncing".into(),
            SourceState::Live => "live".into(),
            SourceState::Stale { since, error } => {
                let secs = now.as_second().saturating_sub(since.as_second());
                let age = super::format::duration(secs);
                match error {
                    // Credentials, not the network: say which, with the data's age.
                    SourceError::Unauthorized(_) => format!("unauthorized, stale {age}"),
                    _ => format!("stale {age}"),
                }
            }
            SourceState::Failed { error, .. } => error.short().into(),
        }
    }
}
