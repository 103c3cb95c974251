//! Why an edit was refused: a closed set of typed errors, each with the names and pointers a
//! caller needs to explain it.

use super::address::Via;
use crate::pointer::Pointer;

/// Why an edit could not be applied. A refused edit leaves the value unchanged.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    /// A pointer leads nowhere, or not to the kind of value the edit needs.
    #[error("there is no {expected} at {pointer}")]
    NotFound {
        /// Where the edit looked.
        pointer: Pointer,
        /// What it expected there ("object", "array", "value").
        expected: &'static str,
    },
    /// A key to add is already in the object.
    #[error("{object} already has a field \"{key}\"")]
    KeyExists {
        /// The object.
        object: Pointer,
        /// The key.
        key: String,
    },
    /// An index is past the end of an array.
    #[error("index {index} is out of range at {pointer}, which has {len} items")]
    IndexOutOfRange {
        /// The array (or list of rules, or branches).
        pointer: Pointer,
        /// The index asked for.
        index: usize,
        /// The array's length.
        len: usize,
    },
    /// A pointer that should name a set of states (the top level, a Parallel branch or a Map item
    /// processor) does not.
    #[error(
        "{scope} is not a set of states (the top level, a Parallel branch or a Map item processor)"
    )]
    NoSuchScope {
        /// The pointer given.
        scope: Pointer,
    },
    /// No state has that name in that scope.
    #[error("there is no state \"{name}\" in {scope}")]
    NoSuchState {
        /// The scope looked in.
        scope: Pointer,
        /// The name looked for.
        name: String,
    },
    /// The state has no transition of that kind to insert on or to change.
    #[error("\"{state}\" has no {via} transition")]
    NoSuchEdge {
        /// The state the edge should leave.
        state: String,
        /// Which transition.
        via: Via,
    },
    /// A Choice or Catch rule's transition cannot end the flow: it needs a target.
    #[error(
        "the {via} transition of \"{state}\" needs a state to go to: only a state's own transition can end"
    )]
    NeedsTarget {
        /// The state.
        state: String,
        /// The rule's transition.
        via: Via,
    },
    /// The edit needs a state of another type (rules on a Pass, branches of a Task...).
    #[error("\"{state}\" is a {found} state; this edit needs {expected}")]
    WrongStateType {
        /// The state.
        state: String,
        /// Its `Type`, as written ("" when it has none).
        found: String,
        /// What the edit needs, e.g. "a Choice state".
        expected: &'static str,
    },
    /// Another state already has the name (names are unique in the whole definition).
    #[error(
        "another state is already named \"{name}\": state names are unique in the whole state machine, branches included"
    )]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A state name that is empty or longer than 80 characters.
    #[error("\"{name}\" is not a valid state name: it must have 1 to 80 characters")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// A state to insert is not an object with a known `Type`.
    #[error("the state to insert is not valid: {reason}")]
    InvalidState {
        /// What is wrong.
        reason: String,
    },
    /// A pattern (or pasted selection) to insert is not a well-formed set of states.
    #[error("the pattern to insert is not valid: {reason}")]
    InvalidPattern {
        /// What is wrong.
        reason: String,
    },
    /// Inserting before the first state of a scope whose `StartAt` is missing.
    #[error("{scope} has no StartAt to insert before")]
    NoStartAt {
        /// The scope.
        scope: Pointer,
    },
    /// A Choice state cannot be inserted where the flow ends: it would have nowhere to go.
    #[error("a Choice state needs a state to go to: it cannot be inserted where the flow ends")]
    ChoiceNeedsSuccessor,
    /// Removing or moving a state whose predecessors cannot be rewired to one successor.
    #[error("\"{state}\" leads to several states ({}): remove or change its rules first", .successors.join(", "))]
    AmbiguousSuccessor {
        /// The state.
        state: String,
        /// Its distinct successors.
        successors: Vec<String>,
    },
    /// Removing the first state of a scope that has no next state to start at instead.
    #[error("\"{state}\" is the first state and has no next state to start at instead")]
    NoSuccessor {
        /// The state.
        state: String,
    },
    /// The edit would leave states that were reachable unreachable.
    #[error("this would leave {} unreachable", quoted(.states))]
    WouldStrand {
        /// The states that would become unreachable, in document order.
        states: Vec<String>,
    },
    /// Removing the last state of a scope (a scope needs at least one state).
    #[error("{scope} needs at least one state: remove the branch or the state holding it instead")]
    LastState {
        /// The scope.
        scope: Pointer,
    },
    /// Removing the last branch of a Parallel state.
    #[error("\"{state}\" needs at least one branch: remove the Parallel state instead")]
    LastBranch {
        /// The Parallel state.
        state: String,
    },
    /// Removing the last rule of a Choice state, directly or because its target is removed.
    #[error("the Choice state \"{state}\" needs at least one rule")]
    LastChoiceRule {
        /// The Choice state.
        state: String,
    },
    /// A transition names a state that is not in the scope it would live in.
    #[error("there is no state \"{target}\" in {scope} to go to")]
    UnknownTarget {
        /// The name the transition gives.
        target: String,
        /// The scope the transition is in.
        scope: Pointer,
    },
    /// `SetField` on the `States` object: states are added, removed and renamed by their own
    /// commands, which keep names unique and references whole.
    #[error("{pointer} holds states: use the insert, remove and rename commands to change them")]
    StatesObject {
        /// The `States` object.
        pointer: Pointer,
    },
    /// A selection to copy is empty or spans several scopes.
    #[error("select one or more states of the same scope to copy them")]
    BadSelection,
    /// One command of a batch failed; none of the batch was applied.
    #[error("step {index} of the batch failed: {error}")]
    Batch {
        /// Which command (0-based).
        index: usize,
        /// Why it failed.
        error: Box<EditError>,
    },
    /// The edit would put a state that assigns a variable inside a Parallel branch or Map
    /// iteration whose enclosing scope assigns the same variable (inner scopes may read outer
    /// variables, not assign them).
    #[error(
        "{state} would assign ${variable} inside a branch or iteration, but an enclosing scope assigns it"
    )]
    OuterVariable {
        /// The state that assigns.
        state: String,
        /// The variable.
        variable: String,
    },
}

fn quoted(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}
