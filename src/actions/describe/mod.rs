//! Describe formatters: kubectl-like text and YAML of Kubernetes objects,
//! and the local (Kong/AWS) describe and fields. The pane they fill is the view
//! layer's ([`crate::view::panes::describe`]).

pub mod fields;
pub mod kube;
pub mod local;
pub mod node_pods;
pub mod yaml;

pub use crate::view::panes::describe::*;
