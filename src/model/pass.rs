//! The Pass state: passes its input on, optionally injecting a fixed `Result`.

use super::read::Reader;
use serde_json::Value;

/// A Pass state's own fields.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pass {
    /// A fixed result to use in place of the (processed) input (JSONPath).
    pub result: Option<Value>,
}

pub(crate) fn read(r: &mut Reader<'_>) -> Pass {
    Pass {
        result: r.value("Result"),
    }
}
