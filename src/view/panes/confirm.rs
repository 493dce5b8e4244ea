//! The confirmation of a fix offered by an incident (`x` on the Findings
//! view): what will be done, to which object, in which cluster, and what
//! follows; enter applies it, esc changes nothing.

use super::scale::ScaleRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The mutation enter queues.
    pub request: ScaleRequest,
    /// The finding the fix is for (code and object), for the title.
    pub about: String,
    /// What will happen, one fact a line.
    pub lines: Vec<String>,
}
