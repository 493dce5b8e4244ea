//! Where each finding's row sits in the Findings view, by the row's
//! subject. Built once per diagnosis, on the diagnosis thread, so the rows
//! around the window, an unfold or a fix find their finding without a pass
//! over every finding (the scale fleet has ~20,000).

use std::collections::HashMap;

use crate::diagnose::{Finding, Findings, ObjectRef, Severity};
use crate::view::subject::Subject;

/// The row subject of a finding: its code and the object it is about.
pub fn subject(f: &Finding) -> Subject {
    Subject::Finding {
        code: f.code.to_string(),
        object: f.primary().map(ObjectRef::label).unwrap_or_default(),
    }
}

/// A finding's place: its index in the list, its incident, and for a
/// symptom its position among the incident's symptoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub finding: usize,
    pub incident: Option<usize>,
    pub symptom: Option<usize>,
}

/// Field separator of a sort key: below any character a field holds, so
/// a field that is a prefix of another sorts first, as `str` does.
const SEP: char = '\u{1}';
/// Ends a list of objects: below the separator, so a shorter list sorts first.
const END: char = '\u{0}';

/// Appends a finding's sort key: worst first, then code, objects and cause,
/// the order [`crate::diagnose`] sorts findings in.
fn finding_key(k: &mut String, f: &Finding) {
    k.push(severity_char(f.severity));
    k.push_str(f.code);
    k.push(SEP);
    for o in &f.objects {
        for field in [&o.cluster, &o.kind, &o.namespace, &o.name] {
            k.push_str(field);
            k.push(SEP);
        }
    }
    k.push(END);
    k.push_str(&f.cause);
    k.push(SEP);
}

fn severity_char(s: Severity) -> char {
    match s {
        Severity::Critical => '0',
        Severity::Warning => '1',
        Severity::Info => '2',
    }
}

/// A row's order in the flat list (`None`) or the incident tree, as text
/// made from the findings' content: incidents sort worst first, then by
/// their root (as [`crate::diagnose::incidents::correlate`] orders them),
/// each root before its symptoms. A row keeps its key while other
/// findings come and go, so a new diagnosis moves only the rows it changed.
pub fn sort_key(findings: &Findings, place: Place, tree: bool) -> Option<String> {
    let mut k = String::with_capacity(128);
    if !tree {
        finding_key(&mut k, findings.list.get(place.finding)?);
        return Some(k);
    }
    let incident = findings.incidents.get(place.incident?)?;
    k.push(severity_char(incident.severity));
    finding_key(&mut k, findings.list.get(incident.root)?);
    k.push_str(&format!("{:06}", place.symptom.map_or(0, |j| j + 1)));
    Some(k)
}

/// What a finding's row is made from: the finding, and for a row of an
/// incident its place and the incident's severity, size and root.
type RowFacts<'a> = (
    &'a Finding,
    Option<usize>,
    Option<(Severity, usize, &'a Finding)>,
);

fn row_facts(findings: &Findings, place: Place) -> Option<RowFacts<'_>> {
    let incident = place
        .incident
        .and_then(|n| findings.incidents.get(n))
        .and_then(|i| Some((i.severity, i.symptoms.len(), findings.list.get(i.root)?)));
    Some((findings.list.get(place.finding)?, place.symptom, incident))
}

/// The rows that differ between two diagnoses: findings gone or new, and
/// those whose finding, incident or place in it changed.
pub fn changed(
    (old, old_at): (&Findings, &FindingIndex),
    (new, new_at): (&Findings, &FindingIndex),
) -> Vec<Subject> {
    let mut out: Vec<Subject> = new_at
        .at
        .iter()
        .filter(|(s, p)| {
            old_at
                .get(s)
                .is_none_or(|q| row_facts(old, q) != row_facts(new, **p))
        })
        .map(|(s, _)| s.clone())
        .collect();
    out.extend(
        old_at
            .at
            .keys()
            .filter(|s| !new_at.at.contains_key(*s))
            .cloned(),
    );
    out
}

#[derive(Debug, Default, Clone)]
pub struct FindingIndex {
    at: HashMap<Subject, Place>,
}

impl FindingIndex {
    pub fn of(findings: &Findings) -> Self {
        let mut incident_of = vec![(None, None); findings.list.len()];
        for (n, inc) in findings.incidents.iter().enumerate() {
            if let Some(slot) = incident_of.get_mut(inc.root) {
                *slot = (Some(n), None);
            }
            for (j, &s) in inc.symptoms.iter().enumerate() {
                if let Some(slot) = incident_of.get_mut(s) {
                    *slot = (Some(n), Some(j));
                }
            }
        }
        let mut at = HashMap::with_capacity(findings.list.len());
        for (i, (f, (incident, symptom))) in findings.list.iter().zip(incident_of).enumerate() {
            // Two findings with one code on one object share a row: the first (worst) shows.
            at.entry(subject(f)).or_insert(Place {
                finding: i,
                incident,
                symptom,
            });
        }
        FindingIndex { at }
    }

    pub fn get(&self, row: &Subject) -> Option<Place> {
        self.at.get(row).copied()
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::Finding;
    use crate::diagnose::codes::Code;
    use crate::diagnose::incidents::Incident;

    fn finding(code: Code, pod: &str) -> Finding {
        Finding::new(code, ObjectRef::new("c", "Pod", "ns", pod), "cause")
    }

    #[test]
    fn places_roots_and_symptoms_by_subject_and_ranks_them_in_tree_order() {
        let findings = Findings {
            list: vec![
                finding(Code::PodCrashLoop, "a"),
                finding(Code::PodImagePull, "b"),
                finding(Code::SvcNoEndpoints, "c"),
            ],
            incidents: vec![
                Incident {
                    severity: Severity::Warning,
                    root: 2,
                    symptoms: vec![0],
                    impact: vec![],
                },
                Incident {
                    severity: Severity::Warning,
                    root: 1,
                    symptoms: vec![],
                    impact: vec![],
                },
            ],
            ..Default::default()
        };
        let index = FindingIndex::of(&findings);
        let place = |i: usize| index.get(&subject(&findings.list[i])).expect("indexed");
        assert_eq!(place(2).incident, Some(0));
        assert_eq!(place(2).symptom, None);
        assert_eq!(place(0).symptom, Some(0));
        assert_eq!(place(1).incident, Some(1));
        let mut ranked = [0, 1, 2];
        ranked.sort_by_key(|&i| sort_key(&findings, place(i), true));
        assert_eq!(ranked, [2, 0, 1]);
        ranked.sort_by_key(|&i| sort_key(&findings, place(i), false));
        assert_eq!(ranked, [2, 0, 1], "flat: worst first, then by code");
        assert_eq!(index.len(), 3);
    }
}
