//! The `/` filter, as k9s has it: over the row's name and namespace only
//! (not every cell, so `/mysql` does not keep pods on node group
//! `ng-mysql`). Plain text is a case-insensitive regex (a pattern that is
//! not a valid regex is matched as a substring); `-f` is fuzzy (each word a
//! subsequence); `-l key=value,key2!=v,key3` selects by label; a leading
//! `!` keeps the rows that do not match.

use regex::{Regex, RegexBuilder};

use crate::model::text::sanitize;
use crate::view::state::State;
use crate::view::subject::Subject;

/// The labels of a row's object, `None` when its kind keeps none here.
pub type Labels<'a> = &'a dyn Fn(&Subject) -> Option<Vec<(String, String)>>;

/// The labels of a row's object, where the model keeps them (pods).
pub fn labels_of(state: &State, s: &Subject) -> Option<Vec<(String, String)>> {
    let Subject::Kube(k) = s else {
        return None;
    };
    let c = state.fleet.clusters.get(&k.cluster)?;
    match k.kind.as_str() {
        "Pod" => c.stores.pods.get(&k.namespace, &k.name).map(|p| {
            p.labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }),
        _ => None,
    }
}

/// A parsed filter.
#[derive(Debug, Clone)]
pub struct Filter {
    pub how: How,
    pub invert: bool,
}

#[derive(Debug, Clone)]
pub enum How {
    /// Keeps every row.
    All,
    Regex(Regex),
    /// Lowercased; for patterns that are not a valid regex (`a[`).
    Substring(String),
    Fuzzy(String),
    Labels(Vec<LabelTerm>),
}

/// One term of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelTerm {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
}

impl Filter {
    pub fn parse(input: &str) -> Filter {
        let s = input.trim_start();
        let (invert, s) = match s.strip_prefix('!') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, s),
        };
        let how = if let Some(rest) = flag(s, "-f") {
            How::Fuzzy(rest.to_lowercase())
        } else if let Some(rest) = flag(s, "-l") {
            How::Labels(rest.split(',').filter_map(label_term).collect())
        } else if s.trim().is_empty() {
            How::All
        } else {
            let p = s.trim();
            match RegexBuilder::new(p).case_insensitive(true).build() {
                Ok(r) => How::Regex(r),
                Err(_) => How::Substring(p.to_lowercase()),
            }
        };
        Filter { how, invert }
    }

    /// Whether it can drop a row (an empty filter, even inverted, keeps all).
    pub fn is_active(&self) -> bool {
        match &self.how {
            How::All => false,
            How::Labels(t) => !t.is_empty(),
            How::Fuzzy(w) => !w.trim().is_empty(),
            How::Regex(_) | How::Substring(_) => true,
        }
    }

    pub fn needs_labels(&self) -> bool {
        matches!(&self.how, How::Labels(t) if !t.is_empty())
    }

    /// Whether a row is kept. `labels` is `None` when the row's kind carries
    /// no labels here: a label selector then keeps nothing, inverted or not,
    /// rather than guess.
    pub fn keeps(&self, subject: &Subject, labels: Option<&[(String, String)]>) -> bool {
        self.keeps_also(subject, labels, &[])
    }

    /// [`Filter::keeps`], the row also read as `more` (a finding's cause:
    /// what it says is what it is about).
    pub fn keeps_also(
        &self,
        subject: &Subject,
        labels: Option<&[(String, String)]>,
        more: &[String],
    ) -> bool {
        if !self.is_active() {
            return true;
        }
        let mut names = names(subject);
        names.extend(more.iter().map(|m| sanitize(m)));
        let hit = match &self.how {
            How::All => true,
            How::Regex(r) => names.iter().any(|n| r.is_match(n)),
            How::Substring(p) => names.iter().any(|n| n.to_lowercase().contains(p)),
            How::Fuzzy(p) => fuzzy_match_cells(p, &names),
            How::Labels(terms) => {
                let Some(labels) = labels else { return false };
                terms.iter().all(|t| t.matches(labels))
            }
        };
        hit != self.invert
    }
}

/// `-f rest` / `-l rest`: the flag alone or followed by a space.
fn flag<'a>(s: &'a str, f: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(f)?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| rest.trim())
}

fn label_term(t: &str) -> Option<LabelTerm> {
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((k, v)) = t.split_once("!=") {
        return Some(LabelTerm::NotEquals(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = t.split_once("==").or_else(|| t.split_once('=')) {
        return Some(LabelTerm::Equals(k.trim().into(), v.trim().into()));
    }
    Some(LabelTerm::Exists(t.into()))
}

impl LabelTerm {
    fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v);
        match self {
            LabelTerm::Equals(k, v) => get(k) == Some(v),
            LabelTerm::NotEquals(k, v) => get(k) != Some(v),
            LabelTerm::Exists(k) => get(k).is_some(),
        }
    }
}

/// What `/` reads of a row: its name, its namespace and `namespace/name`,
/// as drawn (control sequences stripped), so what is seen can be typed.
fn names(s: &Subject) -> Vec<String> {
    let raw = match s {
        Subject::Kube(k) if k.namespace.is_empty() => vec![k.name.clone()],
        Subject::Kube(k) => vec![
            k.name.clone(),
            k.namespace.clone(),
            format!("{}/{}", k.namespace, k.name),
        ],
        Subject::Cluster(n) | Subject::Gateway(n) | Subject::AwsRegion(n) => vec![n.clone()],
        Subject::KongNode { node, .. } => vec![node.clone()],
        Subject::KongUpstream { upstream, .. } => vec![upstream.clone()],
        Subject::KongTarget { target, .. } => vec![target.clone()],
        Subject::EksCluster { name, .. }
        | Subject::EcsCluster { name, .. }
        | Subject::FargateProfile { name, .. }
        | Subject::Nodegroup { name, .. }
        | Subject::EcsService { name, .. } => vec![name.clone()],
        Subject::EcsTask { id, .. } => vec![id.clone()],
        Subject::Finding { code, object } => vec![code.clone(), object.clone()],
    };
    raw.iter().map(|n| sanitize(n)).collect()
}

pub fn fuzzy_match(pattern: &str, text: &str) -> bool {
    fuzzy_match_cells(pattern, &[text])
}

/// Each space-separated word of `pattern` a case-insensitive subsequence of
/// one of `cells`.
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
    use super::*;

    fn pod(ns: &str, name: &str) -> Subject {
        Subject::kube("prod", "Pod", ns, name)
    }

    fn keeps(f: &str, s: &Subject) -> bool {
        Filter::parse(f).keeps(s, Some(&[("app".into(), "kong".into())]))
    }

    #[test]
    fn subsequence_per_word() {
        assert!(fuzzy_match("crash", "api-1 CrashLoopBackOff"));
        assert!(fuzzy_match("clb", "CrashLoopBackOff"));
        assert!(fuzzy_match("tb pend", "tb-demo mysql-0 Pending"));
        assert!(!fuzzy_match("xyz", "CrashLoopBackOff"));
        assert!(fuzzy_match("", "anything"));
    }

    #[test]
    fn text_is_a_case_insensitive_regex_over_name_and_namespace() {
        let kong = pod("kong", "kong-gw-0");
        let svc = pod("tb-demo", "service-6b7c-a1");
        assert!(keeps("KONG", &kong));
        assert!(!keeps("kong", &svc));
        assert!(keeps("^service-[0-9a-f]+-a1$", &svc));
        assert!(keeps("tb-demo/serv", &svc));
        // Not a regex: matched as text.
        assert!(keeps("gw-0[", &pod("kong", "kong-gw-0[")));
        // A word and a space are one pattern, not two fuzzy words.
        assert!(!keeps("service kong", &kong));
    }

    #[test]
    fn a_name_with_an_escape_is_matched_as_drawn() {
        let evil = pod("default", "evil\u{1b}[31mred");
        assert!(keeps("evilred", &evil));
        assert!(keeps("^evilred$", &evil));
    }

    #[test]
    fn f_is_fuzzy_l_is_labels_and_bang_inverts() {
        let kong = pod("kong", "kong-gw-0");
        assert!(keeps("-f kgw", &kong));
        assert!(!keeps("kgw", &kong), "plain text is not fuzzy");
        assert!(keeps("-l app=kong", &kong));
        assert!(!keeps("-l app=mysql", &kong));
        assert!(keeps("-l app", &kong) && !keeps("-l tier", &kong));
        assert!(keeps("-l app!=mysql", &kong));
        assert!(!keeps("!kong", &kong));
        assert!(keeps("!mysql", &kong));
        assert!(keeps("! -l app=mysql", &kong));
        // Without labels known, a selector keeps nothing either way.
        assert!(!Filter::parse("-l app=kong").keeps(&kong, None));
        assert!(!Filter::parse("!-l app=kong").keeps(&kong, None));
        // Empty or a lone `!` keeps all.
        assert!(keeps("", &kong) && keeps("!", &kong) && keeps("-f", &kong));
    }
}
