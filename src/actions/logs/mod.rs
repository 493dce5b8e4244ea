//! Log streaming: a task per container ([`stream`]). The pane the lines go
//! to is the view layer's ([`crate::view::panes::logs`]).

pub mod stream;

pub use crate::view::panes::buffer;
pub use crate::view::panes::logs::*;
