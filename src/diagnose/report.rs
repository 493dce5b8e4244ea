//! `fleetdeck diagnose` output: text for people, JSON for scripts (schema
//! `fleetdeck.diagnose/v1`, documented in the README).

use serde::Serialize;

use super::{Finding, Findings};
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

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    generated_at: String,
    summary: Summary,
    unreached: &'a [Unreached],
    findings: &'a [Finding],
}

pub fn json(findings: &Findings, unreached: &[Unreached], now: jiff::Timestamp) -> String {
    let (critical, warning, info) = findings.counts();
    let r = Report {
        schema: "fleetdeck.diagnose/v1",
        generated_at: now.to_string(),
        summary: Summary {
            critical,
            warning,
            info,
            exit_code: findings.exit_code(),
        },
        unreached,
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
    for f in &findings.list {
        out.push_str(&format!(
            "{:<8} {}  {}\n",
            f.severity.label().to_uppercase(),
            f.code,
            f.cause
        ));
        for l in &f.evidence {
            out.push_str(&format!("           ← {}: {}\n", l.object.label(), l.fact));
        }
        if !f.fix.is_empty() {
            out.push_str(&format!("           fix: {}\n", f.fix));
        }
        out.push('\n');
    }
    out.push_str(&format!("{c} critical, {w} warning, {i} info\n"));
    out
}
