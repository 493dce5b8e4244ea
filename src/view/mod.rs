//! The view-model layer between the model and the screen: each open view's
//! rows, identified by typed subjects, arranged (scope, filter, sort) once
//! per data version and kept until the data or the arrangement changes.
//! The app owns it; keys move an index in it; ui draws from it.

pub mod arranged;
pub mod band;
pub mod changes;
pub mod commands;
pub mod filter;
pub mod findings_index;
pub mod nav;
pub mod panes;
pub mod picker;
pub mod sort;
pub mod state;
pub mod subject;
pub mod wrap;
