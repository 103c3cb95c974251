//! The typed view of a definition: every field of the States Language, read from the lossless
//! JSON value of a [`Document`](crate::Document).
//!
//! The model is derived, never edited: edits change the document's value and the model is read
//! again. Reading never fails; every field of the wrong type becomes a diagnostic and is left out.

pub mod choice;
pub mod dataset;
pub mod error_name;
pub mod fail;
pub mod fields;
pub mod map;
pub mod parallel;
pub mod pass;
pub mod read;
pub mod retry;
pub mod task;
pub mod wait;

pub use choice::{Choice, ChoiceRule, Condition, Operator, OperatorGroup};
pub use error_name::{AnyErrorName, ErrorName};
pub use fail::Fail;
pub use map::Map;
pub use parallel::Parallel;
pub use pass::Pass;
pub use read::{MaybeExpr, NullablePath};
pub use retry::{Catcher, JitterStrategy, Retrier};
pub use task::Task;
pub use wait::Wait;

use crate::diag::{Code, Diagnostics};
use crate::pointer::Pointer;
use indexmap::IndexMap;
use read::{Reader, type_name};
use serde_json::{Map as JsonMap, Value};
use std::fmt;

/// The name of a state, unique within its state machine.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateName(pub String);

impl StateName {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for StateName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// The query language of a state machine or a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    /// JSONPath with InputPath, Parameters, ResultSelector, ResultPath and OutputPath (the default).
    #[default]
    JsonPath,
    /// JSONata with Arguments and Output.
    Jsonata,
}

impl QueryLanguage {
    /// The value as written in ASL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JsonPath => "JSONPath",
            Self::Jsonata => "JSONata",
        }
    }
}

/// The eight state types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StateType {
    /// Does work through a resource.
    Task,
    /// Passes (and reshapes) data.
    Pass,
    /// Branches on rules.
    Choice,
    /// Waits.
    Wait,
    /// Ends successfully.
    Succeed,
    /// Ends with an error.
    Fail,
    /// Runs branches at once.
    Parallel,
    /// Runs a processor per item.
    Map,
}

impl StateType {
    /// Every state type.
    pub const ALL: [StateType; 8] = [
        Self::Task,
        Self::Pass,
        Self::Choice,
        Self::Wait,
        Self::Succeed,
        Self::Fail,
        Self::Parallel,
        Self::Map,
    ];

    /// The `Type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "Task",
            Self::Pass => "Pass",
            Self::Choice => "Choice",
            Self::Wait => "Wait",
            Self::Succeed => "Succeed",
            Self::Fail => "Fail",
            Self::Parallel => "Parallel",
            Self::Map => "Map",
        }
    }

    /// Looks a `Type` value up.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Whether a state of this type must have `Next` or `End`.
    pub fn needs_transition(self) -> bool {
        !matches!(self, Self::Choice | Self::Succeed | Self::Fail)
    }
}

impl fmt::Display for StateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a state goes when it completes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// To the named state.
    Next(StateName),
    /// The execution (or branch) ends here.
    End,
}

/// The type-specific part of a state.
#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    /// A Task state.
    Task(Task),
    /// A Pass state.
    Pass(Pass),
    /// A Choice state.
    Choice(Choice),
    /// A Wait state.
    Wait(Wait),
    /// A Succeed state.
    Succeed,
    /// A Fail state.
    Fail(Fail),
    /// A Parallel state.
    Parallel(Parallel),
    /// A Map state (boxed: it is by far the largest).
    Map(Box<Map>),
    /// A state whose `Type` is missing or unknown; its diagnostic says which.
    Unknown,
}

impl StateKind {
    /// The state type, unless unknown.
    pub fn state_type(&self) -> Option<StateType> {
        Some(match self {
            Self::Task(_) => StateType::Task,
            Self::Pass(_) => StateType::Pass,
            Self::Choice(_) => StateType::Choice,
            Self::Wait(_) => StateType::Wait,
            Self::Succeed => StateType::Succeed,
            Self::Fail(_) => StateType::Fail,
            Self::Parallel(_) => StateType::Parallel,
            Self::Map(_) => StateType::Map,
            Self::Unknown => return None,
        })
    }
}

/// One state, with the fields all states share and its type-specific part.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The state's name.
    pub name: StateName,
    /// Where it is in the definition.
    pub pointer: Pointer,
    /// The field names present, in order.
    pub fields: Vec<String>,
    /// Free text.
    pub comment: Option<String>,
    /// The language the state itself declares, if any.
    pub query_language: Option<QueryLanguage>,
    /// The language the state is evaluated in (its own, else the state machine's).
    pub language: QueryLanguage,
    /// Where it goes next, if it says.
    pub transition: Option<Transition>,
    /// Selects part of the input (JSONPath).
    pub input_path: Option<NullablePath>,
    /// Selects part of the output (JSONPath).
    pub output_path: Option<NullablePath>,
    /// Payload template for the task, branches or Pass (JSONPath).
    pub parameters: Option<Value>,
    /// Reshapes the result (JSONPath).
    pub result_selector: Option<Value>,
    /// Where the result goes in the input (JSONPath).
    pub result_path: Option<NullablePath>,
    /// Arguments for the task or branches (JSONata).
    pub arguments: Option<Value>,
    /// The state's output (JSONata).
    pub output: Option<Value>,
    /// Variables to set.
    pub assign: Option<Value>,
    /// Retry rules.
    pub retry: Vec<Retrier>,
    /// Catch rules.
    pub catch: Vec<Catcher>,
    /// The type-specific fields.
    pub kind: StateKind,
}

impl State {
    /// Whether the state has the field, whatever its value.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f == field)
    }

    /// The state's type, unless unknown.
    pub fn state_type(&self) -> Option<StateType> {
        self.kind.state_type()
    }

    /// The states nested in this one (Parallel branches, Map processor).
    pub fn scopes(&self) -> Vec<&Scope> {
        match &self.kind {
            StateKind::Parallel(p) => p.branches.iter().collect(),
            StateKind::Map(m) => m.processor.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Every transition target this state names: Next, Choice rules and Default, Catch.
    pub fn targets(&self) -> Vec<(&StateName, Pointer)> {
        let mut out = Vec::new();
        if let Some(Transition::Next(n)) = &self.transition {
            out.push((n, self.pointer.key("Next")));
        }
        if let StateKind::Choice(c) = &self.kind {
            for rule in &c.choices {
                if let Some(n) = &rule.next {
                    out.push((n, rule.pointer.key("Next")));
                }
            }
            if let Some(d) = &c.default {
                out.push((d, self.pointer.key("Default")));
            }
        }
        for catcher in &self.catch {
            if let Some(n) = &catcher.next {
                out.push((n, catcher.pointer.key("Next")));
            }
        }
        out
    }
}

/// A set of states with a start: the top level, a Parallel branch or a Map item processor.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scope {
    /// Where it is (`""`, `/States/P/Branches/0`, `/States/M/ItemProcessor`).
    pub pointer: Pointer,
    /// Free text.
    pub comment: Option<String>,
    /// The first state.
    pub start_at: Option<StateName>,
    /// The states, in the order written.
    pub states: IndexMap<StateName, State>,
}

impl Scope {
    /// Every state in this scope and in the scopes nested inside it, depth first.
    pub fn walk(&self) -> Vec<&State> {
        let mut out = Vec::new();
        self.walk_into(&mut out);
        out
    }

    fn walk_into<'s>(&'s self, out: &mut Vec<&'s State>) {
        for state in self.states.values() {
            out.push(state);
            for scope in state.scopes() {
                scope.walk_into(out);
            }
        }
    }

    /// Every scope nested in this one, this one first.
    pub fn scopes(&self) -> Vec<&Scope> {
        let mut out = vec![self];
        for state in self.states.values() {
            for scope in state.scopes() {
                out.extend(scope.scopes());
            }
        }
        out
    }
}

/// A whole state machine.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StateMachine {
    /// The top-level states.
    pub scope: Scope,
    /// The `Version` field.
    pub version: Option<String>,
    /// Seconds before the whole execution times out.
    pub timeout_seconds: Option<u64>,
    /// The default query language.
    pub query_language: QueryLanguage,
    /// Whether `QueryLanguage` is written at the top level.
    pub declares_query_language: bool,
}

impl StateMachine {
    /// Reads the typed view of a definition, reporting every type problem.
    pub fn read(value: &Value, diags: &mut Diagnostics) -> Self {
        let root = Pointer::root();
        let Value::Object(obj) = value else {
            diags.push(
                Code::WrongType,
                root,
                format!(
                    "A state machine definition is a JSON object with StartAt and States, not {}.",
                    type_name(value)
                ),
            );
            return Self::default();
        };
        let mut r = Reader::new(obj, root.clone(), diags);
        r.unknown_fields(fields::TOP_LEVEL_FIELDS, "a state machine");
        let (query_language, declares) = match read_language(&mut r) {
            Some(l) => (l, true),
            None => (QueryLanguage::JsonPath, false),
        };
        let version = r.string("Version");
        let timeout_seconds = r.uint("TimeoutSeconds");
        let scope = ReadContext {
            language: query_language,
        }
        .scope(obj, root, diags, "a state machine", false);
        Self {
            scope,
            version,
            timeout_seconds,
            query_language,
            declares_query_language: declares,
        }
    }

    /// Every state, at every depth.
    pub fn states(&self) -> Vec<&State> {
        self.scope.walk()
    }
}

fn read_language(r: &mut Reader<'_>) -> Option<QueryLanguage> {
    match r.string("QueryLanguage").as_deref() {
        None => None,
        Some("JSONPath") => Some(QueryLanguage::JsonPath),
        Some("JSONata") => Some(QueryLanguage::Jsonata),
        Some(other) => {
            r.diags.push(
                Code::InvalidValue,
                r.pointer.key("QueryLanguage"),
                format!("QueryLanguage must be \"JSONPath\" or \"JSONata\", not \"{other}\"."),
            );
            None
        }
    }
}

struct ReadContext {
    language: QueryLanguage,
}

/// Reads a Parallel branch or Map processor. Its states default to the state machine's language
/// (`language`), not to the language of the state holding them, as the States Language says.
pub(crate) fn read_scope(
    obj: &JsonMap<String, Value>,
    pointer: Pointer,
    diags: &mut Diagnostics,
    what: &str,
    language: QueryLanguage,
) -> Scope {
    ReadContext { language }.scope(obj, pointer, diags, what, true)
}

impl ReadContext {
    fn scope(
        &mut self,
        obj: &JsonMap<String, Value>,
        pointer: Pointer,
        diags: &mut Diagnostics,
        what: &str,
        nested: bool,
    ) -> Scope {
        let mut r = Reader::new(obj, pointer.clone(), diags);
        if nested {
            let known: &[&str] = if what == "an item processor" {
                fields::SCOPE_FIELDS
            } else {
                &fields::SCOPE_FIELDS[..3]
            };
            r.unknown_fields(known, what);
        }
        let comment = r.string("Comment");
        if !r.has("StartAt") {
            r.diags.push(
                Code::MissingField,
                pointer.clone(),
                format!("StartAt is required in {what}: name the first state to run."),
            );
        }
        let start_at = r.string("StartAt").map(StateName);
        let mut states = IndexMap::new();
        match r.object("States") {
            Some(map) => {
                if map.is_empty() {
                    r.diags.push(
                        Code::EmptyStates,
                        pointer.key("States"),
                        format!("States is empty: {what} needs at least one state."),
                    );
                }
                for (name, value) in map {
                    let sp = pointer.key("States").key(name);
                    states.insert(
                        StateName(name.clone()),
                        self.state(name, value, sp, r.diags),
                    );
                }
            }
            None if !r.has("States") => r.diags.push(
                Code::MissingField,
                pointer.clone(),
                format!("States is required in {what}: an object of named states."),
            ),
            None => {}
        }
        Scope {
            pointer,
            comment,
            start_at,
            states,
        }
    }

    fn state(
        &mut self,
        name: &str,
        value: &Value,
        pointer: Pointer,
        diags: &mut Diagnostics,
    ) -> State {
        let fields: Vec<String> = match value {
            Value::Object(obj) => obj.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let mut state = State {
            name: StateName(name.to_owned()),
            pointer: pointer.clone(),
            fields,
            comment: None,
            query_language: None,
            language: self.language,
            transition: None,
            input_path: None,
            output_path: None,
            parameters: None,
            result_selector: None,
            result_path: None,
            arguments: None,
            output: None,
            assign: None,
            retry: Vec::new(),
            catch: Vec::new(),
            kind: StateKind::Unknown,
        };
        let Value::Object(obj) = value else {
            diags.push(
                Code::WrongType,
                pointer,
                format!(
                    "The state \"{name}\" must be an object with a Type, not {}.",
                    type_name(value)
                ),
            );
            return state;
        };
        let mut r = Reader::new(obj, pointer.clone(), diags);
        r.unknown_fields(&fields::state_field_names(), "a state");
        state.comment = r.string("Comment");
        state.query_language = read_language(&mut r);
        state.language = state.query_language.unwrap_or(self.language);
        let next = r.string("Next");
        let end = r.bool("End");
        state.transition = match (next, end) {
            (Some(n), Some(true)) => {
                r.diags.push(
                    Code::ConflictingTransition,
                    pointer.key("End"),
                    "A state has either Next or \"End\": true, not both: remove one.",
                );
                Some(Transition::Next(StateName(n)))
            }
            (Some(n), _) => Some(Transition::Next(StateName(n))),
            (None, Some(true)) => Some(Transition::End),
            (None, _) => None,
        };
        state.input_path = r.nullable_path("InputPath");
        state.output_path = r.nullable_path("OutputPath");
        state.parameters = r.value("Parameters");
        state.result_selector = r.value("ResultSelector");
        state.result_path = r.nullable_path("ResultPath");
        state.arguments = r.value("Arguments");
        state.output = r.value("Output");
        state.assign = r.value("Assign");
        state.retry = retry::read_retry(&mut r);
        state.catch = retry::read_catch(&mut r);
        let ty = match obj.get("Type") {
            None => {
                r.diags.push(
                    Code::MissingField,
                    pointer.clone(),
                    format!("The state \"{name}\" has no Type: add one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map."),
                );
                None
            }
            Some(Value::String(t)) => {
                let ty = StateType::from_name(t);
                if ty.is_none() {
                    r.diags.push(
                        Code::InvalidValue,
                        pointer.key("Type"),
                        format!("\"{t}\" is not a state type: use one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map."),
                    );
                }
                ty
            }
            Some(_) => {
                r.wrong_type("Type", "a string");
                None
            }
        };
        let top = self.language;
        state.kind = match ty {
            Some(StateType::Task) => StateKind::Task(task::read(&mut r)),
            Some(StateType::Pass) => StateKind::Pass(pass::read(&mut r)),
            Some(StateType::Choice) => StateKind::Choice(choice::read(&mut r)),
            Some(StateType::Wait) => StateKind::Wait(wait::read(&mut r)),
            Some(StateType::Succeed) => StateKind::Succeed,
            Some(StateType::Fail) => StateKind::Fail(fail::read(&mut r)),
            Some(StateType::Parallel) => StateKind::Parallel(parallel::read(&mut r, top)),
            Some(StateType::Map) => StateKind::Map(Box::new(map::read(&mut r, top))),
            None => StateKind::Unknown,
        };
        state
    }
}
