//! The Parallel state: runs branches side by side, each a closed set of states.

use super::read::Reader;
use super::{QueryLanguage, Scope, read_scope};
use crate::diag::Code;
use serde_json::Value;

/// A Parallel state's own fields.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parallel {
    /// The branches, each with its own StartAt and States.
    pub branches: Vec<Scope>,
}

pub(crate) fn read(r: &mut Reader<'_>, language: QueryLanguage) -> Parallel {
    let mut branches = Vec::new();
    if let Some(items) = r.array("Branches") {
        if items.is_empty() {
            r.diags.push(
                Code::InvalidValue,
                r.pointer.key("Branches"),
                "A Parallel state needs at least one branch.",
            );
        }
        for (i, item) in items.iter().enumerate() {
            let pointer = r.pointer.key("Branches").index(i);
            match item {
                Value::Object(obj) => branches.push(read_scope(
                    obj,
                    pointer,
                    r.diags,
                    "a Parallel branch",
                    language,
                )),
                other => r.diags.push(
                    Code::WrongType,
                    pointer,
                    format!(
                        "A branch must be an object with StartAt and States, not {}.",
                        super::read::type_name(other)
                    ),
                ),
            }
        }
    }
    Parallel { branches }
}
