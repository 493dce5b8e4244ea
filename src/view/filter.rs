//! The `/` filter: fuzzy, case-insensitive subsequence match, like fzf's
//! simplest mode. Each space-separated word must match within one cell, so
//! letters scattered over a whole row do not count.

pub fn fuzzy_match(pattern: &str, text: &str) -> bool {
    fuzzy_match_cells(pattern, &[text])
}

pub fn fuzzy_match_cells<S: AsRef<str>>(pattern: &str, cells: &[S]) -> bool {
    let cells: Vec<String> = cells.iter().map(|c| c.as_ref().to_lowercase()).collect();
    pattern.split_whitespace().all(|word| {
        let word = word.to_lowercase();
        cells.iter().any(|cell| {
            let mut chars = cell.chars();
            word.chars().all(|p| chars.any(|c| c == p))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::fuzzy_match;

    #[test]
    fn subsequence_per_word() {
        assert!(fuzzy_match("crash", "api-1 CrashLoopBackOff"));
        assert!(fuzzy_match("clb", "CrashLoopBackOff"));
        assert!(fuzzy_match("tb pend", "tb-demo mysql-0 Pending"));
        assert!(!fuzzy_match("xyz", "CrashLoopBackOff"));
        assert!(fuzzy_match("", "anything"));
    }
}
