//! The undo and redo stacks.
//!
//! Each undo step holds the edit that reverts it. Consecutive edits of the same field (typing)
//! merge into one step until [`History::seal`] is called (when the field loses focus); edits
//! between [`History::begin`] and [`History::end`] (a drag) make one step, so there is never an
//! undo point mid-drag.

use super::{Applied, Edit, EditError};
use crate::document::Document;
use crate::pointer::Pointer;
use serde_json::Value;

/// One undo step.
#[derive(Clone, Debug)]
struct Step {
    /// Applying it reverts the step.
    revert: Edit,
    /// The field whose edits merge into this step.
    merge: Option<Pointer>,
}

/// The edit that first applies `first`, then `then`, as one edit.
fn sequence(first: Edit, then: Edit) -> Edit {
    match (first, then) {
        (Edit::Patch(mut a), Edit::Patch(b)) => {
            a.extend(b);
            Edit::Patch(a)
        }
        (a, b) => Edit::Batch(vec![a, b]),
    }
}

fn is_empty(edit: &Edit) -> bool {
    match edit {
        Edit::Patch(ops) => ops.is_empty(),
        Edit::Batch(edits) => edits.iter().all(is_empty),
        _ => false,
    }
}

/// Undo and redo stacks of edits.
#[derive(Clone, Debug)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Edit>,
    /// The step being built by an open transaction.
    open: Option<Edit>,
    depth: usize,
    sealed: bool,
    limit: usize,
}

impl Default for History {
    fn default() -> Self {
        Self::new()
    }
}

impl History {
    /// An empty history keeping the last 1,000 steps.
    pub fn new() -> Self {
        Self::with_limit(1000)
    }

    /// An empty history keeping the last `limit` steps (at least one).
    pub fn with_limit(limit: usize) -> Self {
        Self {
            undo: Vec::new(),
            redo: Vec::new(),
            open: None,
            depth: 0,
            sealed: false,
            limit: limit.max(1),
        }
    }

    /// Applies an edit to a value and records it.
    pub fn apply(&mut self, value: &mut Value, edit: &Edit) -> Result<Applied, EditError> {
        let applied = edit.apply_detailed(value)?;
        self.push(applied.inverse.clone(), edit.merge_key());
        Ok(applied)
    }

    /// Applies an edit to a document and records it.
    pub fn apply_to_document(
        &mut self,
        doc: &mut Document,
        edit: &Edit,
    ) -> Result<Applied, EditError> {
        let applied = edit.apply_to_document(doc)?;
        self.push(applied.inverse.clone(), edit.merge_key());
        Ok(applied)
    }

    /// Records an edit already applied, by its inverse. A new edit clears the redo stack. When
    /// `merge` names the same field as the last step and nothing sealed that step, the two merge
    /// (the step keeps reverting to the value before the first). An empty inverse records
    /// nothing.
    pub fn push(&mut self, inverse: Edit, merge: Option<Pointer>) {
        if is_empty(&inverse) {
            return;
        }
        self.redo.clear();
        if self.depth > 0 {
            self.open = Some(match self.open.take() {
                Some(earlier) => sequence(inverse, earlier),
                None => inverse,
            });
            return;
        }
        if !self.sealed
            && merge.is_some()
            && let Some(top) = self.undo.last()
            && top.merge == merge
        {
            return;
        }
        self.undo.push(Step {
            revert: inverse,
            merge,
        });
        self.sealed = false;
        if self.undo.len() > self.limit {
            let excess = self.undo.len() - self.limit;
            self.undo.drain(..excess);
        }
    }

    /// Ends merging: the next edit starts a new step even if it edits the same field.
    pub fn seal(&mut self) {
        self.sealed = true;
    }

    /// Starts a transaction (a drag): every edit until the matching [`History::end`] makes one
    /// step. Transactions nest; only the outermost one makes the step.
    pub fn begin(&mut self) {
        self.depth += 1;
    }

    /// Ends a transaction; the outermost end records its edits as one step.
    pub fn end(&mut self) {
        if self.depth == 0 {
            return;
        }
        self.depth -= 1;
        if self.depth == 0 {
            if let Some(revert) = self.open.take() {
                self.undo.push(Step {
                    revert,
                    merge: None,
                });
            }
            self.sealed = true;
        }
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.depth > 0
    }

    /// Undoes the last step (closing an open transaction first). `Ok(false)` when there is
    /// nothing to undo; on error the step stays and the value is unchanged.
    pub fn undo(&mut self, value: &mut Value) -> Result<bool, EditError> {
        self.close();
        let Some(step) = self.undo.pop() else {
            return Ok(false);
        };
        match step.revert.apply(value) {
            Ok(redo) => {
                self.redo.push(redo);
                self.sealed = true;
                Ok(true)
            }
            Err(e) => {
                self.undo.push(step);
                Err(e)
            }
        }
    }

    /// Redoes the last undone step. `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, value: &mut Value) -> Result<bool, EditError> {
        self.close();
        let Some(edit) = self.redo.pop() else {
            return Ok(false);
        };
        match edit.apply(value) {
            Ok(revert) => {
                self.undo.push(Step {
                    revert,
                    merge: None,
                });
                self.sealed = true;
                Ok(true)
            }
            Err(e) => {
                self.redo.push(edit);
                Err(e)
            }
        }
    }

    /// [`History::undo`] on a document.
    pub fn undo_document(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let mut value = doc.value().clone();
        let done = self.undo(&mut value)?;
        if done {
            doc.set_value(value);
        }
        Ok(done)
    }

    /// [`History::redo`] on a document.
    pub fn redo_document(&mut self, doc: &mut Document) -> Result<bool, EditError> {
        let mut value = doc.value().clone();
        let done = self.redo(&mut value)?;
        if done {
            doc.set_value(value);
        }
        Ok(done)
    }

    fn close(&mut self) {
        while self.depth > 0 {
            self.end();
        }
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.open.is_some()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The number of undo steps (an open transaction counts as one).
    pub fn undo_len(&self) -> usize {
        self.undo.len() + usize::from(self.open.is_some())
    }

    /// The number of redo steps.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// Forgets every step (after opening another file).
    pub fn clear(&mut self) {
        *self = Self::with_limit(self.limit);
    }
}
