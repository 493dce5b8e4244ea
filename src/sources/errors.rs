//! Turning client errors into what a person on call needs: unreachable,
//! unauthorized (401), forbidden (403), or something else.

use crate::model::status::SourceError;

use crate::errors::root_cause;

pub fn from_kube(e: &kube::Error) -> SourceError {
    match e {
        kube::Error::Api(s) => from_status(s.code, &s.message),
        kube::Error::Auth(a) => SourceError::Unauthorized(root_cause(a)),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            SourceError::Unreachable(root_cause(e))
        }
        other => SourceError::Other(root_cause(other)),
    }
}

pub fn from_status(code: u16, message: &str) -> SourceError {
    let msg = crate::model::text::sanitize(message);
    match code {
        401 => SourceError::Unauthorized(if msg.is_empty() {
            "401 Unauthorized".into()
        } else {
            msg
        }),
        403 => SourceError::Forbidden(msg),
        _ => SourceError::Other(format!("{code} {msg}")),
    }
}

pub fn from_watcher(e: &kube::runtime::watcher::Error) -> Option<SourceError> {
    use kube::runtime::watcher::Error as W;
    match e {
        // A collection the server does not have: that kind is not served here.
        W::InitialListFailed(kube::Error::Api(s)) if s.code == 404 => Some(SourceError::NotServed(
            format!("404 {}", crate::model::text::sanitize(&s.message)),
        )),
        W::InitialListFailed(e) | W::WatchStartFailed(e) | W::WatchFailed(e) => Some(from_kube(e)),
        // 410 Gone: the watcher relists by itself; not worth alarming anyone.
        W::WatchError(s) if s.code == 410 => None,
        W::WatchError(s) => Some(from_status(s.code, &s.message)),
        W::NoResourceVersion => Some(SourceError::Other(e.to_string())),
    }
}
