//! Sources: clusters unreachable, unauthorized or forbidden, watches stale;
//! gateways whose nodes cannot be discovered; AWS regions that cannot be polled.

use super::{Code, Finding, ObjectRef, Snapshot};
use crate::model::status::{SourceError, SourceState};

/// A watch reconnects within seconds; stale longer than this is worth saying.
const STALE_GRACE: i64 = 30;

pub fn rule(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &s.clusters {
        let d = c.data;
        let o = ObjectRef::new(&d.name, "Cluster", "", &d.name);
        if let Some(e) = d.connection.error() {
            let server = d.server.as_deref().unwrap_or("?");
            let (code, fix) = match e {
                SourceError::Unauthorized(_) => (
                    Code::ClusterUnauthorized,
                    "Refresh the credentials (EKS tokens last 15 minutes; check the exec plugin / AWS profile).",
                ),
                SourceError::Forbidden(_) => (
                    Code::ClusterForbidden,
                    "Grant this identity read access (aws-auth / access entries and RBAC).",
                ),
                _ => (
                    Code::ClusterUnreachable,
                    "Check the endpoint, network path (VPN, security groups, private endpoint) and that the cluster exists; the rest of the fleet is shown without it.",
                ),
            };
            out.push(
                Finding::new(
                    code,
                    o.clone(),
                    format!("cluster {} is {}: {}", d.name, e.short(), e.message()),
                )
                .link(o.clone(), format!("API server {server}: {}", e.message()))
                .fix(fix),
            );
            continue;
        }
        // No finding reads Secrets, and the built-in `view` role excludes
        // them: their 403 blinds nothing, and granting it is no fix to advise.
        let forbidden: Vec<&str> = d
            .forbidden_kinds()
            .into_iter()
            .filter(|k| *k != crate::kinds::Kind::Secrets.label())
            .collect();
        if !forbidden.is_empty() {
            out.push(
                Finding::new(
                    Code::ClusterForbidden,
                    o.clone(),
                    format!("cluster {}: RBAC forbids watching {}", d.name, forbidden.join(", ")),
                )
                .link(o.clone(), format!("403 on {}", forbidden.join(", ")))
                .fix("Grant list/watch on these resources; until then findings that need them are blind."),
            );
        }
        let stale: Vec<String> = d
            .kinds
            .iter()
            .filter_map(|(k, st)| match st {
                SourceState::Stale { since, error }
                    if !matches!(error, SourceError::Forbidden(_) | SourceError::NotServed(_)) =>
                {
                    let age = s.age(Some(*since));
                    (age >= STALE_GRACE)
                        .then(|| format!("{} stale {age}s ({})", k.label(), error.message()))
                }
                SourceState::Failed { error, .. }
                    if !matches!(error, SourceError::Forbidden(_) | SourceError::NotServed(_)) =>
                {
                    Some(format!("{} never listed ({})", k.label(), error.message()))
                }
                _ => None,
            })
            .collect();
        if !stale.is_empty() {
            let mut f = Finding::new(
                Code::ClusterStale,
                o.clone(),
                format!("cluster {}: {} watch(es) stale", d.name, stale.len()),
            );
            for line in stale {
                f = f.link(o.clone(), line);
            }
            out.push(f.fix("The rows of these kinds are out of date; the watchers retry with backoff. Check the API server's health and rate limits."));
        }
    }
    for g in s.fleet.gateways.values() {
        if let Some(e) = g.state.error() {
            let o = ObjectRef::new("", "Gateway", "", &g.name);
            out.push(
                Finding::new(Code::GatewaySource, o.clone(), format!("gateway {}: its Kong nodes cannot be discovered: {}", g.name, e.message()))
                    .link(o, format!("{}: {}", e.short(), e.message()))
                    .fix("Check the gateway's config (admin URLs, or context/namespace/selector) and that fleetdeck can reach it."),
            );
        }
    }
    for r in s.fleet.aws.values() {
        if let Some(e) = r.state.error() {
            let o = ObjectRef::new(&r.region, "AwsRegion", "", &r.region);
            out.push(
                Finding::new(
                    Code::AwsUnreachable,
                    o.clone(),
                    format!(
                        "AWS region {}: EKS/ECS cannot be polled: {}",
                        r.region,
                        e.message()
                    ),
                )
                .link(o, format!("{}: {}", e.short(), e.message()))
                .fix("Check AWS credentials (AWS_PROFILE, SSO login), region and endpoint_url."),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::fixtures::*;
    use crate::model::cluster::Kind;
    use crate::model::fleet::SourceUpdate;
    use crate::model::status::SourceError;

    #[test]
    fn unreachable_cluster_and_forbidden_kind() {
        let mut f = fleet("ok", &[]);
        f.apply(
            SourceUpdate::ClusterAdded {
                cluster: "down".into(),
                server: Some("https://10.9.9.9".into()),
            },
            now(),
        );
        f.apply(
            SourceUpdate::ClusterError {
                cluster: "down".into(),
                error: SourceError::Unreachable("connection refused".into()),
            },
            now(),
        );
        f.apply(
            SourceUpdate::KindError {
                cluster: "ok".into(),
                kind: Kind::Events,
                error: SourceError::Forbidden("events is forbidden".into()),
            },
            now(),
        );
        let r = diagnose(&f, now());
        assert_eq!(
            codes(&r),
            vec!["FD-CLUSTER-UNREACHABLE", "FD-CLUSTER-FORBIDDEN"]
        );
        assert_eq!(r.list[0].objects[0].name, "down");
        assert_eq!(r.exit_code(), 2);
    }

    #[test]
    fn forbidden_secrets_alone_are_no_finding() {
        let mut f = fleet("ok", &[]);
        let forbid = |kind| SourceUpdate::KindError {
            cluster: "ok".into(),
            kind,
            error: SourceError::Forbidden("forbidden".into()),
        };
        f.apply(forbid(Kind::Secrets), now());
        assert!(diagnose(&f, now()).list.is_empty());
        f.apply(forbid(Kind::Events), now());
        let r = diagnose(&f, now());
        assert_eq!(codes(&r), vec!["FD-CLUSTER-FORBIDDEN"]);
        assert!(!r.list[0].cause.contains("secrets"), "{}", r.list[0].cause);
    }

    #[test]
    fn fresh_stale_watch_is_quiet_old_one_is_not() {
        let mut f = fleet("ok", &[]);
        f.apply(
            SourceUpdate::KindError {
                cluster: "ok".into(),
                kind: Kind::Pods,
                error: SourceError::Other("watch closed".into()),
            },
            now(),
        );
        assert!(diagnose(&f, now()).list.is_empty());
        let later = now()
            .checked_add(jiff::SignedDuration::from_secs(120))
            .unwrap_or(now());
        assert_eq!(codes(&diagnose(&f, later)), vec!["FD-CLUSTER-STALE"]);
    }
}
