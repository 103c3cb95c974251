//! Addresses in a definition (scopes, states, transitions, insertion points) and the reading of
//! them from the raw JSON value: which states a scope holds, which names a state refers to, which
//! states its start reaches.

use super::error::EditError;
use crate::pointer::Pointer;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

/// The longest state name AWS accepts, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// A state, by the scope that holds it and its name.
///
/// A scope is a set of states with its own `StartAt`: the top level (the root pointer), a
/// Parallel branch (`/States/P/Branches/0`) or a Map item processor (`/States/M/ItemProcessor`,
/// or the legacy `/States/M/Iterator`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StateRef {
    /// The scope holding the state.
    pub scope: Pointer,
    /// The state's name.
    pub name: String,
}

impl StateRef {
    /// A state of the given scope.
    pub fn new(scope: Pointer, name: impl Into<String>) -> Self {
        Self {
            scope,
            name: name.into(),
        }
    }

    /// A top-level state.
    pub fn top(name: impl Into<String>) -> Self {
        Self::new(Pointer::root(), name)
    }

    /// The state of a JSON pointer such as `/States/P/Branches/0/States/Charge`, if the pointer
    /// ends in `States/<name>`.
    pub fn from_pointer(pointer: &Pointer) -> Option<Self> {
        let tokens: Vec<String> = pointer.tokens().collect();
        let n = tokens.len();
        if n < 2 || tokens[n - 2] != "States" {
            return None;
        }
        let scope = tokens[..n - 2]
            .iter()
            .fold(Pointer::root(), |p, t| p.key(t));
        Some(Self::new(scope, tokens[n - 1].clone()))
    }

    /// The JSON pointer of the state.
    pub fn pointer(&self) -> Pointer {
        self.scope.key("States").key(&self.name)
    }

    /// The scope of branch `index` of this (Parallel) state.
    pub fn branch(&self, index: usize) -> Pointer {
        self.pointer().key("Branches").index(index)
    }

    /// The scope of this (Map) state's `ItemProcessor`.
    pub fn item_processor(&self) -> Pointer {
        self.pointer().key("ItemProcessor")
    }
}

/// One transition leaving a state: what the canvas draws as an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    /// The state's own transition: its `Next`, or its `"End": true` (an end edge).
    Next,
    /// A Choice state's `Default`.
    Default,
    /// The `Next` of a Choice state's rule, by index in `Choices`.
    Choice(usize),
    /// The `Next` of a Catch rule, by index in `Catch`.
    Catch(usize),
}

impl Via {
    /// The pointer of the field holding the target, for a state at `state`.
    pub fn pointer(self, state: &Pointer) -> Pointer {
        match self {
            Self::Next => state.key("Next"),
            Self::Default => state.key("Default"),
            Self::Choice(i) => state.key("Choices").index(i).key("Next"),
            Self::Catch(i) => state.key("Catch").index(i).key("Next"),
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Next => f.write_str("Next"),
            Self::Default => f.write_str("Default"),
            Self::Choice(i) => write!(f, "Choices/{i}/Next"),
            Self::Catch(i) => write!(f, "Catch/{i}/Next"),
        }
    }
}

/// A transition of the definition, as found in its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The state it leaves.
    pub from: StateRef,
    /// Which of its transitions.
    pub via: Via,
    /// The state it goes to; `None` for an end edge (`"End": true`).
    pub to: Option<String>,
}

/// Where new states go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsertPoint {
    /// On a transition: the new states run between `from` and the transition's old target.
    Edge {
        /// The state the transition leaves.
        from: StateRef,
        /// Which transition.
        via: Via,
    },
    /// At the start of a scope, before its `StartAt`; in an empty scope, as its first state.
    Start {
        /// The scope.
        scope: Pointer,
    },
    /// As a new branch of a Parallel state, at `index` (`None`: after the last branch).
    NewBranch {
        /// The Parallel state.
        parallel: StateRef,
        /// Where the branch goes among the others.
        index: Option<usize>,
    },
}

impl InsertPoint {
    /// On the transition `via` of `from`.
    pub fn edge(from: StateRef, via: Via) -> Self {
        Self::Edge { from, via }
    }

    /// At the start of `scope`.
    pub fn start(scope: Pointer) -> Self {
        Self::Start { scope }
    }
}

/// The three lists of rules a state can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuleList {
    /// A Choice state's `Choices`.
    Choices,
    /// `Retry` of a Task, Parallel or Map state.
    Retry,
    /// `Catch` of a Task, Parallel or Map state.
    Catch,
}

impl RuleList {
    /// The field name.
    pub fn key(self) -> &'static str {
        match self {
            Self::Choices => "Choices",
            Self::Retry => "Retry",
            Self::Catch => "Catch",
        }
    }
}

// ---- reading the value -------------------------------------------------------------------------

/// The `Type` of a state object, or "".
pub(crate) fn type_of(state: &Map<String, Value>) -> &str {
    state.get("Type").and_then(Value::as_str).unwrap_or("")
}

/// Whether a state of this `Type` must have `Next` or `End`.
pub(crate) fn needs_transition(ty: &str) -> bool {
    !matches!(ty, "Choice" | "Succeed" | "Fail")
}

/// The scope object a pointer names, checked to be the top level, a Parallel branch or a Map
/// processor.
pub(crate) fn scope_obj<'v>(
    value: &'v Value,
    scope: &Pointer,
) -> Result<&'v Map<String, Value>, EditError> {
    let err = || EditError::NoSuchScope {
        scope: scope.clone(),
    };
    let tokens: Vec<String> = scope.tokens().collect();
    let mut cur = value;
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] != "States" {
            return Err(err());
        }
        let name = tokens.get(i + 1).ok_or_else(err)?;
        let state = cur
            .get("States")
            .and_then(|s| s.get(name))
            .and_then(Value::as_object)
            .ok_or_else(err)?;
        match (type_of(state), tokens.get(i + 2).map(String::as_str)) {
            ("Parallel", Some("Branches")) => {
                let index: usize = tokens
                    .get(i + 3)
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(err)?;
                cur = state
                    .get("Branches")
                    .and_then(|b| b.get(index))
                    .ok_or_else(err)?;
                i += 4;
            }
            ("Map", Some(key @ ("ItemProcessor" | "Iterator"))) => {
                cur = state.get(key).ok_or_else(err)?;
                i += 3;
            }
            _ => return Err(err()),
        }
    }
    cur.as_object().ok_or_else(err)
}

/// The `States` object of a scope object, if it has one.
pub(crate) fn states_of(scope: &Map<String, Value>) -> Option<&Map<String, Value>> {
    scope.get("States").and_then(Value::as_object)
}

/// The state a reference names, as an object.
pub(crate) fn state_obj<'v>(
    value: &'v Value,
    state: &StateRef,
) -> Result<&'v Map<String, Value>, EditError> {
    let scope = scope_obj(value, &state.scope)?;
    states_of(scope)
        .and_then(|s| s.get(&state.name))
        .and_then(Value::as_object)
        .ok_or_else(|| EditError::NoSuchState {
            scope: state.scope.clone(),
            name: state.name.clone(),
        })
}

/// The position of a key in an object.
pub(crate) fn index_of(obj: &Map<String, Value>, key: &str) -> Option<usize> {
    obj.keys().position(|k| k == key)
}

/// The scopes nested directly in a state: Parallel branches and Map processors.
pub(crate) fn nested_scopes<'v>(
    state: &'v Map<String, Value>,
    at: &Pointer,
) -> Vec<(Pointer, &'v Map<String, Value>)> {
    let mut out = Vec::new();
    match type_of(state) {
        "Parallel" => {
            if let Some(branches) = state.get("Branches").and_then(Value::as_array) {
                for (i, b) in branches.iter().enumerate() {
                    if let Some(obj) = b.as_object() {
                        out.push((at.key("Branches").index(i), obj));
                    }
                }
            }
        }
        "Map" => {
            for key in ["ItemProcessor", "Iterator"] {
                if let Some(obj) = state.get(key).and_then(Value::as_object) {
                    out.push((at.key(key), obj));
                }
            }
        }
        _ => {}
    }
    out
}

/// Every scope in and under the scope object `scope` at `at`, depth first, `scope` first.
pub(crate) fn scopes_under(
    scope: &Map<String, Value>,
    at: Pointer,
) -> Vec<(Pointer, &Map<String, Value>)> {
    let mut out = Vec::new();
    let mut stack = vec![(at, scope)];
    while let Some((p, obj)) = stack.pop() {
        let mut inner = Vec::new();
        if let Some(states) = states_of(obj) {
            for (name, s) in states {
                if let Some(s) = s.as_object() {
                    inner.extend(nested_scopes(s, &p.key("States").key(name)));
                }
            }
        }
        out.push((p, obj));
        stack.extend(inner.into_iter().rev());
    }
    out
}

/// Every scope of a definition, the top level first.
pub(crate) fn all_scopes(value: &Value) -> Vec<(Pointer, &Map<String, Value>)> {
    match value.as_object() {
        Some(root) => scopes_under(root, Pointer::root()),
        None => Vec::new(),
    }
}

/// Every state name of a definition, at every depth.
pub(crate) fn all_names(value: &Value) -> HashSet<String> {
    all_scopes(value)
        .into_iter()
        .filter_map(|(_, s)| states_of(s))
        .flat_map(|s| s.keys().cloned())
        .collect()
}

/// The transitions a state names, as the validator reads them: `Next`; a Choice's rules and
/// `Default`; Catch rules. Only string targets.
pub(crate) fn state_refs(state: &Map<String, Value>) -> Vec<(Via, &str)> {
    let mut out = Vec::new();
    if let Some(n) = state.get("Next").and_then(Value::as_str) {
        out.push((Via::Next, n));
    }
    if type_of(state) == "Choice" {
        if let Some(rules) = state.get("Choices").and_then(Value::as_array) {
            for (i, rule) in rules.iter().enumerate() {
                if let Some(n) = rule.get("Next").and_then(Value::as_str) {
                    out.push((Via::Choice(i), n));
                }
            }
        }
        if let Some(d) = state.get("Default").and_then(Value::as_str) {
            out.push((Via::Default, d));
        }
    }
    if let Some(catchers) = state.get("Catch").and_then(Value::as_array) {
        for (i, c) in catchers.iter().enumerate() {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                out.push((Via::Catch(i), n));
            }
        }
    }
    out
}

/// The names reachable from a scope's `StartAt`, leaving out the transition `skip` (a state name
/// and which of its transitions) if given.
pub(crate) fn reachable(scope: &Map<String, Value>, skip: Option<(&str, Via)>) -> HashSet<String> {
    let mut reached = HashSet::new();
    let Some(states) = states_of(scope) else {
        return reached;
    };
    let Some(start) = scope.get("StartAt").and_then(Value::as_str) else {
        return reached;
    };
    let mut queue = VecDeque::from([start]);
    while let Some(name) = queue.pop_front() {
        if !states.contains_key(name) || reached.contains(name) {
            continue;
        }
        reached.insert(name.to_owned());
        if let Some(state) = states.get(name).and_then(Value::as_object) {
            for (via, target) in state_refs(state) {
                if skip != Some((name, via)) {
                    queue.push_back(target);
                }
            }
        }
    }
    reached
}

/// The reachable states of every scope of a definition.
pub(crate) type Reach = HashMap<Pointer, HashSet<String>>;

/// The reachable states of every scope.
pub(crate) fn reach_all(value: &Value) -> Reach {
    all_scopes(value)
        .into_iter()
        .map(|(p, s)| (p, reachable(s, None)))
        .collect()
}

/// The states reachable in `before` that still exist in their scope but are no longer reachable,
/// by scope, in document order.
pub(crate) fn stranded(value: &Value, before: &Reach) -> Vec<(Pointer, Vec<String>)> {
    let mut out = Vec::new();
    for (p, scope) in all_scopes(value) {
        let Some(was) = before.get(&p) else {
            continue;
        };
        let Some(states) = states_of(scope) else {
            continue;
        };
        let now = reachable(scope, None);
        let lost: Vec<String> = states
            .keys()
            .filter(|n| was.contains(n.as_str()) && !now.contains(n.as_str()))
            .cloned()
            .collect();
        if !lost.is_empty() {
            out.push((p, lost));
        }
    }
    out
}

/// Every transition of a definition, at every depth, in document order: every place a state can
/// be inserted on.
pub fn edges(value: &Value) -> Vec<Edge> {
    let mut out = Vec::new();
    for (p, scope) in all_scopes(value) {
        let Some(states) = states_of(scope) else {
            continue;
        };
        for (name, state) in states {
            let Some(state) = state.as_object() else {
                continue;
            };
            let from = StateRef::new(p.clone(), name.clone());
            let refs = state_refs(state);
            let has_next = refs.iter().any(|(v, _)| *v == Via::Next);
            if !has_next
                && needs_transition(type_of(state))
                && state.get("End") == Some(&Value::Bool(true))
            {
                out.push(Edge {
                    from: from.clone(),
                    via: Via::Next,
                    to: None,
                });
            }
            for (via, target) in refs {
                out.push(Edge {
                    from: from.clone(),
                    via,
                    to: Some(target.to_owned()),
                });
            }
        }
    }
    out
}

/// Checks a state name: 1 to 80 characters.
pub(crate) fn check_name(name: &str) -> Result<(), EditError> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(EditError::InvalidName {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// `wanted`, or the first of `wanted 2`, `wanted 3`... that is not in `taken`. A name already
/// ending in a number counts on from it (`Pass 2` gives `Pass 3`), and the stem is shortened when
/// the suffix would make the name longer than 80 characters.
pub fn unique_name(wanted: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(wanted) {
        return wanted.to_owned();
    }
    let (stem, first) = match wanted.rsplit_once(' ') {
        Some((stem, n))
            if !stem.is_empty()
                && !n.is_empty()
                && n.len() < 10
                && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (stem, n.parse::<u64>().map_or(2, |n| n + 1))
        }
        _ => (wanted, 2),
    };
    let mut k = first;
    loop {
        let suffix = format!(" {k}");
        let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
        let stem: String = stem.chars().take(room).collect();
        let candidate = format!("{}{suffix}", stem.trim_end());
        if !taken.contains(&candidate) {
            return candidate;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unique_names_count_on() {
        let taken: HashSet<String> = ["Pass", "Pass 2", "Wait 7"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(unique_name("Task", &taken), "Task");
        assert_eq!(unique_name("Pass", &taken), "Pass 3");
        assert_eq!(unique_name("Pass 2", &taken), "Pass 3");
        assert_eq!(unique_name("Wait 7", &taken), "Wait 8");
        let long = "x".repeat(80);
        let taken: HashSet<String> = [long.clone()].into_iter().collect();
        let got = unique_name(&long, &taken);
        assert_eq!(got.chars().count(), 80);
        assert!(got.ends_with(" 2"));
    }

    #[test]
    fn state_refs_from_pointers_and_back() {
        let p = Pointer::root()
            .key("States")
            .key("P")
            .key("Branches")
            .index(1)
            .key("States")
            .key("a/b");
        let r = StateRef::from_pointer(&p).expect("a state pointer");
        assert_eq!(r.name, "a/b");
        assert_eq!(r.scope.as_str(), "/States/P/Branches/1");
        assert_eq!(r.pointer(), p);
        assert_eq!(StateRef::from_pointer(&Pointer::root().key("States")), None);
    }

    #[test]
    fn scopes_are_checked_against_state_types() {
        let v = json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}], "End": true},
            "T": {"Type": "Task", "Branches": [{"States": {}}]}
        }});
        assert!(scope_obj(&v, &StateRef::top("P").branch(0)).is_ok());
        assert!(scope_obj(&v, &StateRef::top("P").branch(1)).is_err());
        assert!(scope_obj(&v, &StateRef::top("T").branch(0)).is_err());
        assert!(scope_obj(&v, &StateRef::top("P").pointer()).is_err());
        let names = all_names(&v);
        assert!(names.contains("A") && names.contains("P") && names.len() == 3);
    }
}
