//! The Wait state: delays for a time or until a timestamp.

use super::read::{MaybeExpr, Reader};

/// A Wait state's own fields; exactly one must be set.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Wait {
    /// Seconds to wait, or a JSONata expression.
    pub seconds: Option<MaybeExpr<u64>>,
    /// An RFC 3339 timestamp to wait until, or a JSONata expression.
    pub timestamp: Option<String>,
    /// Reference path to the seconds in the input.
    pub seconds_path: Option<String>,
    /// Reference path to the timestamp in the input.
    pub timestamp_path: Option<String>,
}

/// The four ways a Wait state can say how long to wait.
pub const WAIT_FIELDS: [&str; 4] = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];

pub(crate) fn read(r: &mut Reader<'_>) -> Wait {
    Wait {
        seconds: r.uint_or_expr("Seconds"),
        timestamp: r.string("Timestamp"),
        seconds_path: r.string("SecondsPath"),
        timestamp_path: r.string("TimestampPath"),
    }
}
