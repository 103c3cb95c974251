//! The Fail state: stops the execution (or branch) with an error and a cause.

use super::read::Reader;

/// A Fail state's own fields.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Fail {
    /// The error name (may be a JSONata expression).
    pub error: Option<String>,
    /// Reference path or intrinsic function giving the error name.
    pub error_path: Option<String>,
    /// A human-readable cause (may be a JSONata expression).
    pub cause: Option<String>,
    /// Reference path or intrinsic function giving the cause.
    pub cause_path: Option<String>,
}

pub(crate) fn read(r: &mut Reader<'_>) -> Fail {
    Fail {
        error: r.string("Error"),
        error_path: r.string("ErrorPath"),
        cause: r.string("Cause"),
        cause_path: r.string("CausePath"),
    }
}
