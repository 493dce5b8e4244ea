//! The `:` command line: view switches, scopes, completion.

use std::collections::BTreeSet;

use super::nav::ViewKind;
use super::state::State;
use crate::kinds::Kind;

/// Commands that are not a kind's view: `(names, description)`, the first
/// name being the one completion offers. Kinds' commands come from the registry.
const OTHER_COMMANDS: &[(&[&str], &str)] = &[
    (&["gw", "gateways", "kong"], "Kong gateway nodes"),
    (&["aws", "eks", "ecs"], "EKS and ECS per region"),
    (
        &["findings", "diag", "diagnose"],
        "incidents worst first; a finding shows once held 3 s, stays 20 s",
    ),
    (
        &["ns"],
        "ns NAME | ns all — namespace scope; alone: list namespaces",
    ),
    (
        &["ctx", "context"],
        "ctx NAME | ctx all — cluster scope; alone: pick a cluster",
    ),
    (&["help"], "this help"),
    (&["quit", "q"], "quit"),
];

/// Every command for help and completion: the fleet, then one line per view
/// of registered kinds (with all their aliases), then the others.
pub fn commands() -> Vec<(Vec<&'static str>, String)> {
    let mut out: Vec<(Vec<&'static str>, String)> = vec![(
        vec!["fleet", "home"],
        "every cluster and ECS cluster".to_owned(),
    )];
    let mut views: Vec<(ViewKind, Vec<&'static str>, Vec<&'static str>)> = Vec::new();
    for k in Kind::ALL {
        let Some(v) = k.view_kind() else { continue };
        match views.iter_mut().find(|(w, ..)| *w == v) {
            Some((_, names, labels)) => {
                names.extend(k.aliases());
                labels.push(k.label());
            }
            None => views.push((v, k.aliases().to_vec(), vec![k.label()])),
        }
    }
    out.extend(
        views
            .into_iter()
            .map(|(v, names, labels)| match labels.as_slice() {
                [one] if v.title().eq_ignore_ascii_case(one) => (names, v.title().to_owned()),
                _ => (names, format!("{}: {}", v.title(), labels.join(", "))),
            }),
    );
    out.extend(
        OTHER_COMMANDS
            .iter()
            .map(|(names, desc)| (names.to_vec(), (*desc).to_owned())),
    );
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    View(ViewKind),
    /// `:pods NS`: a view scoped to one namespace (as k9s does).
    ViewIn(ViewKind, String),
    Namespace(Option<String>),
    Context(Option<String>),
    /// `:ctx` alone: the cluster picker.
    PickContext,
    Help,
    Quit,
}

pub fn parse(input: &str) -> Result<Command, String> {
    let mut words = input.split_whitespace();
    let Some(head) = words.next() else {
        return Err("empty command".into());
    };
    let raw = words.next();
    let arg = raw.map(str::to_owned).filter(|a| a != "all" && a != "-A");
    let view = |v| Ok(Command::View(v));
    match head {
        // With an argument `:ns` sets the scope; alone it opens the Namespaces view.
        "ns" | "namespace" if raw.is_some() => Ok(Command::Namespace(arg)),
        "fleet" | "home" => view(ViewKind::Fleet),
        "gw" | "gateways" | "kong" => view(ViewKind::Gateways),
        "aws" | "eks" | "ecs" => view(ViewKind::Aws),
        "findings" | "diag" | "diagnose" => view(ViewKind::Findings),
        "ctx" | "context" if raw.is_none() => Ok(Command::PickContext),
        "ctx" | "context" => Ok(Command::Context(arg)),
        "help" | "?" => Ok(Command::Help),
        "quit" | "q" | "q!" => Ok(Command::Quit),
        other => match Kind::by_alias(other) {
            Some(k) => match (k.view_kind(), raw) {
                (None, _) => Err(unknown(other)),
                (Some(v), None) => view(v),
                // `:pods -A` / `:pods all`: every namespace.
                (Some(v), Some(_)) if arg.is_none() => view(v),
                (Some(_), Some(ns)) if !k.namespaced() => Err(format!(
                    "{} are not namespaced: :{other} {ns} has no meaning",
                    k.label()
                )),
                (Some(v), Some(ns)) => Ok(Command::ViewIn(v, ns.to_owned())),
            },
            None => Err(unknown(other)),
        },
    }
}

/// One line naming every command, so a typo shows what there is.
fn unknown(name: &str) -> String {
    let mut known: Vec<&str> = commands().into_iter().map(|(n, _)| n[0]).collect();
    // `ns` is both the Namespaces view and the scope command.
    let mut seen = BTreeSet::new();
    known.retain(|n| seen.insert(*n));
    format!("unknown command :{name} — known: {}", known.join(" "))
}

/// Namespaces seen in the clusters in view (watched namespaces and those
/// of pods); empty when none is known yet.
pub fn known_namespaces(state: &State) -> BTreeSet<String> {
    state
        .fleet
        .clusters
        .values()
        .filter(|c| state.cluster_scope.as_ref().is_none_or(|s| *s == c.name))
        .flat_map(|c| {
            let watched = c.stores.namespaces.iter().map(|n| n.name.clone());
            watched.chain(c.stores.pods.iter().map(|p| p.namespace.to_string()))
        })
        .collect()
}

/// The completed input for `input`, if there is a completion.
pub fn completion(state: &State, input: &str) -> Option<String> {
    if input.is_empty() {
        return None;
    }
    match input.split_once(' ') {
        None => commands()
            .into_iter()
            .flat_map(|(names, _)| names)
            .find(|n| n.starts_with(input))
            .map(str::to_owned),
        Some((head, arg)) => {
            let candidates: BTreeSet<String> = match head {
                "ns" | "namespace" => known_namespaces(state)
                    .into_iter()
                    .chain(std::iter::once("all".to_owned()))
                    .collect(),
                "ctx" | "context" => state
                    .fleet
                    .clusters
                    .keys()
                    .cloned()
                    .chain(std::iter::once("all".to_owned()))
                    .collect(),
                _ => return None,
            };
            candidates
                .into_iter()
                .find(|c| c.starts_with(arg.trim()) && !arg.trim().is_empty())
                .map(|c| format!("{head} {c}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_views_and_scopes() {
        assert_eq!(parse("po"), Ok(Command::View(ViewKind::Pods)));
        assert_eq!(parse("gw"), Ok(Command::View(ViewKind::Gateways)));
        assert_eq!(
            parse("ns kube-system"),
            Ok(Command::Namespace(Some("kube-system".into())))
        );
        assert_eq!(parse("ns all"), Ok(Command::Namespace(None)));
        assert_eq!(
            parse("ns"),
            Ok(Command::View(ViewKind::Kind(Kind::Namespaces)))
        );
        assert!(parse("bogus").is_err());
        assert_eq!(parse("ctx"), Ok(Command::PickContext));
        assert_eq!(parse("ctx all"), Ok(Command::Context(None)));
        assert_eq!(
            parse("pods kube-system"),
            Ok(Command::ViewIn(ViewKind::Pods, "kube-system".into()))
        );
        assert_eq!(parse("pods -A"), Ok(Command::View(ViewKind::Pods)));
        assert!(
            parse("sc kube-system").is_err(),
            "classes have no namespace"
        );
    }

    #[test]
    fn k9s_kind_commands_open_their_views() {
        for (cmd, kind) in [
            ("svc", Kind::Services),
            ("ep", Kind::EndpointSlices),
            ("ing", Kind::Ingresses),
            ("events", Kind::Events),
            ("ev", Kind::Events),
            ("sc", Kind::StorageClasses),
            ("pv", Kind::Pvs),
        ] {
            assert_eq!(
                parse(cmd),
                Ok(Command::View(ViewKind::Kind(kind))),
                ":{cmd}"
            );
        }
    }

    #[test]
    fn an_unknown_command_is_refused_with_the_known_ones_on_one_line() {
        let e = parse("bogus").expect_err("bogus is no command");
        assert!(e.starts_with("unknown command :bogus"), "{e}");
        for known in ["pods", "svc", "ep", "sc", "pv", "ctx", "ns"] {
            assert!(
                e.split_whitespace().any(|w| w == known),
                "{known} missing: {e}"
            );
        }
        assert!(!e.contains('\n'));
    }

    #[test]
    fn every_registry_alias_parses_to_its_kinds_view() {
        for k in Kind::ALL {
            for a in k.aliases() {
                assert_eq!(
                    parse(a),
                    Ok(Command::View(
                        k.view_kind().expect("a kind with aliases has a view")
                    )),
                    ":{a}"
                );
            }
        }
        assert_eq!(
            parse("svc"),
            Ok(Command::View(ViewKind::Kind(Kind::Services)))
        );
        assert_eq!(
            parse("ing"),
            Ok(Command::View(ViewKind::Kind(Kind::Ingresses)))
        );
        assert_eq!(parse("ev"), Ok(Command::View(ViewKind::Kind(Kind::Events))));
        assert_eq!(parse("sts"), Ok(Command::View(ViewKind::Workloads)));
    }

    #[test]
    fn help_lists_each_view_once_with_all_its_aliases() {
        let all = commands();
        let workloads: Vec<_> = all
            .iter()
            .filter(|(_, d)| d.starts_with("Workloads"))
            .collect();
        assert_eq!(workloads.len(), 1);
        assert!(
            ["deploy", "sts", "ds"]
                .iter()
                .all(|a| workloads[0].0.contains(a))
        );
        assert!(all.iter().any(|(n, _)| n.contains(&"svc")));
    }
}
