//! Error text for one line of a status bar or a terminal: the innermost cause
//! of an error chain, or the whole chain with multi-line messages (toml's
//! source excerpts) reduced to their gist.

use std::error::Error;

/// The error and every `source()` under it, outermost first.
fn chain<'a>(e: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(e), |&cur| cur.source())
}

/// The innermost cause, which is the readable one ("Connection refused").
pub fn root_cause(e: &(dyn Error + 'static)) -> String {
    chain(e).last().map(ToString::to_string).unwrap_or_default()
}

/// The whole chain as `outer: inner: root`, on one line.
pub fn one_line(e: &(dyn Error + 'static)) -> String {
    chain(e)
        .map(|c| gist(&c.to_string()))
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(": ")
}

/// A multi-line message on one line, without a source excerpt's `|` and `^^^` lines.
fn gist(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !excerpt(l))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `  |`, `1 | a = = 1`, `^^^`: a line of a source excerpt.
fn excerpt(line: &str) -> bool {
    let rest = line
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    rest.starts_with('|') || line.chars().all(|c| c == '^')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn Error + 'static))
        }
    }

    fn three() -> Layer {
        Layer(
            "client error (Connect)",
            Some(Box::new(Layer(
                "tcp connect error",
                Some(Box::new(Layer("Connection refused", None))),
            ))),
        )
    }

    #[test]
    fn root_cause_is_the_innermost() {
        assert_eq!(root_cause(&three()), "Connection refused");
        assert_eq!(root_cause(&Layer("alone", None)), "alone");
    }

    #[test]
    fn one_line_joins_the_chain() {
        assert_eq!(
            one_line(&three()),
            "client error (Connect): tcp connect error: Connection refused"
        );
    }

    #[test]
    fn one_line_keeps_the_gist_of_a_toml_error() {
        let e = toml::from_str::<toml::Value>("a = = 1").expect_err("invalid toml");
        let line = one_line(&e);
        assert!(
            !line.contains('\n') && !line.contains('|') && !line.contains('^'),
            "{line}"
        );
        assert!(line.contains("line 1"), "{line}");
    }
}
