//! Laying text out in terminal cells: word wrap (a word longer than the
//! line is broken, nothing is lost) and the horizontal cut of a scrolled
//! line. Widths are display widths (a CJK character takes two cells), so
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
}
