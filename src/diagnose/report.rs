//! `fleetdeck diagnose` output: text for people, JSON for scripts (schema
//! [`SCHEMA`], documented in the README). Both list incidents, root cause
//! first; the JSON keeps every finding as v1 had it.

use serde::Serialize;

use super::incidents::Incident;
use super::{Finding, Findings, ObjectRef, Severity};

/// v2 added `incidents`; `findings` is unchanged from v1.
pub const SCHEMA: &str = "fleetdeck.diagnose/v2";
use crate::model::fleet::Fleet;

/// A source that could not be reached or listed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreached {
    /// `cluster prod-eu`, `cluster prod-eu pods`, `gateway kong-ecs`, `gateway kong-ecs node n1`, `aws eu-west-1`.
    pub source: String,
    /// `unreachable`, `unauthorized`, `forbidden`, `error`, or `syncing` (no answer before the deadline).
    pub state: String,
    pub message: String,
}

/// Every source that is not live, for stderr and the JSON.
pub fn unreached(fleet: &Fleet) -> Vec<Unreached> {
    use crate::model::status::SourceState;
    let mut out = Vec::new();
    let entry = |source: String, st: &SourceState| match st {
        SourceState::Live => None,
        SourceState::Syncing => Some(Unreached {
            source,
            state: "syncing".into(),
            message: "no answer before the deadline".into(),
        }),
        SourceState::Stale { error, .. } | SourceState::Failed { error, .. } => Some(Unreached {
            source,
            state: error.short().into(),
            message: error.message().into(),
        }),
    };
    let mut push = |source: String, st: &SourceState| out.extend(entry(source, st));
    for c in fleet.clusters.values() {
        push(format!("cluster {}", c.name), &c.connection);
        if c.connection == SourceState::Live {
            for (k, st) in &c.kinds {
                push(format!("cluster {} {}", c.name, k.label()), st);
            }
        }
    }
    for g in fleet.gateways.values() {
        push(format!("gateway {}", g.name), &g.state);
        for n in g.nodes.values() {
            if let Err(e) = &n.reachable {
                let st = SourceState::Failed {
                    since: jiff::Timestamp::UNIX_EPOCH,
                    error: crate::model::status::SourceError::Unreachable(e.clone()),
                };
                push(format!("gateway {} node {}", g.name, n.name), &st);
            }
        }
    }
    for r in fleet.aws.values() {
        push(format!("aws {}", r.region), &r.state);
    }
    out
}

#[derive(Serialize)]
struct Summary {
    critical: usize,
    warning: usize,
    info: usize,
    exit_code: u8,
}

/// A finding as an incident names it; `finding` is its index in `findings`.
#[derive(Serialize)]
struct Named<'a> {
    finding: usize,
    code: &'static str,
    severity: Severity,
    object: Option<&'a ObjectRef>,
    cause: &'a str,
}

#[derive(Serialize)]
struct IncidentOut<'a> {
    severity: Severity,
    root: Named<'a>,
    symptoms: Vec<Named<'a>>,
    impact: &'a [String],
    fix: &'a str,
}

fn named(list: &[Finding], i: usize) -> Option<Named<'_>> {
    let f = list.get(i)?;
    Some(Named {
        finding: i,
        code: f.code,
        severity: f.severity,
        object: f.primary(),
        cause: &f.cause,
    })
}

fn incident_out<'a>(list: &'a [Finding], inc: &'a Incident) -> Option<IncidentOut<'a>> {
    Some(IncidentOut {
        severity: inc.severity,
        root: named(list, inc.root)?,
        symptoms: inc
            .symptoms
            .iter()
            .filter_map(|&i| named(list, i))
            .collect(),
        impact: &inc.impact,
        fix: &list.get(inc.root)?.fix,
    })
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    generated_at: String,
    summary: Summary,
    unreached: &'a [Unreached],
    incidents: Vec<IncidentOut<'a>>,
    findings: &'a [Finding],
}

pub fn json(findings: &Findings, unreached: &[Unreached], now: jiff::Timestamp) -> String {
    let (critical, warning, info) = findings.counts();
    let r = Report {
        schema: SCHEMA,
        generated_at: now.to_string(),
        summary: Summary {
            critical,
            warning,
            info,
            exit_code: findings.exit_code(),
        },
        unreached,
        incidents: findings
            .incidents
            .iter()
            .filter_map(|i| incident_out(&findings.list, i))
            .collect(),
        findings: &findings.list,
    };
    serde_json::to_string_pretty(&r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn text(findings: &Findings) -> String {
    let (c, w, i) = findings.counts();
    let mut out = String::new();
    if findings.list.is_empty() {
        out.push_str("no findings\n");
        return out;
    }
    for (n, inc) in findings.incidents.iter().enumerate() {
        let Some(root) = findings.list.get(inc.root) else {
            continue;
        };
        out.push_str(&format!(
            "INCIDENT {} ({}): {}\n",
            n + 1,
            inc.severity.label(),
            root.cause
        ));
        for line in &inc.impact {
            out.push_str(&format!("  impact: {line}\n"));
        }
        out.push_str("  root cause:\n");
        finding_text(&mut out, root, "    ");
        for &s in &inc.symptoms {
            if let Some(f) = findings.list.get(s) {
                out.push_str("  symptom:\n");
                finding_text(&mut out, f, "    ");
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{} incident(s); findings: {c} critical, {w} warning, {i} info\n",
        findings.incidents.len()
    ));
    out
}

fn finding_text(out: &mut String, f: &Finding, indent: &str) {
    out.push_str(&format!(
        "{indent}{:<8} {}  {}\n",
        f.severity.label().to_uppercase(),
        f.code,
        f.cause
    ));
    for l in &f.evidence {
        out.push_str(&format!(
            "{indent}           ← {}: {}\n",
            l.object.label(),
            l.fact
        ));
    }
    if !f.fix.is_empty() {
        out.push_str(&format!("{indent}           fix: {}\n", f.fix));
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use super::*;

    /// A crash loop behind a routed service: one incident, root first.
    fn crash() -> Findings {
        let p = set(
            pod("shop", "pay-1"),
            "/status/containerStatuses/0/state",
            serde_json::json!({"waiting": {"reason": "CrashLoopBackOff"}}),
        );
        let n = set(
            pod("shop", "mailer-1"),
            "/status/containerStatuses/0/state",
            serde_json::json!({"waiting": {"reason": "ImagePullBackOff"}}),
        );
        diagnose(&fleet("prod", &[p, n]), now())
    }

    #[test]
    fn json_v2_has_incidents_and_keeps_findings() {
        let r = crash();
        let v: serde_json::Value = serde_json::from_str(&json(&r, &[], now())).expect("valid JSON");
        assert_eq!(v["schema"], "fleetdeck.diagnose/v2");
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(2));
        let inc = v["incidents"].as_array().expect("incidents");
        assert_eq!(inc.len(), 2);
        for i in inc {
            let at = i["root"]["finding"].as_u64().expect("index") as usize;
            assert_eq!(i["root"]["code"], v["findings"][at]["code"]);
            assert_eq!(i["fix"], v["findings"][at]["fix"]);
            assert!(i["symptoms"].as_array().is_some_and(Vec::is_empty));
        }
    }

    #[test]
    fn text_lists_incidents_root_first() {
        let r = crash();
        let t = text(&r);
        assert!(t.starts_with("INCIDENT 1 ("), "{t}");
        let root = t.find("root cause:").expect("root");
        let code = t.find("FD-POD-").expect("code");
        assert!(root < code, "{t}");
        assert!(t.contains("2 incident(s)"), "{t}");
    }
}
