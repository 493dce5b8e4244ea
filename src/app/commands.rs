//! The `:` command line: view switches, scopes, completion.

use std::collections::BTreeSet;

use super::nav::ViewKind;
use super::state::State;

/// `(names, description)`; the first name is the one completion offers.
pub const COMMANDS: &[(&[&str], &str)] = &[
    (&["fleet", "home"], "every cluster and ECS cluster"),
    (&["nodes", "no", "node"], "nodes: Fargate, EC2 and virtual"),
    (
        &["pods", "po", "pod"],
        "pods with their real status and where they run",
    ),
    (
        &["deploy", "dp", "workloads", "sts", "ds"],
        "deployments, statefulsets, daemonsets",
    ),
    (&["hpa"], "horizontal pod autoscalers"),
    (&["pvc"], "persistent volume claims"),
    (&["gw", "gateways", "kong"], "Kong gateway nodes"),
    (&["aws", "eks", "ecs"], "EKS and ECS per region"),
    (
        &["findings", "diag", "diagnose"],
        "diagnosis: faults, their causal chain and the fix, worst first",
    ),
    (&["ns"], "ns NAME | ns all — namespace scope"),
    (&["ctx", "context"], "ctx NAME | ctx all — cluster scope"),
    (&["help"], "this help"),
    (&["quit", "q"], "quit"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    View(ViewKind),
    Namespace(Option<String>),
    Context(Option<String>),
    Help,
    Quit,
}

pub fn parse(input: &str) -> Result<Command, String> {
    let mut words = input.split_whitespace();
    let Some(head) = words.next() else {
        return Err("empty command".into());
    };
    let arg = words
        .next()
        .map(str::to_owned)
        .filter(|a| a != "all" && a != "-A");
    let view = |v| Ok(Command::View(v));
    match head {
        "fleet" | "home" => view(ViewKind::Fleet),
        "nodes" | "no" | "node" => view(ViewKind::Nodes),
        "pods" | "po" | "pod" => view(ViewKind::Pods),
        "deploy" | "dp" | "workloads" | "sts" | "ds" | "deployments" => view(ViewKind::Workloads),
        "hpa" => view(ViewKind::Hpa),
        "pvc" => view(ViewKind::Pvc),
        "gw" | "gateways" | "kong" => view(ViewKind::Gateways),
        "aws" | "eks" | "ecs" => view(ViewKind::Aws),
        "findings" | "diag" | "diagnose" => view(ViewKind::Findings),
        "ns" | "namespace" => Ok(Command::Namespace(arg)),
        "ctx" | "context" => Ok(Command::Context(arg)),
        "help" | "?" => Ok(Command::Help),
        "quit" | "q" | "q!" => Ok(Command::Quit),
        other => Err(format!("unknown command :{other} (try :help)")),
    }
}

/// The completed input for `input`, if there is a completion.
pub fn completion(state: &State, input: &str) -> Option<String> {
    if input.is_empty() {
        return None;
    }
    match input.split_once(' ') {
        None => COMMANDS
            .iter()
            .flat_map(|(names, _)| names.iter())
            .find(|n| n.starts_with(input))
            .map(|n| (*n).to_owned()),
        Some((head, arg)) => {
            let candidates: BTreeSet<String> = match head {
                "ns" | "namespace" => state
                    .fleet
                    .clusters
                    .values()
                    .flat_map(|c| c.stores.pods.iter().map(|p| p.namespace.clone()))
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
        assert!(parse("bogus").is_err());
    }
}
