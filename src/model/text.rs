//! Text from the cluster is untrusted: strip terminal control sequences
//! before anything reaches the screen. Names are kept as they are and only
//! drawn sanitized; to name an object in a request path they are
//! percent-encoded, as the API server decodes them.

/// Removes ANSI escape sequences (CSI, OSC, single-char escapes) and C0/C1
/// control characters; tabs and newlines become spaces so a row stays one line.
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(|c| c.is_control()) {
        return input.to_owned();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC introducers behave like ESC [ and ESC ].
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_osc(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A name as one URL path segment: bytes outside `A-Za-z0-9-._~:` are
/// percent-encoded (kube-rs puts names into paths as given).
pub fn path_segment(name: &str) -> std::borrow::Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._~:".contains(&b);
    if name.bytes().all(plain) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if plain(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_osc(chars),
        _ => {}
    }
}

/// CSI: parameters and intermediates, then one final byte in `@`..=`~`.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/APC: until BEL or ST (`ESC \`).
fn skip_osc(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{9c}' {
            break;
        }
        if c == '\u{1b}' {
            if chars.peek() == Some(&'\\') {
                chars.next();
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{path_segment, sanitize};

    #[test]
    fn names_are_encoded_for_paths_only_when_needed() {
        assert_eq!(path_segment("web-7d9f.x:8001"), "web-7d9f.x:8001");
        assert_eq!(path_segment("evil\u{1b}[31mred"), "evil%1B%5B31mred");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn strips_csi_osc_and_controls() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(sanitize("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(sanitize("a\u{1b}]8;;http://x\u{1b}\\link"), "alink");
        assert_eq!(sanitize("x\u{8}y\u{0}z"), "xyz");
        assert_eq!(sanitize("two\nlines\tand"), "two lines and");
        assert_eq!(sanitize("c1\u{9b}2Jok"), "c1ok");
    }
}
