//! Commands on the fields of one state or of the definition: rename, set or remove a field, set a
//! transition, and the lists of Choice, Retry and Catch rules and of Parallel branches.

use super::address::{
    RuleList, StateRef, Via, all_names, check_name, needs_transition, scope_obj, state_obj,
    state_refs, states_of, type_of,
};
use super::error::EditError;
use super::op::{Op, Tx};
use crate::pointer::Pointer;
use serde_json::{Map, Value, json};

/// Renames a state in place and every reference to it in its scope.
pub(crate) fn rename(tx: &mut Tx<'_>, state: &StateRef, to: &str) -> Result<(), EditError> {
    let value = tx.value();
    state_obj(value, state)?;
    if to == state.name {
        return Ok(());
    }
    check_name(to)?;
    if all_names(value).contains(to) {
        return Err(EditError::DuplicateName {
            name: to.to_owned(),
        });
    }
    let scope = scope_obj(value, &state.scope)?;
    let mut fixes = Vec::new();
    if scope.get("StartAt").and_then(Value::as_str) == Some(state.name.as_str()) {
        fixes.push(state.scope.key("StartAt"));
    }
    for (name, obj) in states_of(scope).into_iter().flatten() {
        let Some(obj) = obj.as_object() else {
            continue;
        };
        let sp = state.scope.key("States").key(name);
        for (via, target) in state_refs(obj) {
            if target == state.name {
                fixes.push(via.pointer(&sp));
            }
        }
    }
    for at in fixes {
        tx.op(Op::Replace {
            at,
            value: Value::String(to.to_owned()),
        })?;
    }
    tx.op(Op::RenameKey {
        object: state.scope.key("States"),
        from: state.name.clone(),
        to: to.to_owned(),
    })
}

/// Sets (in place, or last when new) or removes a field of any object but a `States` map.
pub(crate) fn set_field(
    tx: &mut Tx<'_>,
    object: &Pointer,
    key: &str,
    value: Option<&Value>,
) -> Result<(), EditError> {
    let v = tx.value();
    let is_scope = |p: &Pointer| scope_obj(v, p).is_ok();
    let holds_states = (key == "States" && is_scope(object))
        || (object.tokens().last().as_deref() == Some("States") && is_scope(&object.parent()));
    if holds_states {
        return Err(EditError::StatesObject {
            pointer: if key == "States" {
                object.key(key)
            } else {
                object.clone()
            },
        });
    }
    match value {
        Some(value) => tx.set(object, key, value.clone()),
        None => {
            if v.pointer(object.as_str())
                .and_then(Value::as_object)
                .is_none()
            {
                return Err(EditError::NotFound {
                    pointer: object.clone(),
                    expected: "object",
                });
            }
            tx.remove(object, key)
        }
    }
}

fn wrong_type(state: &StateRef, obj: &Map<String, Value>, expected: &'static str) -> EditError {
    EditError::WrongStateType {
        state: state.name.clone(),
        found: type_of(obj).to_owned(),
        expected,
    }
}

fn check_target(tx: &Tx<'_>, state: &StateRef, target: &str) -> Result<(), EditError> {
    let scope = scope_obj(tx.value(), &state.scope)?;
    if states_of(scope).is_some_and(|s| s.contains_key(target)) {
        Ok(())
    } else {
        Err(EditError::UnknownTarget {
            target: target.to_owned(),
            scope: state.scope.clone(),
        })
    }
}

/// Points a transition at a state of the same scope, or (for a state's own transition only)
/// makes it end: `Next` and `End` replace each other in place.
pub(crate) fn set_transition(
    tx: &mut Tx<'_>,
    from: &StateRef,
    via: Via,
    to: Option<&str>,
) -> Result<(), EditError> {
    let obj = state_obj(tx.value(), from)?;
    let ty = type_of(obj);
    let sp = from.pointer();
    if let Some(t) = to {
        check_target(tx, from, t)?;
    }
    match via {
        Via::Next => {
            if !needs_transition(ty) {
                return Err(wrong_type(
                    from,
                    obj,
                    "a state with a Next (not Choice, Succeed or Fail)",
                ));
            }
            match to {
                Some(t) => tx.replace_key(&sp, "End", "Next", Value::String(t.to_owned())),
                None => tx.replace_key(&sp, "Next", "End", Value::Bool(true)),
            }
        }
        Via::Default => {
            if ty != "Choice" {
                return Err(wrong_type(from, obj, "a Choice state"));
            }
            match to {
                Some(t) => tx.set(&sp, "Default", Value::String(t.to_owned())),
                None => tx.remove(&sp, "Default"),
            }
        }
        Via::Choice(index) | Via::Catch(index) => {
            let list = if matches!(via, Via::Choice(_)) {
                RuleList::Choices
            } else {
                RuleList::Catch
            };
            let len = rules_of(obj, from, list)?.map_or(0, Vec::len);
            if index >= len {
                return Err(EditError::IndexOutOfRange {
                    pointer: sp.key(list.key()),
                    index,
                    len,
                });
            }
            let t = to.ok_or(EditError::NeedsTarget {
                state: from.name.clone(),
                via,
            })?;
            tx.set(
                &sp.key(list.key()).index(index),
                "Next",
                Value::String(t.to_owned()),
            )
        }
    }
}

/// The rule list of a state, checking the state may have it.
fn rules_of<'v>(
    obj: &'v Map<String, Value>,
    state: &StateRef,
    list: RuleList,
) -> Result<Option<&'v Vec<Value>>, EditError> {
    let ok = match list {
        RuleList::Choices => type_of(obj) == "Choice",
        RuleList::Retry | RuleList::Catch => {
            matches!(type_of(obj), "Task" | "Parallel" | "Map")
        }
    };
    if !ok {
        let expected = match list {
            RuleList::Choices => "a Choice state",
            _ => "a Task, Parallel or Map state",
        };
        return Err(wrong_type(state, obj, expected));
    }
    match obj.get(list.key()) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(EditError::NotFound {
            pointer: state.pointer().key(list.key()),
            expected: "array",
        }),
    }
}

/// Adds a rule at `index` (`None`: last). A rule's `Next` must name a state of the scope.
pub(crate) fn insert_rule(
    tx: &mut Tx<'_>,
    state: &StateRef,
    list: RuleList,
    index: Option<usize>,
    rule: &Value,
) -> Result<(), EditError> {
    let obj = state_obj(tx.value(), state)?;
    let rules = rules_of(obj, state, list)?;
    if !rule.is_object() {
        return Err(EditError::InvalidState {
            reason: "a rule is a JSON object".to_owned(),
        });
    }
    if list != RuleList::Retry
        && let Some(next) = rule.get("Next").and_then(Value::as_str)
    {
        check_target(tx, state, next)?;
    }
    let sp = state.pointer();
    match rules {
        None => match index {
            None | Some(0) => tx.set(&sp, list.key(), json!([rule])),
            Some(index) => Err(EditError::IndexOutOfRange {
                pointer: sp.key(list.key()),
                index,
                len: 0,
            }),
        },
        Some(rules) => {
            let index = index.unwrap_or(rules.len());
            tx.op(Op::InsertItem {
                array: sp.key(list.key()),
                index,
                value: rule.clone(),
            })
        }
    }
}

/// Removes rule `index`; the field goes with the last Retry or Catch rule, and the last Choice
/// rule is refused.
pub(crate) fn remove_rule(
    tx: &mut Tx<'_>,
    state: &StateRef,
    list: RuleList,
    index: usize,
) -> Result<(), EditError> {
    let obj = state_obj(tx.value(), state)?;
    let len = rules_of(obj, state, list)?.map_or(0, Vec::len);
    let sp = state.pointer();
    if index >= len {
        return Err(EditError::IndexOutOfRange {
            pointer: sp.key(list.key()),
            index,
            len,
        });
    }
    if len == 1 {
        if list == RuleList::Choices {
            return Err(EditError::LastChoiceRule {
                state: state.name.clone(),
            });
        }
        return tx.remove(&sp, list.key());
    }
    tx.op(Op::RemoveItem {
        array: sp.key(list.key()),
        index,
    })
}

/// Moves rule `from` so that it ends up at `to`.
pub(crate) fn move_rule(
    tx: &mut Tx<'_>,
    state: &StateRef,
    list: RuleList,
    from: usize,
    to: usize,
) -> Result<(), EditError> {
    let obj = state_obj(tx.value(), state)?;
    rules_of(obj, state, list)?;
    tx.op(Op::MoveItem {
        array: state.pointer().key(list.key()),
        from,
        to,
    })
}

fn branches_len(tx: &Tx<'_>, parallel: &StateRef) -> Result<usize, EditError> {
    let obj = state_obj(tx.value(), parallel)?;
    if type_of(obj) != "Parallel" {
        return Err(wrong_type(parallel, obj, "a Parallel state"));
    }
    obj.get("Branches")
        .and_then(Value::as_array)
        .map(Vec::len)
        .ok_or_else(|| EditError::NotFound {
            pointer: parallel.pointer().key("Branches"),
            expected: "array",
        })
}

/// Removes a branch of a Parallel state (not its last one).
pub(crate) fn remove_branch(
    tx: &mut Tx<'_>,
    parallel: &StateRef,
    index: usize,
) -> Result<(), EditError> {
    let len = branches_len(tx, parallel)?;
    if index < len && len == 1 {
        return Err(EditError::LastBranch {
            state: parallel.name.clone(),
        });
    }
    tx.op(Op::RemoveItem {
        array: parallel.pointer().key("Branches"),
        index,
    })
}

/// Moves branch `from` of a Parallel state so that it ends up at `to`.
pub(crate) fn move_branch(
    tx: &mut Tx<'_>,
    parallel: &StateRef,
    from: usize,
    to: usize,
) -> Result<(), EditError> {
    branches_len(tx, parallel)?;
    tx.op(Op::MoveItem {
        array: parallel.pointer().key("Branches"),
        from,
        to,
    })
}
