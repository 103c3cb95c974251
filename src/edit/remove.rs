//! Removing states and rewiring what led to them.
//!
//! A removed state's predecessors go on to its one successor. Its successor is its `Next`, or for
//! a Choice the one state all its rules and `Default` lead to; its Catch targets are not
//! successors (the catchers go with it). A state with several successors (most Choice states) is
//! refused with [`EditError::AmbiguousSuccessor`]. A state with none (`"End": true`, Succeed,
//! Fail) leaves its predecessors' references dangling, and they are removed: a `Next` becomes
//! `"End": true`, a `Default` is dropped, a Choice rule or Catch rule leading to it is dropped
//! (refused with [`EditError::LastChoiceRule`] if that empties a Choice).

use super::address::{
    Reach, StateRef, Via, reach_all, scope_obj, state_obj, state_refs, states_of, stranded,
};
use super::error::EditError;
use super::op::{Op, Tx};
use crate::pointer::Pointer;
use serde_json::Value;

/// One change planned on a predecessor, before any is made (pointers hold indices).
enum Fix {
    /// Point the transition at `at` to another state.
    Retarget(Pointer, String),
    /// Replace the state's `Next` by `"End": true`.
    End(Pointer),
    /// Drop the state's `Default`.
    DropDefault(Pointer),
    /// Drop these items of a rule list (indices descending); the whole field if all go.
    DropRules {
        state: Pointer,
        key: &'static str,
        indices: Vec<usize>,
        len: usize,
    },
}

/// Removes states, rewiring their predecessors, without checking what becomes unreachable.
pub(crate) fn remove_core(tx: &mut Tx<'_>, targets: &[StateRef]) -> Result<(), EditError> {
    let mut list: Vec<&StateRef> = Vec::new();
    for t in targets {
        let p = t.pointer();
        let nested = targets
            .iter()
            .any(|o| o.pointer() != p && p.starts_with(&o.pointer()));
        if !nested && !list.contains(&t) {
            list.push(t);
        }
    }
    for t in list {
        remove_one(tx, t)?;
    }
    Ok(())
}

fn remove_one(tx: &mut Tx<'_>, target: &StateRef) -> Result<(), EditError> {
    let value = tx.value();
    let state = state_obj(value, target)?;
    let scope = scope_obj(value, &target.scope)?;
    let states = states_of(scope).cloned().unwrap_or_default();
    if states.len() == 1 {
        return Err(EditError::LastState {
            scope: target.scope.clone(),
        });
    }
    let name = target.name.as_str();
    let mut successors: Vec<String> = Vec::new();
    for (via, t) in state_refs(state) {
        if !matches!(via, Via::Catch(_)) && t != name && !successors.iter().any(|s| s == t) {
            successors.push(t.to_owned());
        }
    }
    if successors.len() > 1 {
        return Err(EditError::AmbiguousSuccessor {
            state: name.to_owned(),
            successors,
        });
    }
    let successor = successors.pop();
    let mut fixes = Vec::new();
    if scope.get("StartAt").and_then(Value::as_str) == Some(name) {
        match &successor {
            Some(n) => fixes.push(Fix::Retarget(target.scope.key("StartAt"), n.clone())),
            None => {
                return Err(EditError::NoSuccessor {
                    state: name.to_owned(),
                });
            }
        }
    }
    for (other, obj) in &states {
        let Some(obj) = obj.as_object().filter(|_| other != name) else {
            continue;
        };
        let sp = target.scope.key("States").key(other);
        let vias: Vec<Via> = state_refs(obj)
            .into_iter()
            .filter(|(_, t)| *t == name)
            .map(|(v, _)| v)
            .collect();
        if let Some(n) = &successor {
            fixes.extend(
                vias.iter()
                    .map(|v| Fix::Retarget(v.pointer(&sp), n.clone())),
            );
            continue;
        }
        let mut rules = Vec::new();
        let mut catchers = Vec::new();
        for via in vias {
            match via {
                Via::Next => fixes.push(Fix::End(sp.clone())),
                Via::Default => fixes.push(Fix::DropDefault(sp.clone())),
                Via::Choice(i) => rules.push(i),
                Via::Catch(i) => catchers.push(i),
            }
        }
        for (key, mut indices) in [("Choices", rules), ("Catch", catchers)] {
            if indices.is_empty() {
                continue;
            }
            let len = obj.get(key).and_then(Value::as_array).map_or(0, Vec::len);
            if key == "Choices" && indices.len() >= len {
                return Err(EditError::LastChoiceRule {
                    state: other.clone(),
                });
            }
            indices.sort_unstable_by(|a, b| b.cmp(a));
            fixes.push(Fix::DropRules {
                state: sp.clone(),
                key,
                indices,
                len,
            });
        }
    }
    for fix in fixes {
        match fix {
            Fix::Retarget(at, n) => tx.op(Op::Replace {
                at,
                value: Value::String(n),
            })?,
            Fix::End(sp) => tx.replace_key(&sp, "Next", "End", Value::Bool(true))?,
            Fix::DropDefault(sp) => tx.remove(&sp, "Default")?,
            Fix::DropRules {
                state,
                key,
                indices,
                len,
            } => {
                if indices.len() >= len {
                    tx.remove(&state, key)?;
                } else {
                    for index in indices {
                        tx.op(Op::RemoveItem {
                            array: state.key(key),
                            index,
                        })?;
                    }
                }
            }
        }
    }
    tx.op(Op::RemoveKey {
        object: target.scope.key("States"),
        key: name.to_owned(),
    })
}

/// Removes states as one edit. States that only the removed ones reached are removed too when
/// `remove_stranded`, else the edit is refused with [`EditError::WouldStrand`].
pub(crate) fn remove_states(
    tx: &mut Tx<'_>,
    targets: &[StateRef],
    remove_stranded: bool,
) -> Result<(), EditError> {
    let before: Reach = reach_all(tx.value());
    remove_core(tx, targets)?;
    let lost = stranded(tx.value(), &before);
    if lost.is_empty() {
        return Ok(());
    }
    if !remove_stranded {
        return Err(EditError::WouldStrand {
            states: lost.into_iter().flat_map(|(_, names)| names).collect(),
        });
    }
    for (scope, names) in lost {
        for name in names {
            tx.op(Op::RemoveKey {
                object: scope.key("States"),
                key: name,
            })?;
        }
    }
    Ok(())
}
