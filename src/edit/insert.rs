//! Inserting states: one state, a pattern, a pasted selection or a moved state, on a transition,
//! at the start of a scope or as a new Parallel branch. Names are made unique and the new states
//! wired to the insertion point.

use super::address::{
    InsertPoint, StateRef, Via, all_names, check_name, index_of, needs_transition, reachable,
    scope_obj, scopes_under, state_obj, state_refs, states_of, type_of, unique_name,
};
use super::error::EditError;
use super::op::{Op, Tx};
use crate::model::StateType;
use crate::pointer::Pointer;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// What an insertion point is in the current value.
#[derive(Debug)]
pub(crate) struct Spot {
    /// The scope the new states go into.
    pub scope: Pointer,
    /// The state the inserted states go on to; `None` where the flow ends (an end edge, an empty
    /// scope, a new branch).
    pub successor: Option<String>,
    pub target: Target,
}

#[derive(Debug)]
pub(crate) enum Target {
    /// On a transition of the state `name` at `state`; new states go at `position` in `States`.
    Edge {
        state: Pointer,
        name: String,
        via: Via,
        position: usize,
    },
    /// Before the `StartAt` of the scope (or as its first state when it is empty).
    Start,
    /// As branch `index` of the Parallel state at `parallel`.
    NewBranch { parallel: Pointer, index: usize },
}

/// Reads an insertion point in `value`.
pub(crate) fn resolve(value: &Value, at: &InsertPoint) -> Result<Spot, EditError> {
    match at {
        InsertPoint::Edge { from, via } => {
            let state = state_obj(value, from)?;
            let ty = type_of(state);
            let no_edge = || EditError::NoSuchEdge {
                state: from.name.clone(),
                via: *via,
            };
            let pointer = from.pointer();
            let successor = match via {
                Via::Next => {
                    if !needs_transition(ty) {
                        return Err(no_edge());
                    }
                    match state.get("Next") {
                        Some(Value::String(n)) => Some(n.clone()),
                        _ if state.get("End") == Some(&Value::Bool(true)) => None,
                        _ => return Err(no_edge()),
                    }
                }
                Via::Default | Via::Choice(_) if ty != "Choice" => return Err(no_edge()),
                _ => Some(
                    value
                        .pointer(via.pointer(&pointer).as_str())
                        .and_then(Value::as_str)
                        .ok_or_else(no_edge)?
                        .to_owned(),
                ),
            };
            let states = scope_obj(value, &from.scope).map(states_of)?;
            let position = states
                .and_then(|s| index_of(s, &from.name))
                .map_or(0, |i| i + 1);
            Ok(Spot {
                scope: from.scope.clone(),
                successor,
                target: Target::Edge {
                    state: pointer,
                    name: from.name.clone(),
                    via: *via,
                    position,
                },
            })
        }
        InsertPoint::Start { scope } => {
            let obj = scope_obj(value, scope)?;
            let empty = match obj.get("States") {
                None => true,
                Some(Value::Object(states)) => states.is_empty(),
                Some(_) => {
                    return Err(EditError::NotFound {
                        pointer: scope.key("States"),
                        expected: "object",
                    });
                }
            };
            let successor = if empty {
                None
            } else {
                let start = obj.get("StartAt").and_then(Value::as_str);
                Some(
                    start
                        .ok_or_else(|| EditError::NoStartAt {
                            scope: scope.clone(),
                        })?
                        .to_owned(),
                )
            };
            Ok(Spot {
                scope: scope.clone(),
                successor,
                target: Target::Start,
            })
        }
        InsertPoint::NewBranch { parallel, index } => {
            let state = state_obj(value, parallel)?;
            if type_of(state) != "Parallel" {
                return Err(EditError::WrongStateType {
                    state: parallel.name.clone(),
                    found: type_of(state).to_owned(),
                    expected: "a Parallel state",
                });
            }
            let pointer = parallel.pointer();
            let len = match state.get("Branches") {
                None => 0,
                Some(Value::Array(b)) => b.len(),
                Some(_) => {
                    return Err(EditError::NotFound {
                        pointer: pointer.key("Branches"),
                        expected: "array",
                    });
                }
            };
            let index = index.unwrap_or(len);
            if index > len {
                return Err(EditError::IndexOutOfRange {
                    pointer: pointer.key("Branches"),
                    index,
                    len,
                });
            }
            Ok(Spot {
                scope: parallel.branch(index),
                successor: None,
                target: Target::NewBranch {
                    parallel: pointer,
                    index,
                },
            })
        }
    }
}

// ---- fragments: the states to insert, as a scope object {StartAt, States} ---------------------

/// Puts `key: value` where `old` is in an owned object (in place), or last if `old` is absent.
fn replace_key_owned(obj: &mut Map<String, Value>, old: &str, key: &str, value: Value) {
    match index_of(obj, old) {
        Some(at) => {
            obj.shift_remove(old);
            obj.shift_remove(key);
            obj.shift_insert(at.min(obj.len()), key.to_owned(), value);
        }
        None => {
            if let Some(slot) = obj.get_mut(key) {
                *slot = value;
            } else {
                obj.insert(key.to_owned(), value);
            }
        }
    }
}

/// Makes a state's own transition `"End": true` (in the place of its `Next` or `End`), or
/// removes it for the types that take none.
fn end_here(obj: &mut Map<String, Value>) {
    if needs_transition(type_of(obj)) {
        replace_key_owned(obj, "Next", "End", Value::Bool(true));
    } else {
        obj.shift_remove("Next");
        obj.shift_remove("End");
    }
}

/// Checks a state value: an object with a known `Type`.
fn check_state(state: &Value) -> Result<&Map<String, Value>, EditError> {
    let obj = state.as_object().ok_or_else(|| EditError::InvalidState {
        reason: "a state is a JSON object".to_owned(),
    })?;
    match obj.get("Type").and_then(Value::as_str) {
        Some(t) if StateType::from_name(t).is_some() => Ok(obj),
        _ => Err(EditError::InvalidState {
            reason:
                "it needs a Type: one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map"
                    .to_owned(),
        }),
    }
}

/// The fragment holding one state: its own transition made an exit.
pub(crate) fn single(name: &str, state: &Value) -> Result<Map<String, Value>, EditError> {
    check_name(name)?;
    let mut obj = check_state(state)?.clone();
    end_here(&mut obj);
    let mut states = Map::new();
    states.insert(name.to_owned(), Value::Object(obj));
    let mut frag = Map::new();
    frag.insert("StartAt".to_owned(), Value::String(name.to_owned()));
    frag.insert("States".to_owned(), Value::Object(states));
    check_states(&frag, |reason| EditError::InvalidState { reason })?;
    Ok(frag)
}

/// Checks every state of a fragment, at any depth: a valid name, used once, and a known `Type`.
fn check_states(
    frag: &Map<String, Value>,
    invalid: impl Fn(String) -> EditError,
) -> Result<(), EditError> {
    let mut seen = HashSet::new();
    for (_, scope) in scopes_under(frag, Pointer::root()) {
        for (name, state) in states_of(scope).into_iter().flatten() {
            check_name(name)?;
            check_state(state).map_err(|e| invalid(format!("\"{name}\": {e}")))?;
            if !seen.insert(name.as_str()) {
                return Err(invalid(format!("two states are named \"{name}\"")));
            }
        }
    }
    Ok(())
}

/// Checks a pattern: an object with a `StartAt` naming one of its `States`, every state valid and
/// reachable from `StartAt`, no name used twice at any depth.
pub(crate) fn check_pattern(pattern: &Value) -> Result<Map<String, Value>, EditError> {
    let invalid = |reason: String| EditError::InvalidPattern { reason };
    let obj = pattern
        .as_object()
        .ok_or_else(|| invalid("a pattern is a JSON object with StartAt and States".to_owned()))?;
    let states = states_of(obj)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("States must be an object with at least one state".to_owned()))?;
    if !obj
        .get("StartAt")
        .and_then(Value::as_str)
        .is_some_and(|s| states.contains_key(s))
    {
        return Err(invalid("StartAt must name one of its states".to_owned()));
    }
    check_states(obj, invalid)?;
    let reached = reachable(obj, None);
    if let Some(lost) = states.keys().find(|n| !reached.contains(n.as_str())) {
        return Err(invalid(format!(
            "\"{lost}\" is not reachable from the pattern's StartAt"
        )));
    }
    Ok(obj.clone())
}

/// Calls `f` on every scope object nested in a state (Parallel branches, Map processors).
fn for_each_nested_mut(state: &mut Map<String, Value>, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match type_of(state).to_owned().as_str() {
        "Parallel" => {
            if let Some(Value::Array(branches)) = state.get_mut("Branches") {
                for b in branches.iter_mut().filter_map(Value::as_object_mut) {
                    f(b);
                }
            }
        }
        "Map" => {
            for (key, v) in state.iter_mut() {
                if let ("ItemProcessor" | "Iterator", Value::Object(obj)) = (key.as_str(), v) {
                    f(obj);
                }
            }
        }
        _ => {}
    }
}

/// Calls `f` on every transition target of a state (the same set as `state_refs`).
fn for_each_ref_mut(state: &mut Map<String, Value>, f: &mut dyn FnMut(&mut String)) {
    let choice = type_of(state) == "Choice";
    for (key, v) in state.iter_mut() {
        match (key.as_str(), v) {
            ("Next", Value::String(n)) => f(n),
            ("Default", Value::String(n)) if choice => f(n),
            ("Choices", Value::Array(rules)) if choice => {
                for rule in rules {
                    if let Some(Value::String(n)) = rule.get_mut("Next") {
                        f(n);
                    }
                }
            }
            ("Catch", Value::Array(catchers)) => {
                for c in catchers {
                    if let Some(Value::String(n)) = c.get_mut("Next") {
                        f(n);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Renames states in a scope object and the scopes nested in it, with the references to them
/// from their own scope; references to names a scope does not hold are left alone.
fn rename_in_scope(scope: &mut Map<String, Value>, renames: &HashMap<String, String>) {
    let own: HashSet<String> = states_of(scope)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut rename = |n: &mut String| {
        if own.contains(n.as_str())
            && let Some(new) = renames.get(n.as_str())
        {
            n.clone_from(new);
        }
    };
    if let Some(Value::String(start)) = scope.get_mut("StartAt") {
        rename(start);
    }
    if let Some(Value::Object(states)) = scope.get_mut("States") {
        let old = std::mem::take(states);
        for (name, mut state) in old {
            if let Value::Object(obj) = &mut state {
                for_each_ref_mut(obj, &mut rename);
                for_each_nested_mut(obj, &mut |inner| rename_in_scope(inner, renames));
            }
            let name = renames.get(&name).cloned().unwrap_or(name);
            states.insert(name, state);
        }
    }
}

/// Gives every state of a fragment (at any depth) a name unused in `taken`, rewriting the
/// fragment's references; names that are free stay. Returns the renames made.
pub(crate) fn uniquify(
    frag: &mut Map<String, Value>,
    taken: &mut HashSet<String>,
) -> HashMap<String, String> {
    let names: Vec<String> = scopes_under(frag, Pointer::root())
        .into_iter()
        .filter_map(|(_, s)| states_of(s))
        .flat_map(|s| s.keys().cloned())
        .collect();
    let clashing: Vec<&String> = names.iter().filter(|n| taken.contains(*n)).collect();
    taken.extend(
        names
            .iter()
            .filter(|n| !taken.contains(*n))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let mut renames = HashMap::new();
    for name in clashing {
        let new = unique_name(name, taken);
        taken.insert(new.clone());
        renames.insert(name.clone(), new);
    }
    if !renames.is_empty() {
        rename_in_scope(frag, &renames);
    }
    renames
}

/// Map `Label`s must be unique in a state machine (they name child executions): a fragment's
/// labels that are already used get ` 2`, ` 3`... like state names (spaces are not allowed in
/// labels, so the suffix is `-2`, `-3`...).
fn uniquify_labels(frag: &mut Map<String, Value>, definition: &Value) {
    fn collect(v: &Value, out: &mut HashSet<String>) {
        match v {
            Value::Object(m) => {
                if m.get("Type").and_then(Value::as_str) == Some("Map")
                    && let Some(label) = m.get("Label").and_then(Value::as_str)
                {
                    out.insert(label.to_owned());
                }
                m.values().for_each(|x| collect(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    fn rewrite(v: &mut Value, taken: &mut HashSet<String>) {
        match v {
            Value::Object(m) => {
                if m.get("Type").and_then(Value::as_str) == Some("Map")
                    && let Some(Value::String(label)) = m.get_mut("Label")
                {
                    if taken.contains(label.as_str()) {
                        let stem = label.clone();
                        let mut n = 2;
                        while taken.contains(&format!("{stem}-{n}")) {
                            n += 1;
                        }
                        *label = format!("{stem}-{n}");
                    }
                    taken.insert(label.clone());
                }
                m.values_mut().for_each(|x| rewrite(x, taken));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| rewrite(x, taken)),
            _ => {}
        }
    }
    let mut taken = HashSet::new();
    collect(definition, &mut taken);
    if let Some(states) = frag.get_mut("States") {
        rewrite(states, &mut taken);
    }
}

/// Wires a fragment to its successor: exits (`"End": true` at the fragment's top level) go to
/// it, and a lone inserted Choice (`choice`) takes it as `Default` and as the `Next` of every rule
/// that has none.
fn wire(
    frag: &mut Map<String, Value>,
    successor: Option<&str>,
    choice: Option<&str>,
) -> Result<(), EditError> {
    let Some(Value::Object(states)) = frag.get_mut("States") else {
        return Ok(());
    };
    if let Some(choice) = choice {
        let next = successor.ok_or(EditError::ChoiceNeedsSuccessor)?;
        if let Some(Value::Object(obj)) = states.get_mut(choice) {
            replace_key_owned(obj, "Default", "Default", Value::String(next.to_owned()));
            if let Some(Value::Array(rules)) = obj.get_mut("Choices") {
                for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
                    if !rule.contains_key("Next") {
                        rule.insert("Next".to_owned(), Value::String(next.to_owned()));
                    }
                }
            }
        }
    }
    if let Some(next) = successor {
        for state in states.values_mut().filter_map(Value::as_object_mut) {
            if needs_transition(type_of(state))
                && !state.contains_key("Next")
                && state.get("End") == Some(&Value::Bool(true))
            {
                replace_key_owned(state, "End", "Next", Value::String(next.to_owned()));
            }
        }
    }
    Ok(())
}

/// Inserts a fragment whose names are already unique at `at`, wiring it in.
/// `choice` names a lone Choice state to wire by its `Default`.
pub(crate) fn insert_fragment(
    tx: &mut Tx<'_>,
    at: &InsertPoint,
    mut frag: Map<String, Value>,
    choice: Option<&str>,
) -> Result<(), EditError> {
    let spot = resolve(tx.value(), at)?;
    let start = frag
        .get("StartAt")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    wire(&mut frag, spot.successor.as_deref(), choice)?;
    // References leaving the fragment must land on states of the destination scope.
    let dest: HashSet<String> = match spot.target {
        Target::NewBranch { .. } => HashSet::new(),
        _ => scope_obj(tx.value(), &spot.scope)
            .ok()
            .and_then(states_of)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default(),
    };
    let empty = Map::new();
    let own = states_of(&frag).unwrap_or(&empty);
    for state in own.values().filter_map(Value::as_object) {
        for (_, target) in state_refs(state) {
            if !own.contains_key(target)
                && spot.successor.as_deref() != Some(target)
                && !dest.contains(target)
            {
                return Err(EditError::UnknownTarget {
                    target: target.to_owned(),
                    scope: spot.scope.clone(),
                });
            }
        }
    }
    let scope = spot.scope.clone();
    let names: Vec<String> = own.keys().cloned().collect();
    let take_states = |frag: &mut Map<String, Value>| match frag.shift_remove("States") {
        Some(Value::Object(states)) => states,
        _ => Map::new(),
    };
    match spot.target {
        Target::NewBranch { parallel, index } => {
            if tx
                .value()
                .pointer(parallel.key("Branches").as_str())
                .is_none()
            {
                tx.set(&parallel, "Branches", json!([]))?;
            }
            tx.op(Op::InsertItem {
                array: parallel.key("Branches"),
                index,
                value: Value::Object(frag),
            })?;
        }
        Target::Edge {
            state,
            via,
            position,
            ..
        } => {
            insert_states(tx, &scope, take_states(&mut frag), position)?;
            if spot.successor.is_none() {
                tx.replace_key(&state, "End", "Next", Value::String(start))?;
            } else {
                tx.op(Op::Replace {
                    at: via.pointer(&state),
                    value: Value::String(start),
                })?;
            }
        }
        Target::Start => {
            let has_states = scope_obj(tx.value(), &scope)?.contains_key("States");
            if !has_states {
                tx.set(&scope, "States", json!({}))?;
            }
            insert_states(tx, &scope, take_states(&mut frag), 0)?;
            let states_at = index_of(scope_obj(tx.value(), &scope)?, "States");
            tx.set_at(&scope, "StartAt", Value::String(start), states_at)?;
        }
    }
    tx.created
        .extend(names.into_iter().map(|n| StateRef::new(scope.clone(), n)));
    Ok(())
}

fn insert_states(
    tx: &mut Tx<'_>,
    scope: &Pointer,
    states: Map<String, Value>,
    position: usize,
) -> Result<(), EditError> {
    let object = scope.key("States");
    for (k, (name, state)) in states.into_iter().enumerate() {
        tx.op(Op::InsertKey {
            object: object.clone(),
            index: position + k,
            key: name,
            value: state,
        })?;
    }
    Ok(())
}

/// Inserts one state named `name` (made unique) at `at`.
pub(crate) fn insert_state(
    tx: &mut Tx<'_>,
    at: &InsertPoint,
    name: &str,
    state: &Value,
) -> Result<(), EditError> {
    let mut frag = single(name, state)?;
    let mut taken = all_names(tx.value());
    let renames = uniquify(&mut frag, &mut taken);
    uniquify_labels(&mut frag, tx.value());
    let name = renames.get(name).map_or(name, String::as_str);
    let choice = (type_of(check_state(state)?) == "Choice").then_some(name);
    insert_fragment(tx, at, frag, choice)
}

/// Inserts a pattern (names made unique) at `at`.
pub(crate) fn insert_pattern(
    tx: &mut Tx<'_>,
    at: &InsertPoint,
    pattern: &Value,
) -> Result<(), EditError> {
    let mut frag = check_pattern(pattern)?;
    let mut taken = all_names(tx.value());
    uniquify(&mut frag, &mut taken);
    uniquify_labels(&mut frag, tx.value());
    insert_fragment(tx, at, frag, None)
}

/// The states of a selection as a pattern to paste: `StartAt` is the first selected state no
/// other selected state leads to; a `Next` leaving the selection becomes `"End": true` (an exit,
/// wired to the insertion point when pasted); other references leaving it (Choice rules,
/// `Default`, Catch) are kept and must name states of the scope the pattern is pasted into.
pub fn copy_states(value: &Value, states: &[StateRef]) -> Result<Value, EditError> {
    let first = states.first().ok_or(EditError::BadSelection)?;
    if states.iter().any(|s| s.scope != first.scope) {
        return Err(EditError::BadSelection);
    }
    for s in states {
        state_obj(value, s)?;
    }
    let selected: HashSet<&str> = states.iter().map(|s| s.name.as_str()).collect();
    let scope = scope_obj(value, &first.scope)?;
    let mut out = Map::new();
    let mut targeted = HashSet::new();
    for (name, state) in states_of(scope).into_iter().flatten() {
        let Some(obj) = state
            .as_object()
            .filter(|_| selected.contains(name.as_str()))
        else {
            continue;
        };
        let mut obj = obj.clone();
        for (_, target) in state_refs(&obj) {
            if target != name && selected.contains(target) {
                targeted.insert(target.to_owned());
            }
        }
        if obj
            .get("Next")
            .and_then(Value::as_str)
            .is_some_and(|n| !selected.contains(n))
        {
            end_here(&mut obj);
        }
        out.insert(name.clone(), Value::Object(obj));
    }
    let start = out
        .keys()
        .find(|n| !targeted.contains(n.as_str()))
        .or_else(|| out.keys().next())
        .cloned()
        .unwrap_or_default();
    Ok(json!({"StartAt": start, "States": out}))
}

/// Whether a state of type `ty` may be inserted at `at`: the rule a canvas asks before offering
/// a drop target. Cheap (no copy of the definition). It says no to an insertion point that does
/// not exist (after a Succeed or Fail, a Choice's own Next...), to a Choice where the flow ends
/// (it would have nowhere to go), and to a Succeed or Fail that would cut off the states after
/// the transition it is dropped on.
pub fn can_insert_at(value: &Value, at: &InsertPoint, ty: StateType) -> Result<(), EditError> {
    let spot = resolve(value, at)?;
    match ty {
        StateType::Choice if spot.successor.is_none() => Err(EditError::ChoiceNeedsSuccessor),
        StateType::Succeed | StateType::Fail if spot.successor.is_some() => {
            let scope = scope_obj(value, &spot.scope)?;
            let before = reachable(scope, None);
            let after = match &spot.target {
                Target::Edge { name, via, .. } => reachable(scope, Some((name, *via))),
                _ => HashSet::new(),
            };
            let lost: Vec<String> = states_of(scope)
                .into_iter()
                .flat_map(|s| s.keys())
                .filter(|n| before.contains(n.as_str()) && !after.contains(n.as_str()))
                .cloned()
                .collect();
            if lost.is_empty() {
                Ok(())
            } else {
                Err(EditError::WouldStrand { states: lost })
            }
        }
        _ => Ok(()),
    }
}

/// Moves a state to another insertion point, keeping its name and fields: it is taken out (its
/// predecessors rewired as by removal), then inserted at `to` read in the definition without it.
pub(crate) fn move_state(
    tx: &mut Tx<'_>,
    state: &StateRef,
    to: &InsertPoint,
) -> Result<(), EditError> {
    let value = Value::Object(state_obj(tx.value(), state)?.clone());
    let conflicts = |v: &Value| {
        let mut diags = crate::diag::Diagnostics::default();
        let machine = crate::model::StateMachine::read(v, &mut diags);
        crate::validate::variables::outer_assignments(&machine)
    };
    let before = conflicts(tx.value()).len();
    super::remove::remove_core(tx, std::slice::from_ref(state))?;
    let frag = single(&state.name, &value)?;
    let choice = (type_of(check_state(&value)?) == "Choice").then_some(state.name.as_str());
    insert_fragment(tx, to, frag, choice)?;
    // A state that assigns variables cannot move into a branch or iteration whose outer scope
    // assigns the same ones.
    let after = conflicts(tx.value());
    if after.len() > before {
        let variable = after
            .last()
            .and_then(|d| d.pointer.tokens().last())
            .unwrap_or_default();
        return Err(EditError::OuterVariable {
            state: state.name.clone(),
            variable,
        });
    }
    Ok(())
}
