//! Rules on the graph of states: names, StartAt, transitions, reachability, terminal states and
//! the closed worlds of Parallel branches and Map processors.

use crate::diag::{Code, Diagnostics};
use crate::model::{Scope, StateKind, StateMachine, StateName, StateType, Transition};
use std::collections::{HashMap, HashSet, VecDeque};

/// The longest state name AWS accepts, in characters.
pub const MAX_STATE_NAME_CHARS: usize = 80;

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    let all = machine.states();
    let mut seen: HashMap<&str, &crate::pointer::Pointer> = HashMap::new();
    for state in &all {
        let name = state.name.as_str();
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_STATE_NAME_CHARS {
            diags.push(
                Code::InvalidStateName,
                state.pointer.clone(),
                if chars == 0 {
                    "A state name cannot be empty.".to_owned()
                } else {
                    format!("The state name is {chars} characters long; AWS allows at most {MAX_STATE_NAME_CHARS}.")
                },
            );
        }
        if let Some(first) = seen.insert(name, &state.pointer) {
            diags.push(
                Code::DuplicateStateName,
                state.pointer.clone(),
                format!("Another state is already named \"{name}\" (at {first}): state names must be unique in the whole state machine, branches included."),
            );
            seen.insert(name, first);
        }
    }
    let everywhere: HashSet<&str> = all.iter().map(|s| s.name.as_str()).collect();
    for scope in machine.scope.scopes() {
        check_scope(scope, &everywhere, diags);
    }
}

fn check_scope(scope: &Scope, everywhere: &HashSet<&str>, diags: &mut Diagnostics) {
    let missing = |name: &StateName, what: &str| -> (Code, String) {
        if everywhere.contains(name.as_str()) {
            (
                Code::TransitionOutOfScope,
                format!(
                    "{what} \"{name}\", which is in another branch or level: a Parallel branch or Map processor can only move between its own states."
                ),
            )
        } else {
            (
                Code::MissingTransitionTarget,
                format!("{what} \"{name}\", but there is no state with that name."),
            )
        }
    };
    if let Some(start) = &scope.start_at
        && !scope.states.contains_key(start.as_str())
    {
        let (code, message) = missing(start, "StartAt names");
        let code = if code == Code::MissingTransitionTarget {
            Code::StartAtNotFound
        } else {
            code
        };
        diags.push(code, scope.pointer.key("StartAt"), message);
    }
    let mut complete = true;
    for state in scope.states.values() {
        for (target, pointer) in state.targets() {
            if !scope.states.contains_key(target.as_str()) {
                complete = false;
                let (code, message) = missing(target, "This transition goes to");
                diags.push(code, pointer, message);
            }
        }
        let Some(ty) = state.state_type() else {
            continue;
        };
        if ty.needs_transition() {
            if state.transition.is_none() {
                let message = if state.has("End") {
                    "\"End\": false does not end the state: set \"End\": true, or give a Next state.".to_owned()
                } else {
                    format!(
                        "A {} state needs either Next (the state to go to) or \"End\": true.",
                        ty.as_str()
                    )
                };
                diags.push(Code::MissingTransition, state.pointer.clone(), message);
            }
        } else {
            for field in ["Next", "End"] {
                if state.has(field) {
                    let hint = match ty {
                        StateType::Choice => {
                            "a Choice state moves through its rules' Next and its Default"
                        }
                        _ => "it always ends the execution or branch",
                    };
                    diags.push(
                        Code::TransitionNotAllowed,
                        state.pointer.key(field),
                        format!("A {} state cannot have {field}: {hint}.", ty.as_str()),
                    );
                }
            }
        }
    }
    check_reachability(scope, diags);
    let terminal = scope.states.values().any(|s| {
        matches!(s.transition, Some(Transition::End))
            || matches!(s.kind, StateKind::Succeed | StateKind::Fail(_))
    });
    // With a transition to nowhere the graph is unfinished, and that error says enough.
    if !terminal && complete && !scope.states.is_empty() {
        diags.push(
            Code::NoTerminalState,
            scope.pointer.key("States"),
            "No state here ends the workflow: give one state \"End\": true, or add a Succeed or Fail state.",
        );
    }
}

fn check_reachability(scope: &Scope, diags: &mut Diagnostics) {
    let Some(start) = scope
        .start_at
        .as_ref()
        .filter(|s| scope.states.contains_key(s.as_str()))
    else {
        return;
    };
    let mut reached: HashSet<&str> = HashSet::new();
    let mut queue = VecDeque::from([start.as_str()]);
    while let Some(name) = queue.pop_front() {
        if !reached.insert(name) {
            continue;
        }
        if let Some(state) = scope.states.get(name) {
            for (target, _) in state.targets() {
                if scope.states.contains_key(target.as_str()) && !reached.contains(target.as_str())
                {
                    queue.push_back(target.as_str());
                }
            }
        }
    }
    for state in scope.states.values() {
        if !reached.contains(state.name.as_str()) {
            diags.push(
                Code::UnreachableState,
                state.pointer.clone(),
                format!(
                    "No path from StartAt reaches \"{}\": connect it with a Next, or remove it.",
                    state.name
                ),
            );
        }
    }
}
