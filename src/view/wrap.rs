//! Laying text out in terminal cells: word wrap (a word longer than the
//! line is broken, nothing is lost), the horizontal cut of a scrolled
//! line, and the middle cut of a name too long for its column. Widths are display widths (a CJK character takes two cells), so
//! a wrapped line never overflows the box it is drawn in.

use unicode_width::UnicodeWidthChar;

/// Cells `c` takes on screen (control characters were sanitized away; any
/// left take none).
fn cells(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Cells `text` takes on screen.
pub fn width(text: &str) -> usize {
    text.chars().map(cells).sum()
}

/// The longest head of `text` at most `room` cells wide, and the rest. At
/// least one character goes in the head when `force` (a character wider than
/// the whole line still has to go somewhere).
fn split_at_cells(text: &str, room: usize, force: bool) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = cells(c);
        if used + w > room {
            if i == 0 && force {
                let end = c.len_utf8();
                return (&text[..end], &text[end..]);
            }
            return (&text[..i], &text[i..]);
        }
        used += w;
    }
    (text, "")
}

/// `text` in lines of at most `max` cells, broken at spaces; a word longer
/// than a line is broken where the line ends. Spaces inside a line are kept
/// (describe's columns stay aligned), those at a break are dropped.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    // Whether the line holds a word yet (an empty one, from a run of spaces, counts).
    let mut started = false;
    // Just broken at a space: the spaces that follow are the break's, not the next line's.
    let mut at_break = false;
    for word in text.split(' ') {
        if word.is_empty() && at_break {
            continue;
        }
        let w = width(word);
        if started && used + 1 + w > max {
            let done = std::mem::take(&mut line);
            out.push(done.trim_end_matches(' ').to_owned());
            used = 0;
            started = false;
            if word.is_empty() {
                at_break = true;
                continue;
            }
        }
        at_break = false;
        if started {
            line.push(' ');
            used += 1;
        }
        let mut rest = word;
        while used + width(rest) > max {
            let (head, tail) = split_at_cells(rest, max - used, used == 0);
            if tail.is_empty() {
                // One character wider than the line: it stands alone on it.
                break;
            }
            line.push_str(head);
            out.push(std::mem::take(&mut line));
            used = 0;
            rest = tail;
        }
        line.push_str(rest);
        used += width(rest);
        started = true;
    }
    out.push(line);
    out
}

/// `text` without its first `skip` cells (a line scrolled left); a wide
/// character cut in half is left out whole.
pub fn skip_cells(text: &str, skip: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices() {
        if used >= skip {
            return &text[i..];
        }
        used += cells(c);
    }
    ""
}

/// The last cells of `text`, at most `room` wide.
fn tail_cells(text: &str, room: usize) -> &str {
    let mut used = 0;
    for (i, c) in text.char_indices().rev() {
        used += cells(c);
        if used > room {
            return &text[i + c.len_utf8()..];
        }
    }
    text
}

/// `text` cut to `max` cells, its head and tail kept around `…` — the tail
/// the larger, as a pod's random suffix or a node's IP is at the end.
fn both_ends(text: &str, max: usize) -> String {
    let room = max.saturating_sub(1);
    let tail = tail_cells(text, room - room * 2 / 5);
    let (head, _) = split_at_cells(text, room - width(tail), false);
    format!("{head}…{tail}")
}

/// A name fitted in `max` cells, never losing the part that tells it from
/// its neighbours: a DNS name (a node) keeps its host, the domain going
/// first; other names (pods) keep both ends, cut in the middle.
pub fn cut_middle(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max <= 1 {
        return "…".repeat(max);
    }
    if let Some((host, _)) = text.split_once('.').filter(|(h, _)| !h.is_empty()) {
        if width(host) < max {
            let (head, _) = split_at_cells(text, max - 1, false);
            return format!("{head}…");
        }
        return both_ends(host, max);
    }
    both_ends(text, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_nothing() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        let text = "filter name/ns: regex; -f fuzzy; -l k=v; ! not";
        assert_eq!(wrap(text, 12).join(" "), text);
    }

    #[test]
    fn a_long_word_after_others_starts_its_own_line_then_breaks() {
        let lines = wrap("image \"docker.io/shop/report-renderer:v9\" not found", 12);
        assert!(lines.iter().all(|l| width(l) <= 12), "{lines:?}");
        assert_eq!(lines[0], "image");
        assert_eq!(
            lines.concat().replace(' ', ""),
            "image\"docker.io/shop/report-renderer:v9\"notfound"
        );
    }

    #[test]
    fn keeps_indentation_and_inner_runs_of_spaces() {
        assert_eq!(wrap("  Type    Reason", 40), ["  Type    Reason"]);
        // Spaces at a break are the break's: the next line starts with the word.
        assert_eq!(wrap("aaaa    bbbb", 5), ["aaaa", "bbbb"]);
    }

    #[test]
    fn wide_characters_count_two_cells() {
        let lines = wrap("日本語のテキスト", 5);
        assert!(lines.iter().all(|l| width(l) <= 5), "{lines:?}");
        assert_eq!(lines.concat(), "日本語のテキスト");
        // A character wider than the line still goes somewhere.
        assert_eq!(wrap("日本", 1), ["日", "本"]);
    }

    #[test]
    fn skip_cells_scrolls_by_display_width() {
        assert_eq!(skip_cells("abcdef", 2), "cdef");
        assert_eq!(skip_cells("abc", 10), "");
        assert_eq!(skip_cells("日本語", 2), "本語");
        assert_eq!(skip_cells("日本語", 1), "本語");
    }

    #[test]
    fn a_pod_name_keeps_its_random_suffix() {
        let names = [
            "report-renderer-kbj768tkgk-2xq9p",
            "report-renderer-kbj768tkgk-7hd4m",
            "report-renderer-kbj768tkgk-c8w2z",
        ];
        let cut: Vec<String> = names.iter().map(|n| cut_middle(n, 14)).collect();
        for (c, n) in cut.iter().zip(names) {
            assert_eq!(width(c), 14, "{c}");
            assert!(c.starts_with("repo") && c.contains('…'), "{c}");
            assert!(
                c.ends_with(&n[n.len() - 5..]),
                "{c} keeps the suffix of {n}"
            );
        }
        assert_eq!(cut_middle("service-6b7c-a1", 8), "se…7c-a1");
        assert_eq!(cut_middle("short", 8), "short");
    }

    #[test]
    fn a_node_name_keeps_its_host_and_the_domain_goes_first() {
        let node = "fargate-ip-10-0-19-127.us-east-2.compute.internal";
        assert_eq!(cut_middle(node, 30), "fargate-ip-10-0-19-127.us-eas…");
        // Narrower than the host: the host keeps both ends, its IP's end included.
        let c = cut_middle(node, 14);
        assert_eq!(width(&c), 14);
        assert!(c.starts_with("far") && c.ends_with("0-19-127"), "{c}");
        assert_eq!(
            cut_middle("ip-10-0-17-106.eu-west-1.compute.internal", 15),
            "ip-10-0-17-106…"
        );
    }

    #[test]
    fn the_middle_cut_counts_display_width() {
        let c = cut_middle("日本語の長い名前のポッド", 9);
        assert!(width(&c) <= 9, "{c}");
        assert!(c.starts_with('日') && c.ends_with('ド'), "{c}");
        assert_eq!(cut_middle("abc", 1), "…");
        assert_eq!(cut_middle("abc", 0), "");
    }
}
