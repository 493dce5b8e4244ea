//! Kong's collection paging (`kong/api/endpoints.lua`): `size` (default 100,
//! 1–1000), an opaque `offset` token, and `next` as a path or `null`.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::api_error::AdminError;

pub const DEFAULT_PAGE_SIZE: usize = 100;
pub const MAX_PAGE_SIZE: usize = 1000;

/// One page: the rows and the token for the next page, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub data: Vec<Value>,
    pub offset: Option<String>,
}

/// Validates `?size=` as Kong's DAO does.
pub fn page_size(query: &HashMap<String, String>) -> Result<usize, AdminError> {
    let Some(raw) = query.get("size") else {
        return Ok(DEFAULT_PAGE_SIZE);
    };
    let size: f64 = raw
        .trim()
        .parse()
        .map_err(|_| AdminError::InvalidSize("size must be a number".into()))?;
    if size.fract() != 0.0 || size < 1.0 || size > MAX_PAGE_SIZE as f64 {
        return Err(AdminError::InvalidSize(format!(
            "size must be an integer between 1 and {MAX_PAGE_SIZE}"
        )));
    }
    Ok(size as usize)
}

/// Cuts the page starting at `?offset=` out of `rows` (already ordered).
pub fn paginate(rows: Vec<Value>, query: &HashMap<String, String>) -> Result<Page, AdminError> {
    let size = page_size(query)?;
    let start = match query.get("offset") {
        Some(token) => decode_offset(token)?,
        None => 0,
    };
    let end = start.saturating_add(size);
    let more = rows.len() > end;
    let data = rows.into_iter().skip(start).take(size).collect();
    Ok(Page {
        data,
        offset: more.then(|| encode_offset(end)),
    })
}

/// Offsets look like the Postgres strategy's: base64 of a JSON array.
fn encode_offset(position: usize) -> String {
    STANDARD.encode(format!("[{position}]"))
}

fn decode_offset(token: &str) -> Result<usize, AdminError> {
    let bad = || AdminError::InvalidOffset(token.to_string());
    let bytes = STANDARD.decode(token.as_bytes()).map_err(|_| bad())?;
    let parsed: Vec<usize> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    parsed.first().copied().ok_or_else(bad)
}

/// `ngx.escape_uri`: percent-encodes all but unreserved characters.
pub fn escape_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A top-level collection reply; `next` repeats `tags` and `size` as Kong does.
pub fn collection_body(page: Page, collection: &str, query: &HashMap<String, String>) -> Value {
    let next = page.offset.as_ref().map(|offset| {
        let mut next = format!("/{collection}?offset={}", escape_uri(offset));
        if let Some(tags) = query.get("tags") {
            next.push_str(&format!("&tags={}", escape_uri(tags)));
        }
        if let Some(size) = query.get("size") {
            next.push_str(&format!("&size={size}"));
        }
        next
    });
    json!({ "data": page.data, "offset": page.offset, "next": next })
}

/// A nested collection reply (`/upstreams/{u}/targets`); like Kong, its
/// `next` keeps neither `size` nor `tags`.
pub fn nested_body(page: Page, base_path: &str) -> Value {
    let next = page
        .offset
        .as_ref()
        .map(|offset| format!("{base_path}?offset={}", escape_uri(offset)));
    json!({ "data": page.data, "offset": page.offset, "next": next })
}

/// `?tags=a,b` keeps entities with all tags, `?tags=a/b` with any.
pub fn tags_match(tags: &[String], query: &HashMap<String, String>) -> bool {
    let Some(filter) = query.get("tags") else {
        return true;
    };
    let has = |t: &str| tags.iter().any(|x| x == t);
    if filter.contains('/') {
        filter.split('/').any(has)
    } else {
        filter.split(',').all(has)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sizes_are_validated_like_kong() {
        assert_eq!(page_size(&q(&[])), Ok(100));
        assert_eq!(page_size(&q(&[("size", "1000")])), Ok(1000));
        let msg = |s: &str| page_size(&q(&[("size", s)])).map_err(|e| e.to_string());
        assert_eq!(
            msg("1001"),
            Err("size must be an integer between 1 and 1000".into())
        );
        assert_eq!(
            msg("0"),
            Err("size must be an integer between 1 and 1000".into())
        );
        assert_eq!(
            msg("2.5"),
            Err("size must be an integer between 1 and 1000".into())
        );
        assert_eq!(msg("ten"), Err("size must be a number".into()));
    }

    #[test]
    fn pages_chain_until_no_offset() {
        let rows: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let first = paginate(rows.clone(), &q(&[("size", "2")])).expect("page");
        assert_eq!(first.data, vec![json!(0), json!(1)]);
        let token = first.offset.expect("more pages");
        let last = paginate(rows.clone(), &q(&[("size", "3"), ("offset", &token)])).expect("page");
        assert_eq!(last.data, vec![json!(2), json!(3), json!(4)]);
        assert_eq!(last.offset, None);
        assert!(paginate(rows, &q(&[("offset", "%%%")])).is_err());
    }

    #[test]
    fn next_links_escape_the_token() {
        let page = Page {
            data: vec![],
            offset: Some("WzEwMF0=".into()),
        };
        let body = collection_body(page, "services", &q(&[("size", "100")]));
        assert_eq!(body["next"], "/services?offset=WzEwMF0%3D&size=100");
        assert_eq!(escape_uri("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn tag_filters_and_or() {
        let tags = vec!["k8s-kind:Service".to_string(), "a".to_string()];
        assert!(tags_match(&tags, &q(&[("tags", "a,k8s-kind:Service")])));
        assert!(!tags_match(&tags, &q(&[("tags", "a,b")])));
        assert!(tags_match(&tags, &q(&[("tags", "b/a")])));
    }
}
