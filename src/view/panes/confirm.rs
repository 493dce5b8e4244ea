//! The confirmation of a mutation (a fix offered by an incident, `x` on the
//! Findings view; deleting a pod, `ctrl-d`): what will be done, to which
//! object, in which cluster, and what follows; enter applies it (once the
//! name is typed, where one is needed), esc changes nothing.

use super::scale::ScaleRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The mutation enter queues.
    pub request: ScaleRequest,
    /// The title: the fix and its finding, or the deletion.
    pub about: String,
    /// What will happen, one fact a line.
    pub lines: Vec<String>,
    /// The name to type before enter applies (nothing would undo it).
    pub need_name: Option<String>,
    /// What has been typed of it.
    pub typed: String,
}

impl Confirm {
    /// Whether enter may apply it: no name needed, or the name typed.
    pub fn ready(&self) -> bool {
        self.need_name.as_ref().is_none_or(|n| *n == self.typed)
    }
}
