//! Which fields each state type takes, in which query language and which Map mode, with each
//! field's label, kind of value and help: the one table the reader, the validator and the
//! studio's inspector consult.

use super::map::{ExecutionType, ProcessorMode};
use super::retry::JitterStrategy;
use super::{QueryLanguage, StateType};
use FieldKind::{Json, LongText, Path, Prose, StateName, Structure, Text, WholeNumber};
use Lang::{Both, JsonPath, Jsonata};
use MapModes::{Distributed, DistributedOnly};

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

/// The closed sets of values a field may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// A state type (`Type`).
    StateType,
    /// `JSONPath` or `JSONata`.
    QueryLanguage,
    /// A Map's `INLINE` or `DISTRIBUTED` processing.
    ProcessorMode,
    /// A distributed Map's `STANDARD` or `EXPRESS` child executions.
    ExecutionType,
    /// A retrier's `FULL` or `NONE` jitter.
    JitterStrategy,
}

impl Closed {
    /// The values, as written in ASL, in the order a list shows them.
    pub fn values(self) -> Vec<&'static str> {
        match self {
            Self::StateType => StateType::ALL.iter().map(|t| t.as_str()).collect(),
            Self::QueryLanguage => [QueryLanguage::JsonPath, QueryLanguage::Jsonata]
                .iter()
                .map(|l| l.as_str())
                .collect(),
            Self::ProcessorMode => ProcessorMode::ALL.iter().map(|m| m.as_str()).collect(),
            Self::ExecutionType => ExecutionType::ALL.iter().map(|t| t.as_str()).collect(),
            Self::JitterStrategy => JitterStrategy::ALL.iter().map(|j| j.as_str()).collect(),
        }
    }
}

/// What kind of value a field holds, which decides how a form edits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A one-line string.
    Text,
    /// A string that wraps on as many lines as it takes (comments).
    Prose,
    /// A long one-line string shown wrapped (an ARN).
    LongText,
    /// A JSONPath (Reference Path).
    Path,
    /// A whole number, 0 or more (or a JSONata `{% %}` expression, or a placeholder).
    WholeNumber,
    /// A number.
    Number,
    /// Any JSON: a payload template, an object, an array or a JSONata string.
    Json,
    /// `true` or `false`.
    Bool,
    /// One of a closed set of values.
    Enum(Closed),
    /// The name of a state in the same scope.
    StateName,
    /// States, rules or branches, edited by forms of their own.
    Structure,
}

/// The Map processing modes a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapModes {
    /// Any mode (and any state type that takes the field).
    Any,
    /// A distributed Map's field (AWS also accepts it on an inline Map).
    Distributed,
    /// Only a distributed Map takes it.
    DistributedOnly,
}

impl MapModes {
    /// Whether a Map processing in `mode` uses the field.
    pub fn allows(self, mode: ProcessorMode) -> bool {
        self == Self::Any || mode == ProcessorMode::Distributed
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
    /// What a form calls it.
    pub label: &'static str,
    /// The kind of value it holds.
    pub kind: FieldKind,
    /// One sentence on what it does.
    pub help: &'static str,
    /// The Map processing modes it belongs to.
    pub map_modes: MapModes,
}

impl FieldSpec {
    /// Whether states of `ty` take the field.
    pub fn allowed_in(&self, ty: StateType) -> bool {
        self.types & (1 << ty as u8) != 0
    }
}

/// A field of every Map mode.
const fn f(
    name: &'static str,
    types: u8,
    lang: Lang,
    label: &'static str,
    kind: FieldKind,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        types,
        lang,
        label,
        kind,
        help,
        map_modes: MapModes::Any,
    }
}

/// A field of a distributed Map (`map_modes`: `Distributed` or `DistributedOnly`).
const fn d(
    name: &'static str,
    map_modes: MapModes,
    lang: Lang,
    label: &'static str,
    kind: FieldKind,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        map_modes,
        ..f(name, MAP, lang, label, kind, help)
    }
}

/// Every state field of the States Language (JSONPath and JSONata eras).
#[rustfmt::skip]
pub const STATE_FIELDS: &[FieldSpec] = &[
    f("Type", ALL, Both, "Type", FieldKind::Enum(Closed::StateType), "What the state does."),
    f("Comment", ALL, Both, "Comment", Prose, "A description for people; running ignores it."),
    f("QueryLanguage", ALL, Both, "Query language", FieldKind::Enum(Closed::QueryLanguage), "JSONPath or JSONata; inherited from the definition when not set."),
    f("Next", TASK | PASS | WAIT | PARALLEL | MAP, Both, "Next state", StateName, "The state run after this one."),
    f("End", TASK | PASS | WAIT | PARALLEL | MAP, Both, "End", FieldKind::Bool, "Whether the execution (or branch) ends after this state."),
    f("InputPath", ALL & !FAIL, JsonPath, "InputPath", Path, "The part of the state input the state works on."),
    f("OutputPath", ALL & !FAIL, JsonPath, "OutputPath", Path, "The part of the result passed on as the state output."),
    f("Parameters", TASK | PASS | PARALLEL | MAP, JsonPath, "Parameters (JSON)", Json, "The payload template the state sends or passes on."),
    f("ResultPath", TASK | PASS | PARALLEL | MAP, JsonPath, "ResultPath", Path, "Where the result goes in the state input (null: the input passes on unchanged)."),
    f("ResultSelector", TASK | PARALLEL | MAP, JsonPath, "ResultSelector (JSON)", Json, "Reshapes the result before ResultPath places it."),
    f("Arguments", TASK | PARALLEL, Jsonata, "Arguments (JSON)", Json, "What the state sends: JSON with {% %} expressions over $states.input."),
    f("Output", ALL & !FAIL, Jsonata, "Output (JSON)", Json, "The state output: JSON with {% %} expressions over $states.result."),
    f("Assign", ALL & !(SUCCEED | FAIL), Both, "Assign (JSON)", Json, "Variables this state sets, as a JSON object of names to values."),
    f("Retry", TASK | PARALLEL | MAP, Both, "Retry", Structure, "Rules that run the state again after an error."),
    f("Catch", TASK | PARALLEL | MAP, Both, "Catch", Structure, "Rules that go to another state after an error."),
    // Task
    f("Resource", TASK, Both, "Resource (ARN)", LongText, "The integration or activity that does the work."),
    f("TimeoutSeconds", TASK, Both, "Timeout (s)", WholeNumber, "Seconds before the task fails with States.Timeout."),
    f("TimeoutSecondsPath", TASK, JsonPath, "Timeout path", Path, "Where in the input the timeout is."),
    f("HeartbeatSeconds", TASK, Both, "Heartbeat (s)", WholeNumber, "Seconds between heartbeats before the task fails with States.HeartbeatTimeout."),
    f("HeartbeatSecondsPath", TASK, JsonPath, "Heartbeat path", Path, "Where in the input the heartbeat interval is."),
    f("Credentials", TASK, Both, "Credentials (JSON)", Json, "The role the task assumes."),
    // Pass
    f("Result", PASS, JsonPath, "Result (JSON)", Json, "The fixed result the state passes on."),
    // Choice
    f("Choices", CHOICE, Both, "Choice rules", Structure, "Rules tried in order; the first that matches picks the next state."),
    f("Default", CHOICE, Both, "Default state", StateName, "The next state when no rule matches."),
    // Wait
    f("Seconds", WAIT, Both, "Seconds", WholeNumber, "How long to wait."),
    f("Timestamp", WAIT, Both, "Timestamp", Text, "When to stop waiting (RFC 3339)."),
    f("SecondsPath", WAIT, JsonPath, "SecondsPath", Path, "Where in the input the seconds to wait are."),
    f("TimestampPath", WAIT, JsonPath, "TimestampPath", Path, "Where in the input the timestamp is."),
    // Fail
    f("Error", FAIL, Both, "Error", Text, "The error name the execution fails with."),
    f("Cause", FAIL, Both, "Cause", Text, "The human-readable cause."),
    f("ErrorPath", FAIL, JsonPath, "Error path", Path, "Where in the input the error name is."),
    f("CausePath", FAIL, JsonPath, "Cause path", Path, "Where in the input the cause is."),
    // Parallel
    f("Branches", PARALLEL, Both, "Branches", Structure, "Workflows run at once, each on the same input."),
    // Map
    f("ItemProcessor", MAP, Both, "Item processor", Structure, "The states run for each item, and how they run."),
    f("Iterator", MAP, JsonPath, "Iterator", Structure, "The legacy form of the item processor (inline only)."),
    f("ItemsPath", MAP, JsonPath, "Items path", Path, "Where in the input the array to iterate over is."),
    f("Items", MAP, Jsonata, "Items (JSON or {% %})", Json, "The array to iterate over, or an expression giving it."),
    f("ItemSelector", MAP, Both, "Item selector (JSON)", Json, "Reshapes each item before it runs."),
    d("ItemReader", DistributedOnly, Both, "Item reader (JSON)", Json, "Reads the items from S3 (JSON, JSON Lines, CSV or a listing)."),
    d("ItemBatcher", DistributedOnly, Both, "Item batcher (JSON)", Json, "Groups items into batches, one batch per child execution."),
    d("ResultWriter", DistributedOnly, Both, "Result writer (JSON)", Json, "Writes the child executions' results to S3."),
    f("MaxConcurrency", MAP, Both, "Max concurrency (0: no limit)", WholeNumber, "How many iterations run at once."),
    f("MaxConcurrencyPath", MAP, JsonPath, "Max concurrency path", Path, "Where in the input the concurrency is."),
    d("ToleratedFailurePercentage", Distributed, Both, "Tolerated failure (%)", FieldKind::Number, "The share of failed items the Map tolerates before failing."),
    d("ToleratedFailurePercentagePath", Distributed, JsonPath, "Tolerated failure path (%)", Path, "Where in the input the tolerated percentage is."),
    d("ToleratedFailureCount", Distributed, Both, "Tolerated failure (count)", WholeNumber, "How many failed items the Map tolerates before failing."),
    d("ToleratedFailureCountPath", Distributed, JsonPath, "Tolerated failure path (count)", Path, "Where in the input the tolerated count is."),
    d("Label", DistributedOnly, Both, "Label", Text, "A name for the Map Run, shown in its ARN."),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_labelled_and_explained_once() {
        let mut names = state_field_names();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), STATE_FIELDS.len(), "a field listed twice");
        for spec in STATE_FIELDS {
            assert!(!spec.label.is_empty(), "{}", spec.name);
            assert!(spec.help.ends_with('.'), "{}: {}", spec.name, spec.help);
            // Only Map fields depend on the Map mode.
            if spec.map_modes != MapModes::Any {
                assert!(spec.allowed_in(StateType::Map), "{}", spec.name);
            }
        }
    }

    #[test]
    fn closed_sets_are_the_asl_values() {
        assert_eq!(Closed::ProcessorMode.values(), ["INLINE", "DISTRIBUTED"]);
        assert_eq!(Closed::ExecutionType.values(), ["STANDARD", "EXPRESS"]);
        assert_eq!(Closed::JitterStrategy.values(), ["FULL", "NONE"]);
        assert_eq!(Closed::QueryLanguage.values(), ["JSONPath", "JSONata"]);
        assert_eq!(Closed::StateType.values().len(), 8);
    }

    #[test]
    fn dataset_fields_need_a_distributed_map() {
        for name in ["ItemReader", "ItemBatcher", "ResultWriter", "Label"] {
            let spec = state_field(name).unwrap();
            assert!(!spec.map_modes.allows(ProcessorMode::Inline), "{name}");
            assert!(spec.map_modes.allows(ProcessorMode::Distributed), "{name}");
        }
        assert!(
            state_field("ItemSelector")
                .unwrap()
                .map_modes
                .allows(ProcessorMode::Inline)
        );
    }
}
