//! Edit commands on a definition: each applies to the document value and returns its inverse.
//!
//! An [`Edit`] is data. [`Edit::apply`] changes a definition's JSON value and returns the edit
//! that undoes it (so undo is applying the inverse, and redo applying the inverse's inverse).
//! An edit that fails returns an [`EditError`] and leaves the value as it was; a
//! [`Edit::Batch`] applies all its edits or none, and undoes as one step. [`History`] keeps the
//! undo and redo stacks, merges typing into one step and makes a drag one step.
//!
//! Every command compiles to primitive [`Op`]s that keep key order (keys are renamed and replaced
//! in place, removed with `shift_remove`, inserted with `shift_insert`), so the inverse gives back
//! the same text, not just the same value.
//!
//! ```
//! use stepcraft::edit::{Edit, InsertPoint, StateRef, Via};
//! use serde_json::json;
//!
//! let mut value = json!({
//!     "StartAt": "A",
//!     "States": {
//!         "A": {"Type": "Pass", "Next": "B"},
//!         "B": {"Type": "Succeed"}
//!     }
//! });
//! let before = value.clone();
//! let edit = Edit::InsertState {
//!     at: InsertPoint::edge(StateRef::top("A"), Via::Next),
//!     name: "A".into(),
//!     state: json!({"Type": "Wait", "Seconds": 5}),
//! };
//! let undo = edit.apply(&mut value).expect("A has a Next");
//! // The name was taken, so the new state is "A 2", between A and B.
//! assert_eq!(value["States"]["A"]["Next"], "A 2");
//! assert_eq!(value["States"]["A 2"], json!({"Type": "Wait", "Seconds": 5, "Next": "B"}));
//! let redo = undo.apply(&mut value).expect("undo applies");
//! assert_eq!(value, before);
//! redo.apply(&mut value).expect("redo applies");
//! assert_eq!(value["States"]["A"]["Next"], "A 2");
//! ```
//!
//! Structural edits (insert, remove, move, patterns) keep every state that was reachable
//! reachable, and keep names unique in the whole definition; field-level edits (fields,
//! transitions, rules, branches) change what they are asked to and leave judging the result to
//! the validator. The rules a canvas asks before offering a drop target are
//! [`can_insert_at`] (cheap) and [`Edit::can_apply`] (exact).

mod address;
mod error;
mod fields;
mod history;
mod insert;
mod op;
mod remove;

pub use address::{Edge, InsertPoint, MAX_NAME_CHARS, RuleList, StateRef, Via, edges, unique_name};
pub use error::EditError;
pub use history::History;
pub use insert::{can_insert_at, copy_states};
pub use op::Op;

use crate::document::Document;
use crate::pointer::Pointer;
use address::{reach_all, stranded};
use op::Tx;
use serde_json::Value;

/// One edit of a definition, as data.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Primitive operations, applied in order. Inverses are always patches.
    Patch(Vec<Op>),
    /// Edits applied in order, all or none; undone as one step.
    Batch(Vec<Edit>),
    /// Inserts one state, named `name` or, when the name is taken anywhere in the definition,
    /// `name 2`, `name 3`... (names of states nested in it too).
    ///
    /// - On a transition A→B: the new state goes to B and the transition to the new state; on an
    ///   end edge (A has `"End": true`) A gets `Next` in the place of `End` and the new state
    ///   `"End": true`. The state is placed after A in `States`.
    /// - At the start of a scope: it goes to the old `StartAt` and becomes `StartAt`; in an
    ///   empty scope (an empty branch or item processor) it becomes `StartAt` with
    ///   `"End": true`. It is placed first.
    /// - As a new Parallel branch: the branch `{StartAt, States}` holds just it, with
    ///   `"End": true`.
    ///
    /// The state's own `Next`/`End` are replaced. A Choice takes B as its `Default` (replacing
    /// any) and as the `Next` of every rule without one; it is refused where the flow ends
    /// ([`EditError::ChoiceNeedsSuccessor`]). A Succeed or Fail ends the flow there: B loses that
    /// transition, which is refused if B (or states after it) would become unreachable.
    InsertState {
        /// Where.
        at: InsertPoint,
        /// The wanted name.
        name: String,
        /// The state, an object with a `Type`.
        state: Value,
    },
    /// Inserts a pattern: `{"StartAt": ..., "States": {...}}`, a set of states from a snippet or
    /// [`copy_states`] (pasting). Names are made unique against the whole definition (`" 2"`,
    /// `" 3"`...) and the pattern's references renamed with them. The pattern's exits (its
    /// states with `"End": true`) go on to the insertion point's successor (or keep `End` where
    /// the flow ends); its start is wired in as one inserted state is. As a new branch the
    /// pattern object is the branch, other fields (a `Comment`) included. References to states
    /// the pattern does not hold must name states of the destination scope.
    InsertPattern {
        /// Where.
        at: InsertPoint,
        /// The pattern.
        pattern: Value,
    },
    /// Removes states, rewiring what led to them, as one edit.
    ///
    /// A removed state's predecessors (and `StartAt`) go on to its one successor: its `Next`, or
    /// for a Choice the one state all its rules and `Default` lead to (its Catch targets are not
    /// successors; its catchers go with it). A state with no successor (`"End": true`, Succeed,
    /// Fail) leaves dangling references, which are removed: a `Next` becomes `"End": true` in
    /// place, a `Default` is dropped, a Choice or Catch rule leading to it is dropped (the `Catch`
    /// field with its last rule).
    ///
    /// States left unreachable (a handler only the removed state's Catch led to) are removed too
    /// when `remove_stranded`, else the edit is refused with [`EditError::WouldStrand`] (ask the
    /// user, then retry with `true`). Refused as well: a state with several successors
    /// ([`EditError::AmbiguousSuccessor`]: a Choice whose rules lead to different states), the
    /// last state of a scope, the first state when it has no successor, and dropping the last
    /// rule of a Choice.
    RemoveStates {
        /// The states (a state nested in another listed one goes with it).
        states: Vec<StateRef>,
        /// Whether to remove the states only these ones led to.
        remove_stranded: bool,
    },
    /// Moves a state, keeping its name and fields: removal (predecessors rewired) then insertion
    /// at `to`, read in the definition without the state, as one edit. Its Catch targets must
    /// exist where it goes.
    MoveState {
        /// The state.
        state: StateRef,
        /// Where it goes.
        to: InsertPoint,
    },
    /// Renames a state; its key keeps its place, and `StartAt`, `Next`, `Default`, Choice rule
    /// and Catch `Next` naming it in its scope follow. Refuses a name used anywhere in the
    /// definition.
    RenameState {
        /// The state.
        state: StateRef,
        /// The new name.
        to: String,
    },
    /// Sets a field of any object (a state, the definition's top level, a rule...) in place, or
    /// last when new; `None` removes it. Refused on `States` objects: states have their own
    /// commands.
    SetField {
        /// The object.
        object: Pointer,
        /// The field.
        key: String,
        /// The value, or `None` to remove the field.
        value: Option<Value>,
    },
    /// Points a transition at a state of the same scope; `None` ends the flow (for a state's own
    /// transition: `"End": true` in the place of `Next`; for `Default`: no default).
    SetTransition {
        /// The state.
        from: StateRef,
        /// Which transition.
        via: Via,
        /// The target, or `None`.
        to: Option<String>,
    },
    /// Adds a Choice, Retry or Catch rule at `index` (`None`: last).
    InsertRule {
        /// The state.
        state: StateRef,
        /// Which list.
        list: RuleList,
        /// Where in it.
        index: Option<usize>,
        /// The rule.
        rule: Value,
    },
    /// Removes a rule; removing the last Retry or Catch rule removes the field, the last Choice
    /// rule is refused.
    RemoveRule {
        /// The state.
        state: StateRef,
        /// Which list.
        list: RuleList,
        /// Which rule.
        index: usize,
    },
    /// Moves a rule so that it ends up at `to`.
    MoveRule {
        /// The state.
        state: StateRef,
        /// Which list.
        list: RuleList,
        /// Its index before.
        from: usize,
        /// Its index after.
        to: usize,
    },
    /// Removes a branch of a Parallel state (not the last one). Branches are added with
    /// [`InsertPoint::NewBranch`].
    RemoveBranch {
        /// The Parallel state.
        parallel: StateRef,
        /// Which branch.
        index: usize,
    },
    /// Moves a branch of a Parallel state so that it ends up at `to`.
    MoveBranch {
        /// The Parallel state.
        parallel: StateRef,
        /// Its index before.
        from: usize,
        /// Its index after.
        to: usize,
    },
}

/// What applying an edit did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The edit that undoes it.
    pub inverse: Edit,
    /// The states it inserted (with their final names), for the caller to select.
    pub created: Vec<StateRef>,
}

impl Applied {
    /// Whether the edit changed nothing.
    pub fn is_noop(&self) -> bool {
        matches!(&self.inverse, Edit::Patch(ops) if ops.is_empty())
    }
}

impl Edit {
    /// Removes one state (refusing to strand others).
    pub fn remove_state(state: StateRef) -> Self {
        Self::RemoveStates {
            states: vec![state],
            remove_stranded: false,
        }
    }

    /// Sets or removes a field of a state.
    pub fn set_state_field(state: &StateRef, key: &str, value: Option<Value>) -> Self {
        Self::SetField {
            object: state.pointer(),
            key: key.to_owned(),
            value,
        }
    }

    /// Sets or removes a field of the definition's top level (Comment, TimeoutSeconds,
    /// QueryLanguage...).
    pub fn set_top_field(key: &str, value: Option<Value>) -> Self {
        Self::SetField {
            object: Pointer::root(),
            key: key.to_owned(),
            value,
        }
    }

    /// Applies the edit and returns its inverse. On error the value is unchanged.
    pub fn apply(&self, value: &mut Value) -> Result<Edit, EditError> {
        self.apply_detailed(value).map(|a| a.inverse)
    }

    /// Applies the edit and returns its inverse and the states it created.
    pub fn apply_detailed(&self, value: &mut Value) -> Result<Applied, EditError> {
        let mut tx = Tx::new(value);
        match self.run(&mut tx) {
            Ok(()) => {
                let (undo, created) = tx.commit();
                Ok(Applied {
                    inverse: Edit::Patch(undo),
                    created,
                })
            }
            Err(e) => {
                tx.rollback();
                Err(e)
            }
        }
    }

    /// Applies the edit to a document. A failed or empty edit leaves it untouched (not marked
    /// edited).
    pub fn apply_to_document(&self, doc: &mut Document) -> Result<Applied, EditError> {
        let mut value = doc.value().clone();
        let applied = self.apply_detailed(&mut value)?;
        if !applied.is_noop() {
            doc.set_value(value);
        }
        Ok(applied)
    }

    /// Whether the edit would apply to `value`, and if not why. Exact (it applies the edit to a
    /// copy), so it costs a copy of the definition; for drop targets see [`can_insert_at`].
    pub fn can_apply(&self, value: &Value) -> Result<(), EditError> {
        let mut copy = value.clone();
        self.apply(&mut copy).map(drop)
    }

    /// The field a [`History`] merges consecutive edits of into one undo step: a `SetField`'s
    /// field (typing into it).
    pub fn merge_key(&self) -> Option<Pointer> {
        match self {
            Self::SetField { object, key, .. } => Some(object.key(key)),
            _ => None,
        }
    }

    fn run(&self, tx: &mut Tx<'_>) -> Result<(), EditError> {
        match self {
            Self::Patch(ops) => ops.iter().try_for_each(|op| tx.op(op.clone())),
            Self::Batch(edits) => edits.iter().enumerate().try_for_each(|(index, e)| {
                e.run(tx).map_err(|error| EditError::Batch {
                    index,
                    error: Box::new(error),
                })
            }),
            Self::InsertState { at, name, state } => {
                keep_reachable(tx, |tx| insert::insert_state(tx, at, name, state))
            }
            Self::InsertPattern { at, pattern } => {
                keep_reachable(tx, |tx| insert::insert_pattern(tx, at, pattern))
            }
            Self::RemoveStates {
                states,
                remove_stranded,
            } => remove::remove_states(tx, states, *remove_stranded),
            Self::MoveState { state, to } => {
                keep_reachable(tx, |tx| insert::move_state(tx, state, to))
            }
            Self::RenameState { state, to } => fields::rename(tx, state, to),
            Self::SetField { object, key, value } => {
                fields::set_field(tx, object, key, value.as_ref())
            }
            Self::SetTransition { from, via, to } => {
                fields::set_transition(tx, from, *via, to.as_deref())
            }
            Self::InsertRule {
                state,
                list,
                index,
                rule,
            } => fields::insert_rule(tx, state, *list, *index, rule),
            Self::RemoveRule { state, list, index } => {
                fields::remove_rule(tx, state, *list, *index)
            }
            Self::MoveRule {
                state,
                list,
                from,
                to,
            } => fields::move_rule(tx, state, *list, *from, *to),
            Self::RemoveBranch { parallel, index } => fields::remove_branch(tx, parallel, *index),
            Self::MoveBranch { parallel, from, to } => {
                fields::move_branch(tx, parallel, *from, *to)
            }
        }
    }
}

/// Runs a structural edit, refusing it if a state reachable before is not after.
fn keep_reachable(
    tx: &mut Tx<'_>,
    f: impl FnOnce(&mut Tx<'_>) -> Result<(), EditError>,
) -> Result<(), EditError> {
    let before = reach_all(tx.value());
    f(tx)?;
    let lost = stranded(tx.value(), &before);
    if lost.is_empty() {
        Ok(())
    } else {
        Err(EditError::WouldStrand {
            states: lost.into_iter().flat_map(|(_, names)| names).collect(),
        })
    }
}
