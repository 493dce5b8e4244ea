//! Where each finding's row sits in the Findings view, by the row's
//! subject. Built once per diagnosis, on the diagnosis thread, so the rows
//! around the window, an unfold or a fix find their finding without a pass
//! over every finding (the scale fleet has ~20,000).

use std::collections::HashMap;

use crate::diagnose::{Finding, Findings, ObjectRef};
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

impl Place {
    /// The row's rank in the incident tree (worst incident first, its root
    /// before its symptoms), the same whether the incident is unfolded or not.
    pub fn rank(&self) -> i64 {
        match self.incident {
            Some(n) => ((n as i64) << 20) + self.symptom.map_or(0, |j| j as i64 + 1),
            None => self.finding as i64,
        }
    }
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
    use crate::diagnose::codes::Code;
    use crate::diagnose::incidents::Incident;
    use crate::diagnose::{Finding, Severity};

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
        ranked.sort_by_key(|&i| place(i).rank());
        assert_eq!(ranked, [2, 0, 1]);
        assert_eq!(index.len(), 3);
    }
}
