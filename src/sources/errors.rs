//! Turning client errors into what a person on call needs: unreachable,
//! unauthorized (401), forbidden (403), or something else.

use crate::model::status::SourceError;

use crate::errors::root_cause;

pub fn from_kube(e: &kube::Error) -> SourceError {
    match e {
        kube::Error::Api(s) => from_status(s.code, &s.message),
        kube::Error::Auth(a) => SourceError::Unauthorized(auth_message(a, None)),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            SourceError::Unreachable(root_cause(e))
        }
        other => SourceError::Other(root_cause(other)),
    }
}

/// Building a client: as [`from_kube`], and an exec plugin that could not
/// start is named (kube's error does not say which command it was).
pub fn from_client_build(e: &kube::Error, exec_command: Option<&str>) -> SourceError {
    match (e, exec_command) {
        (kube::Error::Auth(kube::client::AuthError::AuthExecStart(io)), Some(cmd)) => {
            SourceError::Unauthorized(crate::model::text::sanitize(&format!(
                "exec plugin {cmd} could not start: {io}"
            )))
        }
        (kube::Error::Auth(a), cmd) => SourceError::Unauthorized(auth_message(a, cmd)),
        _ => from_kube(e),
    }
}

/// An exec plugin's failure names the command, its exit status and the last
/// line it wrote to stderr; other auth errors their root cause.
fn auth_message(a: &kube::client::AuthError, program: Option<&str>) -> String {
    use kube::client::AuthError as A;
    match a {
        A::AuthExecRun { cmd, out } => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            // kube's `cmd` is the Command's Debug form (env included): name it ourselves.
            let program = program.unwrap_or(if cmd.is_empty() { "?" } else { "(see log)" });
            tracing::warn!("exec plugin failed: {cmd}");
            crate::model::text::sanitize(&format!(
                "exec plugin {program} failed ({}): {}",
                out.status,
                last.trim()
            ))
        }
        A::AuthExecStart(e) => format!("exec plugin could not start: {e}"),
        other => root_cause(other),
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
