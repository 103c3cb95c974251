//! Which fields each state type takes, and in which query language: the one table the reader and
//! the validator both consult.

use super::{QueryLanguage, StateType};

/// The query languages a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Both JSONPath and JSONata states take the field.
    Both,
    /// Only JSONPath states take it.
    JsonPath,
    /// Only JSONata states take it.
    Jsonata,
}

impl Lang {
    /// Whether a state in `language` may use the field.
    pub fn allows(self, language: QueryLanguage) -> bool {
        match self {
            Self::Both => true,
            Self::JsonPath => language == QueryLanguage::JsonPath,
            Self::Jsonata => language == QueryLanguage::Jsonata,
        }
    }
}

const TASK: u8 = 1 << StateType::Task as u8;
const PASS: u8 = 1 << StateType::Pass as u8;
const CHOICE: u8 = 1 << StateType::Choice as u8;
const WAIT: u8 = 1 << StateType::Wait as u8;
const SUCCEED: u8 = 1 << StateType::Succeed as u8;
const FAIL: u8 = 1 << StateType::Fail as u8;
const PARALLEL: u8 = 1 << StateType::Parallel as u8;
const MAP: u8 = 1 << StateType::Map as u8;
const ALL: u8 = 0xff;

/// One field a state may have.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The field name.
    pub name: &'static str,
    types: u8,
    /// The languages it belongs to.
    pub lang: Lang,
}

impl FieldSpec {
    /// Whether states of `ty` take the field.
    pub fn allowed_in(&self, ty: StateType) -> bool {
        self.types & (1 << ty as u8) != 0
    }
}

const fn f(name: &'static str, types: u8, lang: Lang) -> FieldSpec {
    FieldSpec { name, types, lang }
}

/// Every state field of the States Language (JSONPath and JSONata eras).
pub const STATE_FIELDS: &[FieldSpec] = &[
    f("Type", ALL, Lang::Both),
    f("Comment", ALL, Lang::Both),
    f("QueryLanguage", ALL, Lang::Both),
    f("Next", TASK | PASS | WAIT | PARALLEL | MAP, Lang::Both),
    f("End", TASK | PASS | WAIT | PARALLEL | MAP, Lang::Both),
    f("InputPath", ALL & !FAIL, Lang::JsonPath),
    f("OutputPath", ALL & !FAIL, Lang::JsonPath),
    f("Parameters", TASK | PASS | PARALLEL | MAP, Lang::JsonPath),
    f("ResultPath", TASK | PASS | PARALLEL | MAP, Lang::JsonPath),
    f("ResultSelector", TASK | PARALLEL | MAP, Lang::JsonPath),
    f("Arguments", TASK | PARALLEL, Lang::Jsonata),
    f("Output", ALL & !FAIL, Lang::Jsonata),
    f("Assign", ALL & !(SUCCEED | FAIL), Lang::Both),
    f("Retry", TASK | PARALLEL | MAP, Lang::Both),
    f("Catch", TASK | PARALLEL | MAP, Lang::Both),
    // Task
    f("Resource", TASK, Lang::Both),
    f("TimeoutSeconds", TASK, Lang::Both),
    f("TimeoutSecondsPath", TASK, Lang::JsonPath),
    f("HeartbeatSeconds", TASK, Lang::Both),
    f("HeartbeatSecondsPath", TASK, Lang::JsonPath),
    f("Credentials", TASK, Lang::Both),
    // Pass
    f("Result", PASS, Lang::JsonPath),
    // Choice
    f("Choices", CHOICE, Lang::Both),
    f("Default", CHOICE, Lang::Both),
    // Wait
    f("Seconds", WAIT, Lang::Both),
    f("Timestamp", WAIT, Lang::Both),
    f("SecondsPath", WAIT, Lang::JsonPath),
    f("TimestampPath", WAIT, Lang::JsonPath),
    // Fail
    f("Error", FAIL, Lang::Both),
    f("Cause", FAIL, Lang::Both),
    f("ErrorPath", FAIL, Lang::JsonPath),
    f("CausePath", FAIL, Lang::JsonPath),
    // Parallel
    f("Branches", PARALLEL, Lang::Both),
    // Map
    f("ItemProcessor", MAP, Lang::Both),
    f("Iterator", MAP, Lang::JsonPath),
    f("ItemsPath", MAP, Lang::JsonPath),
    f("Items", MAP, Lang::Jsonata),
    f("ItemSelector", MAP, Lang::Both),
    f("ItemReader", MAP, Lang::Both),
    f("ItemBatcher", MAP, Lang::Both),
    f("ResultWriter", MAP, Lang::Both),
    f("MaxConcurrency", MAP, Lang::Both),
    f("MaxConcurrencyPath", MAP, Lang::JsonPath),
    f("ToleratedFailurePercentage", MAP, Lang::Both),
    f("ToleratedFailurePercentagePath", MAP, Lang::JsonPath),
    f("ToleratedFailureCount", MAP, Lang::Both),
    f("ToleratedFailureCountPath", MAP, Lang::JsonPath),
    f("Label", MAP, Lang::Both),
];

/// Looks a state field up by name.
pub fn state_field(name: &str) -> Option<&'static FieldSpec> {
    STATE_FIELDS.iter().find(|f| f.name == name)
}

/// Every field name a state may have, whatever its type.
pub fn state_field_names() -> Vec<&'static str> {
    STATE_FIELDS.iter().map(|f| f.name).collect()
}

/// The fields of a state machine's top level.
pub const TOP_LEVEL_FIELDS: &[&str] = &[
    "Comment",
    "StartAt",
    "States",
    "Version",
    "TimeoutSeconds",
    "QueryLanguage",
];

/// The fields of a Parallel branch or a Map item processor.
pub const SCOPE_FIELDS: &[&str] = &["Comment", "StartAt", "States", "ProcessorConfig"];
