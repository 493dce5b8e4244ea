//! Turning client errors into what a person on call needs: unreachable,
//! unauthorized (401), forbidden (403), or something else.

use crate::model::status::SourceError;

use crate::errors::root_cause;

pub fn from_kube(e: &kube::Error) -> SourceError {
    match e {
        kube::Error::Api(s) => from_status(s.code, &s.message),
        kube::Error::Auth(a) => SourceError::Unauthorized(auth_message(a, None)),
        kube::Error::HyperError(_) | kube::Error::Service(_) => match refresh_failure(e) {
            // The token refresh (exec plugin, token file) failed inside the
            // client's auth layer: our credentials, not the network.
            Some(a) => SourceError::Unauthorized(auth_message(a, None)),
            None => SourceError::Unreachable(root_cause(e)),
        },
        other => SourceError::Other(root_cause(other)),
    }
}

/// The auth layer's error somewhere in a request's error chain.
fn refresh_failure(e: &kube::Error) -> Option<&kube::client::AuthError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(a) = err.downcast_ref::<kube::client::AuthError>() {
            return Some(a);
        }
        cur = err.source();
    }
    None
}

/// The program of kube's `{cmd:?}` (`KEY="v" "/usr/bin/aws" "--region" …`):
/// the first quoted word that is not an environment assignment.
fn program_of(cmd_debug: &str) -> Option<String> {
    let mut chars = cmd_debug.chars().peekable();
    let mut at_word_start = true;
    while let Some(c) = chars.next() {
        if c == '"' {
            let mut word = String::new();
            let mut escaped = false;
            for c in chars.by_ref() {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => break,
                    (_, c) => {
                        escaped = false;
                        word.push(c);
                    }
                }
            }
            if at_word_start {
                return Some(word);
            }
            at_word_start = false;
            continue;
        }
        at_word_start = c == ' ';
    }
    None
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
            // kube's `cmd` is the Command's Debug form (env included): only its program is said.
            let parsed = program_of(cmd);
            let program = program.or(parsed.as_deref()).unwrap_or("?");
            tracing::warn!("exec plugin {program} failed");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_of_a_command_debug_form_skips_env_assignments() {
        let mut cmd = std::process::Command::new("/opt/aws cli/aws");
        cmd.args(["--region", "eu-west-1"])
            .env("AWS_PROFILE", "p r");
        let shown = format!("{cmd:?}");
        assert_eq!(
            program_of(&shown).as_deref(),
            Some("/opt/aws cli/aws"),
            "{shown}"
        );
        assert_eq!(program_of("\"aws\" \"eks\"").as_deref(), Some("aws"));
        assert_eq!(program_of(""), None);
    }
}
