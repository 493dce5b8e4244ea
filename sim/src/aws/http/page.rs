//! Pagination by `maxResults`/`nextToken`, as both EKS and ECS do it. The
//! token is opaque to clients; here it encodes the last key returned, so a
//! page stays correct when items are added or removed between calls.

use crate::aws::error::AwsError;

const TOKEN_PREFIX: &str = "fdk1";

/// One page of names and the token for the next, if there are more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<String>,
    pub next_token: Option<String>,
}

/// Reads `maxResults` (1..=100), defaulting to `default`.
pub fn max_results(value: Option<i64>, default: usize) -> Result<usize, AwsError> {
    match value {
        None => Ok(default),
        Some(n @ 1..=100) => Ok(usize::try_from(n).unwrap_or(default)),
        Some(n) => Err(AwsError::invalid_parameter(format!(
            "maxResults must be between 1 and 100, got {n}"
        ))),
    }
}

fn encode(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

fn decode(token: &str) -> Option<String> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The page of `sorted` (ascending, unique) after `token`.
pub fn paginate<'a>(
    sorted: impl Iterator<Item = &'a str>,
    max: usize,
    token: Option<&str>,
) -> Result<Page, AwsError> {
    let after = match token.filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(
            decode(t).ok_or_else(|| AwsError::invalid_parameter("The nextToken is invalid."))?,
        ),
    };
    let mut rest = sorted
        .filter(|name| after.as_deref().is_none_or(|a| *name > a))
        .peekable();
    let items: Vec<String> = rest.by_ref().take(max).map(str::to_owned).collect();
    let next_token = match (rest.peek(), items.last()) {
        (Some(_), Some(last)) => Some(encode(last)),
        _ => None,
    };
    Ok(Page { items, next_token })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pages_walk_the_whole_list() {
        let names = ["a", "b", "c", "d", "e"];
        let first = paginate(names.iter().copied(), 2, None).unwrap();
        assert_eq!(first.items, vec!["a", "b"]);
        let second = paginate(names.iter().copied(), 2, first.next_token.as_deref()).unwrap();
        assert_eq!(second.items, vec!["c", "d"]);
        let last = paginate(names.iter().copied(), 2, second.next_token.as_deref()).unwrap();
        assert_eq!((last.items, last.next_token), (vec!["e".to_owned()], None));
    }

    #[test]
    fn bad_tokens_and_sizes_are_invalid_parameters() {
        let err = paginate(["a"].into_iter(), 2, Some("garbage")).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        assert_eq!(
            max_results(Some(0), 100).unwrap_err().code,
            "InvalidParameterException"
        );
        assert_eq!(max_results(Some(101), 100).unwrap_err().status, 400);
        assert_eq!(max_results(None, 10).unwrap(), 10);
    }
}
