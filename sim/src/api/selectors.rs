//! Label and field selectors, matched against a stored object's index.

use std::collections::BTreeMap;

use crate::resources::ApiResource;
use crate::store::Stored;

#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed `labelSelector`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<LabelReq>);

impl LabelSelector {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = Vec::new();
        for term in split_top(s) {
            let t = term.trim();
            if t.is_empty() {
                continue;
            }
            let req = if let Some(k) = t.strip_prefix('!') {
                LabelReq::NotExists(k.trim().to_owned())
            } else if let Some((k, v)) = t.split_once("!=") {
                LabelReq::NotEq(k.trim().to_owned(), v.trim().to_owned())
            } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                LabelReq::Eq(k.trim().to_owned(), v.trim().to_owned())
            } else if let Some((k, vs)) = set_op(t, " notin ") {
                LabelReq::NotIn(k, vs)
            } else if let Some((k, vs)) = set_op(t, " in ") {
                LabelReq::In(k, vs)
            } else if t
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                LabelReq::Exists(t.to_owned())
            } else {
                return Err(format!("unable to parse requirement: {t:?}"));
            };
            reqs.push(req);
        }
        Ok(LabelSelector(reqs))
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => labels.get(k) == Some(v),
            LabelReq::NotEq(k, v) => labels.get(k) != Some(v),
            LabelReq::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            LabelReq::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            LabelReq::Exists(k) => labels.contains_key(k),
            LabelReq::NotExists(k) => !labels.contains_key(k),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Split on commas that are not inside `( … )`.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn set_op(t: &str, op: &str) -> Option<(String, Vec<String>)> {
    let (k, rest) = t.split_once(op)?;
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((
        k.trim().to_owned(),
        inner.split(',').map(|v| v.trim().to_owned()).collect(),
    ))
}

/// A parsed `fieldSelector`: (field index or name/namespace, wanted, negated).
#[derive(Debug, Clone, Default)]
pub struct FieldSelector(Vec<(Field, String, bool)>);

#[derive(Debug, Clone, Copy)]
enum Field {
    Name,
    Namespace,
    Indexed(usize),
}

impl FieldSelector {
    pub fn parse(s: &str, res: &ApiResource) -> Result<Self, String> {
        let mut reqs = Vec::new();
        for t in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (k, v, neg) = if let Some((k, v)) = t.split_once("!=") {
                (k, v, true)
            } else if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
                (k, v, false)
            } else {
                return Err(format!("invalid selector: '{t}'; can't understand '{t}'"));
            };
            let field = match k.trim() {
                "metadata.name" => Field::Name,
                "metadata.namespace" => Field::Namespace,
                other => Field::Indexed(
                    res.fields
                        .iter()
                        .position(|(name, _)| *name == other)
                        .ok_or_else(|| format!("field label not supported: {other}"))?,
                ),
            };
            reqs.push((field, v.trim().to_owned(), neg));
        }
        Ok(FieldSelector(reqs))
    }

    pub fn matches(&self, obj: &Stored) -> bool {
        self.0.iter().all(|(field, want, neg)| {
            let have = match field {
                Field::Name => obj.name.as_str(),
                Field::Namespace => obj.namespace.as_str(),
                Field::Indexed(i) => obj.fields.get(*i).map(String::as_str).unwrap_or(""),
            };
            (have == want) != *neg
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_selector_forms() {
        let labels: BTreeMap<String, String> = [("app", "kong"), ("tier", "edge")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for (sel, want) in [
            ("app=kong", true),
            ("app==kong,tier=edge", true),
            ("app!=kong", false),
            ("tier in (edge, core)", true),
            ("tier notin (edge)", false),
            ("app", true),
            ("!app", false),
            ("env", false),
        ] {
            assert_eq!(
                LabelSelector::parse(sel).expect(sel).matches(&labels),
                want,
                "{sel}"
            );
        }
        assert!(LabelSelector::parse("a b c").is_err());
    }
}
