//! The `/` filter: fuzzy, case-insensitive subsequence match, like fzf's
//! simplest mode. Words separated by spaces must each match.

pub fn fuzzy_match(pattern: &str, text: &str) -> bool {
    let text = text.to_lowercase();
    pattern.split_whitespace().all(|word| {
        let mut chars = text.chars();
        word.to_lowercase().chars().all(|p| chars.any(|c| c == p))
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
